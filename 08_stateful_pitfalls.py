# %%
"""Stateful mistakes Keras 3 does not catch: each one run, measured on a small model, and fixed.

A stateful LSTM keeps one state row per slot of its batch, from one batch to the next. Keras 2
stopped with an error on several misuses of that; Keras 3.15.1 on TensorFlow goes on without a
word on some of them. This script trains a small stateful model the right way on a pattern that
needs its state (AAB, repeated: after an A comes an A or a B, and only the state can say which),
then, for each mistake: the wrong code as a reader would write it, what Keras says (the error's
first line, or "no error"), the harm measured against the right way (rows returned, accuracy on
the streams, state rows that changed), what `guard.check_stateful_fit` says about it, and the
fix, run. It ends with a table: mistake | Keras 3 says | harm | fix.

    python 08_stateful_pitfalls.py [--epochs 40] [--seed 7] [--learning-rate 0.01] [--quiet]
        [--json FILE.json]
"""

import logging
import re
import time

import common  # the options every script shares, and --json
import guard  # check_stateful_fit: the one-line refusals this script shows (guard.py, beside it)

# Configuration.
PATTERN = "AAB"  # repeats; one letter cannot say what follows an A, the state can
PAIRS = 80  # (letter, next letter) pairs in the series: two streams of 40
BATCH_SIZE = 2  # two streams side by side, one row of the batch (and of the state) each
FEATURES = len(set(PATTERN))  # letters of the pattern, one-hot: A = [1, 0], B = [0, 1]
UNITS = 16  # LSTM memory units
EPOCHS = 40  # passes over the two streams, each from a reset state: 1600 updates
LEARNING_RATE = 0.01  # Adam's step: ten times its default, so that the three trainings take seconds


def own_options(parser):
    """08's learning rate is LEARNING_RATE unless --learning-rate says otherwise; --help says so."""
    parser.set_defaults(learning_rate=LEARNING_RATE)
    (rate,) = [action for action in parser._actions if action.dest == "learning_rate"]
    rate.help = (
        f"Adam's learning rate, above 0 and at most {common.LEARNING_RATE_MAX} (default: "
        f"{LEARNING_RATE}, ten times Adam's default, so the small models here learn in "
        "seconds)"
    )


def unused_options(args):
    """08 predicts, saves and draws nothing: refuse the shared options that would do nothing."""
    unused = [name for name in ("predict", "save", "plot") if getattr(args, name) is not None]
    if unused:
        return (
            f"argument --{unused[0]}: 08_stateful_pitfalls.py takes no --predict, --save or --plot"
        )
    return None


# The options, checked before Keras loads (--help answers at once); the defaults are the above.
args = common.parse_args(
    __doc__,
    epochs=EPOCHS,
    add_options=own_options,
    check=unused_options,
    epochs_note="passes of the right training over the streams",
)

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(args.seed)  # seed first: same seed, same output
# Several models are built and called here, and TensorFlow warns on stderr that it traces a new
# function for each ("triggered tf.function retracing"): it must, they are new models.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

# What is measured here is the TensorFlow backend's behaviour. On the other two, Keras 3.15.1
# answers differently: JAX does not carry the state at all, PyTorch stops with a ValueError on
# the short last batch. Say so in one line rather than print a table that is not theirs.
if keras.backend.backend() == "jax":
    common.refuse(
        "the JAX backend of Keras 3.15.1 does not carry a stateful LSTM's state across batches, "
        "so these mistakes cannot be shown there; run with KERAS_BACKEND=tensorflow (the default)"
    )
if keras.backend.backend() == "torch":
    common.refuse(
        "this table is the TensorFlow backend's: on PyTorch, Keras 3.15.1 stops with a ValueError "
        "on a short last batch instead of running it; run with KERAS_BACKEND=tensorflow "
        "(the default)"
    )

# %% [markdown]
# ## The data: one series, two streams side by side
# The series AABAAB... as (letter, next letter) pairs, letters one-hot. A stateful model with a
# batch of 2 reads two streams at once, one per row: the first half of the series in row 1, the
# second half in row 2, one letter per batch, so that row i of every batch continues row i of
# the batch before. This layout is the first thing the mistakes below break.

# %%
letters = sorted(set(PATTERN))  # ['A', 'B']: one feature each, one-hot
series = [letters.index(char) for char in (PATTERN * PAIRS)[: PAIRS + 1]]  # 81 letter indices
# x_series: (pairs, time steps, features) = (80, 1, 2); y_series: (80, 2), the next letter
x_series = keras.utils.to_categorical(series[:-1], FEATURES).reshape(PAIRS, 1, FEATURES)
y_series = keras.utils.to_categorical(series[1:], FEATURES)


def as_streams(a):  # copy this: plain NumPy, the layout a stateful model needs
    """Cut `a` (pairs, ...) into BATCH_SIZE equal streams and interleave them, so that batch k
    holds pair k of every stream and row i of each batch continues row i of the batch before:

        batch:    1         2         3        ...   40
        row 1:  pair 0    pair 1    pair 2     ...  pair 39
        row 2:  pair 40   pair 41   pair 42    ...  pair 79
    """
    # (pairs, ...) -> (streams, pairs per stream, ...) -> (pairs per stream, streams, ...)
    # -> (pairs, ...)
    streams = a.reshape(BATCH_SIZE, len(a) // BATCH_SIZE, *a.shape[1:])
    return streams.swapaxes(0, 1).reshape(a.shape)


X, y = as_streams(x_series), as_streams(y_series)  # X: (80, 1, 2), y: (80, 2), in batch order
common.log(
    args,
    f"Series: {''.join(letters[i] for i in series[:12])}... {PAIRS} pairs, "
    f"read as {BATCH_SIZE} streams of {PAIRS // BATCH_SIZE}, one letter per batch",
)

# %% [markdown]
# ## The model, the right way
# A fixed batch size in the input and `stateful=True`; trained below on the batches in order
# (`shuffle=False`), the state reset where the streams end (each epoch), and scored by reading
# both streams in order from a reset.


# %%
def build_model(batch_size):  # copy this: a stateful model's batch size is part of it
    """The model, built for batches of `batch_size`: its state has `batch_size` rows. To predict
    with another batch size, build it again and copy the weights:
    `new = build_model(1); new.set_weights(model.get_weights())`."""
    return keras.Sequential(
        [
            keras.Input(batch_shape=(batch_size, 1, FEATURES)),  # (batch, time steps, features)
            # use_cudnn=False: the path Keras takes on a CPU anyway; on a GPU the cuDNN kernel
            # would give other numbers.
            keras.layers.LSTM(UNITS, stateful=True, use_cudnn=False, name="lstm"),
            keras.layers.Dense(FEATURES, activation="softmax", name="dense"),
        ]
    )


model = build_model(BATCH_SIZE)
steps_per_epoch = PAIRS // BATCH_SIZE  # 40 batches: each stream read once, a letter a batch
model.compile(
    loss="categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate),  # 0.01: LEARNING_RATE
    metrics=["accuracy"],
    # Speed, the same steps: a whole epoch per call into TensorFlow, each step compiled by XLA
    # (this script runs on TensorFlow only, which takes both).
    steps_per_execution=steps_per_epoch,
    jit_compile=True,
)
initial_weights = model.get_weights()  # every model trained below starts from these


def copy(weights=None, fast=False):
    """A new model like `model`, with `weights` (default: the trained ones), its state zeros and
    its functions not yet traced: each mistake below starts from one. Compiled as `model` is,
    but one batch per call and no XLA unless `fast` (for the trainings of many epochs): the
    mistakes run as a reader's model runs them."""
    fresh = build_model(BATCH_SIZE)
    fresh.set_weights(model.get_weights() if weights is None else weights)
    fresh.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate),
        metrics=["accuracy"],
        steps_per_execution=steps_per_epoch if fast else 1,
        jit_compile=fast,
    )
    return fresh


def stream_score(m):
    """(accuracy %, cross-entropy) of `m`'s weights reading both streams in order from a reset,
    one batch at a time, as the right layout feeds them."""
    reader = copy(m.get_weights())
    predicted = reader.predict(X, batch_size=BATCH_SIZE, verbose=0)  # in order: never shuffled
    targets = np.argmax(y, -1)
    right_letter = predicted[np.arange(len(targets)), targets]  # P(the true next letter)
    cross_entropy = -np.mean(np.log(np.maximum(right_letter, 1e-12)))
    return 100 * float(np.mean(np.argmax(predicted, -1) == targets)), float(cross_entropy)


# %% [markdown]
# ## Training the right way
# `model.fit(X, y, batch_size=2, shuffle=False, epochs=40, callbacks=[reset])` trains the same
# steps; on arrays, Keras rebuilds its input every epoch, so these lines build a `tf.data`
# pipeline once instead: the batches in order, as `shuffle=False` gives them, repeated without
# end and cut into epochs by `steps_per_epoch` (docs/speed.md measures the difference).

# %%
common.log(
    args,
    f"Training the right way: {args.epochs} epochs of {steps_per_epoch} batches "
    f"of {BATCH_SIZE}, in order",
)
start = time.perf_counter()
in_order = (
    tf.data.Dataset.from_tensor_slices((X, y))  # no shuffle: batch k continues batch k - 1
    .batch(BATCH_SIZE, drop_remainder=True)
    .repeat()  # one endless stream; steps_per_epoch cuts it into epochs
)
# reset RNN memory where the streams end: each pass reads them from the start, from zeros
reset = keras.callbacks.LambdaCallback(
    on_epoch_end=lambda epoch, logs: model.get_layer("lstm").reset_state()
)
guard.check_stateful_fit(model, X, batch_size=BATCH_SIZE, shuffle=False)  # passes: nothing wrong
model.fit(
    in_order, epochs=args.epochs, steps_per_epoch=steps_per_epoch, callbacks=[reset], verbose=0
)
right, right_loss = stream_score(model)
train_seconds = time.perf_counter() - start
print(
    f"Right way: {right:.2f}% of the letters right (cross-entropy {right_loss:.3f}), reading "
    "both streams in order from a reset"
)

# %% [markdown]
# ## How each mistake is shown
# Each call is run as written; what Keras raises is caught and its first line kept. The harm is
# measured on a copy of the trained model, so one mistake cannot change the next.

# %%
found = []  # one dict per mistake: the table and --json


last_error = [""]  # the whole message of the last error keras_says caught


def keras_says(call):
    """Run `call()`: ("no error", its result), or (the error's class and first line, None)."""
    try:
        return "no error", call()
    except Exception as error:  # noqa: BLE001  (any error is the answer we report)
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # without the terminal's colours
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        last_error[0] = lines
        return f"{type(error).__name__}: {lines[0] if lines else ''}", None


def guard_says(*arguments, **keywords):
    """What guard.check_stateful_fit says about these inputs: its one line, or "passes"."""
    try:
        guard.check_stateful_fit(*arguments, **keywords)
        return "passes"
    except guard.StatefulMistake as mistake:
        return f"refuses: {mistake}"


def state(m):
    """The stateful layer's (h, c), one row per slot of the batch: (2, batch, units)."""
    return np.array([keras.ops.convert_to_numpy(s) for s in m.get_layer("lstm").states])


def rows_changed(before, after):
    """How many state rows (slots of the batch) differ between two `state()`s."""
    return int(np.sum(np.any(np.abs(before - after) > 1e-7, axis=(0, 2))))


def report(
    name, mistake, wrong, says, harm, fix, expected_says, as_expected, guard_line=None, reason=None
):
    """Print one mistake and keep it for the table. `as_stated`: Keras said what the table says
    it says (`expected_says` starts its answer) and the harm was what `as_expected` says."""
    as_stated = says.startswith(expected_says) and bool(as_expected)
    found.append(
        {
            "name": name,
            "mistake": mistake,
            "keras_says": says,
            "harm": harm,
            "fix": fix,
            "as_stated": as_stated,
        }
    )
    if not args.quiet:
        print(f"\n{len(found)}. {mistake}")
        print(f"   wrong:  {wrong}")
        print(f"   Keras:  {says}")
        if reason is not None:
            print(f"           {reason}")
        print(f"   harm:   {harm}")
        if guard_line is not None:
            print(f"   guard:  {guard_line}")
        print(f"   fix:    {fix}")
        if not as_stated:
            print(f"   NOT AS STATED: the table expects {expected_says!r}")


# %% [markdown]
# ## 1-2. The uneven last batch, in fit and in predict
# Five samples in batches of 2: the last batch holds one. The state holds two rows. Keras 2
# refused; Keras 3 on TensorFlow runs the one sample against both rows (Keras issue #21183).

# %%
m = copy()
states_after = []  # the state after each training batch
record = keras.callbacks.LambdaCallback(
    on_train_batch_end=lambda batch, logs: states_after.append(state(m))
)
says, _ = keras_says(
    lambda: m.fit(
        X[:5], y[:5], batch_size=BATCH_SIZE, shuffle=False, epochs=1, verbose=0, callbacks=[record]
    )
)
moved = rows_changed(states_after[-2], states_after[-1])  # by the last batch, 1 sample
m = copy()
states_after = []
fixed_says, _ = keras_says(
    lambda: m.fit(
        X[:4], y[:4], batch_size=BATCH_SIZE, shuffle=False, epochs=1, verbose=0, callbacks=[record]
    )
)
report(
    "uneven-fit",
    "fit on samples that do not fill the last batch",
    "model.fit(X[:5], y[:5], batch_size=2, shuffle=False)",
    says,
    f"the last batch, 1 sample of stream 1, moved {moved} of {BATCH_SIZE} state rows",
    f"whole batches, fit(X[:4], ...): {fixed_says}, {len(states_after)} batches of {BATCH_SIZE}",
    "no error",
    moved == BATCH_SIZE and fixed_says == "no error",
    guard_says(m, X[:5], batch_size=BATCH_SIZE, shuffle=False),
)

m = copy()
says, rows = keras_says(lambda: m.predict(X[:5], batch_size=BATCH_SIZE, verbose=0))
m_fixed = copy()
padded = np.concatenate([X[:5], np.zeros_like(X[:1])])  # a blank sample fills the last batch
fixed_rows = m_fixed.predict(padded, batch_size=BATCH_SIZE, verbose=0)[:5]  # its row is dropped
same = rows is not None and np.allclose(rows[:5], fixed_rows, atol=1e-6)
report(
    "uneven-predict",
    "predict on samples that do not fill the last batch",
    "model.predict(X[:5], batch_size=2)",
    says,
    f"{len(rows)} rows for 5 samples; the last is sample 5 read with row 2's state"
    if rows is not None
    else "-",
    f"pad to whole batches with a blank sample, np.concatenate([X[:5], np.zeros_like(X[:1])]), "
    f"predict, keep the first 5 rows: {len(fixed_rows)} rows, "
    f"{'the same as' if same else 'NOT the same as'} the first 5 of the 6",
    "no error",
    rows is not None and len(rows) == 6 and same,
    guard_says(m, X[:5], batch_size=BATCH_SIZE, shuffle=False),
)

# %% [markdown]
# ## 3-4. Predicting with another batch size
# A model built for batches of 2 asked for one sample at a time. A model that has not predicted
# yet refuses. One whose predict has already met a short batch (as in 2) takes it without a word
# and returns one row per slot of its state.

# %%
m = copy()
says, _ = keras_says(lambda: m.predict(X[:1], batch_size=1, verbose=0))
reason = last_error[0][1]  # the line under Keras's first: why LSTM.call() refused
one = build_model(1)  # the same layers, built for batches of 1: a state of its own, 1 row
one.set_weights(m.get_weights())  # the trained weights (the state is not a weight)
fixed = one.predict(X[:1], batch_size=1, verbose=0)
report(
    "other-batch-size",
    "predict with another batch size than the model's",
    "model.predict(X[:1], batch_size=1)",
    says,
    "stops: nothing predicted",
    f"the same layers on keras.Input(batch_shape=(1, 1, {FEATURES})), then "
    f"new.set_weights(model.get_weights()): {len(fixed)} row",
    "ValueError: Exception encountered when calling LSTM.call()",
    len(fixed) == 1,
    guard_says(m, X[:1], batch_size=1, shuffle=False),
    reason=reason,
)

m = copy()
m.predict(X[:5], batch_size=BATCH_SIZE, verbose=0)  # as in 2: its last batch held one sample
says, rows = keras_says(lambda: m.predict(X[:1], batch_size=1, verbose=0))
report(
    "other-batch-size-after-uneven",
    "the same, after predict met a short batch",
    "model.predict(X[:5], batch_size=2); model.predict(X[:1], batch_size=1)",
    says,
    f"{len(rows)} rows for 1 sample" if rows is not None else "-",
    f"the same layers on keras.Input(batch_shape=(1, 1, {FEATURES})), weights copied: "
    f"{len(fixed)} row",
    "no error",
    rows is not None and len(rows) == BATCH_SIZE,
)

# %% [markdown]
# ## 5. fit's default shuffle
# `model.fit(X, y, batch_size=2)` without `shuffle=False` feeds the samples in a new order every
# epoch: each batch reads the state a batch from elsewhere in the streams left. Trained here
# from a pipeline that shuffles as `fit(shuffle=True)` does: the same batches, faster.

# %%
probe = copy(initial_weights)  # one call, as written, for what Keras says
says, _ = keras_says(
    lambda: probe.fit(X[:BATCH_SIZE], y[:BATCH_SIZE], batch_size=BATCH_SIZE, epochs=1, verbose=0)
)
shuffled = copy(initial_weights, fast=True)  # trained as the right model was: same start
common.log(
    args,
    "\nTraining with fit's default shuffle=True: "
    f"{args.epochs} epochs from the same initial weights",
)
in_new_orders = (
    tf.data.Dataset.from_tensor_slices((X, y))
    .shuffle(len(X), seed=args.seed, reshuffle_each_iteration=True)  # as fit(shuffle=True) does
    .batch(BATCH_SIZE, drop_remainder=True)
    .repeat()
)
reset = keras.callbacks.LambdaCallback(  # reset RNN memory after each pass, as the right way does
    on_epoch_end=lambda epoch, logs: shuffled.get_layer("lstm").reset_state()
)
shuffled.fit(
    in_new_orders, epochs=args.epochs, steps_per_epoch=steps_per_epoch, callbacks=[reset], verbose=0
)
wrong, wrong_loss = stream_score(shuffled)
# Its accuracy is luck: 33.75% to 98.75% on seeds 7-11. Its cross-entropy says what it learned:
# it never saw a state that belonged to the batch, so it is unsure of every letter after an A.
if wrong == right:  # luck: say so, not as harm
    letters_right = f"{wrong:.2f}% of the letters right both ways"
else:
    letters_right = f"{wrong:.2f}% of the letters right, against {right:.2f}%"
report(
    "shuffle",
    "fit's default shuffle=True on a stateful model",
    "model.fit(X, y, batch_size=2, epochs=40)",
    says,
    f"cross-entropy {wrong_loss:.3f} against {right_loss:.3f} the right way ({letters_right})",
    f"shuffle=False: cross-entropy {right_loss:.3f}, {right:.2f}%",
    "no error",
    wrong_loss > 5 * right_loss,
    guard_says(shuffled, X, batch_size=BATCH_SIZE),
)

# %% [markdown]
# ## 6. Windows from keras.utils.timeseries_dataset_from_array
# Keras's own window maker puts consecutive windows side by side in a batch: pair 0 and pair 1 in
# batch 1, pairs 2 and 3 in batch 2. For a stateful model, row 1 then reads pairs 0, 2, 4, ...:
# every other letter. Training looks fine on its own batches; the streams read in order do not.

# %%
# batches of (x, y): ((2, 1, 2), (2, 2)), the last one as short as the series leaves it
windows = keras.utils.timeseries_dataset_from_array(
    x_series[:, 0], y_series, sequence_length=1, batch_size=BATCH_SIZE
)
probe = copy(initial_weights)  # one call, as written, for what Keras and the guard say
guard_line = guard_says(probe, windows)
says, _ = keras_says(lambda: probe.fit(windows.take(1), epochs=1, verbose=0))
by_windows = copy(initial_weights, fast=True)  # same start, fresh optimizer
common.log(
    args,
    "\nTraining on timeseries_dataset_from_array windows: "
    f"{args.epochs} epochs from the same initial weights",
)
reset = keras.callbacks.LambdaCallback(  # reset RNN memory after each pass, as the right way does
    on_epoch_end=lambda epoch, logs: by_windows.get_layer("lstm").reset_state()
)
history = by_windows.fit(windows, epochs=args.epochs, callbacks=[reset], verbose=0)
own_batches = 100 * history.history["accuracy"][-1]
on_streams, _ = stream_score(by_windows)
report(
    "timeseries-windows",
    "windows from keras.utils.timeseries_dataset_from_array",
    "model.fit(keras.utils.timeseries_dataset_from_array(x, y, sequence_length=1, batch_size=2))",
    says,
    f"{own_batches:.2f}% on its own batches, {on_streams:.2f}% on the streams read in order",
    "arrays laid out so row i of each batch continues row i of the batch before, "
    f"x.reshape({BATCH_SIZE}, {PAIRS // BATCH_SIZE}, 1, {FEATURES}).swapaxes(0, 1)"
    f".reshape({PAIRS}, 1, {FEATURES}) "
    f"(and y alike), fit with batch_size={BATCH_SIZE}, shuffle=False: {right:.2f}%",
    "no error",
    own_batches >= 95 and on_streams < right - 20,
    guard_line,
)

# %% [markdown]
# ## 7-9. evaluate, predict and validation move the state
# Half-way through the streams, a look at the score (evaluate), at a few predictions (predict),
# or validation data in fit: each runs the stateful layer, and each leaves its own state behind.

# %%
half = PAIRS // 2  # samples: the first 20 batches, half of each stream


def continue_streams(m):
    """Accuracy (%) of `m` reading the second half of both streams from the state it holds."""
    batches = range(half, PAIRS, BATCH_SIZE)
    predicted = np.concatenate([m.predict_on_batch(X[i : i + BATCH_SIZE]) for i in batches])
    return 100 * float(np.mean(np.argmax(predicted, -1) == np.argmax(y[half:], -1)))


def warmed_up():
    """A copy that has read the first half of both streams from a reset, and its state."""
    m = copy()
    for i in range(0, half, BATCH_SIZE):
        m.predict_on_batch(X[i : i + BATCH_SIZE])
    return m, state(m)


m, kept = warmed_up()
undisturbed = continue_streams(m)  # the state kept: the right way
for name, wrong, call in [
    (
        "evaluate-moves-state",
        "model.evaluate(X, y, batch_size=2)",
        lambda m: m.evaluate(X, y, batch_size=BATCH_SIZE, verbose=0),
    ),
    (
        "predict-moves-state",
        "model.predict(X[:4], batch_size=2)",
        lambda m: m.predict(X[:4], batch_size=BATCH_SIZE, verbose=0),
    ),
]:
    m, saved = warmed_up()
    says, _ = keras_says(lambda: call(m))
    moved = rows_changed(saved, state(m))
    after = continue_streams(m)
    m, _ = warmed_up()
    lstm = m.get_layer("lstm")
    saved = [keras.ops.convert_to_numpy(s) for s in lstm.states]  # copy this: save (h, c) ...
    call(m)
    for s, v in zip(lstm.states, saved):  # ... and put it back
        s.assign(v)
    restored = continue_streams(m)
    if after >= undisturbed:  # nothing lost on this run: say so, and what did happen
        both = (
            f"{after:.2f}% both ways"
            if after == undisturbed
            else f"{after:.2f}% after it, {undisturbed:.2f}% with the state kept"
        )
        harm = f"none measured here ({both}): the state still moved, {moved} of {BATCH_SIZE} rows"
    else:
        harm = (
            f"moved {moved} of {BATCH_SIZE} state rows; the streams went on at {after:.2f}%, "
            f"against {undisturbed:.2f}% with the state kept"
        )
    report(
        name,
        f"{wrong.split('(')[0][6:]} in the middle of the streams",
        wrong,
        says,
        harm,
        "lstm = model.get_layer('lstm'); "
        "saved = [keras.ops.convert_to_numpy(s) for s in lstm.states] before, "
        f"for s, v in zip(lstm.states, saved): s.assign(v) after: {restored:.2f}%",
        "no error",
        moved == BATCH_SIZE and restored == undisturbed,
    )

m = copy()
states_after = []
record = keras.callbacks.LambdaCallback(
    on_train_batch_end=lambda batch, logs: states_after.append(state(m))
)
says, _ = keras_says(
    lambda: m.fit(
        X,
        y,
        batch_size=BATCH_SIZE,
        shuffle=False,
        epochs=1,
        verbose=0,
        validation_data=(X, y),
        callbacks=[record],
    )
)
moved = rows_changed(states_after[-1], state(m))  # training's last state against what fit leaves
m = copy()
lstm = m.get_layer("lstm")
# reset RNN memory where each pass starts, training's and validation's: plain Keras, copy this
reset = keras.callbacks.LambdaCallback(
    on_epoch_begin=lambda epoch, logs: lstm.reset_state(),
    on_test_begin=lambda logs: lstm.reset_state(),
)
logs = m.fit(
    X,
    y,
    batch_size=BATCH_SIZE,
    shuffle=False,
    epochs=1,
    verbose=0,
    validation_data=(X, y),
    callbacks=[reset],
).history
from_reset, _ = stream_score(m)  # what validation should say: the streams from a reset
report(
    "validation-moves-state",
    "validation_data in fit on a stateful model",
    "model.fit(X, y, batch_size=2, shuffle=False, validation_data=(X, y))",
    says,
    "validation starts from training's last state and leaves its own: "
    f"{moved} of {BATCH_SIZE} rows differ from training's",
    "lstm = model.get_layer('lstm'); callbacks=[keras.callbacks.LambdaCallback("
    "on_epoch_begin=lambda epoch, logs: lstm.reset_state(), "
    "on_test_begin=lambda logs: lstm.reset_state())]: "
    f"val_accuracy {100 * logs['val_accuracy'][-1]:.2f}%, from a reset {from_reset:.2f}%",
    "no error",
    moved == BATCH_SIZE and abs(100 * logs["val_accuracy"][-1] - from_reset) < 1e-4,
)

# %% [markdown]
# ## 10. A missing reset between sequences
# The streams read twice, the second time without `reset_state()`: the second pass starts from
# the state the first left, at the end of the series, and reads its first letters as if they
# continued it.

# %%
m = copy()
first = m.predict(X, batch_size=BATCH_SIZE, verbose=0)
carried = int(np.sum(np.any(state(m) != 0, axis=(0, 2))))  # rows the second pass starts from
says, second = keras_says(lambda: m.predict(X, batch_size=BATCH_SIZE, verbose=0))  # no reset
targets = np.argmax(y, -1)
first_right = 100 * float(np.mean(np.argmax(first, -1) == targets))
second_right = 100 * float(np.mean(np.argmax(second, -1) == targets))
changed = int(np.sum(np.argmax(first, -1) != np.argmax(second, -1)))
m.get_layer("lstm").reset_state()  # reset RNN memory: a new sequence starts from zeros
third = m.predict(X, batch_size=BATCH_SIZE, verbose=0)
if second_right == first_right:  # the same accuracy: say so, not as a loss
    scored = f"the same accuracy here ({second_right:.2f}% both ways)"
else:
    scored = f"{second_right:.2f}% right, against {first_right:.2f}% from a reset"
as_first = np.allclose(third, first, atol=1e-6)
report(
    "missing-reset",
    "no reset_state() between sequences",
    "model.predict(X, batch_size=2); model.predict(X, batch_size=2)",
    says,
    f"the second pass starts from the first's last state ({carried} of {BATCH_SIZE} rows) "
    f"and predicts {changed} letters otherwise; {scored}",
    "model.get_layer('lstm').reset_state() before it: "
    f"{'the same' if as_first else 'NOT the same'} predictions as the first pass",
    "no error",
    carried == BATCH_SIZE and as_first,
)

# %% [markdown]
# ## 11-14. Keras 2 names
# The article's code: `batch_input_shape=` on the layer, `stateful=True` with no batch size, and
# `model.reset_states()`. Keras 3 stops on three of the four forms; the fix is the form the
# scripts here use.

# %%
says, _ = keras_says(
    lambda: keras.layers.LSTM(UNITS, batch_input_shape=(BATCH_SIZE, 1, FEATURES), stateful=True)
)
fixed = keras.Sequential(
    [
        keras.Input(batch_shape=(BATCH_SIZE, 1, FEATURES)),
        keras.layers.LSTM(UNITS, stateful=True, use_cudnn=False),
    ]
)
report(
    "batch_input_shape",
    "Keras 2's batch_input_shape= on the layer",
    f"LSTM(16, batch_input_shape=(2, 1, {FEATURES}), stateful=True)",
    says,
    "stops: no model",
    f"keras.Input(batch_shape=(2, 1, {FEATURES})) first: input {tuple(fixed.input_shape)}",
    "ValueError: Unrecognized keyword arguments passed to LSTM",
    fixed.input_shape[0] == BATCH_SIZE,
)

says, _ = keras_says(
    lambda: keras.Sequential(
        [
            keras.Input(shape=(1, FEATURES)),  # (time steps, features): any batch size
            keras.layers.LSTM(UNITS, stateful=True, use_cudnn=False),
        ]
    )
)
report(
    "stateful-without-batch-size",
    "stateful=True without a batch size",
    "keras.Sequential([keras.Input(shape=(1, 2)), LSTM(16, stateful=True)])",
    says,
    "stops: no model",
    "keras.Input(batch_shape=(2, 1, 2)): the right model above",
    "ValueError: When using `stateful=True` in a RNN, the batch size must be static",
    True,
)

# Keras 2 readers also leave the input out altogether. Then Keras builds the model on the first
# batch fit gives it, and its batch size is whatever that batch held: no error.
unbuilt = keras.Sequential(
    [
        keras.layers.LSTM(UNITS, stateful=True, use_cudnn=False, name="lstm"),
        keras.layers.Dense(FEATURES, activation="softmax"),
    ]
)
unbuilt.compile(loss="categorical_crossentropy", optimizer="adam")
guard_line = guard_says(unbuilt, X, batch_size=BATCH_SIZE, shuffle=False)
says, _ = keras_says(
    lambda: unbuilt.fit(X, y, batch_size=BATCH_SIZE, shuffle=False, epochs=1, verbose=0)
)
built_for = unbuilt.get_layer("lstm").states[0].shape[0]
report(
    "stateful-without-input",
    "stateful=True with no input shape at all",
    "keras.Sequential([LSTM(16, stateful=True), Dense(2)]); model.fit(X, y, batch_size=2)",
    says,
    f"none measured here: the state is built for the first batch fit gives it ({built_for} "
    "rows) and nothing in the model says so",
    "keras.Input(batch_shape=(2, 1, 2)) first: the batch size is written in the model",
    "no error",
    built_for == BATCH_SIZE,
    guard_line,
)

m = copy()
m.predict(X[:4], batch_size=BATCH_SIZE, verbose=0)  # some state to reset
says, _ = keras_says(lambda: m.reset_states())
m.get_layer("lstm").reset_state()
report(
    "model.reset_states",
    "Keras 2's model.reset_states()",
    "model.reset_states()",
    says,
    "stops",
    "model.get_layer('lstm').reset_state(): state all zeros: "
    f"{'yes' if not np.any(state(m)) else 'NO'}",
    "AttributeError: 'Sequential' object has no attribute 'reset_states'",
    not np.any(state(m)),
)

# %% [markdown]
# ## The table
# Each row: the mistake, what Keras 3.15.1 on TensorFlow says, the harm measured above, and the
# fix, run. A row marked "(not as stated)" behaved otherwise than this script expects.

# %%
print("\n| mistake | Keras 3 says | harm | fix |")
print("|---|---|---|---|")
for row in found:
    flag = "" if row["as_stated"] else " (not as stated)"
    print(f"| {row['mistake']}{flag} | {row['keras_says']} | {row['harm']} | {row['fix']} |")
as_stated_percent = 100 * sum(row["as_stated"] for row in found) / len(found)
print(
    f"\nAs stated: {as_stated_percent:.2f}% of {len(found)} mistakes "
    f"(Keras {keras.__version__}, backend {keras.backend.backend()})"
)

# What this run found, as JSON for reproduce.py (only with --json FILE.json).
common.write_json(
    args,
    {
        "accuracy": right,  # the right way, on the streams from a reset
        "train_seconds": train_seconds,
        "keras": keras.__version__,
        "pitfalls": found,
        "as_stated_percent": as_stated_percent,
    },
)
