"""guard.check_stateful_fit: each silent mistake it covers is refused in one line, and the right
inputs (and stateless models) pass. In-process, no training: the guard only looks at shapes."""

import ast
import os
import subprocess
import sys

import numpy as np
import pytest

import common  # noqa: F401  (quiets TensorFlow's start-up lines)
import guard
import keras
import tensorflow as tf
from conftest import ROOT

BATCH = 2


def stateful_model(batch_shape=(BATCH, 1, 2)):
    return keras.Sequential(
        [
            keras.Input(batch_shape=batch_shape),
            keras.layers.LSTM(4, stateful=True, use_cudnn=False, name="lstm"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )


def samples(n):
    return np.zeros((n, 1, 2), "float32")


def refusal(model, x, **keywords):
    with pytest.raises(guard.StatefulMistake) as caught:
        guard.check_stateful_fit(model, x, **keywords)
    message = str(caught.value)
    assert "\n" not in message  # one line
    assert isinstance(caught.value, ValueError)
    return message


def test_right_inputs_pass():
    model = stateful_model()
    assert guard.check_stateful_fit(model, samples(80), batch_size=BATCH, shuffle=False) is None
    assert guard.check_stateful_fit(model, [samples(4)], batch_size=BATCH, shuffle=False) is None
    assert (
        guard.check_stateful_fit(model, {"x": samples(4)}, batch_size=BATCH, shuffle=False) is None
    )
    dataset = tf.data.Dataset.from_tensor_slices((samples(6), np.zeros((6, 2)))).batch(
        BATCH, drop_remainder=True
    )
    assert guard.check_stateful_fit(model, dataset) is None  # fit ignores shuffle for a dataset


def test_stateless_models_pass_whatever_the_input():
    model = keras.Sequential(
        [keras.Input(shape=(1, 2)), keras.layers.LSTM(4), keras.layers.Dense(2)]
    )
    assert guard.check_stateful_fit(model, samples(5)) is None  # uneven, default batch and shuffle


def test_samples_that_do_not_fill_the_last_batch_are_refused():
    message = refusal(stateful_model(), samples(5), batch_size=BATCH, shuffle=False)
    assert message.startswith("5 samples do not fill batches of 2: the last batch of 1")
    assert "x[:4]" in message and "pad to 6" in message


def test_another_batch_size_than_the_models_is_refused():
    message = refusal(stateful_model(), samples(4), batch_size=1, shuffle=False)
    assert message.startswith(
        "batch_size=1 is not the batch size the stateful model was built for, 2"
    )
    message = refusal(stateful_model(), samples(64), shuffle=False)  # fit's default, 32
    assert message.startswith("fit's default batch size 32 is not the batch size")


def test_shuffle_left_on_is_refused():
    message = refusal(stateful_model(), samples(4), batch_size=BATCH)  # fit's default shuffle=True
    assert message.startswith("shuffle=True (fit's default)") and "shuffle=False" in message


@pytest.mark.parametrize("make", ["batch", "timeseries"])
def test_a_dataset_whose_batch_size_is_not_static_is_refused(make):
    if make == "batch":
        dataset = tf.data.Dataset.from_tensor_slices((samples(5), np.zeros((5, 2)))).batch(BATCH)
    else:
        dataset = keras.utils.timeseries_dataset_from_array(
            np.zeros((8, 2)), np.zeros((8, 2)), sequence_length=1, batch_size=BATCH
        )
    message = refusal(stateful_model(), dataset)
    assert message.startswith("the dataset's batch size is not static")
    assert "drop_remainder=True" in message


def test_a_dataset_of_another_static_batch_size_is_refused():
    dataset = tf.data.Dataset.from_tensor_slices(samples(6)).batch(3, drop_remainder=True)
    assert refusal(stateful_model(), dataset).startswith("the dataset's batches hold 3 samples")


def test_a_stateful_model_with_no_batch_size_is_refused():
    # Keras 2's habit: no input at all. Keras 3 builds the model on fit's first batch, silently.
    model = keras.Sequential(
        [keras.layers.LSTM(4, stateful=True, name="lstm"), keras.layers.Dense(2)]
    )
    message = refusal(model, samples(4), batch_size=BATCH, shuffle=False)
    assert message.startswith("stateful layer 'lstm' has no fixed batch size (not built yet)")
    assert "keras.Input(batch_shape=" in message and "call it once on a batch" in message


class Subclassed(keras.Model):
    """A model of the user's own: no keras.Input, so no `model.inputs`; its batch size is the
    one it was first called on."""

    def __init__(self):
        super().__init__()
        self.lstm = keras.layers.LSTM(4, stateful=True, use_cudnn=False, name="lstm")
        self.dense = keras.layers.Dense(2, activation="softmax")

    def call(self, x):
        return self.dense(self.lstm(x))


def test_a_subclassed_model_is_judged_by_its_state():
    model = Subclassed()
    message = refusal(
        model, samples(4), batch_size=BATCH, shuffle=False
    )  # never called: no state yet
    assert message.startswith("stateful layer 'lstm' has no fixed batch size (not built yet)")
    model(samples(BATCH))  # built: the state is (2, 4)
    assert guard.check_stateful_fit(model, samples(4), batch_size=BATCH, shuffle=False) is None
    assert refusal(model, samples(4), batch_size=1, shuffle=False).startswith(
        "batch_size=1 is not the batch size the stateful model was built for, 2"
    )
    assert refusal(model, samples(5), batch_size=BATCH, shuffle=False).startswith(
        "5 samples do not fill"
    )
    assert refusal(model, samples(4), batch_size=BATCH).startswith("shuffle=True")


def test_a_stateless_input_beside_a_stateful_one_passes():
    # Input batch sizes {2, None}: the state says 2, and the stateless input takes any batch.
    stream, extra = keras.Input(batch_shape=(BATCH, 1, 2)), keras.Input(shape=(3,))
    state = keras.layers.LSTM(4, stateful=True, use_cudnn=False, name="lstm")(stream)
    model = keras.Model(
        [stream, extra], keras.layers.Dense(2)(keras.layers.Concatenate()([state, extra]))
    )
    x = [samples(4), np.zeros((4, 3), "float32")]
    assert guard.check_stateful_fit(model, x, batch_size=BATCH, shuffle=False) is None
    assert refusal(
        model, [samples(5), np.zeros((5, 3))], batch_size=BATCH, shuffle=False
    ).startswith("5 samples")


def test_validation_split_is_refused():
    message = refusal(
        stateful_model(), samples(80), batch_size=BATCH, shuffle=False, validation_split=0.2
    )
    assert message.startswith("validation_split=0.2 keeps the last 20% of x for validation")
    assert "validation_data=(x_val, y_val)" in message and "reset the state" in message


def test_validation_data_must_fill_whole_batches():
    model, y = stateful_model(), np.zeros((5, 2))
    assert (
        guard.check_stateful_fit(
            model, samples(4), batch_size=BATCH, shuffle=False, validation_data=(samples(4), y[:4])
        )
        is None
    )
    message = refusal(
        model, samples(4), batch_size=BATCH, shuffle=False, validation_data=(samples(5), y)
    )
    assert message.startswith(
        "validation_data's 5 samples do not fill batches of 2: the last batch of 1"
    )
    assert "validation_data=(x_val[:4], y_val[:4])" in message and "pad to 6" in message
    message = refusal(
        model, samples(4), batch_size=BATCH, shuffle=False, validation_data=(samples(1), y[:1])
    )
    assert (
        message
        == "validation_data's 1 sample is fewer than one batch of 2: give at least 2 samples"
    )
    dataset = tf.data.Dataset.from_tensor_slices((samples(5), y)).batch(BATCH)
    assert refusal(
        model, samples(4), batch_size=BATCH, shuffle=False, validation_data=dataset
    ).startswith("the validation dataset's batch size is not static")


def test_fewer_samples_than_one_batch_are_refused_in_plain_words():
    message = refusal(stateful_model(), samples(1), batch_size=BATCH, shuffle=False)
    assert message == (
        "1 sample is fewer than one batch of 2: give at least 2 samples, "
        "or build the model for batch size 1"
    )
    message = refusal(stateful_model((3, 1, 2)), samples(2), batch_size=3, shuffle=False)
    assert message.startswith("2 samples are fewer than one batch of 3")


def test_shuffle_by_batch_is_refused_by_its_name():
    message = refusal(stateful_model(), samples(4), batch_size=BATCH, shuffle="batch")
    assert (
        message.startswith('shuffle="batch" shuffles whole batches') and "shuffle=False" in message
    )


def test_a_stateful_layer_inside_a_wrapper_or_a_nested_model_is_found():
    inner = keras.Sequential(
        [keras.Input(batch_shape=(BATCH, 1, 2)), keras.layers.LSTM(4, stateful=True)]
    )
    outer = keras.Sequential([keras.Input(batch_shape=(BATCH, 1, 2)), inner, keras.layers.Dense(2)])
    assert refusal(outer, samples(5), batch_size=BATCH, shuffle=False).startswith("5 samples")
    wrapped = keras.Sequential(
        [
            keras.Input(batch_shape=(BATCH, 1, 2)),
            keras.layers.Bidirectional(keras.layers.LSTM(4, stateful=True)),
        ]
    )
    assert refusal(wrapped, samples(4), batch_size=BATCH).startswith("shuffle=True")


def test_inputs_it_cannot_see_into_pass():
    def generator():
        yield samples(BATCH), np.zeros((BATCH, 2))

    assert guard.check_stateful_fit(stateful_model(), generator()) is None


def test_the_guard_can_be_copied_alone():
    """Its only import is NumPy, and importing it loads no TensorFlow."""
    with open(os.path.join(ROOT, "guard.py"), encoding="utf-8") as file:
        tree = ast.parse(file.read())
    imported = {
        alias.name
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert imported == {"numpy"}
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, guard; print('tensorflow' in sys.modules)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.stdout.strip() == "False", proc.stderr
