"""What the study prints: its tables (plain columns, or Markdown with `--markdown`), per row and
per check what was expected, what the run got and whether it held, and the versions and machine
the figures come from.

`runs` is what runner.run_study returns: per row label, a list of what each seed found, or a
`Refused` when the row's script refused to run on this backend.
"""

import importlib.metadata
import os
import platform
import statistics
import textwrap

from study.checks import percent
from study.rows import Refused


def table(header, lines, markdown=False):
    """Lines of cells as plain columns (a terminal, a text file, a code block), or with
    `markdown` as a Markdown table."""
    if markdown:
        return "\n".join(
            ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(cells) + " |" for cells in lines]
        )
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines)]

    def join(cells):
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

    return "\n".join(
        [join(header), join(["-" * width for width in widths])] + [join(cells) for cells in lines]
    )


def one_seed_table(rows, runs, markdown=False):
    lines = []
    for row in rows:
        found = runs[row.label]
        if isinstance(found, Refused):
            lines.append([row.label, row.title, percent(row.article), "not run", "refused"])
            continue
        (found,) = found
        held = ", ".join(check.short(check.held(found)) for check in row.checks)
        lines.append([row.label, row.title, percent(row.article), percent(row.value(found)), held])
    return table(["#", "Framing", "Article", "This run", "Checks held"], lines, markdown)


def training_seconds(rows, runs):
    """One line: how long each row's training took (one seed), wrapped at 100 columns."""
    times = [
        f"{row.label} {runs[row.label][0]['train_seconds']:.1f}"
        for row in rows
        if not isinstance(runs[row.label], Refused)
    ]
    return textwrap.fill("Training seconds per row: " + ", ".join(times) + ".", 100)


def study_table(rows, runs, first_seed, markdown=False):
    lines, seeds = [], 0
    for row in rows:
        found = runs[row.label]
        if isinstance(found, Refused):
            lines.append([row.label, row.title, percent(row.article), "refused", "", "", ""])
            continue
        values = [row.value(f) for f in found]
        seeds = len(values)
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        # per check: in how many seeds it held
        held = " ".join(str(sum(bool(check.held(f)) for f in found)) for check in row.checks)
        lines.append(
            [
                row.label,
                row.title,
                percent(row.article),
                percent(values[0]),
                f"{statistics.mean(values):.1f}±{spread:.1f}",
                f"{min(values):.1f}-{max(values):.1f}",
                held,
            ]
        )
    header = [
        "#",
        "Framing",
        "Article",
        f"Seed {first_seed}",
        "Mean±SD",
        "Min-max",
        f"Held, of {seeds}",
    ]
    return table(header, lines, markdown)


def check_line(row, check, found_list):
    """'expected 100% (meant to fall short); got 24.00%: not held, as meant' for one seed; with
    several, in how many seeds it held."""
    expected = f"expected {check.text}" + (" (meant to fall short)" if check.meant_to_fail else "")
    if len(found_list) == 1:
        (found,) = found_list
        got = check.got(found) if check.got is not None else percent(row.value(found))
        return f"{expected}; got {got}: {check.verdict(bool(check.held(found)))}"
    held = sum(bool(check.held(f)) for f in found_list)
    text = f"{expected}: held in {held} of {len(found_list)} seeds"
    if check.meant_to_fail and held == 0:
        text += ", as meant"
    return text


def item(text, level=0):
    """`text` as a Markdown list item wrapped at 100 columns, `level` deep."""
    indent = "  " * level
    return textwrap.fill(text, 100, initial_indent=indent + "- ", subsequent_indent=indent + "  ")


def checks_text(rows, runs, one_seed):
    """Below the table: per row, what it can show, then each check: what was expected, what the
    run got (one seed) or in how many seeds it held, and held or not. Plain text that is also a
    Markdown list."""
    lines = []
    for row in rows:
        found = runs[row.label]
        if isinstance(found, Refused):
            lines.append(f"- {row.label}: refused on this backend: {found.message}")
            continue
        text = f"{row.label}, {row.title}: {row.shows}"
        if row.figure:
            text += f" Its figure: {row.figure}."
        lines.append(item(text))
        for check in row.checks:
            lines.append(item(check_line(row, check, found), level=1))
        if one_seed and row.detail is not None:
            lines.append(item(f"this run: {row.detail(found[0])}", level=1))
    return "\n".join(lines)


def notes(rows, runs):
    """The scripts' own checks and extra measurements (one seed): '- 6: Accuracy on ...'."""
    return [
        f"- {row.label}: {note}"
        for row in rows
        if not isinstance(runs[row.label], Refused)
        for note in runs[row.label][0].get("notes", [])
    ]


def installed(*names):
    """The version of the first of these distributions that is installed, else "not installed".

    Read from the package metadata, so the parent process never imports TensorFlow (3 s).
    """
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return "not installed"


def backend_name():
    """The Keras backend the scripts run on: KERAS_BACKEND (common.check_backend checked it),
    else TensorFlow."""
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend in ("jax", "torch"):
        backend += f" {installed(backend)}"
    return backend


def versions():
    """One line naming the versions and machine the figures come from."""
    return (
        f"Python {platform.python_version()}, Keras {installed('keras')} "
        f"({backend_name()} backend), TensorFlow {installed('tensorflow-cpu', 'tensorflow')}, "
        f"NumPy {installed('numpy')}; {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs"
    )
