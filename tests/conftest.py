import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # import common.py and the study package from the project root

# The suite tests the default backend, TensorFlow, whatever the shell has set; the scripts run
# in subprocesses inherit this. tests/test_backends.py runs them on JAX and PyTorch explicitly.
os.environ["KERAS_BACKEND"] = "tensorflow"

# The test workers (pytest.ini) each start script processes: one TensorFlow thread per pool in
# each, so they share the two cores instead of fighting over them (reproduce.py --jobs does the
# same). The tiny models here gain nothing from more threads; the outputs are the same.
for _name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
# What common.py sets when a test imports it here; set from the start, so that the launchers
# (run_script) see one environment all session and one serves every TensorFlow run.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


# ---------------------------------------------------------------------------------------------
# Starting a script: from a launcher that has imported Keras once
# ---------------------------------------------------------------------------------------------
import re  # noqa: E402
import subprocess  # noqa: E402

# What a Python process reads from its environment while it imports Keras and TensorFlow: a
# launcher serves only the requests whose environment has the same values as its own.
IMPORT_ENVIRONMENT = (
    "KERAS_BACKEND",
    "PYTHONPATH",
    "TF_CPP_MIN_LOG_LEVEL",
    "TF_ENABLE_ONEDNN_OPTS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "OMP_NUM_THREADS",
    "XLA_FLAGS",
    "TF_XLA_FLAGS",
    "PYTHONHASHSEED",
    "MPLBACKEND",
    "CUDA_VISIBLE_DEVICES",
)
_launchers = {}  # this worker's, by the values of IMPORT_ENVIRONMENT

# XLA's persistent compilation cache, for the runs from launchers on TensorFlow. Compiling the
# training, evaluation and prediction steps is most of a short run's time, and the tests run the
# same script with the same options again and again. A run whose step has exactly the HLO of a
# step compiled before (the same model, shapes and tracing history up to that step: the HLO names
# functions by a process-wide counter) loads the executable XLA compiled then; TensorFlow compares
# the whole HLO module, not a hash. One folder per session (`pytest_configure`, in the process
# that starts the workers), a subfolder per launcher environment (thread and XLA settings shape
# the code XLA writes). test_scripts.py's same-seed test compares runs that load cached
# executables with a process of its own that compiles everything.
XLA_CACHE = "LSTM_TESTS_XLA_CACHE"  # the session's folder, passed to the workers in the environment

# Each load of a cached executable makes TensorFlow 2.21 log these on stderr: a line as it tries
# the file as text before binary, and a line for each of two tuning features the executable names
# and the host's feature list does not ("prefer-no-scatter", "prefer-no-gather"; compiled on this
# same machine). run_script takes exactly these lines out of the script's stderr, and counts the
# loads by the first.
XLA_CACHE_LOAD = (
    r"^E\d{4} [^\n]*text_format\.cc:\d+\] Error parsing text-format "
    r"tensorflow\.XlaSerializedCacheEntry: [^\n]*\n"
)
XLA_CACHE_LOAD_LINES = re.compile(
    XLA_CACHE_LOAD
    + r"|^E\d{4} [^\n]*cpu_aot_loader\.cc:\d+\] Loading XLA:CPU AOT result\. Target machine "
    r"feature \+prefer-no-(?:scatter|gather) is not [^\n]*\n",
    re.MULTILINE,
)


def pytest_configure(config):
    if XLA_CACHE not in os.environ:  # not a worker: make the session's folder
        import tempfile

        os.environ[XLA_CACHE] = tempfile.mkdtemp(prefix="lstm-tests-xla-cache-")
        config._made_xla_cache = True


def pytest_unconfigure(config):
    if getattr(config, "_made_xla_cache", False):
        import shutil

        shutil.rmtree(os.environ.pop(XLA_CACHE), ignore_errors=True)


def run_script(script, *args, env=None, cwd=ROOT, timeout=600):
    """`subprocess.run([python, script, *args], capture_output=True, text=True, ...)` for a
    project script, without its 4-5 s import of Keras and TensorFlow: the script runs in a fork
    of a launcher process (tests/launcher.py) that has imported them once, with this call's
    arguments, environment, working directory and captured output. It prints what the script
    prints in a process of its own (test_scripts.py's same-seed test compares the two). On
    TensorFlow it compiles through the session's XLA cache (above): the lines TensorFlow logs for
    each executable loaded from there are left out of `stderr`, and `cache_loads` on the
    result counts those loads. Tests whose subject is the process itself (a refusal before Keras
    loads, signals, a closed output, a terminal, what is on stderr at start-up) start a real one
    with `subprocess`.
    """
    import hashlib
    import json
    import select
    import tempfile
    import time

    env = dict(os.environ if env is None else env)
    if env.get("KERAS_BACKEND") == "tensorflow" and os.environ.get(XLA_CACHE):
        setting = hashlib.sha1(
            json.dumps([env.get(name) for name in IMPORT_ENVIRONMENT]).encode()
        ).hexdigest()[:12]
        cache = os.path.join(os.environ[XLA_CACHE], setting)
        env["TF_XLA_FLAGS"] = (
            f"{env.get('TF_XLA_FLAGS', '')} --tf_xla_persistent_cache_directory={cache}".strip()
        )
    argv = [os.path.join(ROOT, str(script)), *map(str, args)]  # an absolute path stays as it is
    key = tuple(env.get(name) for name in IMPORT_ENVIRONMENT)
    launcher = _launchers.get(key)
    if launcher is None or launcher.poll() is not None:
        launcher = _launchers[key] = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "tests", "launcher.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=(log := tempfile.TemporaryFile()),
            cwd=ROOT,
            env=env,
            bufsize=0,
        )
        launcher.unread, launcher.log = b"", log
    deadline = time.monotonic() + timeout

    def reply():
        """The launcher's next line, or None if none came before the deadline."""
        while b"\n" not in launcher.unread:
            if not select.select(
                [launcher.stdout],
                [],
                [],
                max(0.0, deadline - time.monotonic()),
            )[0]:
                return None
            chunk = os.read(launcher.stdout.fileno(), 4096)
            if not chunk:
                launcher.log.seek(0)
                raise RuntimeError(
                    f"the launcher stopped (status {launcher.wait()}) running {script}: "
                    f"{launcher.log.read().decode(errors='replace')[-3000:]}"
                )
            launcher.unread += chunk
        line, launcher.unread = launcher.unread.split(b"\n", 1)
        return json.loads(line)

    with tempfile.TemporaryDirectory(prefix="run-script-") as folder:
        out, err = os.path.join(folder, "stdout"), os.path.join(folder, "stderr")
        request = {"argv": argv, "cwd": str(cwd), "env": env, "stdout": out, "stderr": err}
        try:
            launcher.stdin.write(json.dumps(request).encode() + b"\n")
            started = reply()
            ended = started and reply()
        except BaseException:
            # the launcher's replies may be out of step now: end it, its child too
            _stop(key, pid=None)
            raise
        if ended is None:  # too long: stop the run (and the launcher), as subprocess.run does
            _stop(key, pid=started and started["pid"])
            raise subprocess.TimeoutExpired(argv, timeout)
        with open(out) as stdout, open(err) as stderr:
            text = stderr.read()
            proc = subprocess.CompletedProcess(
                [sys.executable, *argv],
                ended["status"],
                stdout.read(),
                XLA_CACHE_LOAD_LINES.sub("", text),
            )
            proc.cache_loads = len(re.findall(XLA_CACHE_LOAD, text, re.MULTILINE))
            return proc


def _stop(key, pid):
    """End the launcher `_launchers[key]` (and its running child `pid`, if any); the next
    `run_script` with that environment starts a new one."""
    import signal

    launcher = _launchers.pop(key)
    for target in (pid, launcher.pid):
        if target:
            try:
                os.kill(target, signal.SIGKILL)
            except ProcessLookupError:  # it had ended already
                pass
    launcher.wait()


def pytest_sessionfinish(session):
    for key, launcher in list(_launchers.items()):  # each ends when its stdin closes
        launcher.stdin.close()
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a child still running (an interrupted session)
            _stop(key, pid=None)


# ---------------------------------------------------------------------------------------------
# Runs of the study's rows at full settings, shared by every test file and worker
# ---------------------------------------------------------------------------------------------
import json  # noqa: E402
import shutil  # noqa: E402

import filelock  # noqa: E402
import pytest  # noqa: E402


# What a numbered script needs beside it to run: README's "copy it and common.py (and guard.py)".
STANDALONE_WITH = ("common.py", "guard.py")


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
    that check them from different sides share one training. Workers that ask for the same
    runs at once split them: each takes, in the order given, the next run nobody has started.
    A worker left waiting for runs another one is training trains, meanwhile, a run that a
    later test of this session will need (`STUDY_ROWS` and `SCRIPT_RUNS` of the test files,
    gathered below), so none sits idle. Each result is a namespace: `found` (its JSON), `stdout`,
    and `model` (the saved model's path).
    """
    import hashlib
    import types

    folder = _shared_folder(tmp_path_factory, "script-runs")

    def paths(request):
        key = hashlib.sha1(" ".join(request).encode()).hexdigest()[:16]
        return folder / f"{key}.lock", *(
            folder / f"{key}{ending}" for ending in (".keras", ".json", ".out")
        )

    def failed(request):
        return paths(request)[2].with_suffix(".failed")

    def train(request):  # called with the run's lock held
        _, model, found, stdout = paths(request)
        if found.exists():
            return
        script, *args = request
        if not failed(request).exists():  # a failed run is not tried again: each asker reports it
            # The run is a lesson as a learner copies it: the script alone in a folder, with
            # common.py (and guard.py), nothing else of the project (test_standalone.py).
            alone = found.with_suffix(".alone")
            alone.mkdir(exist_ok=True)
            for name in (script, *STANDALONE_WITH):
                shutil.copy(os.path.join(ROOT, name), alone / os.path.basename(name))
            try:
                proc = run_script(
                    alone / os.path.basename(script),
                    *args,
                    "--quiet",
                    "--save",
                    model,
                    "--json",
                    found,
                    cwd=alone,
                    timeout=1800,
                )
                error = (
                    None
                    if proc.returncode == 0
                    else f"status {proc.returncode}: {proc.stderr[-3000:]}"
                )
            except subprocess.TimeoutExpired:
                error = "still running after 1800 s"
            except Exception as problem:  # the launcher failed: recorded as a failed run is
                error = f"{type(problem).__name__}: {problem}"
            if error is None:
                stdout.write_text(proc.stdout)
                return
            found.unlink(missing_ok=True)
            failed(request).write_text(error)
        raise AssertionError(f"{script} {' '.join(args)} failed, {failed(request).read_text()}")

    def train_one_nobody_has_started(requests, for_later=False):
        """Train the first of `requests` that nobody has started; False if there is none. Runs
        trained `for_later` (while waiting) do not fail the test that is waiting: a failure is
        recorded, and reported to the tests that ask for that run."""
        for request in requests:
            if paths(request)[2].exists() or (for_later and failed(request).exists()):
                continue
            lock = filelock.FileLock(paths(request)[0])
            try:
                lock.acquire(timeout=0)
            except filelock.Timeout:
                continue  # another worker is training it
            try:
                train(request)
            except AssertionError:
                if not for_later:
                    raise
            finally:
                lock.release()
            return True
        return False

    def run(requests):
        requests = [tuple(str(part) for part in request) for request in requests]
        while train_one_nobody_has_started(requests):
            pass
        later = getattr(pytestconfig, "_later_runs", [])
        for request in requests:  # the rest are done or being trained elsewhere
            while not paths(request)[2].exists() and train_one_nobody_has_started(
                later, for_later=True
            ):
                pass  # trained one a later test needs while another worker finishes this one
            with filelock.FileLock(paths(request)[0]):
                train(request)  # waits for the worker training it; raises if its run failed
        results = []
        for request in requests:
            _, model, found, stdout = paths(request)
            results.append(
                types.SimpleNamespace(
                    found=json.loads(found.read_text()), stdout=stdout.read_text(), model=model
                )
            )
        return results

    return run


def study_requests(pairs):
    """(label, seed) pairs of reproduce.py's rows (study/rows.py) as `script_runs` requests."""
    from study.rows import ROWS_BY_LABEL

    rows = [(ROWS_BY_LABEL[label], seed) for label, seed in pairs]
    return [(row.script, *row.args, "--seed", seed, "--epochs", row.epochs) for row, seed in rows]


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    """The shared runs this session's tests will ask for: `STUDY_ROWS[fixture]` (study rows)
    and `SCRIPT_RUNS[fixture]` (other `script_runs` requests) of each test file, for the
    fixtures its selected tests use (longest first, as each file lists them)."""
    later = {}
    for item in session.items:
        module = getattr(item, "module", None)
        rows, runs = getattr(module, "STUDY_ROWS", {}), getattr(module, "SCRIPT_RUNS", {})
        for name in item.fixturenames:
            for request in study_requests(rows.get(name, [])) + list(runs.get(name, [])):
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
# The workers, finishing together
# ---------------------------------------------------------------------------------------------
# The quick tier, `-m "not slow"`, for the editing loop (about two minutes here): the unit tests
# of common.py, the options, the guard, the pictures, the study's machinery and the docs, and one
# short run of each of 01-06 (its article format, --json and --plot). Everything else is `slow`:
# it runs in the full suite (.ci/run). A test that needs a run at full settings (FULL_SETTINGS,
# or a module fixture that does) or is `long` is slow wherever it is.
QUICK_FILES = {
    "test_common.py",
    "test_options.py",
    "test_lesson_form.py",
    "test_guard.py",
    "test_plots.py",
    "test_readme.py",
    "test_reproduce.py",
    "test_shared_runs.py",
    "test_doc_quotes.py",
}
QUICK_TESTS = {"test_scripts.py::test_script_runs_and_prints_the_articles_format"}
FULL_SETTINGS = {"script_runs", "script_run", "study_rows", "study_row"}


def is_quick(item):
    file, _, name = item.nodeid.partition("::")
    file = os.path.basename(file)
    listed = file in QUICK_FILES or f"{file}::{name.split('[')[0]}" in QUICK_TESTS
    return listed and not (
        FULL_SETTINGS & set(item.fixturenames) or item.get_closest_marker("long")
    )


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects: the marks added here count
def pytest_collection_modifyitems(config, items):
    """Mark `slow` every test outside the quick tier (see QUICK_FILES).

    Then hand the test files with the longest tests to the workers first, so that none is left
    with a long test at the end while the others have nothing to do (pytest.ini: `--dist
    loadfile --no-loadscope-reorder`: a file goes whole to one worker, so its module fixtures
    run once, in the order of its first test here). Files with tests at full settings first,
    then those with `long` tests (a minute-long script or several scripts), then the rest, each
    in the order collected. The runs the files share are split between the workers as they
    need them (`script_runs`).
    """
    rank = {}
    for item in items:
        full = item.get_closest_marker("slow") or FULL_SETTINGS & set(item.fixturenames)
        own = 0 if full else 1 if item.get_closest_marker("long") else 2
        file = item.nodeid.split("::")[0]
        rank[file] = min(rank.get(file, own), own)
        if not is_quick(item):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: rank[item.nodeid.split("::")[0]])
