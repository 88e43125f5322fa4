"""Run all six framings at the article's settings and print the article-versus-this-run table.

Each script runs as a user would run it, in its own process, with the article's defaults; its
output is read back (the `Model Accuracy:` line and the prediction lines) and checked against
what the article claims for that framing.

    python reproduce.py [--seed 7] [--framings 1 3 5] [--plot FILE.png]
    KERAS_BACKEND=jax python reproduce.py      # the same on another Keras backend

It exits 0 once every run completed, whether or not the article's claims held: the table says
which did. A script that refuses to run on the current backend (framing 5 on JAX) gets a row
saying so. A script that fails otherwise stops it with a non-zero status.
"""

import os
import platform
import re
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field

import common  # the Keras backend comes from KERAS_BACKEND, as for every script

HERE = os.path.dirname(os.path.abspath(__file__))
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class Result:
    """What one script printed, read back.

    `accuracy` is the `Model Accuracy:` figure in percent. `sections` maps a header line to the
    predictions printed under it, as (input, output) pairs of strings: "" for the block right
    after the accuracy line ("ABC" -> "D"; "A" -> "B" for framing 5's generation), then for
    example "Test a Random Pattern:", "New start:  K" or "Continue 'ABC' for 5 letters:".
    Any other line after the accuracy line is kept in `notes`.
    """

    accuracy: float | None  # None if the script refused to run (see `refused`)
    train_seconds: float | None
    sections: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    seconds: float = 0.0  # wall-clock time of the whole process
    output: str = ""
    refused: str | None = None  # the script's one line, if it refused to run on this backend

    def note(self, prefix):
        """The first note line that starts with `prefix`, or None."""
        return next((line for line in self.notes if line.startswith(prefix)), None)


PREDICTION = re.compile(r"^(?:\[(?P<letters>[^\]]*)\]|(?P<letter>[A-Z])) -> (?P<out>[A-Z])$")
HEADER = re.compile(r"^(New start:|Warm start:).*|.*:$")


def parse_output(text):
    """Read a script's standard output back into a `Result`; ValueError if it is malformed."""
    accuracy = re.search(r"^Model Accuracy: (\d+\.\d\d)%$", text, re.MULTILINE)
    if not accuracy:
        raise ValueError("no 'Model Accuracy: NN.NN%' line in the output")
    took = re.search(r"^Training took (\d+\.\d) s$", text, re.MULTILINE)
    result = Result(accuracy=float(accuracy[1]), train_seconds=float(took[1]) if took else None)
    header = ""
    result.sections[header] = []
    for line in text[accuracy.end() :].splitlines():
        match = PREDICTION.match(line.strip())
        if match is None and HEADER.match(line):
            header = line.strip()
            result.sections[header] = []
        elif match is None:
            if line.strip():
                result.notes.append(line.strip())
        elif match["letter"]:
            result.sections[header].append((match["letter"], match["out"]))
        else:
            letters = "".join(re.findall(r"'([A-Z])'", match["letters"]))
            result.sections[header].append((letters, match["out"]))
    return result


def run_script(script, *args):
    """Run `script` with `args` in a fresh Python process; return its parsed `Result`.

    A script that refuses to run on this backend (exit status `common.UNSUPPORTED`, one line on
    stderr) gives a `Result` with `refused` set; any other failure raises RuntimeError.
    """
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, os.path.join(HERE, script), *args],
        capture_output=True, text=True, cwd=HERE,
    )
    seconds = time.perf_counter() - start
    if proc.returncode == common.UNSUPPORTED:
        message = proc.stderr.strip().splitlines()[-1].removeprefix(f"{script}: ")
        return Result(accuracy=None, train_seconds=None, seconds=seconds, refused=message)
    if proc.returncode != 0:
        raise RuntimeError(f"{script} exited with {proc.returncode}:\n{proc.stderr[-2000:]}")
    result = parse_output(proc.stdout)
    result.seconds, result.output = seconds, proc.stdout
    return result


def next_letter(letter):
    return ALPHABET[ALPHABET.index(letter) + 1]


def all_correct(pairs):
    """True if every prediction is the letter after the input's last letter."""
    return bool(pairs) and all(out == next_letter(inp[-1]) for inp, out in pairs)


def alphabet_from_a(result):
    """Framing 5: did generation from 'A' walk A -> B ... Y -> Z?"""
    return result.sections[""] == [(a, b) for a, b in zip(ALPHABET, ALPHABET[1:])]


def started(result, header_prefix):
    """Letters of a framing-5 generation under a header: 'KBCDEF' for the article's cold 'K'."""
    pairs = next(v for k, v in result.sections.items() if k.startswith(header_prefix))
    return pairs[0][0] + "".join(out for _, out in pairs)


def cold_start(result):
    return started(result, "New start:")


def warm_start(result):
    return started(result, "Warm start:")


def follows_alphabet(letters):
    return all(b == next_letter(a) for a, b in zip(letters, letters[1:]))


def falls_back_into_sequence(result):
    """Framing 5: from a cold 'K', the model does not predict L, then follows the alphabet."""
    letters = cold_start(result)
    return letters[1] != "L" and follows_alphabet(letters[1:])


def batch_equals_alone(result):
    """Framing 4: did the script find the same predictions in one batch and one at a time?"""
    line = result.note("Same predictions in one batch")
    return line is not None and ": yes" in line


def distinct_accuracy(result):
    """Framing 6: the accuracy on every distinct input, in percent."""
    return float(re.search(r"(\d+\.\d\d)%$", result.note("Accuracy on all"))[1])


@dataclass
class Framing:
    label: str  # "1" .. "6", or "4s" for the shuffled control of framing 4
    script: str
    title: str
    article_accuracy: float | None  # None: the article has no such run
    claim: str  # what the article says of this run
    held: object  # Result -> bool: did the claim hold in this run?
    args: tuple = ()  # options beyond --seed
    detail: object = None  # Result -> str: what to add to the claim, or None


FRAMINGS = [
    Framing("1", "01_naive_one_char.py", "one char -> one char", 84.00,
            "does not learn all 25 (below 100%)", lambda r: r.accuracy < 100),
    Framing("2", "02_window_features.py", "3-char window as features", 86.96,
            "still below 100%", lambda r: r.accuracy < 100),
    Framing("3", "03_window_timesteps.py", "3-char window as time steps", 100.00,
            "100%, all 23 windows right", lambda r: r.accuracy == 100 and all_correct(r.sections[""])),
    Framing("4", "04_batch_state.py", "state within a batch", 100.00, "100%",
            lambda r: r.accuracy == 100),
    Framing("4s", "04_batch_state.py", "the same, batch shuffled every epoch", None,
            "its reason: the LSTM uses the order inside the batch, so predictions alone differ "
            "and a shuffled batch does worse",
            lambda r: not batch_equals_alone(r) and r.accuracy < 100, args=("--shuffle",),
            detail=lambda r: "same predictions alone as in the batch: "
            + ("yes" if batch_equals_alone(r) else "no")),
    Framing("5", "05_stateful.py", "stateful, one char -> one char", 100.00,
            "100%, A..Z from 'A'; a cold 'K' falls back into the alphabet, a warm-up "
            "on A..J would make 'K' continue",
            lambda r: r.accuracy == 100 and alphabet_from_a(r) and falls_back_into_sequence(r)
            and follows_alphabet(warm_start(r)),
            detail=lambda r: f"cold {'-'.join(cold_start(r))}, warm {'-'.join(warm_start(r))}"),
    Framing("6", "06_variable_length.py", "variable length -> one char", 98.90,
            "learns 1-5 letter prefixes (at least 95%)", lambda r: r.accuracy >= 95,
            detail=lambda r: f"{distinct_accuracy(r):.2f}% on all 114 distinct inputs"),
]


def versions():
    """One line naming the versions and machine the figures come from."""
    import keras
    import numpy
    import tensorflow

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        backend += f" {jax.__version__}"
    elif backend == "torch":
        import torch

        backend += f" {torch.__version__}"
    return (
        f"Python {platform.python_version()}, Keras {keras.__version__} "
        f"({backend} backend), TensorFlow {tensorflow.__version__}, "
        f"NumPy {numpy.__version__}; {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs"
    )


def table(rows):
    """The Markdown table of (Framing, Result) rows."""
    lines = [
        "| # | Framing | Article | This run | Article's claim | Held | Training s | Total s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for framing, result in rows:
        article = "-" if framing.article_accuracy is None else f"{framing.article_accuracy:.2f}%"
        if result.refused is not None:
            lines.append(
                f"| {framing.label} | {framing.title} | {article} | not run "
                f"| refused on this backend: {result.refused} | - | | {result.seconds:.1f} |"
            )
            continue
        held = "yes" if framing.held(result) else "**no**"
        claim = framing.claim
        if framing.detail is not None:
            claim += f" (got: {framing.detail(result)})"
        train = "" if result.train_seconds is None else f"{result.train_seconds:.1f}"
        lines.append(
            f"| {framing.label} | {framing.title} | {article} | {result.accuracy:.2f}% "
            f"| {claim} | {held} | {train} | {result.seconds:.1f} |"
        )
    return "\n".join(lines)


def plot(rows, path, subtitle):
    """Save a bar chart of the article's accuracy against this run's, framing by framing."""
    import matplotlib

    matplotlib.use("Agg")  # draw to a file; no window, no display needed
    import matplotlib.pyplot as plt

    width = 0.4
    figure, axes = plt.subplots(figsize=(10, 4.5), layout="constrained")
    for i, (framing, result) in enumerate(rows):
        if framing.article_accuracy is not None:
            bar = axes.bar(i - width / 2, framing.article_accuracy, width, color="tab:gray")
            axes.bar_label(bar, fmt="%.2f", fontsize=7)
        else:
            axes.text(i - width / 2, 2, "no such\nrun in the\narticle", ha="center", fontsize=7)
        if result.refused is None:
            bar = axes.bar(i + width / 2, result.accuracy, width, color="tab:blue")
            axes.bar_label(bar, fmt="%.2f", fontsize=7)
        else:
            axes.text(i + width / 2, 2, "refused\non this\nbackend", ha="center", fontsize=7)
    axes.bar(0, 0, color="tab:gray", label="the article")  # legend entries only
    axes.bar(0, 0, color="tab:blue", label="this run")
    labels = [framing.label + "\n" + textwrap.fill(framing.title, 16) for framing, _ in rows]
    axes.set_xticks(range(len(rows)), labels, fontsize=8)
    axes.set(ylabel="accuracy on the training data, %", ylim=(0, 112))
    axes.legend(loc="upper left", ncols=2, fontsize=8)
    axes.set_title(f"The article's six framings, reproduced\n{subtitle}", fontsize=10)
    common.write_atomically(path, lambda partial: figure.savefig(partial, format="png", dpi=100))
    plt.close(figure)


def main(argv=None):
    parser = common.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seed", type=common.non_negative_int, default=7,
        help="seed passed to every script (default: 7)",
    )
    parser.add_argument(
        "--framings", nargs="+", choices=[f.label for f in FRAMINGS],
        default=[f.label for f in FRAMINGS], metavar="N",
        help="which runs, of 1 2 3 4 4s 5 6 (4s: framing 4's shuffled control; default: all)",
    )
    parser.add_argument(
        "--plot", type=common.png_file, metavar="FILE.png",
        help="also save a chart of the article's accuracy against this run's (default: none)",
    )
    args = parser.parse_args(argv)
    rows = []
    for framing in FRAMINGS:
        if framing.label in args.framings:
            print(f"Running {framing.label}: {framing.script} {' '.join(framing.args)}...", file=sys.stderr, flush=True)
            rows.append((framing, run_script(framing.script, "--seed", str(args.seed), *framing.args)))
    print(table(rows))
    print()
    for framing, result in rows:  # the scripts' own checks and extra measurements
        for note in result.notes:
            print(f"- {framing.label}: {note}")
    print()
    print(f"Seed {args.seed}. {versions()}.")
    total = sum(result.seconds for _, result in rows)
    print(f"Total: {total:.1f} s.")
    if args.plot:
        import keras

        plot(rows, args.plot, f"seed {args.seed}, Keras {keras.__version__}, {keras.backend.backend()} backend")
        print(f"Saved the chart to {args.plot}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
