"""What the numbered scripts share: the alphabet, its encodings and shapes, and their options.

Nothing here is the lesson of any one script: each script builds its model, its input pipeline
and its `model.fit` in plain view, and keeps its reshape, `stateful=True`, `shuffle` and reset
lines there. This file holds the alphabet data and the encodings they all use, and below them,
the plumbing a reader can skip: the options every script shares (checked before Keras loads, so
that `--help` and a refused value answer at once), the training progress line, files written
whole, and how a run ends early (Ctrl-C, a closed terminal, output cut short by `| head`).

Copy a numbered script with this file beside it and it runs; nothing else of the project is
needed, except for `--plot`, which draws with the study's package (study/).
"""

import argparse
import contextlib
import importlib.util
import json
import os
import signal
import sys
import tempfile
import threading
import time
import warnings

try:
    import numpy as np
except ModuleNotFoundError as error:  # a machine without the requirements installed
    print(
        f"{os.path.basename(sys.argv[0])}: the package {error.name!r} is not installed here; "
        "install the requirements first: pip install -r requirements.txt",
        file=sys.stderr,
    )
    sys.exit(2)

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # the letters the scripts predict
EPOCHS_MAX = 100_000  # framing 6 at this many epochs would take about 4 days here
SEED_MAX = 2**32 - 1  # numpy.random.seed and RandomState take 0..2**32 - 1
STEPS_MAX = 1000  # letters --predict may add
LEARNING_RATE = 0.001  # Adam's default: the article's optimizer="adam"
LEARNING_RATE_MAX = 1.0
BACKENDS = ("tensorflow", "jax", "torch")  # the Keras backends the scripts run on (README)
UNSUPPORTED = 3  # exit status of a script whose Keras backend cannot do what it needs

CHAR_TO_INT = {char: i for i, char in enumerate(ALPHABET)}  # 'A' -> 0 ... 'Z' -> 25
INT_TO_CHAR = {i: char for i, char in enumerate(ALPHABET)}  # 0 -> 'A' ... 25 -> 'Z'
NUM_CLASSES = len(ALPHABET)  # one output per letter


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------
def fixed_length_pairs(seq_length):
    """Every window of `seq_length` letters and the letter that follows it.

    Returns `(data_x, data_y)`: `data_x` is a list of `26 - seq_length` lists of `seq_length`
    ints, `data_y` a list of as many ints. `seq_length=1` gives A->B .. Y->Z (25 pairs);
    `seq_length=3` gives ABC->D .. WXY->Z (23 pairs).
    """
    if not 1 <= seq_length < len(ALPHABET):
        raise ValueError(f"seq_length must be 1..{len(ALPHABET) - 1}, got {seq_length}")
    data_x, data_y = [], []
    for i in range(len(ALPHABET) - seq_length):
        seq_in = ALPHABET[i : i + seq_length]
        seq_out = ALPHABET[i + seq_length]
        data_x.append([CHAR_TO_INT[char] for char in seq_in])
        data_y.append(CHAR_TO_INT[seq_out])
    return data_x, data_y


def random_subsequences(num_samples=1000, max_len=5, seed=7, exclude=()):
    """Random runs of 1..`max_len` letters and the letter after each, drawn as the article does.

    The article seeds NumPy's global legacy generator with 7 and calls `numpy.random.randint`;
    a `RandomState(seed)` makes the same draws without touching global state:
    `start` in 0..23, `end` in start..min(start + max_len, 25) - 1 (upper bounds exclusive).
    `exclude` holds inputs never to return, as tuples of ints (`(3, 4, 5)` for DEF): a draw of
    one is skipped and drawing goes on until `num_samples` are collected. Empty (the default),
    the draws are exactly the article's.
    Returns `(data_x, data_y)`: `num_samples` lists of 1..max_len ints, and `num_samples` ints.
    """
    if num_samples < 1 or not 1 <= max_len < len(ALPHABET):
        raise ValueError("num_samples must be >= 1 and max_len 1..25")
    exclude = {tuple(pattern) for pattern in exclude}
    if {tuple(x) for x in all_subsequences(max_len)[0]} <= exclude:
        raise ValueError("exclude leaves no input to draw")  # the loop below would never end
    rng = np.random.RandomState(seed)
    data_x, data_y = [], []
    while len(data_x) < num_samples:
        start = rng.randint(len(ALPHABET) - 2)
        end = rng.randint(start, min(start + max_len, len(ALPHABET) - 1))
        seq_in = ALPHABET[start : end + 1]
        seq_out = ALPHABET[end + 1]
        pattern = [CHAR_TO_INT[char] for char in seq_in]
        if tuple(pattern) in exclude:
            continue  # held out: never a training sample
        data_x.append(pattern)
        data_y.append(CHAR_TO_INT[seq_out])
    return data_x, data_y


def all_subsequences(max_len=5):
    """Every distinct pair `random_subsequences` can draw: runs of 1..max_len letters starting
    at A..X (0..23) that end at Y at the latest, each with the letter after it.

    Returns `(data_x, data_y)` as `random_subsequences` does, in alphabetical order: 114 pairs
    for max_len 5.
    """
    data_x, data_y = [], []
    for start in range(len(ALPHABET) - 2):
        for end in range(start, min(start + max_len, len(ALPHABET) - 1)):
            data_x.append(list(range(start, end + 1)))
            data_y.append(end + 1)
    return data_x, data_y


def print_pairs(data_x, data_y, limit=None):
    """Print pairs as the article does (`ABC -> D`), the first `limit` of them if given, under
    a heading, so that they are not mistaken for predictions."""
    shown = len(data_x) if limit is None else min(limit, len(data_x))
    print("Training pairs:")
    for pattern, target in zip(data_x[:shown], data_y[:shown]):
        print("".join(INT_TO_CHAR[i] for i in pattern), "->", INT_TO_CHAR[target])
    if shown < len(data_x):
        print(f"... ({len(data_x)} pairs in all)")


# ---------------------------------------------------------------------------------------------
# Encodings and shapes. Keras recurrent layers take X as (samples, time steps, features).
# ---------------------------------------------------------------------------------------------
def normalize(x):
    """Scale letter indices 0..25 to 0..0.96 (divide by 26, as the article does); float32."""
    return np.asarray(x, dtype="float32") / float(len(ALPHABET))


def as_time_steps(data_x):
    """Equal-length sequences as (samples, time steps = letters, features = 1), normalised.

    One letter per time step: the LSTM reads the window in order, one letter at a time.
    """
    data_x = np.asarray(data_x)
    return normalize(np.reshape(data_x, (len(data_x), data_x.shape[1], 1)))


def as_features(data_x):
    """Equal-length sequences as (samples, time steps = 1, features = letters), normalised.

    The whole window arrives at once as one time step, like the inputs of a Dense layer.
    """
    data_x = np.asarray(data_x)
    return normalize(np.reshape(data_x, (len(data_x), 1, data_x.shape[1])))


def pad_left(data_x, maxlen, shift=0):
    """Sequences of 1..maxlen ints, zero-padded on the left, as (samples, maxlen, 1), normalised.

    `keras.utils.pad_sequences` pads at the front by default, so the last letter is always at
    the last time step. With `shift=0` (the article's), the padding value 0 is also the code of
    'A': padded, AB and B are the same input [0, 0, 0, 0, 1] / 26. `shift=1` codes the letters
    1..26 before padding (A = 1/26 .. Z = 26/26), so 0 means padding and nothing else.
    """
    import keras

    shifted = [[i + shift for i in pattern] for pattern in data_x]
    padded = keras.utils.pad_sequences(shifted, maxlen=maxlen, dtype="float32")
    return normalize(np.reshape(padded, (len(padded), maxlen, 1)))


def distinct_rows(x):
    """How many different samples the array `x` (samples, ...) holds: identical rows count once."""
    x = np.asarray(x)
    return len(np.unique(np.reshape(x, (len(x), -1)), axis=0))


def one_hot(data_y):
    """Targets as one-hot rows: (samples, 26) float32."""
    import keras

    return keras.utils.to_categorical(data_y, num_classes=NUM_CLASSES)


def decode(probabilities):
    """Most likely letter of each row of (samples, 26) probabilities: a list of letters."""
    return [INT_TO_CHAR[int(i)] for i in np.argmax(probabilities, axis=-1)]


def prediction_line(pattern, letter):
    """The article's prediction line: `['A', 'B', 'C'] -> D` for pattern [0, 1, 2]."""
    return f"{[INT_TO_CHAR[i] for i in pattern]} -> {letter}"


def print_continuation(predict, start, steps, window):
    """Continue the letters `start` for `steps` letters, feeding each prediction back in.

    At each step the last `window` letters of the history so far (fewer if there are fewer)
    go to `predict(pattern)`, which frames them as its model reads them and returns
    probabilities of shape (1, 26). Prints a header and one `['B', 'C', 'D'] -> E` line per
    step, and returns the letters added.
    """
    print(f"Continue {start!r} for {steps} letters:")
    history = [CHAR_TO_INT[char] for char in start]
    for _ in range(steps):
        pattern = history[-window:]
        (letter,) = decode(predict(pattern))
        print(prediction_line(pattern, letter))
        history.append(CHAR_TO_INT[letter])
    return "".join(INT_TO_CHAR[i] for i in history[len(start) :])


def with_batch_size(model, batch_size):
    """A copy of `model`, with its trained weights, that takes batches of `batch_size`.

    A stateful model's batch size is part of its input (`batch_shape`), and its state has one
    row per slot of the batch, so it predicts only with the batch size it was built with:
    another gives "the batch size of the input sequences must be the same as the batch size of
    the initial state". The copy is the same layers built for the new batch size, with the same
    weights; its state is its own and starts from zeros, one row per sequence of the batch. Works
    for stateless models too, and on a model loaded with `keras.models.load_model`.
    """
    import keras

    shape = (batch_size, *model.input_shape[1:])
    copy = keras.models.clone_model(model, input_tensors=keras.Input(batch_shape=shape))
    copy.set_weights(model.get_weights())  # kernels and biases; the state is not a weight
    return copy


# ---------------------------------------------------------------------------------------------
# The command line every script shares
# ---------------------------------------------------------------------------------------------
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
            raise argparse.ArgumentTypeError(
                f"must be above {low} and at most {high}{why}, got {text}"
            )
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
            raise argparse.ArgumentTypeError(
                f"{what}, so the name must end in {ending}, got {text!r}"
            )
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
            raise OptionError(
                f"args.{name}: no such option; the options are "
                + ", ".join(a.dest for a in parser._actions if a.dest != "help")
            )
        if action.nargs == 0:  # a flag such as --quiet: True or False
            if not isinstance(value, bool):
                raise OptionError(f"args.{name}: expected True or False, got {value!r}")
        elif value is None and action.default is None:
            pass  # turned off, as when the option is not given
        else:
            try:
                if action.type is not None:
                    if getattr(action.type, "__name__", "") == "whole number" and isinstance(
                        value, (float, bool)
                    ):
                        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}")
                    value = action.type(str(value))
                if action.choices is not None and value not in action.choices:
                    raise argparse.ArgumentTypeError(
                        f"must be one of {list(action.choices)}, got {value!r}"
                    )
                if name == "predict" and len(value) < self.__dict__["_min_letters"]:
                    raise argparse.ArgumentTypeError(
                        f"this model reads {self.__dict__['_min_letters']} letters at a time, "
                        f"got {value!r}"
                    )
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
            sys.modules["keras"].utils.set_random_seed(
                value
            )  # as the first cell did with the old one
            print(f"Seed {value} set: run the cells after this one for the run seed {value} makes.")


def in_notebook():
    """True inside a running Jupyter (IPython) kernel: the scripts' `# %%` cells run there too.

    A kernel has an IPython shell; a process that merely imported ipykernel (a test runner that
    also drives notebooks) has none, and its command line counts."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if "ipykernel" in sys.modules and ipython is not None else None
    return shell is not None and "ipykernel" in type(shell).__module__


def parse_args(
    description,
    epochs,
    min_letters=1,
    add_options=None,
    argv=None,
    epochs_note="the article's",
    check=None,
):
    """The options every script shares, checked before anything loads; returns the namespace.

    --epochs (default: the article's), --seed, --learning-rate, --quiet, --predict LETTERS (at least
    `min_letters` of them), --steps N, --save, --json, --plot. `add_options(parser)`, if given,
    adds a script's own; `check(args)`, if given, checks values that depend on each other and
    returns what is wrong (one line) or None. Also checks KERAS_BACKEND, and from the command
    line sets how Ctrl-C and a closed output end the script (see `quiet_exits`). `description`
    is the script's docstring, shown by --help. Then Keras loads (see `load_keras_quietly`).
    """
    # --help shows the script's docstring as it is written: what it shows, how to run it, and
    # what its own options do.
    parser = ArgumentParser(
        description=(description or "").strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--epochs",
        type=epochs_int,
        default=epochs,
        help=f"training epochs, 1..{EPOCHS_MAX} (default: {epochs}, {epochs_note})",
    )
    parser.add_argument(
        "--seed",
        type=seed_int,
        default=7,
        help=f"seed for NumPy, Python, Keras and the data pipeline, 0..{SEED_MAX} "
        "(default: 7, the article's)",
    )
    parser.add_argument(
        "--learning-rate",
        type=learning_rate_float,
        default=LEARNING_RATE,
        metavar="RATE",
        help=f"control: Adam's learning rate, above 0 and at most {LEARNING_RATE_MAX} (default: "
        f"{LEARNING_RATE}, Adam's default, which the article's optimizer='adam' uses)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print only the accuracy line and the predictions",
    )
    parser.add_argument(
        "--predict",
        type=letters,
        metavar="LETTERS",
        help=f"after training, continue these letters (at least {min_letters}) by feeding each "
        "prediction back in (default: none)",
    )
    parser.add_argument(
        "--steps",
        type=steps_int,
        default=5,
        help=f"how many letters --predict adds, 1..{STEPS_MAX} (default: 5)",
    )
    parser.add_argument(
        "--save",
        type=keras_file,
        metavar="FILE.keras",
        help="save the trained model in the Keras format (default: save nothing)",
    )
    parser.add_argument(
        "--json",
        type=json_file,
        metavar="FILE.json",
        help="also write what the run found (accuracy, predictions, the checks it prints, "
        "training seconds) as JSON, for reproduce.py and your own scripts (default: none)",
    )
    parser.add_argument(
        "--plot",
        type=png_file,
        metavar="FILE.png",
        help="save a PNG picture of the training curves and of what the trained model does "
        "(default: draw nothing)",
    )
    if add_options is not None:
        add_options(parser)
    notebook = argv is None and in_notebook()  # a notebook's command line is the kernel's, not ours
    args = parser.parse_args([] if notebook else argv, namespace=Options())
    if args.predict is not None and len(args.predict) < min_letters:
        parser.error(
            f"argument --predict: this model reads {min_letters} letters at a time, "
            f"got {len(args.predict)} ({args.predict!r})"
        )
    problem = check(args) if check is not None else None
    if problem:
        parser.error(problem)
    if args.plot and importlib.util.find_spec("study") is None:
        parser.error(
            "argument --plot: the pictures are drawn by the study's package, study/, which is not "
            "beside this script; copy it here, or leave --plot out"
        )
    args.__dict__.update(
        _parser=parser, _min_letters=min_letters, _check=check
    )  # from now on, setting checks
    check_backend(parser)
    if argv is None:  # run from the command line or a notebook, not called from a test
        if not in_notebook():
            quiet_exits(files=[args.json, args.save, args.plot])
        load_keras_quietly()
    return args


def load_keras_quietly():
    """Import Keras and TensorFlow with their start-up notices hidden.

    TensorFlow's C++ side writes start-up notices straight to file descriptor 2 (oneDNN, CPU
    features, "log messages before absl::InitializeLog()"), ignoring Python's sys.stderr and
    TF_CPP_MIN_LOG_LEVEL. They would bury the scripts' own messages, so stderr points at
    /dev/null for the length of the imports only; the script's own `import keras` then finds
    Keras loaded. TF_CPP_MIN_LOG_LEVEL=2 keeps later info messages quiet; warnings from Python
    and errors still show. TensorFlow is imported even when Keras runs on JAX or PyTorch
    (KERAS_BACKEND): the input pipelines are `tf.data`. A machine without the requirements
    gets one line and status 2.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # fit(shuffle=True), its default, warns that it cannot shuffle a tf.data pipeline; the
    # scripts' pipelines shuffle themselves (or not) as the script says, so the warning says
    # nothing the reader needs.
    warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed")
    saved_stderr, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    missing = None
    try:
        import keras  # noqa: F401
        import tensorflow  # noqa: F401
    except ModuleNotFoundError as error:
        missing = error.name
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.close(devnull)
    if missing:
        extra = missing.split(".")[0] in ("jax", "jaxlib", "torch")  # KERAS_BACKEND asked for it
        needs = "requirements-backends.txt" if extra else "requirements.txt"
        print(
            f"{os.path.basename(sys.argv[0])}: the package {missing!r} is not installed here; "
            f"install it first: pip install -r {needs}",
            file=sys.stderr,
        )
        sys.exit(2)


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


# ---------------------------------------------------------------------------------------------
# Training progress
# ---------------------------------------------------------------------------------------------
def log(args, *values):
    """print() unless --quiet: for everything but the accuracy line and the predictions."""
    if not args.quiet:
        print(*values, flush=True)


def progress(args, batch_size=None, what=None, every=None, stream=None):
    """The callback for `model.fit` that shows a run's training; `.seconds` holds its length.

    Unless --quiet: before the first epoch, the line `Training: 500 epochs of 25 steps, batch
    size 1` on stdout (`what` replaces what follows "Training: "), and in a notebook a note when
    the model was trained before (running the training cell again trains further); then a
    progress bar over epochs with the latest loss and metrics, on stderr; after the last,
    `Training took 11.7 s` on stdout. The bar is Keras's own `Progbar` on a terminal; anywhere
    else (a pipe, a log file, a notebook) it is one plain line every `every` epochs (default: a
    tenth of them) and after the last. Stderr, so that stdout holds only the results:
    `python 03_window_timesteps.py > out.txt` works.
    """
    import keras  # here, not at the top of this file: --help answers before Keras loads

    class Progress(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = None
            self.stream = stream or sys.stderr
            self.live = self.stream.isatty()

        def on_train_begin(self, logs=None):
            self.epochs, self.every = (
                self.params["epochs"],
                every or max(1, self.params["epochs"] // 10),
            )
            done = int(self.model.optimizer.iterations) if self.model.optimizer is not None else 0
            if done:  # a notebook: the training cell ran before
                log(
                    args,
                    f"Training continues from the weights trained so far ({done} updates); "
                    "to start over, run the cells from the model cell on again",
                )
            log(
                args,
                "Training: "
                + (
                    what
                    or f"{self.epochs} epochs of {self.params['steps']} steps, "
                    f"batch size {batch_size}"
                ),
            )
            self.start, self.bar = time.perf_counter(), None

        def on_epoch_end(self, epoch, logs=None):
            if args.quiet:
                return
            done = epoch + 1
            logs = logs or {}
            names = sorted(
                logs, key=lambda name: name != "loss"
            )  # the loss first, then the metrics
            values = [(name, float(logs[name])) for name in names]
            if self.live:
                with contextlib.redirect_stdout(self.stream):  # Progbar writes to sys.stdout
                    if self.bar is None:  # the names are known from the first epoch's logs
                        self.bar = keras.utils.Progbar(
                            self.epochs,
                            unit_name="epoch",
                            stateful_metrics=[name for name, _ in values],
                        )
                    self.bar.update(done, values=values)
            elif done % self.every == 0 or done == self.epochs:
                seconds = time.perf_counter() - self.start
                shown = "".join(f" - {name}: {value:.4f}" for name, value in values)
                print(
                    f"Epoch {done}/{self.epochs}{shown} - {seconds:.1f} s",
                    file=self.stream,
                    flush=True,
                )

        def on_train_end(self, logs=None):
            self.seconds = time.perf_counter() - self.start
            log(args, f"Training took {self.seconds:.1f} s")

    return Progress()


# ---------------------------------------------------------------------------------------------
# Files the options ask for (parse_args checked, before training, that they can be written)
# ---------------------------------------------------------------------------------------------
def save_model(model, path):
    """`model.save(path)`, but never leaves a half-written file (see `write_atomically`)."""
    write_atomically(path, model.save)


def save(args, model):
    """With `--save FILE.keras`, `save_model(model, FILE.keras)` and a line to say so (unless
    --quiet). Without --save, nothing."""
    if args.save:
        save_model(model, args.save)
        log(args, f"Saved the trained model to {args.save}")


def pairs(patterns, letters):
    """Predictions as JSON-ready `[input, output]` string pairs: [["ABC", "D"], ...].

    `patterns` are lists of letter indices, `letters` the predicted letters.
    """
    return [
        ["".join(INT_TO_CHAR[i] for i in pattern), letter]
        for pattern, letter in zip(patterns, letters)
    ]


def write_json(args, found):
    """With `--json FILE`, write `found` (what the run measured, a dict) there, atomically.

    Adds the run's options (seed, epochs, learning rate, a script's own) so the file says what
    produced it.
    reproduce.py reads these files; the article-format text on stdout is for people.
    """
    if not getattr(args, "json", None):
        return
    options = {  # the run's options; not where its files went (--json, --save, --plot)
        name: value
        for name, value in vars(args).items()
        if not name.startswith("_") and name not in ("json", "save", "plot")
    }
    record = {"script": os.path.basename(sys.argv[0]), **options, **found}

    def write(partial):
        with open(partial, "w", encoding="utf-8") as file:
            json.dump(record, file, indent=1)
            file.write("\n")

    write_atomically(args.json, write)


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
    previous = {
        signum: signal.signal(signum, lambda signum, frame: caught.append(signum))
        for signum in STOP_SIGNALS
    }
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
            say(
                f"{os.path.basename(sys.argv[0])}: {self._name} closed early; carrying on, "
                f"without it, to write {', '.join(self._files)}"
            )
        elif self._clean_up:
            _raise_stopped(signal.SIGPIPE, None)
        else:  # end as other programs end when their reader leaves: by SIGPIPE, status 141
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGPIPE)


def refuse(message):
    """Stop before training with one line on stderr and exit status `UNSUPPORTED`."""
    print(f"{os.path.basename(sys.argv[0])}: {message}", file=sys.stderr, flush=True)
    sys.exit(UNSUPPORTED)
