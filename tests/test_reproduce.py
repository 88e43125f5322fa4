"""reproduce.py and the study package: the statistics, the checks, the study's command line,
and the article's claims at the article's own settings (slow)."""

import io
import math
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from common import ALPHABET
from conftest import ROOT
from output import parse_output
from study import checks, cli, plots, report, runner, stats, verdicts
from study.rows import ROWS, ROWS_BY_LABEL, Refused, Row

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
    assert result.sections == {
        "": [("A", "B"), ("B", "C")],
        "New start:  K": [("K", "B"), ("B", "C"), ("C", "D")],
    }


def test_parse_output_keeps_other_lines_as_notes_and_refuses_text_without_accuracy():
    text = "Model Accuracy: 98.70%\nAccuracy on all 114 distinct inputs: 97.37%\n['B'] -> C\n"
    assert parse_output(text).notes == ["Accuracy on all 114 distinct inputs: 97.37%"]
    with pytest.raises(ValueError):
        parse_output("['A'] -> B\n")


def scoring(counts=0, reads=0, neither=0, tie=1):
    """One scoring of a probe from every start, as 05_stateful.py's counting_or_reading writes
    it."""
    telling = counts + reads + neither
    verdict = "counts" if counts > telling / 2 else "reads" if reads > telling / 2 else "no verdict"
    # 25 telling predictions a row, each exactly what the row's side says
    hits = {"follows_clock": counts, "follows_count": counts, "follows_letter": reads}
    return {
        "counts": counts,
        "reads": reads,
        "neither": neither,
        "tie": tie,
        "verdict": verdict,
        "telling": 25 * telling,
        "follows_reader": 25 * reads,
        **{key: 25 * value for key, value in hits.items()},
    }


def probe(**model):
    """A probe with its computed controls: the counter counts and the reader reads on 24 starts."""
    return {"model": scoring(**model), "counter": scoring(counts=24), "reader": scoring(reads=24)}


COUNTING, READING = probe(counts=24), probe(reads=23, neither=1)


def found_5(
    from_a, cold, every_start=COUNTING, on_repeats=COUNTING, all_starts=None, accuracy=100.0, seed=7
):
    """A framing-5 result as the script writes it, for the checks below."""
    return {
        "accuracy": accuracy,
        "seed": seed,
        "predictions": {
            "": from_a,
            "New start:  K": cold,
            "Warm start:  ABCDEFGHIJ fed first, then K": [["K", "L"]],
        },
        "probe": every_start,
        "repeated": {
            "total": 624,
            "follows_count": 431,
            "lags_one_step": 193,
            "follows_letter": 0,
            "probe": on_repeats,
        },
        "all_starts": all_starts or {"per_letter": [100.0] * 25, "mean": 100.0},
    }


WALK = [[a, b] for a, b in zip(ALPHABET, ALPHABET[1:])]


def test_checks_fail_when_what_they_check_fails():
    counting = found_5(WALK, [["K", "B"]])
    reading = found_5(WALK[:-1] + [["Y", "Y"]], [["K", "L"]], READING, probe(neither=26))
    five = ROWS_BY_LABEL["5"]
    # counts: not reading
    assert [check.held(counting) for check in five.checks] == [True, False, True, True]
    # Y -> Y: not A..Z
    assert [check.held(reading) for check in five.checks] == [False, True, False, False]
    assert report.check_line(five, five.checks[2], [counting]) == (
        "expected counts steps (probe from every start); got counts on 24, reads on 0, neither on "
        "0 of the 24 rows that tell (a computed counter counts on 24, a computed reader reads on "
        "24): held"
    )
    assert "the probe from every start: counts on 24" in five.detail(counting)
    assert not checks.all_correct([("ABC", "D"), ("BCD", "F")])
    assert checks.all_correct([("ABC", "D"), ("BCD", "E")])


@pytest.mark.parametrize("label", ["5r", "5r-lr01", "5r@1500"])
def test_random_start_rows_are_scored_on_every_starting_letter(label):
    row = ROWS_BY_LABEL[label]
    late = {"per_letter": [40.0] * 25, "mean": 70.7}
    strays = WALK[:2] + [["C", "G"]] + WALK[3:]
    reading_late = found_5(strays, [["K", "L"]], READING, all_starts=late, accuracy=4.0)
    assert row.value(reading_late) == 70.7  # the figure is all_starts.mean, not the A pass's 4.00%
    assert [check.held(reading_late) for check in row.checks] == [False, False, True]
    assert [check.meant_to_fail for check in row.checks] == [False, True, False]
    counting = found_5(WALK, [["K", "B"]], all_starts={"per_letter": [100.0] * 25, "mean": 100.0})
    assert [check.held(counting) for check in row.checks] == [True, True, False]
    assert "all starts 70.70%, the article's A pass 4.00%" in row.detail(reading_late)
    lines = [report.check_line(row, check, [reading_late]) for check in row.checks]
    assert lines[1] == (
        "expected the article's A pass: 100%, A..Z (meant to fall short); got "
        "4.00%, after A..Y predicted BCGEFGHIJKLMNOPQRSTUVWXYZ: not held, as meant"
    )


def test_the_counting_verdict_holds_only_where_the_trained_reader_does_not_count():
    runs = {
        "5": [found_5(WALK, [["K", "B"]], seed=seed) for seed in (7, 8)],
        "5r@1500": [
            found_5(WALK, [["K", "L"]], READING, probe(neither=26), seed=7),
            # a "reader" that counts
            found_5(WALK, [["K", "L"]], COUNTING, COUNTING, seed=8),
        ],
    }
    every, repeats = verdicts.framing5_verdicts(runs)
    assert "row 5 counts on 2 of 2 seeds (95% CI 15.8-100.0%)" in every
    # the figures no rule shapes come first, for row 5 and for the trained reader
    assert every.startswith(
        "5, the probe from every start: of 1200 telling predictions, 0.0% (seeds 0.0-0.0%) are "
        "exactly the reader's answer, 0.0% (seeds 0.0-0.0%) within a step of it; 100.0% (seeds "
        "100.0-100.0%) exactly the count, 100.0% (seeds 100.0-100.0%) within a step of it"
    )
    assert (
        "trained to read: of 1200 telling predictions, 47.9% (seeds 0.0-95.8%) are exactly" in every
    )
    assert "reads on 1 of 2 seeds" in every and "The controls separate on 1 of 2 seeds" in every
    assert "there, 'row 5 counts' holds on 1 of 1" in every  # not where the trained "reader" counts
    assert "on the 1 other the verdict is not checked" in every
    # the trained reader reads on no seed there
    assert "The controls separate on 0 of 2 seeds" in repeats
    assert "holds" not in repeats and "cannot show that a model does not read" in repeats
    alone = verdicts.framing5_verdicts({"5": runs["5"]})
    assert all("No trained reader in this run" in line for line in alone)
    assert verdicts.framing5_verdicts({"1": []}) == []


def test_a_nested_metric_is_compared_across_seeds():
    runs = {
        "5r": [{"all_starts": {"mean": m}, "accuracy": 4.0} for m in (30, 40, 50)],
        "5r-lr01": [{"all_starts": {"mean": m}, "accuracy": 4.0} for m in (60, 75, 80)],
    }
    comparison = next(c for c in stats.COMPARISONS if (c.first, c.second) == ("5r-lr01", "5r"))
    line = stats.comparison_line(comparison, runs)
    assert line.startswith("5r-lr01 all starts mean vs 5r all starts mean: +31.7 points")
    assert checks.value({"a": {"b": 3}}, "a.b") == 3


@pytest.mark.parametrize(
    "label, args",
    [
        ("4@500-lr01", ("--learning-rate", "0.01")),
        ("4-b1-lr01", ("--batch-size", "1", "--learning-rate", "0.01")),
    ],
)
def test_learning_rate_rows(label, args):
    row = ROWS_BY_LABEL[label]
    assert row.args == args and row.epochs == ROWS_BY_LABEL[label.removesuffix("-lr01")].epochs
    assert [check.held({"accuracy": 96.0}) for check in row.checks] == [True]
    assert [check.held({"accuracy": 80.0}) for check in row.checks] == [False]
    twin = next(c for c in stats.COMPARISONS if c.first == label)
    assert twin.second == label.removesuffix("-lr01")


def found_6(accuracy=99.6, distinct=100.0, held_out=100.0, seen=100.0):
    return {
        "accuracy": accuracy,
        "distinct_accuracy": distinct,
        "held_out_accuracy": held_out,
        "seen_accuracy": seen,
        "stateful": True,
    }


def test_stateful_framing_6_rows():
    stateful, held_out = ROWS_BY_LABEL["6st"], ROWS_BY_LABEL["6st-h"]
    assert stateful.script == held_out.script == "06_variable_length_stateful.py"
    assert stateful.args == () and held_out.args == ("--hold-out",)
    assert [c.held(found_6()) for c in stateful.checks] == [True, True]
    assert [c.held(found_6(accuracy=90.0, distinct=97.4)) for c in stateful.checks] == [
        False,
        False,
    ]
    assert [c.held(found_6()) for c in held_out.checks] == [True, True]
    assert [c.held(found_6(held_out=75.0)) for c in held_out.checks] == [True, False]
    assert held_out.detail(found_6(held_out=75.0, seen=97.17)) == (
        "75.00% on the held-out inputs, 97.17% on the distinct inputs it trained on"
    )
    runs = {
        "6st": [found_6(distinct=d) for d in (100.0, 99.1, 100.0)],
        "6": [found_6(distinct=d) for d in (99.1, 98.2, 99.1)],
    }
    comparison = next(c for c in stats.COMPARISONS if c.first == "6st:distinct_accuracy")
    assert comparison.second == "6:distinct_accuracy"
    assert stats.comparison_line(comparison, runs).startswith(
        "6st distinct accuracy vs 6 distinct accuracy: +0.9 points"
    )


def found_7(probes, training_starts=(0,), control=100.0):
    """07's rows: a stateless one at its ceiling, the window control, and stateful ones at 100%
    whose probe from every start scores `probes[i]` from position 5 and 100% elsewhere; the
    random-phase row scores `control` from position 5, its training from every start."""
    telling = list(range(1, 10))

    def starts(at_5):
        return [100.0] * 4 + [at_5] + [100.0] * 5

    rows = [
        {
            "row": "stateless, one letter",
            "kind": "stateless",
            "accuracy": 70.0,
            "best_possible": 70.0,
            "probe_accuracy": None,
        },
        {
            "row": "stateless, window of 4",
            "kind": "stateless",
            "accuracy": 100.0,
            "best_possible": 100.0,
            "probe_accuracy": None,
            "probe_starts": [100.0] * 10,
        },
        {
            "row": "stateful, 4 streams x 5 steps, wrong layout",
            "kind": "control",
            "accuracy": 68.0,
            "best_possible": 100.0,
            "probe_accuracy": 5.0,
            "probe_starts": starts(5.0),
            "training_starts": [0, 5],
        },
        {
            "row": "stateful, 4 streams x 5 steps, right layout",
            "kind": "stateful",
            "accuracy": 100.0,
            "best_possible": 100.0,
            "probe_accuracy": probes[0],
            "probe_starts": starts(probes[0]),
            "training_starts": list(training_starts),
        },
    ]
    rows += [
        {
            "row": f"stateful, {k} step{'s' if k > 1 else ''} per batch",
            "kind": "stateful",
            "accuracy": 100.0,
            "best_possible": 100.0,
            "probe_accuracy": p,
            "probe_starts": starts(p),
            "training_starts": [0],
        }
        for k, p in enumerate(probes[1:], start=1)
    ]
    rows.append(
        {
            "row": "stateful, 5 steps per batch, random phase",
            "kind": "random phase",
            "accuracy": 100.0,
            "best_possible": 100.0,
            "probe_accuracy": control,
            "probe_starts": starts(control),
            "training_starts": list(range(10)),
        }
    )
    return {
        "accuracy": 100.0,
        "rows": rows,
        "seed": 7,
        "telling_starts": telling,
        "finds_at": 90.0,
        "counter_starts": [100.0, 60.0, 30.2, 10.1, 0.0, 0.0, 0.0, 10.3, 30.1, 59.9],
    }


def test_row_7_checks_what_the_probe_shows_not_the_stream_alone():
    row = ROWS_BY_LABEL["7"]
    finding, counting = found_7([100.0, 98.93]), found_7([100.0, 19.25])
    assert [c.held(finding) for c in row.checks] == [True, True, True, True]
    assert [c.held(counting) for c in row.checks] == [True, True, False, True]
    assert report.check_line(row, row.checks[2], [counting]) == (
        "expected rows at 100% on the stream also find the phase, from every telling start; "
        "got 1 of the 2 stateful rows at 100% on the stream find the phase from every start "
        "that tells for it (not a training start of its own) (stateful, 4 streams x 5 steps, "
        "right layout: 9 of 9, lowest 100.00% from position 2; stateful, 1 step per batch: 8 of "
        "9, lowest 19.25% from position 5); controls on the telling starts: a computed counter "
        "0.0-60.0%, the stateless, window of 4 row 100.0-100.0%: not held"
    )
    no_perfect = found_7([100.0])
    no_perfect["rows"][3]["accuracy"] = 99.0
    assert not row.checks[2].held(no_perfect)  # no stateful row at 100%: nothing shown
    # The trained control must find the phase, from every start, its training starts included.
    lost = found_7([100.0, 98.93], control=50.0)
    assert [c.held(lost) for c in row.checks] == [True, False, True, True]
    assert report.check_line(row, row.checks[1], [lost]).endswith(
        "got stateful, 5 steps per batch, random phase: 8 of 9, lowest 50.00% from position 5: "
        "not held"
    )
    # By row type: each type once per seed, with an interval over seeds.
    lines = verdicts.memory_verdicts({"7": [counting, finding]}, "7")
    assert lines[0].startswith("7, the probe from every start, by row type over 2 seeds")
    assert "they separate on 18 of 18." in lines[0]
    by_type = {line.split(":")[0].strip(): line for line in lines[1:]}
    assert list(by_type) == [
        "stateful, 4 streams x 5 steps, right layout",
        "stateful, 1 step per batch",
        "stateful, 5 steps per batch, random phase",
    ]
    one = by_type["stateful, 1 step per batch"]
    assert "at 100% on the stream on 2 of 2" in one
    assert "finds the phase from every start that tells on 1 of 2 seeds (95% CI 1.3-98.7%)" in one
    assert "lowest telling start per seed 19.2-98.9% (median 59.1%)" in one
    assert one.endswith("Below: seed 7 from 5 (19.25%).")
    # A start the row's own training began a stream at cannot tell: left out, not counted as
    # finding the phase.
    trained_there = found_7([19.25], training_starts=(0, 4))
    assert row.checks[2].held(trained_there)
    # At another --bptt, the one-step row (the same training) is counted in row 7 only.
    both = {"7": [found_7([100.0, 98.93])], "7-b3": [found_7([100.0, 98.93, 100.0])]}
    b3 = verdicts.memory_verdicts(both, "7-b3")
    assert "  stateful, 1 step per batch: trains as in row 7 (the same seeds): counted there." in b3
    alone = verdicts.memory_verdicts({"7-b3": [found_7([100.0, 98.93])]}, "7-b3")  # no row 7
    assert any(line.startswith("  stateful, 1 step per batch: at 100%") for line in alone)
    # Nor a start where the window control does not see the phase.
    weak_control = found_7([100.0, 19.25])
    weak_control["rows"][1]["probe_starts"][4] = 50.0
    assert row.checks[2].held(weak_control)


def test_row_8_checks_every_pitfall():
    row = ROWS_BY_LABEL["8"]
    pitfall = {"mistake": "m", "keras_says": "nothing", "harm": "h", "fix": "f"}
    good = {
        "as_stated_percent": 100.0,
        "pitfalls": [{**pitfall, "name": n, "as_stated": True} for n in "ab"],
    }
    bad = {
        "as_stated_percent": 50.0,
        "pitfalls": [
            {**pitfall, "name": "a", "as_stated": True},
            {**pitfall, "name": "no reset", "as_stated": False},
        ],
    }
    assert row.value(good) == 100.0 and row.checks[0].held(good)
    assert not row.checks[0].held(bad)
    assert report.check_line(row, row.checks[0], [bad]) == (
        "expected every pitfall as stated; got 1 of 2 as stated; not: no reset: not held"
    )
    assert row.epochs is None and runner.scaled_epochs(row, 0.01) is None  # the script's own epochs


def test_expected_got_and_held_per_check_one_seed_and_several():
    control, row_1 = ROWS_BY_LABEL["4@500"], ROWS_BY_LABEL["1@2000"]
    (check,) = control.checks
    assert report.check_line(control, check, [{"accuracy": 24.0}]) == (
        "expected 100% (meant to fall short); got 24.00%: not held, as meant"
    )
    assert report.check_line(control, check, [{"accuracy": 100.0}]) == (
        "expected 100% (meant to fall short); got 100.00%: held, though meant to fall short"
    )
    assert report.check_line(control, check, [{"accuracy": a} for a in (24.0, 16.0)]) == (
        "expected 100% (meant to fall short): held in 0 of 2 seeds, as meant"
    )
    (check,) = row_1.checks
    assert report.check_line(row_1, check, [{"accuracy": 96.0}]) == (
        "expected all 25 right; got 96.00%: not held"
    )
    assert report.check_line(row_1, check, [{"accuracy": a} for a in (96.0, 100.0)]) == (
        "expected all 25 right: held in 1 of 2 seeds"
    )


def test_tables_are_plain_columns_unless_markdown_is_asked():
    rows = [ROWS_BY_LABEL["4"], ROWS_BY_LABEL["4@500"], ROWS_BY_LABEL["5r"]]
    late = {"per_letter": [40.0] * 25, "mean": 31.2}
    runs = {
        "4": [{"accuracy": 100.0, "train_seconds": 14.1}],
        "4@500": [{"accuracy": 24.0, "train_seconds": 3.8}],
        "5r": [
            {**found_5(WALK, [["K", "B"]], all_starts=late, accuracy=4.0), "train_seconds": 6.1}
        ],
    }
    plain = report.one_seed_table(rows, runs).splitlines()
    assert plain[0].split() == ["#", "Framing", "Article", "This", "run", "Checks", "held"]
    assert set(plain[1]) == {"-", " "}
    assert plain[3].split("  ")[0] == "4@500" and "24.00%" in plain[3] and "no (meant)" in plain[3]
    assert "31.20%" in plain[4] and "no, yes (meant no)" not in plain[4]  # the all-starts figure
    assert not any("|" in line or "*" in line for line in plain)
    markdown = report.one_seed_table(rows, runs, markdown=True).splitlines()
    assert markdown[:2] == [
        "| # | Framing | Article | This run | Checks held |",
        "|---|---|---|---|---|",
    ]
    assert markdown[3] == "| 4@500 | the same, 500 epochs | - | 24.00% | no (meant) |"
    assert report.training_seconds(rows, runs) == (
        "Training seconds per row: 4 14.1, 4@500 3.8, 5r 6.1."
    )
    many = {label: found * 3 for label, found in runs.items()}
    study = report.study_table(rows, many, 7).splitlines()
    assert study[0].split()[-3:] == ["Held,", "of", "3"] and study[3].split()[-1] == "0"


def test_every_row_fits_the_tables_100_columns():
    """Every row in both tables, with the longest cells each can have."""
    lines = [
        [
            row.label,
            row.title,
            "100.00%",
            "100.00%",
            ", ".join("yes (meant no)" if c.meant_to_fail else "yes" for c in row.checks),
        ]
        for row in ROWS
    ]
    header = ["#", "Framing", "Article", "This run", "Checks held"]
    assert max(map(len, report.table(header, lines).splitlines())) <= 100
    lines = [
        [
            row.label,
            row.title,
            "100.00%",
            "100.00%",
            "100.0±49.9",
            "100.0-100.0",
            " ".join("10" for _ in row.checks),
        ]
        for row in ROWS
    ]
    header = ["#", "Framing", "Article", "Seed 7", "Mean±SD", "Min-max", "Held, of 10"]
    assert max(map(len, report.table(header, lines).splitlines())) <= 100


def test_every_row_names_a_script_and_options_that_exist():
    with open(os.path.join(ROOT, "common.py")) as file:
        shared = file.read()  # the options every script takes (--learning-rate, ...)
    for row in ROWS:
        assert os.path.exists(os.path.join(ROOT, row.script)), row.script
        with open(os.path.join(ROOT, row.script)) as file:
            source = file.read()
        for option in (a for a in row.args if a.startswith("--")):
            assert f'"{option}"' in source or f'"{option}"' in shared, (row.label, option)
        assert len(row.title) <= 28  # the table fits 100 columns
    labels = [row.label for row in ROWS]
    assert len(set(labels)) == len(labels)
    for comparison in stats.COMPARISONS:
        for side in (comparison.first, comparison.second):
            assert side.partition(":")[0] in labels


# ---------------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------------
def test_paired_interval_on_fixed_numbers():
    # Differences 10, 7, 6: mean 7.667, standard deviation 2.082, standard error 1.202; with
    # 2 degrees of freedom t(0.975) = 4.303 (a printed t table), so 7.667 +- 5.171.
    interval = stats.paired_difference([90, 92, 94], [80, 85, 88])
    assert interval.mean == pytest.approx(7.667, abs=1e-3)
    assert (interval.low, interval.high) == (
        pytest.approx(2.496, abs=2e-3),
        pytest.approx(12.838, abs=2e-3),
    )
    assert interval.shown


def test_an_interval_that_includes_zero_is_not_shown():
    interval = stats.paired_difference([85, 80, 88], [80, 83, 87])  # +5, -3, +1
    assert interval.low < 0 < interval.high
    assert not interval.shown
    line = stats.comparison_line(
        stats.Comparison("2", "1", "a question"),
        {
            "2": [{"accuracy": a} for a in (85, 80, 88)],
            "1": [{"accuracy": a} for a in (80, 83, 87)],
        },
    )
    assert re.fullmatch(
        r"2 vs 1: \+1\.0 points \(95% CI -\d+\.\d to \+\d+\.\d over 3 seeds\): "
        r"not shown; a question",
        line,
    )


def test_identical_differences_and_a_single_seed():
    spread = stats.paired_difference([100, 100], [80, 84])  # +20, +16: two seeds, t(1) = 12.7
    assert spread.low < 0 and not spread.shown
    three = stats.paired_difference([100, 100, 100], [80, 84, 82])  # 18 +- 4.97
    assert three.shown
    none = stats.paired_difference([100, 100], [100, 100])  # no difference at all
    assert (none.mean, none.low, none.high, none.shown) == (0, 0, 0, False)
    # The same +4 on every seed: no spread for an interval; a sign test instead. All of 10 seeds
    # the same sign: p = 2 / 2**10 = 0.00195; all of 3: p = 2 / 8 = 0.25.
    ten = stats.paired_difference([100] * 10, [96] * 10)
    assert ten.sign_p == pytest.approx(0.00195, abs=1e-5) and ten.shown
    three = stats.paired_difference([100] * 3, [90] * 3)
    assert three.sign_p == pytest.approx(0.25) and not three.shown
    at_ceiling = stats.comparison_line(
        stats.Comparison("4-u32", "4", "q"),
        {"4-u32": [{"accuracy": 100.0}] * 3, "4": [{"accuracy": 100.0}] * 3},
    )
    assert "at the ceiling, no difference can show" in at_ceiling
    one = stats.paired_difference([88], [84])
    assert one.mean == 4 and math.isnan(one.low) and not one.shown
    with pytest.raises(ValueError):
        stats.paired_difference([1, 2], [1])


def test_holm_on_fixed_numbers():
    # Four p values, alpha 0.05. Sorted: 0.005 < 0.05/4 = 0.0125 kept; 0.01 < 0.05/3 = 0.0167
    # kept; 0.03 >= 0.05/2 = 0.025: it and everything after it (0.04) no longer shown.
    assert stats.holm([0.01, 0.04, 0.03, 0.005]) == [True, False, False, True]
    assert stats.holm([0.04]) == [True]  # one test: the plain 5% cut-off
    assert stats.holm([0.02, 0.02]) == [True, True]  # 0.02 < 0.025, then 0.02 < 0.05
    assert stats.holm([0.03, 0.026]) == [False, False]  # 0.026 >= 0.025 stops at the first


def test_the_multiple_comparisons_line_names_what_no_longer_shows():
    # Three comparisons with a verdict and one at the ceiling (no verdict, not counted).
    # 2 vs 1: diffs 10, 9, 11, 10: t = 10 / (0.816 / 2) = 24.5 on 3 degrees of freedom, p = 1.5e-4.
    # 3 vs 2: diffs 2, 1, 3, 1: t = 1.75 / (0.957 / 2) = 3.66, p = 0.035: shown alone, not after
    # Holm (0.035 >= 0.05 / 2). 1@2000 vs 1: diffs 1, -1, 2, -2: mean 0, p = 1, not shown.
    runs = {
        "1": [{"accuracy": a} for a in (80, 84, 82, 86)],
        "2": [{"accuracy": a} for a in (90, 93, 93, 96)],
        "3": [{"accuracy": a} for a in (92, 94, 96, 97)],
        "1@2000": [{"accuracy": a} for a in (81, 83, 84, 84)],
        "4": [{"accuracy": 100.0}] * 4,
        "4-u32": [{"accuracy": 100.0}] * 4,
    }
    comparisons = [
        c
        for c in stats.COMPARISONS
        if (c.first, c.second) in {("2", "1"), ("3", "2"), ("1@2000", "1"), ("4-u32", "4")}
    ]
    intervals = {c.first: stats.compared(c, runs)[2] for c in comparisons}
    assert intervals["3"].shown and intervals["3"].p == pytest.approx(0.035, abs=1e-3)
    assert intervals["2"].p == pytest.approx(1.5e-4, abs=1e-4)
    assert intervals["1@2000"].p == pytest.approx(1.0)
    assert stats.multiple_comparisons_line(comparisons, runs) == (
        "Multiple comparisons (Holm over the 3 with a verdict, 5% for them all): 1 of the 2 shown "
        "stay shown; no longer shown: 3 vs 2 (p = 0.035)."
    )


# ---------------------------------------------------------------------------------------------
# The study's command line, progress and chart
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv, option",
    [
        (["--seeds", "0"], "--seeds"),
        (["--seeds", "x"], "--seeds"),
        (["--jobs", "0"], "--jobs"),
        (["--jobs", "-1"], "--jobs"),
        (["--epoch-scale", "0"], "--epoch-scale"),
        (["--epoch-scale", "2"], "--epoch-scale"),
        (["--rows", "9"], "--rows"),
        (["--plot", "c.svg"], "--plot"),
    ],
)
def test_bad_input_is_refused_in_one_line_before_anything_runs(argv, option, capsys, monkeypatch):
    monkeypatch.setattr(cli, "run_study", lambda *a, **k: pytest.fail("ran before refusing"))
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert option in line


class FakeRun:
    def __init__(self, label, seed, done, epochs):
        self.row, self.seed = ROWS_BY_LABEL[label], seed
        self.epochs_done, self.epochs = done, epochs
        self.epochs_total, self.training = None, None


def test_progress_is_a_plain_line_off_a_terminal_and_a_redrawn_block_on_one():
    stream = io.StringIO()
    progress = runner.Progress(total=20, stream=stream, every=0)
    progress.update([FakeRun("6", 8, 150, 500), FakeRun("1", 9, 250, 500)], done=3)
    (line,) = stream.getvalue().splitlines()
    assert line.startswith("[3/20 runs done, 2 running, ")
    assert "6 seed 8: epoch 150/500; 1 seed 9: epoch 250/500" in line

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    run = FakeRun("7", 7, 0, 25)  # 07 trains 8 models, each with its own epochs
    for line in [
        "Training 3/8: stateful, 5 steps per batch\n",
        "Epoch 120/500 - loss: 0.1 - 3.0 s\n",
    ]:
        runner.read_progress_line(run, line)
    assert runner.Progress.item(run) == "7 seed 7: training 3/8, epoch 120/500"
    runner.read_progress_line(run, "Training 4/8: stateful, 4 streams\n")
    assert runner.Progress.item(run) == "7 seed 7: training 4/8, starting"  # not epoch 120/25
    runner.read_progress_line(run, "Epoch 26/50 - loss: 0.2 - 1.0 s\n")
    assert runner.Progress.item(run) == "7 seed 7: training 4/8, epoch 26/50"

    terminal = Terminal()
    progress = runner.Progress(total=20, stream=terminal)
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
        drawn["points"] = sum(
            len(c.get_offsets()) for c in axes.collections if isinstance(c, PathCollection)
        )
        drawn["legend"] = [t.get_text() for t in axes.get_legend().get_texts()]
        return original(figure, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    rows = [ROWS_BY_LABEL["1"], ROWS_BY_LABEL["1@2000"], ROWS_BY_LABEL["5"]]
    runs = {
        "1": [{"accuracy": a} for a in (80, 88, 84)],
        "1@2000": [{"accuracy": a} for a in (96, 100, 96)],
        "5": Refused("no state on this backend"),
    }
    target = tmp_path / "seeds.png"
    plots.study(rows, runs, str(target), "a subtitle")
    assert drawn["points"] == 3 + 3 + 1  # six seeds as points, the article's 84.00 as a marker
    assert sorted(drawn["legend"]) == ["mean, 95% CI", "one seed", "the article"]
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.listdir(tmp_path) == ["seeds.png"]
    assert matplotlib.get_backend() == backend  # drawn on its own Figure: no backend switched


@pytest.mark.long
def test_a_two_seed_smoke_study_runs_and_the_same_seeds_give_the_same_accuracies_with_any_jobs(
    tmp_path,
):
    """The command line end to end, at 1% of the epochs, with two jobs; then row 1 again in one
    job: the same seeds give the same accuracies."""
    proc = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, "reproduce.py"),
            "--rows",
            "1",
            "1@2000",
            "--seeds",
            "2",
            "--epoch-scale",
            "0.01",
            "--jobs",
            "2",
            "--plot",
            str(tmp_path / "seeds.png"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    lines = out.splitlines()
    assert lines[0].split() == [
        "#",
        "Framing",
        "Article",
        "Seed",
        "7",
        "Mean±SD",
        "Min-max",
        "Held,",
        "of",
        "2",
    ]
    # plain text, no Markdown
    assert not any(line.startswith("|") or "**" in line for line in lines)
    assert re.search(
        r"^1@2000 vs 1: [+-]\d+\.\d points \(95% CI .* over 2 seeds\): (not )?shown; ",
        out,
        re.MULTILINE,
    )
    assert re.search(
        r"^Multiple comparisons \(Holm over the [01] with a verdict, "
        r"5% for them all\)",
        out,
        re.MULTILINE,
    )
    # per check: expected, and in how many seeds
    assert "  - expected all 25 right: held in " in out
    assert "Epochs scaled by 0.01: not the article's settings." in out
    assert all(len(line) <= 100 for line in lines[:4])
    assert "runs done" in proc.stderr and "runs done" not in out  # progress on stderr only
    assert os.listdir(tmp_path) == ["seeds.png"]
    table = {line.split()[0]: line.split("  ") for line in lines[2:4]}
    table = {
        label: [cell.strip() for cell in cells if cell.strip()] for label, cells in table.items()
    }

    runs = runner.run_study(
        [ROWS_BY_LABEL["1"]],
        [7, 8],
        jobs=1,
        scale=0.01,
        progress=runner.Progress(2, stream=io.StringIO()),
    )
    accuracies = [found["accuracy"] for found in runs["1"]]
    seed_7, min_max = table["1"][3], table["1"][5]
    assert seed_7 == f"{accuracies[0]:.2f}%"
    assert min_max == f"{min(accuracies):.1f}-{max(accuracies):.1f}"
    markdown = report.study_table(
        [ROWS_BY_LABEL["1"]], {"1": runs["1"]}, 7, markdown=True
    ).splitlines()
    assert markdown[0] == "| # | Framing | Article | Seed 7 | Mean±SD | Min-max | Held, of 2 |"


def test_a_row_without_epochs_runs_at_the_scripts_own(tmp_path):
    script = tmp_path / "echo_args.py"  # writes its command line as what it found
    script.write_text(
        "import json, sys\n"
        "json.dump({'accuracy': 100.0, 'train_seconds': 0.0, 'argv': sys.argv[1:]}, "
        "open(sys.argv[sys.argv.index('--json') + 1], 'w'))\n"
    )
    own = Row("x", str(script), "own epochs", None, None, (), "")
    given = Row("y", str(script), "given epochs", None, 300, (), "", args=("--units", "32"))
    runs = runner.run_study(
        [own, given], [7], jobs=2, scale=0.1, progress=runner.Progress(2, stream=io.StringIO())
    )
    assert runs["x"][0]["argv"][:2] == ["--seed", "7"] and "--epochs" not in runs["x"][0]["argv"]
    assert runs["y"][0]["argv"][:6] == ["--units", "32", "--seed", "7", "--epochs", "30"]
    ignores = Row(
        "r", str(script), "ignores the rate", None, None, (), "", args=("--learning-rate", "0.01")
    )
    with pytest.raises(
        runner.ScriptFailed,
        match="wrote learning_rate None, not 0.01: it does not train at the rate",
    ):
        runner.run_study(
            [ignores], [7], jobs=1, scale=1, progress=runner.Progress(1, stream=io.StringIO())
        )
    nested = Row(
        "z", str(script), "a figure it lacks", None, None, (), "", metric="all_starts.mean"
    )
    with pytest.raises(
        runner.ScriptFailed, match="wrote no 'all_starts.mean', the figure row z reports"
    ):
        runner.run_study(
            [nested], [7], jobs=1, scale=1, progress=runner.Progress(1, stream=io.StringIO())
        )


def test_a_failing_script_stops_the_study_with_one_line(monkeypatch, capsys):
    broken = Row("x", "01_naive_one_char.py", "broken", None, 1, (), "", args=("--steps", "0"))
    monkeypatch.setattr(cli, "ROWS", [broken])
    monkeypatch.setattr(cli, "ROWS_BY_LABEL", {"x": broken})
    assert cli.main(["--rows", "x"]) == 1
    (line,) = [
        line for line in capsys.readouterr().err.splitlines() if line.startswith("reproduce.py:")
    ]
    assert "01_naive_one_char.py --steps 0 --seed 7 exited with status 2" in line


# ---------------------------------------------------------------------------------------------
# Stopping a study: every script it started, and theirs, and its temporary folder
# ---------------------------------------------------------------------------------------------
def processes_naming(text):
    """Ids of the live processes whose command line holds `text` (Linux's /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as file:
                if text.encode() in file.read() and int(entry) != os.getpid():
                    found.append(int(entry))
        except (OSError, ValueError):  # not a process, or gone meanwhile
            pass
    return found


def stop_a_study(command, tmp_path, signum, processes):
    """Start `command` with its temporary folder in `tmp_path`, wait until `processes` of its
    processes name that folder, send `signum`; return (status, stderr)."""
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    deadline = time.monotonic() + 300
    while len(processes_naming(str(tmp_path))) < processes:
        assert time.monotonic() < deadline and proc.poll() is None, (
            proc.stderr.read() if proc.poll() else "slow"
        )
        time.sleep(0.1)
    time.sleep(1)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


@pytest.mark.parametrize(
    "signum, word",
    [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "terminated"), (signal.SIGHUP, "hung up")],
)
def test_a_stop_signal_ends_every_script_and_removes_the_temporary_folder(signum, word, tmp_path):
    command = [
        sys.executable,
        os.path.join(ROOT, "reproduce.py"),
        "--rows",
        "6",
        "4",
        "--epoch-scale",
        "0.2",
        "--jobs",
        "2",
    ]
    status, err = stop_a_study(command, tmp_path, signum, processes=2)  # both scripts running
    assert status == 128 + signum
    assert [line for line in err.splitlines() if line.startswith("reproduce.py")] == [
        f"reproduce.py: {word}; stopped every script it started and removed its temporary folder"
    ]
    assert "Traceback" not in err
    assert processes_naming(str(tmp_path)) == []
    assert os.listdir(tmp_path) == []


STARTS_A_CHILD = """
import subprocess, sys, time
# its own child
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", sys.argv[-1]])
time.sleep(300)
"""


def test_a_stop_signal_also_ends_what_the_scripts_started(tmp_path):
    # its command line names tmp_path, as its JSON path does
    script = tmp_path / "starts_a_child.py"
    script.write_text(STARTS_A_CHILD)
    study = f"""
import sys
from study import cli, rows
row = rows.Row("x", {str(script)!r}, "starts a child", None, 1, (), "")
rows.ROWS[:] = [row]  # the same list and dict that cli.py reads
rows.ROWS_BY_LABEL.clear()
rows.ROWS_BY_LABEL["x"] = row
sys.argv = ["reproduce.py", "--rows", "x"]
sys.exit(cli.main())
"""
    # Three processes name tmp_path once all are up: the study (its -c text), the script and the
    # script's child. Signalled at two, the child could still be starting and escape the stop.
    status, _ = stop_a_study([sys.executable, "-c", study], tmp_path, signal.SIGTERM, processes=3)
    assert status == 128 + signal.SIGTERM
    assert processes_naming(str(tmp_path)) == []
    assert os.listdir(tmp_path) == ["starts_a_child.py"]


def test_a_script_stops_when_the_study_is_killed_without_a_chance_to_stop_it(tmp_path):
    """SIGKILL cannot be caught: the scripts notice their parent is gone and stop themselves.
    Framing 6 at full settings trains for well over 30 s (83 s here unloaded)."""
    command = [sys.executable, os.path.join(ROOT, "reproduce.py"), "--rows", "6"]
    status, _ = stop_a_study(command, tmp_path, signal.SIGKILL, processes=1)
    assert status == -signal.SIGKILL
    deadline = time.monotonic() + 30
    while processes_naming(str(tmp_path)):
        assert time.monotonic() < deadline, "a script went on after the study was killed"
        time.sleep(0.2)


# ---------------------------------------------------------------------------------------------
# The article's results at its own settings (seed 7)
# ---------------------------------------------------------------------------------------------
ARTICLE_ROWS = ["1", "2", "3", "4", "5", "6"]
# longest first
STUDY_ROWS = {"article_runs": [(label, 7) for label in ["6", "4", "1", "2", "3", "5"]]}


@pytest.fixture(scope="module")
def article_runs(study_rows):
    """The article's six framings at its settings and seed, as reproduce.py runs them (one run
    each per test session, shared with the lesson tests and split between the workers: see
    conftest.script_runs)."""
    pairs = STUDY_ROWS["article_runs"]
    return {label: found for (label, _), found in zip(pairs, study_rows(pairs))}


@pytest.mark.slow
def test_framing_3_learns_every_window(article_runs):
    found = article_runs["3"]
    assert found["accuracy"] == 100.0
    assert [tuple(p) for p in found["predictions"][""]] == [
        (ALPHABET[i : i + 3], ALPHABET[i + 3]) for i in range(23)
    ]


@pytest.mark.slow
def test_framing_5_reaches_100_percent_and_walks_the_alphabet(article_runs):
    found = article_runs["5"]
    assert found["accuracy"] == 100.0
    assert checks.alphabet_from_a(found)
    assert checks.started(found, "New start:")[1] != "L"  # a cold 'K' does not continue with L


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
    lines = report.one_seed_table(rows, runs, markdown=True).splitlines()
    assert [line.split("|")[1].strip() for line in lines[2:]] == ARTICLE_ROWS
    for label, line in zip(ARTICLE_ROWS, lines[2:]):
        assert f"{article_runs[label]['accuracy']:.2f}%" in line
    assert all(len(line) <= 100 for line in report.one_seed_table(rows, runs).splitlines())
