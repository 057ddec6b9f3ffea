"""Figures of the depth-and-folding chapter draw headlessly on a matplotlib Figure."""

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from relulib.plotting.folding import (
    draw_fold_stack,
    draw_paper_fold,
    draw_region_map,
    draw_tent,
    tent_power,
)


def test_tent_power_matches_relu_form_and_has_2k_pieces():
    x = np.linspace(0, 1, 1025)
    relu = lambda z: np.maximum(z, 0)  # noqa: E731
    assert np.allclose(tent_power(x, 1), 2 * relu(x) - 4 * relu(x - 0.5))
    assert np.array_equal(tent_power(x, 0), x)
    slopes = np.diff(tent_power(x, 3)) / np.diff(x)
    assert np.count_nonzero(np.diff(np.sign(slopes))) + 1 == 8


@pytest.mark.parametrize("depth", [0, 1, 4])
def test_draw_tent_draws_every_piece(depth):
    ax = draw_tent(Figure().subplots(), depth)
    pieces = [np.isfinite(line.get_xdata()).sum() // 2 for line in ax.lines[:2]]
    assert sum(pieces) == 2**depth
    assert ax.get_title().startswith(f"k = {depth}: {2**depth} linear")


def test_draw_fold_stack_rows():
    ax = draw_fold_stack(Figure().subplots(), 3, n_points=9)
    assert len(ax.get_yticks()) == 4
    assert len(ax.images) == 1 + 2 + 4 + 8  # 2^i sheets after i folds
    assert len(ax.collections) == 3 + 4  # segments per fold, points per row


def test_draw_fold_stack_sheets_run_backwards_on_odd_pieces():
    ax = draw_fold_stack(Figure().subplots(), 1)
    forward, backward = (image.get_array()[0, :, 1] for image in ax.images[1:])
    assert forward[0] < forward[-1] and backward[0] > backward[-1]  # viridis green rises


def test_draw_region_map_uses_one_polycollection():
    squares = [[[0, 0], [1, 0], [1, 1], [0, 1]], [[1, 0], [2, 0], [2, 1], [1, 1]]]
    ax = draw_region_map(Figure().subplots(), squares)
    assert [type(c) for c in ax.collections] == [PolyCollection]
    assert ax.get_title() == "2 regions"
    assert ax.get_xlim() == (0.0, 2.0)
    assert draw_region_map(Figure().subplots(), squares, title="t").get_title() == "t"


@pytest.mark.parametrize("depth", [0, 2])
def test_draw_paper_fold_titles(depth):
    axes = draw_paper_fold(Figure().subplots(1, 2), depth, resolution=16)
    assert axes[1].get_title() == f"input square: {4**depth} copies of the cut"
    assert len(axes[1].lines) == 2 * (2**depth - 1)
