# %%
"""Framing 6: runs of 1 to 5 letters -> the next letter, zero-padded (the article's sixth).

1000 random runs of the alphabet (B -> C, DEF -> G, QRSTU -> V, ...) are padded on the left to
5 time steps, so every sample has the same shape and the last letter is always the last step.
A stateless LSTM learns to predict from a prefix of any length. The article got 98.90%, measured
on its 1000 training samples, which repeat the 114 distinct inputs the sampler can draw; this
script also measures every one of those 114 once.

    python 06_variable_length.py [--epochs 500] [--seed 7] [--quiet] [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png]
"""

import time

import common  # first: it quiets TensorFlow's start-up messages

import keras
import numpy as np

# Configuration: the article's settings.
NUM_SAMPLES = 1000  # random runs drawn for training
MAX_LEN = 5  # longest run; shorter ones are padded on the left to this many time steps
UNITS = 32  # LSTM memory units
EPOCHS = 500  # passes over the 1000 runs
BATCH_SIZE = 1  # one sample per weight update
SHUFFLE = True  # model.fit's default: a new sample order every epoch
NUM_SHOWN = 10  # training pairs to print (of 1000)
NUM_RANDOM_TESTS = 20  # random training patterns to predict after training

args = common.parse_args(__doc__.splitlines()[0], epochs=EPOCHS)
common.seed_everything(args.seed)  # seed first: same seed, same output

# %% [markdown]
# ## The data
# 1000 runs of the alphabet, 1 to 5 letters long, padded on the left with zeros to 5 time steps.

# %%
# Data: 1000 runs drawn as the article draws them (NumPy's legacy generator, seed 7)
data_x, data_y = common.random_subsequences(NUM_SAMPLES, MAX_LEN, seed=args.seed)
if not args.quiet:
    common.print_pairs(data_x, data_y, limit=NUM_SHOWN)

# X: (samples, time steps, features) = (1000, 5, 1), zeros on the left; y: (1000, 26), one-hot
#   "DEF" -> [0, 0, D, E, F] / 26
X = common.pad_left(data_x, MAX_LEN)
y = common.one_hot(data_y)

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
common.log(args, f"Training: {args.epochs} epochs of {steps_per_epoch} steps, batch size {BATCH_SIZE}")
start = time.perf_counter()
history = model.fit(
    train, epochs=args.epochs, steps_per_epoch=steps_per_epoch,
    callbacks=common.progress(args),  # a progress bar over epochs on stderr; none with --quiet
    verbose=0,
)
common.log(args, f"Training took {time.perf_counter() - start:.1f} s")

# %% [markdown]
# ## How well did it learn?
# Accuracy on the 1000 training runs (the article's figure), on each of the 114 distinct runs
# once, then 20 runs picked at random.

# %%
# Evaluate on the 1000 training runs, as the article does...
loss, accuracy = model.evaluate(X, y, verbose=0)
print("Model Accuracy: %.2f%%" % (accuracy * 100))

# ...and on every distinct input the sampler can draw, each counted once. The 1000 samples
# repeat these 114 unevenly, so the article's figure weighs some inputs more than others.
all_x, all_y = common.all_subsequences(MAX_LEN)
loss, distinct_accuracy = model.evaluate(common.pad_left(all_x, MAX_LEN), common.one_hot(all_y), verbose=0)
print(f"Accuracy on all {len(all_x)} distinct inputs: {distinct_accuracy * 100:.2f}%")

# Predict 20 training patterns picked at random, padded the same way.
rng = np.random.RandomState(args.seed)
picks = rng.randint(len(data_x), size=NUM_RANDOM_TESTS)
chosen = [data_x[i] for i in picks]
for pattern, letter in zip(chosen, common.decode(model.predict(common.pad_left(chosen, MAX_LEN), verbose=0))):
    print(common.prediction_line(pattern, letter))

# %% [markdown]
# ## Optional: continue letters, save the model, plot the training
# Only with `--predict LETTERS`, `--save FILE.keras` or `--plot FILE.png`; in a notebook, set
# `args.predict`, `args.save` or `args.plot` first.

# %%
# Predict N letters: the model reads up to MAX_LEN letters, padded on the left, so each step
# feeds the last MAX_LEN letters so far (fewer at first), shaped (1, 5, 1).
if args.predict:
    common.print_continuation(
        lambda pattern: model.predict(common.pad_left([pattern], MAX_LEN), verbose=0),
        args.predict, args.steps, window=MAX_LEN,
    )

if args.save:
    common.save_model(model, args.save)
    common.log(args, f"Saved the trained model to {args.save}")

if args.plot:  # loss and accuracy per epoch, from the History that fit returned
    common.plot_history(history, args.plot, "Framing 6: runs of 1-5 letters, zero-padded")
    common.log(args, f"Saved the training curves to {args.plot}")
