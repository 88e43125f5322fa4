"""Running the study's rows: each row for each seed is one script run as a user would run it, in
its own process, with `--json` so that what it found comes back as data. Runs go `jobs` at a
time, each process limited to its share of the CPU threads; progress goes to stderr.
"""

import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

import common
from study.rows import Refused, Row

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the scripts' folder


class ScriptFailed(RuntimeError):
    pass


@dataclass
class Run:
    """One row for one seed: its process while it runs, then what it found."""

    row: Row
    seed: int
    epochs: int | None  # None: the script's own
    proc: subprocess.Popen | None = None
    json_path: str = ""
    started: float = 0.0
    seconds: float = 0.0
    epochs_done: int = 0  # from the script's latest "Epoch N/E" line
    # E of that line: each training of a multi-model row has its own
    epochs_total: int | None = None
    training: tuple | None = None  # (k, K) from "Training k/K: name" (07 trains several models)
    stderr_lines: list = field(default_factory=list)
    reader: threading.Thread | None = None  # reads the progress lines from the process's stderr
    found: dict | None = None  # None while running, or if refused
    refused: str | None = None


def scaled_epochs(row, scale):
    return None if row.epochs is None else max(1, round(row.epochs * scale))


def start_run(run, threads, folder):
    """Start `run`'s script in a new process, with `threads` CPU threads for TensorFlow."""
    run.json_path = os.path.join(folder, f"{run.row.label}-{run.seed}.json".replace("@", "at"))
    env = dict(os.environ)
    # TensorFlow's two thread pools; OMP for PyTorch. Fewer threads than cores per process, so
    # parallel runs do not fight; these tiny models gain nothing from more (see the README).
    for name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
        env[name] = str(threads)
    env[common.PARENT] = str(os.getpid())  # the script stops if this process is gone (common.py)
    command = [
        sys.executable,
        os.path.join(ROOT, run.row.script),
        *run.row.args,
        "--seed",
        str(run.seed),
        *(() if run.epochs is None else ("--epochs", str(run.epochs))),
        "--json",
        run.json_path,
    ]
    run.started = time.perf_counter()
    # Each script in its own session (process group), so that a stop ends it and anything it
    # started with one signal to the group (`stop_run`), and Ctrl-C on the terminal reaches only
    # this process, which stops the scripts itself.
    own_group = (
        {"start_new_session": True}
        if os.name == "posix"
        else {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    )
    run.proc = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
        **own_group,
    )

    def read_progress():
        for line in run.proc.stderr:
            run.stderr_lines.append(line)
            read_progress_line(run, line)

    reader = threading.Thread(target=read_progress, daemon=True)
    reader.start()
    run.reader = reader


def stop_run(run):
    """End `run`'s script and every process it started (its process group), and reap it."""
    if os.name == "posix":
        try:
            os.killpg(run.proc.pid, signal.SIGKILL)  # its folder is removed next: nothing to save
        except ProcessLookupError:  # already gone, with everything it started
            pass
    else:
        run.proc.kill()
    run.proc.wait()


def read_progress_line(run, line):
    """Follow a script's progress from one stderr line: "Training 3/8: <name>" before each of a
    multi-model row's trainings, "Epoch 50/500 - loss: ..." from its progress callback."""
    match = re.match(r"Training (\d+)/(\d+): ", line)
    if match:
        run.training = (int(match[1]), int(match[2]))
        run.epochs_done, run.epochs_total = 0, None  # the next training counts from its own start
        return
    match = re.match(r"Epoch (\d+)/(\d+) ", line)
    if match:
        run.epochs_done, run.epochs_total = int(match[1]), int(match[2])


def finish_run(run):
    """Read what a finished run wrote; raise ScriptFailed if it failed."""
    run.reader.join()
    run.seconds = time.perf_counter() - run.started
    status = run.proc.returncode
    name = os.path.basename(run.row.script)
    command = f"{name} {' '.join(run.row.args)} --seed {run.seed}"
    if status == common.UNSUPPORTED:
        lines = "".join(run.stderr_lines).strip().splitlines()
        run.refused = (lines[-1] if lines else "refused").removeprefix(f"{name}: ")
        return
    if status != 0:
        tail = "".join(run.stderr_lines).strip().splitlines()
        raise ScriptFailed(
            f"{command} exited with status {status}: {tail[-1] if tail else 'no message'}"
        )
    with open(run.json_path, encoding="utf-8") as file:
        run.found = json.load(file)
    try:
        run.row.value(run.found)
    except (KeyError, TypeError):  # a script older than its row (or a row with a wrong key)
        raise ScriptFailed(
            f"{command} wrote no {run.row.metric!r}, the figure row "
            f"{run.row.label} reports: is the script up to date?"
        ) from None
    if "--learning-rate" in run.row.args:  # a script that took the option but trained at Adam's
        asked = float(run.row.args[run.row.args.index("--learning-rate") + 1])
        if run.found.get("learning_rate") != asked:
            raise ScriptFailed(
                f"{command} wrote learning_rate {run.found.get('learning_rate')}, "
                f"not {asked}: it does not train at the rate asked"
            )
    run.epochs_done = run.epochs_total = run.epochs


class Progress:
    """Which runs are going and how far, on stderr: a redrawn block on a terminal, else a line
    every `every` seconds."""

    def __init__(self, total, stream=None, every=15.0):
        self.total = total
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.every = every
        self.start = time.perf_counter()
        self.last = -math.inf
        self.drawn = 0  # lines drawn last time (terminal)

    def status(self, running, done):
        elapsed = time.perf_counter() - self.start
        head = f"{done}/{self.total} runs done, {len(running)} running, {elapsed:.0f} s"
        return head, [self.item(run) for run in running]

    @staticmethod
    def item(run):
        """'6 seed 8: epoch 150/500', '7 seed 7: training 3/8, epoch 120/500'."""
        # Before a training's first Epoch line: the epochs the script was given, unless it trains
        # several models (each has its own count, unknown until its first line).
        total = run.epochs_total if run.training else (run.epochs_total or run.epochs)
        epoch = f"epoch {run.epochs_done}/{total}" if total else "starting"
        if run.training:
            return (
                f"{run.row.label} seed {run.seed}: training {run.training[0]}/"
                f"{run.training[1]}, {epoch}"
            )
        return f"{run.row.label} seed {run.seed}: {epoch}"

    def update(self, running, done, force=False):
        now = time.perf_counter()
        if self.live:
            if not force and now - self.last < 0.5:
                return
            head, items = self.status(running, done)
            lines = [head] + [f"  {item}" for item in items]
            text = f"\x1b[{self.drawn}F" if self.drawn else ""  # back to the block's first line
            text += "".join(f"\x1b[2K{line}\n" for line in lines)
            text += "\x1b[2K\n" * max(0, self.drawn - len(lines))  # clear lines no longer used
            self.stream.write(text)
            self.drawn = max(self.drawn, len(lines))
        else:
            if not force and now - self.last < self.every:
                return
            head, items = self.status(running, done)
            self.stream.write(f"[{head}] " + "; ".join(items) + "\n")
        self.stream.flush()
        self.last = now


def run_study(rows, seeds, jobs, scale, progress=None):
    """Run every row for every seed, `jobs` processes at a time; return {label: [found, ...]}.

    Lists are in seed order. A refused row maps to a `Refused` (its script's message) instead.
    The longest runs (framing 6's) start first, so the two CPUs finish close together.
    """
    threads = max(1, (os.cpu_count() or 1) // jobs)
    pending = [Run(row, seed, scaled_epochs(row, scale)) for row in rows for seed in seeds]
    pending.sort(
        key=lambda run: -(run.epochs or 0) * (40 if run.row.script.startswith("06") else 1)
    )
    progress = progress or Progress(len(pending))
    running, finished = [], []
    with tempfile.TemporaryDirectory(prefix="reproduce-") as folder:
        try:
            while pending or running:
                while pending and len(running) < jobs:
                    with common.signals_held():  # a stop now would leave a process unrecorded
                        run = pending.pop(0)
                        start_run(run, threads, folder)
                        running.append(run)
                for run in [r for r in running if r.proc.poll() is not None]:
                    running.remove(run)
                    finish_run(run)
                    finished.append(run)
                progress.update(running, len(finished))
                time.sleep(0.1)
        finally:
            for run in running:  # a failure or a stop signal: stop the others too
                stop_run(run)
        progress.update([], len(finished), force=True)
    runs = {}
    for row in rows:
        mine = sorted((r for r in finished if r.row is row), key=lambda r: r.seed)
        refused = next((r.refused for r in mine if r.refused is not None), None)
        runs[row.label] = (
            Refused(refused)
            if refused is not None
            else [{**r.found, "seconds": r.seconds} for r in mine]
        )
    return runs
