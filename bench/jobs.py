"""Time reproduce.py in parallel (its default, one job per CPU) against one job at a time.

Runs `reproduce.py --jobs 1` and `reproduce.py --jobs N` one after the other in this session
(serial first unless --parallel-first), each as a user would run it, and prints the wall time of
each, their ratio, and whether both found the same accuracies (they must: the same seeds). Then
the parallel run's own output, which is reproduce.py's one-seed table.

    python bench/jobs.py [--jobs N] [--parallel-first]
        [-- reproduce.py options, e.g. --rows 1 5 --epoch-scale 0.1]

Nothing else should run on the machine meanwhile: the ratio is only as good as the quiet.
"""

import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(jobs, extra):
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, "reproduce.py"),
            "--markdown",
            "--jobs",
            str(jobs),
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench/jobs.py: reproduce.py --jobs {jobs} failed: {proc.stderr.strip()[-500:]}")
    # The accuracies in the Markdown table, row by row:
    # "| 1 | ... | 84.00% | 88.00% | ..." -> ("1", "88.00%").
    figures = re.findall(
        r"^\| (\S+) \|[^|]*\|[^|]*\| ([\d.]+%|not run) \|", proc.stdout, re.MULTILINE
    )
    return seconds, figures, proc.stdout


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="the parallel run's jobs (default: the number of CPUs, reproduce.py's default)",
    )
    parser.add_argument("--parallel-first", action="store_true", help="run the parallel side first")
    parser.add_argument("extra", nargs="*", help="options passed to reproduce.py on both sides")
    args = parser.parse_args(argv)
    if args.jobs < 2:
        parser.error("--jobs must be at least 2 to compare with one job")
    order = [args.jobs, 1] if args.parallel_first else [1, args.jobs]
    results = {}
    for jobs in order:
        print(f"reproduce.py --jobs {jobs} {' '.join(args.extra)}...", file=sys.stderr, flush=True)
        results[jobs] = run(jobs, args.extra)
    serial, parallel = results[1], results[args.jobs]
    print("| reproduce.py | wall s | of serial |")
    print("|---|---|---|")
    print(f"| --jobs 1 | {serial[0]:.1f} | 1.00 |")
    print(f"| --jobs {args.jobs} | {parallel[0]:.1f} | {parallel[0] / serial[0]:.2f} |")
    same = serial[1] == parallel[1] and serial[1]
    print(f"Same accuracies on both sides: {'yes' if same else 'NO'} ({len(serial[1])} rows).")
    print(
        f"Order: {' then '.join(f'--jobs {j}' for j in order)}. "
        f"Options: {' '.join(args.extra) or 'none'}."
    )
    print()
    print(parallel[2], end="")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
