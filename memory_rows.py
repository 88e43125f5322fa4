"""07_stateful_memory.py's analysis, which is not its lesson: what a pattern allows a window of
letters to predict (the ceiling, the memory need), how every row is scored (the stream read from
a reset with the trained weights), the mid-pattern probe, and the table of rows.

The lesson itself (the data, the stream layout, the models, `stateful=True`, `shuffle=False`,
the reset, `model.fit`) stays in the script.
"""

import keras
import numpy as np

import common

READS_AT = 90.0  # the probe's score (%) from a start at or above which a row reads from it


def one_hot(indices):
    """Letter indices of any shape (...) as one-hot rows: float32 (..., 26). For inputs and
    targets. (common.one_hot drops a last axis of length 1, which one-step sequences have.)"""
    indices = np.asarray(indices)
    flat = keras.utils.to_categorical(indices.reshape(-1), num_classes=common.NUM_CLASSES)
    return flat.reshape(indices.shape + (common.NUM_CLASSES,))


def windows(series, width):
    """Every run of `width` consecutive values of `series`: (len - width + 1, width)."""
    return np.lib.stride_tricks.sliding_window_view(series, width)


def count(number, noun):
    """`1 letter`, `4 letters`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def reader(model):
    """The trained LSTM and Dense weights of `model` in a stateless model that reads a whole
    sequence, (1, any length, 26) -> (1, length, 26).

    The stream through it as one sequence from a zero state, with return_sequences=True, gives
    what feeding the stream one letter at a time from a reset gives (the script checks this
    against a stateful model of batch size 1), in one call, whatever batch size `model` trained
    with.
    """
    read = keras.Sequential(
        [
            keras.Input(shape=(None, common.NUM_CLASSES)),  # (batch, time steps: any, features)
            keras.layers.LSTM(model.get_layer("lstm").units, return_sequences=True, name="lstm"),
            keras.layers.Dense(common.NUM_CLASSES, activation="softmax", name="dense"),
        ]
    )
    # The cell's weights (kernels and bias) only: a stateful layer's state is not copied.
    read.get_layer("lstm").cell.set_weights(model.get_layer("lstm").cell.get_weights())
    read.get_layer("dense").set_weights(model.get_layer("dense").get_weights())
    return read


def read_from_reset(model, letters):
    """`model`'s probabilities for the next letter after each of `letters` (indices), fed one
    at a time from a reset state: (len(letters), 26)."""
    return keras.ops.convert_to_numpy(reader(model)(one_hot([letters])))[0]


class Scoring:
    """How every row of 07 is scored, and what the pattern allows.

    `inputs` and `targets` are the stream's (letter, next letter) pairs, (pairs,) ints each.
    Every row is scored on the same letters: every letter from the second period on, predicted
    from what came before it (from there on, even the row that reads a whole period has a full
    window).
    """

    def __init__(self, pattern, inputs, targets):
        self.pattern, self.period = pattern, len(pattern)
        self.inputs, self.targets = inputs, targets
        self.scored = targets[self.period - 1 :]  # (pairs - period + 1,): targets period .. end
        # A window of a whole period always says what comes next, so the need is 1..period.
        self.need = next(width for width in range(1, self.period + 1) if self.ambiguity(width) is None)
        # The mid-pattern probe reads the stream from a reset at the pattern's first letter that
        # differs from its first one (the first B of AAAABBBCCD), scored from its second period on;
        # the probe from every start does the same from each position of the pattern.
        self.mid = next((i for i, char in enumerate(pattern) if char != pattern[0]), 1)
        self.mid_targets = targets[self.mid + self.period - 1 :]
        # A pure step counter (the negative control, computed): at step n after the reset, the
        # letter that followed step n in training (a pass from the pattern's start), whatever came.
        self.counter_starts = [self.counter_at(start) for start in range(self.period)]
        self.counter_accuracy = self.counter_starts[self.mid]

    # What the pattern allows -------------------------------------------------------------
    def best_possible(self, width):
        """The highest accuracy (%) on the scored letters of any model that reads only the last
        `width` letters: each distinct window predicts its most common next letter."""
        seen = {}  # window (tuple of ints) -> the letters that follow it
        read = windows(self.inputs, width)[self.period - width :]  # window j ends at scored input j
        for window, target in zip(map(tuple, read), self.scored):
            seen.setdefault(window, []).append(target)
        return 100 * sum(max(map(nexts.count, nexts)) for nexts in seen.values()) / len(self.scored)

    def ambiguity(self, width):
        """A window of `width` letters of the pattern that different letters follow, as
        `'AAA' -> A or B`; None if every window of `width` letters says what comes next."""
        cycle = self.pattern * (width // self.period + 2)  # long enough to read every window, wrapping
        after = {}
        for start in range(self.period):
            after.setdefault(cycle[start : start + width], set()).add(cycle[start + width])
        return next((f"{w!r} -> {' or '.join(sorted(s))}" for w, s in after.items() if len(s) > 1), None)

    def ceiling_lines(self):
        """What each window shorter than the memory need can do at best, a line each."""
        return [f"{count(width, 'letter')} cannot say what is next, {self.ambiguity(width)}: "
                f"at best {self.best_possible(width):.2f}%" for width in range(1, self.need)]

    # Scoring ------------------------------------------------------------------------------
    def read(self, model, row):
        """A trained row's probabilities for the scored letters, (scored, 26). A stateful row
        reads the whole stream one letter at a time from a reset; a stateless row reads, before
        each letter, the window of `row.steps` letters it was trained on (`row.every_step`: it
        predicts at every step; the last one counts)."""
        if row.stateful:
            return read_from_reset(model, self.inputs)[self.period - 1 :]
        X = one_hot(windows(self.inputs, row.steps)[self.period - row.steps :])  # (scored, steps, 26)
        probabilities = keras.ops.convert_to_numpy(model(X))  # (scored, 26), or (scored, steps, 26)
        return probabilities[:, -1] if row.every_step else probabilities

    def score(self, probabilities):
        """(accuracy in %, mean cross-entropy) of (scored, 26) probabilities on the scored letters."""
        accuracy = 100 * float(np.mean(np.argmax(probabilities, axis=-1) == self.scored))
        right = probabilities[np.arange(len(self.scored)), self.scored]
        return accuracy, float(-np.mean(np.log(np.maximum(right, 1e-12))))

    def start_targets(self, start):
        """The letters a probe from a reset at `start` (0-based position in the pattern) is
        scored on: from its second period on."""
        return self.targets[start + self.period - 1 :]

    def counter_at(self, start):
        """What a pure step counter scores (%) read from a reset at `start`."""
        scored = self.start_targets(start)
        counted = self.targets[self.period - 1 : self.period - 1 + len(scored)]
        return 100 * float(np.mean(counted == scored))

    def probe_starts(self, model):
        """A stateful row's probe from every start: accuracy (%) on the stream read from a reset
        at each position 0 .. period-1 of the pattern, from its second period on. A model that
        counts steps since the reset scores `counter_starts`; one that reads the letters finds the
        phase once the letters say it, from any start."""
        length = len(self.inputs)
        streams = np.zeros((self.period, length), int)  # row s: the stream from position s, then padding
        for start in range(self.period):
            streams[start, : length - start] = self.inputs[start:]
        # One call for every start: an LSTM reads forward, so what follows a row's stream (the
        # padding) changes none of the predictions made before it.
        predicted = np.argmax(keras.ops.convert_to_numpy(reader(model)(one_hot(streams))), axis=-1)
        return [100 * float(np.mean(predicted[start, self.period - 1 : length - start] == self.start_targets(start)))
                for start in range(self.period)]

    def window_starts(self, probabilities):
        """The same per-start scores for a stateless row (the positive control: a window as long
        as the memory need reads by construction), from its (scored, 26) probabilities: a window
        does not depend on where a reset was, so start s scores its predictions from there on."""
        right = np.argmax(probabilities, axis=-1) == self.scored
        return [100 * float(np.mean(right[start:])) for start in range(self.period)]

    def telling(self):
        """The starts where the counter scores below READS_AT: only there can a probe tell a
        reader from a counter (never the pattern's first position, where the counter is right)."""
        return [start for start, score in enumerate(self.counter_starts) if score < READS_AT]

    def probe(self, model):
        """The mid-pattern probe of a stateful row: its probe from the start `mid`."""
        return self.probe_starts(model)[self.mid]

    def probe_note(self):
        return (f"Mid-pattern probe: each stateful row reads the stream from a reset at "
                f"{self.pattern[self.mid]!r} (position {self.mid + 1} of the pattern), {len(self.mid_targets)} "
                f"letters scored; a model that only counted steps since the reset would score "
                f"{self.counter_accuracy:.2f}%, one that reads the letters can score 100%")

    def starts_lines(self, rows, control):
        """The probe from every start, a line per stateful row, after the two controls' lines:
        the computed counter's and `control`'s, the stateless row whose window is the memory
        need (a dict of the script's rows, with "probe_starts")."""
        width = max(len(row["row"]) for row in [*rows, control]) + 2
        telling = self.telling()

        def scores(values, starts=()):
            return " ".join(f"{value:5.1f}{'*' if start in starts else ' '}" for start, value in enumerate(values))

        lines = [
            f"Probe from every start: the stream read from a reset at each position 1..{self.period} of the pattern, "
            f"% right from its second period on. A start tells a reader from a counter where the counter scores "
            f"below {READS_AT:.0f}% (positions {', '.join(str(s + 1) for s in telling)}); a row reads from a start "
            f"where it scores {READS_AT:.0f}% or more. * marks a start the row's training also reset at.",
            f"  {'a step counter (computed)':<{width}}{scores(self.counter_starts)}",
            f"  {control['row'] + ' (reads)':<{width}}{scores(control['probe_starts'])}",
        ]
        for row in rows:
            reads = [start for start in telling if row["probe_starts"][start] >= READS_AT]
            lines.append(f"  {row['row']:<{width}}{scores(row['probe_starts'], row['training_starts'])}"
                         f"  reads from {len(reads)} of {len(telling)}")
        return lines

    # Words --------------------------------------------------------------------------------
    def why(self, row, accuracy):
        """Why a row reached 100% or not, in a few words; `row` is the script's declaration."""
        yes = accuracy >= 100
        if not row.stateful:
            if yes:
                return f"yes: reading {count(row.steps, 'letter')} is enough"
            if self.ambiguity(row.steps):
                return f"no: {self.ambiguity(row.steps)}, at best {self.best_possible(row.steps):.2f}%"
            return f"no: {count(row.steps, 'letter')} would be enough; not learned with this budget"
        if not row.right_layout:
            gap = (row.streams - 1) * row.steps  # letters between a row's piece and its state's
            # A gap of whole periods hands each row a state of the same phase: right by accident.
            accident = ", whole periods: the same phase" if gap % self.period == 0 else ""
            return f"{'yes' if yes else 'no'}: trained on the state of {gap} letters earlier{accident}"
        if yes:
            return "yes, read from the pattern's start (the probe reads from mid-pattern)"
        return f"no: its state did not keep what it needed (backprop through {count(row.steps, 'step')})"


def print_table(rows, scored):
    """The rows side by side, as a Markdown table: the `rows` dicts the script collected."""
    print(f"\nRows, each scored on the {scored} letters from the second period on, "
          f"read one letter at a time from a reset state:")
    print("| # | row | backprop through | updates | targets per update | accuracy | at best | loss | "
          "mid-pattern probe | reaches 100%? |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for number, row in enumerate(rows, 1):
        probe = "-" if row["probe_accuracy"] is None else f"{row['probe_accuracy']:.2f}%"
        print(f"| {number} | {row['row']} | {row['backprop_steps']} | {row['updates']} | {row['targets_per_update']} | "
              f"{row['accuracy']:.2f}% | {row['best_possible']:.2f}% | {row['loss']:.3f} | {probe} | {row['why']} |")


def notes(rows):
    """What the table does not say by itself, a line each."""
    lines = [
        "at best: for a stateless row, the best any model reading that many letters can do; a stateful row can "
        "in principle carry everything since the reset. loss: cross-entropy on the scored letters.",
        "The same number of updates, not the same letters: a row with more targets per update learns from more "
        "letters for the same number of updates.",
    ]
    for number, row in enumerate(rows, 1):
        if row["kind"] == "control":
            hidden = row["train_accuracy"] >= 99 > row["accuracy"]  # right in training, wrong on the stream
            lines.append(f"Row {number}, the wrong layout: {row['train_accuracy']:.2f}% on its own training "
                         f"batches in the last epoch, {row['accuracy']:.2f}% on the stream"
                         + (": the mistake does not show in training" if hidden else ""))
    return lines
