"""The study's statistics: the article's comparisons as paired differences over the same seeds,
with a 95% confidence interval, and Holm's adjustment for testing them all at once.

scipy and NumPy load only when a difference is computed (`paired_difference`).
"""

import math
from dataclasses import dataclass

from study.checks import value
from study.rows import ROWS_BY_LABEL


@dataclass(frozen=True)
class Comparison:
    first: str  # row label, optionally "label:metric" (a dotted metric reaches a nested key)
    second: str
    question: str

    def values(self, label_metric, runs):
        label, _, metric = label_metric.partition(":")
        return [value(found, metric or ROWS_BY_LABEL[label].metric) for found in runs[label]]


COMPARISONS = [
    Comparison("2", "1", "a window of three letters as features against one letter"),
    Comparison("3", "2", "the window as time steps against as features"),
    Comparison("4", "1", "the article's batch-state framing against framing 1"),
    Comparison("1@2000", "1", "framing 1 trained four times longer"),
    Comparison("1@5000", "1@2000", "framing 1 trained ten times longer, against four"),
    Comparison("4", "4@500", "framing 4 with ten times the updates"),
    Comparison("4", "4-b1", "full-batch updates against batch size 1, 5000 updates each"),
    Comparison("4@500-lr01", "4@500", "500 full-batch updates at learning rate 0.01 against 0.001"),
    Comparison(
        "4-b1-lr01", "4-b1", "5000 updates of batch size 1 at learning rate 0.01 against 0.001"
    ),
    Comparison("4-u32", "4", "32 units against 16, framing 4's training"),
    Comparison(
        "5r:all_starts.mean",
        "5:all_starts.mean",
        "random starts against every pass from 'A', both scored on the pass from every letter",
    ),
    Comparison("5r@1500", "5r", "random starts, five times the epochs (every starting letter)"),
    Comparison(
        "5r-lr01", "5r", "random starts at learning rate 0.01 against 0.001 (every starting letter)"
    ),
    Comparison(
        "6h:held_out_accuracy",
        "6h:seen_accuracy",
        "held-out inputs against the distinct inputs it trained on, each once",
    ),
    Comparison(
        "6st:distinct_accuracy",
        "6:distinct_accuracy",
        "stateful, a letter at a time, against zero-padded, on every distinct input once",
    ),
    Comparison(
        "6st-h:held_out_accuracy",
        "6h:held_out_accuracy",
        "held-out inputs, stateful against zero-padded",
    ),
    Comparison(
        "6s:distinct_accuracy",
        "6:distinct_accuracy",
        "shifted codes against the article's, on every distinct input once",
    ),
]


@dataclass
class Interval:
    mean: float
    low: float
    high: float
    n: int
    sign_p: float | None = None  # every difference the same: a two-sided sign test instead
    t_p: float | None = None  # the paired t test's two-sided p value (the interval's own test)

    @property
    def p(self):
        """The p value of the test that decides `shown`; None with one seed (no test)."""
        return self.sign_p if self.sign_p is not None else self.t_p

    @property
    def shown(self):
        """Shown when the 95% interval leaves out zero; when every seed gives the same non-zero
        difference (no spread to build an interval from), when a sign test gives p < 0.05."""
        if self.sign_p is not None:
            return self.sign_p < 0.05
        return self.n >= 2 and (self.low > 0 or self.high < 0)


def paired_difference(first, second, confidence=0.95):
    """Mean of `first[i] - second[i]` with a Student t confidence interval (scipy.stats).

    Pairs come from the same seeds. With one pair there is no interval (low and high are nan).
    When every difference is the same, a t interval would have zero width and claim certainty;
    a two-sided sign test on the n equal signs is reported instead (`sign_p`; 1 for zero).
    """
    import numpy as np
    from scipy import stats

    if len(first) != len(second) or not first:
        raise ValueError("paired values need the same, non-zero number of seeds")
    diffs = np.asarray(first, dtype=float) - np.asarray(second, dtype=float)
    mean = float(diffs.mean())
    if len(diffs) < 2:
        return Interval(mean, math.nan, math.nan, len(diffs))
    if np.all(diffs == diffs[0]):
        p = float(stats.binomtest(len(diffs), len(diffs)).pvalue) if mean != 0 else 1.0
        return Interval(mean, mean, mean, len(diffs), sign_p=p)
    test = stats.ttest_rel(first, second)
    low, high = test.confidence_interval(confidence)
    return Interval(mean, float(low), float(high), len(diffs), t_p=float(test.pvalue))


def holm(p_values, alpha=0.05):
    """Holm's step-down over several tests: which stay shown with the chance of any false
    "shown" among them held at `alpha`. The smallest p must be below alpha / m, the next below
    alpha / (m - 1), and so on; at the first that is not, it and every larger one are not shown.
    Returns a list of booleans in the order given."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    kept = [False] * len(p_values)
    for rank, i in enumerate(order):
        if p_values[i] >= alpha / (len(p_values) - rank):
            break
        kept[i] = True
    return kept


def side_name(side):
    """How a comparison names one side: "6h held out accuracy", "5r all starts mean", "4"."""
    label, _, metric = side.partition(":")
    metric = metric or ROWS_BY_LABEL[label].metric
    if metric == "accuracy":
        return label
    return f"{label} {metric.replace('.', ' ').replace('_', ' ')}"


def compared(comparison, runs):
    """(first values, second values, Interval) of one comparison over the same seeds."""
    first = comparison.values(comparison.first, runs)
    second = comparison.values(comparison.second, runs)
    return first, second, paired_difference(first, second)


def is_test(first, second, interval):
    """Whether a comparison line gives a verdict (not with one seed, nor at the ceiling)."""
    return interval.n >= 2 and min(first + second) < 100.0


def comparison_line(comparison, runs):
    first, second, interval = compared(comparison, runs)
    name = f"{side_name(comparison.first)} vs {side_name(comparison.second)}"
    if interval.n < 2:
        return f"{name}: {interval.mean:+.1f} points (one seed: no interval): {comparison.question}"
    if min(first + second) == 100.0:
        return (
            f"{name}: {interval.mean:+.1f} points (both 100% on all {interval.n} seeds: at the "
            f"ceiling, no difference can show); {comparison.question}"
        )
    verdict = "shown" if interval.shown else "not shown"
    if interval.sign_p is not None:
        spread = f"every seed differs by {interval.mean:+.1f}; sign test p = {interval.sign_p:.3f}"
    else:
        spread = f"95% CI {interval.low:+.1f} to {interval.high:+.1f} over {interval.n} seeds"
    return f"{name}: {interval.mean:+.1f} points ({spread}): {verdict}; {comparison.question}"


def multiple_comparisons_line(comparisons, runs, alpha=0.05):
    """One line on testing many comparisons at once: which of those shown stay shown under
    Holm's adjustment over every comparison that gives a verdict."""
    tests = []
    for comparison in comparisons:
        first, second, interval = compared(comparison, runs)
        if is_test(first, second, interval):
            name = f"{side_name(comparison.first)} vs {side_name(comparison.second)}"
            tests.append((name, interval))
    if not tests:
        return "Multiple comparisons: none of these comparisons gives a verdict, so none to adjust."
    kept = holm([interval.p for _, interval in tests], alpha)
    shown = [name for name, interval in tests if interval.shown]
    stay = [name for (name, interval), keep in zip(tests, kept) if interval.shown and keep]
    lost = [
        f"{name} (p = {interval.p:.3f})"
        for (name, interval), keep in zip(tests, kept)
        if interval.shown and not keep
    ]
    text = (
        f"Multiple comparisons (Holm over the {len(tests)} with a verdict, {alpha:.0%} for "
        f"them all): {len(stay)} of the {len(shown)} shown stay shown"
    )
    if lost:
        text += f"; no longer shown: {', '.join(lost)}"
    return text + "."


def clopper_pearson(successes, trials, confidence=0.95):
    """The exact (Clopper-Pearson) interval for a rate seen `successes` times in `trials`, in %:
    how far the rate over all seeds may be from what these seeds showed. 10 of 10 gives
    69.2-100: ten seeds cannot show that a finding holds on (nearly) every seed."""
    from scipy import stats

    alpha = 1 - confidence
    low = 0.0 if successes == 0 else stats.beta.ppf(alpha / 2, successes, trials - successes + 1)
    high = (
        1.0
        if successes == trials
        else stats.beta.ppf(1 - alpha / 2, successes + 1, trials - successes)
    )
    return 100 * float(low), 100 * float(high)
