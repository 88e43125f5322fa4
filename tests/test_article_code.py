"""The lesson is the code that runs (issue 32): copied out of a script, it runs alone.

For each of 01..06 this test does what a reader would: it takes from the script's source the
UPPER_CASE constants with literal values and the statements from the one that builds the model
(`model = keras.Sequential([...])`, or a functional model with the statements it is built from)
through `history = model.fit(...)`: the compile line with its speed options, the `tf.data`
pipeline, the resets, the fit. It leaves out what is this project's own (calls into common.py:
the progress line, logging, a refusal), as a reader copying the lesson into their own project
would, and writes the rest into a new file in an empty folder, after a preamble that imports
only keras, numpy and tensorflow and makes random NumPy X, y of the script's shapes and `args`.
That file runs in a process that cannot import the project's modules, and must train: its
optimizer counts `args.epochs` epochs of the script's BATCH_SIZE, in the script's own way.
"""

import ast
import builtins
import os
import sys

import pytest

from conftest import ROOT, run_script

# script -> X's shape (samples, time steps, features) in that framing; y is (samples, 26)
SHAPES = {
    "01_naive_one_char.py": (25, 1, 1),
    "02_window_features.py": (23, 1, 3),
    "03_window_timesteps.py": (23, 3, 1),
    "04_batch_state.py": (25, 1, 1),
    "05_stateful.py": (25, 1, 1),
    "06_variable_length.py": (1000, 5, 1),
}
EPOCHS = 2  # args.epochs in the copied code
PROVIDED = {
    "keras",
    "np",
    "tf",
    "args",
    "X",
    "y",
    "types",
    "progress",
    "held_out",
    "SHIFT",
}  # the preamble's names

PREAMBLE = (
    f"""\
import types

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)
args = types.SimpleNamespace(epochs={EPOCHS}, learning_rate=0.001, seed=0, quiet=True,
                             random_start=False, hold_out=False, shift_codes=False)
progress = keras.callbacks.Callback()  # the project's progress line, left out of the copy
held_out, SHIFT = [], 0  # 06's controls, off (the article's run)
_rng = np.random.default_rng(0)
X = _rng.random({{shape}}).astype("float32")  # (samples, time steps, features)
"""
    f"y = keras.utils.to_categorical(_rng.integers(0, 26, size={{samples}}), num_classes=26)"
    "  # (samples, 26)\n"
)


def source(script):
    with open(os.path.join(ROOT, script), encoding="utf-8") as file:
        return file.read()


def assigned_names(node):
    """The names an `ast.Assign` binds (also inside tuple targets)."""
    return {
        name.id
        for target in node.targets
        for name in ast.walk(target)
        if isinstance(name, ast.Name)
    }


def loaded_names(node):
    return {
        name.id
        for name in ast.walk(node)
        if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Load)
    }


def is_model_fit(node):
    call = node.value if isinstance(node, (ast.Assign, ast.Expr)) else None
    return isinstance(call, ast.Call) and ast.unparse(call.func) == "model.fit"


def is_projects_own(node):
    """A statement that calls into common.py for plumbing (not the data helpers before it)."""
    return isinstance(node, (ast.Expr, ast.Assign)) and any(
        isinstance(call, ast.Call) and ast.unparse(call.func).startswith("common.")
        for call in ast.walk(node)
    )


class LeaveOutProjectsOwn(ast.NodeTransformer):
    """Drops the project's own statements at any depth (an `if` left empty gets `pass`)."""

    def generic_visit(self, node):
        super().generic_visit(node)
        for field in ("body", "orelse"):
            body = getattr(node, field, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                kept = [statement for statement in body if not is_projects_own(statement)]
                setattr(node, field, kept or ([ast.Pass()] if field == "body" else []))
        return node


def constants(tree):
    """Module-level UPPER_CASE = literal assignments: {name: statement}."""
    found = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id.isupper()
        ):
            try:
                ast.literal_eval(node.value)
            except ValueError:
                continue  # computed from the command line or another value: not a constant
            found[node.targets[0].id] = node
    return found


def article_code(script):
    """The code a reader copies out of `script`, as one Python file's text (without data)."""
    text = source(script)
    tree = ast.parse(text)
    fit_at = next((i for i, node in enumerate(tree.body) if is_model_fit(node)), None)
    assert fit_at is not None, f"{script}: no module-level model.fit(...)"
    builds = [
        i
        for i, node in enumerate(tree.body[:fit_at])
        if isinstance(node, ast.Assign) and "model" in assigned_names(node)
    ]
    assert builds, f"{script}: no module-level `model = ...` before model.fit(...)"
    model_at = builds[-1]  # the model that is trained
    consts = constants(tree)
    # A functional model is built over several statements: take those it needs, transitively.
    needed, wanted = [tree.body[model_at]], loaded_names(tree.body[model_at])
    while wanted:
        name = wanted.pop()
        if name in PROVIDED or name in consts or hasattr(builtins, name):
            continue
        defining = [
            node
            for node in tree.body[:model_at]
            if isinstance(node, ast.Assign) and name in assigned_names(node)
        ]
        if defining and defining[-1] not in needed:
            needed.append(defining[-1])
            wanted |= loaded_names(defining[-1])
    needed.sort(key=lambda node: node.lineno)
    training = ast.Module(body=tree.body[model_at + 1 : fit_at + 1], type_ignores=[])
    training = LeaveOutProjectsOwn().visit(training)
    training.body = [node for node in training.body if not is_projects_own(node)]

    parts = [ast.get_source_segment(text, node) for node in consts.values()]
    parts += [ast.get_source_segment(text, node) for node in needed]
    parts.append(ast.unparse(training))
    return "\n".join(parts) + "\n", consts


@pytest.mark.parametrize("script", SHAPES)
def test_the_scripts_model_compile_and_training_run_alone_with_numpy_data(script, tmp_path):
    code, consts = article_code(script)
    shape = SHAPES[script]
    program = PREAMBLE.format(shape=shape, samples=shape[0]) + "\n" + code
    program += '\nprint("updates:", int(model.optimizer.iterations))\n'
    path = tmp_path / "article_code.py"
    path.write_text(program, encoding="utf-8")

    # Not from the repository: its folder is neither the working directory nor on the path.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    proc = run_script(path, env=env, cwd=tmp_path, timeout=900)  # conftest.py: a launcher's fork
    assert proc.returncode == 0, f"{program}\n--- stderr:\n{proc.stderr[-3000:]}"
    # Training happened, at the script's batch size, for args.epochs epochs.
    batch_size = ast.literal_eval(consts["BATCH_SIZE"].value)
    assert proc.stdout.splitlines()[-1] == f"updates: {EPOCHS * (shape[0] // batch_size)}", (
        proc.stdout
    )


@pytest.mark.parametrize("script", SHAPES)
def test_the_speed_options_are_in_the_compile_line_and_said_to_be_speed(script):
    # steps_per_execution and jit_compile train the same steps faster (test_common.py checks
    # that); the reader must see they are only that, in the line they copy.
    text = source(script)
    tree = ast.parse(text)
    compiles = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "model.compile"
    ]
    assert compiles, script
    keywords = {keyword.arg for keyword in compiles[0].keywords}
    assert {"steps_per_execution", "jit_compile"} <= keywords, script
    lines = text.splitlines()[compiles[0].lineno - 1 : compiles[0].end_lineno]
    assert any("# Speed" in line for line in lines), script


def test_the_extraction_finds_a_functional_model_and_what_it_is_built_from(tmp_path, monkeypatch):
    # The parser above must also serve a functional model: a check of the test itself.
    script = tmp_path / "functional.py"
    script.write_text(
        "UNITS = 4  # units\nBATCH_SIZE = 5\nunused = 1\nletters = keras.Input(shape=(1, 1))\n"
        "hidden = keras.layers.LSTM(UNITS)(letters)\n"
        "model = keras.Model(letters, keras.layers.Dense(26)(hidden))\n"
        'model.compile(loss="mse")\ncommon.log(args, "x")\nif args.quiet:\n'
        '    common.log(args, "y")\nhistory = model.fit(X, y, epochs=1)\nlater = 2\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", str(tmp_path))
    code, consts = article_code("functional.py")
    assert set(consts) == {"UNITS", "BATCH_SIZE"}
    assert "letters = keras.Input" in code and "hidden = keras.layers.LSTM" in code
    assert "unused" not in code and "later" not in code and "common." not in code
    assert "if args.quiet:\n    pass" in code and "history = model.fit(X, y, epochs=1)" in code
