import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # import common.py and reproduce.py from the project root

# The suite tests the default backend, TensorFlow, whatever the shell has set; the scripts run
# in subprocesses inherit this. tests/test_backends.py runs them on JAX and PyTorch explicitly.
os.environ["KERAS_BACKEND"] = "tensorflow"

# Two test workers (pytest.ini) each start script processes: one TensorFlow thread per pool in
# each, so they share the two cores instead of fighting over them (reproduce.py --jobs does the
# same). The tiny models here gain nothing from more threads; the outputs are the same.
for _name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


# ---------------------------------------------------------------------------------------------
# Runs of the study's rows at full settings, shared by every test file and both workers
# ---------------------------------------------------------------------------------------------
import io  # noqa: E402
import json  # noqa: E402

import filelock  # noqa: E402
import pytest  # noqa: E402


def _shared_folder(tmp_path_factory, name):
    """A folder for this test session, shared by the xdist workers (each has its own basetemp
    inside the session's folder)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def script_run(tmp_path_factory):
    """`script_run(script, *args)`: run a numbered script once per test session with `--quiet`,
    `--save` and `--json`, whichever test file or xdist worker asks first; the others wait for it.

    Returns a namespace: `found` (its JSON), `stdout`, and `model` (the saved model's path).
    The same arguments in the same order are the same run: the study's rows and the lesson
    tests that check them from different sides share one training.
    """
    import hashlib
    import subprocess
    import types

    folder = _shared_folder(tmp_path_factory, "script-runs")

    def run(script, *args):
        args = [str(arg) for arg in args]
        key = hashlib.sha1(" ".join([script, *args]).encode()).hexdigest()[:16]
        model, found, stdout = (folder / f"{key}{ending}" for ending in (".keras", ".json", ".out"))
        with filelock.FileLock(f"{folder / key}.lock"):
            if not found.exists():
                proc = subprocess.run(
                    [sys.executable, os.path.join(ROOT, script), *args, "--quiet",
                     "--save", str(model), "--json", str(found)],
                    capture_output=True, text=True, cwd=ROOT, timeout=1800,
                )
                assert proc.returncode == 0, f"{script} {' '.join(args)}: {proc.stderr[-3000:]}"
                stdout.write_text(proc.stdout)
        return types.SimpleNamespace(found=json.loads(found.read_text()), stdout=stdout.read_text(), model=model)

    return run


@pytest.fixture(scope="session")
def study_row(script_run):
    """`study_row(label, seed=7)`: what reproduce.py's row `label` finds for `seed` (its JSON),
    from one run per test session (see `script_run`)."""
    import reproduce

    def run(label, seed=7):
        row = reproduce.ROWS_BY_LABEL[label]
        return script_run(row.script, *row.args, "--seed", seed, "--epochs", row.epochs).found

    return run
