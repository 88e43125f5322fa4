# %%
"""Framing 6: runs of 1 to 5 letters -> the next letter, zero-padded (the article's sixth).

1000 random runs of the alphabet (B -> C, DEF -> G, QRSTU -> V, ...) are padded on the left to
5 time steps, so every sample has the same shape and the last letter is always the last step.
A stateless LSTM learns to predict from a prefix of any length. The article got 98.90%, measured
on its 1000 training samples, which repeat the 114 distinct inputs the sampler can draw; this
script also measures every one of those 114 once. Padding is 0, which is also the code of 'A',
so after padding only 110 of the 114 inputs differ (AB and B both become [A, A, A, A, B]).

Two controls, both off by default (the default run is the article's):
  --hold-out     never train on 8 of the 114 inputs (DEF, DEFG, IJK, IJKL, NOP, NOPQ, STU,
                 STUV) and report the accuracy on those 8 beside the training figure.
  --shift-codes  code the letters A = 1/26 .. Z = 26/26 instead of 0/26 .. 25/26, so the
                 padding 0 is no letter and all 114 inputs stay distinct after padding.
And a readers' question, "can a stateful LSTM take variable-length input?":
  --stateful     instead of the padded model, a stateful LSTM fed each run one letter at a time
                 from a reset, no padding (section "Framing 6 with a stateful LSTM" below).

    python 06_variable_length.py [--epochs 500] [--seed 7] [--learning-rate 0.001] [--quiet] [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png] [--json FILE.json] [--hold-out] [--shift-codes | --stateful]
"""

import time

try:
    import options  # first: reads and checks the command line, before Keras loads
except ModuleNotFoundError as error:  # a notebook whose kernel started outside this folder
    error._render_traceback_ = lambda: ["No module named 'options': start the notebook's kernel in the project's folder, beside options.py"]
    raise

# Configuration: the article's settings.
NUM_SAMPLES = 1000  # random runs drawn for training
MAX_LEN = 5  # longest run; shorter ones are padded on the left to this many time steps
UNITS = 32  # LSTM memory units
EPOCHS = 500  # passes over the 1000 runs
BATCH_SIZE = 1  # one sample per weight update
SHUFFLE = True  # model.fit's default: a new sample order every epoch
NUM_SHOWN = 10  # training pairs to print (of 1000)
NUM_RANDOM_TESTS = 20  # random training patterns to predict after training
# With --hold-out: inputs never trained on, the runs of 3 and 4 letters from D, I, N and S,
# spread over the alphabet (see the section "How well did it learn?").
HELD_OUT = ["DEF", "DEFG", "IJK", "IJKL", "NOP", "NOPQ", "STU", "STUV"]

args = options.parse_args(__doc__.splitlines()[0], epochs=EPOCHS, add_options=options.framing6_options,
                          check=options.framing6_check)  # --hold-out, --shift-codes, --stateful: options.py

# Keras loads only now, once every option is known to be good: --help and a refused value answer
# at once instead of after the 3-second import of TensorFlow.
import common  # noqa: E402  (first of these: it quiets TensorFlow's start-up messages)
import keras  # noqa: E402
import numpy as np  # noqa: E402
import plots  # noqa: E402  (--plot: matplotlib loads only when a picture is asked for)

common.seed_everything(args.seed)  # seed first: same seed, same output
# The command line may change these for a control run; the defaults are the article's.
SHIFT = 1 if args.shift_codes else 0  # added to every letter's code before padding
held_out = [[common.CHAR_TO_INT[char] for char in run] for run in HELD_OUT] if args.hold_out else []
if args.stateful and keras.backend.backend() == "jax":  # as in 05_stateful.py
    options.refuse("the JAX backend of Keras 3.15.1 does not carry a stateful LSTM's state across "
                   "batches; run --stateful with KERAS_BACKEND=tensorflow (the default) or torch")

# %% [markdown]
# ## The data
# 1000 runs of the alphabet, 1 to 5 letters long, padded on the left with zeros to 5 time steps.
# With `--hold-out`, draws of the 8 held-out runs are skipped until 1000 others are collected.

# %%
# Data: 1000 runs drawn as the article draws them (NumPy's legacy generator, seed 7)
data_x, data_y = common.random_subsequences(NUM_SAMPLES, MAX_LEN, seed=args.seed, exclude=held_out)
if not args.quiet:
    common.print_pairs(data_x, data_y, limit=NUM_SHOWN)
if held_out:
    common.log(args, f"Held out, never drawn for training: {', '.join(HELD_OUT)} ({len(held_out)} inputs)")

# X: (samples, time steps, features) = (1000, 5, 1), zeros on the left; y: (1000, 26), one-hot
#   "DEF" -> [0, 0, D, E, F] / 26. With the article's codes (A = 0) the padding 0 reads as 'A':
#   AB and B are both [0, 0, 0, 0, 1] / 26. --shift-codes codes A..Z as 1..26, so 0 is only padding.
X = common.pad_left(data_x, MAX_LEN, shift=SHIFT)
y = common.one_hot(data_y)
if args.stateful:
    common.log(args, "Letter codes: A=0/26 .. Z=25/26, no padding (--stateful: one letter at a time)")
elif SHIFT:
    common.log(args, "Letter codes: A=1/26 .. Z=26/26, padding 0 (--shift-codes: padding is no letter)")
else:
    common.log(args, "Letter codes: A=0/26 .. Z=25/26, padding 0 (the article's: padding looks like 'A')")

# %% [markdown]
# ## The model and its training: the article's code in Keras 3
# A stateless LSTM over 5 time steps; the padding puts the last letter of every run at the last
# step. The `keras.Sequential`, `model.compile` and `# plain: model.fit(...)` lines are the
# article's, in Keras 3: copy them with your own X and y and they run without this
# project (put numbers in place of `args.epochs` and `args.learning_rate`). The lines
# marked "speed only" train the same steps several times faster; they change no result.
# (With `--stateful` the model is built but not trained: the stateful section trains its own.)

# %%
model = keras.Sequential(
    [
        keras.Input(shape=(X.shape[1], X.shape[2])),  # (time steps, features); any batch size
        # unroll: with only 5 time steps, Keras writes the loop over them out instead of a
        # symbolic while loop: the same computation; up to about 20% faster per step in
        # our measurements, though run-to-run noise here is of the same size.
        keras.layers.LSTM(UNITS, unroll=True, name="lstm"),
        keras.layers.Dense(y.shape[1], activation="softmax"),
    ]
)
model.compile(
    loss="categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate),  # the article's "adam": 0.001
    metrics=["accuracy"],
)

# plain: history = model.fit(X, y, epochs=args.epochs, batch_size=BATCH_SIZE, shuffle=SHUFFLE)
if not args.stateful:  # the article's run (--stateful trains the stateful model below instead)
    common.say_if_continuing(args, model)  # in a notebook, a second run of this cell trains further
    common.log(args, f"Training: {args.epochs} epochs of {len(X) // BATCH_SIZE} steps, batch size {BATCH_SIZE}")
    start = time.perf_counter()
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
# Accuracy on the 1000 training runs (the article's figure), on each of the 114 distinct runs
# once, with `--hold-out` on the 8 runs it never saw, then 20 training runs picked at random.
#
# The held-out runs are the runs of 3 and 4 letters from D, I, N and S, spread over the
# alphabet. Their last letters still end other training runs (F ends F, EF, CDEF, BCDEF), so
# they test a new prefix, not a new last letter; and none of them, padded, is the same array as
# a training input.

# %%
all_x, all_y = common.all_subsequences(MAX_LEN)  # the 114 distinct inputs, each once
# The 1000 samples repeat these 114 unevenly, so the article's figure weighs some inputs more
# than others. Held out: never trained on; "seen": the distinct inputs it did train on.
seen = [run for run in all_x if run not in held_out]


def share_right(patterns, letters):
    """The share of `patterns` whose predicted letter (in `letters`) is the letter after their last."""
    return sum(letter == common.INT_TO_CHAR[run[-1] + 1] for run, letter in zip(patterns, letters)) / len(patterns)


# 20 training patterns picked at random, shown with their predictions (by either model).
rng = np.random.RandomState(args.seed)
picks = rng.randint(len(data_x), size=NUM_RANDOM_TESTS)
chosen = [data_x[i] for i in picks]

if not args.stateful:  # the article's padded model
    def predict_letters(patterns):
        """The padded model's next letter for each pattern, padded as in training."""
        return common.decode(model.predict(common.pad_left(patterns, MAX_LEN, shift=SHIFT), verbose=0))

    # Evaluate on the 1000 training runs, as the article does...
    loss, accuracy = model.evaluate(X, y, verbose=0)
    print("Model Accuracy: %.2f%%" % (accuracy * 100))

    # ...and on every distinct input the sampler can draw, each counted once (with --hold-out, the
    # 8 held-out ones among them). Padded, fewer of them differ when 0 is also 'A'.
    all_X = common.pad_left(all_x, MAX_LEN, shift=SHIFT)  # (114, 5, 1)
    after_padding = common.distinct_rows(all_X)  # 110 with the article's codes, 114 shifted
    loss, distinct_accuracy = model.evaluate(all_X, common.one_hot(all_y), verbose=0)
    notes = [
        f"Accuracy on all {len(all_x)} distinct inputs ({after_padding} after padding): "
        f"{distinct_accuracy * 100:.2f}%"
    ]
    print(notes[-1])

    # With --hold-out: the inputs it never trained on. Each target is the letter after the last one.
    if held_out:
        held_predicted = predict_letters(held_out)
        held_out_accuracy = share_right(held_out, held_predicted)
        seen_accuracy = share_right(seen, predict_letters(seen))  # the fair yardstick: each counted once
        notes.append(
            f"Accuracy on the {len(held_out)} held-out inputs (never trained on): {held_out_accuracy * 100:.2f}%,"
            f" on the {len(seen)} distinct inputs it trained on: {seen_accuracy * 100:.2f}%"
        )
        print(notes[-1])

    # Predict 20 training patterns picked at random, padded the same way.
    predicted = predict_letters(chosen)
    for pattern, letter in zip(chosen, predicted):
        print(common.prediction_line(pattern, letter))

    if held_out:
        print("Held-out inputs:")
        for pattern, letter in zip(held_out, held_predicted):
            print(common.prediction_line(pattern, letter))

# %% [markdown]
# ## Framing 6 with a stateful LSTM (`--stateful`)
# Readers of the article asked whether a stateful LSTM can take variable-length input; the
# author answered "yes you can". Here it is, on the same 1000 runs with the same targets: no
# padding, so nothing collides with 'A'. Each run is fed one letter per batch, shape (1, 1, 1),
# from a reset state; the state carries each letter to the next, and the prediction after the
# last letter is the answer.
#
# How it trains, and why:
# - **One target per run, at its last letter**, as the padded model has one target per sample.
#   The earlier letters only move the state forward (`predict_on_batch`); the last one takes one
#   weight update (`train_on_batch`). Targets at every letter would train on a different set:
#   the prefixes too (DEFGH would also teach DEF -> G), and so, with `--hold-out`, on held-out
#   inputs as prefixes of longer runs.
# - **Backpropagation reaches one step back.** A batch of one letter is one time step, so the
#   gradient of the last letter's loss stops at the state the earlier letters left: the model
#   uses that state, but no update teaches the layer how to build it. (The padded model
#   backpropagates through all 5 steps.) Every target here is the letter after the last one, so
#   the task needs no more.
# - **The article's 500 epochs, made fast.** Written plainly (the `# plain, stateful:` lines),
#   every letter is a separate call from Python into Keras, about 2,800 per epoch: far slower
#   than the padded model's one compiled call per epoch. The "speed only" lines compute the same
#   updates in the same order, one compiled call per epoch, with a stateless twin of the model:
#   it reads the earlier letters with a mask (masked steps leave the state at zeros, as after a
#   reset) and stops the gradient at the state they leave (one-step backpropagation). The
#   trained weights then go into the stateful model, which makes every prediction below.
#   tests/test_variable_length.py checks that the plain loop and the twin give the same weights.
# - The runs come in a new random order every epoch, as `fit(shuffle=True)` gives the padded
#   model; the letters inside a run stay in order.

# %%
if args.stateful:
    # A stateful layer keeps one state per row of the batch, so the batch size is fixed in the
    # input: batch_shape = (batch, time steps, features) = (1, 1, 1), one letter per batch.
    model = keras.Sequential(
        [
            keras.Input(batch_shape=(1, 1, 1)),
            # use_cudnn=False: on the PyTorch backend, Keras 3.15.1's faster LSTM path fails to
            # train a stateful layer (see 05_stateful.py); on a CPU with TensorFlow it is the
            # path Keras takes anyway.
            keras.layers.LSTM(UNITS, stateful=True, use_cudnn=False, name="lstm"),
            keras.layers.Dense(y.shape[1], activation="softmax", name="dense"),
        ]
    )
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate),
        metrics=["accuracy"],
    )
    lstm = model.get_layer("lstm")

    def encode(index):
        """One letter as a batch of one: (batch, time steps, features) = (1, 1, 1), coded /26."""
        return common.normalize(np.reshape([index], (1, 1, 1)))

    # The order of the runs: a new random order every epoch, the letters of a run in order.
    order_rng = np.random.RandomState(args.seed)
    order = np.concatenate([order_rng.permutation(len(data_x)) for _ in range(args.epochs)])

    common.log(args, f"Training: {args.epochs} epochs of {len(data_x)} runs, one letter per batch, "
               "one update per run (at its last letter)")
    start = time.perf_counter()
    # One run, DEF -> G:  reset   'D'        'E'        'F'               reset  (next run)
    #   (h, c):           zeros -> s1    ->  s2    ->   train on G   ->  zeros
    # plain, stateful: for i in order:
    # plain, stateful:     lstm.reset_state()  # reset RNN memory: each run starts from zeros
    # plain, stateful:     for index in data_x[i][:-1]:
    # plain, stateful:         model.predict_on_batch(encode(index))  # the earlier letters only move the state
    # plain, stateful:     model.train_on_batch(encode(data_x[i][-1]), y[i : i + 1])  # the last letter: one update
    #
    # Speed only: the same updates, one compiled call per epoch. A stateless twin with the same
    # weights reads each run padded on the left to 5 steps, with a second feature that is 1 where
    # a letter is and 0 on padding: (runs, 5 time steps, 2 features).
    runs = keras.Input(shape=(MAX_LEN, 2))
    twin_lstm = keras.layers.LSTM(UNITS, return_state=True)
    is_letter = keras.ops.greater(runs[:, :-1, 1], 0.5)  # (batch, 4): the earlier letters
    _, h, c = twin_lstm(runs[:, :-1, :1], mask=is_letter)  # masked steps keep the zero state
    h, c = keras.ops.stop_gradient(h), keras.ops.stop_gradient(c)  # no backprop past the last step
    last, _, _ = twin_lstm(runs[:, -1:, :1], initial_state=[h, c])
    twin = keras.Model(runs, keras.layers.Dense(y.shape[1], activation="softmax")(last))
    twin.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate),
                 metrics=["accuracy"])
    twin.set_weights(model.get_weights())  # the stateful model's initial weights
    padded = common.pad_left(data_x, MAX_LEN)[..., 0]  # (runs, 5): codes, 0 on the left
    letters_at = np.array([[step >= MAX_LEN - len(run) for step in range(MAX_LEN)] for run in data_x])
    twin_X = np.stack([padded, letters_at.astype("float32")], axis=-1)  # (runs, 5, 2)
    train, _ = common.training_dataset(twin_X[order], y[order], batch_size=1, shuffle=False, seed=args.seed)
    common.speed_up(twin, len(data_x))
    history = twin.fit(
        train, epochs=args.epochs, steps_per_epoch=len(data_x),
        callbacks=common.progress(args),  # a progress bar over epochs on stderr; none with --quiet
        verbose=0,
    )
    model.set_weights(twin.get_weights())  # the trained weights, into the stateful model
    # Its own optimizer never ran: build it (moments at zero), so that --save writes a complete
    # model and keras.models.load_model does not warn about missing optimizer variables.
    model.optimizer.build(model.trainable_variables)
    train_seconds = time.perf_counter() - start
    common.log(args, f"Training took {train_seconds:.1f} s")

# %% [markdown]
# ## How well did the stateful LSTM learn?
# The same figures as the padded model's, each prediction read after the last letter of a run
# fed from a reset: on the 1000 training runs, on the 114 distinct runs once each (no padding:
# all 114 stay different), and with `--hold-out` on the 8 runs it never saw.

# %%
if args.stateful:
    def predict_from_reset(pattern):
        """Feed `pattern` one letter per batch from a zero state; the probabilities after its last
        letter, (1, 26)."""
        lstm.reset_state()  # reset RNN memory
        for index in pattern:
            probabilities = model.predict_on_batch(encode(index))
        return probabilities

    def predict_letters(patterns):
        """The stateful model's next letter for each pattern, each fed from a reset."""
        return [common.decode(predict_from_reset(pattern))[0] for pattern in patterns]

    # A run's prediction is the same wherever it comes, so the 114 distinct runs are fed once
    # and the 1000 training runs are scored from those answers.
    answer = dict(zip(map(tuple, all_x), predict_letters(all_x)))
    accuracy = share_right(data_x, [answer[tuple(run)] for run in data_x])
    print("Model Accuracy: %.2f%%" % (accuracy * 100))
    distinct_accuracy = share_right(all_x, [answer[tuple(run)] for run in all_x])
    after_padding = len(all_x)  # no padding: every distinct run is a different input
    notes = [f"Accuracy on all {len(all_x)} distinct inputs (no padding, all differ): {distinct_accuracy * 100:.2f}%"]
    print(notes[-1])

    if held_out:
        held_predicted = [answer[tuple(run)] for run in held_out]
        held_out_accuracy = share_right(held_out, held_predicted)
        seen_accuracy = share_right(seen, [answer[tuple(run)] for run in seen])
        notes.append(
            f"Accuracy on the {len(held_out)} held-out inputs (never trained on): {held_out_accuracy * 100:.2f}%,"
            f" on the {len(seen)} distinct inputs it trained on: {seen_accuracy * 100:.2f}%"
        )
        print(notes[-1])

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
# Predict N letters: each step feeds the last MAX_LEN letters so far (fewer at first), padded
# on the left to (1, 5, 1) for the padded model, or one letter per batch from a reset for the
# stateful one.
if args.predict:
    common.print_continuation(
        lambda pattern: (predict_from_reset(pattern) if args.stateful
                         else model.predict(common.pad_left([pattern], MAX_LEN, shift=SHIFT), verbose=0)),
        args.predict, args.steps, window=MAX_LEN,
    )

if args.save:
    common.save_model(model, args.save)
    common.log(args, f"Saved the trained model to {args.save}")

# The picture: right or wrong on each of the distinct inputs, by first letter and length.
plotted = None
if args.plot:
    if args.stateful:
        title, subtitle = "Framing 6, stateful: runs of 1-5 letters, one letter at a time", "\n(no padding)"
    else:
        title = "Framing 6: runs of 1-5 letters, zero-padded" + (" (--shift-codes)" if SHIFT else "")
        subtitle = f"\n({after_padding} different arrays after padding)"
    all_predicted = predict_letters(all_x)
    plotted = plots.grid(
        args.plot, title + (" (--hold-out)" if held_out else ""), history, all_x,
        [letter == common.INT_TO_CHAR[target] for letter, target in zip(all_predicted, all_y)],
        held_out=held_out, subtitle=subtitle,
    )
    common.log(args, f"Saved the training curves and the right and wrong inputs to {args.plot}")

# What this run found, as JSON for reproduce.py (only with --json FILE.json).
predictions = {"": common.pairs(chosen, predicted)}
if held_out:
    predictions["Held-out inputs:"] = common.pairs(held_out, held_predicted)
common.write_json(args, {
    "accuracy": accuracy * 100,
    "train_seconds": train_seconds,
    "plot": plotted,  # the numbers drawn, with --plot
    "distinct_accuracy": distinct_accuracy * 100,  # on the 114, each once
    "distinct_inputs": len(all_x),
    "distinct_after_padding": after_padding,  # 114 with --stateful: nothing is padded
    "held_out_accuracy": held_out_accuracy * 100 if held_out else None,
    "seen_accuracy": seen_accuracy * 100 if held_out else None,  # the distinct inputs trained on
    "held_out": HELD_OUT if held_out else [],
    "stateful": args.stateful,
    "predictions": predictions,
    "notes": notes,
})
