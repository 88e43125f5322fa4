"""Pictures of what a trained model learned, for `--plot FILE.png`: one figure per framing.

Each function draws the training curves that `model.fit` returned and, beside them, a picture
of the trained model itself:
  predictions  framings 1-4: every training input's probability for each of the 26 letters
  states       framing 5: the stateful layer's own h and c at every step of the walk A..Y, and
               the paths of the state, for several inputs, in one 2-D projection
  grid         framing 6: right or wrong on every distinct input, by first letter and length
  memory       07_stateful_memory.py: accuracy and cross-entropy on the stream, a bar per row
  study        reproduce.py: accuracy per row, the article's figure beside it

matplotlib is imported inside the functions, only when a picture is asked for, and everything
is drawn on a `matplotlib.figure.Figure` of its own, never through pyplot: no window, no display
needed, and matplotlib's global backend is left as it was, so a notebook's inline plots keep
working. In a notebook the picture is also shown inline. Each function returns the numbers it
drew (JSON-ready), so `--json` can record them and the tests can check them.
"""

import numpy as np

import common


# ---------------------------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------------------------
def _figure(width, height):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _save(figure, path):
    """Write `figure` to `path` as a PNG (atomically); in a notebook, also show it inline."""
    common.write_atomically(path, lambda partial: figure.savefig(partial, format="png", dpi=100))
    if common.in_notebook():
        from IPython.display import Image, display

        display(Image(filename=path))  # the file just written: no pyplot, no backend switch


def _curves(loss_axes, accuracy_axes, history):
    """Loss and accuracy per epoch, from the `History` that `fit` returned."""
    import matplotlib.ticker

    epochs = range(1, len(history.history["loss"]) + 1)
    loss_axes.plot(epochs, history.history["loss"], color="tab:red")
    loss_axes.set(title="Loss (cross-entropy) per epoch", xlabel="epoch", ylabel="loss")
    accuracy_axes.plot(epochs, [100 * a for a in history.history["accuracy"]], color="tab:blue")
    accuracy_axes.set(
        title="Accuracy on the training batches", xlabel="epoch", ylabel="%", ylim=(0, 102)
    )
    for axes in (loss_axes, accuracy_axes):
        axes.grid(alpha=0.3)
        axes.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))  # whole epochs


def _text(pattern):
    return "".join(common.ALPHABET[i] for i in pattern)


# ---------------------------------------------------------------------------------------------
# One figure per framing
# ---------------------------------------------------------------------------------------------


def predictions(path, title, history, data_x, data_y, probabilities):
    """Framings 1-4: the training curves, and a heatmap of inputs x letters.

    Row i is training input `data_x[i]`; its 26 cells are the model's probabilities
    `probabilities[i]` (samples, 26) for the next letter. A square marks the right letter
    (`data_y[i]`), a cross the model's choice where it is wrong.
    """
    probabilities = np.asarray(probabilities, dtype="float64")
    chosen = np.argmax(probabilities, axis=-1)
    figure = _figure(12, 0.22 * len(data_x) + 2.5)
    axes = figure.subplot_mosaic([["heat", "loss"], ["heat", "accuracy"]], width_ratios=[1.6, 1])
    heat = axes["heat"]
    image = heat.imshow(
        probabilities, cmap="Blues", vmin=0, vmax=1, aspect="auto", interpolation="nearest"
    )
    rows = np.arange(len(data_x))
    heat.scatter(
        data_y,
        rows,
        marker="s",
        s=60,
        facecolor="none",
        edgecolor="tab:green",
        linewidth=1.5,
        label="the right letter",
    )
    wrong = chosen != np.asarray(data_y)
    heat.scatter(
        chosen[wrong], rows[wrong], marker="x", s=40, color="tab:red", label="chosen, wrong"
    )
    heat.set_xticks(range(len(common.ALPHABET)), list(common.ALPHABET), fontsize=7)
    heat.set_yticks(rows, [_text(p) for p in data_x], fontsize=7)
    heat.set(xlabel="next letter", ylabel="input")
    right = len(data_x) - int(wrong.sum())
    heat.set_title(f"Probability of each next letter: {right} of {len(data_x)} right")
    heat.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=2, fontsize=8)
    figure.colorbar(image, ax=heat, shrink=0.6, label="probability")
    _curves(axes["loss"], axes["accuracy"], history)
    figure.suptitle(title)
    _save(figure, path)
    return {
        "inputs": [_text(p) for p in data_x],
        "right": [common.ALPHABET[int(i)] for i in data_y],
        "probabilities": probabilities.tolist(),
    }


def states(path, title, history, walk, h, c, paths):
    """Framing 5: the stateful LSTM's state, step by step.

    `walk` is the letters fed from a reset (A..Y); `h` and `c` (steps, units) are the layer's own
    state after each of them. Two heatmaps show them, the zero state after `reset_state()` as the
    first column. `paths` maps a name to `(letters, h, c)` for other inputs fed from a reset; all
    of them, the walk included, are drawn in the plane of the two main directions of the states
    (principal components, from NumPy's SVD), so inputs that take the state the same way lie
    close together, whatever their letters. Two directions of 32 can hide differences, never add
    them: the picture can agree or disagree with a probe, not replace it. (On seed 7, from the
    third Z on, the Z's predict what the walk predicted one step earlier, as 05's repeated-letter
    probe finds: a clock that the letter holds back, not a pure step counter.)
    """
    import matplotlib.colors

    h, c = np.asarray(h, dtype="float64"), np.asarray(c, dtype="float64")
    units = h.shape[1]
    figure = _figure(14, 9)
    axes = figure.subplot_mosaic(
        [["h", "pca"], ["c", "pca"], ["curves", "accuracy"]],
        width_ratios=[1.25, 1],
        height_ratios=[1, 1, 0.8],
    )
    columns = ["reset"] + list(walk)  # the zero state first
    for name, values, label in (("h", h, "h, the output"), ("c", c, "c, the cell memory")):
        heat = axes[name]
        shown = np.vstack([np.zeros((1, units)), values]).T  # units x (1 + steps)
        limit = max(float(np.max(np.abs(shown))), 1e-6)
        image = heat.imshow(
            shown,
            cmap="RdBu_r",
            norm=matplotlib.colors.Normalize(-limit, limit),
            aspect="auto",
            interpolation="nearest",
        )
        heat.axvline(0.5, color="black", linewidth=2)
        heat.set_xticks(range(len(columns)), columns, fontsize=7)
        heat.set(ylabel="unit", title=f"State {label}, after each letter fed from reset_state()")
        figure.colorbar(image, ax=heat, shrink=0.8)
    axes["c"].set_xlabel(
        "letter just fed (the first column: the zero state that reset_state() sets)"
    )

    # One projection for every path: the two directions along which all the states vary most.
    everything = {
        "walk": (walk, h, c),
        **{
            name: (letters, np.asarray(ph), np.asarray(pc))
            for name, (letters, ph, pc) in paths.items()
        },
    }
    stacked = np.vstack([np.hstack([ph, pc]) for _, ph, pc in everything.values()])
    center = stacked.mean(axis=0)
    _, _, directions = np.linalg.svd(stacked - center, full_matrices=False)
    plane = directions[:2].T  # (2 x units) x 2
    zero = (np.zeros(2 * units) - center) @ plane
    pca = axes["pca"]
    projected = {}
    colors = ["tab:blue", "tab:orange", "tab:red", "tab:green", "tab:purple", "tab:brown"]
    for number, (name, (letters, ph, pc)) in enumerate(everything.items()):
        color = colors[number % len(colors)]  # every path drawn, however many
        points = np.vstack([zero, (np.hstack([ph, pc]) - center) @ plane])
        projected[name] = points[1:].tolist()
        shown_name = "A..Y (the walk from 'A')" if name == "walk" else name
        pca.plot(
            points[:, 0], points[:, 1], "-o", color=color, markersize=3, alpha=0.8, label=shown_name
        )
        for point, letter in zip(points[1:], letters):
            pca.annotate(
                letter, point, fontsize=7, color=color, xytext=(3, 3), textcoords="offset points"
            )
    pca.scatter(*zero, marker="*", s=150, color="black", zorder=3, label="reset (zero state)")
    pca.set(
        title="Paths of the state (h, c) from a reset, 2-D (PCA)",
        xlabel="first principal component",
        ylabel="second principal component",
    )
    pca.legend(fontsize=8)
    pca.grid(alpha=0.3)
    _curves(axes["curves"], axes["accuracy"], history)
    figure.suptitle(title)
    _save(figure, path)
    return {
        "walk": walk,
        "h": h.tolist(),
        "c": c.tolist(),
        "paths": {
            name: {"letters": letters, "h": np.asarray(ph).tolist(), "c": np.asarray(pc).tolist()}
            for name, (letters, ph, pc) in paths.items()
        },
        "projected": projected,
    }


def grid(path, title, history, all_x, right, held_out=(), subtitle=""):
    """Framing 6: every distinct input as a cell, first letter (across) x length (down).

    `right[i]` says whether the model predicted `all_x[i]`'s next letter; cells that cannot be
    drawn (runs past Y) stay blank; `held_out` inputs (lists of ints) get a black frame.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch, Rectangle

    max_len = max(len(run) for run in all_x)
    cells = np.full((max_len, len(common.ALPHABET) - 2), np.nan)  # lengths x first letters A..X
    for run, ok in zip(all_x, right):
        cells[len(run) - 1, run[0]] = 1.0 if ok else 0.0
    figure = _figure(12, 6.5)
    axes = figure.subplot_mosaic([["grid", "grid"], ["loss", "accuracy"]], height_ratios=[1, 1])
    board = axes["grid"]
    board.imshow(
        cells, cmap=ListedColormap(["tab:red", "tab:green"]), vmin=0, vmax=1, aspect="auto"
    )
    held = {tuple(run) for run in held_out}
    for run in all_x:
        if tuple(run) in held:
            board.add_patch(
                Rectangle(
                    (run[0] - 0.5, len(run) - 1.5),
                    1,
                    1,
                    fill=False,
                    edgecolor="black",
                    linewidth=2.5,
                )
            )
            board.text(run[0], len(run) - 1, "held\nout", ha="center", va="center", fontsize=6)
    board.set_xticks(range(cells.shape[1]), list(common.ALPHABET[: cells.shape[1]]))
    board.set_yticks(range(max_len), [str(n) for n in range(1, max_len + 1)])
    board.set(xlabel="first letter of the input", ylabel="letters in the input")
    share = 100 * sum(bool(ok) for ok in right) / len(right)
    board.set_title(
        f"Next letter right (green) or wrong (red) on each of the {len(all_x)} "
        f"distinct inputs: {share:.2f}%{subtitle}"
    )
    legend = [Patch(color="tab:green", label="right"), Patch(color="tab:red", label="wrong")]
    if held:
        legend.append(
            Patch(
                facecolor="none",
                edgecolor="black",
                linewidth=2.5,
                label="held out (never trained on)",
            )
        )
    board.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    _curves(axes["loss"], axes["accuracy"], history)
    figure.suptitle(title)
    _save(figure, path)
    return {
        "inputs": [_text(run) for run in all_x],
        "right": [bool(ok) for ok in right],
        "share": share,
    }


def memory(path, title, rows):
    """07: two bar charts, a bar per row: accuracy on the stream (with a tick at the best a model
    reading that many letters can do, and a diamond at a stateful row's mid-pattern probe) and
    cross-entropy on the stream (log scale). `rows` are dicts with "row", "kind" (stateless,
    stateful, control or random phase), "accuracy", "best_possible", "loss", "probe_accuracy"
    (None: no probe)."""
    from matplotlib.patches import Patch

    figure = _figure(12.5, 4.8)
    accuracy_axes, loss_axes = figure.subplots(1, 2, sharey=True, width_ratios=[3, 2])
    colors = {
        "stateless": "tab:gray",
        "stateful": "tab:blue",
        "control": "tab:red",
        "random phase": "tab:green",
    }
    numbers = np.arange(1, len(rows) + 1)
    color = [colors[row["kind"]] for row in rows]
    bars = accuracy_axes.barh(numbers, [row["accuracy"] for row in rows], color=color)
    accuracy_axes.bar_label(bars, labels=[f"{row['accuracy']:.2f}%" for row in rows], padding=3)
    best_ticks = accuracy_axes.scatter(
        [row["best_possible"] for row in rows], numbers, marker="|", s=500, color="black", zorder=3
    )
    probed = [
        (n, row["probe_accuracy"])
        for n, row in zip(numbers, rows)
        if row.get("probe_accuracy") is not None
    ]
    probe_marks = accuracy_axes.scatter(
        [p for _, p in probed],
        [n for n, _ in probed],
        marker="D",
        s=45,
        facecolor="white",
        edgecolor="black",
        zorder=4,
    )
    accuracy_axes.set_yticks(numbers, [f"{n}. {row['row']}" for n, row in zip(numbers, rows)])
    accuracy_axes.invert_yaxis()  # row 1 at the top, as in the table
    accuracy_axes.set(xlim=(0, 118), xlabel="accuracy on the stream, read from a reset (%)")
    loss_axes.barh(numbers, [row["loss"] for row in rows], color=color)
    loss_axes.set(xscale="log", xlabel="cross-entropy on the stream, log scale (lower: surer)")
    for axes in (accuracy_axes, loss_axes):
        axes.grid(axis="x", alpha=0.3)
    figure.suptitle(title)
    handles = [
        Patch(color=c, label=k)
        for k, c in zip(
            ("stateless", "stateful", "stateful, wrong layout", "stateful, random phase"),
            colors.values(),
        )
    ]
    figure.legend(
        handles=[*handles, best_ticks, probe_marks],
        labels=[
            *(h.get_label() for h in handles),
            "at best, reading that many letters",
            "read from a reset in mid-pattern (probe)",
        ],
        loc="outside lower center",
        ncols=3,
    )
    _save(figure, path)
    return {
        "rows": [row["row"] for row in rows],
        "accuracy": [row["accuracy"] for row in rows],
        "loss": [row["loss"] for row in rows],
        "probe_accuracy": [row.get("probe_accuracy") for row in rows],
    }


def study(rows, runs, path, subtitle):
    """reproduce.py --plot. One seed: bars, the article's figure against this run's. Several:
    every seed as a point, the mean with its 95% interval, the article's figure as a marker."""
    import textwrap

    from scipy import stats

    from study.rows import Refused

    figure = _figure(max(8, 0.9 * len(rows) + 2), 4.8)
    axes = figure.subplots()
    several = any(not isinstance(runs[r.label], Refused) and len(runs[r.label]) > 1 for r in rows)
    rng = np.random.default_rng(0)  # jitter of the points only
    labelled = set()

    def label(text):  # each legend entry once
        if text in labelled:
            return None
        labelled.add(text)
        return text

    drawn = {}
    for i, row in enumerate(rows):
        found = runs[row.label]
        if isinstance(found, Refused):
            axes.text(i, 2, "refused\non this\nbackend", ha="center", fontsize=7)
            continue
        values = np.array([row.value(f) for f in found])  # the row's figure (nested for some)
        drawn[row.label] = values.tolist()
        if several:
            axes.scatter(
                i + rng.uniform(-0.15, 0.15, len(values)),
                values,
                s=12,
                color="tab:blue",
                alpha=0.6,
                label=label("one seed"),
            )
            mean = values.mean()
            if len(values) > 1 and values.std() > 0:
                low, high = stats.t.interval(
                    0.95, len(values) - 1, loc=mean, scale=stats.sem(values)
                )
            else:
                low = high = mean
            axes.errorbar(
                i + 0.3,
                mean,
                yerr=[[mean - low], [high - mean]],
                fmt="o",
                color="black",
                capsize=3,
                markersize=4,
                label=label("mean, 95% CI"),
            )
        else:
            bar = axes.bar(i + 0.2, values[0], 0.4, color="tab:blue", label=label("this run"))
            axes.bar_label(bar, fmt="%.2f", fontsize=7)
        if row.article is not None:
            if several:
                axes.scatter(
                    i,
                    row.article,
                    marker="D",
                    s=40,
                    facecolor="none",
                    edgecolor="tab:red",
                    label=label("the article"),
                    zorder=3,
                )
            else:
                bar = axes.bar(
                    i - 0.2, row.article, 0.4, color="tab:gray", label=label("the article")
                )
                axes.bar_label(bar, fmt="%.2f", fontsize=7)
    labels = [
        row.label + "\n" + textwrap.fill(row.title, 14) + ("\n(control)" if row.control else "")
        for row in rows
    ]
    axes.set_xticks(range(len(rows)), labels, fontsize=7)
    axes.set(
        ylabel="each row's figure, % (accuracy, unless\nreproduce.py's text names another)",
        ylim=(0, 128),
        yticks=range(0, 101, 20),
    )
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper center", ncols=3, fontsize=8)
    axes.set_title(f"the article's framings and control runs\n{subtitle}", fontsize=10)
    _save(figure, path)
    return drawn
