"""The study's command line (reproduce.py): its options, then the study itself: run the rows,
print the tables, the checks, the verdicts and the comparisons, and draw the chart if asked.

Nothing here imports Keras (the scripts do); matplotlib loads only for `--plot`.
"""

import os
import sys
import time

import common
from study import report
from study.rows import ROWS, ROWS_BY_LABEL, Refused
from study.runner import ScriptFailed, run_study
from study.stats import COMPARISONS, comparison_line, multiple_comparisons_line
from study.verdicts import verdict_lines

# The first line of reproduce.py's docstring: what --help says the program does.
DESCRIPTION = (
    "Run the article's framings and their control runs, for one seed or many, and print the table."
)
SEEDS_MAX = 1000  # --seeds: the 10-seed study takes about 40 minutes here
JOBS_MAX = 32  # --jobs: each script process holds about 0.5 GiB


def parse_args(argv):
    parser = common.ArgumentParser(description=DESCRIPTION)
    parser.add_argument(
        "--seed",
        type=common.seed_int,
        default=7,
        help=f"the first seed; every script gets it, 0..{common.SEED_MAX} (default: 7, the "
        "article's)",
    )
    parser.add_argument(
        "--seeds",
        type=common.whole_number(1, SEEDS_MAX, " (a bound against runs that would never end)"),
        default=1,
        metavar="N",
        help=f"run every row for N consecutive seeds from --seed, 1..{SEEDS_MAX} (default: 1)",
    )
    parser.add_argument(
        "--rows",
        nargs="+",
        choices=list(ROWS_BY_LABEL),
        metavar="ROW",
        default=[row.label for row in ROWS if row.default],
        help=f"which rows, of {' '.join(ROWS_BY_LABEL)} (default: all but "
        f"{' '.join(row.label for row in ROWS if not row.default)})",
    )
    parser.add_argument(
        "--jobs",
        type=common.whole_number(1, JOBS_MAX, " (each process holds about 0.5 GiB)"),
        default=os.cpu_count() or 1,
        metavar="N",
        help=f"script processes at once, each with its share of the CPU threads, 1..{JOBS_MAX} "
        f"(default: {os.cpu_count() or 1}, the number of CPUs)",
    )
    parser.add_argument(
        "--epoch-scale",
        type=common.number_between(0, 1),
        default=1.0,
        metavar="F",
        help="multiply every row's epochs by F, at least 1 epoch, for a quick smoke run; the "
        "figures are then not the article's, and the output says so (default: 1)",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the tables as Markdown tables, for a page that renders them (default: plain "
        "columns, the same on a terminal, in a file or a code block)",
    )
    parser.add_argument(
        "--plot",
        type=common.png_file,
        metavar="FILE.png",
        help="also save a chart: the article's accuracy against this run's; with several seeds, "
        "every seed as a point and the mean with its interval (default: none)",
    )
    args = parser.parse_args(argv)
    if args.seed + args.seeds - 1 > common.SEED_MAX:
        parser.error(
            f"argument --seeds: seeds {args.seed}..{args.seed + args.seeds - 1} go past "
            f"{common.SEED_MAX}, the largest seed NumPy takes"
        )
    common.check_backend(parser)
    if argv is None:  # from the command line: a stop signal or a closed output ends the scripts
        common.quiet_exits(files=[args.plot], clean_up=True)
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        return study(args)
    except common.Stopped as stop:  # a stop signal, or the output closed early with no --plot
        # run_study has ended every script process it started and removed its temporary folder
        if stop.signum in common.STOP_SIGNALS:
            common.say(
                f"\nreproduce.py: {stop.word}; stopped every script it started and removed "
                "its temporary folder"
            )
        return stop.status


def study(args):
    rows = [row for row in ROWS if row.label in args.rows]
    seeds = list(range(args.seed, args.seed + args.seeds))
    start = time.perf_counter()
    try:
        runs = run_study(rows, seeds, args.jobs, args.epoch_scale)
    except ScriptFailed as error:
        print(f"reproduce.py: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    one_seed = len(seeds) == 1
    markdown = args.markdown
    if one_seed:
        print(report.one_seed_table(rows, runs, markdown))
    else:
        print(report.study_table(rows, runs, args.seed, markdown))
    print()
    if one_seed:
        print(
            "Checks (per row what it can show; per check what was expected, what this run got, "
            "held or not):"
        )
    else:
        print(
            "Checks (per row what it can show; per check what was expected, in how many seeds "
            "it held):"
        )
    print(report.checks_text(rows, runs, one_seed))
    verdicts = verdict_lines(runs)
    if verdicts:
        print()
        print("Verdicts with their controls (a verdict holds only where the controls separate):")
        for line in verdicts:  # a line indented by two spaces is an item of the one before
            print(report.item(line.strip(), level=1 if line.startswith("  ") else 0))
    if one_seed:
        print()
        for note in report.notes(rows, runs):  # the scripts' own checks and extra measurements
            print(note)
        print()
        print(report.training_seconds(rows, runs))
    ran = [label for label in args.rows if not isinstance(runs[label], Refused)]
    comparisons = [
        c for c in COMPARISONS if all(side.partition(":")[0] in ran for side in (c.first, c.second))
    ]
    if comparisons and not one_seed:
        print()
        print("Paired differences over the same seeds, in points (95% CI, Student t):")
        for comparison in comparisons:
            print(("- " if markdown else "") + comparison_line(comparison, runs))
        print()
        print(multiple_comparisons_line(comparisons, runs))
    print()
    scale = (
        ""
        if args.epoch_scale == 1
        else f" Epochs scaled by {args.epoch_scale}: not the article's settings."
    )
    which = f"Seed {args.seed}" if one_seed else f"Seeds {seeds[0]}-{seeds[-1]} ({len(seeds)})"
    print(f"{which}, {args.jobs} job(s) at a time.{scale} {report.versions()}.")
    print(f"Took {seconds:.1f} s.")
    if args.plot:
        from study import plots  # matplotlib loads only here

        subtitle = (
            f"{which.lower()}, Keras {report.installed('keras')}, "
            f"{report.backend_name()} backend{scale and ', epochs scaled'}"
        )
        plots.study(rows, runs, args.plot, subtitle)
        print(f"Saved the chart to {args.plot}.")
    return 0
