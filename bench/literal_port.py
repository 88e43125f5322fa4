"""The baseline for bench/run.py: the article's six listings, ported to Keras 3 and nothing more.

Only what must change for the listings to run today was changed: Python 3 `print()`,
`keras.utils.to_categorical` and `keras.utils.pad_sequences` (their old modules are gone),
`keras.Input(batch_shape=...)` for the stateful model (`batch_input_shape=` is gone), and the
state reset on the layer (`Model.reset_states()` is gone). Settings, NumPy arrays, one `fit`
per epoch in framing 5 and one `predict` per pattern are the article's. It also prints how long
training took, so that the bench can compare like with like. Not for reading: see the numbered
scripts for that.

    python bench/literal_port.py FRAMING [--epochs-scale 1.0]
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy  # noqa: E402
from keras.layers import LSTM, Dense, Input  # noqa: E402
from keras.models import Sequential  # noqa: E402
from keras.utils import pad_sequences, to_categorical  # noqa: E402

alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
char_to_int = dict((c, i) for i, c in enumerate(alphabet))
int_to_char = dict((i, c) for i, c in enumerate(alphabet))


def epochs(n):
    return max(1, round(n * SCALE))


def timed_fit(model, *args, **kwargs):
    start = time.perf_counter()
    model.fit(*args, **kwargs)
    return time.perf_counter() - start


def fixed_pairs(seq_length):
    dataX, dataY = [], []
    for i in range(0, len(alphabet) - seq_length, 1):
        seq_in = alphabet[i : i + seq_length]
        seq_out = alphabet[i + seq_length]
        dataX.append([char_to_int[char] for char in seq_in])
        dataY.append(char_to_int[seq_out])
        print(seq_in, "->", seq_out)
    return dataX, dataY


def stateless_window(seq_length, as_features):
    """Listings 1, 2 and 3: one-char, window as features, window as time steps."""
    dataX, dataY = fixed_pairs(seq_length)
    if as_features:
        X = numpy.reshape(dataX, (len(dataX), 1, seq_length))
    else:
        X = numpy.reshape(dataX, (len(dataX), seq_length, 1))
    X = X / float(len(alphabet))
    y = to_categorical(dataY)
    model = Sequential()
    model.add(LSTM(32, input_shape=(X.shape[1], X.shape[2])))
    model.add(Dense(y.shape[1], activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    took = timed_fit(model, X, y, epochs=epochs(500), batch_size=1, verbose=2)
    print(f"Training took {took:.1f} s")
    scores = model.evaluate(X, y, verbose=0)
    print("Model Accuracy: %.2f%%" % (scores[1] * 100))
    for pattern in dataX:
        if as_features:
            x = numpy.reshape(pattern, (1, 1, len(pattern)))
        else:
            x = numpy.reshape(pattern, (1, len(pattern), 1))
        x = x / float(len(alphabet))
        prediction = model.predict(x, verbose=0)
        index = numpy.argmax(prediction)
        result = int_to_char[index]
        seq_in = [int_to_char[value] for value in pattern]
        print(seq_in, "->", result)


def batch_state():
    """Listing 4: the whole data set in one unshuffled batch, 5000 epochs."""
    dataX, dataY = fixed_pairs(1)
    X = numpy.reshape(dataX, (len(dataX), 1, 1))
    X = X / float(len(alphabet))
    y = to_categorical(dataY)
    batch_size = len(dataX)
    model = Sequential()
    model.add(LSTM(16, input_shape=(X.shape[1], X.shape[2])))
    model.add(Dense(y.shape[1], activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    took = timed_fit(
        model, X, y, epochs=epochs(5000), batch_size=batch_size, verbose=2, shuffle=False
    )
    print(f"Training took {took:.1f} s")
    scores = model.evaluate(X, y, verbose=0)
    print("Model Accuracy: %.2f%%" % (scores[1] * 100))
    for pattern in dataX:
        x = numpy.reshape(pattern, (1, len(pattern), 1))
        x = x / float(len(alphabet))
        prediction = model.predict(x, verbose=0)
        index = numpy.argmax(prediction)
        print([int_to_char[value] for value in pattern], "->", int_to_char[index])
    print("Test a Random Pattern:")
    for i in range(0, 20):
        pattern_index = numpy.random.randint(len(dataX))
        pattern = dataX[pattern_index]
        x = numpy.reshape(pattern, (1, len(pattern), 1))
        x = x / float(len(alphabet))
        prediction = model.predict(x, verbose=0)
        index = numpy.argmax(prediction)
        print([int_to_char[value] for value in pattern], "->", int_to_char[index])


def stateful():
    """Listing 5: stateful LSTM, batch size 1, one fit call per epoch, reset after each."""
    dataX, dataY = fixed_pairs(1)
    X = numpy.reshape(dataX, (len(dataX), 1, 1))
    X = X / float(len(alphabet))
    y = to_categorical(dataY)
    batch_size = 1
    model = Sequential()
    model.add(Input(batch_shape=(batch_size, X.shape[1], X.shape[2])))  # was batch_input_shape=
    model.add(LSTM(16, stateful=True))
    model.add(Dense(y.shape[1], activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    took = 0.0
    for i in range(epochs(300)):
        took += timed_fit(model, X, y, epochs=1, batch_size=batch_size, verbose=2, shuffle=False)
        model.layers[0].reset_states()  # was model.reset_states()
    print(f"Training took {took:.1f} s")
    scores = model.evaluate(X, y, batch_size=batch_size, verbose=0)
    model.layers[0].reset_states()
    print("Model Accuracy: %.2f%%" % (scores[1] * 100))
    seed = [char_to_int[alphabet[0]]]
    for i in range(0, len(alphabet) - 1):
        x = numpy.reshape(seed, (1, len(seed), 1))
        x = x / float(len(alphabet))
        prediction = model.predict(x, verbose=0)
        index = numpy.argmax(prediction)
        print(int_to_char[seed[0]], "->", int_to_char[index])
        seed = [index]
    model.layers[0].reset_states()
    letter = "K"
    seed = [char_to_int[letter]]
    print("New start: ", letter)
    for i in range(0, 5):
        x = numpy.reshape(seed, (1, len(seed), 1))
        x = x / float(len(alphabet))
        prediction = model.predict(x, verbose=0)
        index = numpy.argmax(prediction)
        print(int_to_char[seed[0]], "->", int_to_char[index])
        seed = [index]
    model.layers[0].reset_states()


def variable_length():
    """Listing 6: 1000 random runs of 1..5 letters, zero-padded on the left."""
    num_inputs = 1000
    max_len = 5
    dataX, dataY = [], []
    for i in range(num_inputs):
        start = numpy.random.randint(len(alphabet) - 2)
        end = numpy.random.randint(start, min(start + max_len, len(alphabet) - 1))
        sequence_in = alphabet[start : end + 1]
        sequence_out = alphabet[end + 1]
        dataX.append([char_to_int[char] for char in sequence_in])
        dataY.append(char_to_int[sequence_out])
        print(sequence_in, "->", sequence_out)
    X = pad_sequences(dataX, maxlen=max_len, dtype="float32")
    X = numpy.reshape(X, (X.shape[0], max_len, 1))
    X = X / float(len(alphabet))
    y = to_categorical(dataY)
    batch_size = 1
    model = Sequential()
    model.add(LSTM(32, input_shape=(X.shape[1], 1)))
    model.add(Dense(y.shape[1], activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    took = timed_fit(model, X, y, epochs=epochs(500), batch_size=batch_size, verbose=2)
    print(f"Training took {took:.1f} s")
    scores = model.evaluate(X, y, verbose=0)
    print("Model Accuracy: %.2f%%" % (scores[1] * 100))
    for i in range(20):
        pattern_index = numpy.random.randint(len(dataX))
        pattern = dataX[pattern_index]
        x = pad_sequences([pattern], maxlen=max_len, dtype="float32")
        x = numpy.reshape(x, (1, max_len, 1))
        x = x / float(len(alphabet))
        prediction = model.predict(x, verbose=0)
        index = numpy.argmax(prediction)
        print([int_to_char[value] for value in pattern], "->", int_to_char[index])


LISTINGS = {
    1: lambda: stateless_window(1, as_features=False),
    2: lambda: stateless_window(3, as_features=True),
    3: lambda: stateless_window(3, as_features=False),
    4: batch_state,
    5: stateful,
    6: variable_length,
}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("framing", type=int, choices=sorted(LISTINGS))
    parser.add_argument(
        "--epochs-scale", type=float, default=1.0, help="multiply every epoch count (default: 1.0)"
    )
    args = parser.parse_args()
    SCALE = args.epochs_scale
    numpy.random.seed(7)  # fix random seed for reproducibility, as every listing does
    LISTINGS[args.framing]()
