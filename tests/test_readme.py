"""The README: its quickstart is CI's line, its links lead somewhere, it stays a landing page, and
the study page it cites is today's study."""

import os
import re

import pytest

from conftest import ROOT

with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as _file:
    README = _file.read()


def test_the_readme_holds_no_python_to_copy_the_scripts_are_the_code():
    """The code a learner copies lives in files the tests run (09_your_series.py:
    tests/test_your_series.py)."""
    assert not re.findall(r"^```python\n", README, re.MULTILINE)
    assert "`python 09_your_series.py series.csv`" in README


def test_quickstart_lines_are_the_first_commands_and_ci_runs_the_second():
    # the first commands
    first = re.search(r"^```bash\n(.*?)^```$", README, re.MULTILINE | re.DOTALL)
    setup, tests = first.group(1).splitlines()
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
    os.path.join("docs", name)
    for name in os.listdir(os.path.join(ROOT, "docs"))
    if name.endswith(".md")
)


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
        target_path = (
            os.path.normpath(os.path.join(os.path.dirname(path), target)) if target else path
        )
        assert os.path.exists(target_path), f"{page}: {link}"
        if anchor:
            assert anchor in anchors_of(target_path), f"{page}: {link}"


def test_the_study_page_is_the_study_of_todays_default_rows():
    """docs/study.md shows the real output of `reproduce.py --seeds 10`: its table lists exactly
    the rows reproduce.py runs by default, in that order, over 10 seeds, with the Holm line."""
    from study.rows import ROWS

    with open(os.path.join(ROOT, "docs", "study.md"), encoding="utf-8") as file:
        page = file.read()
    table = re.search(
        r"^#\s+Framing\s+Article\s+Seed \d+\s+Mean±SD\s+Min-max\s+Held, of (\d+)\n"
        r"-[- ]+\n(.*?)\n\n",
        page,
        re.MULTILINE | re.DOTALL,
    )
    assert table, "no study table (plain columns) in docs/study.md"
    assert table[1] == "10"
    labels = [line.split()[0] for line in table[2].splitlines()]
    assert labels == [row.label for row in ROWS if row.default]
    assert re.search(r"^Seeds 7-16 \(10\), ", page, re.MULTILINE)
    assert re.search(
        r"^Multiple comparisons \(Holm over the \d+ with a verdict", page, re.MULTILINE
    )
