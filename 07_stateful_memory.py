# %%
"""Beyond the article: a repeating pattern whose next letter needs memory, learned eight ways.

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
              before, and the same data laid out wrongly, as a control
Then a probe: every stateful row reads the stream again from a reset at each position of the
pattern, beside two controls scored the same way: a computed step counter (0% to 60% from every
start but the first) and the stateless row whose window is the memory need (which reads the
letters by construction, though with no reset to recover from).
Unlike framings 1-6, the letters go in one-hot (26 features), not as index / 26: see the data.

What the default run showed on seeds 7 to 11: one letter stops at 70.16% and a window of 3 at
90.05%, the best those can do; a window of 4, the whole period and every stateful row laid out
right reach 100% (one step per batch: 98.95% on one seed of the five), though one step per batch
ends 5 to 12 times less sure (cross-entropy) than 5 steps per batch. The wrong layout scores 100%
on its own training batches and 40% to 80% on the stream.

100% on the stream does not show that a model reads the letters: a row can fit the stream from
the pattern's start and still fail to find its place from some other start (3 steps per batch on
seed 7 scored 19.25% from the first B, where it was never reset in training). The study
(docs/study.md: rows 7 and 7-b3, seeds 7 to 16) counts the rows that read from every start where
the counter fails; docs/memory.md has the older one-start grid over --bptt 1 to 10.

    python 07_stateful_memory.py [--pattern AAAABBBCCD] [--bptt 5] [--streams 4] [--epochs 25] [--seed 7] [--learning-rate 0.001] [--quiet] [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png] [--json FILE.json]
"""

import dataclasses
import logging
import math
import sys
import time

try:
    import options  # first: reads and checks the command line, before Keras loads
except ModuleNotFoundError as error:  # a notebook whose kernel started outside this folder
    error._render_traceback_ = lambda: ["No module named 'options': start the notebook's kernel in the project's folder, beside options.py"]
    raise

# Configuration. --pattern (AAAABBBCCD), --bptt (5) and --streams (4): options.memory_options.
REPEATS = 20  # times the pattern repeats in the stream
UNITS = 16  # LSTM memory units, every row
EPOCHS = 25  # passes of the one-step stateful row over the stream: they set every row's budget
BATCH_SIZE = 1  # samples per update of a stateless row; a stateful row's batch holds its --streams
UPDATES_MAX = 1_000_000  # weight updates per row, at most (eight rows train): about 20 minutes a row here

args = options.parse_args(__doc__.splitlines()[0], epochs=EPOCHS, add_options=options.memory_options,
                          check=options.memory_check(REPEATS, UPDATES_MAX),
                          epochs_note="passes of the one-step stateful row over the stream; they set every row's updates")

# Keras loads only now, once every option is known to be good: --help and a refused value answer
# at once instead of after the 3-second import of TensorFlow.
import common  # noqa: E402  (first of these: it quiets TensorFlow's start-up messages)
import keras  # noqa: E402
import numpy as np  # noqa: E402

import memory_rows  # noqa: E402  (not the lesson: ceilings, scoring, the probe, the table)
import plots  # noqa: E402  (--plot: matplotlib loads only when a picture is asked for)
from memory_rows import one_hot, windows  # noqa: E402

common.seed_everything(args.seed)  # seed first: same seed, same output
# Eight models train in one process, and TensorFlow warns, on stderr, that it builds a new
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
# One-hot letters (memory_rows.one_hot: (...) ints -> (..., 26)), not the article's index / 26:
# the pattern's few letters would be 1/26 apart on one scale, and the models would spend most of
# their budget telling them apart (in trials while writing this script, one seed: the one-letter
# row stayed at 29.84% of its 70.16% with 15000 updates).
scoring = memory_rows.Scoring(args.pattern, inputs, targets)  # the ceilings, the scored letters, the probe

common.log(args, f"Pattern {args.pattern} (period {period}) x {REPEATS}, then {args.pattern[0]}: "
                 f"a stream of {len(stream)} letters, {len(inputs)} pairs (letter -> next letter)")
common.log(args, stream[: 2 * period + 1], "...")
for line in scoring.ceiling_lines():  # "1 letter cannot say what is next, 'A' -> A or B: at best 70.16%"
    common.log(args, line)
common.log(args, f"Memory need: {scoring.need} letters (the shortest window after which the next letter is always the same)")
common.log(args, f"Scored: the {len(scoring.scored)} letters from the second period on, the same for every row, "
                 "read one letter at a time from a reset state with the trained weights")


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


def training_starts(row):
    """The positions in the pattern (0-based) at which `row`'s training started a row of its
    batches from a reset: the first piece of each of its rows in the first batch."""
    per_batch = row.streams * row.steps
    used = len(inputs) // per_batch * per_batch
    firsts = np.arange(row.streams) * (used // row.streams if row.right_layout else row.steps)
    return sorted({int(first) % period for first in firsts})


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
# ## Eight ways to learn the pattern, declared
# Each row: stateless (every sample from a zero state, the samples shuffled) or stateful (the
# state carried from batch to batch, the batches in stream order); the time steps of a sample
# (the window a stateless row reads, or a stateful row's steps per batch); the streams, rows of a
# stateful batch; the layout; and whether a stateless row has a target at every step.

# %%
@dataclasses.dataclass
class Row:
    name: str  # as the table and --json name it
    setup: str  # where it comes from, for the heading
    stateful: bool
    steps: int  # time steps per sample: a stateless row's window, a stateful row's steps per batch
    streams: int = 1  # rows of a stateful batch, each its own stretch of the stream with its own state
    right_layout: bool = True  # stateful: row i of each batch continues row i of the batch before
    every_step: bool = False  # a target at every step (return_sequences=True); stateful rows: always


T, K = args.bptt, args.streams
ROWS = [
    Row("stateless, one letter", "framing 1's setup: no memory at all", False, 1),
    *(Row(f"stateless, window of {w}", f"framing 3's setup: the last {w} letters as time steps", False, w)
      for w in sorted({w for w in (scoring.need - 1, scoring.need) if w >= 2})),  # short of the need, at it
    Row("stateful, 1 step per batch", "framing 5's setup", True, 1),
    Row(f"stateful, {T} steps per batch", f"--bptt {T}: truncated backprop through {T} steps", True, T),
    Row(f"stateful, {K} streams x {T} steps, right layout", f"--streams {K}", True, T, K),
    Row(f"stateful, {K} streams x {T} steps, wrong layout", "control", True, T, K, right_layout=False),
    Row(f"stateless, period of {period}, every step", "the whole period as one sequence, return_sequences=True",
        False, period, every_step=True),
]

# %% [markdown]
# ## Training, the same budget for every row
# Every row gets the same number of weight updates (what a run costs) and starts from the same
# initial weights. A pass of the one-step stateful row is one update per letter, so --epochs
# passes of it set the budget; a row with fewer updates per pass trains more passes.

# %%
BUDGET = args.epochs * len(inputs)  # weight updates per row
common.log(args, f"Budget: {BUDGET} weight updates per row ({args.epochs} passes of {len(inputs)} one-letter steps)")
rows, models = [], {}  # what each row found (the table, --plot, --json); the trained stateful models

for number, row in enumerate(ROWS, 1):
    print("" if args.quiet else "\n", f"Row {number}: {row.name} ({row.setup})", sep="")  # with --quiet too
    if not args.quiet:  # progress, on stderr: which training the Epoch lines after it count
        print(f"Training {number}/{len(ROWS)}: {row.name}", file=sys.stderr, flush=True)
    if row.stateful:  # X, y: (pieces, steps, 26) each, in the order the layout sets
        X, y = stateful_batches(row.streams, row.steps, row.right_layout)
    elif row.every_step:  # X, y: (samples, steps, 26): every window, the next letter at every step
        X, y = one_hot(windows(inputs, row.steps)), one_hot(windows(targets, row.steps))
    else:  # X: (samples, steps, 26); y: (samples, 26), the letter after each window
        X, y = one_hot(windows(inputs, row.steps)), one_hot(targets[row.steps - 1 :])

    keras.utils.set_random_seed(args.seed)  # every row starts from the same initial weights
    if row.stateful:
        model = keras.Sequential(
            [
                # a stateful layer keeps one state per row of the batch: the batch size is fixed
                keras.Input(batch_shape=(row.streams, row.steps, common.NUM_CLASSES)),
                # return_sequences: a prediction, and a loss, at every time step, not only the last.
                # use_cudnn=False: the PyTorch backend needs it for a stateful layer (see 05).
                keras.layers.LSTM(UNITS, stateful=True, return_sequences=True, use_cudnn=False, name="lstm"),
                keras.layers.Dense(common.NUM_CLASSES, activation="softmax", name="dense"),
            ]
        )
    else:
        model = keras.Sequential(
            [
                keras.Input(shape=(row.steps, common.NUM_CLASSES)),  # (batch, time steps, features)
                keras.layers.LSTM(UNITS, return_sequences=row.every_step, name="lstm"),
                keras.layers.Dense(common.NUM_CLASSES, activation="softmax", name="dense"),
            ]
        )
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate),  # Adam's default: 0.001
        metrics=["accuracy"],
    )
    batch_size = row.streams if row.stateful else BATCH_SIZE
    shuffle = not row.stateful  # shuffle=False: a stateful row must see its pieces in stream order
    epochs = math.ceil(BUDGET / (len(X) // batch_size))  # about BUDGET updates, whatever a pass holds
    # Reset where the stream ends: at the end of every pass, which is every epoch. (Per epoch on
    # purpose: with steps_per_execution above 1, Keras calls per-batch callbacks once per call, so
    # a reset in on_train_batch_end would fire at the wrong points.) With several series, reset
    # where each one ends.
    lstm = model.get_layer("lstm")
    resets = [keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: lstm.reset_state())] if row.stateful else []
    common.log(args, f"Training: {epochs} epochs of {len(X) // batch_size} steps, batch size {batch_size}, "
                     f"{'shuffled' if shuffle else 'in order'}: {epochs * (len(X) // batch_size)} updates")
    start = time.perf_counter()
    # plain: history = model.fit(X, y, epochs=epochs, batch_size=batch_size, shuffle=shuffle, callbacks=resets)
    # Speed only: the same batches, in the same order (reshuffled every epoch when shuffle is
    # true), from a tf.data pipeline built once, and a whole epoch per call (common.py).
    train, steps_per_epoch = common.training_dataset(X, y, batch_size=batch_size, shuffle=shuffle, seed=args.seed)
    common.speed_up(model, steps_per_epoch)
    history = model.fit(train, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=0,
                        callbacks=common.progress(args, epochs) + resets)  # progress on stderr; none with --quiet
    seconds = time.perf_counter() - start
    common.log(args, f"Training took {seconds:.1f} s")

    # Scored the same way for every row: the stream read from a reset with the trained weights.
    # predict and evaluate would advance the stateful layer's state: the trained models never run
    # again, copies of their weights do (memory_rows.reader).
    probabilities = scoring.read(model, row)  # (scored, 26)
    accuracy, loss = scoring.score(probabilities)
    print("Model Accuracy: %.2f%%" % accuracy)
    last = "".join(common.decode(probabilities[-period:]))
    common.log(args, f"Next letter after each letter of the last period: {last} (right: {stream[-period:]})")
    rows.append({
        "row": row.name, "kind": "control" if not row.right_layout else "stateful" if row.stateful else "stateless",
        "best_possible": 100.0 if row.stateful else scoring.best_possible(row.steps), "backprop_steps": row.steps,
        "updates": epochs * steps_per_epoch, "epochs": epochs, "train_seconds": seconds,
        "train_accuracy": 100 * float(history.history["accuracy"][-1]),
        "accuracy": accuracy, "loss": loss,
        "targets_per_update": batch_size * (row.steps if row.stateful or row.every_step else 1),
        "why": scoring.why(row, accuracy),
        "probe_accuracy": scoring.probe(model) if row.stateful else None,  # from a reset in mid-pattern
    })
    if row.stateful:  # the probe from every start, and where its training reset (pattern positions)
        rows[-1]["probe_starts"] = scoring.probe_starts(model)
        rows[-1]["training_starts"] = training_starts(row)
    elif row.steps == scoring.need and not row.every_step:  # the probe's positive control
        rows[-1]["probe_starts"] = scoring.window_starts(probabilities)
    if row.stateful:
        models[row.name] = model

# %% [markdown]
# ## The rows side by side, and the probes
# Same initial weights, same number of updates, the same letters scored. Not the same targets per
# update: a T-step batch, K streams or a whole period learn from more letters at each update.
# The probe: every training pass starts at the pattern's first letter right after a reset, so a
# model that only counts steps since the reset, as framing 5's does, fits the training stream
# too. Read from a reset in mid-pattern, a counter misses every letter; a reader finds the phase.
# 100% on the stream alone does not tell the two apart. The probe from every start reads from a
# reset at each position of the pattern: a start tells only where the counter scores below 90%,
# and the stateless window of the memory need (a reader by construction) is the other control.
# A * marks a start at which the row's own training began a stream after a reset.

# %%
memory_rows.print_table(rows, len(scoring.scored))
for line in memory_rows.notes(rows):
    common.log(args, line)
probe_note = scoring.probe_note()
print(probe_note)
window_row = next(r for r in rows if "probe_starts" in r and r["kind"] == "stateless")
starts_lines = scoring.starts_lines([r for r in rows if r["probe_accuracy"] is not None], window_row)
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
        keras.layers.LSTM(UNITS, stateful=True, return_sequences=True, use_cudnn=False, name="lstm"),
        keras.layers.Dense(common.NUM_CLASSES, activation="softmax", name="dense"),
    ]
)
# The cell's weights (kernels and bias) and the Dense layer's: a state is not a weight.
predictor.get_layer("lstm").cell.set_weights(models[best["row"]].get_layer("lstm").cell.get_weights())
predictor.get_layer("dense").set_weights(models[best["row"]].get_layer("dense").get_weights())
lstm = predictor.get_layer("lstm")


def step(index):
    """Feed one letter to the predictor, advancing its state; its probabilities, (26,)."""
    return predictor.predict_on_batch(one_hot([[index]]))[0, -1]  # in: (1, 1, 26), out: (1, 1, 26)


# One letter at a time from a reset gives what the whole stream in one call gave (the scoring).
lstm.reset_state()  # reset RNN memory
one_at_a_time = np.stack([step(index) for index in inputs])  # (pairs, 26)
largest = float(np.max(np.abs(one_at_a_time - memory_rows.read_from_reset(models[best["row"]], inputs))))
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
if args.plot:  # accuracy, the probe and cross-entropy on the stream, a bar per row
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
    "memory_need": scoring.need, "budget": BUDGET, "scored": len(scoring.scored),
    "rows": rows,  # each with "probe_accuracy": % from a reset in mid-pattern, null for a stateless row
    "plot": plotted,  # the numbers drawn, with --plot
    "predictions": predictions,
    "counter_accuracy": scoring.counter_accuracy,
    "probe_start": scoring.mid,  # the probe's reset: before this letter of the pattern (0-based)
    "counter_starts": scoring.counter_starts,  # the computed counter's probe from every start (%)
    "telling_starts": scoring.telling(),  # where the counter scores below reads_at
    "reads_at": memory_rows.READS_AT,
    "notes": [probe_note, *starts_lines, check],
})
