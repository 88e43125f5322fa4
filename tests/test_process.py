"""What a script does as a process, each test starting a real one as a user does: bad input
refused in one line before Keras loads, a closed output, stop signals (also while TensorFlow
imports and while a file is written), missing packages, a terminal's progress bar, and nothing
written unless asked. The other script tests (test_scripts.py) run from the suite's launcher.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from conftest import ROOT

# Every class of bad input, as a user types it: one line naming the option, status 2, nothing
# on stdout, and refused before Keras is even imported (so before anything trains, and at once:
# `python -X importtime` lists every module imported, and keras is not among them).
# {tmp} is a fresh folder holding a file `file.txt` and a folder `taken.png`.
BAD_INPUT = [
    # values argparse would take but the code behind them cannot
    ("01_naive_one_char.py", ["--epochs", "0"], "--epochs"),
    ("01_naive_one_char.py", ["--seed", "4294967296"], "4294967295"),  # NumPy's largest seed
    ("02_window_features.py", ["--predict", "AB"], "--predict"),  # reads three letters
    ("03_window_timesteps.py", ["--predict", "AB-"], "--predict"),
    ("04_batch_state.py", ["--steps", "many"], "--steps"),
    ("04_batch_state.py", ["--units", "0"], "--units"),
    ("05_stateful.py", ["--predict", ""], "--predict"),
    ("06_variable_length.py", ["--shuffle"], "--shuffle"),  # only framing 4 has it
    # runs that would never end
    ("03_window_timesteps.py", ["--steps", "1000000"], "at most 1000"),
    ("06_variable_length.py", ["--epochs", "99999999"], "at most 100000"),
    ("04_batch_state.py", ["--units", "100000"], "at most 1024"),
    # output files that cannot be written, found before training rather than after it
    ("03_window_timesteps.py", ["--save", "/no/such/folder/m.keras"], "--save"),
    ("01_naive_one_char.py", ["--plot", "curves.jpg"], "--plot"),
    ("05_stateful.py", ["--plot", "/proc/curves.png"], "cannot write to folder"),
    ("06_variable_length.py", ["--save", "{tmp}/file.txt/m.keras"], "is not a folder"),
    ("02_window_features.py", ["--plot", "{tmp}/taken.png"], "is a folder"),
    ("05_stateful.py", ["--json", "/proc/found.json"], "--json"),
    # the study
    ("reproduce.py", ["--seed", "4294967290", "--seeds", "10"], "4294967295"),
    ("reproduce.py", ["--jobs", "1000"], "--jobs"),
    ("reproduce.py", ["--plot", "/proc/chart.png"], "--plot"),
]


@pytest.mark.parametrize("script, args, shown", BAD_INPUT)
def test_bad_input_is_refused_in_one_line_before_keras_loads(script, args, shown, tmp_path):
    (tmp_path / "file.txt").write_text("a file")
    (tmp_path / "taken.png").mkdir()
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    check_refused_before_keras(script, args, shown, status=2)


def check_refused_before_keras(script, args, shown, status, env=None):
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", os.path.join(ROOT, script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=env,
    )
    assert proc.returncode == status
    imports = [line for line in proc.stderr.splitlines() if line.startswith("import time:")]
    lines = [line for line in proc.stderr.splitlines() if not line.startswith("import time:")]
    assert len(lines) == 1 and shown in lines[0] and lines[0].startswith(script), proc.stderr[
        -2000:
    ]
    assert imports and not any(re.search(r"\|\s+(keras|tensorflow)$", line) for line in imports)
    assert proc.stdout == ""


@pytest.mark.parametrize("script", ["01_naive_one_char.py", "reproduce.py"])
def test_a_keras_backend_that_cannot_run_the_scripts_is_one_line(script):
    env = {**os.environ, "KERAS_BACKEND": "tensorflw"}
    check_refused_before_keras(script, [], "tensorflow, jax, torch", status=2, env=env)


def test_output_closed_early_stops_quietly_as_other_programs_do():
    # `python 01_naive_one_char.py | head -3`: the reader goes away after three lines.
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "01_naive_one_char.py"), "--epochs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    head = [proc.stdout.readline() for _ in range(3)]
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert head == [b"Training pairs:\n", b"A -> B\n", b"B -> C\n"]
    assert proc.returncode == -signal.SIGPIPE  # the shell shows 141, as for `yes | head -3`
    assert "Traceback" not in err and "BrokenPipeError" not in err


def test_output_closed_early_still_writes_the_files_asked_for(tmp_path):
    # `python 04_batch_state.py --epochs 5 --json found.json | head -1`: the reader goes away
    # after one line; the run goes on without its output and writes every file asked for, whole.
    asked = {"--json": "found.json", "--save": "model.keras", "--plot": "picture.png"}
    proc = subprocess.Popen(
        [
            sys.executable,
            os.path.join(ROOT, "04_batch_state.py"),
            "--epochs",
            "5",
            *[part for option, name in asked.items() for part in (option, str(tmp_path / name))],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=300)
    assert first == b"Training pairs:\n"
    assert proc.returncode == 0, err
    assert sorted(os.listdir(tmp_path)) == sorted(asked.values())  # and no temporary file
    assert json.loads((tmp_path / "found.json").read_text())["epochs"] == 5
    assert zipfile.is_zipfile(tmp_path / "model.keras")
    assert (tmp_path / "picture.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Traceback" not in err and "BrokenPipeError" not in err
    (note,) = [line for line in err.splitlines() if "closed early" in line]
    assert note.startswith(
        "04_batch_state.py: stdout closed early; carrying on, without it, to write "
    )


STOPS = [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "terminated"), (signal.SIGHUP, "hung up")]


@pytest.mark.parametrize("signum, word", STOPS)
def test_a_stop_signal_while_tensorflow_imports_prints_one_line(signum, word):
    """Ctrl-C (or kill, or a closed terminal) in the first seconds. common.py points file
    descriptor 2 at /dev/null while TensorFlow imports, to hide its start-up notices; the line
    written there was lost. The signal is sent at that very moment, seen in /proc."""
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "01_naive_one_char.py"), "--epochs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 120
    while os.readlink(f"/proc/{proc.pid}/fd/2") != os.devnull:  # not yet importing
        assert time.monotonic() < deadline and proc.poll() is None, "never saw the import start"
        time.sleep(0.005)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signum
    assert [line for line in err.splitlines() if line.strip()] == [f"01_naive_one_char.py: {word}"]
    assert out == ""  # stopped before training


STOP_WHILE_WRITING = """
import os, signal, sys
import common

common.quiet_exits()


def write(partial):
    with open(partial, "w") as file:
        file.write("first half\\n")
        file.flush()
        os.kill(os.getpid(), signal.{name})  # the stop comes halfway through the file
        for _ in range(1000):  # Python code: where the signal's handler would run, unheld
            pass
        file.write("second half\\n")


common.write_atomically(sys.argv[1], write)
print("not reached", flush=True)
"""


@pytest.mark.parametrize("signum, word", STOPS)
def test_a_stop_signal_while_saving_leaves_the_whole_file_or_none(signum, word, tmp_path):
    program, out = tmp_path / "program", tmp_path / "out"
    program.mkdir()
    out.mkdir()
    (program / "stopping.py").write_text(
        STOP_WHILE_WRITING.replace("{name}", signal.Signals(signum).name)
    )
    proc = subprocess.run(
        [sys.executable, str(program / "stopping.py"), str(out / "found.json")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ROOT},
        timeout=60,
    )
    assert proc.returncode == 128 + signum
    assert [line for line in proc.stderr.splitlines() if line.strip()] == [f"stopping.py: {word}"]
    assert proc.stdout == ""  # stopped right after the file was in place
    assert os.listdir(out) == ["found.json"]  # no temporary file left beside it
    assert (out / "found.json").read_text() == "first half\nsecond half\n"


def test_missing_packages_are_named_in_one_line():
    # `python -S` leaves out site-packages: what a machine without the requirements sees.
    proc = run_plain("-S", "01_naive_one_char.py", "--epochs", "1")
    assert proc.returncode == 2
    (line,) = proc.stderr.splitlines()
    assert "is not installed" in line and "pip install -r requirements.txt" in line


def test_ctrl_c_during_training_stops_with_one_line_and_status_130():
    proc = subprocess.Popen(
        [sys.executable, "-u", os.path.join(ROOT, "06_variable_length.py"), "--epochs", "500"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    for line in proc.stdout:  # wait until training has started
        if line.startswith("Training:"):
            break
    time.sleep(2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.strip()] == [
        "06_variable_length.py: interrupted"
    ]


def test_progress_is_one_live_bar_on_a_terminal():
    """With stderr on a terminal, Keras's Progbar redraws one line in place (carriage
    returns or backspaces), ending at the last epoch, instead of printing a line per epoch."""
    import pty
    import threading

    parent, child = pty.openpty()
    chunks = []

    def read_all():
        while True:
            try:
                data = os.read(parent, 4096)
            except OSError:  # the child side closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read_all)
    reader.start()
    try:
        proc = subprocess.run(
            [sys.executable, os.path.join(ROOT, "03_window_timesteps.py"), "--epochs", "30"],
            stdout=subprocess.PIPE,
            stderr=child,
            cwd=ROOT,
            timeout=600,
        )
    finally:
        os.close(child)
        reader.join(timeout=10)
        os.close(parent)
    shown = b"".join(chunks).decode(errors="replace")
    assert proc.returncode == 0
    assert "30/30" in shown and "loss: " in shown and "accuracy: " in shown
    assert "\r" in shown or "\b" in shown  # redrawn in place
    assert "Epoch 3/30" not in shown  # not the plain lines meant for pipes and files
    assert shown.rstrip("\r\n").count("\n") == 0  # one line on the terminal
    assert b"30/30" not in proc.stdout  # stdout keeps the results alone


def test_nothing_is_written_unless_asked(tmp_path):
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "05_stateful.py"), "--epochs", "2"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert os.listdir(tmp_path) == []


def run_plain(flag, script, *args):
    return subprocess.run(
        [sys.executable, flag, os.path.join(ROOT, script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
