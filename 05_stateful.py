"""Framing 5: a stateful LSTM learns the whole alphabet, one letter at a time (the article's fifth).

With `stateful=True` the LSTM keeps its state (h, c) from one batch to the next instead of
starting each sample from zero. Fed A, B, C, ... in order, one letter per batch, it can learn
the sequence itself, not 25 separate mappings. We reset the state ourselves at the end of each
pass over the alphabet. The article got 100.00%, generated A..Z from 'A', and showed that a cold
start from 'K' falls back into the alphabet from 'B'.

    python 05_stateful.py [--epochs 300] [--seed 7] [--quiet]
"""

import time

import common  # first: it quiets TensorFlow's start-up messages

import keras
import numpy as np

# Configuration: the article's settings.
SEQ_LENGTH = 1  # letters per input
UNITS = 16  # LSTM memory units
EPOCHS = 300  # passes over the alphabet, each from a reset state
BATCH_SIZE = 1  # fixed: a stateful model's batch size is part of its input shape
SHUFFLE = False  # the state only means something if A, B, C, ... come in order
GENERATE_FROM = "A"  # seed letter for generating the alphabet
COLD_START = "K"  # seed letter for the cold start the article shows
COLD_STEPS = 5  # letters to generate from the cold start

args = common.parse_args(__doc__.splitlines()[0], epochs=EPOCHS)
common.seed_everything(args.seed)  # seed first: same seed, same output

# Data: A -> B, B -> C, ..., Y -> Z
data_x, data_y = common.fixed_length_pairs(SEQ_LENGTH)
if not args.quiet:
    common.print_pairs(data_x, data_y)

# X: (samples, time steps, features) = (25, 1, 1); y: (25, 26), one-hot
X = common.as_time_steps(data_x)
y = common.one_hot(data_y)

# A stateful layer keeps one state per row of the batch, so the batch size is fixed in the
# input: batch_shape = (batch, time steps, features).
model = keras.Sequential(
    [
        keras.Input(batch_shape=(BATCH_SIZE, X.shape[1], X.shape[2])),
        keras.layers.LSTM(UNITS, stateful=True, name="lstm"),
        keras.layers.Dense(y.shape[1], activation="softmax"),
    ]
)
lstm = model.get_layer("lstm")
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

# The article calls fit 300 times, one epoch each, and resets the state after each call. One
# fit with a callback does the same: reset the RNN memory when each pass over A..Z ends.
reset_each_epoch = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: lstm.reset_state())

common.log(args, f"Training: {args.epochs} epochs of {steps_per_epoch} steps, batch size {BATCH_SIZE}")
start = time.perf_counter()
model.fit(
    train,
    epochs=args.epochs,
    steps_per_epoch=steps_per_epoch,
    shuffle=SHUFFLE,
    callbacks=[reset_each_epoch],
    verbose=0,
)
common.log(args, f"Training took {time.perf_counter() - start:.1f} s")

# Evaluate with the training batch size, from a zero state, walking A..Y in order.
loss, accuracy = model.evaluate(X, y, batch_size=BATCH_SIZE, verbose=0)
lstm.reset_state()  # reset RNN memory before generating
print("Model Accuracy: %.2f%%" % (accuracy * 100))


def generate(letter, steps):
    """Feed `letter`, then each prediction back in, one batch of one letter per step."""
    index = common.CHAR_TO_INT[letter]
    for _ in range(steps):
        x = common.normalize(np.reshape([index], (BATCH_SIZE, 1, 1)))  # (batch, time steps, features)
        next_index = int(np.argmax(model.predict(x, verbose=0)))
        print(common.INT_TO_CHAR[index], "->", common.INT_TO_CHAR[next_index])
        index = next_index


# From 'A', the state walks the alphabet as it did in training.
generate(GENERATE_FROM, len(common.ALPHABET) - 1)
lstm.reset_state()  # reset RNN memory: the next start is cold

# From 'K' with a zero state, the model has only seen zero state at 'A'.
print("New start: ", COLD_START)
generate(COLD_START, COLD_STEPS)
lstm.reset_state()
