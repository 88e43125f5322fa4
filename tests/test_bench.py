"""The speed bench runs end to end (at a tiny scale: its figures are not checked here)."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.long
def test_bench_runs_both_sides_and_says_it_was_scaled():
    proc = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, "bench", "run.py"),
            "--scale",
            "0.01",
            "--framings",
            "1",
            "5",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    rows = [
        line
        for line in lines
        if line.startswith("| 1 ") or line.startswith("| 5 ") or line.startswith("| all ")
    ]
    assert len(rows) == 3
    assert "SCALED by 0.01" in proc.stdout


def test_bench_refuses_a_scale_out_of_range():
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "bench", "run.py"), "--scale", "0"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 2
    assert "--scale" in proc.stderr


@pytest.mark.long
def test_jobs_bench_times_both_sides_and_checks_they_agree():
    proc = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, "bench", "jobs.py"),
            "--jobs",
            "2",
            "--",
            "--rows",
            "1",
            "5",
            "--epoch-scale",
            "0.01",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| --jobs 1 |" in proc.stdout and "| --jobs 2 |" in proc.stdout
    assert "Same accuracies on both sides: yes (2 rows)." in proc.stdout
    assert "| 1 | one letter -> next |" in proc.stdout  # the parallel run's own table follows
