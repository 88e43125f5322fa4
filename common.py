"""Shared pieces of the alphabet experiments: data, encodings, the input pipeline and progress.

The command line lives in options.py, which each script reads before it imports this module,
because importing this module imports Keras and TensorFlow (about 3 seconds).

Nothing here is the lesson of any one script. Each numbered script builds its own model,
calls `model.fit` itself and keeps its reshape, `stateful=True`, `shuffle` and reset lines in
view; this module only holds what the scripts would otherwise repeat.
"""

import contextlib
import json
import os
import sys
import time
import warnings

import options

# TensorFlow's C++ side writes start-up notices straight to file descriptor 2 (oneDNN, CPU
# features, "log messages before absl::InitializeLog()"), ignoring Python's sys.stderr. They
# would bury the scripts' own messages and warnings, so stderr points at /dev/null for the
# length of the imports only. TF_CPP_MIN_LOG_LEVEL=2 keeps later info messages quiet;
# warnings from Python and errors still show. TensorFlow is imported here even when Keras runs
# on JAX or PyTorch (KERAS_BACKEND), because the input pipeline is `tf.data`.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
_saved_stderr = os.dup(2)
_devnull = os.open(os.devnull, os.O_WRONLY)
os.dup2(_devnull, 2)
_missing = None
try:
    import numpy as np
    import keras
    import tensorflow as tf  # only the input pipeline (training_dataset) uses it
except ModuleNotFoundError as error:  # a machine without the requirements installed
    _missing = error.name
finally:
    os.dup2(_saved_stderr, 2)
    os.close(_saved_stderr)
    os.close(_devnull)
if _missing:
    print(f"{os.path.basename(sys.argv[0])}: the package {_missing!r} is not installed here; "
          "install the requirements first: pip install -r requirements.txt", file=sys.stderr)
    sys.exit(2)

ALPHABET = options.ALPHABET  # "ABC...Z": options.py checks --predict against it
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
    shifted = [[i + shift for i in pattern] for pattern in data_x]
    padded = keras.utils.pad_sequences(shifted, maxlen=maxlen, dtype="float32")
    return normalize(np.reshape(padded, (len(padded), maxlen, 1)))


def distinct_rows(x):
    """How many different samples the array `x` (samples, ...) holds: identical rows count once."""
    x = np.asarray(x)
    return len(np.unique(np.reshape(x, (len(x), -1)), axis=0))


def one_hot(data_y):
    """Targets as one-hot rows: (samples, 26) float32."""
    return keras.utils.to_categorical(data_y, num_classes=NUM_CLASSES)


def decode(probabilities):
    """Most likely letter of each row of (samples, 26) probabilities: a list of letters."""
    return [INT_TO_CHAR[int(i)] for i in np.argmax(probabilities, axis=-1)]


def prediction_line(pattern, letter):
    """The article's prediction line: `['A', 'B', 'C'] -> D` for pattern [0, 1, 2]."""
    return f"{[INT_TO_CHAR[i] for i in pattern]} -> {letter}"


# ---------------------------------------------------------------------------------------------
# Input pipeline
# ---------------------------------------------------------------------------------------------
def training_dataset(x, y, batch_size, shuffle, seed):
    """A `tf.data` pipeline over (x, y) that repeats forever; returns `(dataset, steps_per_epoch)`.

    Why not `model.fit(x, y, epochs=500)` on NumPy arrays, as the article does? The model is
    tiny, so nearly all of the time goes to Keras's per-epoch and per-step overhead: with NumPy
    arrays, each epoch rebuilds an input adapter and iterator (tens of milliseconds, more than
    25 batch-size-1 steps cost), and each step is a separate call from Python. A dataset that
    repeats forever, passed with `steps_per_epoch`, is built once; with
    `steps_per_execution=steps_per_epoch` in `compile`, one call runs a whole epoch of steps,
    and `jit_compile=True` has XLA fuse each step. The steps themselves are unchanged: same
    batches, reshuffled every epoch when `shuffle` is true, as `fit` does with arrays.
    `speed_up` below sets the two compile options.

    Stateful models need every batch to be full (their batch size is part of the model), so the
    last partial batch is dropped when `len(x)` is not a multiple of `batch_size`.
    """
    # fit(shuffle=True), its default, warns that it cannot shuffle a dataset; this one shuffles
    # itself (or not) as asked, so the warning says nothing the reader needs.
    warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed")
    if len(x) < batch_size:
        raise ValueError(f"batch size {batch_size} is larger than the {len(x)} samples")
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        # A new order every epoch, the same orders for the same seed.
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=True).repeat()
    return dataset.prefetch(tf.data.AUTOTUNE), len(x) // batch_size


def speed_up(model, steps_per_execution):
    """Speed only: run a compiled `model` faster without changing a single training step.

    Call it after the plain `model.compile(...)` line and before `fit`. It sets two options that
    `compile` also takes, so the script's compile line stays the article's:
    `steps_per_execution` (here a whole epoch of the `training_dataset` pipeline per call into
    TensorFlow, instead of one call per step) and `jit_compile=True` (XLA compiles each step;
    Keras leaves it off on a CPU-only machine unless asked). Leave this line out and the model
    trains the same steps, several times slower (docs/speed.md). The cost: XLA raises peak memory
    by about 130-160 MiB.

    On PyTorch it does nothing: Keras refuses steps_per_execution > 1 there, and jit_compile
    means torch.compile, which costs 20-40 s per model here (docs/backends.md).
    """
    if keras.backend.backend() == "torch":
        return
    model.steps_per_execution = steps_per_execution
    model.jit_compile = True
    # compile() leaves these unbuilt; reset them in case the model already ran, so the new
    # settings apply from the next call of fit, evaluate or predict.
    model.train_function = model.test_function = model.predict_function = None


# ---------------------------------------------------------------------------------------------
# Files the options ask for (options.py checked, before training, that they can be written)
# ---------------------------------------------------------------------------------------------
def save_model(model, path):
    """`model.save(path)`, but never leaves a half-written file (see `options.write_atomically`)."""
    options.write_atomically(path, model.save)


def pairs(patterns, letters):
    """Predictions as JSON-ready `[input, output]` string pairs: [["ABC", "D"], ...].

    `patterns` are lists of letter indices, `letters` the predicted letters.
    """
    return [["".join(INT_TO_CHAR[i] for i in pattern), letter] for pattern, letter in zip(patterns, letters)]


def write_json(args, found):
    """With `--json FILE`, write `found` (what the run measured, a dict) there, atomically.

    Adds the run's settings (script, seed, epochs, learning rate) so the file says what produced it.
    reproduce.py reads these files; the article-format text on stdout is for people.
    """
    if not getattr(args, "json", None):
        return
    record = {
        "script": os.path.basename(sys.argv[0]), "seed": args.seed, "epochs": args.epochs,
        "learning_rate": args.learning_rate, **found,
    }

    def write(partial):
        with open(partial, "w", encoding="utf-8") as file:
            json.dump(record, file, indent=1)
            file.write("\n")

    options.write_atomically(args.json, write)


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


def seed_everything(seed):
    """Seed Python, NumPy and the Keras backend, so the same seed gives the same run."""
    keras.utils.set_random_seed(seed)


def log(args, *values):
    """print() unless --quiet: for everything but the accuracy line and the predictions."""
    if not args.quiet:
        print(*values, flush=True)


# ---------------------------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------------------------
class EpochProgress(keras.callbacks.Callback):
    """A progress bar over epochs with the latest loss and metrics, written to stderr.

    On a terminal it is Keras's own `Progbar`, redrawn in place; anywhere else (a pipe, a log
    file, a notebook's captured output) redrawing would leave hundreds of lines, so it prints one
    plain line every `every` epochs and after the last. It goes to stderr so that stdout holds
    only the results, in the article's format: `python 03_window_timesteps.py > out.txt` works.
    """

    def __init__(self, epochs, every=None, stream=None):
        super().__init__()
        self.epochs = epochs
        self.every = every or max(1, epochs // 10)
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()
        self.bar = None

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        logs = logs or {}
        names = sorted(logs, key=lambda name: name != "loss")  # the loss first, then the metrics
        values = [(name, float(logs[name])) for name in names]
        if self.live:
            with contextlib.redirect_stdout(self.stream):  # Progbar writes to sys.stdout
                if self.bar is None:  # the names are known from the first epoch's logs
                    self.bar = keras.utils.Progbar(
                        self.epochs, unit_name="epoch", stateful_metrics=[name for name, _ in values]
                    )
                self.bar.update(done, values=values)
        elif done % self.every == 0 or done == self.epochs:
            seconds = time.perf_counter() - self.start
            shown = "".join(f" - {name}: {value:.4f}" for name, value in values)
            print(f"Epoch {done}/{self.epochs}{shown} - {seconds:.1f} s", file=self.stream, flush=True)


def with_batch_size(model, batch_size):
    """A copy of `model`, with its trained weights, that takes batches of `batch_size`.

    A stateful model's batch size is part of its input (`batch_shape`), and its state has one
    row per slot of the batch, so it predicts only with the batch size it was built with:
    another gives "the batch size of the input sequences must be the same as the batch size of
    the initial state". The copy is the same layers built for the new batch size, with the same
    weights; its state is its own and starts from zeros, one row per sequence of the batch. Works
    for stateless models too, and on a model loaded with `keras.models.load_model`.
    """
    shape = (batch_size, *model.input_shape[1:])
    copy = keras.models.clone_model(model, input_tensors=keras.Input(batch_shape=shape))
    copy.set_weights(model.get_weights())  # kernels and biases; the state is not a weight
    return copy


def say_if_continuing(args, model):
    """In a notebook, a training cell run again trains the same model further: say so.

    A new model has had no update yet (`optimizer.iterations` is 0), so a script run from the
    command line never prints this.
    """
    done = int(model.optimizer.iterations) if model.optimizer is not None else 0
    if done:
        log(args, f"Training continues from the weights trained so far ({done} updates); "
            "to start over, run the cells from the model cell on again")


def progress(args, epochs=None):
    """The callbacks for `model.fit`: a progress bar over `epochs` (default: `args.epochs`),
    none with --quiet."""
    return [] if args.quiet else [EpochProgress(epochs or args.epochs)]
