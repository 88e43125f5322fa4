"""The study's rows: the article's six framings and the control runs that test what the article
and this project claim about them, each declared once in ROWS. A control run is one more
declaration. The checks they name are in checks.py.
"""

from dataclasses import dataclass

from study.checks import (
    MEMORY_CHECKS,
    RANDOM_START_CHECKS,
    STATEFUL_CHECKS,
    Check,
    at_100,
    at_least,
    all_correct,
    every_pitfall_as_stated,
    figure_of,
    memory_detail,
    pitfalls_got,
    random_start_detail,
    stateful_detail,
    value,
)


@dataclass(frozen=True)
class Row:
    label: str  # "1" .. "6" for the article's framings; "1@2000", "4-b1", ... for controls
    script: str
    title: str  # short: the table must fit 100 columns
    article: float | None  # the article's accuracy; None: the article has no such run
    epochs: int | None  # the epochs it trains (scaled by --epoch-scale); None: the script's own
    checks: tuple  # of Check
    shows: str  # what this row can show, and what it cannot
    args: tuple = ()  # options beyond --seed and --epochs
    detail: object = None  # found -> a few words on what this run did, for the one-seed notes
    metric: str = "accuracy"  # the figure the table shows: a key of the found dict, "a.b" nested
    figure: str = ""  # what that figure is, when it is not the article's accuracy
    default: bool = True  # run unless --rows names others

    @property
    def control(self):
        return self.article is None

    def value(self, found):
        """This row's figure in what a run found."""
        return value(found, self.metric)


@dataclass(frozen=True)
class Refused:
    """What a row found when its script refused to run on this Keras backend (framing 5 on JAX),
    in place of the list of what each seed found."""

    message: str  # the script's last line on stderr: why it refused


LR = ("--learning-rate", "0.01")  # the learning-rate arm: ten times Adam's default (issue 20)
ALL_STARTS = (
    "mean accuracy from a reset over the passes starting at each of the 25 letters "
    "(the article's figure is the pass from 'A', the A pass below)"
)
HELD_OUT = Check(
    "held-out inputs all right",
    lambda f: f["held_out_accuracy"] == 100.0,
    got=figure_of("held_out_accuracy"),
)


def distinct_detail(found):
    return f"{found['distinct_accuracy']:.2f}% on the distinct inputs"


def held_out_detail(found):
    return f"{found['held_out_accuracy']:.2f}% on the held-out inputs"


# Each Row reads like a line of a table (kept so by `fmt: off`): label, script, title, the
# article's figure, epochs, checks, what it shows, then the options that differ.
# fmt: off
ROWS = [
    Row("1", "01_naive_one_char.py", "one letter -> next", 84.00, 500,
        (Check("all 25 right", at_100, meant_to_fail=True),),
        "The article's 84.00% is below 100% and it blames the missing context; but every target "
        "is the letter after the input letter. Row 1@2000 trains the same model longer."),
    Row("1@2000", "01_naive_one_char.py", "the same, 2000 epochs", None, 2000,
        (Check("all 25 right", at_100),),
        "Control: framing 1's model, four times the epochs. If one letter lacked the context "
        "to answer, more training could not help."),
    Row("1@5000", "01_naive_one_char.py", "the same, 5000 epochs", None, 5000,
        (Check("all 25 right", at_100),),
        "Control: framing 1's model, ten times the epochs (as many as framing 4 trains)."),
    Row("2", "02_window_features.py", "3-letter window as features", 86.96, 500,
        (Check("all 23 right", at_100, meant_to_fail=True),),
        "The article calls its lift over framing 1 'small, may or may not be real': see the "
        "comparison 2 vs 1 across seeds."),
    Row("3", "03_window_timesteps.py", "3-letter window, time steps", 100.00, 500,
        (Check("100%, every window right",
               lambda f: at_100(f) and all_correct(f["predictions"][""])),),
        "The article's result; the model maps three letters to the next, no state between "
        "samples."),
    Row("4", "04_batch_state.py", "all 25 in one batch", 100.00, 5000,
        (Check("100%", at_100),),
        "The article credits state shared inside the batch; rows of a batch share none (the "
        "script's demonstration). Rows 4@500, 4-b1 and 4-u32 change one thing each; the -lr01 "
        "rows repeat two of them at ten times the learning rate."),
    Row("4@500", "04_batch_state.py", "the same, 500 epochs", None, 500,
        (Check("100%", at_100, meant_to_fail=True),),
        "Control: framing 4 with a tenth of the updates (500 full-batch updates), at Adam's "
        "default learning rate 0.001."),
    Row("4@500-lr01", "04_batch_state.py", "500 epochs, rate .01", None, 500,
        (Check("at least 90%", at_least("accuracy", 90)),),
        "Control: row 4@500 with ten times the step size. If the shortfall of 4@500 is how far "
        "the weights move (learning rate times updates), it closes here.",
        args=LR),
    Row("4-b1", "04_batch_state.py", "the same, batch size 1", None, 200,
        (Check("100%", at_100, meant_to_fail=True),), "Control: framing 4's model (16 units, fixed "
        "order) and 5000 updates, but of batch size 1 (200 epochs of 25): each pair seen 200 "
        "times, not 5000; learning rate 0.001.",
        args=("--batch-size", "1")),
    Row("4-b1-lr01", "04_batch_state.py", "batch size 1, rate .01", None, 200,
        (Check("at least 90%", at_least("accuracy", 90)),),
        "Control: row 4-b1 with ten times the step size. If batch size 1 itself were the "
        "obstacle, a larger step could not close the gap to row 4.",
        args=("--batch-size", "1", *LR)),
    Row("4-u32", "04_batch_state.py", "the same, 32 units", None, 5000,
        (Check("100%", at_100),), "Control: framing 4 with framing 1's 32 units. If both are at "
        "100% on every seed, this ceiling cannot show a difference.",
        args=("--units", "32")),
    Row("5", "05_stateful.py", "stateful, one letter", 100.00, 300,
        STATEFUL_CHECKS,
        "The article's result holds; its reading ('learns the sequence') is what the probes "
        "test: the pass from every letter from a reset, where a step counter and a letter reader "
        "disagree, and runs of one letter. The trained reader beside it is row 5r@1500 (the "
        "verdicts below the checks).",
        detail=stateful_detail),
    Row("5r", "05_stateful.py", "the same, random starts", None, 300,
        RANDOM_START_CHECKS,
        "Control without the shortcut: each pass starts at a random letter, so only the letter "
        "says what comes next; the same epochs as the article. Scored on every starting letter.",
        args=("--random-start",), detail=random_start_detail, metric="all_starts.mean",
        figure=ALL_STARTS),
    Row("5r-lr01", "05_stateful.py", "random starts, rate .01", None, 300,
        RANDOM_START_CHECKS,
        "Control: row 5r with ten times the step size, the same 300 epochs.",
        args=("--random-start", *LR), detail=random_start_detail, metric="all_starts.mean",
        figure=ALL_STARTS),
    Row("5r@1500", "05_stateful.py", "random starts, 1500 epochs", None, 1500,
        RANDOM_START_CHECKS,
        "Control: the run without the shortcut, trained five times longer.",
        args=("--random-start",), detail=random_start_detail, metric="all_starts.mean",
        figure=ALL_STARTS),
    Row("6", "06_variable_length.py", "1-5 letters, zero-padded", 98.90, 500,
        (Check("at least 95%", at_least("accuracy", 95)),),
        "The article's figure is on its 1000 training draws of 114 distinct inputs (110 after "
        "padding, since the padding 0 is also 'A'); row 6h holds some out.",
        detail=distinct_detail),
    Row("6h", "06_variable_length.py", "the same, 8 inputs held out", None, 500,
        (Check("at least 95%", at_least("accuracy", 95)), HELD_OUT),
        "Control: trained without 8 distinct inputs (runs of 3 and 4 letters from D, I, N, S); "
        "scored on those it never saw.",
        args=("--hold-out",), detail=held_out_detail),
    Row("6st", "06_variable_length_stateful.py", "stateful, a letter at a time", None, 500,
        (Check("at least 95%", at_least("accuracy", 95)),
         Check("every distinct input right", lambda f: f["distinct_accuracy"] == 100.0,
               got=figure_of("distinct_accuracy"))),
        "Beyond the article (its readers ask; the author answers 'yes you can'): each sequence "
        "fed one letter at a time to a stateful LSTM from a reset, no padding, scored on the "
        "same 1000 samples and on every distinct input once.",
        detail=distinct_detail),
    Row("6st-h", "06_variable_length_stateful.py", "stateful, 8 held out", None, 500,
        (Check("at least 95%", at_least("accuracy", 95)), HELD_OUT),
        "Not run by default (a stateful framing 6 trains for minutes). Control: row 6st "
        "trained without row 6h's 8 inputs, scored on those it never saw.",
        args=("--hold-out",), default=False,
        detail=lambda f: (f"{held_out_detail(f)}, "
                          f"{f['seen_accuracy']:.2f}% on the distinct inputs it trained on")),
    Row("6s", "06_variable_length.py", "the same, shifted codes", None, 500,
        (Check("at least 95%", at_least("accuracy", 95)),),
        "Demonstration, not run by default: letters coded 1..26 so the padding 0 is no letter; "
        "all 114 inputs stay distinct after padding.",
        args=("--shift-codes",), default=False,
        detail=lambda f: (f"{f['distinct_accuracy']:.2f}% on the {f['distinct_after_padding']} "
                          "distinct inputs")),
    Row("7", "07_stateful_memory.py", "memory: AAAABBBCCD", None, 25,
        MEMORY_CHECKS,
        "Beyond the article: AAAABBBCCD, where one letter cannot say what is next, learned nine "
        "ways with the same updates; the figure is the best stateful row's. 100% on the stream "
        "does not tell finding the phase from counting steps: the probe from every start does, "
        "where a computed counter scores below 90%, beside a stateless window as long as the "
        "memory need and a stateful row trained from a reset at random positions (the trained "
        "control).",
        detail=memory_detail),
    Row("7-b3", "07_stateful_memory.py", "memory, 3 steps per batch", None, 25,
        MEMORY_CHECKS,
        "Row 7 with --bptt 3: backprop through 3 steps, and 4 streams of 48 letters, which start "
        "at pattern positions 1, 9, 7 and 5 (so some probe starts are training starts: marked *).",
        args=("--bptt", "3"), detail=memory_detail),
    Row("8", "08_stateful_pitfalls.py", "pitfalls of stateful LSTMs", None, None,
        (Check("every pitfall as stated", every_pitfall_as_stated, got=pitfalls_got),),
        "Beyond the article: each common mistake with a stateful LSTM made on purpose, with what "
        "Keras says about it, the harm it does and the fix; the figure is the share that behaved "
        "as the script states. Trains at the script's own epochs (not scaled).",
        metric="as_stated_percent", figure="the share of pitfalls that behaved as stated"),
]
# fmt: on
ROWS_BY_LABEL = {row.label: row for row in ROWS}
