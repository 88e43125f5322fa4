"""The scripts are also notebooks: jupytext "percent" cells that run one by one in a kernel."""

import os
import sys

import jupytext
import nbclient
import nbformat
import pytest

from conftest import ROOT
from test_scripts import SCRIPTS, check_articles_format


@pytest.mark.parametrize("script", SCRIPTS)
def test_each_script_is_a_percent_notebook_with_prose_between_its_sections(script):
    notebook = jupytext.read(os.path.join(ROOT, script), fmt="py:percent")
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds[0] == "code" and notebook.cells[0].source.startswith('"""')  # docstring first
    assert kinds.count("markdown") >= 5
    assert all(a != b for a, b in zip(kinds, kinds[1:]))  # prose and code take turns
    for cell in notebook.cells:
        assert cell.source.strip(), "empty cell"
        if cell.cell_type == "markdown":
            heading, *prose = cell.source.splitlines()
            assert heading.startswith("## ") and prose, cell.source
    # The code cells hold all of the script's code, in order: only comments were added.
    def code_lines(text):
        return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]

    with open(os.path.join(ROOT, script)) as file:
        script_code = code_lines(file.read())
    cells_code = [line for cell in notebook.cells if cell.cell_type == "code" for line in code_lines(cell.source)]
    assert cells_code == script_code


@pytest.mark.parametrize("script", ["01_naive_one_char.py", "05_stateful.py"])
def test_script_runs_cell_by_cell_in_a_jupyter_kernel(script, monkeypatch, tmp_path):
    """Executed as a notebook (the article's default settings: the kernel's command line is not
    the script's), the cells print what the script prints. With `args.plot` set after the first
    cell, the picture is written, shown inline, and matplotlib's backend stays the notebook's."""
    # The kernel is started as `python -m ipykernel_launcher`: make that this environment's.
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    notebook = jupytext.read(os.path.join(ROOT, script), fmt="py:percent")
    picture = tmp_path / "picture.png"
    notebook.cells.insert(1, nbformat.v4.new_code_cell(
        f"import matplotlib\nbackend_before = matplotlib.get_backend()\nargs.plot = {str(picture)!r}"))
    notebook.cells.append(nbformat.v4.new_code_cell(
        "assert matplotlib.get_backend() == backend_before, (backend_before, matplotlib.get_backend())\n"
        "assert 'inline' in backend_before, backend_before  # the kernel's own, so the check means something"))
    client = nbclient.NotebookClient(
        notebook, kernel_name="python3", timeout=600, resources={"metadata": {"path": ROOT}}
    )
    client.execute()
    stdout = "".join(
        output.get("text", "")
        for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.outputs if output.get("name") == "stdout"
    )
    check_articles_format(script, stdout)
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    shown = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
             if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert len(shown) == 1  # the picture, inline
