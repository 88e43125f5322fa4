"""The article's qualitative claims, at the article's own settings (slow), and reproduce.py."""

import os

import pytest

import reproduce
from reproduce import ALPHABET, FRAMINGS, parse_output

SAMPLE_5 = """\
A -> B
Model Accuracy: 100.00%
A -> B
B -> C
New start:  K
K -> B
B -> C
C -> D
"""


def test_parse_output_reads_accuracy_and_sections():
    result = parse_output("x\nTraining took 1.5 s\nModel Accuracy: 91.30%\n['A', 'B', 'C'] -> D\n")
    assert result.accuracy == 91.30
    assert result.train_seconds == 1.5
    assert result.sections == {"": [("ABC", "D")]}
    result = parse_output(SAMPLE_5)  # the dataset line before the accuracy is not a prediction
    assert result.sections == {"": [("A", "B"), ("B", "C")], "New start:  K": [("K", "B"), ("B", "C"), ("C", "D")]}
    assert reproduce.cold_start(result) == "KBCD"
    assert reproduce.falls_back_into_sequence(result)


def test_parse_output_keeps_other_lines_as_notes():
    text = (
        "Model Accuracy: 98.70%\nAccuracy on all 114 distinct inputs: 97.37%\n['B'] -> C\n"
        "Explicit state, 3 sequences in one batch:\n  A (cold) => BCDEF\n"
    )
    result = parse_output(text)
    assert result.sections == {"": [("B", "C")], "Explicit state, 3 sequences in one batch:": []}
    assert result.notes == ["Accuracy on all 114 distinct inputs: 97.37%", "A (cold) => BCDEF"]
    assert reproduce.distinct_accuracy(result) == 97.37


def test_parse_output_refuses_output_without_accuracy():
    with pytest.raises(ValueError):
        parse_output("['A'] -> B\n")


def test_claim_checks_fail_when_the_claim_fails():
    wrong = parse_output("Model Accuracy: 100.00%\nA -> B\nNew start:  K\nK -> L\nL -> M\n")
    assert not reproduce.alphabet_from_a(wrong)
    assert not reproduce.falls_back_into_sequence(wrong)  # K -> L is a warm answer, not a fall back
    assert not reproduce.all_correct([("ABC", "D"), ("BCD", "F")])
    assert reproduce.all_correct([("ABC", "D"), ("BCD", "E")])


@pytest.fixture(scope="module")
def article_runs():
    """All six scripts at the article's settings and seed, as reproduce.py runs them."""
    return {f.label: reproduce.run_script(f.script, "--seed", "7", *f.args) for f in FRAMINGS}


@pytest.mark.slow
def test_framing_3_learns_every_window(article_runs):
    result = article_runs["3"]
    assert result.accuracy == 100.0
    assert result.sections[""] == [(ALPHABET[i : i + 3], ALPHABET[i + 3]) for i in range(23)]


@pytest.mark.slow
def test_framings_1_and_2_stay_below_3(article_runs):
    assert article_runs["1"].accuracy < article_runs["3"].accuracy
    assert article_runs["2"].accuracy < article_runs["3"].accuracy


@pytest.mark.slow
def test_framing_5_learns_the_alphabet_and_falls_back_from_a_cold_k(article_runs):
    result = article_runs["5"]
    assert result.accuracy == 100.0
    assert result.sections[""] == list(zip(ALPHABET, ALPHABET[1:]))  # A -> B ... Y -> Z
    letters = reproduce.cold_start(result)
    assert letters[0] == "K" and letters[1] != "L"  # a cold 'K' does not know where it is
    assert all(ALPHABET.index(b) == ALPHABET.index(a) + 1 for a, b in zip(letters[1:], letters[2:]))


@pytest.mark.slow
def test_framing_5_warm_start_from_k_continues_the_alphabet(article_runs):
    assert reproduce.warm_start(article_runs["5"]) == "KLMNOP"  # A..J fed first, then K


@pytest.mark.slow
def test_framing_6_reaches_95_percent(article_runs):
    assert article_runs["6"].accuracy >= 95.0
    # Not only by the weight of the inputs the sampler draws most: on every distinct input too.
    assert reproduce.distinct_accuracy(article_runs["6"]) >= 95.0


@pytest.mark.slow
def test_framing_4_reaches_100_percent_without_state_inside_the_batch(article_runs):
    ordered, shuffled = article_runs["4"], article_runs["4s"]
    assert ordered.accuracy == 100.0
    for result in (ordered, shuffled):
        assert reproduce.batch_equals_alone(result)  # no row takes state from the row before
        assert len(result.sections["Test a Random Pattern:"]) == 20
    # The order inside the batch plays no part: the shuffled control learns every pair too.
    assert shuffled.accuracy == 100.0


@pytest.mark.slow
def test_reproduce_table_has_a_row_per_framing(article_runs):
    text = reproduce.table([(f, article_runs[f.label]) for f in FRAMINGS])
    rows = text.splitlines()[2:]
    assert [row.split("|")[1].strip() for row in rows] == ["1", "2", "3", "4", "4s", "5", "6"]
    for framing, row in zip(FRAMINGS, rows):
        assert f"{article_runs[framing.label].accuracy:.2f}%" in row


def test_plot_compares_the_article_with_this_run_and_marks_refusals(tmp_path, monkeypatch):
    import matplotlib.figure

    drawn = {}
    original = matplotlib.figure.Figure.savefig

    def savefig(figure, *args, **kwargs):
        (axes,) = figure.axes
        drawn["bars"] = sorted(round(p.get_height(), 2) for p in axes.patches if p.get_height())
        drawn["texts"] = [t.get_text() for t in axes.texts]
        return original(figure, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    by_label = {f.label: f for f in reproduce.FRAMINGS}
    rows = [
        (by_label["1"], reproduce.Result(accuracy=88.0, train_seconds=1.0)),
        (by_label["4s"], reproduce.Result(accuracy=100.0, train_seconds=1.0)),
        (by_label["5"], reproduce.Result(accuracy=None, train_seconds=None, refused="no state")),
    ]
    target = tmp_path / "chart.png"
    reproduce.plot(rows, str(target), "a subtitle")
    # The article's 84.00 and 100.00 (framing 5), this run's 88.00 and 100.00 (4s).
    assert drawn["bars"] == [84.0, 88.0, 100.0, 100.0]
    assert any("no such" in t for t in drawn["texts"])  # 4s: not in the article
    assert any("refused" in t for t in drawn["texts"])  # 5: not run on this backend
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.listdir(tmp_path) == ["chart.png"]


def test_reproduce_refuses_a_bad_plot_path_in_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        reproduce.main(["--plot", "chart.svg"])
    assert exit_info.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "--plot" in line
