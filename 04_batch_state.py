"""Framing 4: one batch holds all 25 ordered pairs, trained 5000 epochs (the article's fourth).

The article's claim: Keras resets the LSTM's state after each batch, not after each sample, so a
batch holding A->B .. Y->Z in order, unshuffled, lets the LSTM use the sequence inside the
batch. It reports 100.00%. Readers pointed out that Keras runs the samples of a batch as
independent sequences, side by side, each starting from a zero state; this framing also trains
for 10 times as many epochs as framing 1. This script reproduces the article's run; what the
100% really comes from is tested separately, not assumed here.

    python 04_batch_state.py [--epochs 5000] [--seed 7] [--quiet]
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
SHUFFLE = False  # keep the batch in alphabetical order, as the article's claim needs
NUM_RANDOM_TESTS = 20  # random patterns to test after training

args = common.parse_args(__doc__.splitlines()[0], epochs=EPOCHS)
common.seed_everything(args.seed)  # seed first: same seed, same output

# Data: A -> B, B -> C, ..., Y -> Z
data_x, data_y = common.fixed_length_pairs(SEQ_LENGTH)
if not args.quiet:
    common.print_pairs(data_x, data_y)

# X: (samples, time steps, features) = (25, 1, 1); y: (25, 26), one-hot
X = common.as_time_steps(data_x)
y = common.one_hot(data_y)

model = keras.Sequential(
    [
        keras.Input(shape=(X.shape[1], X.shape[2])),
        keras.layers.LSTM(UNITS, name="lstm"),
        keras.layers.Dense(y.shape[1], activation="softmax"),
    ]
)
train, steps_per_epoch = common.training_dataset(
    X, y, batch_size=BATCH_SIZE, shuffle=SHUFFLE, seed=args.seed
)
model.compile(
    loss="categorical_crossentropy",
    optimizer="adam",
    metrics=["accuracy"],
    steps_per_execution=steps_per_epoch,  # one call runs a whole epoch: see common.training_dataset
    jit_compile=True,
)

common.log(args, f"Training: {args.epochs} epochs of {steps_per_epoch} step, batch size {BATCH_SIZE}")
start = time.perf_counter()
model.fit(train, epochs=args.epochs, steps_per_epoch=steps_per_epoch, shuffle=SHUFFLE, verbose=0)
common.log(args, f"Training took {time.perf_counter() - start:.1f} s")

loss, accuracy = model.evaluate(X, y, batch_size=BATCH_SIZE, verbose=0)
print("Model Accuracy: %.2f%%" % (accuracy * 100))

# Predict the next letter of every pattern, all 25 in one batch as in training.
for pattern, letter in zip(data_x, common.decode(model.predict(X, batch_size=BATCH_SIZE, verbose=0))):
    print(common.prediction_line(pattern, letter))

# The article's second test: 20 patterns drawn at random, so out of alphabetical order.
print("Test a Random Pattern:")
rng = np.random.RandomState(args.seed)
picks = rng.randint(len(data_x), size=NUM_RANDOM_TESTS)
for i, letter in zip(picks, common.decode(model.predict(X[picks], verbose=0))):
    print(common.prediction_line(data_x[i], letter))
