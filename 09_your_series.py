# %%
"""Your own series: a stateful LSTM that predicts the next value of one or more number series,
scored against the bar every forecast must clear: repeating the last value.

Beyond the article, for your data. The lesson is the same as framing 5's: one time step per
batch, in order (shuffle=False), the state reset after each pass. With several series, each
is one row of every batch, so the state a stateful layer keeps for row i is series i's. The
values are scaled with the mean and spread of each series' training part (an LSTM learns poorly
from values far from -1..1), and the scores are in the series' own units.

Copy this file and guard.py beside your own script: it needs only Keras and NumPy.

    python 09_your_series.py                      # the demo: three noisy sine waves
    python 09_your_series.py series.csv           # your numbers: one column per series
    python 09_your_series.py series.csv --epochs 30 --horizon 10 --seed 7

The file holds numbers separated by commas or white space: one value per line for one series,
or one column per series (every column as long); a first line of column names is skipped. The
last fifth of each series is held out: never trained on, and scored twice: one step ahead from
the true values before it, and N steps ahead from the state alone, each prediction fed back in
as the next input (--horizon N).
"""

import argparse
import os
import signal
import sys

import numpy as np

# Configuration
UNITS = 16  # LSTM units
EPOCHS = 10  # passes over the series, each from a reset state (--epochs)
TEST_FRACTION = 5  # the last 1/5 of each series: scored, never trained on
DEMO_SERIES, DEMO_LENGTH = 3, 200  # the demo: noisy sine waves, each its own frequency and phase
EPOCHS_MAX = 10_000  # --epochs: a bound against runs that would never end
SEED_MAX = 2**32 - 1  # the largest seed NumPy takes

# %% [markdown]
# ## Your file, or the demo
# The command line names the file (or none, for the demo), and the numbers are read and checked
# before Keras loads: a file that cannot be used is refused in one line, at once.


# %%
class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a refused option is one line on stderr, exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def whole_number(low, high):
    def convert(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be {low}..{high}, got {value}")
        return value

    return convert


parser = ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument(
    "file", nargs="?", help="numbers, one column per series (default: the demo's sine waves)"
)
parser.add_argument(
    "--epochs",
    type=whole_number(1, EPOCHS_MAX),
    default=EPOCHS,
    help=f"passes over the series, each from a reset state (default: {EPOCHS})",
)
parser.add_argument(
    "--horizon",
    type=whole_number(1, 100_000),
    metavar="N",
    help="steps forecast from the state alone (default: every held-out value)",
)
parser.add_argument(
    "--seed",
    type=whole_number(0, SEED_MAX),
    default=7,
    help="the seed (default: 7): same seed, same output",
)
if hasattr(signal, "SIGPIPE") and "ipykernel" not in sys.modules:
    # output cut short (`| head`): stop quietly, as `cat` does
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
# In a notebook: the defaults; set args.file after.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)


def is_number(word):
    try:
        float(word)
        return True
    except ValueError:
        return False


def load(path):
    """The numbers in `path` as (series, length) float32: one column per series."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read().replace(",", " ")
        rows = [line.split() for line in text.splitlines() if line.strip()]
        if rows and not all(is_number(word) for word in rows[0]):
            rows = rows[1:]  # a header line (column names): not data
        if len({len(row) for row in rows}) > 1:
            parser.error(
                f"{path}: every line must hold as many numbers (one per series); found "
                f"{sorted({len(row) for row in rows})}"
            )
        values = np.array(rows, dtype="float64")
        if len(values) == 1:  # one line of numbers: one series
            values = values.T
    except OSError as error:
        parser.error(f"{path}: {error.strerror}")
    except ValueError as error:
        parser.error(f"{path}: not only numbers ({error})")
    if values.size == 0:
        parser.error(f"{path}: no numbers")
    if not np.isfinite(values).all():
        parser.error(f"{path}: holds nan or inf; fill or drop those values first")
    return values.T.astype("float32")  # (series, length)


if args.file:
    series = load(args.file)
    source = args.file
else:  # the demo: NUM_SERIES noisy sine waves, each with its own frequency and phase
    rng = np.random.default_rng(args.seed)
    freq = rng.uniform(0.1, 0.5, (DEMO_SERIES, 1))
    phase = rng.uniform(0, 2 * np.pi, (DEMO_SERIES, 1))
    noise = 0.05 * rng.normal(size=(DEMO_SERIES, DEMO_LENGTH))
    series = (np.sin(freq * np.arange(DEMO_LENGTH) + phase) + noise).astype("float32")
    source = "the demo's noisy sine waves"
NUM_SERIES, LENGTH = series.shape  # series: (NUM_SERIES, LENGTH)
TEST = LENGTH // TEST_FRACTION  # held out at the end of every series
if TEST < 1 or LENGTH - TEST < 3:
    parser.error(
        f"{LENGTH} values per series is too few: at least {TEST_FRACTION} are needed "
        "(the last fifth is held out)"
    )
HORIZON = TEST if args.horizon is None else args.horizon
if HORIZON > TEST:
    parser.error(
        f"argument --horizon: at most {TEST}, the held-out values per series, got {HORIZON}"
    )

# Keras loads only now, once the input is known to be good, and quietly: no TensorFlow info or
# warnings (the log level), nor its oneDNN notice, which no log level stops.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras
from guard import check_stateful_fit  # guard.py: copy it beside this file

keras.utils.set_random_seed(args.seed)  # seed first: same seed, same output
print(f"{NUM_SERIES} series of {LENGTH} values ({source}); the last {TEST} of each held out")


# %% [markdown]
# ## The data: scaled on the training part, laid out one series per row

# %%
train = series[:, :-TEST]  # (NUM_SERIES, LENGTH - TEST): all the model ever learns from
mean = train.mean(axis=1, keepdims=True)  # per series, from the training part only: the
spread = train.std(axis=1, keepdims=True)  # held-out values must not leak into the scaling
spread[spread == 0] = 1.0  # a constant series: nothing to divide by
scaled = (series - mean) / spread


def as_batches(values):
    """(NUM_SERIES, steps) -> (steps * NUM_SERIES, 1, 1): batch t holds step t of every series.

    batch 0: s0[0] s1[0] s2[0]
    batch 1: s0[1] s1[1] s2[1]   row i of every batch continues row i of the batch before:
    batch 2: s0[2] s1[2] s2[2]   the state a stateful layer keeps for row i is series i's
    """
    return values.T.reshape(-1, 1, 1)


def from_batches(values):
    """Predictions back to one row per series: (steps * NUM_SERIES, 1) -> (NUM_SERIES, steps)."""
    return values.reshape(-1, NUM_SERIES).T


# value at t -> value at t + 1; x: (batches * NUM_SERIES, 1, 1), y: (batches * NUM_SERIES, 1)
x = as_batches(scaled[:, : -TEST - 1])
y = as_batches(scaled[:, 1:-TEST]).reshape(-1, 1)

# %% [markdown]
# ## The model and its training

# %%
# The batch size is part of a stateful model's input: (batch, time steps, features).
model = keras.Sequential(
    [
        keras.Input(batch_shape=(NUM_SERIES, 1, 1)),
        keras.layers.LSTM(UNITS, stateful=True, name="lstm"),
        keras.layers.Dense(1),  # the next value, scaled
    ]
)
lstm = model.get_layer("lstm")
model.compile(loss="mse", optimizer="adam")

# reset RNN memory after each pass: the next pass reads every series from its start
reset_each_pass = keras.callbacks.LambdaCallback(
    on_epoch_end=lambda epoch, logs: lstm.reset_state()
)
check_stateful_fit(model, x, batch_size=NUM_SERIES, shuffle=False)  # guard.py: one line if not
model.fit(
    x,
    y,
    batch_size=NUM_SERIES,
    epochs=args.epochs,
    shuffle=False,  # in order: never shuffle
    callbacks=[reset_each_pass],
    verbose=2 if sys.stderr.isatty() else 0,
)

# %% [markdown]
# ## One step ahead: the bar is repeating the last value
# Read every series from a reset (its training part warms the state up) and score the guesses
# of its held-out values, each made from the true values before it. predict moves the state on
# too: reset before new sequences.

# %%
lstm.reset_state()  # reset RNN memory
guess = model.predict(as_batches(scaled[:, :-1]), batch_size=NUM_SERIES, verbose=0)
guess = from_batches(guess) * spread + mean  # back to the series' own units
true, last = series[:, -TEST:], series[:, -TEST - 1 : -1]
model_mse = float(np.mean((guess[:, -TEST:] - true) ** 2))
baseline_mse = float(np.mean((last - true) ** 2))  # repeat the last value
print(
    f"one-step MSE on the last {TEST} values of {NUM_SERIES} series: "
    f"model {model_mse:.4f}, repeat-last baseline {baseline_mse:.4f}"
)
if model_mse < baseline_mse:
    print(
        f"The model clears the bar: its error is {model_mse / baseline_mse:.1%} of repeating "
        "the last value's."
    )
else:
    low, high = train.min(axis=1), train.max(axis=1)
    outside = [i for i in range(NUM_SERIES) if true[i].min() < low[i] or true[i].max() > high[i]]
    if outside:  # an LSTM's output saturates: it cannot say a level it never saw in training
        print(
            f"The held-out values of {len(outside)} of the {NUM_SERIES} series leave the range "
            "of their training part: a model trained on levels cannot say a level it never "
            "saw."
        )
    print(
        "The model does not beat repeating the last value. Things to try, in order:\n"
        "- more epochs (--epochs), then more data: it may not have learned yet;\n"
        "- ask whether the next value can be known at all: for a random walk, or prices, "
        "repeating the last\n"
        "  value is the best forecast there is, and no model beats it by more than luck;\n"
        "- predict the change (x[t+1] - x[t]) instead of the value, and add it back;\n"
        "- more units, or more steps per batch (see 07_stateful_memory.py's --bptt)."
    )

# %% [markdown]
# ## N steps ahead from the state alone
# Warm the state up on each series' training part, then feed each prediction back in as the next
# input: no true value after the training part is seen. Two bars: repeating the last training
# value, and the training mean.

# %%
lstm.reset_state()  # reset RNN memory
# the state after the training part, and the prediction after each series' last training value
warm = model.predict(as_batches(scaled[:, :-TEST]), batch_size=NUM_SERIES, verbose=0)
step = warm[-NUM_SERIES:].reshape(NUM_SERIES, 1, 1)
forecast = []
for _ in range(HORIZON):
    forecast.append(step[:, 0, 0])
    step = model.predict_on_batch(step).reshape(NUM_SERIES, 1, 1)  # its own prediction, fed back
lstm.reset_state()
forecast = np.stack(forecast, axis=1) * spread + mean  # (NUM_SERIES, HORIZON), the series' units
ahead = series[:, LENGTH - TEST : LENGTH - TEST + HORIZON]  # the held-out values forecast
last_trained = series[:, -TEST - 1 : -TEST]  # the last training value of each series
scores = {
    "model": float(np.mean((forecast - ahead) ** 2)),
    "repeat-last": float(np.mean((last_trained - ahead) ** 2)),
    "training mean": float(np.mean((mean - ahead) ** 2)),
}
print(
    f"{HORIZON}-step forecast from the state, its own predictions fed back, MSE: "
    + ", ".join(f"{name} {value:.4f}" for name, value in scores.items())
)
beaten = [name for name in ("repeat-last", "training mean") if scores["model"] < scores[name]]
lost = [name for name in ("repeat-last", "training mean") if name not in beaten]
if not beaten:
    print(
        "The forecast beats neither bar: fed its own predictions, a model's errors add up; "
        "trust it for fewer steps."
    )
else:
    print(
        f"The forecast beats {' and '.join(beaten)}"
        + (f"; it does not beat {lost[0]}." if lost else ".")
    )
