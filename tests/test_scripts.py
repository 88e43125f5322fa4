"""Run each script as a user would, in a subprocess with a few epochs, and check what it prints.

Two epochs teach nothing, so these tests check the format and the count of what is printed,
not the accuracy; tests/test_reproduce.py checks the article's claims at full settings.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest

from conftest import ROOT, run_script
from reproduce import ALPHABET, parse_output

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
            "Probe, letters fed from a reset -> prediction:": 49,
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
        assert re.fullmatch(r"Accuracy on all 114 distinct inputs \(110 after padding\): \d+\.\d\d%", result.notes[0])
    lengths = {len(inp) for inp, _ in result.sections[""]}
    if script == "06_variable_length.py":
        assert lengths <= INPUT_LENGTHS[script]  # 20 picks need not show every length
    else:
        assert lengths == INPUT_LENGTHS[script]


def check_json_agrees_with_the_text(found, printed):
    """What a script wrote with --json is what it printed: accuracy, predictions, notes."""
    assert f"{found['accuracy']:.2f}" == f"{printed.accuracy:.2f}"
    assert f"{found['train_seconds']:.1f}" == f"{printed.train_seconds:.1f}"
    sections = {header: [tuple(pair) for pair in pairs] for header, pairs in found["predictions"].items()}
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
    assert (found["script"], found["seed"], found["epochs"], found["learning_rate"]) == (script, 7, 2, 0.001)
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
        printed_share = re.search(r"inputs \(110 after padding\): (\d+\.\d\d)%", printed.notes[0])[1]
        assert f"{plotted['share']:.2f}" == printed_share
        assert plotted["share"] == pytest.approx(100 * sum(plotted["right"]) / 114)
    elif script == "05_stateful.py":
        # One row of h and of c per step of the walk A..Y; the values are checked against an
        # explicit-state model in test_framing_5_explicit_state_recomputed_from_the_saved_model.
        assert plotted["walk"] == ALPHABET[:-1]
        assert np.shape(plotted["h"]) == np.shape(plotted["c"]) == (25, 16)
        assert {name: len(path["h"]) for name, path in plotted["paths"].items()} == {
            "K..O (a cold 'K')": 5, "ZZZZZZZZZZZ (eleven Z's)": 11}
    else:
        # Every row's most probable letter is the prediction printed for that input.
        heat = [(inp, ALPHABET[int(np.argmax(row))]) for inp, row in zip(plotted["inputs"], plotted["probabilities"])]
        assert heat == [("".join(inp), out) for inp, out in printed.sections[""]]
        assert len(heat) == SCRIPTS[script][0]
        assert plotted["right"] == [ALPHABET[ALPHABET.index(inp[-1]) + 1] for inp in plotted["inputs"]]  # marked


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
def test_same_seed_same_output_in_a_process_of_its_own_and_from_the_launcher():
    """The same seed prints the same, in two processes: one started as a user starts it, and one
    from the launcher that most tests here use (conftest.run_script), so this also checks that
    what those tests see is what a user sees, on stdout and stderr."""
    args = ["--epochs", "20", "--seed", "3", "--quiet", "--predict", "ABC", "--steps", "3"]
    own = subprocess.run([sys.executable, os.path.join(ROOT, "03_window_timesteps.py"), *args],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    launched = run("03_window_timesteps.py", *args)
    assert own.returncode == launched.returncode == 0, own.stderr + launched.stderr
    assert own.stdout == launched.stdout
    assert own.stderr == launched.stderr


# Every class of bad input, as a user types it: one line naming the option, status 2, nothing
# on stdout, and refused before Keras is even imported (so before anything trains, and at once:
# `python -X importtime` lists every module imported, and keras is not among them).
# {tmp} is a fresh folder holding a file `file.txt` and a folder `taken.png`.
BAD_INPUT = [
    # values argparse would take but the code behind them cannot
    ("01_naive_one_char.py", ["--epochs", "0"], "--epochs"),
    ("01_naive_one_char.py", ["--seed", "4294967296"], "4294967295"),  # NumPy's largest seed
    ("02_window_features.py", ["--predict", "AB"], "--predict"),  # reads three letters
    ("03_window_timesteps.py", ["--predict", "AB-"], "--predict"),
    ("04_batch_state.py", ["--steps", "many"], "--steps"),
    ("04_batch_state.py", ["--units", "0"], "--units"),
    ("05_stateful.py", ["--predict", ""], "--predict"),
    ("06_variable_length.py", ["--shuffle"], "--shuffle"),  # only framing 4 has it
    # runs that would never end
    ("03_window_timesteps.py", ["--steps", "1000000"], "at most 1000"),
    ("06_variable_length.py", ["--epochs", "99999999"], "at most 100000"),
    ("04_batch_state.py", ["--units", "100000"], "at most 1024"),
    # output files that cannot be written, found before training rather than after it
    ("03_window_timesteps.py", ["--save", "/no/such/folder/m.keras"], "--save"),
    ("01_naive_one_char.py", ["--plot", "curves.jpg"], "--plot"),
    ("05_stateful.py", ["--plot", "/proc/curves.png"], "cannot write to folder"),
    ("06_variable_length.py", ["--save", "{tmp}/file.txt/m.keras"], "is not a folder"),
    ("02_window_features.py", ["--plot", "{tmp}/taken.png"], "is a folder"),
    ("05_stateful.py", ["--json", "/proc/found.json"], "--json"),
    # the study
    ("reproduce.py", ["--seed", "4294967290", "--seeds", "10"], "4294967295"),
    ("reproduce.py", ["--jobs", "1000"], "--jobs"),
    ("reproduce.py", ["--plot", "/proc/chart.png"], "--plot"),
]


@pytest.mark.parametrize("script, args, shown", BAD_INPUT)
def test_bad_input_is_refused_in_one_line_before_keras_loads(script, args, shown, tmp_path):
    (tmp_path / "file.txt").write_text("a file")
    (tmp_path / "taken.png").mkdir()
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    check_refused_before_keras(script, args, shown, status=2)


def check_refused_before_keras(script, args, shown, status, env=None):
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", os.path.join(ROOT, script), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120, env=env,
    )
    assert proc.returncode == status
    imports = [line for line in proc.stderr.splitlines() if line.startswith("import time:")]
    lines = [line for line in proc.stderr.splitlines() if not line.startswith("import time:")]
    assert len(lines) == 1 and shown in lines[0] and lines[0].startswith(script), proc.stderr[-2000:]
    assert imports and not any(re.search(r"\|\s+(keras|tensorflow)$", line) for line in imports)
    assert proc.stdout == ""


@pytest.mark.parametrize("script", ["01_naive_one_char.py", "reproduce.py"])
def test_a_keras_backend_that_cannot_run_the_scripts_is_one_line(script):
    env = {**os.environ, "KERAS_BACKEND": "tensorflw"}
    check_refused_before_keras(script, [], "tensorflow, jax, torch", status=2, env=env)


def test_output_closed_early_stops_quietly_as_other_programs_do():
    # `python 01_naive_one_char.py | head -3`: the reader goes away after three lines.
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "01_naive_one_char.py"), "--epochs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    head = [proc.stdout.readline() for _ in range(3)]
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert head == [b"Training pairs:\n", b"A -> B\n", b"B -> C\n"]
    assert proc.returncode == -signal.SIGPIPE  # the shell shows 141, as for `yes | head -3`
    assert "Traceback" not in err and "BrokenPipeError" not in err


def test_output_closed_early_still_writes_the_files_asked_for(tmp_path):
    # `python 04_batch_state.py --epochs 5 --json found.json | head -1`: the reader goes away
    # after one line; the run goes on without its output and writes every file asked for, whole.
    asked = {"--json": "found.json", "--save": "model.keras", "--plot": "picture.png"}
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "04_batch_state.py"), "--epochs", "5",
         *[part for option, name in asked.items() for part in (option, str(tmp_path / name))]],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=300)
    assert first == b"Training pairs:\n"
    assert proc.returncode == 0, err
    assert sorted(os.listdir(tmp_path)) == sorted(asked.values())  # and no temporary file
    assert json.loads((tmp_path / "found.json").read_text())["epochs"] == 5
    assert zipfile.is_zipfile(tmp_path / "model.keras")
    assert (tmp_path / "picture.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Traceback" not in err and "BrokenPipeError" not in err
    (note,) = [line for line in err.splitlines() if "closed early" in line]
    assert note.startswith("04_batch_state.py: stdout closed early; carrying on, without it, to write ")


STOPS = [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "terminated"), (signal.SIGHUP, "hung up")]


@pytest.mark.parametrize("signum, word", STOPS)
def test_a_stop_signal_while_tensorflow_imports_prints_one_line(signum, word):
    """Ctrl-C (or kill, or a closed terminal) in the first seconds. common.py points file
    descriptor 2 at /dev/null while TensorFlow imports, to hide its start-up notices; the line
    written there was lost. The signal is sent at that very moment, seen in /proc."""
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "01_naive_one_char.py"), "--epochs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    deadline = time.monotonic() + 120
    while os.readlink(f"/proc/{proc.pid}/fd/2") != os.devnull:  # not yet importing
        assert time.monotonic() < deadline and proc.poll() is None, "never saw the import start"
        time.sleep(0.005)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signum
    assert [line for line in err.splitlines() if line.strip()] == [f"01_naive_one_char.py: {word}"]
    assert out == ""  # stopped before training


STOP_WHILE_WRITING = """
import os, signal, sys
import options

options.quiet_exits()


def write(partial):
    with open(partial, "w") as file:
        file.write("first half\\n")
        file.flush()
        os.kill(os.getpid(), signal.{name})  # the stop comes halfway through the file
        for _ in range(1000):  # Python code: where the signal's handler would run, unheld
            pass
        file.write("second half\\n")


options.write_atomically(sys.argv[1], write)
print("not reached", flush=True)
"""


@pytest.mark.parametrize("signum, word", STOPS)
def test_a_stop_signal_while_saving_leaves_the_whole_file_or_none(signum, word, tmp_path):
    program, out = tmp_path / "program", tmp_path / "out"
    program.mkdir()
    out.mkdir()
    (program / "stopping.py").write_text(STOP_WHILE_WRITING.replace("{name}", signal.Signals(signum).name))
    proc = subprocess.run(
        [sys.executable, str(program / "stopping.py"), str(out / "found.json")],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ROOT}, timeout=60,
    )
    assert proc.returncode == 128 + signum
    assert [line for line in proc.stderr.splitlines() if line.strip()] == [f"stopping.py: {word}"]
    assert proc.stdout == ""  # stopped right after the file was in place
    assert os.listdir(out) == ["found.json"]  # no temporary file left beside it
    assert (out / "found.json").read_text() == "first half\nsecond half\n"


def test_missing_packages_are_named_in_one_line():
    # `python -S` leaves out site-packages: what a machine without the requirements sees.
    proc = run_plain("-S", "01_naive_one_char.py", "--epochs", "1")
    assert proc.returncode == 2
    (line,) = proc.stderr.splitlines()
    assert "is not installed" in line and "pip install -r requirements.txt" in line


def run_plain(flag, script, *args):
    return subprocess.run([sys.executable, flag, os.path.join(ROOT, script), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def continuation(result, start, steps):
    return result.sections[f"Continue {start!r} for {steps} letters:"]


@pytest.mark.parametrize(
    "script, window", [("01_naive_one_char.py", 1), ("02_window_features.py", 3), ("06_variable_length.py", 5)]
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
        assert common.decode(alone[common.CHAR_TO_INT[letter] : common.CHAR_TO_INT[letter] + 1]) == [out]
    claimed = "yes" if common.decode(in_batch) == common.decode(alone) else "NO"
    assert printed.note("Same predictions in one batch of 25 and one at a time").split(": ")[1].startswith(claimed)


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
    out, h_out, c_out = keras.layers.LSTM(units, return_state=True, name="lstm")(letter_in, initial_state=[h_in, c_in])
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
    proc = run("05_stateful.py", "--epochs", "3", "--quiet", "--save", str(path), "--json", str(found_path),
               "--plot", str(tmp_path / "state.png"))
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
            (p["letters"], p["h"], p["c"]) for p in plotted["paths"].values()]:
        h = c = np.zeros((1, 16), "float32")
        for step, char in enumerate(letters):
            _, h, c = explicit.predict_on_batch([common.normalize(np.reshape([ALPHABET.index(char)], (1, 1, 1))), h, c])
            np.testing.assert_allclose(h[0], h_drawn[step], atol=1e-5)
            np.testing.assert_allclose(c[0], c_drawn[step], atol=1e-5)


def test_saved_stateful_model_reloads_with_a_clean_state(tmp_path):
    import common
    import keras
    import numpy as np

    path, found_path = tmp_path / "framing5.keras", tmp_path / "found.json"
    proc = run("05_stateful.py", "--epochs", "2", "--quiet", "--predict", "ABC", "--steps", "2",
               "--save", str(path), "--json", str(found_path))
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


def test_ctrl_c_during_training_stops_with_one_line_and_status_130():
    proc = subprocess.Popen(
        [sys.executable, "-u", os.path.join(ROOT, "06_variable_length.py"), "--epochs", "500"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    for line in proc.stdout:  # wait until training has started
        if line.startswith("Training:"):
            break
    time.sleep(2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.strip()] == ["06_variable_length.py: interrupted"]


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
    assert common.decode(loaded.predict(common.as_time_steps(data_x), verbose=0)) == [out for _, out in printed]


def test_state_carried_across_a_save_as_framing_5_shows(tmp_path):
    # The recipe in 05_stateful.py's comments: save lstm.states beside the model, assign them
    # after loading; the loaded model then continues exactly where the saved one was.
    import keras
    import numpy as np

    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [keras.Input(batch_shape=(1, 1, 1)), keras.layers.LSTM(16, stateful=True, name="lstm"), keras.layers.Dense(26)]
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


def test_progress_is_one_live_bar_on_a_terminal():
    """With stderr on a terminal, Keras's Progbar redraws one line in place (carriage
    returns or backspaces), ending at the last epoch, instead of printing a line per epoch."""
    import pty
    import threading

    parent, child = pty.openpty()
    chunks = []

    def read_all():
        while True:
            try:
                data = os.read(parent, 4096)
            except OSError:  # the child side closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read_all)
    reader.start()
    try:
        proc = subprocess.run(
            [sys.executable, os.path.join(ROOT, "03_window_timesteps.py"), "--epochs", "30"],
            stdout=subprocess.PIPE, stderr=child, cwd=ROOT, timeout=600,
        )
    finally:
        os.close(child)
        reader.join(timeout=10)
        os.close(parent)
    shown = b"".join(chunks).decode(errors="replace")
    assert proc.returncode == 0
    assert "30/30" in shown and "loss: " in shown and "accuracy: " in shown
    assert "\r" in shown or "\b" in shown  # redrawn in place
    assert "Epoch 3/30" not in shown  # not the plain lines meant for pipes and files
    assert shown.rstrip("\r\n").count("\n") == 0  # one line on the terminal
    assert b"30/30" not in proc.stdout  # stdout keeps the results alone


def test_nothing_is_written_unless_asked(tmp_path):
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "05_stateful.py"), "--epochs", "2"],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert os.listdir(tmp_path) == []
