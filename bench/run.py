"""Time the project's six scripts against the literal port of the article, side by side.

For each framing it runs the literal port (bench/literal_port.py) and the project's script,
each in a fresh process, one after the other on the same machine, alternating which goes first
so that neither always runs on a warmer or cooler machine. It prints a Markdown table: seconds
of training and of the whole run, the ratio literal/project, the peak memory of each process,
and each one's final accuracy; then the totals.

    python bench/run.py [--scale 1.0] [--framings 1 2 3 4 5 6]

`--scale 0.1` multiplies every epoch count by 0.1 for a quick comparison; the output says so.
Ratios at a reduced scale understate the full-scale ones, since start-up costs weigh more.
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from study.report import versions  # noqa: E402
from study.rows import ROWS_BY_LABEL  # noqa: E402

ARTICLE_EPOCHS = {1: 500, 2: 500, 3: 500, 4: 5000, 5: 300, 6: 500}


def run_measured(command):
    """Run `command` (wrapped in WRAPPER); return its seconds, accuracy and peak memory (MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{err[-2000:]}")
    took = float(re.search(r"^Training took (\d+\.\d) s$", out, re.MULTILINE)[1])
    accuracy = float(re.search(r"^Model Accuracy: (\d+\.\d\d)%$", out, re.MULTILINE)[1])
    peak = float(re.search(r"^PEAK_RSS_KB (\d+)$", err, re.MULTILINE)[1]) / 1024
    return {"wall": wall, "train": took, "accuracy": accuracy, "peak_mib": peak}


# Each measured process is started through this wrapper, which runs the real command as its own
# child and reports that child's peak resident memory (ru_maxrss, KiB on Linux) on stderr.
WRAPPER = (
    "import os, resource, subprocess, sys;"
    "rc = subprocess.call(sys.argv[1:]);"
    "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
    "sys.exit(rc)"
)


def commands(number, scale):
    epochs = max(1, round(ARTICLE_EPOCHS[number] * scale))
    script = ROWS_BY_LABEL[str(number)].script
    literal = [
        sys.executable,
        os.path.join(HERE, "literal_port.py"),
        str(number),
        "--epochs-scale",
        str(scale),
    ]
    project = [sys.executable, os.path.join(ROOT, script), "--epochs", str(epochs)]
    return literal, project


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply every epoch count (default: 1.0, the article's)",
    )
    parser.add_argument(
        "--framings",
        type=int,
        nargs="+",
        choices=range(1, 7),
        default=list(range(1, 7)),
        metavar="N",
    )
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1:
        parser.error("--scale must be more than 0 and at most 1")

    rows = []
    for i, number in enumerate(args.framings):
        literal, project = commands(number, args.scale)
        order = [("literal", literal), ("project", project)]
        if i % 2:
            order.reverse()  # alternate which runs first
        got = {}
        for name, command in order:
            print(f"framing {number}: {name} ...", file=sys.stderr, flush=True)
            got[name] = run_measured([sys.executable, "-c", WRAPPER, *command])
        rows.append((number, got["literal"], got["project"]))

    print(
        "| Framing | Literal s (train / run) | Project s (train / run) | Ratio train | Ratio run "
        "| Peak MiB literal / project | Accuracy literal / project |"
    )
    print("|---|---|---|---|---|---|---|")
    for number, lit, proj in rows:
        print(
            f"| {number} | {lit['train']:.1f} / {lit['wall']:.1f} "
            f"| {proj['train']:.1f} / {proj['wall']:.1f} "
            f"| {lit['train'] / proj['train']:.1f}x | {lit['wall'] / proj['wall']:.1f}x "
            f"| {lit['peak_mib']:.0f} / {proj['peak_mib']:.0f} "
            f"| {lit['accuracy']:.2f}% / {proj['accuracy']:.2f}% |"
        )
    lit_train, lit_wall = sum(r[1]["train"] for r in rows), sum(r[1]["wall"] for r in rows)
    proj_train, proj_wall = sum(r[2]["train"] for r in rows), sum(r[2]["wall"] for r in rows)
    print(
        f"| all | {lit_train:.1f} / {lit_wall:.1f} | {proj_train:.1f} / {proj_wall:.1f} "
        f"| {lit_train / proj_train:.1f}x | {lit_wall / proj_wall:.1f}x | | |"
    )
    print()
    scale = (
        "the article's epochs"
        if args.scale == 1
        else f"epochs SCALED by {args.scale} (not the article's)"
    )
    print(f"{scale}. {versions()}. {platform.processor() or platform.machine()}.")
    if 6 in args.framings:
        lit6, proj6 = next((r[1], r[2]) for r in rows if r[0] == 6)
        steps = 1000 * max(1, round(500 * args.scale))
        print(
            f"Framing 6 per training step (batch size 1): "
            f"literal {lit6['train'] / steps * 1e6:.0f} us, "
            f"project {proj6['train'] / steps * 1e6:.0f} us."
        )


if __name__ == "__main__":
    main()
