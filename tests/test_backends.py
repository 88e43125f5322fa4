"""Every script on every Keras backend: JAX and PyTorch beside the default TensorFlow.

The optional backends come from requirements-backends.txt (part of requirements-dev.txt), so a
missing one fails these tests rather than skipping them.
"""

import os
import textwrap

import pytest

import common
from conftest import ROOT, run_script
from test_scripts import SCRIPTS, check_articles_format


def run_on(backend, script, *args):
    """`script` run from a launcher that imported Keras on `backend` (conftest.run_script)."""
    return run_script(script, *args, env={**os.environ, "KERAS_BACKEND": backend})


@pytest.mark.parametrize("backend", ["jax", "torch"])
@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_runs_on_every_backend(backend, script):
    proc = run_on(backend, script, "--epochs", "2")
    if backend == "jax" and script == "05_stateful.py":
        # Refused in one line before anything is printed or trained: never a wrong alphabet.
        assert proc.returncode == common.UNSUPPORTED, proc.stderr
        assert proc.stdout == ""
        (line,) = proc.stderr.splitlines()
        assert line.startswith("05_stateful.py: the JAX backend of Keras")
        assert "KERAS_BACKEND=tensorflow" in line
    else:
        assert proc.returncode == 0, proc.stderr[-3000:]
        check_articles_format(script, proc.stdout)


STATE_PROBE = textwrap.dedent(
    """
    import sys

    sys.path.insert(0, {root!r})  # the project's folder, for common.py
    import numpy as np
    import common  # quiets TensorFlow's start-up lines
    import keras

    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [keras.Input(batch_shape=(1, 1, 1)), keras.layers.LSTM(4, stateful=True, use_cudnn=False)]
    )
    x = np.ones((1, 1, 1), "float32")
    first, second = model.predict_on_batch(x), model.predict_on_batch(x)
    print("carried" if not np.allclose(first, second) else "not carried")
    """
)


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_which_backends_carry_a_stateful_layers_state_between_batches(backend, tmp_path):
    """The fact behind framing 5's refusal on JAX. The same input twice gives a different
    output only if the state left by the first batch reaches the second. If this starts to
    fail for JAX after an upgrade, Keras has fixed it: drop the refusal in 05_stateful.py."""
    probe = tmp_path / "probe.py"
    probe.write_text(STATE_PROBE.format(root=ROOT))
    proc = run_on(backend, probe)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == ("not carried" if backend == "jax" else "carried")


@pytest.mark.slow
def test_framing_5_learns_the_alphabet_on_pytorch(tmp_path):
    """At the article's settings on PyTorch: 100%, A..Z from 'A', and the probe finds the same
    step counter as on TensorFlow."""
    import json

    from study.checks import alphabet_from_a

    proc = run_on("torch", "05_stateful.py", "--quiet", "--json", str(tmp_path / "found.json"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads((tmp_path / "found.json").read_text())
    assert found["accuracy"] == 100
    assert alphabet_from_a(found)
    assert found["probe"]["model"]["verdict"] == "counts"  # the probe from every start


def test_reproduce_reports_a_refusal_as_a_row_not_a_failure(monkeypatch):
    from study import report
    from study.rows import ROWS_BY_LABEL, Refused
    from study.runner import run_study

    monkeypatch.setenv("KERAS_BACKEND", "jax")
    row = ROWS_BY_LABEL["5"]
    runs = run_study([row], [7], jobs=1, scale=0.01)
    assert isinstance(runs["5"], Refused)
    assert runs["5"].message.startswith("the JAX backend of Keras")
    line = report.one_seed_table([row], runs).splitlines()[-1]
    assert line.split()[-2:] == ["run", "refused"] and "not run" in line  # plain columns
    assert "refused on this backend: the JAX backend" in report.checks_text([row], runs, True)
