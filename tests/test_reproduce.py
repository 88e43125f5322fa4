"""reproduce.py: the statistics, the checks, the study's command line, and the article's claims
at the article's own settings (slow)."""

import io
import math
import os
import re
import subprocess
import sys

import pytest

import plots
import reproduce
from conftest import ROOT
from reproduce import ALPHABET, ROWS_BY_LABEL, parse_output

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


# ---------------------------------------------------------------------------------------------
# Reading what scripts print and write
# ---------------------------------------------------------------------------------------------
def test_parse_output_reads_accuracy_and_sections():
    result = parse_output("x\nTraining took 1.5 s\nModel Accuracy: 91.30%\n['A', 'B', 'C'] -> D\n")
    assert result.accuracy == 91.30
    assert result.train_seconds == 1.5
    assert result.sections == {"": [("ABC", "D")]}
    result = parse_output(SAMPLE_5)  # the dataset line before the accuracy is not a prediction
    assert result.sections == {"": [("A", "B"), ("B", "C")], "New start:  K": [("K", "B"), ("B", "C"), ("C", "D")]}


def test_parse_output_keeps_other_lines_as_notes_and_refuses_text_without_accuracy():
    text = "Model Accuracy: 98.70%\nAccuracy on all 114 distinct inputs: 97.37%\n['B'] -> C\n"
    assert parse_output(text).notes == ["Accuracy on all 114 distinct inputs: 97.37%"]
    with pytest.raises(ValueError):
        parse_output("['A'] -> B\n")


def found_5(from_a, cold, probe_letters):
    """A framing-5 result as the script writes it, for the checks below."""
    results = [
        {"letters": letters, "predicted": predicted, "count_says": ALPHABET[len(letters)],
         "letter_says": ALPHABET[ALPHABET.index(letters[-1]) + 1]}
        for letters, predicted in probe_letters
    ]
    later = [r for r in results if len(r["letters"]) > 1]
    return {
        "accuracy": 100.0,
        "predictions": {"": from_a, "New start:  K": cold, "Warm start:  ABCDEFGHIJ fed first, then K": [["K", "L"]]},
        "probe": {
            "follows_count": sum(r["predicted"] == r["count_says"] for r in results),
            "follows_letter": sum(r["predicted"] == r["letter_says"] for r in results),
            "total": len(results), "results": results,
            "later_follows_count": sum(r["predicted"] == r["count_says"] for r in later), "later_total": len(later),
        },
    }


def test_checks_fail_when_what_they_check_fails():
    walk = [[a, b] for a, b in zip(ALPHABET, ALPHABET[1:])]
    counting = found_5(walk, [["K", "B"]], [("Q", "B"), ("QRS", "D"), ("KLMNO", "F")])
    reading = found_5(walk[:-1] + [["Y", "Y"]], [["K", "L"]], [("Q", "R"), ("QRS", "T"), ("KLMNO", "P")])
    five, random_start = ROWS_BY_LABEL["5"], ROWS_BY_LABEL["5r"]
    assert [check.held(counting) for check in five.checks] == [True, False, True]  # counts: not reading
    assert [check.held(reading) for check in five.checks] == [False, True, False]  # Y -> Y: not A..Z
    assert [check.held(reading) for check in random_start.checks] == [False, True, False, True]
    assert reproduce.probe_verdict(counting) == "the step count (3 of 3 probes)"
    assert not reproduce.all_correct([("ABC", "D"), ("BCD", "F")])
    assert reproduce.all_correct([("ABC", "D"), ("BCD", "E")])


def test_every_row_names_a_script_and_options_that_exist():
    for row in reproduce.ROWS:
        assert os.path.exists(os.path.join(ROOT, row.script))
        with open(os.path.join(ROOT, row.script)) as file:
            source = file.read()
        for option in (a for a in row.args if a.startswith("--")):
            assert f'"{option}"' in source, (row.label, option)
        assert len(row.title) <= 28  # the table fits 100 columns
    labels = [row.label for row in reproduce.ROWS]
    assert len(set(labels)) == len(labels)
    for comparison in reproduce.COMPARISONS:
        for side in (comparison.first, comparison.second):
            assert side.partition(":")[0] in labels


# ---------------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------------
def test_paired_interval_on_fixed_numbers():
    # Differences 10, 7, 6: mean 7.667, standard deviation 2.082, standard error 1.202; with
    # 2 degrees of freedom t(0.975) = 4.303 (a printed t table), so 7.667 +- 5.171.
    interval = reproduce.paired_difference([90, 92, 94], [80, 85, 88])
    assert interval.mean == pytest.approx(7.667, abs=1e-3)
    assert (interval.low, interval.high) == (pytest.approx(2.496, abs=2e-3), pytest.approx(12.838, abs=2e-3))
    assert interval.shown


def test_an_interval_that_includes_zero_is_not_shown():
    interval = reproduce.paired_difference([85, 80, 88], [80, 83, 87])  # +5, -3, +1
    assert interval.low < 0 < interval.high
    assert not interval.shown
    line = reproduce.comparison_line(
        reproduce.Comparison("2", "1", "a question"),
        {"2": [{"accuracy": a} for a in (85, 80, 88)], "1": [{"accuracy": a} for a in (80, 83, 87)]},
    )
    assert re.fullmatch(r"2 vs 1: \+1\.0 points \(95% CI -\d+\.\d to \+\d+\.\d over 3 seeds\): not shown; a question", line)


def test_identical_differences_and_a_single_seed():
    spread = reproduce.paired_difference([100, 100], [80, 84])  # +20, +16: two seeds, t(1) = 12.7
    assert spread.low < 0 and not spread.shown
    three = reproduce.paired_difference([100, 100, 100], [80, 84, 82])  # 18 +- 4.97
    assert three.shown
    none = reproduce.paired_difference([100, 100], [100, 100])  # no difference at all
    assert (none.mean, none.low, none.high, none.shown) == (0, 0, 0, False)
    # The same +4 on every seed: no spread for an interval; a sign test instead. All of 10 seeds
    # the same sign: p = 2 / 2**10 = 0.00195; all of 3: p = 2 / 8 = 0.25.
    ten = reproduce.paired_difference([100] * 10, [96] * 10)
    assert ten.sign_p == pytest.approx(0.00195, abs=1e-5) and ten.shown
    three = reproduce.paired_difference([100] * 3, [90] * 3)
    assert three.sign_p == pytest.approx(0.25) and not three.shown
    at_ceiling = reproduce.comparison_line(
        reproduce.Comparison("4-u32", "4", "q"), {"4-u32": [{"accuracy": 100.0}] * 3, "4": [{"accuracy": 100.0}] * 3}
    )
    assert "at the ceiling, no difference can show" in at_ceiling
    one = reproduce.paired_difference([88], [84])
    assert one.mean == 4 and math.isnan(one.low) and not one.shown
    with pytest.raises(ValueError):
        reproduce.paired_difference([1, 2], [1])


# ---------------------------------------------------------------------------------------------
# The study's command line, progress and chart
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv, option",
    [
        (["--seeds", "0"], "--seeds"), (["--seeds", "x"], "--seeds"), (["--jobs", "0"], "--jobs"),
        (["--jobs", "-1"], "--jobs"), (["--epoch-scale", "0"], "--epoch-scale"),
        (["--epoch-scale", "2"], "--epoch-scale"), (["--rows", "9"], "--rows"), (["--plot", "c.svg"], "--plot"),
    ],
)
def test_bad_input_is_refused_in_one_line_before_anything_runs(argv, option, capsys, monkeypatch):
    monkeypatch.setattr(reproduce, "run_study", lambda *a, **k: pytest.fail("ran before refusing"))
    with pytest.raises(SystemExit) as exit_info:
        reproduce.main(argv)
    assert exit_info.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert option in line


class FakeRun:
    def __init__(self, label, seed, done, epochs):
        self.row, self.seed, self.epochs_done, self.epochs = ROWS_BY_LABEL[label], seed, done, epochs


def test_progress_is_a_plain_line_off_a_terminal_and_a_redrawn_block_on_one():
    stream = io.StringIO()
    progress = reproduce.Progress(total=20, stream=stream, every=0)
    progress.update([FakeRun("6", 8, 150, 500), FakeRun("1", 9, 250, 500)], done=3)
    (line,) = stream.getvalue().splitlines()
    assert line.startswith("[3/20 runs done, 2 running, ")
    assert "6 seed 8: epoch 150/500; 1 seed 9: epoch 250/500" in line

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    progress = reproduce.Progress(total=20, stream=terminal)
    progress.update([FakeRun("6", 8, 150, 500), FakeRun("1", 9, 250, 500)], done=3, force=True)
    progress.update([FakeRun("6", 8, 200, 500)], done=4, force=True)
    text = terminal.getvalue()
    assert "\x1b[3F" in text  # back up over the three lines drawn before, and redraw
    assert text.count("runs done") == 2 and "epoch 200/500" in text


def test_study_chart_shows_every_seed_the_mean_and_the_article(tmp_path, monkeypatch):
    import matplotlib
    import matplotlib.figure
    from matplotlib.collections import PathCollection

    backend = matplotlib.get_backend()
    drawn = {}
    original = matplotlib.figure.Figure.savefig

    def savefig(figure, *args, **kwargs):
        (axes,) = figure.axes
        drawn["points"] = sum(len(c.get_offsets()) for c in axes.collections if isinstance(c, PathCollection))
        drawn["legend"] = [t.get_text() for t in axes.get_legend().get_texts()]
        return original(figure, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    rows = [ROWS_BY_LABEL["1"], ROWS_BY_LABEL["1@2000"], ROWS_BY_LABEL["5"]]
    runs = {"1": [{"accuracy": a} for a in (80, 88, 84)], "1@2000": [{"accuracy": a} for a in (96, 100, 96)],
            "5": "no state on this backend"}
    target = tmp_path / "seeds.png"
    plots.study(rows, runs, str(target), "a subtitle")
    assert drawn["points"] == 3 + 3 + 1  # six seeds as points, the article's 84.00 as a marker
    assert sorted(drawn["legend"]) == ["mean, 95% CI", "one seed", "the article"]
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.listdir(tmp_path) == ["seeds.png"]
    assert matplotlib.get_backend() == backend  # drawn on its own Figure: no backend switched


def test_a_two_seed_smoke_study_runs_and_the_same_seeds_give_the_same_accuracies_with_any_jobs(tmp_path):
    """The command line end to end, at 1% of the epochs, with two jobs; then the same study in
    one job: the same seeds give the same accuracies."""
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "reproduce.py"), "--rows", "1", "1@2000", "--seeds", "2",
         "--epoch-scale", "0.01", "--jobs", "2", "--plot", str(tmp_path / "seeds.png")],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "| # | Framing | Article | Seed 7 | Mean ± SD | Min-max | Held in |" in out
    assert re.search(r"^1@2000 vs 1: [+-]\d+\.\d points \(95% CI .* over 2 seeds\): (not )?shown; ", out, re.MULTILINE)
    assert "Epochs scaled by 0.01: not the article's settings." in out
    assert all(len(line) <= 100 for line in out.splitlines() if line.startswith("|"))
    assert "runs done" in proc.stderr and "runs done" not in out  # progress on stderr only
    assert os.listdir(tmp_path) == ["seeds.png"]
    table = {line.split("|")[1].strip(): line.split("|")[4:7] for line in out.splitlines() if line.startswith("| 1")}

    runs = reproduce.run_study([ROWS_BY_LABEL["1"], ROWS_BY_LABEL["1@2000"]], [7, 8], jobs=1, scale=0.01,
                               progress=reproduce.Progress(4, stream=io.StringIO()))
    for label in ("1", "1@2000"):
        accuracies = [found["accuracy"] for found in runs[label]]
        seed_7, _, min_max = (cell.strip() for cell in table[label])
        assert seed_7 == f"{accuracies[0]:.2f}%"
        assert min_max == f"{min(accuracies):.2f}-{max(accuracies):.2f}"


def test_a_failing_script_stops_the_study_with_one_line(monkeypatch, capsys):
    broken = reproduce.Row("x", "01_naive_one_char.py", "broken", None, 1, (), "", args=("--steps", "0"))
    monkeypatch.setattr(reproduce, "ROWS", [broken])
    monkeypatch.setattr(reproduce, "ROWS_BY_LABEL", {"x": broken})
    assert reproduce.main(["--rows", "x"]) == 1
    (line,) = [line for line in capsys.readouterr().err.splitlines() if line.startswith("reproduce.py:")]
    assert "01_naive_one_char.py --steps 0 --seed 7 exited with status 2" in line


# ---------------------------------------------------------------------------------------------
# The article's results at its own settings (seed 7)
# ---------------------------------------------------------------------------------------------
ARTICLE_ROWS = ["1", "2", "3", "4", "5", "6"]


@pytest.fixture(scope="module")
def article_runs():
    """The article's six framings at its settings and seed, as reproduce.py runs them."""
    rows = [ROWS_BY_LABEL[label] for label in ARTICLE_ROWS]
    runs = reproduce.run_study(rows, [7], jobs=1, scale=1.0, progress=reproduce.Progress(6, stream=io.StringIO()))
    return {label: found for label, (found,) in runs.items()}


@pytest.mark.slow
def test_framing_3_learns_every_window(article_runs):
    found = article_runs["3"]
    assert found["accuracy"] == 100.0
    assert [tuple(p) for p in found["predictions"][""]] == [(ALPHABET[i : i + 3], ALPHABET[i + 3]) for i in range(23)]


@pytest.mark.slow
def test_framing_5_reaches_100_percent_and_walks_the_alphabet(article_runs):
    found = article_runs["5"]
    assert found["accuracy"] == 100.0
    assert reproduce.alphabet_from_a(found)
    assert reproduce.started(found, "New start:")[1] != "L"  # a cold 'K' does not continue with L


@pytest.mark.slow
def test_framing_4_reaches_100_percent(article_runs):
    assert article_runs["4"]["accuracy"] == 100.0


@pytest.mark.slow
def test_framing_6_reaches_95_percent(article_runs):
    assert article_runs["6"]["accuracy"] >= 95.0
    assert article_runs["6"]["distinct_after_padding"] == 110  # AB and B, ... are the same input


@pytest.mark.slow
def test_one_seed_table_has_a_row_per_framing_and_fits_100_columns(article_runs):
    rows = [ROWS_BY_LABEL[label] for label in ARTICLE_ROWS]
    runs = {label: [found] for label, found in article_runs.items()}
    lines = reproduce.one_seed_table(rows, runs).splitlines()
    assert [line.split("|")[1].strip() for line in lines[2:]] == ARTICLE_ROWS
    for label, line in zip(ARTICLE_ROWS, lines[2:]):
        assert f"{article_runs[label]['accuracy']:.2f}%" in line
    assert all(len(line) <= 100 for line in lines)
