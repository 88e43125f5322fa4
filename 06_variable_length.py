# %%
"""Framing 6: runs of 1 to 5 letters -> the next letter, zero-padded (the article's sixth).

1000 random runs of the alphabet (B -> C, DEF -> G, QRSTU -> V, ...) are padded on the left to
5 time steps, so every sample has the same shape and the last letter is always the last step.
A stateless LSTM learns to predict from a prefix of any length. The article got 98.90%, measured
on its 1000 training samples, which repeat the 114 distinct inputs the sampler can draw; this
script also measures every one of those 114 once. Padding is 0, which is also the code of 'A',
so after padding only 110 of the 114 inputs differ (AB and B both become [A, A, A, A, B]).

Two controls, both off by default (the default run is the article's):
  --hold-out     never train on 8 of the 114 inputs (DEF, DEFG, IJK, IJKL, NOP, NOPQ, STU,
                 STUV) and report the accuracy on those 8 beside the training figure.
  --shift-codes  code the letters A = 1/26 .. Z = 26/26 instead of 0/26 .. 25/26, so the
                 padding 0 is no letter and all 114 inputs stay distinct after padding.

    python 06_variable_length.py [--epochs 500] [--seed 7] [--quiet] [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png] [--json FILE.json] [--hold-out] [--shift-codes]
"""

import time

import options  # first: reads and checks the command line, before Keras loads

# Configuration: the article's settings.
NUM_SAMPLES = 1000  # random runs drawn for training
MAX_LEN = 5  # longest run; shorter ones are padded on the left to this many time steps
UNITS = 32  # LSTM memory units
EPOCHS = 500  # passes over the 1000 runs
BATCH_SIZE = 1  # one sample per weight update
SHUFFLE = True  # model.fit's default: a new sample order every epoch
NUM_SHOWN = 10  # training pairs to print (of 1000)
NUM_RANDOM_TESTS = 20  # random training patterns to predict after training
# With --hold-out: inputs never trained on, the runs of 3 and 4 letters from D, I, N and S,
# spread over the alphabet. Their last letters still end other training runs (F ends F, EF,
# CDEF, BCDEF), so they test a new prefix, not a new last letter; and none of them, padded, is
# the same array as a training input.
HELD_OUT = ["DEF", "DEFG", "IJK", "IJKL", "NOP", "NOPQ", "STU", "STUV"]


def control_options(parser):
    parser.add_argument(
        "--hold-out", action="store_true",
        help=f"control: never train on the {len(HELD_OUT)} inputs {', '.join(HELD_OUT)} and report "
        "the accuracy on them (default: off, the article's run trains on every input it draws)",
    )
    parser.add_argument(
        "--shift-codes", action="store_true",
        help="control: code the letters A=1/26 .. Z=26/26, so the padding 0 is no letter "
        "(default: off, the article's A=0/26 .. Z=25/26, where padding looks like 'A')",
    )


args = options.parse_args(__doc__.splitlines()[0], epochs=EPOCHS, add_options=control_options)

# Keras loads only now, once every option is known to be good: --help and a refused value answer
# at once instead of after the 3-second import of TensorFlow.
import common  # noqa: E402  (first of these: it quiets TensorFlow's start-up messages)
import keras  # noqa: E402
import numpy as np  # noqa: E402
import plots  # noqa: E402  (--plot: matplotlib loads only when a picture is asked for)

common.seed_everything(args.seed)  # seed first: same seed, same output
# The command line may change these for a control run; the defaults are the article's.
SHIFT = 1 if args.shift_codes else 0  # added to every letter's code before padding
held_out = [[common.CHAR_TO_INT[char] for char in run] for run in HELD_OUT] if args.hold_out else []

# %% [markdown]
# ## The data
# 1000 runs of the alphabet, 1 to 5 letters long, padded on the left with zeros to 5 time steps.
# With `--hold-out`, draws of the 8 held-out runs are skipped until 1000 others are collected.

# %%
# Data: 1000 runs drawn as the article draws them (NumPy's legacy generator, seed 7)
data_x, data_y = common.random_subsequences(NUM_SAMPLES, MAX_LEN, seed=args.seed, exclude=held_out)
if not args.quiet:
    common.print_pairs(data_x, data_y, limit=NUM_SHOWN)
if held_out:
    common.log(args, f"Held out, never drawn for training: {', '.join(HELD_OUT)} ({len(held_out)} inputs)")

# X: (samples, time steps, features) = (1000, 5, 1), zeros on the left; y: (1000, 26), one-hot
#   "DEF" -> [0, 0, D, E, F] / 26. With the article's codes (A = 0) the padding 0 reads as 'A':
#   AB and B are both [0, 0, 0, 0, 1] / 26. --shift-codes codes A..Z as 1..26, so 0 is only padding.
X = common.pad_left(data_x, MAX_LEN, shift=SHIFT)
y = common.one_hot(data_y)
if SHIFT:
    common.log(args, "Letter codes: A=1/26 .. Z=26/26, padding 0 (--shift-codes: padding is no letter)")
else:
    common.log(args, "Letter codes: A=0/26 .. Z=25/26, padding 0 (the article's: padding looks like 'A')")

# %% [markdown]
# ## The model
# A stateless LSTM over 5 time steps; the padding puts the last letter of every run at the last
# step.

# %%
model = keras.Sequential(
    [
        keras.Input(shape=(X.shape[1], 1)),
        # unroll: with only 5 time steps, Keras writes the loop over them out instead of a
        # symbolic while loop: the same computation; up to about 20% faster per step in
        # our measurements, though run-to-run noise here is of the same size.
        keras.layers.LSTM(UNITS, unroll=True, name="lstm"),
        keras.layers.Dense(y.shape[1], activation="softmax"),
    ]
)
# The batches fit(X, y, batch_size=BATCH_SIZE, shuffle=SHUFFLE) would make, as a pipeline
# that Keras runs an epoch at a time (see common.training_dataset).
train, steps_per_epoch = common.training_dataset(
    X, y, batch_size=BATCH_SIZE, shuffle=SHUFFLE, seed=args.seed
)
common.compile_model(model, steps_per_epoch)  # cross-entropy, Adam, accuracy; fast: see common.py

# %% [markdown]
# ## Training
# `fit` with the article's 500 epochs of 1000 batch-size-1 steps. The loss and accuracy of every
# epoch come back
# in `history`; a progress bar shows them as training goes.

# %%
common.say_if_continuing(args, model)  # in a notebook, a second run of this cell trains further
common.log(args, f"Training: {args.epochs} epochs of {steps_per_epoch} steps, batch size {BATCH_SIZE}")
start = time.perf_counter()
history = model.fit(
    train, epochs=args.epochs, steps_per_epoch=steps_per_epoch,
    callbacks=common.progress(args),  # a progress bar over epochs on stderr; none with --quiet
    verbose=0,
)
train_seconds = time.perf_counter() - start
common.log(args, f"Training took {train_seconds:.1f} s")

# %% [markdown]
# ## How well did it learn?
# Accuracy on the 1000 training runs (the article's figure), on each of the 114 distinct runs
# once, with `--hold-out` on the 8 runs it never saw, then 20 training runs picked at random.

# %%
# Evaluate on the 1000 training runs, as the article does...
loss, accuracy = model.evaluate(X, y, verbose=0)
print("Model Accuracy: %.2f%%" % (accuracy * 100))

# ...and on every distinct input the sampler can draw, each counted once (with --hold-out, the
# 8 held-out ones among them). The 1000 samples repeat these 114 unevenly, so the article's
# figure weighs some inputs more than others. Padded, fewer of them differ when 0 is also 'A'.
all_x, all_y = common.all_subsequences(MAX_LEN)
all_X = common.pad_left(all_x, MAX_LEN, shift=SHIFT)  # (114, 5, 1)
after_padding = common.distinct_rows(all_X)  # 110 with the article's codes, 114 shifted
loss, distinct_accuracy = model.evaluate(all_X, common.one_hot(all_y), verbose=0)
notes = [
    f"Accuracy on all {len(all_x)} distinct inputs ({after_padding} after padding): "
    f"{distinct_accuracy * 100:.2f}%"
]
print(notes[-1])

# With --hold-out: the inputs it never trained on. Each target is the letter after the last one.
if held_out:
    held_predicted = common.decode(model.predict(common.pad_left(held_out, MAX_LEN, shift=SHIFT), verbose=0))
    right = sum(letter == common.INT_TO_CHAR[run[-1] + 1] for run, letter in zip(held_out, held_predicted))
    held_out_accuracy = right / len(held_out)
    # The fair yardstick: the distinct inputs it did train on, each counted once, as these are.
    seen = [i for i, run in enumerate(all_x) if run not in held_out]
    seen_predicted = common.decode(model.predict(all_X[seen], verbose=0))
    seen_accuracy = sum(letter == common.INT_TO_CHAR[all_y[i]] for i, letter in zip(seen, seen_predicted)) / len(seen)
    notes.append(
        f"Accuracy on the {len(held_out)} held-out inputs (never trained on): {held_out_accuracy * 100:.2f}%,"
        f" on the {len(seen)} distinct inputs it trained on: {seen_accuracy * 100:.2f}%"
    )
    print(notes[-1])

# Predict 20 training patterns picked at random, padded the same way.
rng = np.random.RandomState(args.seed)
picks = rng.randint(len(data_x), size=NUM_RANDOM_TESTS)
chosen = [data_x[i] for i in picks]
predicted = common.decode(model.predict(common.pad_left(chosen, MAX_LEN, shift=SHIFT), verbose=0))
for pattern, letter in zip(chosen, predicted):
    print(common.prediction_line(pattern, letter))

if held_out:
    print("Held-out inputs:")
    for pattern, letter in zip(held_out, held_predicted):
        print(common.prediction_line(pattern, letter))

# %% [markdown]
# ## Optional: continue letters, save the model, draw what it learned, write the results
# Only with `--predict LETTERS`, `--save FILE.keras`, `--plot FILE.png` or `--json FILE.json`;
# in a notebook, set `args.predict`, `args.save`, `args.plot` or `args.json` first.

# %%
# Predict N letters: the model reads up to MAX_LEN letters, padded on the left, so each step
# feeds the last MAX_LEN letters so far (fewer at first), shaped (1, 5, 1), coded as in training.
if args.predict:
    common.print_continuation(
        lambda pattern: model.predict(common.pad_left([pattern], MAX_LEN, shift=SHIFT), verbose=0),
        args.predict, args.steps, window=MAX_LEN,
    )

if args.save:
    common.save_model(model, args.save)
    common.log(args, f"Saved the trained model to {args.save}")

# The picture: right or wrong on each of the distinct inputs, by first letter and length.
plotted = None
if args.plot:
    all_predicted = common.decode(model.predict(all_X, verbose=0))
    plotted = plots.grid(
        args.plot, "Framing 6: runs of 1-5 letters, zero-padded"
        + (" (--shift-codes)" if SHIFT else "") + (" (--hold-out)" if held_out else ""),
        history, all_x, [letter == common.INT_TO_CHAR[target] for letter, target in zip(all_predicted, all_y)],
        held_out=held_out, subtitle=f"\n({after_padding} different arrays after padding)",
    )
    common.log(args, f"Saved the training curves and the right and wrong inputs to {args.plot}")

# What this run found, as JSON for reproduce.py (only with --json FILE.json).
predictions = {"": common.pairs(chosen, predicted)}
if held_out:
    predictions["Held-out inputs:"] = common.pairs(held_out, held_predicted)
common.write_json(args, {
    "accuracy": accuracy * 100,
    "train_seconds": train_seconds,
    "plot": plotted,  # the numbers drawn, with --plot
    "distinct_accuracy": distinct_accuracy * 100,  # on the 114, each once
    "distinct_inputs": len(all_x),
    "distinct_after_padding": after_padding,
    "held_out_accuracy": held_out_accuracy * 100 if held_out else None,
    "seen_accuracy": seen_accuracy * 100 if held_out else None,  # the distinct inputs trained on
    "held_out": HELD_OUT if held_out else [],
    "predictions": predictions,
    "notes": notes,
})
