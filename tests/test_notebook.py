"""The scripts are also notebooks: jupytext "percent" cells that run one by one in a kernel."""

import os
import re
import shutil
import subprocess
import sys

import jupytext
import nbclient
import nbformat
import pytest

from conftest import ROOT, run_script
from output import parse_output
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
    cells_code = [
        line
        for cell in notebook.cells
        if cell.cell_type == "code"
        for line in code_lines(cell.source)
    ]
    assert cells_code == script_code


@pytest.mark.long
@pytest.mark.parametrize("script", ["01_naive_one_char.py", "05_stateful.py"])
def test_script_runs_cell_by_cell_in_a_jupyter_kernel(script, monkeypatch, tmp_path):
    """Executed as a notebook (the article's default settings: the kernel's command line is not
    the script's), the cells print what the script prints. With `args.plot` set after the first
    cell, the picture is written, shown inline, and matplotlib's backend stays the notebook's."""
    # The kernel is started as `python -m ipykernel_launcher`: make that this environment's.
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    notebook = jupytext.read(os.path.join(ROOT, script), fmt="py:percent")
    picture = tmp_path / "picture.png"
    notebook.cells.insert(
        1,
        nbformat.v4.new_code_cell(
            "import matplotlib\nbackend_before = matplotlib.get_backend()\n"
            f"args.plot = {str(picture)!r}"
        ),
    )
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            "assert matplotlib.get_backend() == backend_before, "
            "(backend_before, matplotlib.get_backend())\n"
            "# the kernel's own backend, so the check means something\n"
            "assert 'inline' in backend_before, backend_before"
        )
    )
    client = nbclient.NotebookClient(
        notebook, kernel_name="python3", timeout=600, resources={"metadata": {"path": ROOT}}
    )
    client.execute()
    stdout = "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.get("name") == "stdout"
    )
    check_articles_format(script, stdout)
    errors = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors == []
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    shown = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "display_data" and "image/png" in o.get("data", {})
    ]
    assert len(shown) == 1  # the picture, inline


def run_notebook(notebook):
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": ROOT}},
        allow_errors=True,
    )
    client.execute()
    return notebook


def stdout_of(cells):
    return "".join(
        o.get("text", "")
        for c in cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.get("name") == "stdout"
    )


@pytest.mark.long
def test_options_set_in_a_notebook_are_checked_and_a_new_seed_makes_that_seeds_run(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    notebook = jupytext.read(os.path.join(ROOT, "01_naive_one_char.py"), fmt="py:percent")
    cells = notebook.cells
    training = next(c for c in cells if c.cell_type == "code" and "model.fit(" in c.source)
    bad = [
        nbformat.v4.new_code_cell(f"args.{name} = {value}")
        for name, value in [
            ("plot", "'curves.jpg'"),
            ("epochs", "0"),
            ("predict", "'a1'"),
            ("save", "'/nonexistent/m.keras'"),
        ]
    ]
    settings = nbformat.v4.new_code_cell("args.epochs = 30\nargs.seed = 3")
    again = nbformat.v4.new_code_cell(training.source)  # the training cell, run a second time
    notebook.cells = [cells[0], *bad, settings, *cells[1:], again]
    run_notebook(notebook)
    # Each bad value: one line, the command line's message, and the old value kept.
    for cell in bad:
        (error,) = [o for o in cell.outputs if o.output_type == "error"]
        assert error.ename == "OptionError" and len(error.traceback) == 1, error.traceback
        assert error.traceback[0].startswith("OptionError: args.")
    errors = [
        o
        for c in notebook.cells
        if c not in bad and c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors == []
    assert "Seed 3 set" in stdout_of([settings])
    # The cells after the new seed make the run that `--seed 3 --epochs 30` makes.
    printed = stdout_of(notebook.cells[len(bad) + 2 : -1])
    cli = run_script(
        "01_naive_one_char.py", "--epochs", "30", "--seed", "3"
    )  # the command line's run (from a launcher)
    assert cli.returncode == 0, cli.stderr
    ours, theirs = parse_output(printed), parse_output(cli.stdout)
    assert (ours.accuracy, ours.sections) == (theirs.accuracy, theirs.sections)
    # Run again, the training cell says it continues the model trained so far.
    assert "Training continues from the weights trained so far (750 updates)" in stdout_of([again])


def readme_notebook_commands():
    """The README's notebook block: the pip line, then the commands that make and run a notebook."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as file:
        blocks = re.findall(r"^```bash\n(.*?)^```$", file.read(), re.MULTILINE | re.DOTALL)
    (block,) = [b for b in blocks if "jupytext --to notebook" in b]
    install, command = block.strip().splitlines()
    return install, command


def test_readme_notebook_commands_run_as_written(monkeypatch, tmp_path):
    """The README's commands, in a copy of the project's files: the pip line names a requirements
    file that pins what the commands run (jupytext, nbclient's `jupyter execute`, ipykernel), and
    the commands make the notebook and run it in a kernel (with a cell setting few epochs put in
    between, the README's way of changing an option), saving outputs that show the lesson."""
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    install, command = readme_notebook_commands()
    requirements = re.fullmatch(r"pip install -r (\S+)", install).group(1)
    with open(os.path.join(ROOT, requirements)) as file:
        pinned = dict(re.findall(r"^([\w-]+)==(\S+)", file.read(), re.MULTILINE))
    assert {"jupytext", "nbclient", "ipykernel"} <= set(pinned), pinned
    script = re.search(r"jupytext --to notebook (\S+\.py)", command).group(1)
    for name in os.listdir(ROOT):  # the project's folder as a clone has it: every module
        if name.endswith(".py"):
            shutil.copy(os.path.join(ROOT, name), tmp_path)
    make, run = command.split(" && ")
    subprocess.run(make, shell=True, cwd=tmp_path, check=True, capture_output=True, timeout=120)
    path = tmp_path / script.replace(".py", ".ipynb")
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(1, nbformat.v4.new_code_cell("args.epochs = 20"))
    nbformat.write(notebook, path)
    proc = subprocess.run(
        run, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    executed = nbformat.read(path, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert "Model Accuracy:" in stdout_of(executed.cells)
    assert "Training: 20 epochs" in stdout_of(executed.cells)  # the option set in the notebook


@pytest.mark.parametrize("script", ["01_naive_one_char.py"])
def test_a_notebook_outside_the_project_folder_stops_at_its_first_cell(
    script, monkeypatch, tmp_path
):
    """Saved away from common.py, the notebook stops at its first cell, before anything trains,
    naming the file it needs (docs/running.md: keep the notebook in this folder)."""
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    notebook = jupytext.read(os.path.join(ROOT, script), fmt="py:percent")
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    with pytest.raises(nbclient.exceptions.CellExecutionError):
        client.execute()  # stops at the first error, as Jupyter's "run all" does
    (error,) = [o for o in notebook.cells[0].outputs if o.output_type == "error"]
    assert error.ename == "ModuleNotFoundError" and error.evalue == "No module named 'common'"
