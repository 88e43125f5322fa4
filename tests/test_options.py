"""common.py: the command line, checked before Keras loads. In process, and as a user runs it."""

import contextlib
import io
import os
import signal
import subprocess
import sys
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import common
from conftest import ROOT
from study import cli

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_common_and_reproduce_load_without_keras():
    # --help and a refusal must not wait for TensorFlow.
    code = (
        "import sys, common, reproduce; "
        "print(sorted({'keras', 'tensorflow', 'matplotlib'} & set(sys.modules)))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert proc.stdout.strip() == "[]", proc.stderr


def test_parse_args_defaults_and_overrides():
    args = common.parse_args("test", epochs=500, argv=[])
    assert (args.epochs, args.seed, args.quiet, args.predict, args.steps) == (
        500,
        7,
        False,
        None,
        5,
    )
    argv = ["--epochs", "3", "--seed", "0", "--quiet", "--predict", "abc", "--steps", "2"]
    args = common.parse_args("test", epochs=500, min_letters=3, argv=argv)
    assert (args.epochs, args.seed, args.quiet, args.predict, args.steps) == (3, 0, True, "ABC", 2)


@pytest.mark.parametrize(
    "argv, min_letters",
    [
        (["--epochs", "0"], 1),
        (["--epochs", "-5"], 1),
        (["--epochs", "ten"], 1),
        (["--seed", "-1"], 1),
        (["--steps", "0"], 1),
        (["--predict", ""], 1),
        (["--predict", "AB1"], 1),
        (["--predict", "ÄB"], 1),
        (["--predict", "AB"], 3),
        (["--bogus"], 1),
    ],
)
def test_parse_args_refuses_bad_values_with_one_line_and_status_2(argv, min_letters, capsys):
    with pytest.raises(SystemExit) as exit_info:
        common.parse_args("test", epochs=500, min_letters=min_letters, argv=argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert argv[0] in err


def test_script_options_are_added_and_checked():
    def add(parser):
        parser.add_argument("--shuffle", action="store_true")

    assert common.parse_args("test", epochs=5, add_options=add, argv=["--shuffle"]).shuffle
    assert not common.parse_args("test", epochs=5, add_options=add, argv=[]).shuffle


def test_framing4s_own_options_are_checked_in_one_line():
    # 04's controls live in 04 itself; refused before Keras loads, as the shared options are.
    for argv in (["--units", "0"], ["--units", "1025"], ["--batch-size", "2"]):
        proc = subprocess.run(
            [sys.executable, "04_batch_state.py", *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert proc.returncode == 2 and proc.stdout == ""
        (line,) = proc.stderr.splitlines()
        assert argv[0] in line


# Every numeric option, with numbers around and beyond each bound.
NUMBERS = st.one_of(
    st.integers(-3, 30),
    st.integers(-(2**40), 2**40),
    st.sampled_from(
        [
            common.EPOCHS_MAX,
            common.EPOCHS_MAX + 1,
            common.SEED_MAX,
            common.SEED_MAX + 1,
            common.STEPS_MAX,
            common.STEPS_MAX + 1,
        ]
    ),
).map(str)
ARGV = st.lists(
    st.one_of(
        st.sampled_from(["--epochs", "--seed", "--steps", "--predict", "--quiet", "--shuffle"]),
        st.text(max_size=8),
        NUMBERS,
    ),
    max_size=6,
)


def parsed_or_refused(parse, argv):
    """`parse(argv)`'s namespace, or None after checking a refusal is one line with status 2."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            return parse(argv)
    except SystemExit as exit_info:
        if exit_info.code == 0:  # --help, or an abbreviation of it such as --he
            assert out.getvalue().startswith("usage:")
        else:
            assert exit_info.code == 2
            assert len(err.getvalue().splitlines()) == 1
            assert ": error: " in err.getvalue()
        return None


@settings(max_examples=300, deadline=None)
@given(ARGV)
def test_parser_accepts_valid_input_or_refuses_it_in_one_line(argv):
    args = parsed_or_refused(
        lambda a: common.parse_args("test", epochs=500, min_letters=3, argv=a), argv
    )
    if args is None:
        return
    assert 1 <= args.epochs <= common.EPOCHS_MAX
    assert 0 <= args.seed <= common.SEED_MAX
    assert 1 <= args.steps <= common.STEPS_MAX
    assert args.predict is None or (len(args.predict) >= 3 and set(args.predict) <= set(ALPHABET))


REPRODUCE_ARGV = st.lists(
    st.one_of(
        st.sampled_from(["--seed", "--seeds", "--jobs", "--epoch-scale"]),
        NUMBERS,
        st.floats(allow_nan=True, allow_infinity=True).map(str),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(REPRODUCE_ARGV)
def test_study_parser_accepts_valid_input_or_refuses_it_in_one_line(argv):
    args = parsed_or_refused(cli.parse_args, argv)
    if args is None:
        return
    assert (
        0 <= args.seed and args.seed + args.seeds - 1 <= common.SEED_MAX
    )  # every seed NumPy takes
    assert 1 <= args.seeds <= cli.SEEDS_MAX
    assert 1 <= args.jobs <= cli.JOBS_MAX
    assert 0 < args.epoch_scale <= 1


@pytest.mark.parametrize(
    "option, limit",
    [("--epochs", common.EPOCHS_MAX), ("--seed", common.SEED_MAX), ("--steps", common.STEPS_MAX)],
)
def test_each_upper_bound_is_accepted_and_the_next_number_refused_naming_the_bound(
    option, limit, capsys
):
    assert (
        getattr(common.parse_args("test", epochs=5, argv=[option, str(limit)]), option[2:]) == limit
    )
    with pytest.raises(SystemExit):
        common.parse_args("test", epochs=5, argv=[option, str(limit + 1)])
    assert f"must be at most {limit}" in capsys.readouterr().err


def test_the_largest_seed_accepted_is_numpys_limit():
    import numpy as np

    np.random.RandomState(common.SEED_MAX)  # accepted
    with pytest.raises(ValueError):
        np.random.RandomState(common.SEED_MAX + 1)  # the limit is NumPy's, not ours


@pytest.mark.parametrize("path", ["model.h5", "no/such/folder/model.keras"])
def test_save_option_refuses_what_cannot_be_saved(path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        common.parse_args("test", epochs=5, argv=["--save", path])
    assert exit_info.value.code == 2
    assert "--save" in capsys.readouterr().err


@pytest.mark.parametrize("path", ["curves.jpg", "curves", "no/such/folder/curves.png"])
def test_plot_option_refuses_what_cannot_be_written(path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        common.parse_args("test", epochs=5, argv=["--plot", path])
    assert exit_info.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "--plot" in line


def test_plot_option_takes_a_png_path(tmp_path):
    args = common.parse_args("test", epochs=5, argv=["--plot", str(tmp_path / "c.PNG")])
    assert args.plot == str(tmp_path / "c.PNG")
    assert common.parse_args("test", epochs=5, argv=[]).plot is None  # nothing unless asked


def fake_kernel(monkeypatch, running=True):
    """ipykernel imported, and (if `running`) an IPython shell of the kind a Jupyter kernel runs."""
    shell = type("ZMQInteractiveShell", (), {"__module__": "ipykernel.zmqshell"})
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = (lambda: shell()) if running else (lambda: None)
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    monkeypatch.setitem(sys.modules, "IPython", ipython)


def test_a_process_that_only_imported_ipykernel_keeps_its_command_line(monkeypatch):
    # A test runner that also drives notebooks imports ipykernel but runs no kernel.
    fake_kernel(monkeypatch, running=False)
    assert not common.in_notebook()  # so a script it runs reads its own sys.argv


def test_in_a_notebook_the_kernels_command_line_is_ignored(monkeypatch):
    fake_kernel(monkeypatch)
    assert common.in_notebook()
    monkeypatch.setattr(sys, "argv", ["ipykernel_launcher.py", "-f", "/tmp/kernel-1.json"])
    previous = signal.getsignal(signal.SIGINT)
    args = common.parse_args("test", epochs=5)
    assert (args.epochs, args.seed, args.quiet, args.plot) == (5, 7, False, None)
    assert signal.getsignal(signal.SIGINT) is previous  # a notebook keeps its own Ctrl-C


@pytest.mark.parametrize(
    "make, reason",
    [
        (
            lambda tmp: "/proc/picture.png",
            "cannot write to folder '/proc'",
        ),  # a folder no one can write, root included
        (lambda tmp: str(tmp / "file.txt" / "picture.png"), "is not a folder"),
        (lambda tmp: str(tmp / "picture.png"), "is a folder, not a file name"),
    ],
)
def test_output_paths_are_tried_before_anything_trains(make, reason, tmp_path, capsys):
    (tmp_path / "file.txt").write_text("a file, not a folder")
    (tmp_path / "picture.png").mkdir()
    with pytest.raises(SystemExit) as exit_info:
        common.parse_args("test", epochs=5, argv=["--plot", make(tmp_path)])
    assert exit_info.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "--plot" in line and reason in line
    assert sorted(os.listdir(tmp_path)) == [
        "file.txt",
        "picture.png",
    ]  # the test file is gone again


@pytest.mark.parametrize("backend", ["tensorflw", "TensorFlow", "numpy", ""])
def test_a_keras_backend_the_scripts_cannot_use_is_one_line(backend, monkeypatch, capsys):
    monkeypatch.setenv("KERAS_BACKEND", backend)
    with pytest.raises(SystemExit) as exit_info:
        common.parse_args("test", epochs=5, argv=[])
    assert exit_info.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert f"KERAS_BACKEND={backend!r}" in line and "tensorflow, jax, torch" in line


@pytest.mark.parametrize("backend", common.BACKENDS)
def test_the_backends_that_work_are_accepted(backend, monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", backend)
    assert common.parse_args("test", epochs=5, argv=[]).epochs == 5


def test_values_that_depend_on_each_other_are_checked_on_the_command_line_and_when_set(capsys):
    def check(args):
        return None if args.steps <= args.epochs else "argument --steps: no more than --epochs"

    with pytest.raises(SystemExit):
        common.parse_args("test", epochs=5, argv=["--steps", "6"], check=check)
    assert "no more than --epochs" in capsys.readouterr().err
    args = common.parse_args("test", epochs=5, argv=["--steps", "5"], check=check)
    with pytest.raises(common.OptionError, match="no more than --epochs"):
        args.steps = 6
    assert args.steps == 5  # the old value kept
