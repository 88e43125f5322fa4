"""Verdicts with their controls: a verdict holds only where the controls separate.

Row 5's probes are set beside a computed counter and reader and beside a model trained to read
(row 5r@1500, the same seeds); 07's stateful rows beside a computed counter and the stateless
row whose window is the memory need and beside its random-phase row, trained to find the phase.
`runs` is as in report.py.
"""

import statistics

from study.checks import (
    every_start,
    finds_everywhere,
    finds_from,
    repeated,
    span,
    start_tally,
    telling_for,
    window_control,
)
from study.rows import Refused
from study.stats import clopper_pearson

TRAINED_READER = "5r@1500"  # framing 5 trained from random starts, five times the epochs: it reads
ONE_STEP = "stateful, 1 step per batch"  # 07's row whose training does not depend on --bptt


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


def row_types(found):
    """07's stateful rows laid out right, by type: their names in one run (the row's --bptt and
    --streams are in its name, the same over one label's seeds)."""
    return [
        r["row"]
        for r in found["rows"]
        if r.get("probe_accuracy") is not None and r["kind"] != "control"
    ]


def memory_verdicts(runs, label):
    """07's stateful rows by type, over the seeds of one label (one --bptt): on how many seeds
    each type is at 100% on the stream, and finds the phase from every start that tells for it
    (telling_for), with an interval; each seed's lowest telling start, the figure before the
    90% cut. The one-step row trains the same at every --bptt: counted in row 7 only."""
    if isinstance(runs.get(label), (Refused, type(None))):
        return []
    found = runs[label]
    n = len(found)
    counter = [f["counter_starts"][s] for f in found for s in f["telling_starts"]]
    control = [window_control(f)["probe_starts"][s] for f in found for s in f["telling_starts"]]
    separate = sum(
        window_control(f)["probe_starts"][s] >= f["finds_at"]
        for f in found
        for s in f["telling_starts"]
    )
    lines = [
        f"{label}, the probe from every start, by row type over {n} seed{'s' if n > 1 else ''} "
        f"(a row finds the phase from a start where it scores {found[0]['finds_at']:.0f}% or "
        "more; it must from every start that tells for it). Controls on the pattern's telling "
        f"starts: a computed counter {span(counter)}, the stateless row with the memory need's "
        f"window {span(control)}; they separate on {separate} of {len(control)}."
    ]
    for name in row_types(found[0]):
        if label != "7" and name == ONE_STEP and "7" in runs:  # counted once, in row 7
            lines.append(f"  {name}: trains as in row 7 (the same seeds): counted there.")
            continue
        rows = [next(r for r in f["rows"] if r["row"] == name) for f in found]
        perfect = sum(r["accuracy"] == 100.0 for r in rows)
        finds = [finds_everywhere(f, r) for f, r in zip(found, rows)]
        lowest = [
            min(r["probe_starts"][s] for s in telling_for(f, r))
            for f, r in zip(found, rows)
            if telling_for(f, r)
        ]
        missed = [
            f"seed {f['seed']} from "
            + ", ".join(
                f"{s + 1} ({r['probe_starts'][s]:.2f}%)"
                for s in telling_for(f, r)
                if s not in finds_from(f, r)
            )
            for f, r, ok in zip(found, rows, finds)
            if not ok and telling_for(f, r)
        ]
        below = [r["accuracy"] for r in rows if r["accuracy"] < 100.0]
        lines.append(
            f"  {name}: at 100% on the stream on {perfect} of {n}"
            + (f" (the others {min(below):.2f}-{max(below):.2f}%)" if below else "")
            + "; finds the phase from every "
            f"start that tells on {seeds_text(sum(finds), n)}; lowest telling start per seed "
            + (
                f"{min(lowest):.1f}-{max(lowest):.1f}% (median {statistics.median(lowest):.1f}%)"
                if lowest
                else "none (no start tells)"
            )
            + (f". Below: {'; '.join(missed)}" if missed else "")
            + "."
        )
    return lines


def verdict_lines(runs):
    return framing5_verdicts(runs) + memory_verdicts(runs, "7") + memory_verdicts(runs, "7-b3")
