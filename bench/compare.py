"""Time this checkout's scripts against another checkout's, side by side: did a change slow them?

For each framing it runs the baseline's script and this checkout's, each in a fresh process at
the article's settings, one after the other, alternating which goes first, `--repeats` times.
It prints a Markdown table: the median seconds of training ("Training took") and of the whole
run on each side, and the ratio this/baseline (above 1: slower now). Make the baseline with
`git worktree add /tmp/baseline COMMIT`; both sides run with this Python and its packages.

    python bench/compare.py --baseline /tmp/baseline [--framings 1 2 3 4 5 6] [--repeats 3]

Nothing else should train on the machine meanwhile: the two sides share its cores.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = {
    1: "01_naive_one_char.py",
    2: "02_window_features.py",
    3: "03_window_timesteps.py",
    4: "04_batch_state.py",
    5: "05_stateful.py",
    6: "06_variable_length.py",
}


def run(folder, script):
    """Run `script` in `folder` at its defaults; its training and whole-run seconds."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, script], cwd=folder, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{folder}/{script} failed:\n{proc.stderr[-2000:]}")
    took = float(re.search(r"^Training took (\d+\.\d) s$", proc.stdout, re.MULTILINE)[1])
    return took, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="a checkout of the commit to beat")
    parser.add_argument("--framings", type=int, nargs="+", default=list(SCRIPTS))
    parser.add_argument("--repeats", type=int, default=3, help="runs of each side (default: 3)")
    args = parser.parse_args()
    print("| Framing | baseline s (train / run) | this s (train / run) | ratio train | ratio run |")
    print("|---|---|---|---|---|")
    for number in args.framings:
        times = {"baseline": [], "this": []}
        for repeat in range(args.repeats):
            sides = [("baseline", args.baseline), ("this", ROOT)]
            for side, folder in sides if repeat % 2 == 0 else sides[::-1]:
                times[side].append(run(folder, SCRIPTS[number]))
                print(f"  framing {number}, {side}: {times[side][-1]}", file=sys.stderr)
        base = [statistics.median(column) for column in zip(*times["baseline"])]
        this = [statistics.median(column) for column in zip(*times["this"])]
        print(
            f"| {number} | {base[0]:.1f} / {base[1]:.1f} | {this[0]:.1f} / {this[1]:.1f} "
            f"| {this[0] / base[0]:.2f} | {this[1] / base[1]:.2f} |",
            flush=True,
        )
    print(f"\nMedians of {args.repeats} runs a side, seed 7, the article's settings.")


if __name__ == "__main__":
    main()
