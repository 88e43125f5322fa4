"""plots.py on made-up numbers: what each panel draws, without training a model.

The scripts' pictures of real models are checked in test_scripts.py (the numbers behind each
panel against what the script printed) and test_notebook.py (inline, backend kept).
"""

import os
import types

import matplotlib
import matplotlib.figure
import numpy as np
import pytest

from study import plots

HISTORY = types.SimpleNamespace(history={"loss": [3.0, 2.0, 1.0], "accuracy": [0.1, 0.5, 1.0]})


@pytest.fixture
def drawn(monkeypatch):
    """What each saved figure held: its axes' titles and line data."""
    figures = []
    original = matplotlib.figure.Figure.savefig

    def savefig(figure, *args, **kwargs):
        figures.append(
            {
                axes.get_title(): [list(line.get_ydata()) for line in axes.get_lines()]
                for axes in figure.axes
            }
        )
        return original(figure, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    return figures


def check_png(path):
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.listdir(path.parent) == [path.name]  # no temporary file left beside it


def test_predictions_draws_the_curves_and_one_row_of_probabilities_per_input(tmp_path, drawn):
    backend = matplotlib.get_backend()
    probabilities = np.full((3, 26), 0.01)
    probabilities[0, 1] = probabilities[1, 2] = 0.9  # A -> B, B -> C right
    probabilities[2, 0] = 0.9  # C -> A wrong
    target = tmp_path / "p.png"
    found = plots.predictions(
        str(target), "a title", HISTORY, [[0], [1], [2]], [1, 2, 3], probabilities
    )
    assert found["inputs"] == ["A", "B", "C"] and found["right"] == ["B", "C", "D"]
    assert np.array_equal(found["probabilities"], probabilities)
    (figure,) = drawn
    assert figure["Loss (cross-entropy) per epoch"] == [[3.0, 2.0, 1.0]]
    assert figure["Accuracy on the training batches"] == [[10.0, 50.0, 100.0]]  # in %
    assert "Probability of each next letter: 2 of 3 right" in figure
    check_png(target)
    assert matplotlib.get_backend() == backend  # drawn on its own Figure


def test_states_projects_every_path_on_one_plane_so_same_states_coincide(tmp_path):
    rng = np.random.default_rng(0)
    h, c = rng.normal(size=(25, 4)), rng.normal(size=(25, 4))
    walk = "ABCDEFGHIJKLMNOPQRSTUVWXY"
    # A counting model: K..O takes the state where A..E took it; a reading one would not.
    paths = {"same as A..E": ("KLMNO", h[:5], c[:5]), "elsewhere": ("ZZZ", h[:3] + 5, c[:3])}
    found = plots.states(str(tmp_path / "s.png"), "a title", HISTORY, walk, h, c, paths)
    assert np.allclose(found["projected"]["same as A..E"], found["projected"]["walk"][:5])
    assert not np.allclose(found["projected"]["elsewhere"], found["projected"]["walk"][:3])
    assert np.shape(found["h"]) == (25, 4) and found["walk"] == walk
    check_png(tmp_path / "s.png")


def test_grid_puts_each_input_at_its_first_letter_and_length(tmp_path, drawn):
    all_x = [[0], [0, 1], [1], [1, 2, 3]]
    found = plots.grid(
        str(tmp_path / "g.png"),
        "a title",
        HISTORY,
        all_x,
        [True, False, True, True],
        held_out=[[1, 2, 3]],
    )
    assert found == {
        "inputs": ["A", "AB", "B", "BCD"],
        "right": [True, False, True, True],
        "share": 75.0,
    }
    (figure,) = drawn
    assert any("4 distinct inputs: 75.00%" in title for title in figure)
    check_png(tmp_path / "g.png")
