# %%
"""Framing 6 with a stateful LSTM: runs of 1 to 5 letters, fed one letter at a time, no padding.

The article's readers asked whether a stateful LSTM can take variable-length input; the author
answered "yes you can" and showed nothing. Here it is, on 06_variable_length.py's 1000 runs with
the same targets: each run is fed one letter per batch from a reset state, and the prediction
after its last letter is the answer. Nothing is padded, so no input collides with 'A'. One
control, off by default: --hold-out.

    python 06_variable_length_stateful.py [--epochs 500] [--seed 7] [--learning-rate 0.001]
        [--quiet] [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png]
        [--json FILE.json] [--hold-out]
"""

import common  # the alphabet, its encodings, and the options every script shares

# Configuration: the article's framing 6, fed one letter at a time.
NUM_SAMPLES = 1000  # random runs drawn for training
MAX_LEN = 5  # longest run; a run is as many batches as it has letters
UNITS = 32  # LSTM memory units
EPOCHS = 500  # passes over the 1000 runs
NUM_SHOWN = 10  # training pairs to print (of 1000)
NUM_RANDOM_TESTS = 20  # training runs to predict after training, picked at random
HELD_OUT = ["DEF", "DEFG", "IJK", "IJKL", "NOP", "NOPQ", "STU", "STUV"]  # with --hold-out


def controls(parser):  # this script's own option: a control, off by default
    parser.add_argument(
        "--hold-out",
        action="store_true",
        help=f"control: never train on the inputs {', '.join(HELD_OUT)}; score them (default: off)",
    )


args = common.parse_args(__doc__, epochs=EPOCHS, add_options=controls)  # before Keras loads

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(args.seed)  # seed first: same seed, same output

# %% [markdown]
# ## The data and the model: a stateful LSTM that reads one letter per batch
# 06_variable_length.py's 1000 runs, not padded. A stateful layer keeps one state per row of the
# batch, so its batch size is part of its input: batch_shape.

# %%
held_out = [[common.CHAR_TO_INT[c] for c in run] for run in HELD_OUT] if args.hold_out else []
data_x, data_y = common.random_subsequences(NUM_SAMPLES, MAX_LEN, seed=args.seed, exclude=held_out)
y = keras.utils.to_categorical(data_y, num_classes=len(common.ALPHABET))  # y: (1000, 26), one-hot
model = keras.Sequential(
    [
        keras.Input(batch_shape=(1, 1, 1)),  # (batch, time steps, features): one letter
        # use_cudnn=False: on the PyTorch backend, Keras 3.15.1's faster LSTM path fails to
        # train a stateful layer (see 05_stateful.py); on a CPU with TensorFlow it is the path
        # Keras takes anyway.
        keras.layers.LSTM(UNITS, stateful=True, use_cudnn=False, name="lstm"),
        keras.layers.Dense(y.shape[1], activation="softmax", name="dense"),
    ]
)
# Compiled so that a saved model (--save) can train on; the stateless twin below does the training.
model.compile(
    loss="categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate),
    metrics=["accuracy"],
)
lstm = model.get_layer("lstm")  # the layer that holds the state


def as_letter(index):
    """One letter as a batch of one: (batch, time steps, features) = (1, 1, 1), coded / 26."""
    return common.normalize(np.reshape([index], (1, 1, 1)))


# A run fed from a reset; the state carries each letter to the next:
#     DEF -> G:  reset   'D'        'E'        'F'
#       (h, c):  zeros -> s1    ->  s2    ->   predict G
def predict_from_reset(pattern):
    """Feed `pattern` one letter per batch from a zero state; the probabilities after its last
    letter, (1, 26)."""
    lstm.reset_state()  # reset RNN memory: each run starts from zeros
    for index in pattern:
        probabilities = model.predict_on_batch(as_letter(index))
    return probabilities


# %% [markdown]
# ## Training: one update per run, at its last letter
# Written plainly, an epoch takes the runs in a new random order (as `fit(shuffle=True)` gives
# the padded model; the letters of a run stay in order), and for each run: `lstm.reset_state()`,
# `model.predict_on_batch(as_letter(index))` for each letter but the last (they only move the
# state), then `model.train_on_batch(as_letter(last), target)`, one weight update.
# - **One target per run**, as the padded model has one per sample. Targets at every letter
#   would train on a different set: the prefixes too (DEFGH would also teach DEF -> G), and so,
#   with `--hold-out`, on held-out inputs as prefixes of longer runs.
# - **Backpropagation reaches one step back.** A batch of one letter is one time step, so the
#   gradient of the last letter's loss stops at the state the earlier letters left. (The padded
#   model backpropagates through all 5 steps.) Every target is the letter after the last one,
#   so the task needs no more.
#
# That loop is about 2,800 calls from Python per epoch. The lines below make the same updates in
# the same order in one compiled call per epoch, with a stateless twin of the model: it reads
# each run padded on the left, the earlier letters under a mask (masked steps leave the state at
# zeros, as after a reset) and stops the gradient at the state they leave (one-step
# backpropagation). The trained weights then go into the stateful model, which makes every
# prediction below. tests/test_variable_length.py checks that the loop and the twin give the
# same weights.

# %%
# Keras 3.15.1's JAX backend starts every batch from zeros, even in a stateful layer: each letter
# would be read alone. Rather than wrong answers, stop.
if keras.backend.backend() == "jax":
    common.refuse(
        "the JAX backend of Keras 3.15.1 does not carry a stateful LSTM's state across "
        "batches; run this script with KERAS_BACKEND=tensorflow (the default) or torch"
    )
if not args.quiet:
    common.print_pairs(data_x, data_y, limit=NUM_SHOWN)
if held_out:
    common.log(
        args, f"Held out, never drawn for training: {', '.join(HELD_OUT)} ({len(HELD_OUT)} inputs)"
    )
common.log(args, "Letter codes: A=0/26 .. Z=25/26, no padding (one letter at a time)")

# The twin's input: each run padded on the left to 5 steps, with a second feature that is 1
# where a letter is and 0 on padding: (runs, time steps, features) = (1000, 5, 2).
padded = common.pad_left(data_x, MAX_LEN)[..., 0]  # (runs, 5): codes, 0 on the left
letters_at = np.array([[step >= MAX_LEN - len(run) for step in range(MAX_LEN)] for run in data_x])
twin_X = np.stack([padded, letters_at.astype("float32")], axis=-1)  # (runs, 5, 2)

runs = keras.Input(shape=(MAX_LEN, 2))
twin_lstm = keras.layers.LSTM(UNITS, return_state=True)
is_letter = keras.ops.greater(runs[:, :-1, 1], 0.5)  # (batch, 4): the earlier letters
_, h, c = twin_lstm(runs[:, :-1, :1], mask=is_letter)  # masked steps keep the zero state
h, c = keras.ops.stop_gradient(h), keras.ops.stop_gradient(c)  # no backprop past the last step
last, _, _ = twin_lstm(runs[:, -1:, :1], initial_state=[h, c])
twin = keras.Model(runs, keras.layers.Dense(y.shape[1], activation="softmax")(last))
steps_per_epoch = len(data_x)  # one run, one update
fast = keras.backend.backend() != "torch"  # on PyTorch, Keras defaults (docs/backends.md)
twin.compile(
    loss="categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate),
    metrics=["accuracy"],
    # Speed only: a whole epoch of steps per call into TensorFlow, each compiled by XLA.
    steps_per_execution=steps_per_epoch if fast else 1,
    jit_compile=fast,
)

# The order of the runs: a new random order every epoch, the same orders for the same seed.
order_rng = np.random.RandomState(args.seed)
order = np.concatenate([order_rng.permutation(len(data_x)) for _ in range(args.epochs)])
train = (
    tf.data.Dataset.from_tensor_slices((twin_X[order], y[order]))  # every epoch's runs, in order
    .batch(1, drop_remainder=True)  # one run per update
    .repeat()  # one endless stream; steps_per_epoch cuts it into epochs
)
progress = common.progress(  # "Training: ..." and "Training took" lines; a bar on stderr
    args,
    what=f"{args.epochs} epochs of {len(data_x)} runs, one letter per batch, one update per run "
    "(at its last letter)",
)
history = twin.fit(
    train, epochs=args.epochs, steps_per_epoch=steps_per_epoch, callbacks=[progress], verbose=0
)
model.set_weights(twin.get_weights())  # the trained weights, into the stateful model

# %% [markdown]
# ## How well did it learn?
# The padded model's figures, each prediction read after the last letter of a run fed from a
# reset: on the 1000 training runs, on the 114 distinct runs once each (no padding: all 114 stay
# different), with `--hold-out` on the 8 runs it never saw, then 20 training runs picked at
# random.


# %%
def share_right(patterns, letters):
    """The share of `patterns` whose letter in `letters` is the one after their last letter."""
    right = [letter == common.INT_TO_CHAR[p[-1] + 1] for p, letter in zip(patterns, letters)]
    return sum(right) / len(patterns)


# A run's prediction is the same wherever it comes, so the 114 distinct runs are fed once and
# the 1000 training runs are scored from those answers.
all_x, all_y = common.all_subsequences(MAX_LEN)  # the 114 distinct inputs, each once
answer = {tuple(run): common.decode(predict_from_reset(run))[0] for run in all_x}
accuracy = share_right(data_x, [answer[tuple(run)] for run in data_x])
print("Model Accuracy: %.2f%%" % (accuracy * 100))
distinct_accuracy = share_right(all_x, [answer[tuple(run)] for run in all_x])
notes = [
    f"Accuracy on all {len(all_x)} distinct inputs (no padding, all differ): "
    f"{distinct_accuracy * 100:.2f}%"
]
print(notes[-1])

# With --hold-out: the inputs it never trained on, beside the distinct inputs it did train on
# (each counted once: the fair yardstick).
if held_out:
    seen = [run for run in all_x if run not in held_out]
    held_predicted = [answer[tuple(run)] for run in held_out]
    held_out_accuracy = share_right(held_out, held_predicted)
    seen_accuracy = share_right(seen, [answer[tuple(run)] for run in seen])
    notes.append(
        f"Accuracy on the {len(held_out)} held-out inputs (never trained on): "
        f"{held_out_accuracy * 100:.2f}%, on the {len(seen)} distinct inputs it trained "
        f"on: {seen_accuracy * 100:.2f}%"
    )
    print(notes[-1])

rng = np.random.RandomState(args.seed)
chosen = [data_x[i] for i in rng.randint(len(data_x), size=NUM_RANDOM_TESTS)]
predicted = [answer[tuple(run)] for run in chosen]
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
# Predict N letters: each step feeds the last MAX_LEN letters so far (fewer at first), one
# letter per batch from a reset.
if args.predict:
    common.print_continuation(predict_from_reset, args.predict, args.steps, window=MAX_LEN)

if args.save:
    # Its own optimizer never ran: build it (moments at zero), so that the file is a complete
    # model and keras.models.load_model does not warn about missing optimizer variables.
    model.optimizer.build(model.trainable_variables)
    common.save_model(model, args.save)
    common.log(args, f"Saved the trained model to {args.save}")

plotted = None
if args.plot:  # the training curves, and right or wrong on each distinct input
    from study import plots

    title = "Framing 6, stateful: runs of 1-5 letters, one letter at a time"
    plotted = plots.grid(
        args.plot,
        title + (" (--hold-out)" if held_out else ""),
        history,
        all_x,
        [answer[tuple(run)] == common.INT_TO_CHAR[target] for run, target in zip(all_x, all_y)],
        held_out=held_out,
        subtitle="\n(no padding)",
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
        "distinct_after_padding": len(all_x),  # nothing is padded: all 114 differ
        "held_out_accuracy": held_out_accuracy * 100 if held_out else None,
        "seen_accuracy": seen_accuracy * 100 if held_out else None,  # the 106 trained on
        "held_out": HELD_OUT if held_out else [],
        "stateful": True,  # the same keys as 06_variable_length.py's, which writes False
        "predictions": predictions,
        "notes": notes,
    },
)
