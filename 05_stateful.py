# %%
"""Framing 5: a stateful LSTM fed the alphabet one letter at a time (the article's fifth).

With `stateful=True` the LSTM keeps its state (h, c) from one batch to the next instead of
starting each sample from zero. Fed A, B, C, ... in order, one letter per batch, with the state
reset at the end of each pass over the alphabet, it reaches 100% and walks A..Z from 'A', as in
the article. The article reads this as "the model learned the sequence". But every pass starts
at 'A' right after a reset, so the number of steps since the reset says the answer as well as
the letter does. The probes feed, from a reset, passes it never trained on, where a step counter
and a letter reader disagree: on seed 7 it answers as the counter does (within a step of it),
so the article's cold 'K' -> B is the count at step 1, and the "warm start" (A..J, then 'K' -> L)
works because 'K' is the 11th step. reproduce.py sets a model trained to read beside it (row
5r@1500), and docs/study.md gives the verdict over seeds 7..16.

`--random-start` takes the shortcut away: each pass starts at a random letter and wraps around
(..., Y, A, B, ...), so only the letters, not the position, say what comes next. Its `Model
Accuracy` still scores the pass from 'A' alone; the line after it scores the passes from all 25
letters, which is what such a model is trained for.
Neither run needs memory: every target is the letter after the input letter.
07_stateful_memory.py is the script where the state has to remember something.

    python 05_stateful.py [--epochs 300] [--seed 7] [--learning-rate 0.001] [--quiet] [--random-start] [--verbose] [--predict LETTERS] [--steps 5] [--save FILE.keras] [--plot FILE.png] [--json FILE.json]
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
EPOCHS = 300  # passes over the alphabet, each from a reset state
BATCH_SIZE = 1  # fixed: a stateful model's batch size is part of its input shape
SHUFFLE = False  # the state only means something if A, B, C, ... come in order
GENERATE_FROM = "A"  # seed letter for generating the alphabet
COLD_START = "K"  # seed letter for the cold start the article shows
COLD_STEPS = 5  # letters to generate from the cold and warm starts
WARM_UP = "ABCDEFGHIJ"  # letters fed before COLD_START for the warm start
EXAMPLES = ["QRS", "KLMNO", "XY"]  # probe examples: letters whose value and position disagree

args = options.parse_args(__doc__.splitlines()[0], epochs=EPOCHS, add_options=options.framing5_options)

import common  # noqa: E402  (Keras loads only now, once every option is known to be good)
import keras  # noqa: E402
import numpy as np  # noqa: E402
import plots  # noqa: E402  (--plot: matplotlib loads only when a picture is asked for)
import probes  # noqa: E402  (the analysis behind the verdicts: not the lesson)

common.seed_everything(args.seed)  # seed first: same seed, same output

# Keras 3.15.1's JAX backend does not carry a stateful layer's state from one batch to the next
# in fit, evaluate or predict: every batch starts from zeros, so this model would learn nothing
# across batches and generate "ABBBB...". Rather than print a wrong alphabet, stop here.
if keras.backend.backend() == "jax":
    options.refuse(
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

# The order the model sees them in. The article's: every pass A..Y. With --random-start, pass e
# starts at a random letter and wraps around, one row of 25 pairs per pass:
#   pass 1:  F G H ... X Y A B C D E      (reset after E)
#   pass 2:  S T ... Y A B ... Q R        (reset after R)
# so at step n after a reset any letter can come, and only the letter itself says what is next.
if args.random_start:
    rng = np.random.RandomState(args.seed)
    order = np.concatenate([np.roll(np.arange(len(X)), -rng.randint(len(X))) for _ in range(args.epochs)])
    common.log(args, f"Random start: each of the {args.epochs} passes starts at a random letter and wraps around")
else:
    order = np.arange(len(X))  # A..Y, the same every pass
X_train, y_train = X[order], y[order]  # (passes x 25, 1, 1) and (passes x 25, 26)

# %% [markdown]
# ## The model and its training: the article's code in Keras 3
# A stateful LSTM keeps its state (h, c) from one batch to the next until told to reset it. The
# `keras.Sequential`, `model.compile` and `# plain:` lines are the article's, in Keras 3; the
# lines marked "Speed only" train the same steps faster and change no result.

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
lstm = model.get_layer("lstm")  # the layer that holds the state
model.compile(
    loss="categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate),  # the article's "adam": 0.001
    metrics=["accuracy"],
)

# What "reset" means. Between batches the stateful LSTM keeps two arrays, one row per slot of
# the batch (here one row of 16 numbers each): h, its last output, and c, its cell memory.
#
#   batch:    'A'       'B'       'C'   ...   'Y'    reset_state()   'A'   ...
#   (h, c):  zeros -> s1  -->  s2  -->  ... -> s25  ------------->  zeros -> ...
#
# reset_state() sets h and c back to zeros; the weights are untouched. We reset when each pass
# over A..Y ends (so every pass starts from zeros, as 'A' will at prediction time), after
# evaluating, and before every generation below.
common.say_if_continuing(args, model)  # in a notebook, a second run of this cell trains further
steps_per_epoch = len(X)  # one pass of 25 pairs per epoch, in order, then the reset
common.log(args, f"Training: {args.epochs} epochs of {steps_per_epoch} steps, batch size {BATCH_SIZE}")
start = time.perf_counter()
# plain: lstm = model.get_layer("lstm")
# plain: for epoch in range(args.epochs):  # one pass over A..Y per fit call
# plain:     model.fit(X, y, epochs=1, batch_size=BATCH_SIZE, verbose=2, shuffle=SHUFFLE)
# plain:     lstm.reset_state()  # reset RNN memory: the next pass starts from zeros
# (With --random-start, pass `epoch` feeds rows epoch*25 .. epoch*25+24 of X_train, y_train.)
# Speed only: the same 25 batches per pass, in order, from a tf.data pipeline built once, a whole
# pass per call (common.py), and one fit whose callback resets the state after every pass. The
# reset is per epoch on purpose: with a whole pass per call, Keras calls per-batch callbacks once
# per call, not once per batch; an epoch end is always the end of a call.
train, _ = common.training_dataset(X_train, y_train, batch_size=BATCH_SIZE, shuffle=SHUFFLE, seed=args.seed)
common.speed_up(model, steps_per_epoch)
reset_each_epoch = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: lstm.reset_state())
history = model.fit(
    train, epochs=args.epochs, steps_per_epoch=steps_per_epoch,
    callbacks=[reset_each_epoch, *common.progress(args)],  # progress: a bar on stderr
    verbose=0,
)
train_seconds = time.perf_counter() - start
common.log(args, f"Training took {train_seconds:.1f} s")

# %% [markdown]
# ## How well did it learn?
# The article's figure: accuracy over one walk A..Y from a zero state, the pass from 'A'. A pass
# can start at any of 25 letters; the line after it scores them all, each from a reset (per
# letter with --verbose). Trained as the article trains, the model gets the pass from 'A' right
# and hardly any other (docs/study.md).

# %%
# Evaluate with the training batch size, from a zero state, walking A..Y in order.
loss, accuracy = model.evaluate(X, y, batch_size=BATCH_SIZE, verbose=0)
lstm.reset_state()  # reset RNN memory
print("Model Accuracy: %.2f%%" % (accuracy * 100))
all_starts = probes.all_starts(model)  # every pass A.., B.., ..., Y.., each from a reset
all_starts_lines = probes.all_starts_lines(all_starts, accuracy * 100)
all_starts_lines = all_starts_lines if args.verbose else all_starts_lines[:1]  # per letter: --verbose
print("\n".join(all_starts_lines))


# %% [markdown]
# ## Generating letters
# From 'A' the model walks the alphabet. From a cold 'K' (zero state) the article's model says
# 'B'; after A..J it says 'L'. Both fit "it reads the letter and knows where it is", and both fit
# "it counts the steps since the reset". The probe after these tells the two apart.

# %%
def encode(index):
    """One letter index as a batch of one: (batch, time steps, features) = (1, 1, 1)."""
    return common.normalize(np.reshape([index], (BATCH_SIZE, 1, 1)))


def generate(letters, steps, show=True):
    """From a zero state, feed `letters`, then each prediction back in, one letter per batch.

    All letters but the last only warm the state up; from the last one on, prints `K -> L`
    lines (unless `show` is false). Returns the (input, predicted) letter pairs.
    """
    lstm.reset_state()  # reset RNN memory: start from zeros, as in training
    indices = [common.CHAR_TO_INT[char] for char in letters]
    for index in indices[:-1]:
        model.predict_on_batch(encode(index))  # warm-up: only the state change matters
    index, generated = indices[-1], []
    for _ in range(steps):
        next_index = int(np.argmax(model.predict_on_batch(encode(index))))
        if show:
            print(common.INT_TO_CHAR[index], "->", common.INT_TO_CHAR[next_index])
        generated.append([common.INT_TO_CHAR[index], common.INT_TO_CHAR[next_index]])
        index = next_index
    return generated


# From 'A', the state walks the alphabet as it did in training.
from_a = generate(GENERATE_FROM, len(common.ALPHABET) - 1)

# A cold start: 'K' with a zero state.
print("New start: ", COLD_START)
cold = generate(COLD_START, COLD_STEPS)

# A warm start: feed A..J first, so 'K' comes at the step where it came in training.
print(f"Warm start:  {WARM_UP} fed first, then {COLD_START}")
warm = generate(WARM_UP + COLD_START, COLD_STEPS)

# %% [markdown]
# ## Beyond the article: a clock or a reader?
# From a reset, feed the pass starting at each letter A..Y (wrapping Y -> A, as --random-start
# trains) and look at every prediction. At step n a step counter says the (n+1)-th letter of the
# alphabet, whatever came; a reader says the letter after the one fed. On the passes from D..W
# they are more than two letters apart at every step, so either could win: this probe can fail.
# Each side gets a step of slack (a clock the letters hold back or push on, a reader a step off).
# The same scoring runs on a computed counter and a computed reader (a self-check of the code);
# reproduce.py runs it on a model trained to read (row 5r@1500). Then each letter A..Y repeated
# 24 times from a reset, scored the same way: seed 7's trained reader is lost there (neither on
# 22 of 25 letters), so this probe can show a clock but not that a model does not read.

# %%
EXAMPLES_HEADER = "Probe, letters fed from a reset -> prediction (beside it, what a step counter and a letter reader would say):"
print(EXAMPLES_HEADER)
examples = [[letters, probes.feed(model, letters)] for letters in EXAMPLES]
for letters, said in examples:
    print(common.prediction_line(list(map(common.CHAR_TO_INT.get, letters)), said),
          f"  (counter {common.ALPHABET[len(letters)]}, reader {common.ALPHABET[common.CHAR_TO_INT[letters[-1]] + 1]})")
probe = probes.every_start(model)  # 25 passes x 25 steps, beside the computed counter and reader
repeated = probes.repeated_letters(model)  # 26 letters x 24 steps, each prediction classified
probe_lines = [
    probes.summary_line(probe, "Probe from every start (the pass from each letter A..Y, from a reset)"),
    *probes.detail_lines(probe, common.ALPHABET[:-1]),
    probes.repeated_verdict(repeated),
    probes.summary_line(repeated["probe"], "Repeated letters (each of A..Y 24 times from a reset)")
    + " (seed 7's model trained to read, 05 --random-start --epochs 1500, is lost here too: this probe can "
    "show a clock, not that a model does not read)",
    *probes.detail_lines(repeated["probe"], common.ALPHABET[:-1]),
]
if not args.verbose:  # the start-by-start lines with --verbose only (--json has every figure)
    probe_lines = [line for line in probe_lines if not line.startswith("  ")]
print("\n".join(probe_lines))

# %% [markdown]
# ## State you hold yourself
# The same trained weights in a model that takes the state (h, c) as input and returns the new
# state: the layer keeps nothing, so the caller decides when state is reset (pass zeros), kept
# (pass back what came out) or copied, and the batch size is free: each row of a batch is its
# own sequence with its own (h, c). This is how to predict with a batch size other than the one
# a stateful model was trained with.

# %%
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
explicit_note = f"Explicit state equals the stateful model, step for step over A..Y: {same} (largest difference {largest:.1e})"
print(explicit_note)

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

# %% [markdown]
# ## A stateful copy with another batch size
# When every row starts from the same point: the same layers and weights built for a batch of 24
# (common.with_batch_size), here each letter B..Y in its own row, all from a zero state, in one
# call. It predicts what the probe above got from each letter alone, one batch of 1 at a time.

# %%
wide = common.with_batch_size(model, len(common.ALPHABET) - 2)  # batch_shape (24, 1, 1), own state
in_one_batch = common.decode(wide.predict_on_batch(common.normalize(np.arange(1, len(common.ALPHABET) - 1).reshape(-1, 1, 1))))
as_alone = "yes" if in_one_batch == [probes.feed(model, letter) for letter in common.ALPHABET[1:-1]] else "NO"
batch_note = f"Stateful copy with batch size {len(in_one_batch)}, B..Y at once from zeros, predicts as each alone: {as_alone}"
print(batch_note)

# %% [markdown]
# ## Optional: continue letters, save the model, draw what it learned, write the results
# Only with `--predict LETTERS`, `--save FILE.keras`, `--plot FILE.png` or `--json FILE.json`;
# in a notebook, set `args.predict`, `args.save`, `args.plot` or `args.json` first.

# %%
# Predict N letters: warm the state up on all but the last letter, then generate.
continued = None
if args.predict:
    print(f"Continue {args.predict!r} for {args.steps} letters:")
    continued = generate(args.predict, args.steps)

# Saving keeps the weights, not the state: h and c are not written, and a loaded stateful model
# starts from zeros, as after reset_state(), whatever state the layer holds here (after
# --predict, the state of its last letter). To carry a state across a save, keep it yourself:
#   np.savez("state.npz", h=lstm.states[0].numpy(), c=lstm.states[1].numpy())   # before saving
#   loaded.get_layer("lstm").states[0].assign(np.load("state.npz")["h"])      # after loading
#   (and states[1] from "c")
state_at_save = [state.numpy().tolist() for state in lstm.states]  # [h, c], each (1, units)
if args.save:
    common.save_model(model, args.save)
    common.log(args, f"Saved the trained model to {args.save}")

# The picture: h and c along the walk A..Y from a reset, and the paths of the state for inputs
# that start elsewhere. A model that reads letters sends K..O and eleven Z's somewhere else than
# A..E and A..K; a model that counts steps sends them along the same path.
plotted = None
if args.plot:
    walk = common.ALPHABET[:-1]  # A..Y, as in training
    others = {"K..O (a cold 'K')": "KLMNO", "ZZZZZZZZZZZ (eleven Z's)": "Z" * 11}
    plotted = plots.states(
        args.plot, "Framing 5: a stateful LSTM, one letter at a time"
        + (" (--random-start)" if args.random_start else ""),
        history, walk, *probes.states_along(model, walk),
        {name: (letters, *probes.states_along(model, letters)) for name, letters in others.items()},
    )
    common.log(args, f"Saved the training curves and the state, step by step, to {args.plot}")

# What this run found, as JSON for reproduce.py (only with --json FILE.json).
predictions = {
    "": from_a,
    f"New start:  {COLD_START}": cold,
    f"Warm start:  {WARM_UP} fed first, then {COLD_START}": warm,
    EXAMPLES_HEADER: examples,
}
if continued is not None:
    predictions[f"Continue {args.predict!r} for {args.steps} letters:"] = continued
common.write_json(args, {
    "accuracy": accuracy * 100,  # the pass from 'A' (the article's Model Accuracy)
    "all_starts": all_starts,  # every pass, each from a reset
    "train_seconds": train_seconds,
    "plot": plotted,  # the numbers drawn, with --plot
    "random_start": args.random_start,
    "verbose": args.verbose,  # the notes hold the lines printed: start by start only with --verbose
    "learning_rate": args.learning_rate,
    "predictions": predictions,
    "probe": probe,  # every start, beside the computed counter and reader
    "repeated": repeated,  # each letter repeated, classified, with the same probe
    "explicit_largest_difference": largest,
    "explicit_batch": dict(zip(rows, generated)),
    "state_at_save": state_at_save,
    "notes": [*all_starts_lines, *probe_lines, explicit_note, batch_note],
})
