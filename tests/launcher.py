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
the launcher's; the launcher runs only for requests whose import-time environment matches), and
one that prints TensorFlow's start-up lines again. Tests about the process itself start a real one.
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
    """In the fork: become `python argv[0] argv[1:]` and run it; never returns."""
    code = 1
    try:
        inp = os.open(os.devnull, os.O_RDONLY)
        out = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        for fd, target in ((inp, 0), (out, 1), (err, 2)):
            os.dup2(fd, target)
            os.close(fd)
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", closefd=False)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        script = request["argv"][0]
        sys.argv = list(request["argv"])
        sys.path[:] = [os.path.dirname(os.path.abspath(script))] + [p for p in sys.path if p != HERE]
        runpy.run_path(script, run_name="__main__")
        code = 0
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            code = stop.code or 0
        else:  # sys.exit("message"): printed, status 1, as Python does
            print(stop.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001  (a traceback and status 1, as Python does)
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(code)


def main():
    while True:
        line = sys.stdin.readline()
        if not line:
            return  # the test worker is done
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            child(request)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), flush=True)


if __name__ == "__main__":
    main()
