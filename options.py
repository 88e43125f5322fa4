"""The command line every script shares: its options, their checks, and the files they name.

Each script calls `parse_args` before it imports Keras. Importing Keras (and TensorFlow) takes
about 3 seconds; reading the options first means that `--help` and a refused value answer at
once, and that nothing trains, or even loads, before every value has been checked against what
it feeds:

  --epochs   1..EPOCHS_MAX            a bound, so a typo cannot start a run of days
  --seed     0..SEED_MAX              NumPy's limit: its generators take seeds below 2**32
  --steps    1..STEPS_MAX             --predict adds one letter per step
  --learning-rate  above 0, at most LEARNING_RATE_MAX   Adam's step size (default 0.001, Adam's own)
  --predict  letters A-Z, either case, at least as many as the model reads
  --save, --plot, --json: a name with the right ending, in a folder that exists, is a folder,
             and can be written (tried, not guessed), and not the name of a folder

Refusals are one line on stderr and exit status 2, as argparse's own. This module imports
nothing outside Python's standard library, so it is fast to load.
"""

import argparse
import contextlib
import os
import signal
import sys
import tempfile
import threading
import time

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # the letters the scripts predict (common.py uses it too)
EPOCHS_MAX = 100_000  # framing 6 at this many epochs would take about 4 days here
SEED_MAX = 2**32 - 1  # numpy.random.seed and RandomState take 0..2**32 - 1
STEPS_MAX = 1000  # letters --predict may add
LEARNING_RATE = 0.001  # Adam's default: the article's optimizer="adam"
LEARNING_RATE_MAX = 1.0
BACKENDS = ("tensorflow", "jax", "torch")  # the Keras backends the scripts run on (README)
UNSUPPORTED = 3  # exit status of a script whose Keras backend cannot do what it needs


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a refused option is one line on stderr (no usage block), exit status 2."""

    def error(self, message):
        # Show control characters from the command line escaped, so the message stays one line.
        message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
        self.exit(2, f"{self.prog}: error: {message}\n")


# ---------------------------------------------------------------------------------------------
# Types: each turns the text of one option into its value, or says in one line why it cannot
# ---------------------------------------------------------------------------------------------
def whole_number(low, high=None, why=""):
    """argparse type: a whole number in low..high (no upper bound if `high` is None).

    `why` says where an upper bound comes from; it is added to the message that refuses a value
    above it.
    """
    def convert(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(
                f"must be at least {low}, got {value}" if low else f"must be 0 or more, got {value}"
            )
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high}{why}, got {value}")
        return value

    convert.__name__ = "whole number"  # argparse names the type in some messages
    return convert


positive_int = whole_number(1)
non_negative_int = whole_number(0)
epochs_int = whole_number(1, EPOCHS_MAX, " (a bound against runs that would never end)")
seed_int = whole_number(0, SEED_MAX, " (2**32 - 1, the largest seed NumPy takes)")
steps_int = whole_number(1, STEPS_MAX, " (a bound against runs that would never end)")


def number_between(low, high, why=""):
    """argparse type: a finite decimal number with low < value <= high."""
    def convert(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not low < value <= high:  # also refuses nan, which compares false with everything
            raise argparse.ArgumentTypeError(f"must be above {low} and at most {high}{why}, got {text}")
        return value

    convert.__name__ = "number"
    return convert


learning_rate_float = number_between(0, LEARNING_RATE_MAX, " (a bound: larger steps only diverge)")


def letters(text):
    """argparse type: one or more letters A-Z (either case), returned upper-case."""
    upper = text.strip()
    upper = upper.upper() if upper.isascii() else upper  # "ß".upper() is "SS": check as typed
    if not upper:
        raise argparse.ArgumentTypeError("expected one or more letters A-Z, got nothing")
    wrong = sorted({char for char in upper if char not in ALPHABET})
    if wrong:
        raise argparse.ArgumentTypeError(
            f"only the letters A-Z can be predicted from, got {', '.join(map(repr, wrong))}"
        )
    return upper


def output_file(ending, what):
    """argparse type: a path ending in `ending` (any case) that can be written, checked now.

    The folder must exist, be a folder, and take a new file: a temporary file is created there
    and removed at once, because permission bits do not tell (root ignores them, and a
    read-only file system or a full disk refuses anyway). A path that names a folder is refused.
    """
    def convert(text):
        if not text.lower().endswith(ending):
            raise argparse.ArgumentTypeError(f"{what}, so the name must end in {ending}, got {text!r}")
        return writable(text)

    convert.__name__ = f"{ending} file"
    return convert


keras_file = output_file(".keras", "models are saved in the Keras format")
png_file = output_file(".png", "pictures are saved as PNG")
json_file = output_file(".json", "results are written as JSON")


def writable(path):
    """`path` if a file can be written there; else argparse.ArgumentTypeError saying why."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise argparse.ArgumentTypeError(f"{path!r} is a folder, not a file name")
    if not os.path.exists(folder):
        raise argparse.ArgumentTypeError(f"folder {folder!r} does not exist")
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"{folder!r} is not a folder")
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-test-")
    except OSError as error:
        reason = error.strerror or str(error)
        raise argparse.ArgumentTypeError(f"cannot write to folder {folder!r}: {reason}") from None
    os.close(fd)
    os.remove(probe)
    return path


# ---------------------------------------------------------------------------------------------
# The options every script shares
# ---------------------------------------------------------------------------------------------
class OptionError(ValueError):
    """A value set on `args` in a notebook that the command line would refuse.

    Jupyter shows it as one line, like the command line's refusal, not as a traceback
    (IPython prints what `_render_traceback_` returns).
    """

    def _render_traceback_(self):
        return [f"OptionError: {self}"]


class Options(argparse.Namespace):
    """The options, as `parse_args` returns them. Values set afterwards, as a notebook does
    (`args.epochs = 20`), go through the same checks as the command line's, and a new seed is
    applied at once, so the cells run after it make the run that seed makes."""

    def __setattr__(self, name, value):
        parser = self.__dict__.get("_parser")
        if parser is None:  # argparse filling the namespace in
            return super().__setattr__(name, value)
        action = next((a for a in parser._actions if a.dest == name), None)
        if action is None or name == "help":
            raise OptionError(f"args.{name}: no such option; the options are "
                              + ", ".join(a.dest for a in parser._actions if a.dest != "help"))
        if action.nargs == 0:  # a flag such as --quiet: True or False
            if not isinstance(value, bool):
                raise OptionError(f"args.{name}: expected True or False, got {value!r}")
        elif value is None and action.default is None:
            pass  # turned off, as when the option is not given
        else:
            try:
                if action.type is not None:
                    if getattr(action.type, "__name__", "") == "whole number" and isinstance(value, (float, bool)):
                        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}")
                    value = action.type(str(value))
                if action.choices is not None and value not in action.choices:
                    raise argparse.ArgumentTypeError(f"must be one of {list(action.choices)}, got {value!r}")
                if name == "predict" and len(value) < self.__dict__["_min_letters"]:
                    raise argparse.ArgumentTypeError(
                        f"this model reads {self.__dict__['_min_letters']} letters at a time, got {value!r}")
            except argparse.ArgumentTypeError as error:
                raise OptionError(f"args.{name}: {error}") from None
        previous = getattr(self, name)
        super().__setattr__(name, value)
        check = self.__dict__.get("_check")
        problem = check(self) if check is not None else None
        if problem:  # values that depend on each other: keep the old one
            super().__setattr__(name, previous)
            raise OptionError(f"args.{name}: {problem}")
        if name == "seed" and "keras" in sys.modules:
            sys.modules["keras"].utils.set_random_seed(value)  # as the first cell did with the old one
            print(f"Seed {value} set: run the cells after this one for the run seed {value} makes.")


def in_notebook():
    """True inside a running Jupyter (IPython) kernel: the scripts' `# %%` cells run there too.

    A kernel has an IPython shell; a process that merely imported ipykernel (a test runner that
    also drives notebooks) has none, and its command line counts."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if "ipykernel" in sys.modules and ipython is not None else None
    return shell is not None and "ipykernel" in type(shell).__module__


def parse_args(description, epochs, min_letters=1, add_options=None, argv=None, epochs_note="the article's",
               check=None):
    """The options every script shares, checked before anything loads; returns the namespace.

    --epochs (default: the article's), --seed, --learning-rate, --quiet, --predict LETTERS (at least
    `min_letters` of them), --steps N, --save, --json, --plot. `add_options(parser)`, if given,
    adds a script's own; `check(args)`, if given, checks values that depend on each other and
    returns what is wrong (one line) or None. Also checks KERAS_BACKEND, and from the command line sets how Ctrl-C
    and a closed output end the script (see `quiet_exits`).
    """
    parser = ArgumentParser(description=description)
    parser.add_argument(
        "--epochs", type=epochs_int, default=epochs,
        help=f"training epochs, 1..{EPOCHS_MAX} (default: {epochs}, {epochs_note})",
    )
    parser.add_argument(
        "--seed", type=seed_int, default=7,
        help=f"seed for NumPy, Python, Keras and the data pipeline, 0..{SEED_MAX} "
        "(default: 7, the article's)",
    )
    parser.add_argument(
        "--learning-rate", type=learning_rate_float, default=LEARNING_RATE, metavar="RATE",
        help=f"control: Adam's learning rate, above 0 and at most {LEARNING_RATE_MAX} (default: "
        f"{LEARNING_RATE}, Adam's default, which the article's optimizer='adam' uses)",
    )
    parser.add_argument(
        "--quiet", action="store_true",
        help="print only the accuracy line and the predictions",
    )
    parser.add_argument(
        "--predict", type=letters, metavar="LETTERS",
        help=f"after training, continue these letters (at least {min_letters}) by feeding each "
        "prediction back in (default: none)",
    )
    parser.add_argument(
        "--steps", type=steps_int, default=5,
        help=f"how many letters --predict adds, 1..{STEPS_MAX} (default: 5)",
    )
    parser.add_argument(
        "--save", type=keras_file, metavar="FILE.keras",
        help="save the trained model in the Keras format (default: save nothing)",
    )
    parser.add_argument(
        "--json", type=json_file, metavar="FILE.json",
        help="also write what the run found (accuracy, predictions, the checks it prints, "
        "training seconds) as JSON, for reproduce.py and your own scripts (default: none)",
    )
    parser.add_argument(
        "--plot", type=png_file, metavar="FILE.png",
        help="save a PNG picture of the training curves and of what the trained model does "
        "(default: draw nothing)",
    )
    if add_options is not None:
        add_options(parser)
    if argv is None and in_notebook():
        argv = []  # a notebook's command line is the kernel's, not ours: use the defaults
    args = parser.parse_args(argv, namespace=Options())
    if args.predict is not None and len(args.predict) < min_letters:
        parser.error(
            f"argument --predict: this model reads {min_letters} letters at a time, "
            f"got {len(args.predict)} ({args.predict!r})"
        )
    problem = check(args) if check is not None else None
    if problem:
        parser.error(problem)
    args.__dict__.update(_parser=parser, _min_letters=min_letters, _check=check)  # from now on, setting checks
    check_backend(parser)
    if argv is None:  # run from the command line, not called from a test or a notebook
        quiet_exits(files=[args.json, args.save, args.plot])
    return args


def check_backend(parser):
    """KERAS_BACKEND, if set, must name a backend the scripts run on; else one line, status 2.

    Keras itself raises a ValueError with a traceback for an unknown name, and takes "numpy"
    or "openvino", which cannot train these models.
    """
    backend = os.environ.get("KERAS_BACKEND")
    if backend is not None and backend not in BACKENDS:
        parser.error(
            f"KERAS_BACKEND={backend!r} is not a backend these scripts run on; "
            f"set it to one of {', '.join(BACKENDS)} (or unset it: tensorflow)"
        )


# How a run stops early. Each stop signal ends a script with one line on stderr and the shell's
# status for it, 128 + the signal's number; SIGHUP is what a closed terminal or SSH session sends.
STOP_SIGNALS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
if hasattr(signal, "SIGHUP"):  # not on Windows
    STOP_SIGNALS[signal.SIGHUP] = "hung up"

_stderr_fd = None  # a copy of stderr's file descriptor, made by quiet_exits (see `say`)


def say(line):
    """Write one line to the stderr the run started with, even while common.py points file
    descriptor 2 at /dev/null (it does while TensorFlow imports, to hide TensorFlow's start-up
    notices). A stop signal's line goes through here: written to fd 2 during the import, it was
    lost, and Ctrl-C in the first seconds ended the run without a word."""
    fd = _stderr_fd if _stderr_fd is not None else 2
    try:
        os.write(fd, (line + "\n").encode("utf-8", "replace"))
    except OSError:  # stderr closed too (a closed terminal, `2>&1 | head`): nowhere to say it
        pass


class Stopped(BaseException):
    """Raised by a stop signal in a program that must clean up before it ends (reproduce.py ends
    its script processes and removes its temporary folder). A BaseException, like
    KeyboardInterrupt, so that `except Exception` does not swallow it."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum
        self.status = 128 + signum  # the shell's status for a process ended by this signal
        self.word = STOP_SIGNALS.get(signum, "output closed early")


def quiet_exits(files=(), clean_up=False):
    """How a command-line run ends early: one line, or none where other programs print none.

    A stop signal (Ctrl-C, `kill`, a closed terminal): one line on stderr ("interrupted",
    "terminated", "hung up") and the shell's status, 130, 143 or 129. With `clean_up`, the
    signal raises `Stopped` instead, in the main thread, for the program to clean up, say its line
    and exit with `Stopped.status`. A file being written when the signal comes is finished first
    (see `write_atomically`), so no half file is left.

    Output closed early (`| head -3`): Python would turn the broken pipe into an exception that
    ends in a traceback. A run asked for no files (`files` empty) stops quietly instead, as `cat`
    or `grep` stop (status 141, or `Stopped` with `clean_up`). A run asked for files goes on
    without its output, says so in one line on stderr, and writes them complete: what was asked
    for is not lost because the screen output was cut short.
    """
    global _stderr_fd
    if _stderr_fd is None:
        _stderr_fd = os.dup(2)  # not inherited by child processes (Python makes it non-inheritable)
    for signum in STOP_SIGNALS:
        signal.signal(signum, _raise_stopped if clean_up else _stopped)
    _stop_with_parent()
    files = [path for path in files if path]
    if hasattr(signal, "SIGPIPE"):  # not on Windows
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # a write to a closed pipe raises instead
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, _ReaderMayLeave):
            setattr(sys, name, _ReaderMayLeave(stream, name, files, clean_up))


PARENT = "REPRODUCE_PARENT_PID"  # set by reproduce.py for the scripts it starts


def _stop_with_parent():
    """A script that reproduce.py started stops, as if sent SIGTERM, once reproduce.py is gone
    without stopping it: killed by SIGKILL, or a test runner that ran the study stopped. Each
    script runs in its own process group (so that reproduce.py can end it and what it started),
    so a signal to reproduce.py's group no longer reaches it, and it would otherwise train on,
    adopted by process 1. A thread looks at the parent process once a second."""
    parent = os.environ.pop(PARENT, None)  # popped: processes this one starts have another parent
    if parent is None or not parent.isdigit():
        return

    def watch():
        while os.getppid() == int(parent):
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="stop-with-parent", daemon=True).start()


def _stopped(signum, frame):
    say(f"\n{os.path.basename(sys.argv[0])}: {STOP_SIGNALS[signum]}")
    os._exit(128 + signum)  # at once: TensorFlow's threads would hold up a normal exit


def _raise_stopped(signum, frame):
    for other in STOP_SIGNALS:  # once: the clean-up that follows runs undisturbed
        signal.signal(other, signal.SIG_IGN)
    raise Stopped(signum)


class _ReaderMayLeave:
    """sys.stdout or sys.stderr, for a reader that may go away (`| head`): see `quiet_exits`."""

    def __init__(self, stream, name, files, clean_up):
        self._stream, self._name, self._files, self._clean_up = stream, name, files, clean_up
        self._gone = False

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_left()
            return len(text)

    def flush(self):
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_left()

    def __getattr__(self, name):  # fileno, isatty, encoding, buffer, ...
        return getattr(self._stream, name)

    def _reader_left(self):
        if self._gone:
            return
        self._gone = True
        try:  # what is left in the buffer, and whatever follows, goes nowhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass
        if self._files:
            say(f"{os.path.basename(sys.argv[0])}: {self._name} closed early; carrying on, without it, "
                f"to write {', '.join(self._files)}")
        elif self._clean_up:
            _raise_stopped(signal.SIGPIPE, None)
        else:  # end as other programs end when their reader leaves: by SIGPIPE, status 141
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGPIPE)


def refuse(message):
    """Stop before training with one line on stderr and exit status `UNSUPPORTED`."""
    print(f"{os.path.basename(sys.argv[0])}: {message}", file=sys.stderr, flush=True)
    sys.exit(UNSUPPORTED)


# ---------------------------------------------------------------------------------------------
# Writing the files the options name
# ---------------------------------------------------------------------------------------------
@contextlib.contextmanager
def signals_held():
    """Hold the stop signals for the length of a `with` block, then deliver the first one that
    came, as it would have been delivered: for a block that must not be cut in half (a file
    written, a process started and recorded). Signal handlers can only be set from the main
    thread; elsewhere (a notebook may run us in another) the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = {signum: signal.signal(signum, lambda signum, frame: caught.append(signum))
                for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if caught:
            signal.raise_signal(caught[0])


def write_atomically(path, write):
    """Call `write(temporary_path)`, then move the finished file to `path`.

    The temporary file lies beside `path`, so the move is atomic: `path` is either the old file
    or the complete new one, never half of one, and a failed write leaves nothing behind. A stop
    signal (Ctrl-C, SIGTERM, SIGHUP) that comes meanwhile waits until the file is complete and
    in place (see `signals_held`), then stops the run as it would have.
    """
    with signals_held():
        suffix = os.path.splitext(path)[1]
        fd, partial = tempfile.mkstemp(suffix=suffix, dir=os.path.dirname(os.path.abspath(path)))
        os.close(fd)
        try:
            write(partial)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(partial, 0o666 & ~umask)  # mkstemp made it private; give it the usual mode
            os.replace(partial, path)
        finally:
            if os.path.exists(partial):
                os.remove(partial)


# ---------------------------------------------------------------------------------------------
# Options of one script each
# ---------------------------------------------------------------------------------------------
def framing5_options(parser):
    """05_stateful.py's own option: --random-start."""
    parser.add_argument(
        "--random-start", action="store_true",
        help="control: every pass after a reset starts at a random letter and wraps around "
        "Y -> A, so the step count no longer gives the answer (default: off, the article's "
        "passes from 'A')",
    )
    parser.add_argument(
        "--verbose", action="store_true",
        help="also print the probes start by start and the score of the pass from each letter "
        "(default: their verdicts only; --json has everything)",
    )


PITFALLS_LEARNING_RATE = 0.01  # 08's small models learn their pattern in 40 short epochs at this step


def pitfalls_options(parser):
    """08_stateful_pitfalls.py: Adam's step is 0.01 by default, not 0.001, so that its three
    trainings take seconds; the help text says so."""
    parser.set_defaults(learning_rate=PITFALLS_LEARNING_RATE)
    for action in parser._actions:
        if action.dest == "learning_rate":
            action.help = (f"Adam's learning rate, above 0 and at most {LEARNING_RATE_MAX} (default: "
                           f"{PITFALLS_LEARNING_RATE}, ten times Adam's default, so the small models here "
                           "learn in seconds)")


def framing4_options(parser):
    """04_batch_state.py's controls: --shuffle, --units, --batch-size (defaults: the article's,
    the script's SHUFFLE, UNITS and BATCH_SIZE). Pass as `parse_args(add_options=...)`."""
    units, batch_size = 16, 25  # the article's: 04's UNITS and BATCH_SIZE
    parser.add_argument(
        "--shuffle", action="store_true",
        help="demonstration: shuffle the order of the pairs every epoch; with the whole data set "
        "in one batch this only reorders the terms of a mean (default: off, the article's order)",
    )
    parser.add_argument(
        "--units", type=whole_number(1, 1024, " (a bound: more only runs slower here)"),
        default=units, help=f"control: LSTM units, 1..1024 (default: {units}, the article's; framing 1 has 32)",
    )
    parser.add_argument(
        "--batch-size", type=int, default=batch_size, choices=[1, 5, 25],  # divisors of 25: no sample dropped
        help=f"control: samples per update, 1, 5 or 25 (default: {batch_size}, the whole data set, one "
        "update per epoch; with 1, 25 updates per epoch)",
    )


# 07_stateful_memory.py
MEMORY_PATTERN = "AAAABBBCCD"  # --pattern: the repeating pattern
MEMORY_PATTERN_MAX = 100  # letters a --pattern may have
MEMORY_BPTT = 5  # --bptt: time steps per batch of the truncated-backprop rows
MEMORY_STREAMS = 4  # --streams: parallel streams, the rows of a batch, in the layout rows


def pattern_letters(text):
    """argparse type: a pattern of 2..MEMORY_PATTERN_MAX letters A-Z (either case), upper-cased."""
    upper = text.strip().upper()
    if not 2 <= len(upper) <= MEMORY_PATTERN_MAX or any(char not in ALPHABET for char in upper):
        raise argparse.ArgumentTypeError(f"expected 2 to {MEMORY_PATTERN_MAX} letters A-Z, got {text!r}")
    return upper


def memory_options(parser):
    """07_stateful_memory.py's own options: --pattern, --bptt, --streams."""
    parser.add_argument("--pattern", type=pattern_letters, default=MEMORY_PATTERN,
                        help=f"the repeating pattern, 2 to {MEMORY_PATTERN_MAX} letters A-Z (default: {MEMORY_PATTERN})")
    parser.add_argument("--bptt", type=positive_int, default=MEMORY_BPTT,
                        help=f"time steps per batch of the truncated-backprop rows (default: {MEMORY_BPTT})")
    parser.add_argument("--streams", type=positive_int, default=MEMORY_STREAMS,
                        help=f"parallel streams in a batch of the layout rows, 2 or more (default: {MEMORY_STREAMS})")


def memory_check(repeats, updates_max):
    """07's check of values that depend on each other, for `parse_args(check=...)`: the stream is
    `repeats` periods of the pattern, and no row may train more than `updates_max` updates."""
    def check(args):
        pairs = len(args.pattern) * repeats
        if args.epochs * pairs > updates_max:
            return (f"argument --epochs: {args.epochs} passes of {pairs} letters is more than {updates_max} "
                    "updates per row (a bound against runs that would never end)")
        if args.streams < 2 or pairs < 2 * args.streams * args.bptt:
            return (f"argument --streams/--bptt: need 2 or more streams and two batches of {args.streams} x "
                    f"{args.bptt} letters in the stream's {pairs} pairs")
        return None
    return check


def framing6_options(parser):
    """06_variable_length.py's own options: two controls and the stateful variant."""
    parser.add_argument(
        "--hold-out", action="store_true",
        help="control: never train on the 8 inputs of HELD_OUT in 06_variable_length.py (DEF, DEFG, "
        "IJK, IJKL, NOP, NOPQ, STU, STUV) and report the accuracy on them (default: off, the article's "
        "run trains on every input it draws)",
    )
    parser.add_argument(
        "--shift-codes", action="store_true",
        help="control: code the letters A=1/26 .. Z=26/26, so the padding 0 is no letter "
        "(default: off, the article's A=0/26 .. Z=25/26, where padding looks like 'A')",
    )
    parser.add_argument(
        "--stateful", action="store_true",
        help="instead of the article's padded model, a stateful LSTM fed each run one letter at a "
        "time from a reset, no padding (default: off, the article's padded model)",
    )


def framing6_check(args):
    """What is wrong with 06_variable_length.py's options together (one line), or None."""
    if args.stateful and args.shift_codes:
        return ("--shift-codes moves the letters' codes away from the padding, and --stateful "
                "pads nothing: use one or the other")
    return None
