# %%
"""Your own series: a stateful LSTM that forecasts one or more number series from your file,
measured against what you would use instead: repeating the last value, the training mean and a
linear autoregression (AR).

Beyond the article, for your data. The lesson is the same as framing 5's: one time step per
batch, in order (shuffle=False), the state reset after each pass. With several series, each is
one row of every batch, so the state a stateful layer keeps for row i is series i's.

    python 09_your_series.py                          # the demo: three noisy sine waves
    python 09_your_series.py data/sunspots.csv        # a year column and a value column
    python 09_your_series.py data/macrodata.csv --columns realgdp --change --plot gdp.png
    python 09_your_series.py data.csv --dry-run       # only say how the file is read

Reading. A text file of columns (CSV, TSV, ...): the separator (comma, semicolon, tab, spaces
or |) and the decimal mark (point or comma) are found from the file, or set with --sep and
--decimal; a file that reads two ways is refused, not guessed. A first line of names is a
header. A column of dates (2001-12-31, 2001-12, 2001Q4, 31/12/2001 where a day above 12 shows
the order, 20011231 in a column named date), or a column named as a time (year, date, time,
index, ...), is the time axis, not a series; a number column that rises by the same step every
line, not named as a time, is refused until --time says which it is. Every other number column
is a series (or choose them with --columns). A missing value (an empty field or line, NA, nan,
.) is refused with its line, or filled with --fill; so is a line missing from an evenly spaced
time. The first lines printed say what was read.

Measuring. The last fifth of each series is held out: never trained on, and scored in the
series' own units (root mean squared error, RMSE) twice: one step ahead from the true values
before it, and N steps ahead from the state alone, each prediction fed back in (--horizon N).
The last fifth of the rest is validation: training stops once its error has not improved for
PATIENCE (10) passes and keeps the best pass's weights. With --change the model predicts the change
from one value to the next, added back to the last value. Then the model reads each whole
series and forecasts past its end.

Copy this file and guard.py beside your own script: it needs only Keras and NumPy (and
matplotlib for --plot).
"""

import argparse
import csv
import datetime
import json
import os
import re
import signal
import sys
import time

import numpy as np

# Configuration
UNITS = 16  # LSTM units
EPOCHS = 100  # at most this many passes over the series, each from a reset state (--epochs)
PATIENCE = 10  # stop after this many passes without a lower validation error
TEST_FRACTION = 5  # the last 1/5 of each series: scored, never trained on
VALID_FRACTION = 5  # the last 1/5 of the rest: validation, to choose the number of passes
AR_MAX_ORDER = 12  # the linear autoregression looks back at most this many values
MIN_LENGTH = 12  # values per series, at the least
SHOWN = 12  # forecast steps printed (--forecast FILE writes them all)
PROGRESS_SECONDS = 5.0  # a progress line on stderr at most this often, once a run takes longer
DEMO_SERIES, DEMO_LENGTH = 3, 200  # the demo: noisy sine waves, each its own frequency and phase
EPOCHS_MAX = 100_000  # --epochs: a bound against runs that would never end (as 01-08's)
SEED_MAX = 2**32 - 1  # the largest seed NumPy takes

# %% [markdown]
# ## Your file, or the demo
# The command line names the file (or none, for the demo); the file is read and checked before
# Keras loads, so a file that cannot be used is refused in one line, at once.


# %%
class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a refused option is one line on stderr, exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def whole_number(low, high):
    def convert(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be {low}..{high}, got {value}")
        return value

    return convert


def positive_number(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 1, got {text}")
    return value


def output_file(ending):
    """argparse type: a path ending in `ending` in a folder that exists, checked before training."""

    def convert(text):
        folder = os.path.dirname(os.path.abspath(text))
        if not text.lower().endswith(ending):
            raise argparse.ArgumentTypeError(f"the name must end in {ending}, got {text!r}")
        if os.path.isdir(text) or not os.path.isdir(folder):
            raise argparse.ArgumentTypeError(f"{text!r}: not a file in a folder that exists")
        try:  # the folder takes a new file: tried, as permission bits do not tell (root)
            probe = os.path.join(folder, f".write-test-{os.getpid()}")
            open(probe, "w").close()
            os.remove(probe)
        except OSError as error:
            raise argparse.ArgumentTypeError(f"{text!r}: {error.strerror}") from None
        return text

    return convert


parser = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument(
    "file", nargs="?", help="your numbers, a column per series (default: the demo's sine waves)"
)
parser.add_argument(
    "--columns",
    metavar="LIST",
    help="the series to forecast, by name or number from 1, comma-separated, e.g. 'co2' or "
    "'2,4' (default: every number column that is not the time)",
)
parser.add_argument(
    "--time",
    metavar="COLUMN",
    help="the time column(s), by name or number, comma-separated, or 'none' (default: a "
    "column of dates, or one named like a time: year, date, time, index, ...)",
)
parser.add_argument(
    "--sep",
    choices=[",", ";", "tab", "space", "|"],
    metavar="SEP",
    help="what separates the columns: ',', ';', tab, space or '|' (default: found from the file)",
)
parser.add_argument(
    "--decimal",
    choices=[".", ","],
    metavar="MARK",
    help="the decimal mark: '.' or ',' (default: found from the file)",
)
parser.add_argument(
    "--fill",
    choices=["linear", "previous"],
    help="fill missing values: on the line between their neighbours, or with the value before "
    "(default: refuse them, naming their lines)",
)
parser.add_argument(
    "--change",
    action="store_true",
    help="predict the change from one value to the next, added back to the last value (for a "
    "series with a trend; default: predict the value)",
)
parser.add_argument(
    "--epochs",
    type=whole_number(1, EPOCHS_MAX),
    default=EPOCHS,
    help=f"at most this many passes over the series; validation picks the best (default: "
    f"{EPOCHS}, 1..{EPOCHS_MAX})",
)
parser.add_argument(
    "--learning-rate",
    type=positive_number,
    default=0.001,
    metavar="RATE",
    help="Adam's learning rate (default: 0.001, Adam's own)",
)
parser.add_argument(
    "--horizon",
    type=whole_number(1, 100_000),
    metavar="N",
    help="steps forecast from the state alone, scored on the held-out values and printed past "
    "the end (default: every held-out value)",
)
parser.add_argument(
    "--seed",
    type=whole_number(0, SEED_MAX),
    default=7,
    help="the seed (default: 7): same seed, same output",
)
parser.add_argument(
    "--dry-run", action="store_true", help="say how the file is read and stop: nothing trains"
)
parser.add_argument(
    "--forecast",
    type=output_file(".csv"),
    metavar="FILE.csv",
    help="write the forecast past the end, every step, as CSV",
)
parser.add_argument(
    "--plot", type=output_file(".png"), metavar="FILE.png", help="draw the forecasts as a PNG"
)
parser.add_argument(
    "--json", type=output_file(".json"), metavar="FILE.json", help="write what the run found"
)
STOPS = {"SIGINT": "interrupted", "SIGTERM": "terminated", "SIGHUP": "hung up"}
STOPS = {getattr(signal, name): word for name, word in STOPS.items() if hasattr(signal, name)}


def stop(signum, frame):
    """Ctrl-C, kill, a closed terminal: one line, and the shell's status for it (130, 143, 129)."""
    print(f"\n{os.path.basename(sys.argv[0])}: {STOPS[signum]}", file=sys.stderr, flush=True)
    os._exit(128 + signum)  # at once: TensorFlow's threads would hold up a normal exit


if "ipykernel" not in sys.modules:
    for signum in STOPS:
        signal.signal(signum, stop)
    if hasattr(signal, "SIGPIPE"):  # output cut short (`| head`): stop quietly, as `cat` does
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
# In a notebook: the defaults; set args.file after.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.dry_run and (args.plot or args.forecast):
    parser.error("--dry-run trains nothing, so --plot and --forecast would have nothing to show")

# %% [markdown]
# ## Reading the file (a tool around the lesson)
# Every way the file could be read is tried: each separator found in it, each decimal mark. A
# reading counts if every line splits into as many fields and the fields are numbers, missing
# values or times; the readings that make the fewest fields into text are kept, and if they do
# not all give the same columns and numbers, the file is refused: "5,0" could be one number with
# a decimal comma or two columns, and only you can say which (--sep, --decimal).

# %%
SEPARATORS = {",": ",", ";": ";", "tab": "\t", "space": " ", "|": "|"}  # --sep: the character
SEPARATOR_NAMES = {",": "','", ";": "';'", "\t": "tabs", " ": "spaces", "|": "'|'"}
MISSING = {"", "na", "n/a", "nan", "null", "none", "-", ".", "?", "#n/a"}  # case ignored
TIME_WORDS = {  # a column named with one of these words is a time, not a series
    *("year", "yr", "quarter", "qtr", "month", "week", "day", "date", "time", "datetime"),
    *("timestamp", "hour", "minute", "second", "period", "index", "t", "ds", "obs"),
}
# The time formats read, each to (kind, numbers). Day and month need the file to say which
# comes first in 31/12/2001 or 12/31/2001: some day above 12; else the file is refused.
TIME_FORMATS = [
    ("date", re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")),
    ("datetime", re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?")),
    ("month", re.compile(r"(\d{4})-(\d{2})")),
    ("quarter", re.compile(r"(\d{4})[- ]?[Qq]([1-4])")),
    ("day/month", re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")),
]
TIME_FORMATS_BY_KIND = dict(TIME_FORMATS)
# One column written with thousands separators, "1,500.25", reads as two columns with ",".
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


class Unreadable(ValueError):
    """A file that cannot be read right: the one line that says why."""


def number(token, mark):
    """The number `token` writes with the decimal mark `mark`, or None."""
    if not re.fullmatch(
        r"[+-]?(\d+(M\d*)?|M\d+)([eE][+-]?\d+)?".replace("M", re.escape(mark)), token
    ):
        return None
    return float(token.replace(mark, "."))


def is_missing(token):
    return token.lower() in MISSING


def time_kind(token):
    """The kind of time `token` writes ('date', 'month', ...), or None."""
    return next((kind for kind, form in TIME_FORMATS if form.fullmatch(token)), None)


def split(line, sep):
    """The fields of one line: csv's rules for quotes, white space around a field dropped."""
    if sep is None:  # one column
        fields = [line]
    elif sep == " ":
        fields = line.split()
    else:
        fields = next(csv.reader([line], delimiter=sep, skipinitialspace=True))
    return [field.strip().strip('"').strip() for field in fields]


def read_columns(lines, sep, mark):
    """One reading of `lines` [(line number, text)], or None if a line has another number of
    fields. A dict: 'names' (None without a header line), 'columns' [(tokens, kinds)], 'lines'
    (the data's line numbers), 'text' (cells that are neither number, missing nor time)."""
    rows = [split(text, sep) for _, text in lines]
    if len({len(fields) for fields in rows}) > 1:
        return None

    def kind(token):
        if is_missing(token):
            return "missing"
        if number(token, mark) is not None:
            return "number"
        return time_kind(token) or "text"

    names = None
    if len(rows) > 1 and any(kind(token) == "text" for token in rows[0]):
        names, rows, lines = rows[0], rows[1:], lines[1:]  # a header line: the columns' names
        if mark == "," and any("," in name for name in names):
            return None  # "year,volume" over "1871,1120": the commas separate, not decimals
    numbers = [n for n, _ in lines]
    if len(rows) == 1 and names is None and len(rows[0]) > 1:  # one line of numbers: one series
        rows, numbers = [[token] for token in rows[0]], numbers * len(rows[0])
    columns = [[row[j] for row in rows] for j in range(len(rows[0]))]
    kinds = [[kind(token) for token in column] for column in columns]
    return {
        "sep": sep,
        "mark": mark,
        "names": names,
        "columns": list(zip(columns, kinds)),
        "lines": numbers,
        "text": sum(k.count("text") for k in kinds),
    }


def values_of(reading):
    """What a reading makes of the file, to tell two readings apart."""
    return (
        reading["names"],
        [
            [number(t, reading["mark"]) if k == "number" else t for t, k in zip(tokens, kinds)]
            for tokens, kinds in reading["columns"]
        ],
    )


def describe(reading):
    columns, sep = len(reading["columns"]), reading["sep"]
    if len(set(reading["lines"])) == 1 and len(reading["lines"]) > 1:
        how = f"one line of {len(reading['lines'])} numbers separated by {SEPARATOR_NAMES[sep]}"
    elif sep is None:
        how = "one column"
    else:
        how = f"{columns} columns separated by {SEPARATOR_NAMES[sep]}"
    return how + f", decimal mark {reading['mark']!r}"


def find_reading(lines, sep=None, mark=None):
    """The one reading of `lines` that makes sense; Unreadable if none, or several differ."""
    text = "\n".join(line for _, line in lines)
    found_seps = [s for s in ("\t", ";", ",", "|") if s in text]
    if any(len(line.split()) > 1 for _, line in lines):
        found_seps.append(" ")
    seps = [sep] if sep else found_seps + [None]
    marks = [mark] if mark else [".", ","]
    readings = [
        reading
        for s in seps
        for m in marks
        if m != s and (reading := read_columns(lines, s, m)) is not None
    ]
    readings = [r for r in readings if any("number" in kinds for _, kinds in r["columns"])]
    if not readings:
        raise Unreadable(
            unequal(lines, seps) or f"no numbers (line {lines[0][0]}: {lines[0][1]!r})"
        )
    fewest = min(r["text"] for r in readings)
    readings = [r for r in readings if r["text"] == fewest]
    if fewest and readings[0]["sep"] is None and unequal(lines, seps):
        raise Unreadable(unequal(lines, seps))  # text in one column: the columns are uneven
    distinct = []
    for reading in readings:
        if all(values_of(reading) != values_of(other) for other in distinct):
            distinct.append(reading)
    chosen = distinct[0]
    if len(distinct) > 1:
        raise Unreadable(
            f"reads two ways: as {describe(distinct[0])}, or as {describe(distinct[1])} (line "
            f"{lines[-1][0]}: {lines[-1][1].strip()!r}); say which with --sep or --decimal"
        )
    if (
        chosen["sep"] == ","
        and not sep
        and all(THOUSANDS.fullmatch(line.strip()) for _, line in lines[-len(chosen["lines"]) :])
    ):
        raise Unreadable(
            f"reads two ways: as {describe(chosen)}, or as one column with a ',' between "
            f"thousands (line {lines[-1][0]}: {lines[-1][1].strip()!r}); say which with --sep "
            "(thousands separators are not read: remove them)"
        )
    return chosen


def unequal(lines, seps):
    """The line that breaks the columns with the first separator in `seps` that splits the
    lines unevenly, or None."""
    for sep in seps:
        rows = [(n, split(text, sep)) for n, text in lines if sep is not None]
        other = next(((n, f) for n, f in rows if len(f) != len(rows[0][1])), None)
        if other:
            return (
                f"every line must hold as many fields; with {SEPARATOR_NAMES[sep]} between "
                f"them, line {rows[0][0]} has {len(rows[0][1])} and line {other[0]} has "
                f"{len(other[1])}"
            )
    return None


# %% [markdown]
# ## Which columns are time, which are series, and what is missing
# A time column gives each line its time: it must rise, line after line; where it skips a step
# of its regular spacing, values are missing. Missing values are refused with their lines, or
# filled when --fill asks; a line that is not there is never closed up silently.

# %%
TIME_NAME_WORDS = TIME_WORDS | {"observation", "s", "sec", "secs", "seconds", "min", "minutes"}
TIME_NAME_WORDS |= {"h", "hours", "days", "weeks", "months", "years", "utc", "of"}


def named_as_time(name):
    words = re.findall(r"[a-z]+", (name or "").lower())
    return bool(words) and all(word in TIME_NAME_WORDS for word in words)


def label(reading, j):
    name = reading["names"][j] if reading["names"] else ""
    return f"column {j + 1}" + (f" {name!r}" if name else "")


def pick(reading, text, option):
    """The columns `text` names ('co2', '2,4': names or numbers from 1), for `option`."""
    names, count, picked = reading["names"] or [], len(reading["columns"]), []
    for item in (part.strip() for part in text.split(",")):
        if item.isdigit() and 1 <= int(item) <= count:
            picked.append(int(item) - 1)
            continue
        exact = [j for j, name in enumerate(names) if name == item]
        loose = [j for j, name in enumerate(names) if name.lower() == item.lower()]
        found = exact or loose
        if len(found) != 1:
            known = ", ".join(repr(name) for name in names) if names else "no names"
            raise Unreadable(
                f"{option} {item!r}: "
                + ("names two columns" if found else f"no such column (1..{count}; {known})")
            )
        picked.append(found[0])
    if len(set(picked)) < len(picked):
        raise Unreadable(f"{option} {text!r} names a column twice")
    return picked


def times_of(reading, j):
    """Column j as times: (kind, [ordinal for each line]); Unreadable if it is not a time."""
    tokens, kinds = reading["columns"][j]
    lines = reading["lines"]
    for token, kind, line in zip(tokens, kinds, lines):
        if kind == "missing":
            raise Unreadable(f"line {line}: no time in the time column, {label(reading, j)}")
        if kind == "text":
            raise Unreadable(
                f"line {line}: {token!r} in the time column, {label(reading, j)}, is not a time "
                "read here (a number, 2001-12-31, 2001-12-31 23:59, 2001-12, 2001Q4, 31/12/2001; "
                "or say --time none)"
            )
    if len(set(kinds)) > 1:
        b = next(i for i, kind in enumerate(kinds) if kind != kinds[0])
        raise Unreadable(
            f"{label(reading, j)} writes times two ways: {tokens[0]!r} (line {lines[0]}) and "
            f"{tokens[b]!r} (line {lines[b]})"
        )
    kind = kinds[0]
    try:
        if kind == "number":
            words = re.findall(r"[a-z]+", label(reading, j).lower())
            if "date" in words and all(re.fullmatch(r"\d{8}", t) for t in tokens):  # 20011231
                dates = [datetime.date(int(t[:4]), int(t[4:6]), int(t[6:])) for t in tokens]
                return monthly_or_daily(dates)
            return "number", [number(t, reading["mark"]) for t in tokens]
        parts = [
            [int(p) for p in TIME_FORMATS_BY_KIND[kind].fullmatch(t).groups() if p] for t in tokens
        ]
        if kind == "date":
            return monthly_or_daily([datetime.date(*p) for p in parts])
        if kind == "datetime":
            start = datetime.datetime(1, 1, 1)
            return "second", [(datetime.datetime(*p) - start).total_seconds() for p in parts]
        if kind == "month":
            if any(not 1 <= m <= 12 for _, m in parts):
                raise ValueError("month must be in 1..12")
            return "month", [12 * y + m - 1 for y, m in parts]
        if kind == "quarter":
            return "quarter", [4 * y + q - 1 for y, q in parts]
        # day/month: the file must show which comes first
        if any(a > 12 for a, _, _ in parts) and all(b <= 12 for _, b, _ in parts):
            return monthly_or_daily([datetime.date(y, m, d) for d, m, y in parts])
        if any(b > 12 for _, b, _ in parts) and all(a <= 12 for a, _, _ in parts):
            return monthly_or_daily([datetime.date(y, m, d) for m, d, y in parts])
        raise Unreadable(
            f"{label(reading, j)}: {tokens[0]!r} could be day/month or month/day, and no date in "
            "the file tells; write the dates as 2001-12-31"
        )
    except ValueError as error:
        if isinstance(error, Unreadable):
            raise
        raise Unreadable(f"{label(reading, j)}: not a date ({error})") from None


def monthly_or_daily(dates):
    """Dates as ordinals: months (12 * year + month - 1) if every date falls on the same day of
    its month, so that monthly, quarterly and yearly dates are evenly spaced; else days."""
    if len({date.day for date in dates}) == 1 and dates[0].day <= 28 and len(dates) > 1:
        return f"month day {dates[0].day}", [12 * d.year + d.month - 1 for d in dates]
    return "day", [date.toordinal() for date in dates]


def time_label(kind, ordinal, integers):
    """A time the file does not write (a gap, or past its end), written as `kind` is."""
    if kind == "number":
        return str(round(ordinal)) if integers else f"{ordinal:.10g}"
    if kind == "day":
        return datetime.date.fromordinal(round(ordinal)).isoformat()
    if kind == "second":
        return (datetime.datetime(1, 1, 1) + datetime.timedelta(seconds=ordinal)).isoformat(" ")
    if kind == "quarter":
        return f"{round(ordinal) // 4}Q{round(ordinal) % 4 + 1}"
    year, month = divmod(round(ordinal), 12)  # "month" or "month day D"
    day = kind.split()[-1]
    return f"{year:04d}-{month + 1:02d}" + (f"-{int(day):02d}" if day.isdigit() else "")


def step_text(kind, step):
    units = {"day": "day", "quarter": "quarter", "second": "second"}
    if kind == "number":
        return f"{step:g}"
    if kind.startswith("month"):
        unit = "month"
    elif kind == "second" and step % 3600 == 0:
        unit, step = "hour", step / 3600
    elif kind == "second" and step % 60 == 0:
        unit, step = "minute", step / 60
    else:
        unit = units[kind]
    return f"{step:g} {unit}" + ("s" if step != 1 else "")


def rises_evenly(values):
    """True if `values` rise by one and the same step every line (a year or index column)."""
    steps = np.diff(values)
    return len(values) > 2 and steps[0] > 0 and np.allclose(steps, steps[0], rtol=1e-9, atol=0)


def lines_text(numbers, most=5):
    shown = ", ".join(map(str, numbers[:most]))
    return shown + (f" and {len(numbers) - most} more" if len(numbers) > most else "")


def read(path):
    """Read `path` as the options say. A dict: 'series' (series, length) float64, 'names',
    'times' (a label per value, or None), 'said' (the lines that say what was read)."""
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as error:
        raise Unreadable(error.strerror or str(error)) from None
    if b"\0" in raw[:4096]:
        raise Unreadable("not a text file (a spreadsheet? save it as CSV)")
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark, as Excel writes, is not data
    except UnicodeDecodeError as error:
        raise Unreadable(f"not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    all_lines = text.splitlines()
    comments = [n for n, line in enumerate(all_lines, 1) if line.lstrip().startswith("#")]
    lines = [
        (n, line)
        for n, line in enumerate(all_lines, 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise Unreadable("no numbers")
    reading = find_reading(lines, SEPARATORS.get(args.sep), args.decimal)
    columns, names = reading["columns"], reading["names"]
    every = range(len(columns))
    said = [
        f"Read {path}: "
        + ("a header line and " if names else "no header line, ")
        + (f"{len(reading['lines'])} lines of " if len(set(reading["lines"])) > 1 else "")
        + describe(reading)
    ]

    # The time: chosen by --time, or a column of dates, or one named as a time.
    if args.time and args.time.lower() == "none":
        time_columns = []
    elif args.time:
        time_columns = pick(reading, args.time, "--time")
    else:
        time_columns = [
            j
            for j in every
            if all(k not in ("number", "text", "missing") for k in columns[j][1])
            or named_as_time(names and names[j])
            or (j == 0 and names and re.fullmatch(r"|unnamed: ?0", names[0].lower()))
        ]
    if args.columns:
        chosen = pick(reading, args.columns, "--columns")
        if set(chosen) & set(time_columns):
            raise Unreadable(
                f"{label(reading, (set(chosen) & set(time_columns)).pop())} is the time: it "
                "cannot be a series too (say --time none, or --time another column)"
            )
    else:
        chosen = [j for j in every if j not in time_columns and "number" in columns[j][1]]
    skipped = [j for j in every if j not in chosen and j not in time_columns]
    for j in chosen:
        tokens, kinds = columns[j]
        if "text" in kinds or "number" not in kinds:
            i = kinds.index("text") if "text" in kinds else 0
            raise Unreadable(
                f"line {reading['lines'][i]}: {tokens[i]!r} in {label(reading, j)} is not a "
                "number" + ("" if args.columns else " (choose the series with --columns)")
            )
    if not chosen:
        raise Unreadable("no column of numbers to forecast besides the time")
    if not args.time and not args.columns and len(chosen) > 1:
        for j in chosen:  # a column that counts up: an index or a year, or a series?
            tokens, kinds = columns[j]
            values = [number(t, reading["mark"]) for t in tokens]
            if "missing" not in kinds and rises_evenly(values):
                raise Unreadable(
                    f"{label(reading, j)} rises by {values[1] - values[0]:g} every line "
                    f"({tokens[0]} to {tokens[-1]}), as a year or an index does: say --time "
                    f"{j + 1} to read it as the time, or "
                    + (
                        "choose the series with --columns"
                        if time_columns
                        else "--time none to forecast it as a series"
                    )
                )

    # The values, a row per line; an empty line inside a file without a time is a missing line.
    rows = reading["lines"]
    series = np.array(
        [
            [number(t, reading["mark"]) if k == "number" else np.nan for t, k in zip(*columns[j])]
            for j in chosen
        ],
        dtype="float64",
    ).reshape(len(chosen), -1)
    empty = [n for n in range(rows[0], rows[-1]) if not all_lines[n - 1].strip()]
    times, ordinals, kind = None, None, None
    if time_columns:
        parsed = [times_of(reading, j) for j in time_columns]
        names_of = [(names[j] if names else "").lower() for j in time_columns]
        per = {"quarter": 4, "qtr": 4, "month": 12}.get(names_of[-1])  # year, quarter: one time
        if (
            len(parsed) == 2
            and names_of[0] in ("year", "yr")
            and per
            and all(1 <= p <= per and p == int(p) for p in parsed[1][1])
        ):
            kind = "quarter" if per == 4 else "month"
            ordinals = [per * y + p - 1 for y, p in zip(parsed[0][1], parsed[1][1])]
        elif len(parsed) == 1:
            kind, ordinals = parsed[0]
        keys = list(zip(*[o for _, o in parsed])) if ordinals is None else ordinals
        for i in range(1, len(keys)):
            if not keys[i] > keys[i - 1]:
                raise Unreadable(
                    f"the time ({', '.join(label(reading, j) for j in time_columns)}) does not "
                    f"rise at line {rows[i]}: sort the file oldest first (or say --time none "
                    "if it is not a time)"
                )
        if len(parsed) == 2 and ordinals is not None:  # year and quarter: 1959Q1
            times = [time_label(kind, o, True) for o in ordinals]
        else:
            times = [" ".join(columns[j][0][i] for j in time_columns) for i in range(len(rows))]
        said.append(
            f"Time: {', '.join(label(reading, j) for j in time_columns)}, {times[0]} to {times[-1]}"
        )
    else:  # no time: each line is the next step, and an empty line a missing one
        for n in empty:
            at = next(i for i, row in enumerate(rows) if row > n)
            rows = rows[:at] + [n] + rows[at:]
            series = np.insert(series, at, np.nan, axis=1)
        empty = []

    # Evenly spaced? A step skipped is a line missing: refused, or filled with --fill.
    gaps = []  # (index of the line after the gap, times missing there)
    if ordinals is not None and len(ordinals) > 1:
        steps = np.diff(np.array(ordinals, dtype="float64"))
        step = steps.min()
        ratio = steps / step
        if np.allclose(ratio, 1, rtol=0, atol=1e-6):
            said[-1] += f", one line every {step_text(kind, step)}"
        elif np.allclose(ratio, np.round(ratio), rtol=0, atol=1e-6):
            gaps = [(i + 1, round(r) - 1) for i, r in enumerate(ratio) if round(r) > 1]
            said[-1] += f", one line every {step_text(kind, step)}"
        else:
            said[-1] += (
                f", steps from {step_text(kind, step)} to {step_text(kind, steps.max())} (each "
                "line is one step to the model)"
            )
    elif time_columns:
        said[-1] += " (spacing not checked: several time columns)"
    if gaps:
        count = sum(missing for _, missing in gaps)
        where = lines_text([f"{rows[i - 1]}" for i, _ in gaps])
        if not args.fill:
            raise Unreadable(
                f"the time skips {count} step{'s' * (count > 1)} of {step_text(kind, step)} "
                f"(after line {where}): the values after a gap would move earlier in time; add "
                "the missing lines, or ask --fill linear or --fill previous"
            )
        integers = all(re.fullmatch(r"[+-]?\d+", t) for t in times)
        for i, missing in reversed(gaps):
            new = [ordinals[i - 1] + step * (k + 1) for k in range(missing)]
            times[i:i] = [time_label(kind, o, integers) for o in new]
            ordinals[i:i] = new
            rows[i:i] = [None] * missing
            series = np.insert(series, [i] * missing, np.nan, axis=1)

    future = None  # how to write the times past the end (kind, last, step): even spacing only
    if ordinals is not None and len(ordinals) > 1 and np.allclose(np.diff(ordinals), step):
        integers = all(re.fullmatch(r"[+-]?\d+", t) for t in times)
        future = (kind, ordinals[-1], step, integers)

    # Missing values: refused with their lines, or filled as --fill says.
    names_chosen = [names[j] if names and names[j] else f"column {j + 1}" for j in chosen]
    said.append(
        "Series: "
        + ", ".join(label(reading, j) for j in chosen)
        + f"; {series.shape[1]} values"
        + (" each" if len(chosen) > 1 else "")
    )
    holes = np.isnan(series)

    def line_of(i):  # where value i is in the file: its line, or a gap after a line
        back = next(k for k in range(i, -1, -1) if rows[k] is not None)
        return f"line {rows[back]}" if back == i else f"a gap after line {rows[back]}"

    def missing_in(s):
        at = np.flatnonzero(holes[s])
        lines = [rows[i] for i in at if rows[i] is not None]
        gaps = sorted({line_of(i) for i in at if rows[i] is None})
        where = ([f"line{'s' * (len(lines) > 1)} {lines_text(lines, 4)}"] if lines else []) + gaps
        return f"{len(at)} in {names_chosen[s]!r} ({'; '.join(where)})"

    missing = "; ".join(missing_in(s) for s in range(len(series)) if holes[s].any())
    if missing and not args.fill:
        raise Unreadable(
            f"missing values: {missing}; fill them in the file, or ask --fill linear or --fill "
            "previous"
        )
    for s in range(len(series) if missing else 0):
        known = np.flatnonzero(~holes[s])
        if not len(known):
            raise Unreadable(f"{names_chosen[s]!r} has no values")
        first, last = known[0], known[-1]
        if first > 0 or (args.fill == "linear" and last < series.shape[1] - 1):
            raise Unreadable(
                f"--fill {args.fill} cannot fill {names_chosen[s]!r} "
                + (
                    f"before its first value ({line_of(first)})"
                    if first > 0
                    else f"after its last value ({line_of(last)})"
                )
                + ": cut the file there, or choose other columns"
            )
        if args.fill == "linear":  # on the straight line between the neighbours
            series[s] = np.interp(np.arange(series.shape[1]), known, series[s, known])
        else:  # the value before
            before = known[np.searchsorted(known, np.arange(series.shape[1]), "right") - 1]
            series[s] = series[s, before]
    if missing:
        said.append(f"Filled (--fill {args.fill}) missing values: {missing}")
    unused = [label(reading, j) + (" (text)" if "text" in columns[j][1] else "") for j in skipped]
    unused += [f"{len(comments)} comment line{'s' * (len(comments) > 1)} (#)"] if comments else []
    unused += [f"empty line{'s' * (len(empty) > 1)} {lines_text(empty)}"] if empty else []
    said.append("Skipped: " + ("; ".join(unused) if unused else "nothing"))
    return {
        "series": series,
        "names": names_chosen,
        "times": times,
        "future": future,
        "said": said,
    }


if args.file:
    try:
        found = read(args.file)
    except Unreadable as error:
        parser.error(f"{args.file}: {error}")
    series, NAMES, TIMES = found["series"], found["names"], found["times"]
    said = found["said"]
else:  # the demo: DEMO_SERIES noisy sine waves, each with its own frequency and phase
    rng = np.random.default_rng(args.seed)
    freq = rng.uniform(0.1, 0.5, (DEMO_SERIES, 1))
    phase = rng.uniform(0, 2 * np.pi, (DEMO_SERIES, 1))
    noise = 0.05 * rng.normal(size=(DEMO_SERIES, DEMO_LENGTH))
    series = np.sin(freq * np.arange(DEMO_LENGTH) + phase) + noise
    NAMES, TIMES = [f"sine {i + 1}" for i in range(DEMO_SERIES)], None
    said = [f"The demo: {DEMO_SERIES} noisy sine waves of {DEMO_LENGTH} values (no file given)"]
    found = {"future": None}
NUM_SERIES, LENGTH = series.shape  # series: (NUM_SERIES, LENGTH), in the file's units
TEST = LENGTH // TEST_FRACTION  # held out at the end of every series
VALID = (LENGTH - TEST) // VALID_FRACTION  # validation: the values just before the held-out
FIT = LENGTH - TEST - VALID  # trained on
if LENGTH < MIN_LENGTH:
    parser.error(
        f"{LENGTH} values per series is too few: at least {MIN_LENGTH} are needed (the last "
        "fifth is held out, and the fifth before it is validation)"
    )
HORIZON = TEST if args.horizon is None else args.horizon
if HORIZON > TEST:
    parser.error(
        f"argument --horizon: at most {TEST}, the held-out values per series, got {HORIZON}"
    )


def when(i):
    """The time of value i, as the file writes it (or its place, 1..LENGTH)."""
    return TIMES[i] if TIMES else str(i + 1)


said.append(
    f"Split of every series: trained on {when(0)}..{when(FIT - 1)} ({FIT} values), validation "
    f"{when(FIT)}..{when(FIT + VALID - 1)} ({VALID}), held out {when(LENGTH - TEST)}.."
    f"{when(LENGTH - 1)} ({TEST}): scored, never trained on"
)
if args.change:
    said.append(
        "Predicting the change from each value to the next (--change), added back to the last "
        "value: the scores are in the series' own units"
    )
for line in said:
    print(line)


def write_file(path, write_to):
    """`write_to(a temporary path)`, then move the file to `path`: never half a file there."""
    partial = f"{path}.partial-{os.getpid()}"
    held = hasattr(signal, "pthread_sigmask")  # a stop signal waits until the file is in place
    if held:
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        write_to(partial)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
        if held:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)


def write_record(path):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(record, file, indent=1)


# what the run found, for --json: first what was read, each series' values as read and filled
record = {
    "options": {k: v for k, v in vars(args).items() if k not in ("json", "plot", "forecast")},
    "read": said,
    "series": NAMES,
    "time": TIMES,
    "values": series.tolist(),
    "split": {"trained": FIT, "validation": VALID, "held_out": TEST},
}
if args.dry_run:
    if args.json:
        write_file(args.json, write_record)
    sys.exit(0)

# Keras loads only now, once the input is known to be good, and quietly: no TensorFlow info or
# warnings (the log level), nor its oneDNN notice, which no log level stops.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras
from guard import check_stateful_fit  # guard.py: copy it beside this file

keras.utils.set_random_seed(args.seed)  # seed first: same seed, same output


# %% [markdown]
# ## The data: what the model predicts, scaled on the part it trains on
# The model predicts the next value, or with --change the next change (x[t+1] - x[t]); either
# way each series is scaled by the mean and spread of the part trained on (an LSTM learns poorly
# from values far from -1..1), and nothing after it leaks into the scaling.

# %%
target = np.diff(series, axis=1) if args.change else series  # (NUM_SERIES, steps) predicted
STEPS = target.shape[1]  # LENGTH, or LENGTH - 1 changes
FIT_STEPS = STEPS - TEST - VALID  # the target's training part; validation and held-out follow
mean = target[:, :FIT_STEPS].mean(axis=1, keepdims=True)  # per series, from the training
spread = target[:, :FIT_STEPS].std(axis=1, keepdims=True)  # part only
spread[spread == 0] = 1.0  # a constant series: nothing to divide by
scaled = ((target - mean) / spread).astype("float32")


def as_batches(values):
    """(NUM_SERIES, steps) -> (steps * NUM_SERIES, 1, 1): batch t holds step t of every series.

    batch 0: s0[0] s1[0] s2[0]
    batch 1: s0[1] s1[1] s2[1]   row i of every batch continues row i of the batch before:
    batch 2: s0[2] s1[2] s2[2]   the state a stateful layer keeps for row i is series i's
    """
    return values.T.reshape(-1, 1, 1)


def from_batches(values):
    """Predictions back to one row per series: (steps * NUM_SERIES, 1) -> (NUM_SERIES, steps)."""
    return values.reshape(-1, NUM_SERIES).T


def as_levels(predicted, before, fed_back=False):
    """Predictions (NUM_SERIES, steps), scaled, back to values in the series' units. With
    --change each is a change, added to `before`: the true value before each (one step ahead),
    or (fed back) the last true value, to which the run of changes adds up."""
    values = predicted * spread + mean
    if not args.change:
        return values
    return before + (np.cumsum(values, axis=1) if fed_back else values)


# step t -> step t + 1. Training: x_train (batches * NUM_SERIES, 1, 1), y_train (..., 1);
# validation continues each series where training stops.
x_train = as_batches(scaled[:, : FIT_STEPS - 1])
y_train = as_batches(scaled[:, 1:FIT_STEPS]).reshape(-1, 1)
x_valid = as_batches(scaled[:, FIT_STEPS - 1 : FIT_STEPS + VALID - 1])
y_valid = as_batches(scaled[:, FIT_STEPS : FIT_STEPS + VALID]).reshape(-1, 1)

# %% [markdown]
# ## The model and its training
# Each pass reads every series from a reset state, in order. After each pass, fit scores the
# validation part from the state the pass left (validation continues each series), then the
# state is reset; training stops once the validation error has not improved for PATIENCE
# passes, and the weights of the best pass are kept: more passes only fit the noise.

# %%
# The batch size is part of a stateful model's input: (batch, time steps, features).
model = keras.Sequential(
    [
        keras.Input(batch_shape=(NUM_SERIES, 1, 1)),
        keras.layers.LSTM(UNITS, stateful=True, name="lstm"),
        keras.layers.Dense(1),  # the next value (or change), scaled
    ]
)
lstm = model.get_layer("lstm")
model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate))

# reset RNN memory after each pass: the next pass reads every series from its start. fit
# validates before it calls on_epoch_end, so validation reads on from the state the pass left:
# each series' validation values follow its training values (08's fix for validation resets
# first instead: its validation data is a sequence of its own).
reset_each_pass = keras.callbacks.LambdaCallback(
    on_epoch_end=lambda epoch, logs: lstm.reset_state()
)
best = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=PATIENCE, restore_best_weights=True
)


class Progress(keras.callbacks.Callback):
    """A line on stderr at most every PROGRESS_SECONDS, once a run has taken that long."""

    def on_train_begin(self, logs=None):
        self.start = self.last = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        self.say(
            f"pass {epoch + 1} of at most {args.epochs}: training MSE {logs['loss']:.4f}, "
            f"validation {logs['val_loss']:.4f} (scaled)"
        )

    def say(self, what):
        now = time.monotonic()
        if now - self.last >= PROGRESS_SECONDS:
            self.last = now
            print(f"{what}, {now - self.start:.0f} s", file=sys.stderr, flush=True)


progress = Progress()


check_stateful_fit(  # guard.py: one line if the batches would not fit the state
    model, x_train, batch_size=NUM_SERIES, shuffle=False, validation_data=(x_valid, y_valid)
)
history = model.fit(
    x_train,
    y_train,
    batch_size=NUM_SERIES,
    epochs=args.epochs,
    shuffle=False,  # in order: never shuffle
    validation_data=(x_valid, y_valid),
    callbacks=[reset_each_pass, best, progress],
    verbose=0,
)
passes = len(history.history["loss"])
kept = best.best_epoch + 1  # the pass whose weights the model now holds
print(
    f"Training: {passes} of at most {args.epochs} passes; kept pass {kept}, the lowest "
    f"validation MSE ({history.history['val_loss'][kept - 1]:.4f}, scaled)"
    + (f": the error had not improved for {PATIENCE} passes" if passes < args.epochs else "")
)

# %% [markdown]
# ## The bars: what you would use instead, in NumPy
# Repeating the last value; the training mean (with --change: the last value plus the mean
# change); and a linear autoregression, AR(p): the next value (or change) as a weighted sum of
# the p before it plus a constant, fitted by least squares on the training part, with p chosen on
# the validation part as the model's passes are. All see the same values as the model.

# %%


def ar_rows(z, p):
    """Each value of z from the p before it: (len(z) - p, p + 1) inputs with a 1, and targets."""
    inputs = np.column_stack(
        [z[p - k - 1 : len(z) - k - 1] for k in range(p)] + [np.ones(len(z) - p)]
    )
    return inputs, z[p:]


def ar_fit(z, p):
    inputs, targets = ar_rows(z, p)
    return np.linalg.lstsq(inputs, targets, rcond=None)[0]  # (p + 1,): weights, then constant


def ar_one_step(weights, z, start):
    """The prediction of z[start:], each from the true values before it."""
    inputs, _ = ar_rows(z, len(weights) - 1)
    return inputs[start - len(weights) + 1 :] @ weights


def ar_fed_back(weights, z, steps):
    """`steps` predictions after the end of z, each fed back in as the next input."""
    p, history = len(weights) - 1, list(z)
    for _ in range(steps):
        history.append(np.dot(history[-1 : -p - 1 : -1], weights[:p]) + weights[p])
    return np.array(history[len(z) :])


def ar_order(z):
    """The order p whose fit on the training part predicts the validation part best."""
    orders = range(1, max(1, min(AR_MAX_ORDER, (FIT_STEPS - 1) // 3)) + 1)
    errors = [
        np.mean(
            (
                ar_one_step(ar_fit(z[:FIT_STEPS], p), z[: FIT_STEPS + VALID], FIT_STEPS)
                - z[FIT_STEPS : FIT_STEPS + VALID]
            )
            ** 2
        )
        for p in orders
    ]
    return orders[int(np.argmin(errors))]


TRAINED = STEPS - TEST  # the target's training and validation parts: what the bars learn from
ar_weights = [ar_fit(z[:TRAINED], ar_order(z)) for z in target]
ORDERS = [len(w) - 1 for w in ar_weights]


def rmse(predicted, true):
    """Root mean squared error of each series, in its own units: (NUM_SERIES,)."""
    return np.sqrt(np.mean((predicted - true) ** 2, axis=1))


def figure(value, digits=4):
    """`digits` significant digits; from 10**digits up, whole numbers (12345, not 1.234e+04)."""
    return f"{value:.0f}" if 10**digits <= abs(value) < 1e15 else f"{value:.{digits}g}"


MEAN_BAR = "mean change" if args.change else "training mean"


def report(title, scores):
    """Print a table of RMSE per series (rows) and forecast (columns), then a verdict per
    series naming the bars the model beats and those it does not."""
    print(title)
    width = max(len(name) for name in NAMES + ["series"])
    heads = ["model", "repeat-last", MEAN_BAR, "AR"]
    print(f"  {'series':<{width}}  " + "  ".join(f"{head:>13}" for head in heads) + "  AR order")
    for i, name in enumerate(NAMES):
        row = "  ".join(f"{figure(scores[head][i]):>13}" for head in heads)
        print(f"  {name:<{width}}  {row}  {ORDERS[i]:>8}")
    for i, name in enumerate(NAMES):
        bars = {"repeat-last": "repeat-last", MEAN_BAR: f"the {MEAN_BAR}", "AR": f"AR({ORDERS[i]})"}
        beaten = [text for head, text in bars.items() if scores["model"][i] < scores[head][i]]
        lost = [text for text in bars.values() if text not in beaten]
        if not lost:
            verdict = f"the model beats every bar, AR({ORDERS[i]}) included"
        elif not beaten:
            verdict = (
                f"the model beats no bar: not repeat-last, the {MEAN_BAR}, nor AR({ORDERS[i]})"
            )
        else:
            verdict = f"the model beats {' and '.join(beaten)}, not {' nor '.join(lost)}"
        print(f"  {name}: {verdict}.")


# %% [markdown]
# ## One step ahead: each held-out value from the true values before it
# Read every series from a reset (its training part warms the state up) and score the guesses
# of its held-out values. predict moves the state on too: reset before new sequences.

# %%
true = series[:, -TEST:]  # (NUM_SERIES, TEST): the held-out values
before = series[:, -TEST - 1 : -1]  # the true value before each
lstm.reset_state()  # reset RNN memory
guess = model.predict(as_batches(scaled[:, :-1]), batch_size=NUM_SERIES, verbose=0)
guess = as_levels(from_batches(guess)[:, -TEST:], before)  # (NUM_SERIES, TEST), in units
bars_one = {
    "repeat-last": before,
    MEAN_BAR: before + target[:, :TRAINED].mean(axis=1, keepdims=True)
    if args.change
    else np.repeat(series[:, :-TEST].mean(axis=1, keepdims=True), TEST, axis=1),
    "AR": np.array([ar_one_step(w, z, TRAINED) for w, z in zip(ar_weights, target)])
    + (before if args.change else 0),
}
one_step = {"model": rmse(guess, true)} | {name: rmse(v, true) for name, v in bars_one.items()}
report(f"One step ahead: RMSE on the {TEST} held-out values, in each series' units", one_step)


# %% [markdown]
# ## N steps ahead from the state alone
# Warm the state up on each series' training part, then feed each prediction back in as the next
# input: no true value after the training part is seen. The bars do the same: the last training
# value, the training mean (or the mean change added up), the AR fed its own predictions.


# %%
def fed_back(first, steps):
    """From the state the model holds: `first` (NUM_SERIES, 1), its prediction for the next
    step, then `steps` - 1 more, each prediction fed back in: (NUM_SERIES, steps), scaled."""
    out = [first]
    for step in range(steps - 1):
        out.append(model.predict_on_batch(out[-1].reshape(NUM_SERIES, 1, 1)))  # fed back
        progress.say(f"{step + 2} of {steps} steps fed back")
    return np.concatenate(out, axis=1)


lstm.reset_state()  # reset RNN memory
warm = model.predict(as_batches(scaled[:, :TRAINED]), batch_size=NUM_SERIES, verbose=0)
last_trained = series[:, -TEST - 1 : -TEST]  # (NUM_SERIES, 1): the last value trained on
ahead = as_levels(fed_back(from_batches(warm)[:, -1:], HORIZON), last_trained, fed_back=True)
true_ahead = series[:, LENGTH - TEST : LENGTH - TEST + HORIZON]
mean_step = target[:, :TRAINED].mean(axis=1, keepdims=True)
bars_ahead = {
    "repeat-last": np.repeat(last_trained, HORIZON, axis=1),
    MEAN_BAR: last_trained + mean_step * np.arange(1, HORIZON + 1)
    if args.change
    else np.repeat(series[:, :-TEST].mean(axis=1, keepdims=True), HORIZON, axis=1),
    "AR": np.array([ar_fed_back(w, z[:TRAINED], HORIZON) for w, z in zip(ar_weights, target)]),
}
if args.change:
    bars_ahead["AR"] = last_trained + np.cumsum(bars_ahead["AR"], axis=1)
n_steps = {"model": rmse(ahead, true_ahead)}
n_steps |= {name: rmse(v, true_ahead) for name, v in bars_ahead.items()}
report(
    f"{HORIZON} steps ahead from the state, its own predictions fed back: RMSE in each "
    "series' units",
    n_steps,
)

# %% [markdown]
# ## What the measurements say
# Advice follows the figures above, most telling first; none is given that they do not support.

# %%
advice = []
low, high = series[:, :-TEST].min(axis=1), series[:, :-TEST].max(axis=1)
margin = (high - low) / 10  # beyond a tenth of the training range: not noise, a new level
outside = [
    NAMES[i]
    for i in range(NUM_SERIES)
    if true[i].min() < low[i] - margin[i] or true[i].max() > high[i] + margin[i]
]
if outside and not args.change:  # an LSTM's output saturates: it cannot say a level it never saw
    advice.append(
        f"The held-out values of {', '.join(map(repr, outside))} leave the range of the training "
        "part: a model of levels cannot say a level it never saw. Predict the change: --change."
    )
best_one = [min(one_step, key=lambda head: one_step[head][i]) for i in range(NUM_SERIES)]
walks = [NAMES[i] for i in range(NUM_SERIES) if best_one[i] == "repeat-last"]
if walks:
    advice.append(
        f"Nothing beat repeating the last value one step ahead on {', '.join(map(repr, walks))}"
        ": if a series is a random walk (prices often are), no forecast beats that by more "
        "than luck."
    )
linear = [
    f"{NAMES[i]!r} (AR({ORDERS[i]}))"
    for i in range(NUM_SERIES)
    if best_one[i] != "repeat-last" and one_step["AR"][i] < one_step["model"][i]
]
if linear:
    advice.append(
        f"The AR beat the model one step ahead on {', '.join(linear)}: a weighted sum of the "
        "last few values forecasts better than this model; use it, or give the model more to "
        "learn from (a longer series)."
    )
if passes < args.epochs:  # stopped early
    advice.append(
        f"More passes would not help: the validation error was lowest at pass {kept}, and no "
        f"lower in the {PATIENCE} passes after it."
    )
elif kept == passes:
    advice.append(
        f"The validation error was still falling at the last pass ({passes}): more passes "
        "(--epochs) may help."
    )
else:
    advice.append(
        f"The validation error was lowest at pass {kept} of {passes}; the run stopped at "
        f"--epochs {args.epochs} before {PATIENCE} passes without improvement could tell."
    )
print("What the measurements say:")
for line in advice:
    print(f"- {line}")


# %% [markdown]
# ## Past the end of the data
# The model reads each whole series from a reset (the held-out part too), then feeds its own
# predictions back in. The model and the AR are the ones measured above: neither is refitted on
# the held-out values.

# %%
lstm.reset_state()  # reset RNN memory
warm = model.predict(as_batches(scaled), batch_size=NUM_SERIES, verbose=0)
last = series[:, -1:]  # (NUM_SERIES, 1): the last value in the file
future = {"model": as_levels(fed_back(from_batches(warm)[:, -1:], HORIZON), last, fed_back=True)}
future["AR"] = np.array([ar_fed_back(w, z, HORIZON) for w, z in zip(ar_weights, target)])
if args.change:
    future["AR"] = last + np.cumsum(future["AR"], axis=1)
lstm.reset_state()
if found["future"]:  # evenly spaced times: the times past the end, written as the file does
    kind, end, step, integers = found["future"]
    FUTURE = [time_label(kind, end + step * k, integers) for k in range(1, HORIZON + 1)]
else:
    FUTURE = [f"+{k}" for k in range(1, HORIZON + 1)]
heads = [f"{name} {how}" for i, name in enumerate(NAMES) for how in ("model", f"AR({ORDERS[i]})")]
columns = [future[how][i] for i in range(NUM_SERIES) for how in ("model", "AR")]
shown = HORIZON if HORIZON <= SHOWN else SHOWN
print(
    f"Forecast past the end, {HORIZON} steps"
    + (f" (the first {shown})" if shown < HORIZON else "")
    + ":"
)
width = max(len(t) for t in FUTURE[:shown] + ["time"])
print(f"  {'time':<{width}}  " + "  ".join(f"{head:>{max(len(head), 10)}}" for head in heads))
for k in range(shown):
    print(
        f"  {FUTURE[k]:<{width}}  "
        + "  ".join(f"{figure(c[k], 6):>{max(len(h), 10)}}" for h, c in zip(heads, columns))
    )
if shown < HORIZON:
    print(f"  ... {HORIZON - shown} more: --forecast FILE.csv writes them all")

# %% [markdown]
# ## Files, when asked: the forecast (--forecast), what the run found (--json), a picture (--plot)
# Each is written to a temporary file beside it and moved into place: never half a file.

# %%


def write_forecast(path):
    with open(path, "w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(["time"] + heads)
        for k in range(HORIZON):
            out.writerow([FUTURE[k]] + [f"{c[k]:.6g}" for c in columns])


def per_series(scores):
    return {name: {head: float(scores[head][i]) for head in scores} for i, name in enumerate(NAMES)}


record |= {
    "passes": passes,
    "kept_pass": kept,
    "ar_orders": dict(zip(NAMES, ORDERS)),
    "one_step_rmse": per_series(one_step),
    "ahead_rmse": per_series(n_steps),
    "horizon": HORIZON,
    "forecast": {"time": FUTURE} | {h: [float(v) for v in c] for h, c in zip(heads, columns)},
}


def write_plot(path):
    import matplotlib

    matplotlib.use("Agg")  # to a file, no window
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(NUM_SERIES, 1, figsize=(9, 3 * NUM_SERIES), squeeze=False)
    start = FIT  # from the validation part on: what the forecasts are about
    for i, ax in enumerate(axes[:, 0]):
        seen = np.arange(start, LENGTH)
        ahead_at = np.arange(LENGTH - TEST, LENGTH - TEST + HORIZON)
        past = np.arange(LENGTH, LENGTH + HORIZON)
        ax.plot(seen, series[i, start:], color="black", lw=1, label="the series")
        ax.plot(np.arange(LENGTH - TEST, LENGTH), guess[i], lw=1, label="model, one step ahead")
        ax.plot(ahead_at, ahead[i], lw=1, ls="--", label=f"model, {HORIZON} steps from the state")
        ax.plot(ahead_at, bars_ahead["AR"][i], lw=1, ls=":", label=f"AR({ORDERS[i]}), fed back")
        ax.plot(past, future["model"][i], lw=1.5, label="model, past the end")
        ax.plot(past, future["AR"][i], lw=1.5, ls=":", label=f"AR({ORDERS[i]}), past the end")
        ax.axvline(LENGTH - TEST - 0.5, color="gray", lw=0.5)
        ax.set_title(f"{NAMES[i]}: held out after the gray line", fontsize=10)
        ticks = np.linspace(start, LENGTH + HORIZON - 1, 6).round().astype(int)
        ax.set_xticks(ticks, [when(t) if t < LENGTH else FUTURE[t - LENGTH] for t in ticks])
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)


for path, write_to in (
    (args.forecast, write_forecast),
    (args.json, write_record),
    (args.plot, write_plot),
):
    if path:
        write_file(path, write_to)
        print(f"Wrote {path}")
