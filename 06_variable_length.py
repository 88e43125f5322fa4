# %%
"""Framing 6: runs of 1 to 5 letters -> the next letter, zero-padded (the article's sixth).

1000 random runs of the alphabet (B -> C, DEF -> G, QRSTU -> V, ...) are padded on the left to
5 time steps, so every sample has the same shape and the last letter is always the last step.
A stateless LSTM learns to predict from a prefix of any length. The article got 98.90% on its
1000 training samples, which repeat the 114 distinct inputs the sampler can draw; this script
also scores each of those 114 once. Padding is 0, also the code of 'A', so only 110 of the 114
differ after padding (AB and B both become [A, A, A, A, B]). Two controls, off by default:
--hold-out and --shift-codes. The same runs fed one letter at a time to a stateful LSTM:
06_variable_length_stateful.py.

    python 06_variable_length.py [--epochs 500] [--seed 7] [--learning-rate 0.001] [--quiet]
        [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png] [--json FILE.json]
        [--hold-out] [--shift-codes]

Its own options, two controls:
  --hold-out     never train on the 8 inputs of HELD_OUT (DEF, DEFG, IJK, IJKL, NOP, NOPQ, STU,
                 STUV) and report the accuracy on them (default: off, the article's run trains
                 on every input it draws)
  --shift-codes  code the letters A=1/26 .. Z=26/26, so the padding 0 is no letter (default:
                 off, the article's A=0/26 .. Z=25/26, where padding looks like 'A')
"""

import common  # the alphabet, its encodings, and the options every script shares

# Configuration: the article's settings.
NUM_SAMPLES = 1000  # random runs drawn for training
MAX_LEN = 5  # longest run; shorter ones are padded on the left to this many time steps
UNITS = 32  # LSTM memory units
EPOCHS = 500  # passes over the 1000 runs
BATCH_SIZE = 1  # one sample per weight update
NUM_SHOWN = 10  # training pairs to print (of 1000)
NUM_RANDOM_TESTS = 20  # training runs to predict after training, picked at random
HELD_OUT = ["DEF", "DEFG", "IJK", "IJKL", "NOP", "NOPQ", "STU", "STUV"]  # with --hold-out


def controls(parser):  # 06's own options: two controls (the docstring says what each does)
    add = parser.add_argument
    add("--hold-out", action="store_true", help="never train on HELD_OUT; score it (default: off)")
    add("--shift-codes", action="store_true", help="code A..Z as 1/26..26/26 (default: 0/26..)")


args = common.parse_args(__doc__, epochs=EPOCHS, add_options=controls)  # before Keras loads

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(args.seed)  # seed first: same seed, same output

# %% [markdown]
# ## The data and the model: the article's code in Keras 3
# 1000 runs, padded on the left to 5 time steps: DEF -> [0, 0, D, E, F] / 26, last letter last.

# %%
held_out = [[common.CHAR_TO_INT[c] for c in run] for run in HELD_OUT] if args.hold_out else []
data_x, data_y = common.random_subsequences(NUM_SAMPLES, MAX_LEN, seed=args.seed, exclude=held_out)
SHIFT = 1 if args.shift_codes else 0  # added to every letter's code before padding
X = common.pad_left(data_x, MAX_LEN, shift=SHIFT)  # X: (samples, steps, features) = (1000, 5, 1)
y = keras.utils.to_categorical(data_y, num_classes=len(common.ALPHABET))  # y: (1000, 26), one-hot
model = keras.Sequential(
    [
        keras.Input(shape=(X.shape[1], X.shape[2])),  # (time steps, features); any batch size
        # unroll=True: with only 5 time steps, Keras writes the loop over them out instead of a
        # symbolic while loop; the same computation, for speed only.
        keras.layers.LSTM(UNITS, unroll=True, name="lstm"),
        keras.layers.Dense(y.shape[1], activation="softmax"),
    ]
)
steps_per_epoch = len(X) // BATCH_SIZE
fast = keras.backend.backend() != "torch"  # on PyTorch, Keras defaults (docs/backends.md)
model.compile(
    loss="categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate),  # the article's "adam"
    metrics=["accuracy"],
    # Speed only: a whole epoch of steps per call into TensorFlow, each compiled by XLA.
    steps_per_execution=steps_per_epoch if fast else 1,
    jit_compile=fast,
)

# %% [markdown]
# ## Training
# The article's 500 epochs of batch size 1, shuffled, from a `tf.data` pipeline built once. The
# article's call, `model.fit(X, y, epochs=500, batch_size=1, verbose=2)`, trains as many steps of
# the same size (in another random order) about nine times slower here: most of the difference
# is the speed options in `compile` above, one call per epoch and XLA (docs/speed.md).

# %%
# What it trains on: the runs drawn as the article draws them (NumPy's legacy generator, seed 7;
# with --hold-out, draws of the held-out runs are skipped), and how the letters are coded. With
# the article's codes (A = 0), the padding reads as 'A': AB and B are both [0, 0, 0, 0, 1] / 26.
if not args.quiet:
    common.print_pairs(data_x, data_y, limit=NUM_SHOWN)
if held_out:
    common.log(
        args, f"Held out, never drawn for training: {', '.join(HELD_OUT)} ({len(HELD_OUT)} inputs)"
    )
common.log(
    args,
    "Letter codes: A=1/26 .. Z=26/26, padding 0 (--shift-codes: padding is no letter)"
    if SHIFT
    else "Letter codes: A=0/26 .. Z=25/26, padding 0 (the article's: padding looks like 'A')",
)

train = (
    tf.data.Dataset.from_tensor_slices((X, y))
    .shuffle(len(X), seed=args.seed, reshuffle_each_iteration=True)  # as fit(shuffle=True) does
    .batch(BATCH_SIZE, drop_remainder=True)
    .repeat()  # one endless stream; steps_per_epoch cuts it into epochs
)
progress = common.progress(args, BATCH_SIZE)  # Training lines; a bar on stderr
history = model.fit(
    train, epochs=args.epochs, steps_per_epoch=steps_per_epoch, callbacks=[progress], verbose=0
)

# %% [markdown]
# ## How well did it learn?
# Accuracy on the 1000 training runs (the article's figure), on each of the 114 distinct runs
# once, with `--hold-out` on the 8 runs it never saw, then 20 training runs picked at random.
# The 1000 samples repeat the 114 unevenly, so the article's figure weighs some inputs more than
# others.
#
# The held-out runs are the runs of 3 and 4 letters from D, I, N and S, spread over the
# alphabet. Their last letters still end other training runs (F ends F, EF, CDEF, BCDEF), so
# they test a new prefix, not a new last letter; and none of them, padded, is the same array as
# a training input.

# %%
# Evaluate on the 1000 training runs, as the article does...
loss, accuracy = model.evaluate(X, y, verbose=0)
print("Model Accuracy: %.2f%%" % (accuracy * 100))

# ...and on every distinct input the sampler can draw, each counted once (with --hold-out, the
# 8 held-out ones among them). Padded, fewer of them differ when 0 is also 'A'.
all_x, all_y = common.all_subsequences(MAX_LEN)  # the 114 distinct inputs, each once
all_X = common.pad_left(all_x, MAX_LEN, shift=SHIFT)  # (114, 5, 1)
after_padding = common.distinct_rows(all_X)  # 110 with the article's codes, 114 shifted
all_Y = keras.utils.to_categorical(all_y, num_classes=len(common.ALPHABET))  # (114, 26)
loss, distinct_accuracy = model.evaluate(all_X, all_Y, verbose=0)
notes = [
    f"Accuracy on all {len(all_x)} distinct inputs ({after_padding} after padding): "
    f"{distinct_accuracy * 100:.2f}%"
]
print(notes[-1])


def predict_letters(patterns):
    """The model's next letter for each run of `patterns`, padded as in training."""
    return common.decode(model.predict(common.pad_left(patterns, MAX_LEN, shift=SHIFT), verbose=0))


def share_right(patterns, letters):
    """The share of `patterns` whose letter in `letters` is the one after their last letter."""
    right = [letter == common.INT_TO_CHAR[p[-1] + 1] for p, letter in zip(patterns, letters)]
    return sum(right) / len(patterns)


# With --hold-out: the inputs it never trained on, beside the distinct inputs it did train on
# (each counted once: the fair yardstick).
if held_out:
    seen = [run for run in all_x if run not in held_out]
    held_predicted = predict_letters(held_out)
    held_out_accuracy = share_right(held_out, held_predicted)
    seen_accuracy = share_right(seen, predict_letters(seen))
    notes.append(
        f"Accuracy on the {len(held_out)} held-out inputs (never trained on): "
        f"{held_out_accuracy * 100:.2f}%, on the {len(seen)} distinct inputs it trained "
        f"on: {seen_accuracy * 100:.2f}%"
    )
    print(notes[-1])

# Predict 20 training runs picked at random, padded the same way.
rng = np.random.RandomState(args.seed)
chosen = [data_x[i] for i in rng.randint(len(data_x), size=NUM_RANDOM_TESTS)]
predicted = predict_letters(chosen)
for pattern, letter in zip(chosen, predicted):
    print(common.prediction_line(pattern, letter))

if held_out:
    print("Held-out inputs:")
    for pattern, letter in zip(held_out, held_predicted):
        print(common.prediction_line(pattern, letter))

# %% [markdown]
# ## Optional: continue letters
# Only with `--predict LETTERS` (in a notebook, set `args.predict` first): the model's own
# predictions fed back in, `--steps` of them.

# %%
# Predict N letters: each step feeds the last MAX_LEN letters so far (fewer at first), padded on
# the left to (1, 5, 1).
if args.predict:
    common.print_continuation(
        lambda pattern: model.predict(common.pad_left([pattern], MAX_LEN, shift=SHIFT), verbose=0),
        args.predict,
        args.steps,
        window=MAX_LEN,
    )

# %% [markdown]
# ## Optional: save the model, draw what it learned, write the results
# Only with `--save FILE.keras`, `--plot FILE.png` or `--json FILE.json`; in a notebook, set
# `args.save`, `args.plot` or `args.json` first.

# %%
common.save(args, model)  # only with --save FILE.keras

plotted = None
if args.plot:  # the training curves, and right or wrong on each distinct input
    from study import plots

    title = "Framing 6: runs of 1-5 letters, zero-padded" + (" (--shift-codes)" if SHIFT else "")
    all_predicted = predict_letters(all_x)
    plotted = plots.grid(
        args.plot,
        title + (" (--hold-out)" if held_out else ""),
        history,
        all_x,
        [letter == common.INT_TO_CHAR[target] for letter, target in zip(all_predicted, all_y)],
        held_out=held_out,
        subtitle=f"\n({after_padding} different arrays after padding)",
    )
    common.log(args, f"Saved the training curves and the right and wrong inputs to {args.plot}")

# What this run found, as JSON for reproduce.py (only with --json FILE.json).
predictions = {"": common.pairs(chosen, predicted)}
if held_out:
    predictions["Held-out inputs:"] = common.pairs(held_out, held_predicted)
common.write_json(
    args,
    {
        "accuracy": accuracy * 100,
        "train_seconds": progress.seconds,
        "plot": plotted,  # the numbers drawn, with --plot
        "distinct_accuracy": distinct_accuracy * 100,  # on the 114, each once
        "distinct_inputs": len(all_x),
        "distinct_after_padding": after_padding,
        "held_out_accuracy": held_out_accuracy * 100 if held_out else None,
        "seen_accuracy": seen_accuracy * 100 if held_out else None,  # the 106 trained on
        "held_out": HELD_OUT if held_out else [],
        "stateful": False,  # 06_variable_length_stateful.py writes True
        "predictions": predictions,
        "notes": notes,
    },
)
