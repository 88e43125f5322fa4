"""The study's machinery: what reproduce.py runs, checks and reports, and what the scripts'
optional extras draw. Not part of any lesson: a numbered script runs with common.py alone and
reaches this package only for `--plot`.

  rows      the study's rows (ROWS): each script run, with the claims it tests
  checks    those claims, read from what a run found (its --json)
  runner    the script processes, `--jobs` at a time, and their progress on stderr
  stats     paired differences over the same seeds, with intervals, and Holm's adjustment
  report    the tables, the checks below them, the versions line
  verdicts  the probes' verdicts beside their controls
  cli       reproduce.py's command line and the study it prints
  plots     the pictures behind `--plot` and `reproduce.py --plot`
"""
