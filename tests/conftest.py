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


def pytest_configure(config):
    """The suite runs the same scripts, so the same XLA steps, over a hundred times: each script
    process would compile its steps afresh (2.4 s for fit's first epoch, 0.6 s each for evaluate
    and predict). TensorFlow's persistent cache keeps them on disk for this session; a later
    process with the same step loads it instead (the same compiled code, so the same numbers).
    On such a load TensorFlow logs two harmless ERROR lines (it tries a text format first, and
    names two tuning flags as missing CPU features), so TensorFlow's C++ log is off in the
    suite: only FATAL lines would show. Set by the first process (the xdist controller), so
    the workers and every script they start share one cache; removed at the end."""
    if "PYTEST_XDIST_WORKER" in os.environ or "TF_XLA_FLAGS" in os.environ:
        return  # a worker (it inherited the controller's), or the shell set its own flags
    import tempfile

    config._xla_cache = tempfile.mkdtemp(prefix="xla-cache-")
    os.environ["TF_XLA_FLAGS"] = f"--tf_xla_persistent_cache_directory={config._xla_cache}"
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"


def pytest_unconfigure(config):
    import shutil

    if getattr(config, "_xla_cache", None):
        shutil.rmtree(config._xla_cache, ignore_errors=True)


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
def script_runs(tmp_path_factory, pytestconfig):
    """`script_runs([(script, *args), ...])`: run each numbered script once per test session with
    `--quiet`, `--save` and `--json`, whichever test file or xdist worker asks first, and return
    what each run found, in the order asked.

    The same arguments in the same order are the same run: the study's rows and the lesson tests
    that check them from different sides share one training. Two workers that ask for the same
    runs at once split them: each takes, in the order given, the next run nobody has started.
    A worker left waiting for runs the other one is training trains, meanwhile, a run that a
    later test of this session will need (`STUDY_ROWS` of the test files, gathered below), so
    neither sits idle. Each result is a namespace: `found` (its JSON), `stdout`, and `model`
    (the saved model's path).
    """
    import hashlib
    import subprocess
    import types

    folder = _shared_folder(tmp_path_factory, "script-runs")

    def paths(request):
        key = hashlib.sha1(" ".join(request).encode()).hexdigest()[:16]
        return folder / f"{key}.lock", *(folder / f"{key}{ending}" for ending in (".keras", ".json", ".out"))

    def train(request):  # called with the run's lock held
        _, model, found, stdout = paths(request)
        if found.exists():
            return
        script, *args = request
        proc = subprocess.run(
            [sys.executable, os.path.join(ROOT, script), *args, "--quiet",
             "--save", str(model), "--json", str(found)],
            capture_output=True, text=True, cwd=ROOT, timeout=1800,
        )
        assert proc.returncode == 0, f"{script} {' '.join(args)}: {proc.stderr[-3000:]}"
        stdout.write_text(proc.stdout)

    def train_one_nobody_has_started(requests):
        """Train the first of `requests` that no process has started; False if there is none."""
        for request in requests:
            if paths(request)[2].exists():
                continue
            lock = filelock.FileLock(paths(request)[0])
            try:
                lock.acquire(timeout=0)
            except filelock.Timeout:
                continue  # the other worker is training it
            try:
                train(request)
            finally:
                lock.release()
            return True
        return False

    def run(requests):
        requests = [tuple(str(part) for part in request) for request in requests]
        while train_one_nobody_has_started(requests):
            pass
        for request in requests:  # the rest are done or being trained elsewhere
            while not paths(request)[2].exists() and train_one_nobody_has_started(getattr(pytestconfig, "_later_runs", [])):
                pass  # trained one a later test needs while the other worker finishes this one
            with filelock.FileLock(paths(request)[0]):
                train(request)  # nothing to do unless the other worker failed
        results = []
        for request in requests:
            _, model, found, stdout = paths(request)
            results.append(types.SimpleNamespace(found=json.loads(found.read_text()), stdout=stdout.read_text(), model=model))
        return results

    return run


def study_requests(pairs):
    """(label, seed) pairs of reproduce.py's rows as `script_runs` requests."""
    import reproduce

    rows = [(reproduce.ROWS_BY_LABEL[label], seed) for label, seed in pairs]
    return [(row.script, *row.args, "--seed", seed, "--epochs", row.epochs) for row, seed in rows]


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    """The shared runs this session's tests will ask for: `STUDY_ROWS[fixture]` of each test
    file, for the fixtures its selected tests use (longest first, as each file lists them)."""
    later = {}
    for item in session.items:
        shared = getattr(getattr(item, "module", None), "STUDY_ROWS", {})
        for name in item.fixturenames:
            for request in study_requests(shared.get(name, [])):
                later[tuple(str(part) for part in request)] = True
    session.config._later_runs = list(later)


@pytest.fixture(scope="session")
def script_run(script_runs):
    """`script_run(script, *args)`: one run of `script_runs`."""
    return lambda script, *args: script_runs([(script, *args)])[0]


@pytest.fixture(scope="session")
def study_rows(script_runs):
    """`study_rows([(label, seed), ...])`: what reproduce.py's row `label` finds for `seed` (its
    JSON), for each pair, from one run per test session (see `script_runs`)."""
    return lambda pairs: [run.found for run in script_runs(study_requests(pairs))]


@pytest.fixture(scope="session")
def study_row(study_rows):
    """`study_row(label, seed=7)`: one row of `study_rows`."""
    return lambda label, seed=7: study_rows([(label, seed)])[0]


# ---------------------------------------------------------------------------------------------
# Two workers, finishing together (pytest.ini: --dist loadgroup --no-loadscope-reorder)
# ---------------------------------------------------------------------------------------------
SHARED_RUNS = {"script_runs", "script_run", "study_rows", "study_row"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Hand tests to the workers one at a time, the long ones first, so that no worker is left
    with a long test while the other has nothing to do.

    - A test file's own module fixture (a script run that several tests read) is computed once
      only if its tests go to one worker: the tests of a file that use its module fixtures get
      one xdist group. Module fixtures built on the
      shared runs above are left ungrouped: a worker that needs them trains whichever of them
      nobody has started (see `script_runs`).
    - Order: tests marked `slow` (full settings), then `long` (a minute-long script or several
      scripts) and the groups (a script run that several tests read), then the rest, each in
      the order collected; a group's tests keep together, at its first test's place.
    """
    group_of, rank = {}, {}
    for item in items:
        for name in item.fixturenames:
            definitions = item._fixtureinfo.name2fixturedefs.get(name)
            if definitions and definitions[-1].scope == "module" and not SHARED_RUNS & set(definitions[-1].argnames):
                group_of[item] = f"{item.module.__name__} module fixtures"  # one group per file
        if item in group_of:
            item.add_marker(pytest.mark.xdist_group(group_of[item]))
        own = 0 if item.get_closest_marker("slow") else 1 if item.get_closest_marker("long") or item in group_of else 2
        key = group_of.get(item, item.nodeid)
        rank[key] = min(rank.get(key, own), own)
    items.sort(key=lambda item: rank[group_of.get(item, item.nodeid)])
