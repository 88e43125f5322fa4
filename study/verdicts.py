"""Verdicts with their controls: a verdict holds only where the controls separate.

Row 5's probes are set beside a computed counter and reader and beside a model trained to read
(row 5r@1500, the same seeds); 07's stateful rows beside a computed counter and the stateless
row whose window is the memory need. `runs` is as in report.py.
"""

from study.checks import (
    every_start,
    perfect_stateful_rows,
    reads_from,
    repeated,
    span,
    start_tally,
    telling_for,
    window_control,
)
from study.rows import Refused
from study.stats import clopper_pearson

TRAINED_READER = "5r@1500"  # framing 5 trained from random starts, five times the epochs: it reads


def seeds_text(count, total):
    """'7 of 10 seeds (95% CI 34.8-93.3%)': the count, and the exact interval for the rate over
    seeds (none for one seed)."""
    if total == 1:
        return f"{count} of 1 seed"
    low, high = clopper_pearson(count, total)
    return f"{count} of {total} seeds (95% CI {low:.1f}-{high:.1f}%)"


def rule_free(models):
    """The shares before any majority rule, over every seed's telling predictions: exactly the
    reader's answer, within a step of it, exactly the count, within a step of it (% of all;
    each seed's range)."""

    def share(key):
        pooled = 100 * sum(m[key] for m in models) / max(1, sum(m["telling"] for m in models))
        each = [100 * m[key] / m["telling"] for m in models if m["telling"]]
        spread = f" (seeds {min(each):.1f}-{max(each):.1f}%)" if len(each) > 1 else ""
        return f"{pooled:.1f}%{spread}"

    telling = sum(m["telling"] for m in models)
    return (
        f"of {telling} telling predictions, {share('follows_reader')} are exactly the reader's "
        f"answer, {share('follows_letter')} within a step of it; {share('follows_count')} exactly "
        f"the count, {share('follows_clock')} within a step of it"
    )


def framing5_verdicts(runs):
    """Row 5's probes beside their controls: the computed counter and reader, and the trained
    reader (row 5r@1500) of the same seeds. "Counts" holds on a seed where row 5 counts, the
    computed controls come out "counts" and "reads", and the trained reader does not count."""
    if isinstance(runs.get("5"), (Refused, type(None))):
        return []
    trained = runs.get(TRAINED_READER)
    trained = None if isinstance(trained, Refused) else trained
    lines = []
    for name, probe in (
        ("the probe from every start", every_start),
        ("the probe on runs of one letter", repeated),
    ):
        found = runs["5"]
        n = len(found)
        model = [probe(f)["model"] for f in found]
        computed = [
            probe(f)["counter"]["verdict"] == "counts" and probe(f)["reader"]["verdict"] == "reads"
            for f in found
        ]
        counts = [m["verdict"] == "counts" for m in model]
        text = (
            f"5, {name}: {rule_free(model)}. By the rule, row 5 counts on "
            f"{seeds_text(sum(counts), n)} ("
            + (
                start_tally(model[0])
                if n == 1
                else f"counting on {min(m['counts'] for m in model)}-"
                f"{max(m['counts'] for m in model)} starts, reading on "
                f"{min(m['reads'] for m in model)}-{max(m['reads'] for m in model)}"
            )
            + "). Computed controls (right by construction: a check of the code): a counter counts "
            f"and a reader reads on {sum(computed)} of {n}."
        )
        if trained is None:
            lines.append(
                text + f" No trained reader in this run (row {TRAINED_READER}): the "
                "verdict is not checked against a model known to read."
            )
            continue
        other = [probe(f)["model"] for f in trained[:n]]
        reads = [o["verdict"] == "reads" for o in other]
        # the trained reader must read, or nothing is checked
        separate = [k and r for k, r in zip(computed, reads)]
        holds = sum(c and s for c, s in zip(counts, separate))
        text += (
            f" Row {TRAINED_READER}, trained to read: {rule_free(other)}; by the rule, it reads "
            f"on {seeds_text(sum(reads), n)} ("
            + (
                start_tally(other[0])
                if n == 1
                else f"reading on {min(o['reads'] for o in other)}-"
                f"{max(o['reads'] for o in other)} rows"
            )
            + f"). The controls separate on {seeds_text(sum(separate), n)}"
        )
        if sum(separate):
            text += (
                f"; there, 'row 5 counts' holds on {holds} of {sum(separate)} (row 5 counts, "
                "the computed counter counts, the computed reader and the trained reader "
                "read)"
            )
        others = n - sum(separate)
        if others:
            text += (
                f"; on the {others} other{'s' if others > 1 else ''} the verdict is not "
                "checked: the trained reader does not read on this probe, so it cannot show "
                "that a model does not read"
            )
        lines.append(text + ".")
    return lines


def memory_verdicts(runs, label):
    """07's stateful rows at 100% on the stream, per seed: do they read from every start that
    tells for them (telling_for)? With the controls on the pattern's telling starts."""
    if isinstance(runs.get(label), (Refused, type(None))):
        return []
    found = runs[label]
    perfect = [(f, r) for f in found for r in perfect_stateful_rows(f)]
    reading = [
        (f, r) for f, r in perfect if telling_for(f, r) and reads_from(f, r) == telling_for(f, r)
    ]
    counter = [f["counter_starts"][s] for f in found for s in f["telling_starts"]]
    control = [window_control(f)["probe_starts"][s] for f in found for s in f["telling_starts"]]
    separate = sum(
        window_control(f)["probe_starts"][s] >= f["reads_at"]
        for f in found
        for s in f["telling_starts"]
    )
    skipped = sum(len(f["telling_starts"]) - len(telling_for(f, r)) for f, r in perfect)
    misses = []
    for f, r in perfect:
        missed = [s for s in telling_for(f, r) if s not in reads_from(f, r)]
        if missed:
            misses.append(
                f"seed {f['seed']} {r['row']} from position(s) "
                + ", ".join(f"{s + 1} ({r['probe_starts'][s]:.2f}%)" for s in missed)
            )
    text = (
        f"{label}, the probe from every start: {len(reading)} of the {len(perfect)} stateful "
        f"rows at 100% on the stream (over {len(found)} seed{'s' if len(found) > 1 else ''}) "
        "read from every start that tells for them. Controls on the pattern's telling "
        f"starts: a computed counter {span(counter)}, the stateless row with the memory "
        f"need's window {span(control)} (it reads windows, with no reset: it shows the "
        "letters say the answer, not that a reset model can find it); they separate on "
        f"{separate} of {len(control)}. Left out, {skipped} "
        f"row-start{'s' if skipped != 1 else ''} where the row's own training began a stream "
        "after a reset or the controls do not separate"
    )
    return [
        text + (f". Below {found[0]['reads_at']:.0f}%: {'; '.join(misses)}." if misses else ".")
    ]


def verdict_lines(runs):
    return framing5_verdicts(runs) + memory_verdicts(runs, "7") + memory_verdicts(runs, "7-b3")
