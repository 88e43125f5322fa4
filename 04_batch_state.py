# %%
"""Framing 4: one batch holds all 25 ordered pairs, trained 5000 epochs (the article's fourth).

The article's claim: Keras resets the LSTM's state after each batch, not after each sample, so a
batch holding A->B .. Y->Z in order lets the LSTM use the sequence inside the batch. It reports
100.00%. That is not how Keras works: the 25 rows of a batch are 25 independent sequences run
side by side, each from a zero state, and nothing passes from one row to the next.

                 time step 1
      row  0:   [0 state] -> 'A' -> predict    \
      row  1:   [0 state] -> 'B' -> predict     |  25 separate one-step sequences;
      ...                                       |  no arrow from one row to the next
      row 24:   [0 state] -> 'Y' -> predict    /

This script shows it two ways. The model predicts the same for each letter alone as in the
batch of 25; and a control run with the order inside the batch shuffled every epoch
(--shuffle) learns as well as the ordered one. The 100% comes from training: 5000 epochs are
5000 updates on the gradient of all 25 pairs at once, enough for a stateless model to learn 25
separate mappings, which is all it can learn here.

    python 04_batch_state.py [--epochs 5000] [--seed 7] [--quiet] [--shuffle] [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png]
"""

import time

import common  # first: it quiets TensorFlow's start-up messages

import keras
import numpy as np

# Configuration: the article's settings.
SEQ_LENGTH = 1  # letters per input
UNITS = 16  # LSTM memory units
EPOCHS = 5000  # passes over the 25 pairs: 10 times framing 1's
BATCH_SIZE = 25  # the whole data set in one batch: one weight update per epoch
SHUFFLE = False  # keep the batch in alphabetical order, as the article's claim needs (--shuffle: control)
NUM_RANDOM_TESTS = 20  # random patterns to test after training


def control_option(parser):
    parser.add_argument(
        "--shuffle", action="store_true",
        help="control run: shuffle the order of the 25 pairs inside the batch every epoch "
        "(default: off, the article's ordered batch)",
    )


args = common.parse_args(__doc__.splitlines()[0], epochs=EPOCHS, add_options=control_option)
common.seed_everything(args.seed)  # seed first: same seed, same output
if args.shuffle:
    SHUFFLE = True  # the control run

# %% [markdown]
# ## The data
# Every pair of the alphabet, shaped as a Keras LSTM expects its input: (samples, time steps,
# features).

# %%
# Data: A -> B, B -> C, ..., Y -> Z
data_x, data_y = common.fixed_length_pairs(SEQ_LENGTH)
if not args.quiet:
    common.print_pairs(data_x, data_y)

# X: (samples, time steps, features) = (25, 1, 1); y: (25, 26), one-hot
X = common.as_time_steps(data_x)
y = common.one_hot(data_y)

# %% [markdown]
# ## The model
# A stateless LSTM, as in framing 1. The difference is the batch: all 25 pairs in one, in
# alphabetical order (or shuffled, with `--shuffle`).

# %%
model = keras.Sequential(
    [
        keras.Input(shape=(X.shape[1], X.shape[2])),
        keras.layers.LSTM(UNITS, name="lstm"),
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
# `fit` with the article's 5000 epochs of one batch of 25. The loss and accuracy of every epoch
# come back
# in `history`; a progress bar shows them as training goes.

# %%
order = "shuffled inside the batch every epoch (control)" if SHUFFLE else "in alphabetical order"
common.log(args, f"Training: {args.epochs} epochs of {steps_per_epoch} step, batch size {BATCH_SIZE}, {order}")
start = time.perf_counter()
# shuffle= as the article writes it; with a dataset, Keras leaves the order to the pipeline.
history = model.fit(
    train, epochs=args.epochs, steps_per_epoch=steps_per_epoch, shuffle=SHUFFLE,
    callbacks=common.progress(args),  # a progress bar over epochs on stderr; none with --quiet
    verbose=0,
)
common.log(args, f"Training took {time.perf_counter() - start:.1f} s")

# %% [markdown]
# ## How well did it learn, and does the batch matter?
# Accuracy, the predictions in one batch of 25, then each letter alone: if rows of a batch
# shared state, the two would differ.

# %%
loss, accuracy = model.evaluate(X, y, batch_size=BATCH_SIZE, verbose=0)
print("Model Accuracy: %.2f%%" % (accuracy * 100))

# Predict the next letter of every pattern, all 25 in one batch as in training...
in_batch = model.predict(X, batch_size=BATCH_SIZE, verbose=0)  # (25, 26)
for pattern, letter in zip(data_x, common.decode(in_batch)):
    print(common.prediction_line(pattern, letter))

# ...and each pattern alone, in a batch of one. If the rows of a batch shared state, a letter
# with no rows before it could be predicted differently alone than in the ordered batch.
alone = np.concatenate([model.predict(X[i : i + 1], verbose=0) for i in range(len(X))])
difference = float(np.max(np.abs(in_batch - alone)))
same = "yes" if common.decode(in_batch) == common.decode(alone) and difference < 1e-5 else "NO"
print(f"Same predictions in one batch of 25 and one at a time: {same} (largest difference {difference:.1e})")

# The article's second test: 20 patterns drawn at random, with their one-at-a-time predictions.
print("Test a Random Pattern:")
rng = np.random.RandomState(args.seed)
for i in rng.randint(len(data_x), size=NUM_RANDOM_TESTS):
    (letter,) = common.decode(alone[i : i + 1])
    print(common.prediction_line(data_x[i], letter))

# %% [markdown]
# ## Optional: continue letters, save the model, plot the training
# Only with `--predict LETTERS`, `--save FILE.keras` or `--plot FILE.png`; in a notebook, set
# `args.predict`, `args.save` or `args.plot` first.

# %%
# Predict N letters: the model reads one letter, so each step feeds the last letter so far.
if args.predict:
    common.print_continuation(
        lambda pattern: model.predict(common.as_time_steps([pattern]), verbose=0),
        args.predict, args.steps, window=SEQ_LENGTH,
    )

if args.save:
    common.save_model(model, args.save)
    common.log(args, f"Saved the trained model to {args.save}")

if args.plot:  # loss and accuracy per epoch, from the History that fit returned
    common.plot_history(history, args.plot, "Framing 4: the 25 pairs in one batch")
    common.log(args, f"Saved the training curves to {args.plot}")
