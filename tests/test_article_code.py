"""The article's code in plain view (issue 19 item 2): copied out of a script, it runs alone.

For each of 01..06 this test does what a reader would: it takes from the script's source the
statement that builds the model (`model = keras.Sequential([...])`, or a functional model with
the statements it is built from), the `model.compile(...)` call, the UPPER_CASE constants with
literal values and the `# plain: ` lines, and writes them into a new file in an empty folder,
after a preamble that imports only keras and numpy and makes random NumPy X, y of the script's
shapes and `args` (epochs, learning_rate). That file runs in a process that cannot import the
project's modules (no common.py, no options.py), and must train: its optimizer counts
`args.epochs` epochs of the script's BATCH_SIZE.

It also checks that each script keeps the plain `model.fit(` in view and marks its fast path
(`common.speed_up(...)`) as "Speed only".
"""

import ast
import builtins
import math
import os
import re
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
PLAIN = re.compile(r"^\s*# plain:(?: (.*))?$")  # a `# plain: ` line; what follows the prefix
PROVIDED = {"keras", "np", "args", "X", "y", "types"}  # names the preamble defines

PREAMBLE = f'''\
import types

import keras
import numpy as np

keras.utils.set_random_seed(0)
args = types.SimpleNamespace(epochs={EPOCHS}, learning_rate=0.001)
_rng = np.random.default_rng(0)
X = _rng.random({{shape}}).astype("float32")  # (samples, time steps, features)
y = keras.utils.to_categorical(_rng.integers(0, 26, size={{samples}}), num_classes=26)  # (samples, 26)
'''


def source(script):
    with open(os.path.join(ROOT, script), encoding="utf-8") as file:
        return file.read()


def assigned_names(node):
    """The names an `ast.Assign` binds (also inside tuple targets)."""
    return {name.id for target in node.targets for name in ast.walk(target) if isinstance(name, ast.Name)}


def loaded_names(node):
    return {name.id for name in ast.walk(node) if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Load)}


def is_model_compile(node):
    call = node.value if isinstance(node, ast.Expr) else None
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "compile"
            and isinstance(call.func.value, ast.Name) and call.func.value.id == "model")


def constants(tree):
    """Module-level UPPER_CASE = literal assignments: {name: statement}."""
    found = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.isupper()):
            try:
                ast.literal_eval(node.value)
            except ValueError:
                continue  # computed from the command line or another value: not a constant
            found[node.targets[0].id] = node
    return found


def plain_blocks(text):
    """The `# plain: ` lines, prefix stripped and indentation after it kept, as code blocks
    (consecutive lines form one block)."""
    blocks, block = [], []
    for line in text.splitlines():
        match = PLAIN.match(line)
        if match:
            block.append(match[1] or "")
        elif block:
            blocks.append("\n".join(block))
            block = []
    if block:
        blocks.append("\n".join(block))
    return blocks


def article_code(script):
    """The code a reader copies out of `script`, as one Python file's text (without data)."""
    text = source(script)
    tree = ast.parse(text)
    compile_at = next((i for i, node in enumerate(tree.body) if is_model_compile(node)), None)
    assert compile_at is not None, f"{script}: no module-level model.compile(...)"
    earlier = tree.body[:compile_at]
    builds = [node for node in earlier if isinstance(node, ast.Assign) and "model" in assigned_names(node)]
    assert builds, f"{script}: no module-level `model = ...` before model.compile(...)"
    model_statement = builds[-1]  # the model that is compiled

    consts = constants(tree)
    # A functional model is built over several statements: take those it needs, transitively.
    needed, wanted = [model_statement], loaded_names(model_statement)
    while wanted:
        name = wanted.pop()
        if name in PROVIDED or name in consts or hasattr(builtins, name):
            continue
        defining = [node for node in earlier if node.lineno < model_statement.lineno
                    and isinstance(node, ast.Assign) and name in assigned_names(node)]
        if defining and defining[-1] not in needed:
            needed.append(defining[-1])
            wanted |= loaded_names(defining[-1])
    needed.sort(key=lambda node: node.lineno)

    parts = [ast.get_source_segment(text, node) for node in consts.values()]
    parts += [ast.get_source_segment(text, node) for node in needed]
    parts.append(ast.get_source_segment(text, tree.body[compile_at]))
    blocks = plain_blocks(text)
    return "\n".join(parts) + "\n\n" + "\n\n".join(blocks) + "\n", consts, blocks


@pytest.mark.parametrize("script", SHAPES)
def test_the_scripts_model_compile_and_plain_lines_run_alone_with_numpy_data(script, tmp_path):
    code, consts, blocks = article_code(script)
    assert any("model.fit(" in block for block in blocks), f"{script}: no `# plain: ` line with model.fit("
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
    assert proc.stdout.splitlines()[-1] == f"updates: {EPOCHS * math.ceil(shape[0] / batch_size)}", proc.stdout


@pytest.mark.parametrize("script", SHAPES)
def test_the_fast_path_is_marked_speed_only(script):
    # common.speed_up(...) trains the same steps faster; the reader must see it is only that.
    text = source(script)
    lines = text.splitlines()
    calls = [node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Call)
             and ast.unparse(node.func) == "common.speed_up"]
    assert calls, f"{script}: no common.speed_up(...) call"
    for call in calls:
        # The paragraph the call stands in: the lines above it up to a blank line, and its own.
        first = call.lineno - 1
        while first > 0 and lines[first - 1].strip():
            first -= 1
        paragraph = lines[first : call.end_lineno]
        assert any("# Speed only" in line for line in paragraph), (script, call.lineno)


def test_the_extraction_finds_a_functional_model_and_what_it_is_built_from(tmp_path, monkeypatch):
    # The parser above must also serve a functional model: a check of the test itself.
    script = tmp_path / "functional.py"
    script.write_text(
        'UNITS = 4  # units\nBATCH_SIZE = 5\nunused = 1\nletters = keras.Input(shape=(1, 1))\n'
        'hidden = keras.layers.LSTM(UNITS)(letters)\nmodel = keras.Model(letters, keras.layers.Dense(26)(hidden))\n'
        'model.compile(loss="mse")\n# plain: model.fit(X, y,\n# plain:     epochs=1)\nlater = 2\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", str(tmp_path))
    code, consts, blocks = article_code("functional.py")
    assert set(consts) == {"UNITS", "BATCH_SIZE"}
    assert "letters = keras.Input" in code and "hidden = keras.layers.LSTM" in code
    assert "unused" not in code and "later" not in code
    assert blocks == ["model.fit(X, y,\n    epochs=1)"]
