"""What each model really learned: the probes and control runs behind the README's lessons,
at full settings over a few seeds (slow). Each test asserts what the lesson claims, on every
seed it runs, so a Keras upgrade or a code change that breaks a lesson fails here.
"""

import pytest

SEEDS = [7, 8]
pytestmark = pytest.mark.slow


# The runs the tests below read, longest first (conftest.script_runs: one run each per session,
# shared with the other files and split between the workers).
LESSON_ROWS = ["1@2000", "1", "5", "5r", "4-b1", "4-b1-lr01"]
STUDY_ROWS = {
    "held_out_run": [("6h", 7)],
    "lesson_runs": [(label, seed) for label in LESSON_ROWS for seed in SEEDS],
}


@pytest.fixture(scope="module")
def lesson_runs(study_rows):
    """Rows 1, 1@2000, 4-b1, 4-b1-lr01, 5 and 5r for seeds 7 and 8, as reproduce.py runs them."""
    found = iter(study_rows(STUDY_ROWS["lesson_runs"]))
    return {label: [next(found) for _ in SEEDS] for label in LESSON_ROWS}


@pytest.fixture(scope="module")
def held_out_run(study_rows):
    """Row 6h, seed 7: framing 6 with eight inputs held out (two minutes)."""
    (found,) = study_rows(STUDY_ROWS["held_out_run"])
    return found


def test_framing_5_as_the_article_trains_it_counts_steps_instead_of_reading(lesson_runs):
    for found in lesson_runs["5"]:
        assert found["accuracy"] == 100.0  # the article's result...
        probe = found["probe"]  # ...and the pass from every letter from a reset: a clock
        # the controls
        assert probe["counter"]["verdict"] == "counts" and probe["reader"]["verdict"] == "reads"
        assert probe["model"]["verdict"] == "counts"


def test_random_starts_take_the_step_counter_away(lesson_runs):
    for counting, random_start in zip(lesson_runs["5"], lesson_runs["5r"]):
        assert random_start["probe"]["model"]["counts"] < counting["probe"]["model"]["counts"]
        assert random_start["probe"]["model"]["verdict"] != "counts"


def test_framing_1_is_under_trained_not_short_of_context(lesson_runs):
    for at_500, at_2000 in zip(lesson_runs["1"], lesson_runs["1@2000"]):
        assert at_2000["accuracy"] > at_500["accuracy"]


def test_framing_4_at_batch_size_1_falls_short_with_the_same_updates_at_adams_default_rate(
    lesson_runs,
):
    # Framing 4 itself reaches 100% with 5000 full-batch updates (tests/test_reproduce.py);
    # the same model and number of updates, one sample each, does not at Adam's default 0.001...
    for batch_1 in lesson_runs["4-b1"]:
        assert batch_1["updates"] == 5000 and batch_1["batch_size"] == 1
        assert batch_1["learning_rate"] == 0.001
        assert batch_1["accuracy"] < 100.0
    # ...but does at ten times the step (docs/learning-rate.md: 96-100% on seeds 7..11), so
    # the shortfall is how far 5000 small steps move the weights, not batch size 1 as such.
    for default, faster in zip(lesson_runs["4-b1"], lesson_runs["4-b1-lr01"]):
        assert faster["learning_rate"] == 0.01 and faster["updates"] == 5000
        # 24 of 25 is 95.99999...
        assert round(faster["accuracy"], 2) >= 96.0 > round(default["accuracy"], 2)


def test_framing_6_held_out_inputs_are_scored_apart_from_the_training_samples(held_out_run):
    """One seed (a run is two minutes): the held-out inputs are never trained on, and they score
    below the distinct inputs it trained on, each counted once (as in the study's 10 seeds)."""
    found = held_out_run
    assert found["held_out"] == ["DEF", "DEFG", "IJK", "IJKL", "NOP", "NOPQ", "STU", "STUV"]
    assert found["accuracy"] >= 95.0
    assert found["held_out_accuracy"] < found["seen_accuracy"]
