# %%
"""Framing 4: one batch holds all 25 ordered pairs, trained 5000 epochs (the article's fourth).

The article's claim: Keras resets the LSTM's state after each batch, not after each sample, so a
batch holding A->B .. Y->Z in order lets the LSTM use the sequence inside the batch. It reports
100.00%. That is not how Keras works: the 25 rows of a batch are 25 independent sequences run
side by side, each from a zero state, and nothing passes from one row to the next. The 100%
comes from ten times framing 1's epochs; the controls (--epochs, --batch-size,
--learning-rate, --units) test that: docs/learning-rate.md.

    python 04_batch_state.py [--epochs 5000] [--seed 7] [--learning-rate 0.001] [--quiet]
        [--shuffle] [--units 16] [--batch-size {1,5,25}] [--predict LETTERS] [--steps 5]
        [--save FILE.keras] [--plot FILE.png] [--json FILE.json]

Its own options, for control runs:
  --shuffle          demonstration: shuffle the order of the pairs every epoch; with the whole
                     data set in one batch this only reorders the terms of a mean (default: off,
                     the article's order)
  --units N          control: LSTM units, 1..1024 (default: 16, the article's; framing 1 has 32)
  --batch-size B     control: samples per update, 1, 5 or 25 (default: 25, the whole data set,
                     one update per epoch; with 1, 25 updates per epoch)
"""

import common  # the alphabet, its encodings, and the options every script shares

# Configuration: the article's settings (--shuffle, --units, --batch-size change the last three).
SEQ_LENGTH = 1  # letters per input
EPOCHS = 5000  # passes over the 25 pairs: 10 times framing 1's
NUM_RANDOM_TESTS = 20  # random patterns to test after training
SHUFFLE = False  # keep the batch in alphabetical order, as the article's claim needs
UNITS = 16  # LSTM memory units
BATCH_SIZE = 25  # the whole data set in one batch: one weight update per epoch


def controls(parser):  # 04's own options (the docstring says what each does; defaults: above)
    add = parser.add_argument
    add("--shuffle", action="store_true", help="shuffle the pairs every epoch (default: off)")
    add("--units", type=common.whole_number(1, 1024), default=UNITS, help=f"default: {UNITS}")
    add("--batch-size", type=int, choices=[1, 5, 25], default=BATCH_SIZE, help="default: 25")


args = common.parse_args(__doc__, epochs=EPOCHS, add_options=controls)
SHUFFLE, UNITS, BATCH_SIZE = args.shuffle, args.units, args.batch_size

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(args.seed)  # seed first: same seed, same output

data_x, data_y = common.fixed_length_pairs(SEQ_LENGTH)  # A -> B, B -> C, ..., Y -> Z
if not args.quiet:
    common.print_pairs(data_x, data_y)
X = common.as_time_steps(data_x)  # X: (samples, time steps, features) = (25, 1, 1), letter / 26
y = keras.utils.to_categorical(data_y, num_classes=len(common.ALPHABET))  # y: (25, 26), one-hot

# %% [markdown]
# ## The model: the article's code in Keras 3
# A stateless LSTM, as in framing 1; all 25 pairs go in one batch, in order.

# %%
model = keras.Sequential(
    [
        keras.Input(shape=(X.shape[1], X.shape[2])),  # (time steps, features); any batch size
        keras.layers.LSTM(UNITS, name="lstm"),
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
# The article's 5000 epochs of one batch of 25 in a fixed order: one weight update per epoch, at
# Adam's default learning rate 0.001. The article's call, `model.fit(X, y, epochs=5000,
# batch_size=25, shuffle=False)`, trains the same steps, several times slower: most of the
# difference is the speed options in `compile` above (docs/speed.md).

# %%
train = tf.data.Dataset.from_tensor_slices((X, y))
if SHUFFLE:  # --shuffle: a new order every epoch, as fit(shuffle=True) does
    train = train.shuffle(len(X), seed=args.seed, reshuffle_each_iteration=True)
train = train.batch(BATCH_SIZE, drop_remainder=True).repeat()
order = "shuffled every epoch (demonstration)" if SHUFFLE else "in alphabetical order"
updates = args.epochs * steps_per_epoch  # weight updates: one per batch
progress = common.progress(  # "Training: ..." and "Training took" lines; a bar on stderr
    args,
    what=f"{args.epochs} epochs of {steps_per_epoch} step(s), batch size {BATCH_SIZE}, "
    f"{UNITS} units, {updates} updates at learning rate {args.learning_rate:g}, {order}",
)
history = model.fit(
    train, epochs=args.epochs, steps_per_epoch=steps_per_epoch, callbacks=[progress], verbose=0
)

# %% [markdown]
# ## How well did it learn? And a demonstration: rows of a batch do not share state
#
#                  time step 1
#       row  0:   [0 state] -> 'A' -> predict    \
#       row  1:   [0 state] -> 'B' -> predict     |  25 separate one-step sequences;
#       ...                                       |  no arrow from one row to the next
#       row 24:   [0 state] -> 'Y' -> predict    /
#
# Accuracy, the predictions in one batch of 25, then each letter alone. For a stateless LSTM the
# two are the same by construction (each row starts from a zero state), so this line shows how
# Keras batches work; it is not evidence for the 100%, which the control runs test
# (docs/learning-rate.md, 5 seeds): at learning rate 0.001, 500 full-batch updates and 5000
# updates of batch size 1 both fall short (20-36%); at 0.01, both reach 96-100%.

# %%
loss, accuracy = model.evaluate(X, y, batch_size=len(X), verbose=0)
print("Model Accuracy: %.2f%%" % (accuracy * 100))

# Predict the next letter of every pattern, all 25 in one batch...
in_batch = model.predict(X, batch_size=len(X), verbose=0)  # (25, 26)
for pattern, letter in zip(data_x, common.decode(in_batch)):
    print(common.prediction_line(pattern, letter))

# ...and each pattern alone, in a batch of one. Rows of a batch are independent sequences, each
# from a zero state, so a letter alone gets the same probabilities as inside the ordered batch.
alone = np.concatenate([model.predict(X[i : i + 1], verbose=0) for i in range(len(X))])
difference = float(np.max(np.abs(in_batch - alone)))
same = "yes" if common.decode(in_batch) == common.decode(alone) and difference < 1e-5 else "NO"
same_line = (
    f"Same predictions in one batch of 25 and one at a time: {same} "
    f"(largest difference {difference:.1e})"
)
print(same_line)

# The article's second test: 20 patterns drawn at random, with their one-at-a-time predictions.
print("Test a Random Pattern:")
rng = np.random.RandomState(args.seed)
random_picks = rng.randint(len(data_x), size=NUM_RANDOM_TESTS)
picked_x = [data_x[i] for i in random_picks]
picked_letters = common.decode(alone[random_picks])  # the one-at-a-time predictions
for pattern, letter in zip(picked_x, picked_letters):
    print(common.prediction_line(pattern, letter))

# %% [markdown]
# ## Optional: continue letters
# Only with `--predict LETTERS` (in a notebook, set `args.predict` first): the model's own
# predictions fed back in, `--steps` of them.

# %%
# Predict N letters: the model reads one letter, so each step feeds the last letter so far.
if args.predict:
    common.print_continuation(
        lambda pattern: model.predict(common.as_time_steps([pattern]), verbose=0),
        args.predict,
        args.steps,
        window=SEQ_LENGTH,
    )

# %% [markdown]
# ## Optional: save the model, draw what it learned, write the results
# Only with `--save FILE.keras`, `--plot FILE.png` or `--json FILE.json`; in a notebook, set
# `args.save`, `args.plot` or `args.json` first.

# %%
common.save(args, model)  # only with --save FILE.keras

plotted = None
if args.plot:  # the training curves, and every input's probabilities for the next letter
    from study import plots

    title = "Framing 4: the 25 pairs in one batch"
    plotted = plots.predictions(args.plot, title, history, data_x, data_y, in_batch)
    common.log(args, f"Saved the training curves and the predictions to {args.plot}")

# What this run found, with its options, as JSON for reproduce.py (only with --json FILE.json).
common.write_json(
    args,
    {
        "accuracy": accuracy * 100,
        "train_seconds": progress.seconds,
        "plot": plotted,  # the numbers drawn, with --plot
        "updates": updates,
        "predictions": {
            "": common.pairs(data_x, common.decode(in_batch)),
            "Test a Random Pattern:": common.pairs(picked_x, picked_letters),
        },
        "largest_batch_alone_difference": difference,
        "notes": [same_line],
    },
)
