# %%
"""Beyond the article: a repeating pattern whose next letter needs memory, learned nine ways.

In AAAABBBCCD, repeated, one letter does not say what comes next: an A is followed by an A three
times in four, so a model must remember how many A's (B's, C's) it has just seen. This script
trains the same small LSTM on one long stream of the pattern in each of the ways a reader might
try, with the same number of weight updates and the same initial weights, and scores every one
the same way (the stream fed one letter at a time from a reset state):
  stateless:  one letter -> next (framing 1's setup); a window of letters as time steps
              (framing 3's setup), one letter short of the pattern's memory need and at it; the
              whole period as one sequence with return_sequences=True (full backpropagation
              through time, no state carried from batch to batch)
  stateful:   one time step per batch (framing 5's setup); T time steps per batch (--bptt T:
              truncated backpropagation through T steps); K parallel streams per batch
              (--streams K), laid out so that row i of each batch continues row i of the batch
              before, and the same data laid out wrongly, as a control; and T steps per batch
              with each pass from a reset at a random position of the pattern (random phase)
Then a probe: does a row find the phase (where in the pattern it is) from a reset anywhere, or
only count steps from the pattern's start? Every stateful row reads the stream again from a
reset at each position of the pattern, beside a computed step counter (0% to 60% from every
start but the first), the stateless row whose window is the memory need (it sees the phase in
its window by construction, with no reset to recover from) and the random-phase row, the trained
control: counting cannot fit its training, only finding the phase can.
Unlike framings 1-6, the letters go in one-hot (26 features), not as index / 26: see the data.

What the default run showed on seeds 7 to 11: one letter stops at 70.16% and a window of 3 at
90.05%, the best those can do; a window of 4, the whole period and every stateful row laid out
right reach 100% (one step per batch: 98.95% on one seed of the five), though one step per batch
ends 5 to 12 times less sure (cross-entropy) than 5 steps per batch. The wrong layout scored 40%
to 80% on the stream (at --bptt 5; on seed 7, 100% on its own training batches).

100% on the stream does not show that a model finds the phase: a row can fit the stream from
the pattern's start and still fail to find its place from some other start (3 steps per batch on
seed 7 scored 19.25% from the first B, where it was never reset in training). docs/memory.md
counts, per row type and --bptt, the seeds on which a row finds the phase from every start that
tells; it also has the older one-start grid over --bptt 1 to 10.

    python 07_stateful_memory.py [--pattern AAAABBBCCD] [--bptt 5] [--streams 4] [--epochs 25]
        [--seed 7] [--learning-rate 0.001] [--quiet] [--predict LETTERS] [--steps 5]
        [--save FILE.keras] [--plot FILE.png] [--json FILE.json]
"""

import argparse
import dataclasses
import logging
import math
import sys

import common  # the alphabet, its encodings, and the options every script shares

# Configuration. The command line sets the first three (the defaults are these).
PATTERN = "AAAABBBCCD"  # --pattern: the repeating pattern
BPTT = 5  # --bptt: time steps per batch of the truncated-backprop rows
STREAMS = 4  # --streams: parallel streams, the rows of a batch, in the layout rows
PATTERN_MAX = 100  # letters a --pattern may have
REPEATS = 20  # times the pattern repeats in the stream
UNITS = 16  # LSTM memory units, every row
EPOCHS = 25  # passes of the one-step stateful row over the stream: they set every row's budget
BATCH_SIZE = 1  # samples per update of a stateless row; a stateful row's batch holds its streams
UPDATES_MAX = 1_000_000  # weight updates per row, at most (nine rows train): ~20 minutes a row


def pattern_letters(text):
    """argparse type: a pattern of 2..PATTERN_MAX letters A-Z (either case), upper-cased."""
    upper = text.strip().upper()
    if not 2 <= len(upper) <= PATTERN_MAX or any(char not in common.ALPHABET for char in upper):
        raise argparse.ArgumentTypeError(f"expected 2 to {PATTERN_MAX} letters A-Z, got {text!r}")
    return upper


def add_options(parser):
    """This script's own options: --pattern, --bptt, --streams."""
    parser.add_argument(
        "--pattern",
        type=pattern_letters,
        default=PATTERN,
        help=f"the repeating pattern, 2 to {PATTERN_MAX} letters A-Z (default: {PATTERN})",
    )
    parser.add_argument(
        "--bptt",
        type=common.positive_int,
        default=BPTT,
        help=f"time steps per batch of the truncated-backprop rows (default: {BPTT})",
    )
    parser.add_argument(
        "--streams",
        type=common.positive_int,
        default=STREAMS,
        help=f"parallel streams in a batch of the layout rows, 2 or more (default: {STREAMS})",
    )


def check_options(args):
    """What is wrong with the options together (one line), or None: the stream is REPEATS
    periods of the pattern, and no row may train more than UPDATES_MAX updates."""
    pairs = len(args.pattern) * REPEATS
    if args.epochs * pairs > UPDATES_MAX:
        return (
            f"argument --epochs: {args.epochs} passes of {pairs} letters is more than "
            f"{UPDATES_MAX} updates per row (a bound against runs that would never end)"
        )
    if args.streams < 2 or pairs < 2 * args.streams * args.bptt:
        return (
            f"argument --streams/--bptt: need 2 or more streams and two batches of "
            f"{args.streams} x {args.bptt} letters in the stream's {pairs} pairs"
        )
    return None


args = common.parse_args(
    __doc__,
    epochs=EPOCHS,
    add_options=add_options,
    check=check_options,
    epochs_note="passes of the one-step stateful row over the stream; they set every row's updates",
)  # checked before Keras loads

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(args.seed)  # seed first: same seed, same output
# Nine models train in one process, and TensorFlow warns, on stderr, that it builds a new
# training function for each ("triggered tf.function retracing"): it must, they are new models.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

# Keras 3.15.1's JAX backend does not carry a stateful layer's state from one batch to the next
# in fit, evaluate or predict (see 05_stateful.py): the stateful rows would learn nothing.
if keras.backend.backend() == "jax":
    common.refuse(
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
inputs, targets = letters[:-1], letters[1:]  # (pairs,) each: targets[i] follows inputs[i]
# Every row is scored on the same letters: every letter from the second period on, predicted
# from what came before it (from there on, even the row that reads a whole period has a full
# window).
scored = targets[period - 1 :]  # (pairs - period + 1,): targets period .. end


# One-hot letters, not the article's index / 26: the pattern's few letters would be 1/26 apart
# on one scale, and the models would spend most of their budget telling them apart (in trials
# while writing this script, one seed: the one-letter row stayed at 29.84% of its 70.16% with
# 15000 updates).
def one_hot(indices):
    """Letter indices of any shape (...) as one-hot rows: float32 (..., 26). For inputs and
    targets. (keras.utils.to_categorical drops a last axis of length 1, which one-step sequences
    have.)"""
    indices = np.asarray(indices)
    flat = keras.utils.to_categorical(indices.reshape(-1), num_classes=common.NUM_CLASSES)
    return flat.reshape(indices.shape + (common.NUM_CLASSES,))


def windows(series, width):
    """Every run of `width` consecutive values of `series`: (len - width + 1, width)."""
    return np.lib.stride_tricks.sliding_window_view(series, width)


def count(number, noun):
    """`1 letter`, `4 letters`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def best_possible(width):
    """The highest accuracy (%) on the scored letters of any model that reads only the last
    `width` letters: each distinct window predicts its most common next letter."""
    seen = {}  # window (tuple of ints) -> the letters that follow it
    read = windows(inputs, width)[period - width :]  # window j ends at scored input j
    for window, target in zip(map(tuple, read), scored):
        seen.setdefault(window, []).append(target)
    return 100 * sum(max(map(nexts.count, nexts)) for nexts in seen.values()) / len(scored)


def ambiguity(width):
    """A window of `width` letters of the pattern that different letters follow, as
    `'AAA' -> A or B`; None if every window of `width` letters says what comes next."""
    cycle = args.pattern * (width // period + 2)  # long enough to read every window, wrapping
    after = {}
    for start in range(period):
        after.setdefault(cycle[start : start + width], set()).add(cycle[start + width])
    return next(
        (f"{w!r} -> {' or '.join(sorted(s))}" for w, s in after.items() if len(s) > 1), None
    )


# A window of a whole period always says what comes next, so the need is 1..period.
need = next(width for width in range(1, period + 1) if ambiguity(width) is None)

common.log(
    args,
    f"Pattern {args.pattern} (period {period}) x {REPEATS}, then {args.pattern[0]}: "
    f"a stream of {len(stream)} letters, {len(inputs)} pairs (letter -> next letter)",
)
common.log(args, stream[: 2 * period + 1], "...")
for width in range(1, need):  # "1 letter cannot say what is next, 'A' -> A or B: at best 70.16%"
    common.log(
        args,
        f"{count(width, 'letter')} cannot say what is next, {ambiguity(width)}: "
        f"at best {best_possible(width):.2f}%",
    )
common.log(
    args,
    f"Memory need: {need} letters (the shortest window after which the next letter "
    "is always the same)",
)
common.log(
    args,
    f"Scored: the {len(scored)} letters from the second period on, the same for "
    "every row, read one letter at a time from a reset state with the trained weights",
)


# %% [markdown]
# ## The stream layout of a stateful model
# A stateful LSTM carries its state (h, c) from each batch to the next, one state per row of the
# batch. So the order of the batches is the lesson: row i of each batch must continue row i of
# the batch before.


# %%
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


def phase_batches(steps, passes):
    """The trained control's training: `passes` passes, each from a reset at a random position
    of the pattern (the stream from there, the same length every pass), cut into pieces of
    `steps` letters, pass after pass: X and y (passes * pieces, steps, 26), and the starts.
    Counting steps since the reset cannot fit these passes: only finding the phase can."""
    length = (len(inputs) - period) // steps * steps  # the same from every position
    starts = np.random.default_rng(args.seed).integers(period, size=passes)
    x = np.concatenate([inputs[start : start + length] for start in starts]).reshape(-1, steps)
    y = np.concatenate([targets[start : start + length] for start in starts]).reshape(-1, steps)
    return one_hot(x), one_hot(y), sorted({int(start) for start in starts})


# What is carried and what is not, with one step per batch:
#
#   batch:       'A'       'A'       'A'       'A'       'B'    ...   end of stream: reset_state()
#   (h, c):    zeros --> s1 -----> s2 -----> s3 -----> s4 -----> ...
#   gradient:    [ ]       [ ]       [ ]       [ ]       [ ]           one step each, no further
#
# The state goes forward, but it enters each batch as a constant: backpropagation stops at the
# batch's edge. With T steps per batch (--bptt T), the gradient reaches back T steps:
#
#   batch:      [A A A A B]  [B B C C D]  [A A A A B]  ...
#   (h, c):   zeros ------> s5 ---------> s10 --------> ...   carried, as a constant
#   gradient:   <--------->  <--------->  <--------->         T steps each

# %% [markdown]
# ## Nine ways to learn the pattern, declared
# Each row: stateless (every sample from a zero state, the samples shuffled) or stateful (the
# state carried from batch to batch, the batches in stream order); the time steps of a sample
# (the window a stateless row reads, or a stateful row's steps per batch); the streams, rows of a
# stateful batch; the layout; whether a stateless row has a target at every step; and whether a
# stateful row's passes start at random positions.


# %%
@dataclasses.dataclass
class Row:
    name: str  # as the table and --json name it
    setup: str  # where it comes from, for the heading
    stateful: bool
    steps: int  # time steps per sample: a stateless row's window, a stateful row's per batch
    streams: int = 1  # rows of a stateful batch, each its own stretch of the stream and state
    right_layout: bool = True  # stateful: row i of each batch continues row i of the one before
    every_step: bool = False  # a target at every step (return_sequences); stateful rows: always
    random_phase: bool = False  # stateful: each pass from a reset at a random pattern position


T, K = args.bptt, args.streams
widths = sorted({w for w in (need - 1, need) if w >= 2})  # one letter short of the need, and at it
ROWS = [
    Row("stateless, one letter", "framing 1's setup: no memory at all", False, 1),
    *(
        Row(
            f"stateless, window of {w}",
            f"framing 3's setup: the last {w} letters as time steps",
            False,
            w,
        )
        for w in widths
    ),
    Row("stateful, 1 step per batch", "framing 5's setup", True, 1),
    Row(
        f"stateful, {T} steps per batch",
        f"--bptt {T}: truncated backprop through {T} steps",
        True,
        T,
    ),
    Row(f"stateful, {K} streams x {T} steps, right layout", f"--streams {K}", True, T, K),
    Row(
        f"stateful, {K} streams x {T} steps, wrong layout",
        "control",
        True,
        T,
        K,
        right_layout=False,
    ),
    Row(
        f"stateless, period of {period}, every step",
        "the whole period as one sequence, return_sequences=True",
        False,
        period,
        every_step=True,
    ),
    Row(
        f"stateful, {T} steps per batch, random phase",
        "trained control: each pass from a reset at a random position of the pattern",
        True,
        T,
        random_phase=True,
    ),
]

# %% [markdown]
# ## How every row is scored
# The same way for every row: the trained weights read the stream from a reset state, and each
# scored letter counts. `predict` and `evaluate` would advance a stateful layer's state, so the
# trained models never run again: copies of their weights, in a stateless model that reads a
# whole sequence, do.


# %%
def reader(model):
    """The trained LSTM and Dense weights of `model` in a stateless model that reads a whole
    sequence, (1, any length, 26) -> (1, length, 26).

    The stream through it as one sequence from a zero state, with return_sequences=True, gives
    what feeding the stream one letter at a time from a reset gives (checked below against a
    stateful model of batch size 1), in one call, whatever batch size `model` trained with.
    """
    read = keras.Sequential(
        [
            keras.Input(shape=(None, common.NUM_CLASSES)),  # (batch, time steps: any, features)
            keras.layers.LSTM(model.get_layer("lstm").units, return_sequences=True, name="lstm"),
            keras.layers.Dense(common.NUM_CLASSES, activation="softmax", name="dense"),
        ]
    )
    # The cell's weights (kernels and bias) only: a stateful layer's state is not copied.
    read.get_layer("lstm").cell.set_weights(model.get_layer("lstm").cell.get_weights())
    read.get_layer("dense").set_weights(model.get_layer("dense").get_weights())
    return read


def read_from_reset(model, letters):
    """`model`'s probabilities for the next letter after each of `letters` (indices), fed one
    at a time from a reset state: (len(letters), 26)."""
    return keras.ops.convert_to_numpy(reader(model)(one_hot([letters])))[0]


def read(model, row):
    """A trained row's probabilities for the scored letters, (scored, 26). A stateful row
    reads the whole stream one letter at a time from a reset; a stateless row reads, before
    each letter, the window of `row.steps` letters it was trained on (`row.every_step`: it
    predicts at every step; the last one counts)."""
    if row.stateful:
        return read_from_reset(model, inputs)[period - 1 :]
    X = one_hot(windows(inputs, row.steps)[period - row.steps :])  # (scored, steps, 26)
    probabilities = keras.ops.convert_to_numpy(model(X))  # (scored, 26) or (scored, steps, 26)
    return probabilities[:, -1] if row.every_step else probabilities


def score(probabilities):
    """(accuracy in %, mean cross-entropy) of (scored, 26) probabilities on the scored letters."""
    accuracy = 100 * float(np.mean(np.argmax(probabilities, axis=-1) == scored))
    right = probabilities[np.arange(len(scored)), scored]
    return accuracy, float(-np.mean(np.log(np.maximum(right, 1e-12))))


def why(row, accuracy):
    """Why a row reached 100% or not, in a few words."""
    yes = accuracy >= 100
    if not row.stateful:
        if yes:
            return f"yes: reading {count(row.steps, 'letter')} is enough"
        if ambiguity(row.steps):
            return f"no: {ambiguity(row.steps)}, at best {best_possible(row.steps):.2f}%"
        return f"no: {count(row.steps, 'letter')} would be enough; not learned with this budget"
    if row.random_phase:
        return (
            f"{'yes' if yes else 'no'}: trained from a reset at every position, to find the phase"
        )
    if not row.right_layout:
        gap = (row.streams - 1) * row.steps  # letters between a row's piece and its state's
        # A gap of whole periods hands each row a state of the same phase: right by accident.
        accident = ", whole periods: the same phase" if gap % period == 0 else ""
        return f"{'yes' if yes else 'no'}: trained on the state of {gap} letters earlier{accident}"
    if yes:
        return "yes, read from the pattern's start (the probe reads from mid-pattern)"
    return (
        f"no: its state did not keep what it needed (backprop through {count(row.steps, 'step')})"
    )


# %% [markdown]
# ## Training, the same budget for every row
# Every row gets the same number of weight updates (what a run costs) and starts from the same
# initial weights. A pass of the one-step stateful row is one update per letter, so --epochs
# passes of it set the budget; a row with fewer updates per pass trains more passes. Each row
# trains from a `tf.data` pipeline built once, a whole epoch per call into TensorFlow, each step
# compiled by XLA. `model.fit(X, y, epochs=epochs, batch_size=batch_size, shuffle=shuffle,
# callbacks=resets)` trains as many steps of the same size (the stateless rows in another random
# order), slower: most of the difference is the speed options in `compile` (docs/speed.md; not
# measured for this script).

# %%
BUDGET = args.epochs * len(inputs)  # weight updates per row
common.log(
    args,
    f"Budget: {BUDGET} weight updates per row ({args.epochs} passes of "
    f"{len(inputs)} one-letter steps)",
)
fast = keras.backend.backend() != "torch"  # on PyTorch, Keras defaults (docs/backends.md)
rows, models = [], {}  # what each row found (the table, --plot, --json); the trained models
phases = []  # the random-phase row's training starts

for number, row in enumerate(ROWS, 1):
    print("" if args.quiet else "\n", f"Row {number}: {row.name} ({row.setup})", sep="")
    if not args.quiet:  # progress, on stderr: which training the Epoch lines after it count
        print(f"Training {number}/{len(ROWS)}: {row.name}", file=sys.stderr, flush=True)
    pieces = (len(inputs) - period) // row.steps  # a pass of the random-phase row, in batches
    if row.random_phase:  # X, y: (pieces, steps, 26), a pass from a random position, then another
        X, y, phases = phase_batches(row.steps, passes=math.ceil(BUDGET / pieces))
    elif row.stateful:  # X, y: (pieces, steps, 26) each, in the order the layout sets
        X, y = stateful_batches(row.streams, row.steps, row.right_layout)
    elif row.every_step:  # X, y: (samples, steps, 26): every window, the next letter every step
        X, y = one_hot(windows(inputs, row.steps)), one_hot(windows(targets, row.steps))
    else:  # X: (samples, steps, 26); y: (samples, 26), the letter after each window
        X, y = one_hot(windows(inputs, row.steps)), one_hot(targets[row.steps - 1 :])

    keras.utils.set_random_seed(args.seed)  # every row starts from the same initial weights
    if row.stateful:
        model = keras.Sequential(
            [
                # a stateful layer keeps one state per row of the batch: the batch size is fixed
                keras.Input(batch_shape=(row.streams, row.steps, common.NUM_CLASSES)),
                # return_sequences: a prediction, and a loss, at every time step, not only the
                # last. use_cudnn=False: the PyTorch backend needs it for a stateful layer (05).
                keras.layers.LSTM(
                    UNITS, stateful=True, return_sequences=True, use_cudnn=False, name="lstm"
                ),
                keras.layers.Dense(common.NUM_CLASSES, activation="softmax", name="dense"),
            ]
        )
    else:
        model = keras.Sequential(
            [
                keras.Input(shape=(row.steps, common.NUM_CLASSES)),  # (time steps, features)
                keras.layers.LSTM(UNITS, return_sequences=row.every_step, name="lstm"),
                keras.layers.Dense(common.NUM_CLASSES, activation="softmax", name="dense"),
            ]
        )
    batch_size = row.streams if row.stateful else BATCH_SIZE
    steps_per_epoch = pieces if row.random_phase else len(X) // batch_size  # an epoch: a pass
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate),  # default: 0.001
        metrics=["accuracy"],
        # Speed only: a whole epoch of steps per call into TensorFlow, each compiled by XLA.
        steps_per_execution=steps_per_epoch if fast else 1,
        jit_compile=fast,
    )
    shuffle = not row.stateful  # a stateful row must see its pieces in stream order
    epochs = math.ceil(BUDGET / steps_per_epoch)  # about BUDGET updates, whatever a pass holds
    train = tf.data.Dataset.from_tensor_slices((X, y))
    if shuffle:  # a new order every epoch, as fit(shuffle=True) does
        train = train.shuffle(len(X), seed=args.seed, reshuffle_each_iteration=True)
    # drop_remainder: a stateful batch must be full; repeat(): one endless stream, which
    # steps_per_epoch cuts into epochs.
    train = train.batch(batch_size, drop_remainder=True).repeat()
    # Reset where the stream ends: at the end of every pass, which is every epoch. (Per epoch on
    # purpose: with steps_per_execution above 1, Keras calls per-batch callbacks once per call,
    # so a reset in on_train_batch_end would fire at the wrong points.) With several series,
    # reset where each one ends.
    lstm = model.get_layer("lstm")
    resets = (
        [keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: lstm.reset_state())]
        if row.stateful
        else []
    )
    progress = common.progress(  # the Training lines on stdout, a progress bar on stderr
        args,
        batch_size,
        what=f"{epochs} epochs of {steps_per_epoch} steps, batch size {batch_size}, "
        f"{'shuffled' if shuffle else 'in order'}: {epochs * steps_per_epoch} updates",
    )
    history = model.fit(
        train,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        verbose=0,
        callbacks=[progress, *resets],
    )

    # Scored the same way for every row: the stream read from a reset with the trained weights.
    probabilities = read(model, row)  # (scored, 26)
    accuracy, loss = score(probabilities)
    print("Model Accuracy: %.2f%%" % accuracy)
    last = "".join(common.decode(probabilities[-period:]))
    common.log(
        args,
        f"Next letter after each letter of the last period: {last} (right: {stream[-period:]})",
    )
    kind = (
        "control"
        if not row.right_layout
        else "random phase"
        if row.random_phase
        else "stateful"
        if row.stateful
        else "stateless"
    )
    rows.append(
        {
            "row": row.name,
            "kind": kind,
            "best_possible": 100.0 if row.stateful else best_possible(row.steps),
            "backprop_steps": row.steps,
            "updates": epochs * steps_per_epoch,
            "epochs": epochs,
            "train_seconds": progress.seconds,
            "train_accuracy": 100 * float(history.history["accuracy"][-1]),
            "accuracy": accuracy,
            "loss": loss,
            "targets_per_update": batch_size * (row.steps if row.stateful or row.every_step else 1),
            "why": why(row, accuracy),
        }
    )
    models[row.name] = model

# %% [markdown]
# ## Beyond the accuracy: does a row find the phase, or count steps? The probe
# Every training pass but the random-phase row's starts at the pattern's first letter right
# after a reset, so a model that only counts steps since the reset, as framing 5's does, fits the
# training stream too. Read from a reset in mid-pattern, a counter misses every letter; a model
# that finds the phase (where in the pattern it is, from the letters) gets them right after a few.
# 100% on the stream alone does not tell the two apart. The probe from every start reads from a
# reset at each position of the pattern. A start tells only where the computed counter scores
# below 90% and the stateless window of the memory need (which sees the phase in its window by
# construction) at or above it, and, for a row trained from the pattern's start, where its own
# training never began a stream (it could have learned to count from there). The random-phase row
# is the trained control: it was trained from a reset at every position, so counting cannot fit
# its training; it shows what the probe says of a model made to find the phase.
# (Framing 5's probe asks another question, whether a model follows the letter it is fed: "reads"
# there, "finds the phase" here.)

# %%
FINDS_AT = 90.0  # the probe's score (%) from a start at or above which a row finds the phase
# The mid-pattern probe reads the stream from a reset at the pattern's first letter that differs
# from its first one (the first B of AAAABBBCCD), scored from its second period on; the probe
# from every start does the same from each position of the pattern.
mid = next((i for i, char in enumerate(args.pattern) if char != args.pattern[0]), 1)


def start_targets(start):
    """The letters a probe from a reset at `start` (0-based position in the pattern) is
    scored on: from its second period on."""
    return targets[start + period - 1 :]


def counter_at(start):
    """What a pure step counter scores (%) read from a reset at `start`: at step n after the
    reset, the letter that followed step n in training (a pass from the pattern's start),
    whatever came."""
    probed = start_targets(start)
    counted = targets[period - 1 : period - 1 + len(probed)]
    return 100 * float(np.mean(counted == probed))


def probe_starts(model):
    """A stateful row's probe from every start: accuracy (%) on the stream read from a reset
    at each position 0 .. period-1 of the pattern, from its second period on. A model that
    counts steps since the reset scores `counter_starts`; one that reads the letters finds the
    phase once the letters say it, from any start."""
    length = len(inputs)
    streams = np.zeros((period, length), int)  # row s: the stream from position s, then padding
    for start in range(period):
        streams[start, : length - start] = inputs[start:]
    # One call for every start: an LSTM reads forward, so what follows a row's stream (the
    # padding) changes none of the predictions made before it.
    predicted = np.argmax(keras.ops.convert_to_numpy(reader(model)(one_hot(streams))), axis=-1)
    return [
        100 * float(np.mean(predicted[start, period - 1 : length - start] == start_targets(start)))
        for start in range(period)
    ]


def window_starts(probabilities):
    """The same per-start scores for a stateless row (the positive control: a window as long
    as the memory need reads by construction), from its (scored, 26) probabilities: a window
    does not depend on where a reset was, so start s scores its predictions from there on."""
    right = np.argmax(probabilities, axis=-1) == scored
    return [100 * float(np.mean(right[start:])) for start in range(period)]


def training_starts(row):
    """The positions in the pattern (0-based) at which `row`'s training started a row of its
    batches from a reset: the first piece of each of its rows in the first batch (for the
    random-phase row, every pass's start)."""
    if row.random_phase:
        return phases
    per_batch = row.streams * row.steps
    used = len(inputs) // per_batch * per_batch
    firsts = np.arange(row.streams) * (used // row.streams if row.right_layout else row.steps)
    return sorted({int(first) % period for first in firsts})


# A pure step counter (the negative control, computed), from every start.
counter_starts = [counter_at(start) for start in range(period)]
counter_accuracy = counter_starts[mid]
# The starts where the counter scores below FINDS_AT: only there can a probe tell a counter from
# a model that finds the phase (never the pattern's first position, where the counter is right).
telling = [start for start, value in enumerate(counter_starts) if value < FINDS_AT]

for row, found in zip(ROWS, rows):
    if row.stateful:  # the probe from every start, and where its training reset
        starts = probe_starts(models[row.name])
        found.update(
            probe_accuracy=starts[mid], probe_starts=starts, training_starts=training_starts(row)
        )
    else:
        found["probe_accuracy"] = None
        if row.steps == need and not row.every_step:  # the probe's positive control
            found["probe_starts"] = window_starts(read(models[row.name], row))

# %% [markdown]
# ## The rows side by side, and the probes
# Same initial weights, same number of updates, the same letters scored. Not the same targets per
# update: a T-step batch, K streams or a whole period learn from more letters at each update.
# The probe from every start: a line per stateful row after the two controls', the computed
# counter and the stateless window of the memory need. A * marks a start at which the row's own
# training began a stream after a reset.

# %%
print(
    f"\nRows, each scored on the {len(scored)} letters from the second period on, "
    f"read one letter at a time from a reset state:"
)
print(
    "| # | row | backprop through | updates | targets per update | accuracy | at best | loss | "
    "mid-pattern probe | reaches 100%? |"
)
print("|---|---|---|---|---|---|---|---|---|---|")
for number, found in enumerate(rows, 1):
    probe = "-" if found["probe_accuracy"] is None else f"{found['probe_accuracy']:.2f}%"
    print(
        f"| {number} | {found['row']} | {found['backprop_steps']} | {found['updates']} | "
        f"{found['targets_per_update']} | {found['accuracy']:.2f}% | "
        f"{found['best_possible']:.2f}% | {found['loss']:.3f} | {probe} | {found['why']} |"
    )

common.log(
    args,
    "at best: for a stateless row, the best any model reading that many letters "
    "can do; a stateful row can in principle carry everything since the reset. "
    "loss: cross-entropy on the scored letters.",
)
common.log(
    args,
    "The same number of updates, not the same letters: a row with more targets per "
    "update learns from more letters for the same number of updates.",
)
for number, found in enumerate(rows, 1):
    if found["kind"] == "control":  # right in training, wrong on the stream?
        hidden = found["train_accuracy"] >= 99 > found["accuracy"]
        common.log(
            args,
            f"Row {number}, the wrong layout: {found['train_accuracy']:.2f}% on its "
            f"own training batches in the last epoch, {found['accuracy']:.2f}% on "
            "the stream" + (": the mistake does not show in training" if hidden else ""),
        )

probe_note = (
    f"Mid-pattern probe: each stateful row reads the stream from a reset at "
    f"{args.pattern[mid]!r} (position {mid + 1} of the pattern), {len(start_targets(mid))} "
    f"letters scored; a model that only counted steps since the reset would score "
    f"{counter_accuracy:.2f}%, one that finds the phase can score 100%"
)
print(probe_note)

probed = [found for found in rows if found["probe_accuracy"] is not None]  # the stateful rows
control = next(f for f in rows if "probe_starts" in f and f["kind"] == "stateless")
width = max(len(found["row"]) for found in [*probed, control]) + 2


def shown(values, starts=()):
    """A row's per-start scores, `100.0*` where its training also reset."""
    return " ".join(
        f"{value:5.1f}{'*' if start in starts else ' '}" for start, value in enumerate(values)
    )


def telling_for(found):
    """The starts that tell for a stateful row: the counter below FINDS_AT, the window control
    at or above it, and (but for the random-phase row, trained from every start) not a start
    the row's own training began a stream at."""
    return [
        start
        for start in telling
        if control["probe_starts"][start] >= FINDS_AT
        and (found["kind"] == "random phase" or start not in found["training_starts"])
    ]


starts_lines = [
    f"Probe from every start: the stream read from a reset at each position 1..{period} of the "
    f"pattern, % right from its second period on. A row finds the phase from a start where it "
    f"scores {FINDS_AT:.0f}% or more. A start tells where the counter scores below "
    f"{FINDS_AT:.0f}% and the window at or above it, and is not a start the row's training "
    "began a stream at (* marks those; the random-phase row began at every one and is "
    "scored on them all).",
    f"  {'a step counter (computed)':<{width}}{shown(counter_starts)}",
    f"  {control['row'] + ' (control)':<{width}}{shown(control['probe_starts'])}",
]
for found in probed:
    own = telling_for(found)
    finds = [start for start in own if found["probe_starts"][start] >= FINDS_AT]
    starts_lines.append(
        f"  {found['row']:<{width}}{shown(found['probe_starts'], found['training_starts'])}"
        f"  finds it from {len(finds)} of {len(own)}"
    )
print("\n".join(starts_lines))

# %% [markdown]
# ## Predicting with the best stateful row
# The best stateful row laid out right (highest accuracy, then lowest loss) in a stateful model of
# batch size 1, checked against the reading that scored it, then warmed up on --predict's letters.

# %%
best = max((r for r in rows if r["kind"] == "stateful"), key=lambda r: (r["accuracy"], -r["loss"]))
predictor = keras.Sequential(
    [
        keras.Input(batch_shape=(1, 1, common.NUM_CLASSES)),  # one letter per call
        keras.layers.LSTM(
            UNITS, stateful=True, return_sequences=True, use_cudnn=False, name="lstm"
        ),
        keras.layers.Dense(common.NUM_CLASSES, activation="softmax", name="dense"),
    ]
)
# The cell's weights (kernels and bias) and the Dense layer's: a state is not a weight.
trained = models[best["row"]]
predictor.get_layer("lstm").cell.set_weights(trained.get_layer("lstm").cell.get_weights())
predictor.get_layer("dense").set_weights(trained.get_layer("dense").get_weights())
lstm = predictor.get_layer("lstm")


def step(index):
    """Feed one letter to the predictor, advancing its state; its probabilities, (26,)."""
    return predictor.predict_on_batch(one_hot([[index]]))[0, -1]  # (1, 1, 26) in and out


# One letter at a time from a reset gives what the whole stream in one call gave (the scoring).
lstm.reset_state()  # reset RNN memory
one_at_a_time = np.stack([step(index) for index in inputs])  # (pairs, 26)
largest = float(np.max(np.abs(one_at_a_time - read_from_reset(trained, inputs))))
check = (
    f"One letter at a time from a reset equals the stream in one call ({best['row']}): "
    f"{'yes' if largest < 1e-4 else 'NO'} (largest difference {largest:.1e})"
)
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
    common.log(
        args, f"Predicting with row {rows.index(best) + 1} ({best['row']}), the best stateful row"
    )
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
    common.log(
        args,
        "Saved the best stateful row's weights, as a stateful model of batch size 1, "
        f"to {args.save}",
    )

plotted = None
if args.plot:  # accuracy, the probe and cross-entropy on the stream, a bar per row
    from study import plots

    plotted = plots.memory(
        args.plot,
        f"{args.pattern} x {REPEATS}: the same LSTM trained "
        f"{len(rows)} ways, {BUDGET} updates each (seed {args.seed})",
        rows,
    )
    common.log(args, f"Saved the accuracy per row to {args.plot}")

# What this run found, as JSON (only with --json FILE.json).
predictions = {}
if continued is not None:
    predictions[f"Continue {args.predict!r} for {args.steps} letters:"] = continued
common.write_json(
    args,
    {
        "accuracy": best["accuracy"],  # the best stateful row's, which --predict and --save use
        "accuracy_row": best["row"],
        "train_seconds": sum(found["train_seconds"] for found in rows),
        "repeats": REPEATS,
        "units": UNITS,  # (write_json adds the options: --pattern, --bptt, ...)
        "memory_need": need,
        "budget": BUDGET,
        "scored": len(scored),
        "rows": rows,  # "probe_accuracy": % from a reset in mid-pattern; null if stateless
        "plot": plotted,  # the numbers drawn, with --plot
        "predictions": predictions,
        "counter_accuracy": counter_accuracy,
        "probe_start": mid,  # the probe's reset: before this letter of the pattern (0-based)
        "counter_starts": counter_starts,  # the computed counter's probe from every start (%)
        "telling_starts": telling,  # where the counter scores below finds_at
        "finds_at": FINDS_AT,
        "notes": [probe_note, *starts_lines, check],
    },
)
