"""06_variable_length_stateful.py: what it prints is recomputed from the trained model itself,
a plain stateful loop and the script's compiled twin make the same updates, and what does not
apply to it is refused.

Small settings (a few epochs): these tests check that the figures are what the model does, not
how well it learns; docs/framing6.md has the runs at full settings.
"""

import json
import os
import runpy
import signal
import sys

import numpy as np
import pytest

from conftest import ROOT, run_script
from output import parse_output

SCRIPT = os.path.join(ROOT, "06_variable_length_stateful.py")
HELD_OUT = ["DEF", "DEFG", "IJK", "IJKL", "NOP", "NOPQ", "STU", "STUV"]
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def run(*args, env=None):
    return run_script(SCRIPT, *args, env=env)


@pytest.fixture(scope="module")
def stateful_run(tmp_path_factory):
    """One small --hold-out run, with its printout, JSON, picture and saved model."""
    folder = tmp_path_factory.mktemp("stateful")
    proc = run(
        "--hold-out",
        "--epochs",
        "3",
        "--json",
        str(folder / "found.json"),
        "--save",
        str(folder / "model.keras"),
        "--plot",
        str(folder / "picture.png"),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, json.loads((folder / "found.json").read_text()), folder / "model.keras"


def letter(index):
    """One letter as a batch of one, (1, 1, 1), coded / 26 (written here, not taken from the
    script)."""
    return np.full((1, 1, 1), index, dtype="float32") / np.float32(26)


def from_reset(model, patterns):
    """The letter a saved stateful model predicts after each pattern, fed one letter per batch
    from a zero state (written here from scratch, not taken from the script)."""
    lstm = model.get_layer("lstm")
    letters = []
    for pattern in patterns:
        lstm.reset_state()
        for index in pattern:
            probabilities = model.predict_on_batch(letter(index))
        letters.append(ALPHABET[int(np.argmax(probabilities))])
    return letters


def share_right(patterns, letters):
    return 100 * np.mean([out == ALPHABET[p[-1] + 1] for p, out in zip(patterns, letters)])


def test_stateful_figures_are_what_the_saved_model_does(stateful_run):
    import common
    import keras

    out, found, saved = stateful_run
    assert found["stateful"] is True and found["held_out"] == HELD_OUT
    assert found["distinct_after_padding"] == found["distinct_inputs"] == 114  # nothing padded
    model = keras.models.load_model(saved)
    assert model.input_shape == (1, 1, 1) and model.get_layer("lstm").stateful

    all_x, _ = common.all_subsequences(5)
    held = [[common.CHAR_TO_INT[c] for c in run] for run in HELD_OUT]
    seen = [run for run in all_x if run not in held]
    letters = dict(zip(map(tuple, all_x), from_reset(model, all_x)))

    def score(runs):
        return pytest.approx(share_right(runs, [letters[tuple(run)] for run in runs]))

    assert found["distinct_accuracy"] == score(all_x)
    assert found["held_out_accuracy"] == score(held)
    assert found["seen_accuracy"] == score(seen)

    # The article's figure, on the 1000 training runs, each fed to the saved model in turn (the
    # script scores them from its answers for the 114 distinct runs).
    data_x, _ = common.random_subsequences(1000, 5, seed=7, exclude=held)
    assert found["accuracy"] == pytest.approx(share_right(data_x, from_reset(model, data_x)))

    # What it printed is what it wrote, and the predictions printed are the saved model's.
    printed = parse_output(out)
    assert f"{printed.accuracy:.2f}" == f"{found['accuracy']:.2f}"
    assert (
        f"Accuracy on all 114 distinct inputs (no padding, all differ): "
        f"{found['distinct_accuracy']:.2f}%"
    ) in out
    for header, pairs in printed.sections.items():
        patterns = [[common.CHAR_TO_INT[c] for c in inp] for inp, _ in pairs]
        assert [out for _, out in pairs] == from_reset(model, patterns), header
    assert [inp for inp, _ in printed.sections["Held-out inputs:"]] == HELD_OUT
    # The picture's share of right answers is the distinct accuracy.
    assert found["plot"]["share"] == pytest.approx(found["distinct_accuracy"])
    assert sum(found["plot"]["right"]) == round(found["distinct_accuracy"] * 114 / 100)


def test_a_plain_stateful_loop_and_the_compiled_twin_make_the_same_updates(capsys):
    """The training the script's text describes, written here plainly on its stateful model (for
    each run: reset, the earlier letters one per batch with predict_on_batch, the last one with
    train_on_batch), and the script's compiled twin, from the same weights and fresh Adam on the
    same 150 runs in the same order, end with the same weights."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGPIPE)}
    argv = sys.argv
    sys.argv = [SCRIPT, "--epochs", "1", "--quiet"]
    try:
        namespace = runpy.run_path(SCRIPT, run_name="__main__")
    finally:
        sys.argv = argv
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    keras, model, twin = namespace["keras"], namespace["model"], namespace["twin"]
    lstm, data_x, y = model.get_layer("lstm"), namespace["data_x"], namespace["y"]
    order = namespace["order"][:150]
    start = model.get_weights()
    for each in (model, twin):  # fresh optimizers, compiled plainly (no XLA), same learning rate
        each.compile(
            loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.001)
        )
    for i in order:
        lstm.reset_state()  # each run from zeros
        for index in data_x[i][:-1]:
            model.predict_on_batch(letter(index))  # the earlier letters only move the state
        model.train_on_batch(letter(data_x[i][-1]), y[i : i + 1])  # the last letter: one update
    twin.set_weights(start)
    twin.fit(namespace["twin_X"][order], y[order], batch_size=1, shuffle=False, epochs=1, verbose=0)
    moved = max(np.abs(a - b).max() for a, b in zip(model.get_weights(), start))
    assert moved > 1e-3  # 150 updates moved the weights: the comparison below can fail
    for plain_weights, twin_weights in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(plain_weights, twin_weights, atol=1e-6)


def test_shift_codes_is_refused_as_unknown_in_one_line():
    """--shift-codes moves the letters' codes away from the padding: it is 06_variable_length.py's
    control, and this script pads nothing."""
    proc = run("--shift-codes")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        "06_variable_length_stateful.py: error: unrecognized arguments: --shift-codes\n"
    )


def test_stateful_on_jax_is_refused_in_one_line():
    proc = run("--epochs", "1", env={**os.environ, "KERAS_BACKEND": "jax"})
    assert proc.returncode == 3
    assert [line for line in proc.stderr.splitlines() if line.strip()] == [
        "06_variable_length_stateful.py: the JAX backend of Keras 3.15.1 does not carry a stateful "
        "LSTM's state across batches; run this script with KERAS_BACKEND=tensorflow (the default) "
        "or torch"
    ]
