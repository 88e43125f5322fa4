"""A guard to call before `model.fit` on a stateful model: it refuses, in one line, the mistakes
Keras 3 lets through without a word.

Copy this file next to your own script; it imports only NumPy (and TensorFlow never: a
`tf.data` dataset is recognised by its type's module):

    from guard import check_stateful_fit

    check_stateful_fit(model, X, batch_size=2, shuffle=False)  # raises StatefulMistake, or passes
    model.fit(X, y, batch_size=2, shuffle=False, epochs=10)

What it refuses, for a model with a stateful layer (08_stateful_pitfalls.py shows each one run):
  - a model with no fixed batch size (`keras.Input(shape=...)`, not `batch_shape=`);
  - a batch size other than the model's (fit's default is 32): the state has one row per slot of
    the batch the model was built for;
  - samples that do not fill the last batch (5 samples in batches of 2): with the TensorFlow
    backend the last, short batch runs against the whole state with no error, and `predict`
    returns more rows than samples (6 for 5);
  - `shuffle=True`, fit's default: the batches come in a new order each epoch, so the state one
    batch leaves is read by a batch that does not continue it;
  - a `tf.data` dataset whose batch size is not static (`batch()` without `drop_remainder=True`,
    or `keras.utils.timeseries_dataset_from_array`), or is not the model's.
A stateless model, and inputs it cannot see into (a Python generator, a `keras.utils.PyDataset`),
pass. It cannot see whether row i of each batch continues row i of the batch before (the layout
of parallel streams): that is yours to get right.
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
        todo.extend(inner for inner in (getattr(layer, "forward_layer", None), getattr(layer, "layer", None))
                    if inner is not None)  # Bidirectional, TimeDistributed and other wrappers
    return found


def model_batch_size(model):
    """The batch size `model` was built for (`keras.Input(batch_shape=...)`), or None."""
    try:
        shapes = [tuple(tensor.shape) for tensor in model.inputs]
    except (AttributeError, ValueError):  # a subclassed model that was never called
        return None
    sizes = {shape[0] for shape in shapes if shape}
    return sizes.pop() if len(sizes) == 1 else None


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


def check_stateful_fit(model, x, batch_size=None, shuffle=True):
    """Refuse, with StatefulMistake (a ValueError) and one line, the inputs that would make
    `model.fit(x, ..., batch_size=batch_size, shuffle=shuffle)` train a stateful model wrongly
    without an error. Pass the same `batch_size` and `shuffle` as to fit (their defaults are
    fit's). Returns None when nothing is wrong, and for models without a stateful layer.
    For `predict` and `evaluate`, which never shuffle, pass `shuffle=False`.
    """
    layers = stateful_layers(model)
    if not layers:
        return None
    names = ", ".join(repr(layer.name) for layer in layers)
    built_for = model_batch_size(model)
    if built_for is None:
        raise StatefulMistake(
            f"stateful layer {names} has no fixed batch size: start the model with "
            "keras.Input(batch_shape=(batch, time steps, features))")
    if _is_tf_dataset(x):
        # fit ignores `shuffle` for a dataset: its order is the dataset's own.
        size = _dataset_batch_size(x)
        if size is None:
            raise StatefulMistake(
                f"the dataset's batch size is not static (the stateful model takes exactly {built_for}, "
                "and a short last batch runs against the whole state): batch it with "
                f"dataset.batch({built_for}, drop_remainder=True)")
        if size != built_for:
            raise StatefulMistake(f"the dataset's batches hold {size} samples; the stateful model was built "
                                  f"for batches of {built_for}")
        return None
    array = _first_array(x)
    if array is None:
        return None  # a generator or PyDataset: nothing to see before training
    size = FIT_DEFAULT_BATCH_SIZE if batch_size is None else batch_size
    if size != built_for:
        given = "fit's default batch size 32" if batch_size is None else f"batch_size={batch_size}"
        raise StatefulMistake(f"{given} is not the batch size the stateful model was built for, "
                              f"{built_for}: pass batch_size={built_for}")
    samples = int(np.shape(array)[0])
    if samples % built_for:
        whole = samples - samples % built_for
        raise StatefulMistake(
            f"{samples} samples do not fill batches of {built_for}: the last batch of "
            f"{samples % built_for} would run against the state of {built_for} rows without an error; "
            f"keep {whole} samples (x[:{whole}]) or pad to {whole + built_for}")
    if shuffle:
        raise StatefulMistake("shuffle=True (fit's default) feeds a stateful model its batches out of order, "
                              "so each batch reads a state that is not its own: pass shuffle=False")
    return None
