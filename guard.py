"""A guard to call before `model.fit` on a stateful model: it refuses, in one line, the mistakes
Keras 3 lets through without a word.

Copy this file next to your own script; it imports only NumPy (and TensorFlow never: a
`tf.data` dataset is recognised by its type's module):

    from guard import check_stateful_fit

    check_stateful_fit(model, X, batch_size=2, shuffle=False)  # raises StatefulMistake, or passes
    model.fit(X, y, batch_size=2, shuffle=False, epochs=10)

What it refuses, for a model with a stateful layer (08_stateful_pitfalls.py shows most of them run):
  - a stateful layer with no batch size yet: not built (no `keras.Input(batch_shape=...)`, and
    the model never called), so Keras would build it on whatever batch fit gives it first;
  - a batch size other than the model's (fit's default is 32): the state has one row per slot of
    the batch the model was built for. That size is read from the state the stateful layers hold
    (`layer.states`), so a subclassed model and a model with stateless inputs of any batch size
    are judged by it;
  - fewer samples than one batch, or samples that do not fill the last batch (5 samples in
    batches of 2), in `x` or in `validation_data`: with the TensorFlow backend the last, short
    batch runs against the whole state with no error, and `predict` returns more rows than
    samples (6 for 5);
  - `shuffle=True`, fit's default, and `shuffle="batch"`: the batches come in a new order each
    epoch, so the state one batch leaves is read by a batch that does not continue it;
  - `validation_split`: fit keeps the last fraction of `x` for validation, which can leave a
    short batch, and runs it through the state in the middle of training;
  - a `tf.data` dataset (as `x` or `validation_data`) whose batch size is not static (`batch()`
    without `drop_remainder=True`, or `keras.utils.timeseries_dataset_from_array`), or is not the
    model's.
A stateless model, and inputs it cannot see into (a Python generator, a `keras.utils.PyDataset`),
pass. It cannot see whether row i of each batch continues row i of the batch before (the layout
of parallel streams): that is yours to get right. Nor can it stop validation from moving the
state: fit validates from the state training left and leaves validation's own behind, so reset
the state in a callback's `on_test_begin` and `on_epoch_begin` when you pass `validation_data`.
"""

import numpy as np

FIT_DEFAULT_BATCH_SIZE = 32  # what model.fit uses when batch_size is not given


class StatefulMistake(ValueError):
    """An input a stateful model would take without error, and learn or predict wrongly from."""


def stateful_layers(model):
    """The layers of `model` (nested models and wrappers such as Bidirectional included) that
    keep their state between batches."""
    found, todo = [], [model]
    while todo:
        layer = todo.pop()
        if layer is not model and getattr(layer, "stateful", False) is True:
            found.append(layer)
        todo.extend(getattr(layer, "layers", []))  # a model inside the model
        # Bidirectional, TimeDistributed and other wrappers hold their layers inside
        wrapped = (getattr(layer, "forward_layer", None), getattr(layer, "layer", None))
        todo.extend(inner for inner in wrapped if inner is not None)
    return found


def state_batch_sizes(layers):
    """The batch sizes the built stateful `layers` hold their state for: the first dimension of
    each variable in `layer.states` (Keras 3: one (batch, units) variable per state, None before
    the layer is built). An empty set if none of them is built."""
    sizes, todo = set(), [getattr(layer, "states", None) for layer in layers]
    while todo:
        state = todo.pop()
        if len(getattr(state, "shape", ())) > 0:  # a variable: (batch, units), or more for ConvLSTM
            if state.shape[0] is not None:
                sizes.add(int(state.shape[0]))
        elif isinstance(state, dict):
            todo.extend(state.values())
        elif isinstance(state, (list, tuple)):  # [h, c], Bidirectional's forward and backward
            todo.extend(state)
    return sizes


def input_batch_sizes(model):
    """The batch sizes `model`'s inputs fix (`keras.Input(batch_shape=...)`); inputs with no
    fixed batch size, and models with no inputs (subclassed, or never built), add none."""
    try:
        shapes = [tuple(tensor.shape) for tensor in model.inputs]
    except (AttributeError, ValueError):  # a subclassed model, or a Sequential with no Input
        return set()
    return {shape[0] for shape in shapes if shape and shape[0] is not None}


def model_batch_size(model):
    """The batch size `model`'s stateful layers were built for: the one their state says, else
    the one its inputs fix; None if neither says (or they say several)."""
    sizes = state_batch_sizes(stateful_layers(model)) or input_batch_sizes(model)
    return next(iter(sizes)) if len(sizes) == 1 else None


def _count(number, noun):
    """'1 sample', '5 samples'."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _first_array(x):
    """The first array of `x` (an array, or a list, tuple or dict of arrays), or None."""
    if isinstance(x, dict):
        x = next(iter(x.values()), None)
    elif isinstance(x, (list, tuple)):
        x = x[0] if x else None
    return x if hasattr(x, "shape") and len(getattr(x, "shape", ())) > 0 else None


def _is_tf_dataset(x):
    """True for a `tf.data.Dataset`, found without importing TensorFlow."""
    return type(x).__module__.startswith("tensorflow") and hasattr(x, "element_spec")


def _dataset_batch_size(dataset):
    """The static batch size of a `tf.data.Dataset`'s elements (None if not static)."""
    spec = dataset.element_spec
    while isinstance(spec, (tuple, list, dict)):  # (x, y), (x, y, weights), {"name": x}
        spec = next(iter(spec.values())) if isinstance(spec, dict) else spec[0]
    shape = spec.shape
    return shape[0] if shape.rank else None


def _check_dataset(dataset, built_for, name):
    """Refuse a `tf.data` dataset (`x` or `validation_data`, as `name` says) whose batches are
    not all of `built_for` samples."""
    what = "the dataset" if name == "x" else "the validation dataset"
    size = _dataset_batch_size(dataset)
    if size is None:
        raise StatefulMistake(
            f"{what}'s batch size is not static (the stateful model takes exactly {built_for}, "
            "and a short last batch runs against the whole state): batch it with "
            f"dataset.batch({built_for}, drop_remainder=True)"
        )
    if size != built_for:
        raise StatefulMistake(
            f"{what}'s batches hold {size} samples; the stateful model was built "
            f"for batches of {built_for}"
        )


def _check_whole_batches(array, built_for, name):
    """Refuse arrays (`x` or `validation_data`, as `name` says) whose samples do not fill
    batches of `built_for`."""
    samples = int(np.shape(array)[0])
    if samples % built_for == 0:
        return
    whose = "" if name == "x" else f"{name}'s "
    if samples < built_for:
        # One short batch and nothing else: keeping whole batches would keep nothing.
        fix = f"give at least {built_for} samples"
        if name == "x":
            fix += f", or build the model for batch size {samples}"
        raise StatefulMistake(
            f"{whose}{_count(samples, 'sample')} "
            f"{'is' if samples == 1 else 'are'} fewer than one batch of "
            f"{built_for}: {fix}"
        )
    whole = samples - samples % built_for
    keep = f"x[:{whole}]" if name == "x" else f"validation_data=(x_val[:{whole}], y_val[:{whole}])"
    raise StatefulMistake(
        f"{whose}{samples} samples do not fill batches of {built_for}: the last batch of "
        f"{samples % built_for} would run against the state of {built_for} rows without an error; "
        f"keep {whole} samples ({keep}) or pad to {whole + built_for}"
    )


def check_stateful_fit(
    model, x, batch_size=None, shuffle=True, validation_split=0.0, validation_data=None
):
    """Refuse, with StatefulMistake (a ValueError) and one line, the inputs that would make
    `model.fit(x, ..., batch_size=batch_size, shuffle=shuffle, validation_split=validation_split,
    validation_data=validation_data)` train a stateful model wrongly without an error. Pass the
    same arguments as to fit (the defaults here are fit's). Returns None when nothing is wrong,
    and for models without a stateful layer. For `predict` and `evaluate`, which never shuffle,
    pass `shuffle=False`.

    Validation data that passes still moves the state: fit validates from the state training
    left, and the next epoch reads the state validation left. The guard cannot fix that; reset
    the state in a callback (`on_test_begin` and `on_epoch_begin`, as 08_stateful_pitfalls.py's
    fix for validation does).
    """
    layers = stateful_layers(model)
    if not layers:
        return None
    names = ", ".join(repr(layer.name) for layer in layers)
    subject = f"stateful layer {names} has" if len(layers) == 1 else f"stateful layers {names} have"
    # The state says the batch size that matters: inputs that feed only stateless layers may
    # leave theirs open (None), and a subclassed model has no inputs at all.
    sizes = state_batch_sizes(layers) or input_batch_sizes(model)
    if not sizes:
        raise StatefulMistake(
            f"{subject} no fixed batch size (not built yet): start the model with "
            "keras.Input(batch_shape=(batch, time steps, features)), or call it once on a batch "
            "of the size you will fit with"
        )
    if len(sizes) > 1:
        raise StatefulMistake(
            f"the model is built for several batch sizes, {sorted(sizes)} "
            "(its stateful layers' state, or else its inputs): build it for the "
            "one you will fit with"
        )
    built_for = next(iter(sizes))

    if _is_tf_dataset(x):
        # fit ignores `shuffle` for a dataset: its order is its own
        _check_dataset(x, built_for, "x")
    else:
        array = _first_array(x)
        if array is not None:  # else a generator or PyDataset: nothing to see before training
            size = FIT_DEFAULT_BATCH_SIZE if batch_size is None else batch_size
            if size != built_for:
                given = (
                    "fit's default batch size 32"
                    if batch_size is None
                    else f"batch_size={batch_size}"
                )
                raise StatefulMistake(
                    f"{given} is not the batch size the stateful model was built "
                    f"for, {built_for}: pass batch_size={built_for}"
                )
            _check_whole_batches(array, built_for, "x")
            if shuffle == "batch":
                raise StatefulMistake(
                    'shuffle="batch" shuffles whole batches, which still feeds a stateful model '
                    "its batches out of order, so each batch reads a state that is not its own: "
                    "pass shuffle=False"
                )
            if shuffle:
                given = (
                    "shuffle=True (fit's default)" if shuffle is True else f"shuffle={shuffle!r}"
                )
                raise StatefulMistake(
                    f"{given} feeds a stateful model its batches out of order, "
                    "so each batch reads a state that is not its own: "
                    "pass shuffle=False"
                )

    if validation_split:
        raise StatefulMistake(
            f"validation_split={validation_split} keeps the last {100 * validation_split:g}% of x "
            "for validation, which can leave a short batch, and runs it through the stateful "
            "model's state in the middle of training: pass whole batches as "
            "validation_data=(x_val, y_val) and reset the state before and after validation "
            "(a callback), or do not validate"
        )

    if validation_data is not None:
        # (x_val, y_val) or (x_val, y_val, weights); or a dataset, generator or PyDataset itself
        val_x = (
            validation_data[0] if isinstance(validation_data, (tuple, list)) else validation_data
        )
        if _is_tf_dataset(val_x):
            _check_dataset(val_x, built_for, "validation_data")
        else:
            array = _first_array(val_x)
            if array is not None:
                _check_whole_batches(array, built_for, "validation_data")
    return None
