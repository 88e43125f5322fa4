"""09_your_series.py, a learner's own series. The files people have, each read right (the
columns and numbers compared with the ones meant, through --dry-run --json) or refused in one
line; a few short runs that score the model against repeat-last, the mean and an AR in each
series' units, with verdicts that follow the figures; the forecast past the end, the files it
writes; the demo copied alone beside guard.py prints what the README shows."""

import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, run_script

SCRIPT = "09_your_series.py"
ROW = re.compile(r"  (.+?) +(\S+) +(\S+) +(\S+) +(\S+) +(\d+)")  # series, 4 RMSE, AR order
VALUES = [5.0, 11.0, 16.0, 23.0, 36.0, 58.0, 29.0, 20.0, 10.0, 8.0, 3.0, 0.5, 0.25, 16.5, 34.5]
VALUES += [45.0, 43.0, 48.5, 42.0, 28.0, 10.0, 8.0, 2.5, 0.0, 1.0]  # sunspots 1700-1724, a .5 added
YEARS = list(range(1700, 1700 + len(VALUES)))


def comma(value):
    return f"{value:g}".replace(".", ",")


def quick(*args, cwd=ROOT):
    """A run that stops before Keras loads, in a process of its own: faster than a fork of the
    suite's launcher (conftest.run_script), whose Keras and TensorFlow take a second to end."""
    return subprocess.run(
        [sys.executable, os.path.join(ROOT, SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def read(tmp_path, content, *args):
    """Run with --dry-run (nothing trains) on `content`: (process, what --json recorded)."""
    data, found = tmp_path / "data.txt", tmp_path / "found.json"
    data.write_bytes(content.encode() if isinstance(content, str) else content)
    proc = quick(data, "--dry-run", "--json", found, *args)
    record = json.loads(found.read_text()) if proc.returncode == 0 else None
    return proc, record


def refused(proc, shown):
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert shown in proc.stderr, proc.stderr


# Each shape: its content, the options given, and what must be read: the series' names, their
# values (the same for every shape: VALUES, or VALUES and VALUES * 2), and the time's labels.
TWO = [VALUES, [2 * v for v in VALUES]]
SHAPES = {
    "header, year column, value column": (
        "year,sunspots\n" + "".join(f"{y},{v:g}\n" for y, v in zip(YEARS, VALUES)),
        [],
        (["sunspots"], [VALUES], [str(y) for y in YEARS]),
    ),
    "quoted header, as statsmodels writes it": (
        '"YEAR","SUNACTIVITY"\n' + "".join(f"{y},{v:g}\n" for y, v in zip(YEARS, VALUES)),
        [],
        (["SUNACTIVITY"], [VALUES], [str(y) for y in YEARS]),
    ),
    "tab-separated, year and volume": (
        "year\tvolume\n" + "".join(f"{y}\t{v:g}\n" for y, v in zip(YEARS, VALUES)),
        [],
        (["volume"], [VALUES], [str(y) for y in YEARS]),
    ),
    "semicolons and decimal commas, ISO dates": (
        "date;value\n" + "".join(f"2001-01-{d + 1:02d};{comma(v)}\n" for d, v in enumerate(VALUES)),
        [],
        (["value"], [VALUES], [f"2001-01-{d + 1:02d}" for d in range(len(VALUES))]),
    ),
    "semicolons, decimal commas, day.month.year dates": (
        "Datum;Wert\n" + "".join(f"{d + 1:02d}.01.2001;{comma(v)}\n" for d, v in enumerate(VALUES)),
        [],
        (["Wert"], [VALUES], [f"{d + 1:02d}.01.2001" for d in range(len(VALUES))]),
    ),
    "one column, decimal commas, a header": (
        "value\n" + "".join(f"{comma(v)}\n" for v in VALUES),
        [],
        (["value"], [VALUES], None),
    ),
    "one column, decimal commas, said with --decimal": (
        "".join(f"{v:.2f}\n".replace(".", ",") for v in VALUES),
        ["--decimal", ","],
        (["column 1"], [VALUES], None),
    ),
    "ISO dates, any column name": (
        "when,level\n" + "".join(f"2001-01-{d + 1:02d},{v:g}\n" for d, v in enumerate(VALUES)),
        [],
        (["level"], [VALUES], [f"2001-01-{d + 1:02d}" for d in range(len(VALUES))]),
    ),
    "monthly dates, the first of each month": (
        "date,level\n"
        + "".join(f"{2001 + m // 12}-{m % 12 + 1:02d}-01,{v:g}\n" for m, v in enumerate(VALUES)),
        [],
        (
            ["level"],
            [VALUES],
            [f"{2001 + m // 12}-{m % 12 + 1:02d}-01" for m in range(len(VALUES))],
        ),
    ),
    "pandas' to_csv: an unnamed index column": (
        ",a,b\n" + "".join(f"{i},{v:g},{2 * v:g}\n" for i, v in enumerate(VALUES)),
        [],
        (["a", "b"], TWO, [str(i) for i in range(len(VALUES))]),
    ),
    "an index column by name": (
        "index,a\n" + "".join(f"{i},{v:g}\n" for i, v in enumerate(VALUES)),
        [],
        (["a"], [VALUES], [str(i) for i in range(len(VALUES))]),
    ),
    "several series with a date column": (
        "date,a,b\n"
        + "".join(f"2001-01-{d + 1:02d},{v:g},{2 * v:g}\n" for d, v in enumerate(VALUES)),
        [],
        (["a", "b"], TWO, [f"2001-01-{d + 1:02d}" for d in range(len(VALUES))]),
    ),
    "year and quarter columns, as macrodata has": (
        "year,quarter,gdp\n"
        + "".join(f"{1959 + q // 4},{q % 4 + 1},{v:g}\n" for q, v in enumerate(VALUES)),
        [],
        (["gdp"], [VALUES], [f"{1959 + q // 4}Q{q % 4 + 1}" for q in range(len(VALUES))]),
    ),
    "year column and a text column": (
        "year,value,flag\n" + "".join(f"{y},{v:g},ok\n" for y, v in zip(YEARS, VALUES)),
        [],
        (["value"], [VALUES], [str(y) for y in YEARS]),
    ),
    "a column chosen by name, another by number": (
        "date,a,b,c\n"
        + "".join(f"2001-01-{d + 1:02d},{v:g},1,{2 * v:g}\n" for d, v in enumerate(VALUES)),
        ["--columns", "a,4"],
        (["a", "c"], TWO, [f"2001-01-{d + 1:02d}" for d in range(len(VALUES))]),
    ),
    "no header, a year and a value: said with --sep and --time": (
        "".join(f"{y},{round(v)}\n" for y, v in zip(YEARS, VALUES)),
        ["--sep", ",", "--time", "1"],
        (["column 2"], [[round(v) for v in VALUES]], [str(y) for y in YEARS]),
    ),
    "no header, year column said with --time": (
        "".join(f"{y} {v:g}\n" for y, v in zip(YEARS, VALUES)),
        ["--time", "1"],
        (["column 2"], [VALUES], [str(y) for y in YEARS]),
    ),
    "comment lines, a byte order mark, Windows line ends": (
        "\ufeff# sunspots\r\n# yearly\r\nyear,n\r\n"
        + "".join(f"{y},{v:g}\r\n" for y, v in zip(YEARS, VALUES)),
        [],
        (["n"], [VALUES], [str(y) for y in YEARS]),
    ),
    "one line of numbers: one series": (
        ", ".join(f"{v:g}" for v in VALUES) + "\n",
        [],
        (["column 1"], [VALUES], None),
    ),
    "empty lines as missing values, filled on request": (
        "".join(f"{v:g}\n" if i not in (3, 9) else "\n" for i, v in enumerate(VALUES)),
        ["--fill", "linear"],
        (
            ["column 1"],
            [
                [
                    (VALUES[i - 1] + VALUES[i + 1]) / 2 if i in (3, 9) else v
                    for i, v in enumerate(VALUES)
                ]
            ],
            None,
        ),
    ),
    "empty fields as missing values, filled with the value before": (
        "year,a,b\n"
        + "".join(
            f"{y},{'' if i == 4 else f'{v:g}'},{'NA' if i == 7 else f'{2 * v:g}'}\n"
            for i, (y, v) in enumerate(zip(YEARS, VALUES))
        ),
        ["--fill", "previous"],
        (
            ["a", "b"],
            [
                [VALUES[3] if i == 4 else v for i, v in enumerate(VALUES)],
                [2 * VALUES[6] if i == 7 else 2 * v for i, v in enumerate(VALUES)],
            ],
            [str(y) for y in YEARS],
        ),
    ),
    "a year missing from the time, filled on request": (
        "year,a\n" + "".join(f"{y},{v:g}\n" for y, v in zip(YEARS, VALUES) if y != 1705),
        ["--fill", "linear"],
        (
            ["a"],
            [[(VALUES[4] + VALUES[6]) / 2 if i == 5 else v for i, v in enumerate(VALUES)]],
            [str(y) for y in YEARS],
        ),
    ),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_each_file_shape_is_read_as_meant(shape, tmp_path):
    content, args, (names, values, times) = SHAPES[shape]
    proc, found = read(tmp_path, content, *args)
    assert proc.returncode == 0, proc.stderr
    assert found["series"] == names
    assert np.allclose(found["values"], values), found["values"]
    assert found["time"] == times
    said = proc.stdout.splitlines()
    assert said[0].startswith("Read ") and said[-1].startswith("Split of every series:")
    assert any(line.startswith("Series: ") for line in said)
    assert any(line.startswith("Skipped: ") for line in said)  # what was left out, or nothing
    if times:
        assert f"{times[0]} to {times[-1]}" in proc.stdout
    if "--fill" in args:
        assert "Filled (--fill" in proc.stdout  # and how many, and where


def test_what_was_read_is_said_first(tmp_path):
    content = "# by hand\nyear,value,flag\n" + "".join(
        f"{y},{v:g},ok\n" for y, v in zip(YEARS, VALUES)
    )
    proc, _ = read(tmp_path, content)
    assert proc.stdout.splitlines()[:4] == [
        f"Read {tmp_path / 'data.txt'}: a header line and 25 lines of 3 columns separated by "
        "',', decimal mark '.'",
        "Time: column 1 'year', 1700 to 1724, one line every 1",
        "Series: column 2 'value'; 25 values",
        "Skipped: column 3 'flag' (text); 1 comment line (#)",
    ]


REFUSED = {  # content, options, what the one line says
    "a missing file": (None, [], "No such file or directory"),
    "lines of unequal length": (
        "1,2,3\n4,5\n" * 10,
        [],
        "every line must hold as many fields; with ',' between them, line 1 has 3 and line 2 has 2",
    ),
    "text among the numbers": ("1\nx\n" * 10, [], "line 2: 'x' in column 1 is not a number"),
    "text in a number column": (
        "a,b\n" + "1,2\n" * 6 + "1,oops\n" + "1,2\n" * 6,
        [],
        "line 8: 'oops' in column 2 'b' is not a number",
    ),
    "a header and no numbers": ("value\n", [], "no numbers"),
    "a spreadsheet, not text": (b"PK\x03\x04\x00\x00binary", [], "not a text file"),
    "not UTF-8": ("value\n".encode() + "1,5\xe9\n".encode("latin-1") * 20, [], "not UTF-8"),
    "too few values": ("1\n2\n3\n", [], "too few"),
    "no header: a year column, or decimal commas?": (
        "".join(f"{y},{round(v)}\n" for y, v in zip(YEARS, VALUES)),
        [],
        "reads two ways: as 2 columns separated by ',', decimal mark '.', or as one column, "
        "decimal mark ','",
    ),
    "one column of decimal commas, no header": (
        "".join(f"{v:.2f}\n".replace(".", ",") for v in VALUES),
        [],
        "reads two ways",
    ),
    "thousands separators": (
        "".join(f"{1000 + 13 * v:,.1f}\n" for v in VALUES),
        [],
        "a ',' between thousands",
    ),
    "no header, a column counting up and a series": (
        "".join(f"{y} {v:g}\n" for y, v in zip(YEARS, VALUES)),
        [],
        "column 1 rises by 1 every line (1700 to 1724), as a year or an index does: say --time 1",
    ),
    "a date column, and a column counting up": (
        "date,id,a\n"
        + "".join(f"2001-01-{d + 1:02d},{d + 1},{v:g}\n" for d, v in enumerate(VALUES)),
        [],
        "column 2 'id' rises by 1 every line (1 to 25), as a year or an index does: say --time "
        "2 to read it as the time, or choose the series with --columns",
    ),
    "a header that does not name the year": (
        "Jahr;Wert\n" + "".join(f"{y};{comma(v)}\n" for y, v in zip(YEARS, VALUES)),
        [],
        "column 1 'Jahr' rises by 1 every line",
    ),
    "empty lines as missing values": (
        "".join(f"{v:g}\n" if i not in (3, 9) else "\n" for i, v in enumerate(VALUES)),
        [],
        "missing values: 2 in 'column 1' (lines 4, 10); fill them in the file, or ask --fill",
    ),
    "empty fields and NA": (
        "year,a,b\n"
        + "".join(
            f"{y},{'' if i == 4 else f'{v:g}'},{'NA' if i == 7 else f'{v:g}'}\n"
            for i, (y, v) in enumerate(zip(YEARS, VALUES))
        ),
        [],
        "missing values: 1 in 'a' (line 6); 1 in 'b' (line 9)",
    ),
    "nan": ("1\nnan\n" + "2\n" * 20, [], "missing values: 1 in 'column 1' (line 2)"),
    "a year missing from the time": (
        "year,a\n" + "".join(f"{y},{v:g}\n" for y, v in zip(YEARS, VALUES) if y != 1705),
        [],
        "the time skips 1 step of 1 (after line 6)",
    ),
    "a gap --fill linear cannot fill": (
        "year,a\n"
        + "".join(f"{y},{'' if y < 1702 else f'{v:g}'}\n" for y, v in zip(YEARS, VALUES)),
        ["--fill", "linear"],
        "--fill linear cannot fill 'a' before its first value (line 4)",
    ),
    "times newest first": (
        "date,a\n" + "".join(f"2001-01-{31 - d:02d},{v:g}\n" for d, v in enumerate(VALUES)),
        [],
        "does not rise at line 3: sort the file oldest first",
    ),
    "day/month or month/day?": (
        "date,a\n"
        + "".join(f"0{d % 9 + 1}/0{d // 9 + 1}/2001,{v:g}\n" for d, v in enumerate(VALUES)),
        [],
        "could be day/month or month/day",
    ),
    "a time that is not one": (
        "date,a\n" + "".join(f"day {d},{v:g}\n" for d, v in enumerate(VALUES)),
        [],
        "is not a time read here",
    ),
    "a column that is not there": (
        "year,a\n" + "".join(f"{y},{v:g}\n" for y, v in zip(YEARS, VALUES)),
        ["--columns", "b"],
        "--columns 'b': no such column (1..2; 'year', 'a')",
    ),
    "the time as a series": (
        "year,a\n" + "".join(f"{y},{v:g}\n" for y, v in zip(YEARS, VALUES)),
        ["--columns", "year"],
        "column 1 'year' is the time: it cannot be a series too",
    ),
    "--horizon past the held-out values": (
        "\n".join(map(str, range(50))),
        ["--horizon", "11"],
        "--horizon: at most 10",
    ),
    "--epochs 0": ("\n".join(map(str, range(50))), ["--epochs", "0"], "--epochs"),
    "--sep not one of those read": ("1\n" * 20, ["--sep", ":"], "--sep"),
    "--json into a folder that is not there": (
        "1\n" * 20,
        ["--json", "no/such/folder/x.json"],
        "argument --json: 'no/such/folder/x.json': not a file in a folder that exists",
    ),
    "--plot on a dry run": (
        "1\n" * 20,
        ["--dry-run", "--plot", "x.png"],
        "--dry-run trains nothing",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_bad_input_is_refused_in_one_line(case, tmp_path):
    content, args, shown = REFUSED[case]
    data = tmp_path / "data.csv"
    if content is not None:
        data.write_bytes(content.encode() if isinstance(content, str) else content)
    proc = quick(data, *args, cwd=tmp_path)
    refused(proc, shown)
    assert os.listdir(tmp_path) == ([] if content is None else ["data.csv"])  # wrote nothing


def test_a_refusal_comes_before_keras_loads(tmp_path):
    """In a process of its own: no traceback, one line, and at once (Keras is never imported)."""
    data = tmp_path / "data.csv"
    data.write_text("".join(f"{y},{v:g}\n" for y, v in zip(YEARS, VALUES)))
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", os.path.join(ROOT, SCRIPT), str(data)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    lines = [line for line in proc.stderr.splitlines() if not line.startswith("import time:")]
    assert len(lines) == 1 and "column 1 rises by 1 every line" in lines[0]
    assert "keras" not in proc.stderr  # -X importtime lists every module imported


# ---------------------------------------------------------------------------------------------
# Short runs: the scores, the verdicts, the advice, the forecast past the end
# ---------------------------------------------------------------------------------------------
def run(*args, cwd=ROOT):
    """A run that trains: (stdout, one-step scores, N-step scores)."""
    proc = run_script(SCRIPT, *args, cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, table(proc.stdout, "One step ahead:"), table(proc.stdout, "steps ahead")


def table(out, title):
    """{series: (model, repeat-last, mean, AR, AR order)} from the score table under `title`."""
    rows = []
    for line in out[out.index(title) :].splitlines()[2:]:  # after the title and the heads
        if not line.startswith("  ") or ": the model" in line:  # a verdict: the table ended
            break
        rows.append(ROW.fullmatch(line))
    return {row[1]: tuple(float(v) for v in row.groups()[1:5]) + (int(row[6]),) for row in rows}


def sines(count, length=150, scale=50.0, offset=100.0):
    """`count` sine waves in columns, far from -1..1 (unscaled): (length, count)."""
    t = np.arange(length)[:, None]
    return offset + scale * np.sin(0.15 * (1 + np.arange(count)) * t + np.arange(count))


def test_unscaled_series_are_scored_each_in_its_units_against_three_bars(tmp_path):
    """Two noisy sine waves, one ten times the other: each series is scaled on its training
    part, and scored in its own units (the second's errors are ten times the first's)."""
    data = tmp_path / "series.csv"
    waves = sines(1)[:, 0] + np.random.default_rng(1).normal(size=150)
    np.savetxt(data, np.column_stack([waves, 10 * waves]), delimiter=",", header="a,b", comments="")
    out, one, ahead = run(data, "--epochs", "10")
    assert set(one) == set(ahead) == {"a", "b"}
    for name in ("a", "b"):
        model, repeat, mean, ar, order = one[name]
        assert model < repeat and model < mean / 5, out  # learned: below two of the bars
        assert order >= 1
    for bar in (1, 2, 3):  # repeat-last, the mean, the AR: in units, the same order chosen
        assert one["b"][bar] == pytest.approx(10 * one["a"][bar], rel=2e-3), out
    assert one["b"][4] == one["a"][4]
    assert "one line every" not in out and "Split of every series: trained on 1..96 (96" in out


def verdicts(out):
    return re.findall(r"^  (.+?): the model (.+)\.$", out, re.MULTILINE)


def test_the_verdicts_follow_the_figures_and_name_the_ar(tmp_path):
    """A random walk: no model can know the next step. Whatever the figures, each verdict says
    which bars the model beats by name, the AR among them or not."""
    walk = np.cumsum(np.random.default_rng(3).normal(size=120))
    data = tmp_path / "walk.txt"
    np.savetxt(data, walk - walk.max())  # one value per line, -44..0: a 1-D series
    out, one, ahead = run(data, "--epochs", "3", "--horizon", "5")
    said = verdicts(out)
    assert len(said) == 2
    for (_, verdict), scores in zip(said, (one, ahead)):
        model, repeat, mean, ar, order = scores["column 1"]
        assert f"AR({order})" in verdict

        def beats(bar):
            named = verdict.split(", not ")[0]
            return "every bar" in verdict or (bar in named and "no bar" not in verdict)

        assert beats("repeat-last") == (model < repeat), verdict
        assert beats("training mean") == (model < mean), verdict
        assert beats(f"AR({order})") == (model < ar), verdict
    model, repeat, mean, ar, _ = one["column 1"]
    if repeat < min(model, mean, ar):
        assert "Nothing beat repeating the last value one step ahead on 'column 1'" in out


def test_a_trend_past_the_training_range_asks_for_the_change_and_the_change_beats_it(tmp_path):
    """A line up with noise: the held-out values are above any trained on. Predicting the value,
    the script says why it loses and to try --change; predicting the change, the model beats
    repeat-last, and the bar for it is the mean change (the drift), in the series' units."""
    data = tmp_path / "trend.csv"
    noise = np.random.default_rng(5).normal(scale=0.5, size=100)
    data.write_text(
        "year,level\n" + "".join(f"{1900 + i},{2 * i + n:.3f}\n" for i, n in enumerate(noise))
    )
    out, one, _ = run(data, "--epochs", "3")
    assert "leave the range of the training part" in out and "--change" in out
    assert one["level"][0] > one["level"][1]  # the model of levels loses to repeat-last
    out, one, _ = run(data, "--epochs", "5", "--change")
    assert "Predicting the change from each value to the next (--change)" in out
    assert "mean change" in out and "training mean" not in out
    model, repeat, drift, ar, _ = one["level"]
    assert model < repeat and drift < repeat, out
    assert "leave the range" not in out


def test_training_stops_on_validation_and_keeps_the_best_pass(tmp_path):
    data = tmp_path / "series.csv"
    np.savetxt(data, sines(1, length=60), delimiter=",")
    out, _, _ = run(data, "--epochs", "400", "--learning-rate", "0.05")
    passes, most, kept = map(
        int,
        re.search(r"^Training: (\d+) of at most (\d+) passes; kept pass (\d+)", out, re.M).groups(),
    )
    assert most == 400 and passes < most and kept == passes - 10  # PATIENCE passes after it
    assert f"More passes would not help: the validation error was lowest at pass {kept}" in out
    assert "more passes (--epochs) may help" not in out


def test_the_forecast_past_the_end_is_printed_and_written(tmp_path):
    """After the last year, the years that follow; --forecast writes every step, --json what
    the run found, --plot a picture; nothing else is written."""
    data = tmp_path / "years.csv"
    data.write_text(
        "year,a\n" + "".join(f"{1900 + i},{v:.3f}\n" for i, v in enumerate(sines(1)[:, 0]))
    )
    out, *_ = run(
        data,
        "--epochs",
        "2",
        "--forecast",
        "f.csv",
        "--json",
        "f.json",
        "--plot",
        "f.png",
        cwd=tmp_path,
    )
    assert "Forecast past the end, 30 steps (the first 12):" in out
    assert re.search(r"^  2050 +\S+ +\S+$", out, re.MULTILINE)  # the data end in 2049
    assert "... 18 more: --forecast FILE.csv writes them all" in out
    assert sorted(os.listdir(tmp_path)) == ["f.csv", "f.json", "f.png", "years.csv"]
    rows = (tmp_path / "f.csv").read_text().splitlines()
    assert rows[0].startswith("time,a model,a AR(") and len(rows) == 31
    assert rows[1].startswith("2050,") and rows[-1].startswith("2079,")
    found = json.loads((tmp_path / "f.json").read_text())
    assert found["series"] == ["a"] and found["forecast"]["time"][0] == "2050"
    assert set(found["one_step_rmse"]["a"]) == {"model", "repeat-last", "training mean", "AR"}
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.long
def test_the_demo_prints_what_the_docs_show_and_runs_copied_alone(tmp_path):
    """Copied with guard.py into a folder of its own, the demo prints docs/your-series.md's
    block, of which the README shows a part; on stderr, at most progress lines."""
    for name in (SCRIPT, "guard.py"):
        shutil.copy(os.path.join(ROOT, name), tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TF_CPP_MIN_LOG_LEVEL")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run(
        [sys.executable, SCRIPT], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for line in proc.stderr.splitlines():  # quiet: no TensorFlow start-up noise, no warnings
        assert re.fullmatch(r"(pass \d+ of at most 100: .*|\d+ of 40 steps fed back), \d+ s", line)
    assert sorted(os.listdir(tmp_path)) == sorted([SCRIPT, "guard.py"])  # writes nothing
    blocks = {}
    for page in ("README.md", os.path.join("docs", "your-series.md")):
        with open(os.path.join(ROOT, page), encoding="utf-8") as file:
            (blocks[page],) = re.findall(
                r"^```\n((?:The demo: |One step ahead: ).*?)\n```$", file.read(), re.M | re.S
            )
    assert proc.stdout.strip() == blocks[os.path.join("docs", "your-series.md")]
    assert blocks["README.md"] in proc.stdout  # a run of whole lines
    assert blocks["README.md"].startswith("One step ahead: ")


def test_odd_files_are_read_or_refused_never_a_traceback(tmp_path):
    """Files made of the pieces real files hold (numbers with either decimal mark, dates, NA,
    text, empty fields, quotes, several separators), put together at random (seeded): each is
    read, or refused in one line."""
    rng = np.random.default_rng(33)
    pieces = ["1", "-2.5", "3,25", "1e3", "2001-01-02", "2001Q3", "03/04/2001", "20010102"]
    pieces += ["NA", "", "x", '"4"', "1,500.0", "  7 ", ".", "nan", "1959", "12:00"]
    for case in range(25):
        sep = rng.choice([",", ";", "\t", " ", "|"])
        width, length = rng.integers(1, 4), rng.integers(1, 30)
        lines = [
            sep.join(rng.choice(pieces, size=rng.integers(width, width + 2))) for _ in range(length)
        ]
        if rng.random() < 0.5:
            lines.insert(0, sep.join(["date", "a", "b"][:width]))
        data = tmp_path / f"odd{case}.csv"
        data.write_text("\n".join(lines) + "\n")
        proc = quick(data, "--dry-run")
        assert proc.returncode in (0, 2), (data.read_text(), proc.stderr)
        if proc.returncode == 2:
            assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1, proc.stderr
        else:
            assert proc.stderr == "" and proc.stdout.startswith("Read ")
