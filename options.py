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
import os
import signal
import sys
import tempfile
import threading

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
    """True inside a Jupyter (IPython) kernel: the scripts' `# %%` cells run there too."""
    return "ipykernel" in sys.modules


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
        quiet_exits()
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


def quiet_exits():
    """How a command-line run ends early, without a Python traceback.

    Ctrl-C: one line and the shell's status for SIGINT, 130. Output closed early (`| head -3`):
    Python turns the broken pipe into an exception that ends in a traceback; the default action
    of SIGPIPE instead ends the process quietly, as `cat` or `grep` end, and the shell reports
    status 141. Nothing is lost: the scripts write nothing to disk unless asked, and what they
    do write appears only when complete.
    """
    signal.signal(signal.SIGINT, _interrupted)
    if hasattr(signal, "SIGPIPE"):  # not on Windows
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def _interrupted(signum, frame):
    print(f"\n{os.path.basename(sys.argv[0])}: interrupted", file=sys.stderr, flush=True)
    os._exit(130)


def refuse(message):
    """Stop before training with one line on stderr and exit status `UNSUPPORTED`."""
    print(f"{os.path.basename(sys.argv[0])}: {message}", file=sys.stderr, flush=True)
    sys.exit(UNSUPPORTED)


# ---------------------------------------------------------------------------------------------
# Writing the files the options name
# ---------------------------------------------------------------------------------------------
def write_atomically(path, write):
    """Call `write(temporary_path)`, then move the finished file to `path`.

    The temporary file lies beside `path`, so the move is atomic: `path` is either the old file
    or the complete new one, never half of one, and a failed write leaves nothing behind.
    """
    suffix = os.path.splitext(path)[1]
    fd, partial = tempfile.mkstemp(suffix=suffix, dir=os.path.dirname(os.path.abspath(path)))
    os.close(fd)
    # Ctrl-C is ignored for the second this takes, so it cannot strand the temporary file.
    # (Signal handlers can only be set from the main thread: a notebook may run us elsewhere.)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main_thread else None
    try:
        write(partial)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(partial, 0o666 & ~umask)  # mkstemp made it private; give it the usual mode
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
        if main_thread:
            signal.signal(signal.SIGINT, previous)


# ---------------------------------------------------------------------------------------------
# Options of one script each
# ---------------------------------------------------------------------------------------------
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
