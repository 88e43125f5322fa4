"""Run the article's framings and their control runs, for one seed or many, and print the table.

Each row is one script run as a user would run it, in its own process, with `--json` so that
what it found (accuracy, predictions, the checks it prints) comes back as data, not as text
read back with regular expressions. Rows are declared once, in study/rows.py: the article's six
framings and the control runs that test what the article and this project claim about them. A
control run is one more declaration.

    python reproduce.py                      # every row once, seed 7 (the article's)
    python reproduce.py --seeds 10           # every row for seeds 7..16, with paired intervals
    python reproduce.py --rows 1 1@2000 --seeds 3 --jobs 1 --plot seeds.png
    python reproduce.py --seeds 2 --epoch-scale 0.01   # a smoke run: 1% of every row's epochs

With one seed it prints the article-versus-this-run table; with several, per row the article's
figure, the first seed's, mean and standard deviation, min-max and in how many seeds each check
held, then the article's comparisons as paired differences over the same seeds with a 95%
confidence interval, and one line on testing them all at once (Holm's adjustment). Under the
table, per row what it can show, then per check what was expected, what this run got (or in how
many seeds it held) and whether it held; a check that a control is meant to fail says so ("not
held, as meant"). Tables are plain columns, the same on a terminal, in a file or pasted into a
code block; `--markdown` prints them as Markdown tables instead. Runs go `--jobs` at a time
(default: one per CPU), each process limited to its share of the CPU threads; the same seed gives
the same accuracies with any `--jobs`. Progress goes to stderr, results to stdout.

It exits 0 once every run completed, whether or not the checks held: the table says which did.
A script that refuses to run on the current backend (framing 5 on JAX) gets a row saying so. A
script that fails otherwise stops the study with one line on stderr and status 1.

The machinery is the package study/: rows.py and checks.py (what runs, and the claims it tests),
runner.py (the processes), stats.py (paired differences, Holm), report.py and verdicts.py (what
is printed), plots.py (--plot) and cli.py (this command line).
"""

import sys

from study.cli import main

if __name__ == "__main__":
    sys.exit(main())
