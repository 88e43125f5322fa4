# %%
"""Framing 2: a three-letter window fed as three features of one time step (the article's second).

ABC -> D, but the three letters arrive together, as three features of a single time step, the
way a Dense layer would see them: the LSTM reads one step, with nothing carried between steps
(the task needs nothing carried: the last letter says what comes next). The article
calls this a misuse of the LSTM and its small lift over framing 1 "may or may not be real".
It got 86.96%. Over 10 seeds (the README's study) the lift is not shown: +0.8 points, with a
95% interval from -3.7 to +5.3.

    python 02_window_features.py [--epochs 500] [--seed 7] [--learning-rate 0.001] [--quiet] [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png] [--json FILE.json]
"""

import time

try:
    import options  # first: reads and checks the command line, before Keras loads
except ModuleNotFoundError as error:  # a notebook whose kernel started outside this folder
    error._render_traceback_ = lambda: ["No module named 'options': start the notebook's kernel in the project's folder, beside options.py"]
    raise

# Configuration: the article's settings.
SEQ_LENGTH = 3  # letters per input (the window)
UNITS = 32  # LSTM memory units
EPOCHS = 500  # passes over the 23 pairs
BATCH_SIZE = 1  # one sample per weight update
SHUFFLE = True  # model.fit's default: a new sample order every epoch

args = options.parse_args(__doc__.splitlines()[0], epochs=EPOCHS, min_letters=SEQ_LENGTH)

# Keras loads only now, once every option is known to be good: --help and a refused value answer
# at once instead of after the 3-second import of TensorFlow.
import common  # noqa: E402  (first of these: it quiets TensorFlow's start-up messages)
import keras  # noqa: E402
import plots  # noqa: E402  (--plot: matplotlib loads only when a picture is asked for)

common.seed_everything(args.seed)  # seed first: same seed, same output

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
# y: (23, 26), one-hot
y = common.one_hot(data_y)

# %% [markdown]
# ## The model: the article's code in Keras 3
# The same LSTM, but its one time step now carries three features: the whole window at once. The
# `keras.Sequential` and `model.compile` lines are the article's, in Keras 3: copy them with your
# own X and y and they run without this
# project (put numbers in place of `args.epochs` and `args.learning_rate`).

# %%
model = keras.Sequential(
    [
        keras.Input(shape=(X.shape[1], X.shape[2])),  # (time steps, features); any batch size
        keras.layers.LSTM(UNITS, name="lstm"),
        keras.layers.Dense(y.shape[1], activation="softmax"),
    ]
)
model.compile(
    loss="categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate),  # the article's "adam": 0.001
    metrics=["accuracy"],
)

# %% [markdown]
# ## Training
# `fit` with the article's 500 epochs of batch size 1, shuffled. The `# plain:` line is the
# article's call: copy it and it runs as it is. The two lines marked "speed only" train the same
# steps faster; they change no result. The loss and accuracy of every epoch come back in
# `history`.

# %%
common.say_if_continuing(args, model)  # in a notebook, a second run of this cell trains further
common.log(args, f"Training: {args.epochs} epochs of {len(X) // BATCH_SIZE} steps, batch size {BATCH_SIZE}")
start = time.perf_counter()
# plain: history = model.fit(X, y, epochs=args.epochs, batch_size=BATCH_SIZE, shuffle=SHUFFLE)
# Speed only: the same batches, reshuffled every epoch as fit(shuffle=True) does, from a tf.data
# pipeline built once instead of once per epoch, and a whole epoch per call (common.py).
train, steps_per_epoch = common.training_dataset(X, y, batch_size=BATCH_SIZE, shuffle=SHUFFLE, seed=args.seed)
common.speed_up(model, steps_per_epoch)
history = model.fit(
    train, epochs=args.epochs, steps_per_epoch=steps_per_epoch,
    callbacks=common.progress(args),  # a progress bar over epochs on stderr; none with --quiet
    verbose=0,
)
train_seconds = time.perf_counter() - start
common.log(args, f"Training took {train_seconds:.1f} s")

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
        args.predict, args.steps, window=SEQ_LENGTH,
    )

if args.save:
    common.save_model(model, args.save)
    common.log(args, f"Saved the trained model to {args.save}")

plotted = None
if args.plot:  # the training curves, and every input's probabilities for the next letter
    plotted = plots.predictions(args.plot, "Framing 2: a three-letter window as features", history, data_x, data_y, probabilities)
    common.log(args, f"Saved the training curves and the predictions to {args.plot}")

# What this run found, as JSON for reproduce.py (only with --json FILE.json).
common.write_json(args, {
    "accuracy": accuracy * 100,
    "train_seconds": train_seconds,
    "plot": plotted,  # the numbers drawn, with --plot
    "predictions": {"": common.pairs(data_x, predicted)},
})
