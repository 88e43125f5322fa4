"""Unit tests for common.py: data, encodings, shapes, progress and files."""

import io
import re
import time
import types

import numpy as np
import pytest

import common

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_mappings_are_inverse_and_cover_the_alphabet():
    assert common.ALPHABET == ALPHABET
    assert [common.CHAR_TO_INT[c] for c in ALPHABET] == list(range(26))
    assert "".join(common.INT_TO_CHAR[i] for i in range(26)) == ALPHABET


@pytest.mark.parametrize("seq_length, count", [(1, 25), (3, 23), (5, 21), (25, 1)])
def test_fixed_length_pairs(seq_length, count):
    data_x, data_y = common.fixed_length_pairs(seq_length)
    assert len(data_x) == len(data_y) == count
    for i, (pattern, target) in enumerate(zip(data_x, data_y)):
        assert pattern == list(range(i, i + seq_length))  # consecutive letters from position i
        assert target == pattern[-1] + 1


def test_fixed_length_pairs_first_and_last_as_in_the_article():
    data_x, data_y = common.fixed_length_pairs(3)
    assert (data_x[0], data_y[0]) == ([0, 1, 2], 3)  # ABC -> D
    assert (data_x[-1], data_y[-1]) == ([22, 23, 24], 25)  # WXY -> Z


@pytest.mark.parametrize("seq_length", [0, -1, 26])
def test_fixed_length_pairs_refuses_impossible_lengths(seq_length):
    with pytest.raises(ValueError):
        common.fixed_length_pairs(seq_length)


def article_draws(n, max_len, seed):
    """The article's framing-6 listing, verbatim in substance: global legacy NumPy seed."""
    np.random.seed(seed)
    data_x, data_y = [], []
    for _ in range(n):
        start = np.random.randint(len(ALPHABET) - 2)
        end = np.random.randint(start, min(start + max_len, len(ALPHABET) - 1))
        data_x.append([ALPHABET.index(c) for c in ALPHABET[start : end + 1]])
        data_y.append(ALPHABET.index(ALPHABET[end + 1]))
    return data_x, data_y


def test_random_subsequences_draws_what_the_article_draws():
    assert common.random_subsequences(1000, 5, seed=7) == article_draws(1000, 5, 7)


def test_random_subsequences_does_not_touch_numpy_global_state():
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    common.random_subsequences(50, 5, seed=7)
    assert np.random.rand() == expected


@pytest.mark.parametrize("seed", [0, 7, 2024])
def test_random_subsequences_bounds(seed):
    data_x, data_y = common.random_subsequences(5000, 5, seed=seed)
    starts = {pattern[0] for pattern in data_x}
    lengths = {len(pattern) for pattern in data_x}
    assert starts == set(range(24))  # start = randint(24): 0..23, each drawn in 5000 tries
    assert lengths == {1, 2, 3, 4, 5}
    for pattern, target in zip(data_x, data_y):
        assert pattern == list(range(pattern[0], pattern[0] + len(pattern)))  # a run
        assert target == pattern[-1] + 1 <= 25  # there is always a next letter


def test_all_subsequences_are_exactly_what_the_sampler_can_draw():
    data_x, data_y = common.all_subsequences(5)
    assert len(data_x) == 114  # starts A..U: 5 lengths each; V: 4; W: 3; X: 2
    distinct = {tuple(x) for x in data_x}
    assert len(distinct) == 114
    drawn_x, _ = common.random_subsequences(20000, 5, seed=1)
    assert {tuple(x) for x in drawn_x} == distinct
    assert all(target == pattern[-1] + 1 for pattern, target in zip(data_x, data_y))


HELD_OUT = [(3, 4, 5), (3, 4, 5, 6), (8, 9, 10), (8, 9, 10, 11)]  # DEF, DEFG, IJK, IJKL


def test_random_subsequences_exclude_draws_none_of_the_excluded():
    data_x, data_y = common.random_subsequences(1000, 5, seed=7, exclude=HELD_OUT)
    assert len(data_x) == len(data_y) == 1000
    assert not {tuple(x) for x in data_x} & set(HELD_OUT)
    assert all(target == pattern[-1] + 1 for pattern, target in zip(data_x, data_y))
    # The same stream of draws with the excluded ones skipped, not a different stream.
    article_x, article_y = article_draws(2000, 5, 7)
    kept = [(x, t) for x, t in zip(article_x, article_y) if tuple(x) not in HELD_OUT][:1000]
    assert list(zip(data_x, data_y)) == kept


@pytest.mark.parametrize("empty", [(), [], set()])
def test_random_subsequences_empty_exclude_draws_what_the_article_draws(empty):
    assert common.random_subsequences(1000, 5, seed=7, exclude=empty) == article_draws(1000, 5, 7)


def test_random_subsequences_refuses_to_exclude_everything():
    everything = [tuple(x) for x in common.all_subsequences(2)[0]]
    with pytest.raises(ValueError):
        common.random_subsequences(10, 2, seed=7, exclude=everything)


def test_padding_with_the_articles_codes_merges_4_of_the_114_inputs():
    all_x, _ = common.all_subsequences(5)
    assert common.distinct_rows(common.pad_left(all_x, 5)) == 110  # 0 is padding and 'A'
    np.testing.assert_array_equal(
        common.pad_left([[0, 1]], 5), common.pad_left([[1]], 5)
    )  # AB == B


def test_shifted_padding_keeps_all_114_inputs_distinct():
    all_x, _ = common.all_subsequences(5)
    x = common.pad_left(all_x, 5, shift=1)
    assert x.shape == (114, 5, 1)
    assert common.distinct_rows(x) == 114
    np.testing.assert_allclose(
        common.pad_left([[0, 1]], 5, shift=1)[0, :, 0], np.array([0, 0, 0, 1, 2]) / 26
    )
    np.testing.assert_allclose(common.pad_left([[25]], 1, shift=1)[0, :, 0], [1.0])  # Z = 26/26


def test_distinct_rows_counts_identical_samples_once():
    assert common.distinct_rows(np.array([[[0], [1]], [[0], [1]], [[1], [0]]])) == 2


def test_normalize_divides_by_26_as_float32():
    x = common.normalize([0, 13, 25])
    assert x.dtype == np.float32
    np.testing.assert_allclose(x, [0.0, 0.5, 25 / 26])


def test_time_steps_and_features_put_the_window_on_different_axes():
    data_x, _ = common.fixed_length_pairs(3)
    steps = common.as_time_steps(data_x)
    features = common.as_features(data_x)
    assert steps.shape == (23, 3, 1)  # (samples, time steps, features)
    assert features.shape == (23, 1, 3)
    np.testing.assert_allclose(steps[5, :, 0], np.array([5, 6, 7]) / 26)
    np.testing.assert_allclose(features[5, 0, :], np.array([5, 6, 7]) / 26)


def test_pad_left_pads_zeros_before_the_letters():
    x = common.pad_left([[1, 2], [3, 4, 5, 6, 7]], maxlen=5)
    assert x.shape == (2, 5, 1)
    assert x.dtype == np.float32
    np.testing.assert_allclose(x[0, :, 0], np.array([0, 0, 0, 1, 2]) / 26)
    np.testing.assert_allclose(x[1, :, 0], np.array([3, 4, 5, 6, 7]) / 26)


def test_one_hot_and_decode_round_trip():
    labels = [1, 25, 0, 7]
    y = common.one_hot(labels)
    assert y.shape == (4, 26)
    np.testing.assert_array_equal(y.sum(axis=1), 1)
    assert common.decode(y) == ["B", "Z", "A", "H"]


def test_decode_takes_the_most_likely_letter():
    probabilities = np.full((2, 26), 0.01)
    probabilities[0, 3] = 0.5
    probabilities[1, 24] = 0.4
    assert common.decode(probabilities) == ["D", "Y"]


def test_prediction_line_is_the_articles_format():
    assert common.prediction_line([0, 1, 2], "D") == "['A', 'B', 'C'] -> D"
    assert common.prediction_line([10], "L") == "['K'] -> L"


def test_print_pairs_prints_the_articles_dataset_lines(capsys):
    data_x, data_y = common.fixed_length_pairs(3)
    common.print_pairs(data_x, data_y, limit=2)
    assert capsys.readouterr().out.splitlines() == [
        "Training pairs:",
        "ABC -> D",
        "BCD -> E",
        "... (23 pairs in all)",
    ]


def test_print_continuation_feeds_the_last_window_and_each_prediction_back(capsys):
    seen = []

    def predict(pattern):  # a perfect model of the alphabet
        seen.append(list(pattern))
        return common.one_hot([pattern[-1] + 1])

    added = common.print_continuation(predict, "ABCD", 3, window=3)
    assert added == "EFG"
    assert seen == [[1, 2, 3], [2, 3, 4], [3, 4, 5]]  # BCD, CDE, DEF: the last 3 so far
    assert capsys.readouterr().out.splitlines() == [
        "Continue 'ABCD' for 3 letters:",
        "['B', 'C', 'D'] -> E",
        "['C', 'D', 'E'] -> F",
        "['D', 'E', 'F'] -> G",
    ]


def test_print_continuation_uses_fewer_letters_while_the_history_is_short():
    seen = []
    common.print_continuation(
        lambda p: seen.append(list(p)) or common.one_hot([0]), "B", 3, window=5
    )
    assert seen == [[1], [1, 0], [1, 0, 0]]  # B, then B A, then B A A: predictions fed back


class BrokenModel:
    def save(self, path):
        with open(path, "w") as f:
            f.write("half a model")
        raise OSError("disk full")


def test_save_model_leaves_no_half_written_file(tmp_path):
    target = tmp_path / "model.keras"
    with pytest.raises(OSError):
        common.save_model(BrokenModel(), str(target))
    assert list(tmp_path.iterdir()) == []


class Stream(io.StringIO):
    def __init__(self, terminal):
        super().__init__()
        self.terminal = terminal

    def isatty(self):
        return self.terminal


def started(stream, epochs, argv=(), every=None, what=None):
    """common.progress's callback, as fit starts it: `epochs` of 25 steps, no update done yet."""
    args = common.parse_args("test", epochs=epochs, argv=list(argv))
    progress = common.progress(args, 1, what=what, every=every, stream=stream)
    progress.set_params({"epochs": epochs, "steps": 25})
    progress.set_model(types.SimpleNamespace(optimizer=None))
    progress.on_train_begin()
    return progress


def train_with_progress(stream, epochs, every=None):
    progress = started(stream, epochs, every=every)
    for epoch in range(epochs):
        progress.on_epoch_end(epoch, {"loss": 3.0 / (epoch + 1), "accuracy": epoch / epochs})
    return stream.getvalue()


def test_progress_off_a_terminal_prints_every_tenth_of_the_epochs_and_the_last(capsys):
    lines = train_with_progress(Stream(terminal=False), epochs=25).splitlines()
    shown = [
        int(re.match(r"Epoch (\d+)/25 - loss: \d\.\d{4} - accuracy: \d\.\d{4} - ", line)[1])
        for line in lines
    ]
    assert shown == [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25]
    assert lines[-1].startswith("Epoch 25/25 - loss: 0.1200 - accuracy: 0.9600 - ")
    assert len(train_with_progress(Stream(terminal=False), epochs=3).splitlines()) == 3
    assert len(train_with_progress(Stream(terminal=False), epochs=500).splitlines()) == 10


def test_progress_on_a_terminal_is_one_bar_redrawn(monkeypatch):
    monkeypatch.setattr(time, "time", iter(range(0, 10_000, 1)).__next__)  # each redraw is due
    shown = train_with_progress(Stream(terminal=True), epochs=5)
    assert "\r" in shown or "\b" in shown
    assert shown.rstrip("\n").count("\n") == 0
    assert "5/5" in shown and "loss: 0.6000" in shown and "accuracy: 0.8000" in shown
    assert "Epoch" not in shown


def test_progress_says_what_trains_and_how_long_it_took_on_stdout(capsys):
    progress = started(Stream(terminal=False), epochs=5)
    progress.on_train_end()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Training: 5 epochs of 25 steps, batch size 1"
    assert re.fullmatch(r"Training took \d+\.\d s", out[1]) and progress.seconds >= 0
    started(Stream(terminal=False), epochs=5, what="5 passes of the stream").on_train_end()
    assert capsys.readouterr().out.startswith("Training: 5 passes of the stream\n")


def test_progress_is_silent_with_quiet_but_still_times(capsys):
    stream = Stream(terminal=False)
    progress = started(stream, epochs=5, argv=["--quiet"])
    for epoch in range(5):
        progress.on_epoch_end(epoch, {"loss": 1.0})
    progress.on_train_end()
    assert capsys.readouterr().out == "" and stream.getvalue() == ""
    assert progress.seconds is not None


def test_progress_shows_whatever_loss_and_metrics_the_model_has():
    # A model compiled with mse and no metrics logs only "loss": no KeyError for 'accuracy'.
    stream = Stream(terminal=False)
    progress = started(stream, epochs=2)
    progress.on_epoch_end(0, {"loss": 0.5})
    progress.on_epoch_end(1, {"mae": 0.1, "loss": 0.25})  # Keras may list the metrics first
    assert [line.rsplit(" - ", 1)[0] for line in stream.getvalue().splitlines()] == [
        "Epoch 1/2 - loss: 0.5000",
        "Epoch 2/2 - loss: 0.2500 - mae: 0.1000",
    ]
    live = Stream(terminal=True)
    started(live, epochs=2).on_epoch_end(0, {"loss": 0.5})
    assert "loss: 0.5000" in live.getvalue()


def test_the_speed_options_change_how_the_steps_run_not_which_steps_run():
    """The scripts' compile(steps_per_execution=steps, jit_compile=True) on a repeated tf.data
    pipeline trains to the same weights as a plain compile, for any loss and metrics."""
    import keras
    import tensorflow as tf

    def trained(fast):
        keras.utils.set_random_seed(3)
        model = keras.Sequential(
            [keras.Input(shape=(3, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)]
        )
        steps = 4
        model.compile(
            loss="mse",
            optimizer=keras.optimizers.Adam(learning_rate=0.01),
            steps_per_execution=steps if fast else 1,
            jit_compile=fast,
        )
        x, y = (
            np.linspace(0, 1, 24, dtype="float32").reshape(8, 3, 1),
            np.arange(8, dtype="float32")[:, None] / 8,
        )
        dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(2, drop_remainder=True).repeat()
        history = model.fit(dataset, epochs=3, steps_per_epoch=steps, verbose=0)
        assert list(history.history) == ["loss"]
        return model.get_weights()

    for plain, fast in zip(trained(False), trained(True)):
        np.testing.assert_allclose(plain, fast, rtol=1e-4, atol=1e-5)


def test_with_batch_size_predicts_a_saved_stateful_model_several_sequences_at_once(tmp_path):
    import keras

    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [
            keras.Input(batch_shape=(1, 1, 1)),
            keras.layers.LSTM(4, stateful=True, name="lstm"),
            keras.layers.Dense(26, activation="softmax"),
        ]
    )
    model.save(tmp_path / "stateful.keras")
    loaded = keras.models.load_model(tmp_path / "stateful.keras")
    sequences = (
        np.array([[0, 1, 2], [10, 11, 12], [25, 3, 7]], "float32") / 26
    )  # three, each its own state
    with pytest.raises(ValueError):
        loaded.predict_on_batch(sequences[:, :1, None])  # batch of 3 into a batch-1 model
    wide = common.with_batch_size(loaded, 3)
    assert wide.input_shape == (3, 1, 1)
    together = [wide.predict_on_batch(sequences[:, step, None, None]) for step in range(3)]
    for row, sequence in enumerate(sequences):  # the same as each sequence alone, step by step
        loaded.get_layer("lstm").reset_state()
        for step, value in enumerate(sequence):
            alone = loaded.predict_on_batch(np.reshape(value, (1, 1, 1)))
            np.testing.assert_allclose(together[step][row], alone[0], atol=1e-6)
    assert loaded.input_shape == (1, 1, 1)  # the original is untouched
