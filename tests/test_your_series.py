"""09_your_series.py, a learner's own series: one or many, 1-D or in columns, unscaled, scored
against repeating the last value one step and N steps ahead; bad files refused in one line; it
runs copied alone beside guard.py. Each run trains a few seconds."""

import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, run_script

SCRIPT = "09_your_series.py"
ONE_STEP = re.compile(
    r"^one-step MSE on the last (\d+) values of (\d+) series: model (\d+\.\d+), "
    r"repeat-last baseline (\d+\.\d+)$",
    re.MULTILINE,
)
AHEAD = re.compile(
    r"^(\d+)-step forecast from the state, its own predictions fed back, MSE: model (\d+\.\d+), "
    r"repeat-last (\d+\.\d+), training mean (\d+\.\d+)$",
    re.MULTILINE,
)


def run(*args, cwd=ROOT):
    proc = run_script(SCRIPT, *args, cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (one_step,) = ONE_STEP.findall(proc.stdout)
    (ahead,) = AHEAD.findall(proc.stdout)
    return (
        proc.stdout,
        [int(v) for v in one_step[:2]] + [float(v) for v in one_step[2:]],
        [int(ahead[0])] + [float(v) for v in ahead[1:]],
    )


def sines(count, length=150, scale=50.0, offset=100.0):
    """`count` sine waves in columns, far from -1..1 (unscaled): (length, count)."""
    t = np.arange(length)[:, None]
    return offset + scale * np.sin(0.15 * (1 + np.arange(count)) * t + np.arange(count))


@pytest.mark.parametrize("count", [1, 2, 5])
def test_unscaled_series_in_columns_beat_repeating_the_last_value(count, tmp_path):
    data = tmp_path / "series.csv"
    np.savetxt(data, sines(count), delimiter=",")
    out, (test, series, model, baseline), (horizon, ahead, repeat, mean) = run(data)
    assert (test, series, horizon) == (30, count, 30)  # the last fifth, of every series
    assert model < baseline / 2, out  # scaled on the training part, scored in the series' units
    assert "clears the bar" in out
    assert ahead < repeat, out  # from the state alone, 30 steps ahead: still above the bar


def test_one_series_one_value_a_line_a_random_walk_is_reported_honestly(tmp_path):
    """A random walk (unscaled, -44..0 as a user brought): no model can know the next step, so
    repeating the last value is the best forecast; what the script says must follow its figures."""
    walk = np.cumsum(np.random.default_rng(3).normal(size=200))
    data = tmp_path / "walk.txt"
    np.savetxt(data, walk - walk.max())  # one value per line: a 1-D series
    out, (test, series, model, baseline), (horizon, ahead_model, ahead_repeat, _) = run(
        data, "--horizon", "5"
    )
    assert (test, series, horizon) == (40, 1, 5)
    assert ("clears the bar" in out) == (model < baseline)
    assert ("does not beat repeating the last value" in out) == (model >= baseline)
    assert model > 0.5 * baseline  # no better than luck allows against the best forecast there is
    assert ("does not beat repeat-last" in out or "beats neither bar" in out) == (
        ahead_model >= ahead_repeat
    )


def test_a_trend_past_the_training_range_is_named_as_the_reason(tmp_path):
    """A straight line up: the held-out values are all above any value trained on, and a model
    of levels cannot say a level it never saw; the script says so rather than only losing."""
    data = tmp_path / "trend.txt"
    np.savetxt(data, np.arange(200.0))
    out, (_, _, model, baseline), _ = run(data)
    assert model > baseline
    assert "leave the range of their training part" in out


def test_a_header_line_is_skipped(tmp_path):
    data = tmp_path / "with_header.csv"
    data.write_text("a,b\n" + "\n".join(f"{x:.3f},{y:.3f}" for x, y in sines(2, 60)) + "\n")
    _, (test, series, *_), _ = run(data, "--epochs", "1")
    assert (test, series) == (12, 2)


def test_one_line_of_numbers_is_one_series(tmp_path):
    data = tmp_path / "row.csv"
    data.write_text(", ".join(f"{v:.3f}" for v in sines(1, 60)[:, 0]) + "\n")
    _, (test, series, *_), _ = run(data, "--epochs", "1")
    assert (test, series) == (12, 1)


@pytest.mark.parametrize(
    "content, args, shown",
    [
        (None, [], "No such file or directory"),
        ("1,2\n3\n", [], "every line must hold as many numbers"),
        ("1\nx\n", [], "not only numbers"),
        ("value\n", [], "no numbers"),
        ("1\nnan\n2\n", [], "nan or inf"),
        ("1\n2\n3\n", [], "too few"),
        ("\n".join(map(str, range(50))), ["--horizon", "11"], "--horizon: at most 10"),
        ("\n".join(map(str, range(50))), ["--epochs", "0"], "--epochs"),
    ],
)
def test_bad_input_is_refused_in_one_line(content, args, shown, tmp_path):
    data = tmp_path / "data.csv"
    if content is not None:
        data.write_text(content)
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, SCRIPT), str(data), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1 and shown in proc.stderr, (
        proc.stderr
    )


def test_the_demo_prints_what_the_readme_shows_and_runs_copied_alone(tmp_path):
    """Copied with guard.py into a folder of its own, the demo prints the README's lines."""
    for name in (SCRIPT, "guard.py"):
        shutil.copy(os.path.join(ROOT, name), tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TF_CPP_MIN_LOG_LEVEL")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run(
        [sys.executable, SCRIPT], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stderr == ""  # quiet: no TensorFlow start-up noise, no warnings
    assert sorted(os.listdir(tmp_path)) == sorted([SCRIPT, "guard.py"])  # writes nothing
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as file:
        readme = file.read()
    (shown,) = re.findall(
        r"^```\n(3 series of 200 values .*?)\n```$", readme, re.MULTILINE | re.DOTALL
    )
    assert proc.stdout.strip() == shown
