"""The README: its recipe runs as written and with other sizes, and beats its baseline; its links
lead somewhere; it stays a landing page."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as _file:
    README = _file.read()
BLOCKS = re.findall(r"^```python\n(.*?)^```$", README, re.MULTILINE | re.DOTALL)
RECIPE = next(block for block in BLOCKS if "stateful=True" in block)
OUTPUT = re.compile(r"one-step MSE on the last (\d+) values of (\d+) series: "
                    r"model (\d+\.\d+), repeat-last baseline (\d+\.\d+)")


def test_the_readme_has_a_recipe_to_run_and_no_other_python_block():
    assert "stateful=True" in RECIPE and "batch_shape=(NUM_SERIES, 1, 1)" in RECIPE
    assert BLOCKS == [RECIPE]  # the only Python in the README is the recipe, which the tests run
    imported = set(re.findall(r"^(?:import|from) (\w+)", RECIPE, re.MULTILINE))
    assert imported - {"guard"} == {"os", "keras", "numpy"}  # guard.py: the one copyable project file


def run_block(block, tmp_path):
    # Run from a folder holding only the block (and guard.py, the one project file a reader
    # copies with it, if it imports it), so that it cannot lean on the project's other modules.
    script = tmp_path / "block.py"
    script.write_text(block)
    files = ["block.py"]
    if re.search(r"^(from guard |import guard)", block, re.MULTILINE):
        shutil.copy(os.path.join(ROOT, "guard.py"), tmp_path)
        files.append("guard.py")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TF_CPP_MIN_LOG_LEVEL")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(os.listdir(tmp_path)) == sorted(files)  # writes nothing
    assert proc.stderr == ""  # quiet: no TensorFlow start-up noise, no warnings
    return proc


def with_constants(block, **values):
    for name, value in values.items():
        block, count = re.subn(rf"^{name} = \d+ ", f"{name} = {value} ", block, flags=re.MULTILINE)
        assert count == 1, f"the recipe has no constant {name} at the start of a line"
    return block


@pytest.mark.parametrize("num_series, length", [(None, None), (2, 150), (5, 120)],
                         ids=["as-written", "2-series", "5-series"])
def test_recipe_beats_repeating_the_last_value_with_any_number_of_series(num_series, length, tmp_path):
    """Run as written, and with another number of series and another length (the constants at
    its top substituted), quietly: the one-step error on the held-out end of each series is
    below the repeat-last baseline's, for every series count, since the layout is in code. As
    written, it prints what the README shows it prints."""
    block = RECIPE if num_series is None else with_constants(RECIPE, NUM_SERIES=num_series, LENGTH=length)
    proc = run_block(block, tmp_path)
    (match,) = OUTPUT.findall(proc.stdout)
    test, series, model, baseline = int(match[0]), int(match[1]), float(match[2]), float(match[3])
    if num_series is None:
        (shown,) = re.findall(r"^```\n(one-step MSE .*)\n```$", README, re.MULTILINE)
        assert proc.stdout.strip() == shown
    else:
        assert (series, test) == (num_series, length // 5)
    assert model < baseline, proc.stdout


def test_quickstart_lines_are_the_first_commands_and_ci_runs_the_second():
    first = re.search(r"^```(\w*)\n(.*?)^```$", README, re.MULTILINE | re.DOTALL)
    assert first.group(1) == "bash"
    setup, tests = first.group(2).splitlines()
    assert setup.endswith("pip install -r requirements.txt && python reproduce.py")
    with open(os.path.join(ROOT, ".ci", "run")) as file:
        assert tests in file.read().splitlines()


def test_readme_is_a_landing_page_of_at_most_3000_words():
    assert len(README.split()) <= 3000  # as `wc -w` counts


def github_anchor(heading):
    """The id GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to '-'."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors_of(path):
    with open(path, encoding="utf-8") as file:
        text = re.sub(r"^```.*?^```$", "", file.read(), flags=re.MULTILINE | re.DOTALL)
    return {github_anchor(h) for h in re.findall(r"^#+ (.*)$", text, re.MULTILINE)}


MARKDOWN = ["README.md"] + sorted(
    os.path.join("docs", name) for name in os.listdir(os.path.join(ROOT, "docs")) if name.endswith(".md"))


@pytest.mark.parametrize("page", MARKDOWN)
def test_every_local_link_leads_to_a_file_and_heading_that_exist(page):
    path = os.path.join(ROOT, page)
    with open(path, encoding="utf-8") as file:
        text = re.sub(r"^```.*?^```$", "", file.read(), flags=re.MULTILINE | re.DOTALL)
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    for link in links:
        if re.match(r"\w+://", link):
            continue
        target, _, anchor = link.partition("#")
        target_path = os.path.normpath(os.path.join(os.path.dirname(path), target)) if target else path
        assert os.path.exists(target_path), f"{page}: {link}"
        if anchor:
            assert anchor in anchors_of(target_path), f"{page}: {link}"


def test_the_study_page_is_the_study_of_todays_default_rows():
    """docs/study.md shows the real output of `reproduce.py --seeds 10`: its table lists exactly
    the rows reproduce.py runs by default, in that order, over 10 seeds, with the Holm line."""
    import reproduce

    with open(os.path.join(ROOT, "docs", "study.md"), encoding="utf-8") as file:
        page = file.read()
    table = re.search(r"^#\s+Framing\s+Article\s+Seed \d+\s+Mean±SD\s+Min-max\s+Held, of (\d+)\n-[- ]+\n(.*?)\n\n",
                      page, re.MULTILINE | re.DOTALL)
    assert table, "no study table (plain columns) in docs/study.md"
    assert table[1] == "10"
    labels = [line.split()[0] for line in table[2].splitlines()]
    assert labels == [row.label for row in reproduce.ROWS if row.default]
    assert re.search(r"^Seeds 7-16 \(10\), ", page, re.MULTILINE)
    assert re.search(r"^Multiple comparisons \(Holm over the \d+ with a verdict", page, re.MULTILINE)
