"""Run each script as a user would, in a subprocess with a few epochs, and check what it prints.

Two epochs teach nothing, so these tests check the format and the count of what is printed,
not the accuracy; tests/test_reproduce.py checks the article's claims at full settings.
"""

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT
from reproduce import parse_output

# script, pairs it prints before training, prediction sections after the accuracy line
SCRIPTS = {
    "01_naive_one_char.py": (25, {"": 25}),
    "02_window_features.py": (23, {"": 23}),
    "03_window_timesteps.py": (23, {"": 23}),
    "04_batch_state.py": (25, {"": 25, "Test a Random Pattern:": 20}),
    "05_stateful.py": (25, {"": 25, "New start:  K": 5}),
    "06_variable_length.py": (10, {"": 20}),
}
INPUT_LENGTHS = {  # letters per prediction input
    "01_naive_one_char.py": {1},
    "02_window_features.py": {3},
    "03_window_timesteps.py": {3},
    "04_batch_state.py": {1},
    "05_stateful.py": {1},
    "06_variable_length.py": {1, 2, 3, 4, 5},
}


def run(script, *args):
    return subprocess.run(
        [sys.executable, os.path.join(ROOT, script), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_runs_and_prints_the_articles_format(script):
    proc = run(script, "--epochs", "2")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    pairs, sections = SCRIPTS[script]

    dataset_lines = re.findall(r"^[A-Z]+ -> [A-Z]$", out.split("Training:")[0], re.MULTILINE)
    assert len(dataset_lines) == pairs
    assert re.search(r"^Training took \d+\.\d s$", out, re.MULTILINE)

    result = parse_output(out)
    assert 0 <= result.accuracy <= 100
    assert {header: len(pairs) for header, pairs in result.sections.items()} == sections
    lengths = {len(inp) for inp, _ in result.sections[""]}
    if script == "06_variable_length.py":
        assert lengths <= INPUT_LENGTHS[script]  # 20 picks need not show every length
    else:
        assert lengths == INPUT_LENGTHS[script]


@pytest.mark.parametrize("script", ["03_window_timesteps.py", "05_stateful.py"])
def test_quiet_prints_only_accuracy_and_predictions(script):
    proc = run(script, "--epochs", "1", "--quiet")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert re.fullmatch(r"Model Accuracy: \d+\.\d\d%", lines[0])
    result = parse_output(proc.stdout)
    assert len(lines) == 1 + sum(len(p) for p in result.sections.values()) + len(result.sections) - 1


def test_same_seed_same_output():
    first = run("03_window_timesteps.py", "--epochs", "20", "--seed", "3", "--quiet")
    second = run("03_window_timesteps.py", "--epochs", "20", "--seed", "3", "--quiet")
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout


def test_bad_epochs_is_refused_before_training():
    proc = run("01_naive_one_char.py", "--epochs", "0")
    assert proc.returncode == 2
    assert "--epochs" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""
