# %%
"""Framing 5: a stateful LSTM learns the whole alphabet, one letter at a time (the article's fifth).

With `stateful=True` the LSTM keeps its state (h, c) from one batch to the next instead of
starting each sample from zero. Fed A, B, C, ... in order, one letter per batch, it can learn
the sequence itself, not 25 separate mappings. We reset the state ourselves at the end of each
pass over the alphabet. The article got 100.00%, generated A..Z from 'A', and showed that a cold
start from 'K' falls back into the alphabet from 'B'. This script adds what the article only
describes: a warm start (feed A..J first, then 'K' continues L, M, N, ...), and the same
weights in a model whose state the caller holds, which can run several sequences in one batch.

    python 05_stateful.py [--epochs 300] [--seed 7] [--quiet] [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png]
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
COLD_STEPS = 5  # letters to generate from the cold and warm starts
WARM_UP = "ABCDEFGHIJ"  # letters fed before COLD_START for the warm start

args = common.parse_args(__doc__.splitlines()[0], epochs=EPOCHS)
common.seed_everything(args.seed)  # seed first: same seed, same output

# Keras 3.15.1's JAX backend does not carry a stateful layer's state from one batch to the next
# in fit, evaluate or predict: every batch starts from zeros, so this model would learn nothing
# across batches and generate "ABBBB...". Rather than print a wrong alphabet, stop here.
if keras.backend.backend() == "jax":
    common.refuse(
        "the JAX backend of Keras 3.15.1 does not carry a stateful LSTM's state across "
        "batches; run this script with KERAS_BACKEND=tensorflow (the default) or torch"
    )

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
# A stateful LSTM: it keeps its state (h, c) from one batch to the next until told to reset it.

# %%
# A stateful layer keeps one state per row of the batch, so the batch size is fixed in the
# input: batch_shape = (batch, time steps, features).
model = keras.Sequential(
    [
        keras.Input(batch_shape=(BATCH_SIZE, X.shape[1], X.shape[2])),
        # use_cudnn=False: on the PyTorch backend, Keras 3.15.1's faster LSTM path fails to
        # train a stateful layer ("modified by an inplace operation"); on a CPU with TensorFlow
        # this is the path Keras takes anyway.
        keras.layers.LSTM(UNITS, stateful=True, use_cudnn=False, name="lstm"),
        keras.layers.Dense(y.shape[1], activation="softmax", name="dense"),
    ]
)
lstm = model.get_layer("lstm")
# The batches fit(X, y, batch_size=BATCH_SIZE, shuffle=SHUFFLE) would make, as a pipeline
# that Keras runs an epoch at a time (see common.training_dataset).
train, steps_per_epoch = common.training_dataset(
    X, y, batch_size=BATCH_SIZE, shuffle=SHUFFLE, seed=args.seed
)
common.compile_model(model, steps_per_epoch)  # cross-entropy, Adam, accuracy; fast: see common.py

# %% [markdown]
# ## Training
# The 25 pairs in order, one per batch, the state carried from A to Y and reset at the end of
# each epoch. The loss and accuracy of every epoch come back in `history`.

# %%
# What "reset" means. Between batches the stateful LSTM keeps two arrays, one row per slot of
# the batch (here one row of 16 numbers each): h, its last output, and c, its cell memory.
#
#   batch:    'A'       'B'       'C'   ...   'Y'    reset_state()   'A'   ...
#   (h, c):  zeros -> s1  -->  s2  -->  ... -> s25  ------------->  zeros -> ...
#
# reset_state() sets h and c back to zeros; the weights are untouched. We reset when each pass
# over A..Y ends (so every epoch starts from zeros, as 'A' will at prediction time), after
# evaluating, and before every generation below.
#
# The article calls fit 300 times, one epoch each, and resets the state after each call. One
# fit with a callback does the same.
reset_each_epoch = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: lstm.reset_state())

common.log(args, f"Training: {args.epochs} epochs of {steps_per_epoch} steps, batch size {BATCH_SIZE}")
start = time.perf_counter()
history = model.fit(
    train,
    epochs=args.epochs,
    steps_per_epoch=steps_per_epoch,
    shuffle=SHUFFLE,  # as the article; with a dataset, the pipeline above sets the order
    callbacks=[reset_each_epoch, *common.progress(args)],  # progress: a bar on stderr
    verbose=0,
)
common.log(args, f"Training took {time.perf_counter() - start:.1f} s")

# %% [markdown]
# ## How well did it learn?
# Accuracy over one walk through the alphabet from a zero state.

# %%
# Evaluate with the training batch size, from a zero state, walking A..Y in order.
loss, accuracy = model.evaluate(X, y, batch_size=BATCH_SIZE, verbose=0)
lstm.reset_state()  # reset RNN memory
print("Model Accuracy: %.2f%%" % (accuracy * 100))


# %% [markdown]
# ## Generating letters
# From 'A' the model walks the alphabet. From a cold 'K' (zero state) it falls back into the
# alphabet at 'B'; from a warm 'K' (after A..J) it carries on with L, M, N.

# %%
def encode(index):
    """One letter index as a batch of one: (batch, time steps, features) = (1, 1, 1)."""
    return common.normalize(np.reshape([index], (BATCH_SIZE, 1, 1)))


def generate(letters, steps):
    """From a zero state, feed `letters`, then each prediction back in, one letter per batch.

    All letters but the last only warm the state up; from the last one on, prints `K -> L`
    lines. Returns the predicted letters.
    """
    lstm.reset_state()  # reset RNN memory: start from zeros, as in training
    indices = [common.CHAR_TO_INT[char] for char in letters]
    for index in indices[:-1]:
        model.predict_on_batch(encode(index))  # warm-up: only the state change matters
    index, predicted = indices[-1], ""
    for _ in range(steps):
        next_index = int(np.argmax(model.predict_on_batch(encode(index))))
        print(common.INT_TO_CHAR[index], "->", common.INT_TO_CHAR[next_index])
        predicted += common.INT_TO_CHAR[next_index]
        index = next_index
    return predicted


# From 'A', the state walks the alphabet as it did in training.
generate(GENERATE_FROM, len(common.ALPHABET) - 1)

# A cold start: 'K' with a zero state. The model has only ever seen a zero state at 'A'.
print("New start: ", COLD_START)
generate(COLD_START, COLD_STEPS)

# A warm start: feed A..J first, so the state is where it was at 'K' in training.
print(f"Warm start:  {WARM_UP} fed first, then {COLD_START}")
generate(WARM_UP + COLD_START, COLD_STEPS)

# %% [markdown]
# ## Optional: continue letters, save the model, plot the training
# Only with `--predict LETTERS`, `--save FILE.keras` or `--plot FILE.png`; in a notebook, set
# `args.predict`, `args.save` or `args.plot` first.

# %%
# Predict N letters: warm the state up on all but the last letter, then generate.
if args.predict:
    print(f"Continue {args.predict!r} for {args.steps} letters:")
    generate(args.predict, args.steps)
lstm.reset_state()

# Saving keeps the weights, not the state: h and c are not written, and a loaded stateful model
# starts from zeros, as after reset_state(). To carry a state across a save, keep it yourself:
#   np.savez("state.npz", h=lstm.states[0].numpy(), c=lstm.states[1].numpy())   # before saving
#   loaded.get_layer("lstm").states[0].assign(np.load("state.npz")["h"])      # after loading
#   (and states[1] from "c")
if args.save:
    common.save_model(model, args.save)
    common.log(args, f"Saved the trained model to {args.save}")

if args.plot:  # loss and accuracy per epoch, from the History that fit returned
    common.plot_history(history, args.plot, "Framing 5: a stateful LSTM, one letter at a time")
    common.log(args, f"Saved the training curves to {args.plot}")

# %% [markdown]
# ## State you hold yourself
# The same weights in a model that takes (h, c) as input and returns the new state, so the
# caller keeps the state and the batch size is free.

# %%
# State you hold yourself.
# The same trained weights in a model that takes the state (h, c) as input and returns the new
# state: the layer keeps nothing, so the caller decides when state is reset (pass zeros), kept
# (pass back what came out) or copied, and the batch size is free: each row of a batch is its
# own sequence with its own (h, c). This is how to predict with a batch size other than the one
# a stateful model was trained with.
letter_in = keras.Input(shape=(1, 1), name="letter")  # (batch, time steps, features)
h_in = keras.Input(shape=(UNITS,), name="h")  # state_h: (batch, units)
c_in = keras.Input(shape=(UNITS,), name="c")  # state_c: (batch, units)
lstm_out, h_out, c_out = keras.layers.LSTM(UNITS, return_state=True, name="lstm")(
    letter_in, initial_state=[h_in, c_in]
)
probabilities = keras.layers.Dense(y.shape[1], activation="softmax", name="dense")(lstm_out)
explicit = keras.Model([letter_in, h_in, c_in], [probabilities, h_out, c_out])
explicit.get_layer("lstm").cell.set_weights(lstm.cell.get_weights())  # kernels and bias only
explicit.get_layer("dense").set_weights(model.get_layer("dense").get_weights())


def zero_state(batch):
    return np.zeros((batch, UNITS), "float32"), np.zeros((batch, UNITS), "float32")


# Step for step, the two models agree: walk A..Y through both from zeros.
lstm.reset_state()  # reset RNN memory
state_h, state_c = zero_state(1)
largest = 0.0
for index in range(len(common.ALPHABET) - 1):
    held_by_layer = model.predict_on_batch(encode(index))
    held_by_us, state_h, state_c = explicit.predict_on_batch([encode(index), state_h, state_c])
    largest = max(largest, float(np.max(np.abs(held_by_layer - held_by_us))))
lstm.reset_state()
same = "yes" if largest < 1e-5 else "NO"
print(f"Explicit state equals the stateful model, step for step over A..Y: {same} (largest difference {largest:.1e})")

# Three sequences in one batch of 3, which the stateful model (batch size 1) cannot take.
# Warm each row's state up on its own, stack the rows, then generate all three together.
rows = {"A (cold)": ("", "A"), "K (cold)": ("", COLD_START), f"K (warm, after {WARM_UP})": (WARM_UP, COLD_START)}
states_h, states_c, indices = [], [], []
for warm_up, start in rows.values():
    state_h, state_c = zero_state(1)
    for char in warm_up:
        _, state_h, state_c = explicit.predict_on_batch([encode(common.CHAR_TO_INT[char]), state_h, state_c])
    states_h.append(state_h)
    states_c.append(state_c)
    indices.append(common.CHAR_TO_INT[start])
state_h, state_c = np.concatenate(states_h), np.concatenate(states_c)  # (3, units) each
generated = [""] * len(rows)
for _ in range(COLD_STEPS):
    x = common.normalize(np.reshape(indices, (len(rows), 1, 1)))  # (batch = 3, 1, 1)
    probs, state_h, state_c = explicit.predict_on_batch([x, state_h, state_c])
    indices = [int(i) for i in np.argmax(probs, axis=-1)]
    generated = [text + common.INT_TO_CHAR[i] for text, i in zip(generated, indices)]
print(f"Explicit state, {len(rows)} sequences in one batch:")
for name, text in zip(rows, generated):
    print(f"  {name} => {text}")
