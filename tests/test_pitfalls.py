"""08_stateful_pitfalls.py pins what Keras 3 does with each stateful mistake.

One run of the script at its defaults (seed 7) serves every test here. If a Keras release changes
what it says or does on one of the mistakes, the test names the mistake and the README section to
update: "Mistakes Keras 3 does not catch" (and docs/pitfalls.md, with the script's output).
"""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

import common
import test_notebook
from conftest import ROOT, STANDALONE_WITH, run_script
from test_process import check_refused_before_keras
from test_standalone import masked

SCRIPT = "08_stateful_pitfalls.py"
README_SECTION = "Mistakes Keras 3 does not catch"

# What Keras 3.15.1 (TensorFlow) says to each mistake, and what the harm must show, as the README's
# table states it. Each harm check is a regular expression on the measured harm (or fix) text.
EXPECTED = {
    "uneven-fit": ("no error", r"moved 2 of 2 state rows"),
    "uneven-predict": ("no error", r"^6 rows for 5 samples"),
    "other-batch-size": ("ValueError: Exception encountered when calling LSTM.call()", r"^stops"),
    "other-batch-size-after-uneven": ("no error", r"^2 rows for 1 sample"),
    "shuffle": ("no error", None),  # accuracy, checked below
    "timeseries-windows": ("no error", None),  # accuracy, checked below
    # Both move the state; whether that cost letters depends on the seed (seed 7: evaluate 1 of 40,
    # predict none, which its row says as "none measured here").
    "evaluate-moves-state": ("no error", r"^moved 2 of 2 state rows; "),
    "predict-moves-state": (
        "no error",
        r"^none measured here \(100\.00% both ways\): "
        r"the state still moved, 2 of 2 rows$",
    ),
    "validation-moves-state": ("no error", r"2 of 2 rows differ from training's"),
    "missing-reset": (
        "no error",
        r"^the second pass starts from the first's last state "
        r"\(2 of 2 rows\) and predicts 2 letters otherwise; "
        r"the same accuracy here \(98\.75% both ways\)$",
    ),
    "batch_input_shape": (
        "ValueError: Unrecognized keyword arguments passed to LSTM: {'batch_input_shape'",
        r"^stops",
    ),
    "stateful-without-batch-size": (
        "ValueError: When using `stateful=True` in a RNN, the batch size must be static",
        r"^stops",
    ),
    "stateful-without-input": (
        "no error",
        r"^none measured here: the state is built for the first "
        r"batch fit gives it \(2 rows\)",
    ),
    "model.reset_states": (
        "AttributeError: 'Sequential' object has no attribute 'reset_states'",
        r"^stops",
    ),
}


def changed(row, what):
    return (
        f"Keras now behaves otherwise on '{row['mistake']}' ({what}): update the README "
        f"section '{README_SECTION}', docs/pitfalls.md and 08's expectation. Found: {row}"
    )


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """The script at its defaults (seed 7), with --json: one run for every test of its results,
    alone in a folder with common.py and guard.py, as a learner copies it."""
    folder = tmp_path_factory.mktemp("pitfalls")
    for name in (SCRIPT, *STANDALONE_WITH):
        shutil.copy(os.path.join(ROOT, name), folder / name)
    proc = run_script(folder / SCRIPT, "--json", str(folder / "found.json"), cwd=folder)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads((folder / "found.json").read_text())
    return proc, found, {row["name"]: row for row in found["pitfalls"]}


def test_the_default_run_prints_what_it_printed_before(default_run):
    # Issue 32 rewrote 08 as plain Keras in view; what a user sees did not change. The file is
    # the script's output at commit b3d8f5a (tests/test_standalone.py says how it was made).
    with open(os.path.join(ROOT, "tests", "outputs", "08_stateful_pitfalls.default.txt")) as file:
        before = file.read()
    proc, _, _ = default_run
    assert masked(proc.stdout) == masked(before)


@pytest.mark.long  # its module fixture runs 08 at the defaults (35-47 s)
def test_every_mistake_is_covered_and_behaves_as_the_readme_states(default_run):
    _, found, rows = default_run
    assert list(rows) == list(EXPECTED)
    for name, (says, harm) in EXPECTED.items():
        row = rows[name]
        assert row["keras_says"].startswith(says), changed(row, "what Keras says")
        if harm is not None:
            assert re.search(harm, row["harm"]), changed(row, "the harm")
        assert row["as_stated"], changed(row, "08's own check")
    assert found["as_stated_percent"] == 100.0


def accuracies(text):
    return [float(a) for a in re.findall(r"(\d+\.\d\d)%", text)]


def test_the_silent_training_mistakes_cost_accuracy_against_the_right_way(default_run):
    _, found, rows = default_run
    # Shuffled, the accuracy read in order is luck (33.75% to 98.75% on seeds 7-11); the
    # cross-entropy is at least 11 times the right way's on each of those seeds.
    shuffled_loss, right_loss = map(
        float,
        re.match(r"cross-entropy (\d+\.\d+) against (\d+\.\d+) ", rows["shuffle"]["harm"]).groups(),
    )
    right = accuracies(rows["shuffle"]["harm"])[-1]
    assert f"{right:.2f}" == f"{found['accuracy']:.2f}" and right >= 95.0
    assert shuffled_loss > 5 * right_loss, changed(rows["shuffle"], "the harm")
    own, streams = accuracies(rows["timeseries-windows"]["harm"])
    # Like 07's wrong layout: near perfect on its own batches, far worse on the streams.
    assert own >= 95.0 and streams < right - 20, changed(rows["timeseries-windows"], "the harm")


def test_each_fix_was_run_and_undoes_the_harm(default_run):
    _, _, rows = default_run
    assert rows["uneven-fit"]["fix"].endswith("no error, 2 batches of 2")
    assert "5 rows, the same as the first 5 of the 6" in rows["uneven-predict"]["fix"]
    assert rows["other-batch-size"]["fix"].endswith(": 1 row")
    for name in ("evaluate-moves-state", "predict-moves-state"):
        kept = accuracies(rows[name]["harm"])[-1]
        assert accuracies(rows[name]["fix"]) == [kept]
    val_accuracy, from_reset = accuracies(rows["validation-moves-state"]["fix"])
    assert val_accuracy == from_reset
    assert rows["missing-reset"]["fix"].endswith("the same predictions as the first pass")
    assert rows["model.reset_states"]["fix"].endswith("state all zeros: yes")


# Names that exist only in this project: a fix that uses one cannot be copied into a reader's code.
PROJECT_NAMES = (
    "common.",
    "with_batch_size",
    "as_streams",
    "ResetState",
    "build_model",
    "options.",
)


def test_every_fix_is_plain_keras_a_reader_can_copy(default_run):
    proc, found, rows = default_run
    printed = re.findall(r"^   fix:    (.+)$", proc.stdout, re.MULTILINE)
    assert printed == [row["fix"] for row in found["pitfalls"]]
    for fix in printed:
        assert not any(name in fix for name in PROJECT_NAMES), fix
    # The steps themselves, as printed (seed 7's counts).
    assert (
        "keras.Input(batch_shape=(1, 1, 2)), then new.set_weights(model.get_weights())"
        in rows["other-batch-size"]["fix"]
    )
    assert (
        "x.reshape(2, 40, 1, 2).swapaxes(0, 1).reshape(80, 1, 2)"
        in rows["timeseries-windows"]["fix"]
    )
    assert (
        "keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: lstm.reset_state(), "
        "on_test_begin=lambda logs: lstm.reset_state())" in rows["validation-moves-state"]["fix"]
    )


def test_what_a_reader_copies_is_defined_in_the_script_in_plain_keras():
    """The helpers marked "copy this" stand in 08 itself and use nothing of the project's."""
    source = open(os.path.join(ROOT, SCRIPT), encoding="utf-8").read()
    copied = re.findall(
        r"^def (\w+)\(.*# copy this.*\n((?:(?: .*)?\n)+?)(?=\S)", source, re.MULTILINE
    )
    assert [name for name, _ in copied] == ["as_streams", "build_model"]
    for name, body in copied:
        assert "common." not in body and "options." not in body, name
    assert "with_batch_size" not in source and "ResetState" not in source


def test_a_row_whose_harm_is_nil_says_so(default_run):
    _, _, rows = default_run
    for row in rows.values():
        # Two equal figures set against each other ("100.00% ..., against 100.00%") read as harm.
        assert not re.search(r"(?<![\d.])(\d+\.\d\d)%[^;()]*against \1%", row["harm"]), row
    assert rows["predict-moves-state"]["harm"].startswith("none measured here (100.00% both ways)")
    assert rows["stateful-without-input"]["harm"].startswith("none measured here")
    # One letter lost:
    assert rows["evaluate-moves-state"]["harm"].endswith("against 100.00% with the state kept")


def test_the_guard_refuses_each_silent_mistake_it_can_see(default_run):
    proc, _, _ = default_run
    blocks = dict(
        re.findall(r"^\d+\. (.+)\n(?:   .*\n)*?   guard:  (.+)$", proc.stdout, re.MULTILINE)
    )
    expected = {
        "fit on samples that do not fill the last batch": "refuses: 5 samples",
        "predict on samples that do not fill the last batch": "refuses: 5 samples",
        "predict with another batch size than the model's": "refuses: batch_size=1",
        "fit's default shuffle=True on a stateful model": "refuses: shuffle=True",
        "windows from keras.utils.timeseries_dataset_from_array": (
            "refuses: the dataset's batch size is not static"
        ),
        "stateful=True with no input shape at all": "refuses: stateful layer 'lstm'",
    }
    for mistake, refusal in expected.items():
        assert blocks[mistake].startswith(refusal), (mistake, blocks[mistake])


def test_the_table_is_printed_and_the_json_says_what_it_shows(default_run):
    proc, found, _ = default_run
    table = re.findall(r"^\| (.+) \| (.+) \| (.+) \| (.+) \|$", proc.stdout, re.MULTILINE)
    assert table[0] == ("mistake", "Keras 3 says", "harm", "fix")
    # Printed once, at the end: one header, one row per mistake, one "As stated" line.
    assert proc.stdout.count("| mistake | Keras 3 says | harm | fix |") == 1
    assert len(table) == 1 + len(found["pitfalls"]) and proc.stdout.count("As stated: ") == 1
    assert table[1:] == [
        (r["mistake"], r["keras_says"], r["harm"], r["fix"]) for r in found["pitfalls"]
    ]
    assert set(found["pitfalls"][0]) == {
        "name",
        "mistake",
        "keras_says",
        "harm",
        "fix",
        "as_stated",
    }
    assert re.search(
        r"^As stated: 100\.00% of 14 mistakes \(Keras 3\.15\.1, backend tensorflow\)$",
        proc.stdout,
        re.MULTILINE,
    )
    assert (found["script"], found["seed"], found["epochs"]) == (SCRIPT, 7, 40)
    assert "Traceback" not in proc.stderr and "retracing" not in proc.stderr


@pytest.mark.parametrize(
    "args, shown",
    [
        (["--predict", "AB"], "--predict"),  # 08 predicts nothing: refused, not ignored
        (["--plot", "x.png"], "--plot"),
        (["--save", "x.keras"], "--save"),
        (["--epochs", "0"], "--epochs"),
        (["--learning-rate", "0"], "--learning-rate"),
    ],
)
def test_bad_options_are_refused_in_one_line_before_keras_loads(args, shown):
    check_refused_before_keras(SCRIPT, args, shown, status=2)


def test_help_gives_the_scripts_own_defaults():
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, SCRIPT), "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "(default: 0.01, ten times Adam's default" in text and "(default: 40," in text


def test_the_script_is_a_percent_notebook_with_prose_between_its_sections():
    test_notebook.test_each_script_is_a_percent_notebook_with_prose_between_its_sections(SCRIPT)


@pytest.mark.parametrize(
    "backend, why",
    [
        ("jax", "does not carry a stateful LSTM's state"),
        ("torch", "stops with a ValueError on a short last batch"),
    ],
)
def test_other_backends_are_refused_in_one_line(backend, why):
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, SCRIPT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env={**os.environ, "KERAS_BACKEND": backend},
    )
    assert proc.returncode == common.UNSUPPORTED, proc.stderr[-2000:]
    assert proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"{SCRIPT}: ") and why in line and "KERAS_BACKEND=tensorflow" in line
