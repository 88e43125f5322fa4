"""Run each script with a few epochs, as a user would, and check what it prints and saves. The
runs start from the suite's launcher (conftest.run_script), which prints what a process of the
script's own does (the same-seed test below checks it); test_process.py starts real processes.

Two epochs teach nothing, so these tests check the format and the count of what is printed,
not the accuracy; tests/test_reproduce.py checks the article's claims at full settings.
"""

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from common import ALPHABET
from conftest import ROOT, run_script
from output import parse_output

# script, pairs it prints before training, prediction sections after the accuracy line
SCRIPTS = {
    "01_naive_one_char.py": (25, {"": 25}),
    "02_window_features.py": (23, {"": 23}),
    "03_window_timesteps.py": (23, {"": 23}),
    "04_batch_state.py": (25, {"": 25, "Test a Random Pattern:": 20}),
    "05_stateful.py": (
        25,
        {
            "": 25,
            "New start:  K": 5,
            "Warm start:  ABCDEFGHIJ fed first, then K": 5,
            "Probe, letters fed from a reset -> prediction (beside it, what a step counter and a "
            "letter reader would say):": 3,
            "Explicit state, 3 sequences in one batch:": 0,
        },
    ),
    "06_variable_length.py": (10, {"": 20}),
}
INPUT_LENGTHS = {  # letters per prediction input
    "01_naive_one_char.py": {1},
    "02_window_features.py": {3},
    "03_window_timesteps.py": {3},
    "04_batch_state.py": {1},
    "05_stateful.py": {1},
    "06_variable_length.py": {1, 2, 3, 4, 5},
}


def run(script, *args):
    return run_script(script, *args)


def check_articles_format(script, out):
    """What `script` printed on stdout (not --quiet) has the article's format and counts."""
    pairs, sections = SCRIPTS[script]

    dataset_lines = re.findall(r"^[A-Z]+ -> [A-Z]$", out.split("Training:")[0], re.MULTILINE)
    assert len(dataset_lines) == pairs
    assert re.search(r"^Training took \d+\.\d s$", out, re.MULTILINE)

    result = parse_output(out)
    assert 0 <= result.accuracy <= 100
    assert {header: len(pairs) for header, pairs in result.sections.items()} == sections
    if script == "06_variable_length.py":
        assert re.fullmatch(
            r"Accuracy on all 114 distinct inputs \(110 after padding\): \d+\.\d\d%",
            result.notes[0],
        )
    lengths = {len(inp) for inp, _ in result.sections[""]}
    if script == "06_variable_length.py":
        assert lengths <= INPUT_LENGTHS[script]  # 20 picks need not show every length
    else:
        assert lengths == INPUT_LENGTHS[script]


def check_json_agrees_with_the_text(found, printed):
    """What a script wrote with --json is what it printed: accuracy, predictions, notes."""
    assert f"{found['accuracy']:.2f}" == f"{printed.accuracy:.2f}"
    assert f"{found['train_seconds']:.1f}" == f"{printed.train_seconds:.1f}"
    sections = {
        header: [tuple(pair) for pair in pairs] for header, pairs in found["predictions"].items()
    }
    printed_sections = {h: p for h, p in printed.sections.items() if p}  # headers with predictions
    assert sections == printed_sections
    for note in found.get("notes", []):
        assert note in printed.notes


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_runs_and_prints_the_articles_format(script, tmp_path):
    target, picture = tmp_path / "found.json", tmp_path / "picture.png"
    proc = run(script, "--epochs", "2", "--json", str(target), "--plot", str(picture))
    assert proc.returncode == 0, proc.stderr
    check_articles_format(script, proc.stdout)
    # Progress goes to stderr, so stdout is the results alone. Not a terminal here: plain lines.
    line = r"^Epoch (\d+)/2 - loss: \d+\.\d{4} - accuracy: \d\.\d{4} - \d+\.\d s$"
    progress = re.findall(line, proc.stderr, re.MULTILINE)
    assert progress == ["1", "2"]
    assert "Epoch" not in proc.stdout
    found = json.loads(target.read_text())
    assert (found["script"], found["seed"], found["epochs"], found["learning_rate"]) == (
        script,
        7,
        2,
        0.001,
    )
    check_json_agrees_with_the_text(found, parse_output(proc.stdout))
    assert sorted(os.listdir(tmp_path)) == ["found.json", "picture.png"]  # no temporary files
    check_picture(script, picture, found["plot"], parse_output(proc.stdout))


def png_size(path):
    """(width, height) in pixels, from the PNG header."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def check_picture(script, picture, plotted, printed):
    """One PNG of a sensible size, and the numbers behind its panels agree with the printout."""
    width, height = png_size(picture)
    assert 800 <= width <= 1600 and 350 <= height <= 1000, (width, height)
    if script == "06_variable_length.py":
        # The grid's share of right answers is the figure printed for the 114 distinct inputs.
        assert len(plotted["right"]) == len(plotted["inputs"]) == 114
        printed_share = re.search(r"inputs \(110 after padding\): (\d+\.\d\d)%", printed.notes[0])[
            1
        ]
        assert f"{plotted['share']:.2f}" == printed_share
        assert plotted["share"] == pytest.approx(100 * sum(plotted["right"]) / 114)
    elif script == "05_stateful.py":
        # One row of h and of c per step of the walk A..Y; the values are checked against an
        # explicit-state model in test_framing_5_explicit_state_recomputed_from_the_saved_model.
        assert plotted["walk"] == ALPHABET[:-1]
        assert np.shape(plotted["h"]) == np.shape(plotted["c"]) == (25, 16)
        assert {name: len(path["h"]) for name, path in plotted["paths"].items()} == {
            "K..O (a cold 'K')": 5,
            "ZZZZZZZZZZZ (eleven Z's)": 11,
        }
    else:
        # Every row's most probable letter is the prediction printed for that input.
        heat = [
            (inp, ALPHABET[int(np.argmax(row))])
            for inp, row in zip(plotted["inputs"], plotted["probabilities"])
        ]
        assert heat == [("".join(inp), out) for inp, out in printed.sections[""]]
        assert len(heat) == SCRIPTS[script][0]
        assert plotted["right"] == [
            ALPHABET[ALPHABET.index(inp[-1]) + 1] for inp in plotted["inputs"]
        ]  # marked


@pytest.mark.parametrize("script", ["03_window_timesteps.py", "05_stateful.py"])
def test_quiet_prints_only_accuracy_and_predictions(script):
    proc = run(script, "--epochs", "1", "--quiet")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert re.fullmatch(r"Model Accuracy: \d+\.\d\d%", lines[0])
    result = parse_output(proc.stdout)
    assert "Training" not in proc.stdout
    assert "Epoch" not in proc.stderr  # no progress either
    predictions = sum(len(p) for p in result.sections.values())
    headers = len(result.sections) - 1  # the first section has no header line
    assert len(lines) == 1 + predictions + headers + len(result.notes)


@pytest.mark.long
@pytest.mark.parametrize("script", ["03_window_timesteps.py", "05_stateful.py"])
def test_same_seed_same_output_in_a_process_of_its_own_and_from_the_launcher(script, tmp_path):
    """The same seed prints and writes the same in two processes: one started as a user starts
    it, with its own hash seed and random state, and one from the launcher that most tests here
    use (conftest.run_script), so this also checks that what those tests see is what a user
    sees: stdout, stderr (progress lines; times masked) and the JSON (seconds left out). The
    launcher's runs compile through the session's XLA cache; the second one surely loads what
    the first compiled, so the executables loaded from the cache are checked too."""
    args = ["--epochs", "20", "--seed", "3", "--predict", "ABC", "--steps", "3"]

    def outputs(start, name):
        folder = tmp_path / name
        folder.mkdir()
        files = [
            "--json",
            folder / "found.json",
            "--save",
            folder / "model.keras",
            "--plot",
            folder / "curves.png",
        ]
        proc = start([*args, *map(str, files)])
        assert proc.returncode == 0, proc.stderr[-3000:]
        loads.append(getattr(proc, "cache_loads", None))
        found = {
            key: value
            for key, value in json.loads((folder / "found.json").read_text()).items()
            if "seconds" not in key
        }
        assert sorted(os.listdir(folder)) == ["curves.png", "found.json", "model.keras"]
        masked = [
            re.sub(r"\d+\.\d s\b", "T s", text.replace(str(folder), "FOLDER"))
            for text in (proc.stdout, proc.stderr)
        ]
        return *masked, found

    loads = []
    own = outputs(
        lambda argv: subprocess.run(
            [sys.executable, os.path.join(ROOT, script), *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
        ),
        "own",
    )
    launched = outputs(lambda argv: run(script, *argv), "launched")
    again = outputs(lambda argv: run(script, *argv), "again")
    assert own[1].count("Epoch ") >= 2  # progress lines on stderr are compared too
    assert own == launched == again
    # The second launched run's training, evaluation and prediction steps (at least) came from
    # the cache (counted by the lines TensorFlow logs for each load, at TF_CPP_MIN_LOG_LEVEL 2).
    assert loads[2] >= 3, f"{loads[2]} executables loaded from the XLA cache"


def continuation(result, start, steps):
    return result.sections[f"Continue {start!r} for {steps} letters:"]


@pytest.mark.parametrize(
    "script, window",
    [("01_naive_one_char.py", 1), ("02_window_features.py", 3), ("06_variable_length.py", 5)],
)
def test_predict_feeds_each_prediction_back_through_the_models_window(script, window):
    proc = run(script, "--epochs", "1", "--quiet", "--predict", "abcdefg", "--steps", "4")
    assert proc.returncode == 0, proc.stderr
    steps = continuation(parse_output(proc.stdout), "ABCDEFG", 4)
    assert len(steps) == 4
    history = "ABCDEFG"
    for fed, predicted in steps:
        assert fed == history[-window:]  # the last `window` letters, predictions included
        history += predicted


def test_stateful_predict_warms_up_then_generates():
    proc = run("05_stateful.py", "--epochs", "1", "--quiet", "--predict", "ABC", "--steps", "3")
    assert proc.returncode == 0, proc.stderr
    steps = continuation(parse_output(proc.stdout), "ABC", 3)
    assert steps[0][0] == "C"  # A and B only warmed the state up
    assert [fed for fed, _ in steps[1:]] == [out for _, out in steps[:-1]]  # each fed back


def test_framing_4_batch_and_alone_recomputed_from_the_saved_model(tmp_path):
    # Recomputed here from the trained weights, not read from the "yes" the script printed.
    import common
    import keras
    import numpy as np

    path = tmp_path / "framing4.keras"
    proc = run("04_batch_state.py", "--epochs", "3", "--quiet", "--save", str(path))
    assert proc.returncode == 0, proc.stderr
    printed = parse_output(proc.stdout)
    model = keras.models.load_model(path)
    data_x, _ = common.fixed_length_pairs(1)
    X = common.as_time_steps(data_x)
    in_batch = model.predict(X, batch_size=25, verbose=0)
    alone = np.concatenate([model.predict(X[i : i + 1], verbose=0) for i in range(25)])
    np.testing.assert_allclose(in_batch, alone, atol=1e-5)  # no state passes between rows
    assert [out for _, out in printed.sections[""]] == common.decode(in_batch)
    for letter, out in printed.sections["Test a Random Pattern:"]:  # predicted one at a time
        assert common.decode(
            alone[common.CHAR_TO_INT[letter] : common.CHAR_TO_INT[letter] + 1]
        ) == [out]
    claimed = "yes" if common.decode(in_batch) == common.decode(alone) else "NO"
    assert (
        printed.note("Same predictions in one batch of 25 and one at a time")
        .split(": ")[1]
        .startswith(claimed)
    )


def test_framing_4_trains_at_the_learning_rate_asked_and_records_it(tmp_path):
    # The saved optimizer, not the printed text: its step size and how many updates it made.
    import keras

    path, target = tmp_path / "framing4.keras", tmp_path / "found.json"
    argv = ["--epochs", "2", "--batch-size", "1", "--learning-rate", "0.01", "--quiet"]
    proc = run("04_batch_state.py", *argv, "--save", str(path), "--json", str(target))
    assert proc.returncode == 0, proc.stderr
    optimizer = keras.models.load_model(path).optimizer
    assert float(optimizer.learning_rate) == pytest.approx(0.01)
    assert int(optimizer.iterations) == 2 * 25  # batch size 1: 25 updates per epoch
    found = json.loads(target.read_text())
    assert (found["learning_rate"], found["batch_size"], found["updates"]) == (0.01, 1, 50)


def explicit_state_model(loaded, units=16):
    """Framing 5's trained weights in a model whose state the caller passes in and gets back."""
    import keras

    letter_in = keras.Input(shape=(1, 1))
    h_in, c_in = keras.Input(shape=(units,)), keras.Input(shape=(units,))
    out, h_out, c_out = keras.layers.LSTM(units, return_state=True, name="lstm")(
        letter_in, initial_state=[h_in, c_in]
    )
    probabilities = keras.layers.Dense(26, activation="softmax", name="dense")(out)
    explicit = keras.Model([letter_in, h_in, c_in], [probabilities, h_out, c_out])
    explicit.get_layer("lstm").cell.set_weights(loaded.get_layer("lstm").cell.get_weights())
    explicit.get_layer("dense").set_weights(loaded.get_layer("dense").get_weights())
    return explicit


def test_framing_5_explicit_state_recomputed_from_the_saved_model(tmp_path):
    # Recomputed here: walk A..Y through the stateful model and through the same weights with
    # the state held by the test; compare with each other and with what the script printed.
    import common
    import keras
    import numpy as np

    path, found_path = tmp_path / "framing5.keras", tmp_path / "found.json"
    proc = run(
        "05_stateful.py",
        "--epochs",
        "3",
        "--quiet",
        "--save",
        str(path),
        "--json",
        str(found_path),
        "--plot",
        str(tmp_path / "state.png"),
    )
    assert proc.returncode == 0, proc.stderr
    printed = parse_output(proc.stdout)
    loaded = keras.models.load_model(path)
    explicit = explicit_state_model(loaded)
    h = c = np.zeros((1, 16), "float32")
    loaded.get_layer("lstm").reset_state()
    for index in range(25):
        x = common.normalize(np.reshape([index], (1, 1, 1)))
        by_layer = loaded.predict_on_batch(x)
        by_us, h, c = explicit.predict_on_batch([x, h, c])
        np.testing.assert_allclose(by_layer, by_us, atol=1e-5)
    # The printed batch of three: a cold 'A' generates what the stateful model generated from 'A'.
    rows = dict(line.split(" => ") for line in printed.notes if " => " in line)
    assert rows["A (cold)"] == "".join(out for _, out in printed.sections[""])[:5]
    assert rows["K (cold)"] == "".join(out for _, out in printed.sections["New start:  K"])
    found = json.loads(found_path.read_text())
    assert found["explicit_batch"] == rows
    # The picture's state is the layer's own: the same h and c as the explicit-state model's,
    # step by step, along the walk A..Y and along the other paths drawn.
    plotted = found["plot"]
    for letters, h_drawn, c_drawn in [(plotted["walk"], plotted["h"], plotted["c"])] + [
        (p["letters"], p["h"], p["c"]) for p in plotted["paths"].values()
    ]:
        h = c = np.zeros((1, 16), "float32")
        for step, char in enumerate(letters):
            _, h, c = explicit.predict_on_batch(
                [common.normalize(np.reshape([ALPHABET.index(char)], (1, 1, 1))), h, c]
            )
            np.testing.assert_allclose(h[0], h_drawn[step], atol=1e-5)
            np.testing.assert_allclose(c[0], c_drawn[step], atol=1e-5)


def test_saved_stateful_model_reloads_with_a_clean_state(tmp_path):
    import common
    import keras
    import numpy as np

    path, found_path = tmp_path / "framing5.keras", tmp_path / "found.json"
    proc = run(
        "05_stateful.py",
        "--epochs",
        "2",
        "--quiet",
        "--predict",
        "ABC",
        "--steps",
        "2",
        "--save",
        str(path),
        "--json",
        str(found_path),
    )
    assert proc.returncode == 0, proc.stderr
    found = json.loads(found_path.read_text())
    assert np.any(np.array(found["state_at_save"]))  # the layer held a state when it was saved...
    loaded = keras.models.load_model(path)
    lstm = loaded.get_layer("lstm")
    assert all(not np.any(state.numpy()) for state in lstm.states)  # ...the file did not keep it
    printed = parse_output(proc.stdout).sections[""]  # generation from 'A', from a zero state
    index, generated = 0, []
    for _ in range(len(printed)):
        x = common.normalize(np.reshape([index], (1, 1, 1)))
        index = int(np.argmax(loaded.predict_on_batch(x)))
        generated.append(common.INT_TO_CHAR[index])
    assert generated == [out for _, out in printed]


def test_saved_model_reloads_and_predicts_what_the_trained_one_did(tmp_path):
    import common
    import keras

    path = tmp_path / "framing1.keras"
    proc = run("01_naive_one_char.py", "--epochs", "2", "--quiet", "--save", str(path))
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["framing1.keras"]  # nothing else left behind
    printed = parse_output(proc.stdout).sections[""]
    data_x, _ = common.fixed_length_pairs(1)
    loaded = keras.models.load_model(path)
    assert common.decode(loaded.predict(common.as_time_steps(data_x), verbose=0)) == [
        out for _, out in printed
    ]


def test_state_carried_across_a_save_as_framing_5_shows(tmp_path):
    # The recipe in 05_stateful.py's comments: save lstm.states beside the model, assign them
    # after loading; the loaded model then continues exactly where the saved one was.
    import keras
    import numpy as np

    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [
            keras.Input(batch_shape=(1, 1, 1)),
            keras.layers.LSTM(16, stateful=True, name="lstm"),
            keras.layers.Dense(26),
        ]
    )
    lstm = model.get_layer("lstm")
    for value in (0.0, 0.04, 0.08):  # A, B, C
        model.predict_on_batch(np.full((1, 1, 1), value, "float32"))
    np.savez(tmp_path / "state.npz", h=lstm.states[0].numpy(), c=lstm.states[1].numpy())
    model.save(tmp_path / "model.keras")

    loaded = keras.models.load_model(tmp_path / "model.keras")
    cold = loaded.predict_on_batch(np.full((1, 1, 1), 0.12, "float32"))
    loaded.get_layer("lstm").reset_state()
    saved = np.load(tmp_path / "state.npz")
    loaded.get_layer("lstm").states[0].assign(saved["h"])
    loaded.get_layer("lstm").states[1].assign(saved["c"])
    warm = loaded.predict_on_batch(np.full((1, 1, 1), 0.12, "float32"))  # D
    original = model.predict_on_batch(np.full((1, 1, 1), 0.12, "float32"))
    np.testing.assert_allclose(warm, original, atol=1e-6)
    assert not np.allclose(cold, original, atol=1e-6)  # without the state it would differ
