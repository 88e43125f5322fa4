# %%
"""Beyond the article: a repeating pattern whose next letter needs memory, learned eight ways.

In AAAABBBCCD, repeated, one letter does not say what comes next: an A is followed by an A three
times in four, so a model must remember how many A's (B's, C's) it has just seen. This script
trains the same small LSTM on one long stream of the pattern in each of the ways a reader might
try, with the same number of weight updates and the same initial weights, scores every one the
same way (the stream fed one letter at a time from a reset state) and prints which reach 100%
and why:
  stateless:  one letter -> next (framing 1's setup); a window of letters as time steps
              (framing 3's setup), one letter short of the pattern's memory need and at it; the
              whole period as one sequence with return_sequences=True (full backpropagation
              through time, no state carried from batch to batch)
  stateful:   one time step per batch (framing 5's setup); T time steps per batch (--bptt T:
              truncated backpropagation through T steps); K parallel streams per batch
              (--streams K), laid out so that row i of each batch continues row i of the batch
              before, and the same data laid out wrongly, as a control
Unlike framings 1-6, the letters go in one-hot (26 features), not as index / 26: see the data.

What the default run showed on seeds 7 to 11: one letter stops at 70.16% and a window of 3 at
90.05%, the best those can do; a window of 4, the whole period and every stateful row laid out
right reach 100% (one step per batch: 98.95% on one seed of the five), though one step per batch
ends 5 to 12 times less sure (cross-entropy) than 5 steps per batch. The wrong layout scores 100%
on its own training batches and 40% to 80% on the stream.

    python 07_stateful_memory.py [--pattern AAAABBBCCD] [--bptt 5] [--streams 4] [--epochs 25] [--seed 7] [--quiet] [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png] [--json FILE.json]
"""

import argparse
import logging
import math
import time

import options  # first: reads and checks the command line, before Keras loads

# Configuration.
PATTERN = "AAAABBBCCD"  # the repeating pattern (--pattern)
PATTERN_MAX = 100  # letters a --pattern may have
REPEATS = 20  # times the pattern repeats in the stream
UNITS = 16  # LSTM memory units, every row
EPOCHS = 25  # passes of the one-step stateful row over the stream: they set every row's budget
BPTT = 5  # time steps per batch in the truncated-backprop rows (--bptt)
STREAMS = 4  # parallel streams, the rows of a batch, in the layout rows (--streams)
UPDATES_MAX = 1_000_000  # weight updates per row, at most (eight rows train): about 20 minutes a row here


def pattern_letters(text):
    """argparse type: a pattern of 2..PATTERN_MAX letters A-Z (either case), returned upper-case."""
    upper = text.strip().upper()
    if not 2 <= len(upper) <= PATTERN_MAX or any(char not in options.ALPHABET for char in upper):
        raise argparse.ArgumentTypeError(f"expected 2 to {PATTERN_MAX} letters A-Z, got {text!r}")
    return upper


def memory_options(parser):
    parser.add_argument("--pattern", type=pattern_letters, default=PATTERN,
                        help=f"the repeating pattern, 2 to {PATTERN_MAX} letters A-Z (default: {PATTERN})")
    parser.add_argument("--bptt", type=options.positive_int, default=BPTT,
                        help=f"time steps per batch of the truncated-backprop rows (default: {BPTT})")
    parser.add_argument("--streams", type=options.positive_int, default=STREAMS,
                        help=f"parallel streams in a batch of the layout rows, 2 or more (default: {STREAMS})")


def check_together(args):
    """What is wrong with values that depend on each other, or None (options.parse_args asks)."""
    pairs = len(args.pattern) * REPEATS
    if args.epochs * pairs > UPDATES_MAX:
        return (f"argument --epochs: {args.epochs} passes of {pairs} letters is more than {UPDATES_MAX} "
                "updates per row (a bound against runs that would never end)")
    if args.streams < 2 or pairs < 2 * args.streams * args.bptt:
        return (f"argument --streams/--bptt: need 2 or more streams and two batches of {args.streams} x "
                f"{args.bptt} letters in the stream's {pairs} pairs")
    return None


args = options.parse_args(__doc__.splitlines()[0], epochs=EPOCHS, add_options=memory_options, check=check_together,
                          epochs_note="passes of the one-step stateful row over the stream; they set every row's updates")

# Keras loads only now, once every option is known to be good: --help and a refused value answer
# at once instead of after the 3-second import of TensorFlow.
import common  # noqa: E402  (first of these: it quiets TensorFlow's start-up messages)
import keras  # noqa: E402
import numpy as np  # noqa: E402
import plots  # noqa: E402  (--plot: matplotlib loads only when a picture is asked for)

common.seed_everything(args.seed)  # seed first: same seed, same output
# Up to eight models train in one process, and TensorFlow warns, on stderr, that it builds a new
# training function for each ("triggered tf.function retracing"): it must, they are new models.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

# Keras 3.15.1's JAX backend does not carry a stateful layer's state from one batch to the next
# in fit, evaluate or predict (see 05_stateful.py): the stateful rows would learn nothing.
if keras.backend.backend() == "jax":
    options.refuse(
        "the JAX backend of Keras 3.15.1 does not carry a stateful LSTM's state across "
        "batches; run this script with KERAS_BACKEND=tensorflow (the default) or torch"
    )

# %% [markdown]
# ## The data
# One long stream of the pattern and its (letter, next letter) pairs, and two facts about the
# pattern: how well a model can do that reads only the last w letters, and the memory need, the
# shortest w after which the next letter is always the same.

# %%
period = len(args.pattern)
stream = args.pattern * REPEATS + args.pattern[0]  # AAAABBBCCD AAAABBBCCD ... A
letters = np.array([common.CHAR_TO_INT[char] for char in stream])  # (letters,) ints
inputs, targets = letters[:-1], letters[1:]  # (pairs,) each: targets[i] is the letter after inputs[i]


# One-hot letters, not the article's index / 26: the pattern's few letters would be 1/26 apart
# on one scale, and the models would spend most of their budget telling them apart (in trials
# while writing this script, one seed: the one-letter row stayed at 29.84% of its 70.16% with
# 15000 updates).
def one_hot(indices):
    """Letter indices of any shape (...) as one-hot rows: float32 (..., 26). For inputs and
    targets. (common.one_hot drops a last axis of length 1, which one-step sequences have.)"""
    indices = np.asarray(indices)
    flat = keras.utils.to_categorical(indices.reshape(-1), num_classes=common.NUM_CLASSES)
    return flat.reshape(indices.shape + (common.NUM_CLASSES,))


def windows(series, width):
    """Every run of `width` consecutive values of `series`: (len - width + 1, width)."""
    return np.lib.stride_tricks.sliding_window_view(series, width)


# Every row is scored on the same letters: every letter from the second period on, predicted from
# what came before it. (From there on, even the row that reads a whole period has a full window.)
SCORED = slice(period - 1, None)  # of the pairs: inputs period-1 .. end, targets period .. end
scored_targets = targets[SCORED]  # (pairs - period + 1,)


def best_possible(width):
    """The highest accuracy (%) on the scored letters of any model that reads only the last
    `width` letters: each distinct window predicts its most common next letter."""
    seen = {}  # window (tuple of ints) -> the letters that follow it
    for window, target in zip(map(tuple, windows(inputs, width)[period - width :]), scored_targets):
        seen.setdefault(window, []).append(target)
    return 100 * sum(max(map(nexts.count, nexts)) for nexts in seen.values()) / len(scored_targets)


def ambiguity(width):
    """A window of `width` letters of the pattern that different letters follow, as
    `'AAA' -> A or B`; None if every window of `width` letters says what comes next."""
    cycle = args.pattern * (width // period + 2)  # long enough to read every window, wrapping
    after = {}
    for start in range(period):
        after.setdefault(cycle[start : start + width], set()).add(cycle[start + width])
    return next((f"{w!r} -> {' or '.join(sorted(s))}" for w, s in after.items() if len(s) > 1), None)


# A window of a whole period always says what comes next, so the need is 1..period.
need = next(width for width in range(1, period + 1) if ambiguity(width) is None)

common.log(args, f"Pattern {args.pattern} (period {period}) x {REPEATS}, then {args.pattern[0]}: "
                 f"a stream of {len(stream)} letters, {len(inputs)} pairs (letter -> next letter)")
common.log(args, stream[: 2 * period + 1], "...")
def count(number, noun):
    """`1 letter`, `4 letters`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


for width in range(1, need):
    common.log(args, f"{count(width, 'letter')} cannot say what is next, {ambiguity(width)}: "
                     f"at best {best_possible(width):.2f}%")
common.log(args, f"Memory need: {need} letters (the shortest window after which the next letter is always the same)")
common.log(args, f"Scored: the {len(scored_targets)} letters from the second period on, the same for every row")

# %% [markdown]
# ## How every row is scored
# Feed the whole stream one letter at a time from a reset state, with the trained weights: a
# stateful row carries its state through the whole stream; a stateless row reads, before each
# letter, the window it was trained on. Accuracy and cross-entropy on the scored letters.

# %%
def reader(model):
    """The trained LSTM and Dense weights in a stateless model that reads a whole sequence.

    The stream through it as one sequence from a zero state, with return_sequences=True, gives
    what feeding the stream one letter at a time from a reset gives (checked at the end, against
    a stateful model of batch size 1), in one call, whatever batch size `model` trained with.
    """
    read = keras.Sequential(
        [
            keras.Input(shape=(None, common.NUM_CLASSES)),  # (batch, time steps: any, features)
            keras.layers.LSTM(UNITS, return_sequences=True, name="lstm"),
            keras.layers.Dense(common.NUM_CLASSES, activation="softmax", name="dense"),
        ]
    )
    # The cell's weights (kernels and bias) only: a stateful layer's state is not copied.
    read.get_layer("lstm").cell.set_weights(model.get_layer("lstm").cell.get_weights())
    read.get_layer("dense").set_weights(model.get_layer("dense").get_weights())
    return read


def read_stream(model):
    """A stateful row's probabilities for the scored letters: (scored, 26)."""
    probabilities = reader(model)(one_hot([inputs]))  # (1, pairs, 26)
    return keras.ops.convert_to_numpy(probabilities)[0, SCORED]


def read_windows(model, width, last_step=False):
    """A stateless row's probabilities for the scored letters, each read from the `width`
    letters before it: (scored, 26). `last_step`: the model predicts at every step; keep the last."""
    X = one_hot(windows(inputs, width)[period - width :])  # (scored, width, 26): window j ends at input j
    probabilities = keras.ops.convert_to_numpy(model(X))  # (scored, 26), or (scored, width, 26)
    return probabilities[:, -1] if last_step else probabilities


def score(probabilities):
    """(accuracy in %, mean cross-entropy) of (scored, 26) probabilities on the scored letters."""
    accuracy = 100 * float(np.mean(np.argmax(probabilities, axis=-1) == scored_targets))
    right = probabilities[np.arange(len(scored_targets)), scored_targets]
    return accuracy, float(-np.mean(np.log(np.maximum(right, 1e-12))))


# %% [markdown]
# ## Training, the same budget for every row
# Every row gets the same number of weight updates (what a run costs) and starts from the same
# initial weights. A pass of the one-step stateful row is one update per letter, so --epochs
# passes of it set the budget; a row with fewer updates per pass trains more passes.

# %%
BUDGET = args.epochs * len(inputs)  # weight updates per row
common.log(args, f"Budget: {BUDGET} weight updates per row ({args.epochs} passes of {len(inputs)} one-letter steps)")
rows = []  # what each row found: the table, --plot and --json


def train(model, X, y, batch_size, shuffle, stateful=False):
    """`model.fit` on (X, y) for about BUDGET updates; returns what it cost and learned.

    A stateful model's state is reset at the end of every pass, where its stream ends (see the
    comment above the one-step stateful row).
    """
    dataset, steps_per_epoch = common.training_dataset(X, y, batch_size=batch_size, shuffle=shuffle, seed=args.seed)
    common.compile_model(model, steps_per_epoch)  # cross-entropy, Adam, accuracy; fast: see common.py
    epochs = math.ceil(BUDGET / steps_per_epoch)
    callbacks = common.progress(args, epochs)  # a progress bar on stderr; none with --quiet
    if stateful:
        lstm = model.get_layer("lstm")
        callbacks.append(keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: lstm.reset_state()))
    common.log(args, f"Training: {epochs} epochs of {steps_per_epoch} steps, batch size {batch_size}, "
                     f"{'shuffled' if shuffle else 'in order'}: {epochs * steps_per_epoch} updates")
    start = time.perf_counter()
    history = model.fit(dataset, epochs=epochs, steps_per_epoch=steps_per_epoch, callbacks=callbacks, verbose=0)
    seconds = time.perf_counter() - start
    common.log(args, f"Training took {seconds:.1f} s")
    return {"updates": epochs * steps_per_epoch, "epochs": epochs, "train_seconds": seconds,
            "train_accuracy": 100 * float(history.history["accuracy"][-1])}


def report(row, probabilities, trained, targets_per_update, why):
    """Print the row's accuracy in the article's format; keep the row for the table.

    `why(accuracy)` says why the row reached 100% or not, in a few words.
    """
    accuracy, loss = score(probabilities)
    print("Model Accuracy: %.2f%%" % accuracy)
    last = "".join(common.decode(probabilities[-period:]))
    common.log(args, f"Next letter after each letter of the last period: {last} (right: {stream[-period:]})")
    rows.append({**row, **trained, "accuracy": accuracy, "loss": loss,
                 "targets_per_update": targets_per_update, "why": why(accuracy)})


def heading(text):
    """A row's heading: printed with --quiet too, so that each accuracy line says which row it is."""
    print("" if args.quiet else "\n", text, sep="")


def stateless_model(steps, return_sequences=False):
    """LSTM -> Dense(26) reading (batch, `steps`, 26): every sample starts from a zero state."""
    keras.utils.set_random_seed(args.seed)  # every row starts from the same initial weights
    return keras.Sequential(
        [
            keras.Input(shape=(steps, common.NUM_CLASSES)),  # (batch, time steps, features)
            keras.layers.LSTM(UNITS, return_sequences=return_sequences, name="lstm"),
            keras.layers.Dense(common.NUM_CLASSES, activation="softmax", name="dense"),
        ]
    )


def window_why(width):
    """Why a stateless row that reads `width` letters reached 100% or not."""
    def why(accuracy):
        if accuracy >= 100:
            return f"yes: reading {count(width, 'letter')} is enough"
        if ambiguity(width):
            return f"no: {ambiguity(width)}, at best {best_possible(width):.2f}%"
        return f"no: {count(width, 'letter')} would be enough; not learned with this budget"
    return why


# %% [markdown]
# ## Stateless: one letter -> next
# Framing 1's setup: one letter in, the next out, the pairs shuffled. No memory at all: it can
# do no better than each letter's most common next letter.

# %%
heading(f"Row {len(rows) + 1}: stateless, one letter -> next (framing 1's setup)")
X = one_hot(inputs[:, None])  # (pairs, 1 time step, 26 features)
y = one_hot(targets)  # (pairs, 26)
model = stateless_model(1)
trained = train(model, X, y, batch_size=1, shuffle=True)
report({"row": "stateless, one letter", "kind": "stateless", "best_possible": best_possible(1), "backprop_steps": 1},
       read_windows(model, 1), trained, 1, window_why(1))

# %% [markdown]
# ## Stateless: a window of letters as time steps
# Framing 3's setup: the last w letters in, one per time step, the next letter out. A window
# one letter shorter than the memory need, then one at it.

# %%
for width in sorted({w for w in (need - 1, need) if w >= 2}):  # width 1 is the row above
    heading(f"Row {len(rows) + 1}: stateless, a window of {width} letters as time steps (framing 3's setup)")
    X = one_hot(windows(inputs, width))  # (pairs - width + 1, width, 26)
    y = one_hot(targets[width - 1 :])  # (pairs - width + 1, 26): the letter after each window
    model = stateless_model(width)
    trained = train(model, X, y, batch_size=1, shuffle=True)
    report({"row": f"stateless, window of {width}", "kind": "stateless", "best_possible": best_possible(width),
            "backprop_steps": width},
           read_windows(model, width), trained, 1, window_why(width))

# %% [markdown]
# ## Stateful: one time step per batch
# Framing 5's setup on the stream: one letter per batch, in order, the state carried to the next
# batch and reset where the stream ends. The state can carry what came before, but each update's
# gradient stops at its batch's edge: one step back.

# %%
# What is carried and what is not. Between batches a stateful LSTM keeps its state (h, c):
#
#   batch:       'A'       'A'       'A'       'A'       'B'    ...   end of stream: reset_state()
#   (h, c):    zeros --> s1 -----> s2 -----> s3 -----> s4 -----> ...
#   gradient:    [ ]       [ ]       [ ]       [ ]       [ ]           one step each, no further
#
# The state goes forward, but it enters each batch as a constant: backpropagation stops at the
# batch's edge. The weights learn what to make of the state they are given, never, directly,
# what to put in it for a later letter.
#
# Where to reset: where each series ends. Here the stream is one series, so at the end of every
# pass, which is every epoch: one fit with a callback. (Per epoch on purpose: with
# steps_per_execution above 1, common.compile_model runs a whole epoch per call, and Keras then
# calls per-batch callbacks once per call, so a reset in on_train_batch_end would fire at the
# wrong points.) With several series, reset where each one ends: one series per epoch, or per
# fit. predict and evaluate advance a stateful layer's state too; this script scores copies of
# the weights (reader) and never runs the trained stateful models again, so their state stays as
# the last reset left it.
def stateful_batches(streams, steps, right_layout=True):
    """The pairs cut into pieces of `steps` letters, in the order a stateful model whose batches
    hold `streams` rows must see them: X (pieces, steps, 26) and y (pieces, steps, 26).

    Right layout (PyTorch's word_language_model: batchify, then bptt windows): the pairs are cut
    into `streams` long rows, and batch b holds piece b of every row. With 4 streams of 50 pairs
    and 5 steps, the positions in the stream that each batch holds:

                  batch 0     batch 1     batch 2   ...   batch 9
        row 0:    0..4        5..9        10..14          45..49
        row 1:    50..54      55..59      60..64          95..99
        row 2:    100..104    105..109    110..114        145..149
        row 3:    150..154    155..159    160..164        195..199

    Row i of each batch continues row i of the batch before, so the state carried in row i is
    the state of the letters just before it: the right one.

    Wrong layout (the control): consecutive pieces in the rows of one batch.

                  batch 0     batch 1     batch 2
        row 0:    0..4        20..24      40..44
        row 1:    5..9        25..29      45..49
        row 2:    10..14      30..34      50..54
        row 3:    15..19      35..39      55..59

    Row 0 of batch 1 starts at letter 20 but carries the state left by letters 0..4: the state
    of 15 letters earlier. The same pieces, shapes and updates; only the order differs. Every
    row is off by the same 15 letters every time, so a model can fit these batches perfectly,
    and what it learns to expect from its state is then wrong on the real, continuous stream.
    """
    per_batch = streams * steps
    used = len(inputs) // per_batch * per_batch  # a stateful batch must be full: drop the rest
    pieces_x = inputs[:used].reshape(-1, steps)  # (pieces, steps), in stream order
    pieces_y = targets[:used].reshape(-1, steps)
    if right_layout:
        # piece numbers as (streams, batches) -> read by batch: piece b of row 0, of row 1, ...
        order = np.arange(len(pieces_x)).reshape(streams, -1).T.reshape(-1)
        pieces_x, pieces_y = pieces_x[order], pieces_y[order]
    return one_hot(pieces_x), one_hot(pieces_y)


def stateful_model(streams, steps):
    """A stateful LSTM -> Dense(26) at every time step, fed (streams, steps, 26) per batch."""
    keras.utils.set_random_seed(args.seed)  # every row starts from the same initial weights
    return keras.Sequential(
        [
            # a stateful layer keeps one state per row of the batch: the batch size is fixed
            keras.Input(batch_shape=(streams, steps, common.NUM_CLASSES)),
            # return_sequences: a prediction, and a loss, at every time step, not only the last.
            # use_cudnn=False: the PyTorch backend needs it for a stateful layer (see 05).
            keras.layers.LSTM(UNITS, stateful=True, return_sequences=True, use_cudnn=False, name="lstm"),
            keras.layers.Dense(common.NUM_CLASSES, activation="softmax", name="dense"),
        ]
    )


def stateful_why(steps):
    """Why a stateful row that backpropagates through `steps` steps reached 100% or not."""
    def why(accuracy):
        if accuracy >= 100:
            return "yes: read from the start of the stream (see the mid-pattern probe)"
        return f"no: its state did not keep what it needed (backprop through {count(steps, 'step')})"
    return why


heading(f"Row {len(rows) + 1}: stateful, one time step per batch (framing 5's setup)")
X, y = stateful_batches(streams=1, steps=1)  # (pairs, 1, 26) each, in stream order
model = stateful_model(streams=1, steps=1)
trained = train(model, X, y, batch_size=1, shuffle=False, stateful=True)  # shuffle=False: keep the order
stateful_models = {"stateful, 1 step per batch": model}
report({"row": "stateful, 1 step per batch", "kind": "stateful", "best_possible": 100.0, "backprop_steps": 1},
       read_stream(model), trained, 1, stateful_why(1))

# %% [markdown]
# ## Stateful: T time steps per batch (truncated backpropagation)
# The same stateful model fed --bptt letters per batch, with a target at every step
# (return_sequences=True): backpropagation now runs through T steps inside each batch, and the
# state still carries from batch to batch.

# %%
# The gradient of each update reaches back to the start of its batch, at most T steps:
#
#   batch:      [A A A A B]  [B B C C D]  [A A A A B]  ...
#   (h, c):   zeros ------> s5 ---------> s10 --------> ...   carried, as a constant
#   gradient:   <--------->  <--------->  <--------->         T steps each
label = f"stateful, {args.bptt} steps per batch"
heading(f"Row {len(rows) + 1}: {label} (--bptt {args.bptt}: truncated backprop through {args.bptt} steps)")
X, y = stateful_batches(streams=1, steps=args.bptt)  # (pairs / T, T, 26) each, in stream order
model = stateful_model(streams=1, steps=args.bptt)
trained = train(model, X, y, batch_size=1, shuffle=False, stateful=True)
stateful_models[label] = model
report({"row": label, "kind": "stateful", "best_possible": 100.0, "backprop_steps": args.bptt},
       read_stream(model), trained, args.bptt, stateful_why(args.bptt))

# %% [markdown]
# ## Stateful: K parallel streams in one batch, laid out right and wrong
# A batch of --streams rows, each row its own stretch of the stream with its own state, T steps
# each. Only the right layout hands each row the state of the letters just before it.

# %%
gap = (args.streams - 1) * args.bptt  # wrong layout: letters between a row's piece and its state's
for right in (True, False):
    label = f"stateful, {args.streams} streams x {args.bptt} steps, {'right' if right else 'wrong'} layout"
    heading(f"Row {len(rows) + 1}: {label}" + ("" if right else " (control)"))
    X, y = stateful_batches(streams=args.streams, steps=args.bptt, right_layout=right)
    model = stateful_model(streams=args.streams, steps=args.bptt)
    trained = train(model, X, y, batch_size=args.streams, shuffle=False, stateful=True)
    if right:
        stateful_models[label] = model
        why = stateful_why(args.bptt)
    else:
        # A gap of whole periods hands each row a state of the same phase: right by accident.
        by_accident = ", whole periods: the same phase" if gap % period == 0 else ""
        why = lambda accuracy: (  # noqa: E731
            f"{'yes' if accuracy >= 100 else 'no'}: trained on the state of {gap} letters earlier{by_accident}"
        )
    report({"row": label, "kind": "stateful" if right else "control", "best_possible": 100.0,
            "backprop_steps": args.bptt},
           read_stream(model), trained, args.streams * args.bptt, why)

# %% [markdown]
# ## Stateless: the whole period as one sequence
# No state carried between batches: each sample is a whole period of the stream, from a zero
# state, with a target at every step (return_sequences=True), so backpropagation runs through the
# whole sample. The alternative to weigh: no state to manage, if a window that long fits.

# %%
heading(f"Row {len(rows) + 1}: stateless, the whole period ({period} letters) as one sequence, return_sequences=True")
X = one_hot(windows(inputs, period))  # (pairs - period + 1, period, 26): every start, not only the pattern's
y = one_hot(windows(targets, period))  # (pairs - period + 1, period, 26): the next letter at every step
model = stateless_model(period, return_sequences=True)
trained = train(model, X, y, batch_size=1, shuffle=True)
report({"row": f"stateless, period of {period}, every step", "kind": "stateless",
        "best_possible": best_possible(period), "backprop_steps": period},
       read_windows(model, period, last_step=True), trained, period, window_why(period))

# %% [markdown]
# ## The rows side by side
# Same initial weights, same number of updates, the same letters scored. Not the same targets per
# update: a T-step batch, K streams or a whole period learn from more letters at each update.

# %%
print(f"\nRows, each scored on the {len(scored_targets)} letters from the second period on, "
      f"read one letter at a time from a reset state:")
print("| # | row | backprop through | updates | targets per update | accuracy | at best | loss | reaches 100%? |")
print("|---|---|---|---|---|---|---|---|---|")
for number, row in enumerate(rows, 1):
    print(f"| {number} | {row['row']} | {row['backprop_steps']} | {row['updates']} | {row['targets_per_update']} | "
          f"{row['accuracy']:.2f}% | {row['best_possible']:.2f}% | {row['loss']:.3f} | {row['why']} |")
common.log(args, "at best: for a stateless row, the best any model reading that many letters can do; a stateful "
                 "row can in principle carry everything since the reset. loss: cross-entropy on the scored letters.")
common.log(args, "The same number of updates, not the same letters: a row with more targets per update learns "
                 "from more letters for the same number of updates.")
for number, row in enumerate(rows, 1):
    if row["kind"] == "control":
        hidden = row["train_accuracy"] >= 99 > row["accuracy"]  # right in training, wrong on the stream
        common.log(args, f"Row {number}, the wrong layout: {row['train_accuracy']:.2f}% on its own training "
                         f"batches in the last epoch, {row['accuracy']:.2f}% on the stream"
                         + (": the mistake does not show in training" if hidden else ""))

# A stateful row at 100% may read the letters, or only count steps since the reset, as framing 5's
# model does: every pass here also starts at the pattern's first letter right after a reset. The
# probe: read the stream from a reset that falls mid-pattern, at its first letter that differs
# from the first one (the first B of AAAABBBCCD), and score it from its second period on. A model
# that counts steps predicts the wrong phase all the way; one that reads letters finds the phase
# once the letters say it.
MID = next((i for i, char in enumerate(args.pattern) if char != args.pattern[0]), 1)
mid_targets = targets[MID + period - 1 :]


def read_from_mid(model):
    """Accuracy (%) of a stateful row on the stream read from a reset at MID, on its second period on."""
    probabilities = keras.ops.convert_to_numpy(reader(model)(one_hot([inputs[MID:]])))[0, period - 1 :]
    return 100 * float(np.mean(np.argmax(probabilities, axis=-1) == mid_targets))


for row in rows:
    if row["row"] in stateful_models:
        row["mid_start_accuracy"] = read_from_mid(stateful_models[row["row"]])
# What a pure step counter would score: at step n after the reset, the letter that followed step n
# in training, whatever came.
counter_accuracy = 100 * float(np.mean(targets[period - 1 : period - 1 + len(mid_targets)] == mid_targets))
mid_note = (f"Mid-pattern probe, read from a reset at {args.pattern[MID]!r} (position {MID + 1} of the pattern), "
            f"{len(mid_targets)} letters scored: " + ", ".join(
                f"{row['row']} {row['mid_start_accuracy']:.2f}%" for row in rows if "mid_start_accuracy" in row)
            + f"; a model that only counted steps since the reset would score {counter_accuracy:.2f}%")
print(mid_note)

# %% [markdown]
# ## Predicting with the best stateful row
# The best stateful row's weights (highest accuracy, then lowest loss) in a stateful model of
# batch size 1, checked against the reader that scored it, then warmed up on --predict's letters.

# %%
best = max((row for row in rows if row["row"] in stateful_models), key=lambda row: (row["accuracy"], -row["loss"]))
trained_model = stateful_models[best["row"]]
predictor = stateful_model(streams=1, steps=1)  # batch_shape (1, 1, 26): one letter per call
predictor.get_layer("lstm").cell.set_weights(trained_model.get_layer("lstm").cell.get_weights())
predictor.get_layer("dense").set_weights(trained_model.get_layer("dense").get_weights())
lstm = predictor.get_layer("lstm")


def step(index):
    """Feed one letter to the predictor, advancing its state; its probabilities, (26,)."""
    return predictor.predict_on_batch(one_hot([[index]]))[0, -1]  # in: (1, 1, 26), out: (1, 1, 26)


# One letter at a time from a reset gives what the whole stream in one call gave (the scoring).
lstm.reset_state()  # reset RNN memory
one_at_a_time = np.stack([step(index) for index in inputs])  # (pairs, 26)
in_one_call = keras.ops.convert_to_numpy(reader(trained_model)(one_hot([inputs])))[0]  # (pairs, 26)
largest = float(np.max(np.abs(one_at_a_time - in_one_call)))
check = (f"One letter at a time from a reset equals the stream in one call ({best['row']}): "
         f"{'yes' if largest < 1e-4 else 'NO'} (largest difference {largest:.1e})")
common.log(args, check)


def generate(letters, steps):
    """From a reset, feed all of `letters` but the last to warm the state up, then feed each
    prediction back in, printing `A -> B` lines. Returns the (input, predicted) pairs."""
    lstm.reset_state()  # reset RNN memory: start from zeros, as the stream did
    indices = [common.CHAR_TO_INT[char] for char in letters]
    for index in indices[:-1]:
        step(index)  # warm-up: only the state matters
    index, generated = indices[-1], []
    for _ in range(steps):
        next_index = int(np.argmax(step(index)))
        print(common.INT_TO_CHAR[index], "->", common.INT_TO_CHAR[next_index])
        generated.append([common.INT_TO_CHAR[index], common.INT_TO_CHAR[next_index]])
        index = next_index
    return generated


continued = None
if args.predict:
    common.log(args, f"Predicting with row {rows.index(best) + 1} ({best['row']}), the best stateful row")
    print(f"Continue {args.predict!r} for {args.steps} letters:")
    continued = generate(args.predict, args.steps)

# %% [markdown]
# ## Optional: save the model, plot the accuracies, write the results
# Only with `--save FILE.keras`, `--plot FILE.png` or `--json FILE.json`; in a notebook, set
# `args.save`, `args.plot` or `args.json` first.

# %%
# Saving keeps the weights, not the state (see 05_stateful.py): the batch-size-1 predictor.
if args.save:
    common.save_model(predictor, args.save)
    common.log(args, f"Saved the best stateful row's weights, as a stateful model of batch size 1, to {args.save}")


plotted = None
if args.plot:  # accuracy and cross-entropy on the stream, a bar per row
    plotted = plots.memory(args.plot, f"{args.pattern} x {REPEATS}: the same LSTM trained {len(rows)} ways, "
                           f"{BUDGET} updates each (seed {args.seed})", rows)
    common.log(args, f"Saved the accuracy per row to {args.plot}")

# What this run found, as JSON (only with --json FILE.json).
predictions = {}
if continued is not None:
    predictions[f"Continue {args.predict!r} for {args.steps} letters:"] = continued
common.write_json(args, {
    "accuracy": best["accuracy"],  # of the best stateful row, whose weights --predict and --save use
    "accuracy_row": best["row"],
    "train_seconds": sum(row["train_seconds"] for row in rows),
    "pattern": args.pattern, "repeats": REPEATS, "bptt": args.bptt, "streams": args.streams, "units": UNITS,
    "memory_need": need, "budget": BUDGET, "scored": len(scored_targets),
    "rows": rows,
    "plot": plotted,  # the numbers drawn, with --plot
    "predictions": predictions,
    "counter_accuracy": counter_accuracy,
    "notes": [mid_note, check],
})
