"""What a doc quotes of a script's output is what the script prints.

A fenced block in README.md or docs/*.md that follows a line `<!-- output of: SCRIPT ARGS -->`
quotes that run (seed 7 unless ARGS say otherwise): each of its lines must be a line of the
run's output, in the same order (a quote may leave lines out, and says which). Seconds a run
took are masked.
"""

import os
import re

import pytest

from conftest import ROOT

MARKER = re.compile(
    r"^<!-- output of: (?P<command>[^>]+?) -->\n```[^\n]*\n(?P<block>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)


def quotes():
    """(doc, script, args, quoted lines) for every marked block."""
    found = []
    for doc in [
        "README.md",
        *(os.path.join("docs", name) for name in os.listdir(os.path.join(ROOT, "docs"))),
    ]:
        if not doc.endswith(".md"):
            continue
        with open(os.path.join(ROOT, doc), encoding="utf-8") as file:
            text = file.read()
        for match in MARKER.finditer(text):
            script, *args = match["command"].split()
            found.append((doc, script, tuple(args), match["block"].splitlines()))
    return found


SCRIPT_RUNS = {"script_run": [(script, *args) for _, script, args, _ in quotes()]}


def masked(line):
    return re.sub(r"\b\d+\.\d s\b", "N s", line)


def in_order(quoted, printed):
    """The first quoted line not found, in order, among the printed lines; None if all are."""
    rest = iter(map(masked, printed))
    for line in map(masked, quoted):
        if not any(line == candidate for candidate in rest):
            return line
    return None


def test_the_marked_quotes_are_found():
    # The check below can fail only if it finds quotes: framing 5's page has one.
    assert any(doc == os.path.join("docs", "framing5.md") for doc, *_ in quotes())


def test_in_order_finds_what_is_missing_or_out_of_order():
    assert in_order(["a", "c"], ["a", "b", "c"]) is None
    assert in_order(["c", "a"], ["a", "b", "c"]) == "a"
    assert in_order(["took 1.5 s"], ["took 2.0 s"]) is None


@pytest.mark.parametrize("doc, script, args, quoted", quotes(), ids=lambda value: str(value)[:30])
def test_each_quote_is_what_the_script_prints(doc, script, args, quoted, script_run):
    run = script_run(script, *args)  # with --quiet: a quote holds the results, not the log
    missing = in_order(quoted, run.stdout.splitlines())
    assert missing is None, (
        f"{doc} quotes a line {script} {' '.join(args)} does not print: {missing}"
    )
