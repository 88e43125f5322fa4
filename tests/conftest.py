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


@pytest.fixture(scope="session")
def study_row(tmp_path_factory):
    """`study_row(label, seed=7)`: what reproduce.py's row `label` found for `seed`, as a dict.

    Each (row, seed) trains once per test session, whichever test file or xdist worker asks
    first; the others wait for it and read its JSON. So the article's rows, which several files
    check from different sides, cost one run each.
    """
    import reproduce

    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker has its own basetemp inside the session's folder: share that one.
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "study-rows"
    folder.mkdir(exist_ok=True)

    def run(label, seed=7):
        path = folder / f"{label}-{seed}.json".replace("@", "at")
        with filelock.FileLock(f"{path}.lock"):
            if not path.exists():
                row = reproduce.ROWS_BY_LABEL[label]
                runs = reproduce.run_study([row], [seed], jobs=1, scale=1.0,
                                           progress=reproduce.Progress(1, stream=io.StringIO()))
                path.write_text(json.dumps(runs[label]))
            found = json.loads(path.read_text())
        if isinstance(found, str):  # the script refused to run on this backend
            raise AssertionError(f"row {label} refused: {found}")
        return found[0]

    return run
