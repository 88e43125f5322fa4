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

Two demonstrations of how Keras batches work (they cannot fail for a stateless model trained
on the whole data set at once, so they show the mechanism, they do not explain the 100%): the
model predicts the same for each letter alone as in the batch of 25, and --shuffle, which
changes the order of the rows every epoch, only reorders the rows of a mean.

What does explain the 100%? The controls change one thing at a time (docs/learning-rate.md,
5 seeds, 7..11). At Adam's default learning rate 0.001, the article's: a tenth of the updates
(--epochs 500) scores 20-24%, and the same 5000 updates with one sample each (--batch-size 1
--epochs 200) 24-36%. At 0.01 (--learning-rate 0.01) both controls reach 96-100%: neither a
tenth of the updates nor batch size 1 keeps the model from learning as such. At one product of
learning rate and updates, 5 (500 updates at 0.01, or 5000 at 0.001), the two routes scored
alike within each batch size (roughly how far Adam can move each weight; other products not
tested): full batches 96-100% and batch size 1 24-36%; at 50 (5000 updates at 0.01) batch size
1 reaches 96-100% too. A full-batch
update follows the gradient of all 25 pairs, a batch-size-1 update that of one pair. 32 units
instead of 16 (--units 32) reach 100% as well (the README's study: 10 seeds, at 0.001).

    python 04_batch_state.py [--epochs 5000] [--seed 7] [--learning-rate 0.001] [--quiet] [--shuffle] [--units 16] [--batch-size {1,5,25}] [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png] [--json FILE.json]
"""

import time

try:
    import options  # first: reads and checks the command line, before Keras loads
except ModuleNotFoundError as error:  # a notebook whose kernel started outside this folder
    error._render_traceback_ = lambda: ["No module named 'options': start the notebook's kernel in the project's folder, beside options.py"]
    raise

# Configuration: the article's settings.
SEQ_LENGTH = 1  # letters per input
UNITS = 16  # LSTM memory units
EPOCHS = 5000  # passes over the 25 pairs: 10 times framing 1's
BATCH_SIZE = 25  # the whole data set in one batch: one weight update per epoch
SHUFFLE = False  # keep the batch in alphabetical order, as the article's claim needs (--shuffle: control)
NUM_RANDOM_TESTS = 20  # random patterns to test after training
# --shuffle, --units and --batch-size change SHUFFLE, UNITS and BATCH_SIZE for a control run
# (options.framing4_options).


args = options.parse_args(__doc__.splitlines()[0], epochs=EPOCHS, add_options=options.framing4_options)

# Keras loads only now, once every option is known to be good: --help and a refused value answer
# at once instead of after the 3-second import of TensorFlow.
import common  # noqa: E402  (first of these: it quiets TensorFlow's start-up messages)
import keras  # noqa: E402
import numpy as np  # noqa: E402
import plots  # noqa: E402  (--plot: matplotlib loads only when a picture is asked for)

common.seed_everything(args.seed)  # seed first: same seed, same output
# The command line may change these for a control run; the defaults are the article's.
SHUFFLE, UNITS, BATCH_SIZE = args.shuffle, args.units, args.batch_size

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
# ## The model: the article's code in Keras 3
# A stateless LSTM, as in framing 1. The difference is the batch: all 25 pairs in one, in
# alphabetical order (or shuffled, with `--shuffle`). The `keras.Sequential` and `model.compile`
# lines are the article's, in Keras 3: copy them with your own X and y and they run without this
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
# `fit` with the article's 5000 epochs of one batch of 25 in a fixed order: one weight update per
# epoch, at Adam's default learning rate 0.001 (`--learning-rate` changes it). The `# plain:` line is the article's call: copy it and it runs as it is. The two lines
# marked "speed only" train the same steps faster; they change no result. The loss and accuracy
# of every epoch come back in `history`.

# %%
order = "shuffled every epoch (demonstration)" if SHUFFLE else "in alphabetical order"
common.say_if_continuing(args, model)  # in a notebook, a second run of this cell trains further
updates = args.epochs * (len(X) // BATCH_SIZE)  # weight updates: one per batch
common.log(
    args, f"Training: {args.epochs} epochs of {len(X) // BATCH_SIZE} step(s), batch size {BATCH_SIZE}, "
    f"{UNITS} units, {updates} updates at learning rate {args.learning_rate:g}, {order}"
)
start = time.perf_counter()
# plain: history = model.fit(X, y, epochs=args.epochs, batch_size=BATCH_SIZE, shuffle=SHUFFLE)
# Speed only: the same batches (in order, or reshuffled every epoch with --shuffle) from a
# tf.data pipeline built once instead of once per epoch, and a whole epoch per call (common.py).
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
# ## How well did it learn? And a demonstration: rows of a batch do not share state
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
print(f"Same predictions in one batch of 25 and one at a time: {same} (largest difference {difference:.1e})")

# The article's second test: 20 patterns drawn at random, with their one-at-a-time predictions.
print("Test a Random Pattern:")
rng = np.random.RandomState(args.seed)
random_picks = rng.randint(len(data_x), size=NUM_RANDOM_TESTS)
picked_x = [data_x[i] for i in random_picks]
picked_letters = common.decode(alone[random_picks])  # the one-at-a-time predictions
for pattern, letter in zip(picked_x, picked_letters):
    print(common.prediction_line(pattern, letter))

# %% [markdown]
# ## Optional: continue letters, save the model, draw what it learned, write the results
# Only with `--predict LETTERS`, `--save FILE.keras`, `--plot FILE.png` or `--json FILE.json`;
# in a notebook, set `args.predict`, `args.save`, `args.plot` or `args.json` first.

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

plotted = None
if args.plot:  # the training curves, and every input's probabilities for the next letter
    plotted = plots.predictions(args.plot, "Framing 4: the 25 pairs in one batch", history, data_x, data_y, in_batch)
    common.log(args, f"Saved the training curves and the predictions to {args.plot}")

# What this run found, as JSON for reproduce.py (only with --json FILE.json).
common.write_json(args, {
    "accuracy": accuracy * 100,
    "train_seconds": train_seconds,
    "plot": plotted,  # the numbers drawn, with --plot
    "units": UNITS, "batch_size": BATCH_SIZE, "shuffle": SHUFFLE,
    "updates": updates,
    "predictions": {
        "": common.pairs(data_x, common.decode(in_batch)),
        "Test a Random Pattern:": common.pairs(picked_x, picked_letters),
    },
    "largest_batch_alone_difference": difference,
    "notes": [f"Same predictions in one batch of 25 and one at a time: {same} (largest difference {difference:.1e})"],
})
