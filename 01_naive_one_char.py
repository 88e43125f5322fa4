# %%
"""Framing 1: a naive LSTM learns one letter -> the next letter (the article's first listing).

Each sample is a single letter, so the LSTM sees one time step and its state is zero at the start
of every sample. It needs no more: every target is the letter after the input letter, so the task
is 25 separate mappings A->B .. Y->Z from one number each. The article got 84.00%; the misses
are under-training (more epochs get more right), not a lack of context.

    python 01_naive_one_char.py [--epochs 500] [--seed 7] [--learning-rate 0.001] [--quiet]
        [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png] [--json FILE.json]
"""

import common  # the alphabet, its encodings, and the options every script shares

# Configuration: the article's settings.
SEQ_LENGTH = 1  # letters per input
UNITS = 32  # LSTM memory units
EPOCHS = 500  # passes over the 25 pairs
BATCH_SIZE = 1  # one sample per weight update

# The options, checked before Keras loads (--help answers at once); the defaults are the above.
args = common.parse_args(__doc__, epochs=EPOCHS, min_letters=SEQ_LENGTH)

import keras
import tensorflow as tf

keras.utils.set_random_seed(args.seed)  # seed first: same seed, same output

# %% [markdown]
# ## The data
# Every pair of the alphabet, shaped as a Keras LSTM expects its input: (samples, time steps,
# features).

# %%
# Data: A -> B, B -> C, ..., Y -> Z
data_x, data_y = common.fixed_length_pairs(SEQ_LENGTH)
if not args.quiet:
    common.print_pairs(data_x, data_y)

X = common.as_time_steps(data_x)  # X: (samples, time steps, features) = (25, 1, 1), letter / 26
y = keras.utils.to_categorical(data_y, num_classes=len(common.ALPHABET))  # y: (25, 26), one-hot

# %% [markdown]
# ## The model: the article's code in Keras 3
# One LSTM layer reads the single time step; a softmax layer scores the 26 letters.

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
# The article's 500 epochs of batch size 1, shuffled, from a `tf.data` pipeline built once. The
# article's call, `model.fit(X, y, epochs=500, batch_size=1)`, trains as many steps of the same
# size (in another random order) several times slower: most of the difference is the speed
# options in `compile` above, one call per epoch and XLA (docs/speed.md).

# %%
train = (
    tf.data.Dataset.from_tensor_slices((X, y))
    # a new order every epoch, as the article's fit(shuffle=True), its default, gives
    .shuffle(len(X), seed=args.seed, reshuffle_each_iteration=True)
    .batch(BATCH_SIZE, drop_remainder=True)
    .repeat()  # one endless stream; steps_per_epoch cuts it into epochs
)
progress = common.progress(args, BATCH_SIZE)  # Training lines; a bar on stderr
history = model.fit(
    train, epochs=args.epochs, steps_per_epoch=steps_per_epoch, callbacks=[progress], verbose=0
)

# %% [markdown]
# ## How well did it learn?
# Accuracy on the 25 training pairs, then the prediction for each. One letter is all the model
# needs: every target is the letter after the input letter, so nothing has to be remembered. What
# it misses after 500 epochs is under-training, not missing context: trained longer, the same
# model gets more of them right (`--epochs 2000`; the README's control rows, across seeds).

# %%
# Evaluate on the training pairs, as the article does.
loss, accuracy = model.evaluate(X, y, batch_size=BATCH_SIZE, verbose=0)
print("Model Accuracy: %.2f%%" % (accuracy * 100))

# Predict the next letter of every pattern. The model is stateless, so predicting all 25 in one
# batch gives the same answers as 25 separate calls.
probabilities = model.predict(X, verbose=0)  # (inputs, 26): the probability of each letter
predicted = common.decode(probabilities)
for pattern, letter in zip(data_x, predicted):
    print(common.prediction_line(pattern, letter))

# %% [markdown]
# ## Optional: continue letters, save the model, draw what it learned, write the results
# Only with `--predict LETTERS`, `--save FILE.keras`, `--plot FILE.png` or `--json FILE.json`;
# in a notebook, set `args.predict`, `args.save`, `args.plot` or `args.json` first.

# %%
# Predict N letters: the model reads one letter, so each step feeds the last letter so far,
# shaped (1, 1, 1), and appends the prediction.
if args.predict:
    common.print_continuation(
        lambda pattern: model.predict(common.as_time_steps([pattern]), verbose=0),
        args.predict,
        args.steps,
        window=SEQ_LENGTH,
    )

common.save(args, model)  # only with --save FILE.keras

plotted = None
if args.plot:  # the training curves, and every input's probabilities for the next letter
    from study import plots

    plotted = plots.predictions(
        args.plot, "Framing 1: one letter -> the next", history, data_x, data_y, probabilities
    )
    common.log(args, f"Saved the training curves and the predictions to {args.plot}")

# What this run found, with its options, as JSON for reproduce.py (only with --json FILE.json).
common.write_json(
    args,
    {
        "accuracy": accuracy * 100,
        "train_seconds": progress.seconds,
        "plot": plotted,  # the numbers drawn, with --plot
        "predictions": {"": common.pairs(data_x, predicted)},
    },
)
