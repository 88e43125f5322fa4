# %%
"""Framing 2: a three-letter window fed as three features of one time step (the article's second).

ABC -> D, but the three letters arrive together, as three features of a single time step, the
way a Dense layer would see them: the LSTM reads one step, with nothing carried between steps
(the task needs nothing carried: the last letter says what comes next). The article
calls this a misuse of the LSTM and its small lift over framing 1 "may or may not be real".
It got 86.96%. Over 10 seeds (the README's study) the lift is not shown: +0.8 points, with a
95% interval from -3.7 to +5.3.

    python 02_window_features.py [--epochs 500] [--seed 7] [--learning-rate 0.001] [--quiet]
        [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png] [--json FILE.json]
"""

import common  # the alphabet, its encodings, and the options every script shares

# Configuration: the article's settings.
SEQ_LENGTH = 3  # letters per input (the window)
UNITS = 32  # LSTM memory units
EPOCHS = 500  # passes over the 23 pairs
BATCH_SIZE = 1  # one sample per weight update

# The options, checked before Keras loads (--help answers at once); the defaults are the above.
args = common.parse_args(__doc__, epochs=EPOCHS, min_letters=SEQ_LENGTH)

import keras
import tensorflow as tf

keras.utils.set_random_seed(args.seed)  # seed first: same seed, same output

# %% [markdown]
# ## The data
# Every three-letter window and the letter after it, shaped as a Keras LSTM expects its input:
# (samples, time steps, features).

# %%
# Data: ABC -> D, BCD -> E, ..., WXY -> Z
data_x, data_y = common.fixed_length_pairs(SEQ_LENGTH)
if not args.quiet:
    common.print_pairs(data_x, data_y)

# X: (samples, time steps, features) = (23, 1, 3): the window as FEATURES of one time step
X = common.as_features(data_x)
y = keras.utils.to_categorical(data_y, num_classes=len(common.ALPHABET))  # y: (23, 26), one-hot

# %% [markdown]
# ## The model: the article's code in Keras 3
# The same LSTM, but its one time step now carries three features: the whole window at once.

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
# Accuracy on the 23 windows, then the prediction for each. The task needs no sequence (the last
# letter says what comes next); laid out as features, the same pairs simply train worse than as
# time steps in 500 epochs (the README's study: 3 vs 2, over 10 seeds).

# %%
# Evaluate on the training pairs, as the article does.
loss, accuracy = model.evaluate(X, y, batch_size=BATCH_SIZE, verbose=0)
print("Model Accuracy: %.2f%%" % (accuracy * 100))

# Predict the next letter of every pattern. The model is stateless, so predicting all 23 in one
# batch gives the same answers as 23 separate calls.
probabilities = model.predict(X, verbose=0)  # (inputs, 26): the probability of each letter
predicted = common.decode(probabilities)
for pattern, letter in zip(data_x, predicted):
    print(common.prediction_line(pattern, letter))

# %% [markdown]
# ## Optional: continue letters, save the model, draw what it learned, write the results
# Only with `--predict LETTERS`, `--save FILE.keras`, `--plot FILE.png` or `--json FILE.json`;
# in a notebook, set `args.predict`, `args.save`, `args.plot` or `args.json` first.

# %%
# Predict N letters: the model reads three letters, so each step feeds the last SEQ_LENGTH
# letters of what we have so far, shaped (1, 1, 3), and appends the prediction.
if args.predict:
    common.print_continuation(
        lambda pattern: model.predict(common.as_features([pattern]), verbose=0),
        args.predict,
        args.steps,
        window=SEQ_LENGTH,
    )

common.save(args, model)  # only with --save FILE.keras

plotted = None
if args.plot:  # the training curves, and every input's probabilities for the next letter
    from study import plots

    title = "Framing 2: a three-letter window as features"
    plotted = plots.predictions(args.plot, title, history, data_x, data_y, probabilities)
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
