"""A Python process that has imported Keras once and runs each script it is sent in a fork of
itself: the test suite's way of starting a script without paying the 4-5 s import of Keras and
TensorFlow each time (conftest.run_script starts it and talks to it; see its docstring).

Protocol, one JSON line each way on stdin and stdout:
  in:   {"argv": [script, *args], "cwd": ..., "env": {...}, "stdout": path, "stderr": path}
  out:  {"pid": pid}  as soon as the child runs, then  {"status": exit status}  when it ends
        (negative: killed by that signal, as subprocess reports it).

The child is what `python script *args` would be after its `import keras`: a fresh `__main__`,
the script's folder first on sys.path, the environment, working directory, stdin (/dev/null),
stdout and stderr (files) of the request, and none of the project's modules imported yet. What
it cannot be: a process whose import of Keras the script controls (its environment at import is
the launcher's; the launcher runs only for requests whose import-time environment matches).
Tests about the process itself start a real one.
"""

import json
import os
import runpy
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # as common.py does before it imports them
import keras  # noqa: E402, F401  (the point: imported once, before any fork)
import numpy  # noqa: E402, F401
import tensorflow  # noqa: E402, F401

HERE = os.path.dirname(os.path.abspath(__file__))


def child(request):
    """In the fork: become `python argv[0] argv[1:]` and run it. What it raises (SystemExit,
    KeyboardInterrupt, an error) leaves through `main` as from a script's own process, and so
    does its normal end: Python prints the traceback, runs the atexit handlers, flushes and
    exits with the status a process of the script's own would have."""
    inp = os.open(os.devnull, os.O_RDONLY)
    out = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    for fd, target in ((inp, 0), (out, 1), (err, 2)):
        os.dup2(fd, target)
        os.close(fd)
    # Python's own streams for files: stdout block-buffered, stderr line-buffered with
    # backslashreplace, both written through under PYTHONUNBUFFERED, as `python` sets them up.
    unbuffered = bool(request["env"].get("PYTHONUNBUFFERED"))
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", buffering=1, errors="backslashreplace", closefd=False)
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(write_through=unbuffered)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    script = request["argv"][0]
    sys.argv = list(request["argv"])
    sys.path[:] = [os.path.dirname(os.path.abspath(script))] + [p for p in sys.path if p != HERE]
    runpy.run_path(script, run_name="__main__")


def main():
    while True:
        line = sys.stdin.readline()
        if not line:
            return  # the test worker is done
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            child(request)
            sys.exit(0)  # the script ended: the child exits as its own process would
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), flush=True)


if __name__ == "__main__":
    main()
