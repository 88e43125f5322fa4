"""Framing 5's scores beyond the article, recomputed here from the saved model, not read from
the text the script printed: the pass starting at every letter (issue 20, item 1) and each
letter repeated from a reset (item 4). The recomputations run the loaded weights through a
stateless LSTM over whole sequences, a path of their own (05's probes step a stateful copy one
letter at a time).
"""

import json

import numpy as np
import pytest

from conftest import run_script
from output import parse_output


def run_05(tmp_path, *args):
    """Run 05_stateful.py with --save and --json: (what it wrote, what it printed, the loaded
    model)."""
    import keras

    model_path, found_path = tmp_path / "framing5.keras", tmp_path / "found.json"
    proc = run_script(
        "05_stateful.py",
        "--quiet",
        "--verbose",
        "--save",
        model_path,
        "--json",
        found_path,
        *args,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads(found_path.read_text())
    return found, parse_output(proc.stdout), keras.models.load_model(model_path)


def from_zero_state(model, sequences):
    """Predicted index after every step of each of `sequences` (rows of letter indices), each from
    a zero state: the loaded weights in a stateless LSTM that returns every step, one call for all
    rows. Another path than 05's (a stateful copy fed a step at a time), to the same answers."""
    import keras

    unrolled = keras.Sequential(
        [
            keras.Input(shape=(None, 1)),
            keras.layers.LSTM(16, return_sequences=True, name="lstm"),
            keras.layers.Dense(26, activation="softmax", name="dense"),
        ]
    )
    unrolled.get_layer("lstm").cell.set_weights(model.get_layer("lstm").cell.get_weights())
    unrolled.get_layer("dense").set_weights(model.get_layer("dense").get_weights())
    x = (np.asarray(sequences, "float32") / 26.0)[..., None]  # (rows, steps, 1)
    return np.argmax(unrolled.predict(x, verbose=0), axis=-1)  # (rows, steps)


# Pass s starts at letter s and wraps Y -> A: (25 passes, 25 steps) of letter indices.
PASSES = np.array([[(start + n) % 25 for n in range(25)] for start in range(25)])


def right_on_every_pass(model):
    """(25 passes, 25 steps) booleans: pass s starts at letter s from a reset and wraps Y -> A."""
    return from_zero_state(model, PASSES) == PASSES + 1


def clock_or_reader(inputs, predicted):
    """Per row of `inputs` fed from a reset, what 05's probe calls it, recomputed: at step n a
    counter says letter n (0-based index), a reader the letter after the one fed; a prediction
    tells where the two are more than two letters apart; a row with at least 5 telling
    predictions "counts" when more than half of them are within a step of the counter's, "reads"
    when more than half are within a step of the reader's."""
    verdicts = []
    for row, guesses in zip(np.asarray(inputs), np.asarray(predicted)):
        steps = np.arange(1, len(row) + 1)
        telling = np.abs(row + 1 - steps) > 2
        if telling.sum() < 5:
            verdicts.append("tie")
        elif np.mean(np.abs(guesses - steps)[telling] <= 1) > 0.5:
            verdicts.append("counts")
        elif np.mean(np.abs(guesses - (row + 1))[telling] <= 1) > 0.5:
            verdicts.append("reads")
        else:
            verdicts.append("neither")
    return verdicts


def repeated_tally(model, repeats=24):
    """Each letter A..Z fed `repeats` times from a reset, each prediction sorted as 05 sorts it."""
    tally = dict.fromkeys(
        ["follows_count", "lags_one_step", "leads_one_step", "follows_letter", "other"], 0
    )
    predicted = from_zero_state(model, [[letter] * repeats for letter in range(26)])
    for letter, row in enumerate(predicted):
        for n, guess in enumerate(row, start=1):
            if guess == n:  # the (n+1)th letter of the alphabet at step n
                tally["follows_count"] += 1
            elif guess == n - 1:
                tally["lags_one_step"] += 1
            elif guess == n + 1:
                tally["leads_one_step"] += 1
            elif guess == letter + 1:
                tally["follows_letter"] += 1
            else:
                tally["other"] += 1
    return tally


def check_recomputed(found, printed, model):
    """The all-starts score, the probe from every start and the repeated-letter tally the script
    wrote and printed are the ones this model gives."""
    right = right_on_every_pass(model)
    scores = found["all_starts"]
    np.testing.assert_allclose(scores["per_letter"], 100 * right.mean(axis=1))
    assert scores["mean"] == pytest.approx(np.mean(scores["per_letter"]))
    np.testing.assert_allclose(scores["per_step"], 100 * right.mean(axis=0))
    # The article's Model Accuracy walks the pass from 'A': the first of the 25.
    assert scores["per_letter"][0] == pytest.approx(found["accuracy"])
    line = printed.note("Model Accuracy is the pass from 'A'")
    assert f"scores {100 * right.mean():.2f}% on average" in line
    per_letter = printed.note("Per starting letter A..Y (%)")  # printed with --verbose only
    assert (per_letter is None) == (not found["verbose"])
    if per_letter is not None:
        shares = [f"{share:.0f}" for share in 100 * right.mean(axis=1)]
        assert per_letter.split(": ")[1].split() == shares

    verdicts = clock_or_reader(PASSES, from_zero_state(model, PASSES))
    probe = found["probe"]
    assert [row["verdict"] for row in probe["model"]["rows"]] == verdicts
    # A, B, C, X, Y: too few telling predictions
    assert verdicts[:3] == ["tie"] * 3 and verdicts[-2:] == ["tie"] * 2
    counter = [row["verdict"] for row in probe["counter"]["rows"]]
    assert counter == clock_or_reader(PASSES, [range(1, 26)] * 25)
    assert set(counter[3:-2]) == {"counts"}  # the scoring's self-check
    assert set(row["verdict"] for row in probe["reader"]["rows"][3:-2]) == {"reads"}
    assert (
        f"this model counts on {verdicts.count('counts')}, reads on {verdicts.count('reads')}, "
        f"neither on {verdicts.count('neither')}"
    ) in printed.note("Probe from every start")
    # Before the rule's verdict, the figures no rule shapes, recomputed here (issue 34).
    predicted, read = from_zero_state(model, PASSES), PASSES + 1
    count = np.broadcast_to(np.arange(1, 26), PASSES.shape)
    telling = np.abs(read - count) > 2
    reader, count_exact = (predicted == read)[telling], (predicted == count)[telling]
    assert (
        f"of the {telling.sum()} predictions that tell, {100 * reader.mean():.1f}% are the "
        f"reader's answer ("
    ) in printed.note("Probe from every start")
    assert f"), {100 * count_exact.mean():.1f}% the count (" in printed.note(
        "Probe from every start"
    )

    tally = repeated_tally(model)
    repeated = found["repeated"]
    assert {key: repeated[key] for key in tally} == tally
    assert repeated["total"] == sum(tally.values()) == 26 * 24
    note = printed.note("Repeated letters")
    assert (
        f"the step count in {tally['follows_count']} of 624, one step behind it in "
        f"{tally['lags_one_step']}, one step ahead in {tally['leads_one_step']}, the letter in "
        f"{tally['follows_letter']}"
    ) in note
    # A..Y: a reader has no letter after 'Z'
    letters = np.repeat(np.arange(25)[:, None], 24, axis=1)
    assert [row["verdict"] for row in repeated["probe"]["model"]["rows"]] == clock_or_reader(
        letters, from_zero_state(model, letters)
    )


def test_all_starts_and_repeated_letters_recomputed_from_the_saved_model(tmp_path):
    """A few epochs teach nothing, but the scores must still be this model's scores."""
    check_recomputed(*run_05(tmp_path, "--epochs", "5", "--random-start"))


# At the article's settings, seed 7 (about half a minute of training each): what the lesson says
# of the two ways to train, asserted on the trained model and recomputed from it. docs/framing5.md
# has the same figures for seeds 7..11; the claims below are the ones that held on all five.
STUDY_ROWS = {"article_and_random_start": [("5", 7), ("5r", 7)]}


@pytest.fixture(scope="module")
def article_and_random_start(script_runs):
    """Rows 5 and 5r of the study at seed 7 (one run each per test session:
    conftest.script_runs)."""
    import keras

    from conftest import study_requests

    article, random_start = script_runs(study_requests(STUDY_ROWS["article_and_random_start"]))
    runs = {"article": article, "random_start": random_start}
    return {
        name: (run.found, parse_output(run.stdout), keras.models.load_model(run.model))
        for name, run in runs.items()
    }


@pytest.mark.slow
def test_the_article_model_walks_from_a_and_from_no_other_letter(article_and_random_start):
    found, printed, model = article_and_random_start["article"]
    check_recomputed(found, printed, model)
    right = right_on_every_pass(model)
    assert right[0].all()  # the pass from 'A': the article's 100%
    assert right[1:24].mean() < 0.1  # passes from B..X, from a reset: almost never right


@pytest.mark.slow
def test_the_article_model_is_a_clock_the_letters_move_by_at_most_a_step(article_and_random_start):
    found, printed, model = article_and_random_start["article"]
    tally = repeated_tally(model)
    # Seed 7 (docs/framing5.md): every prediction on runs of one letter is within a step of the
    # count, none the letter; on seeds 7-16 the verdict is "counts" (docs/study.md).
    assert tally["follows_letter"] == tally["other"] == 0
    assert found["repeated"]["probe"]["model"]["verdict"] == "counts"
    assert found["probe"]["model"]["verdict"] == "counts"  # and on the pass from every letter


@pytest.mark.slow
def test_random_starts_are_scored_on_every_pass_not_only_the_one_from_a(article_and_random_start):
    found, printed, model = article_and_random_start["random_start"]
    check_recomputed(found, printed, model)
    right = right_on_every_pass(model)
    assert 100 * right.mean() > found["accuracy"]  # the A-walk undersells it
    assert found["probe"]["model"]["verdict"] == "reads"  # seeds 7-16 at 300 epochs (docs/study.md)
