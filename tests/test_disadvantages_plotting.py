"""The Disadvantages chapter's figures draw what they are given, headlessly."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from relulib.plotting.disadvantages import (
    draw_confidence_along_rays,
    draw_confidence_map,
    draw_dead_fraction,
    draw_layer_maxima,
    draw_layer_stds,
    draw_preactivation_shift,
)


def axes():
    return Figure().subplots()


def test_dead_fraction_highlights_the_chosen_run():
    runs = {0.1: [0.0, 0.1, 0.1], 1.0: [0.0, 0.5, 0.9]}
    ax = draw_dead_fraction(axes(), runs, lr=1.0)
    assert len(ax.lines) == 2
    chosen = ax.lines[-1]
    np.testing.assert_allclose(chosen.get_ydata(), [0, 50, 90])
    assert chosen.get_linewidth() > ax.lines[0].get_linewidth()
    assert "90 %" in ax.get_title() and "2 epochs" in ax.get_title()


def test_dead_fraction_rejects_an_unknown_rate():
    with pytest.raises(KeyError, match=r"lr=0\.5"):
        draw_dead_fraction(axes(), {0.1: [0.0]}, lr=0.5)


def test_layer_maxima_skips_overflow_and_marks_it():
    maxima = {"a": [1.0, 10.0, math.inf, math.nan], "b": [1.0, 2.0, 3.0, 4.0]}
    ax = draw_layer_maxima(axes(), maxima, limit=5.0)
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 10.0])
    cross = ax.lines[1]
    assert cross.get_marker() == "x" and cross.get_xdata()[0] == 3
    assert ax.lines[-1].get_ydata()[0] == 5.0  # the dashed limit
    assert len(ax.lines) == 4


def test_layer_stds_draws_log2_ratios_up_to_depth():
    profiles = {"he": [1.0, 2.0, 2.0, 2.0, 2.0], "xavier": [1.0, 1.0, 0.5, 0.25, 0.125]}
    ax = draw_layer_stds(axes(), profiles, init="xavier", depth=3)
    red = ax.lines[1]
    np.testing.assert_allclose(red.get_ydata(), [0.0, -1.0, -2.0])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.0, 0.0, 0.0])
    assert ax.get_title() == "xavier, 3 layers: log2(σ_3 / σ_1) = -2.0"


def test_layer_stds_validates():
    with pytest.raises(KeyError, match="init='lecun'"):
        draw_layer_stds(axes(), {"he": [1.0, 1.0]}, init="lecun", depth=1)
    with pytest.raises(ValueError, match="depth=5"):
        draw_layer_stds(axes(), {"he": [1.0, 1.0]}, init="he", depth=5)


def test_preactivation_shift_shades_the_off_side_and_reports_firing():
    before, after = [-1.0, 0.5, 2.0, 3.0], [-4.0, -2.0, -0.5, -0.1]
    ax = draw_preactivation_shift(axes(), before, after, bins=10)
    assert ax.get_title() == "fires on 75 % of the inputs before, on 0 % after"
    shaded, bars = ax.patches[0], ax.patches[2:]  # the span z <= 0, the "after" bars
    assert shaded.get_x() < -4.0 and shaded.get_x() + shaded.get_width() == 0.0
    lo, hi = ax.get_xlim()
    assert lo < -4.0 and hi > 3.0  # both histograms fit
    assert sum(bar.get_height() for bar in bars) == len(after)  # each input counted once
    assert all(bar.get_x() + bar.get_width() <= 0.0 for bar in bars if bar.get_height())
    assert ax.get_ylim()[1] > 1.2 * max(bar.get_height() for bar in bars)  # legend room


def test_preactivation_shift_keeps_zero_in_view():
    ax = draw_preactivation_shift(axes(), [1.0, 2.0], [3.0, 4.0])
    lo, _ = ax.get_xlim()
    assert lo < 0.0
    assert "on 100 % after" in ax.get_title()


def test_confidence_map_evaluates_once_on_the_grid_and_reports_the_certain_share():
    calls = []

    def confidence(points):
        calls.append(points.shape)
        return np.where(np.abs(points[:, 0]) > 1.0, 0.999, 0.6)  # certain for |x| > 1

    X, y = np.array([[0.0, 0.0], [0.5, 0.5]]), np.array([0, 1])
    ax = draw_confidence_map(axes(), confidence, X, y, lo=-4, hi=4, steps=40, rays=[(1, 0)])
    assert calls == [(1600, 2)]
    share = np.mean(np.abs(np.linspace(-4, 4, 40)) > 1.0)
    assert ax.get_title() == f"confidence > 0.99 on {100 * share:.0f} % of the square"
    image = ax.get_images()[0]
    assert image.get_array().shape == (40, 40) and image.get_clim() == (0.5, 1.0)
    assert ax.get_xlim() == (-4, 4) and ax.get_ylim() == (-4, 4)
    ray = ax.lines[0]
    assert ray.get_xdata()[0] == 0 and ray.get_xdata()[1] > 4 and ray.get_ydata()[1] == 0
    assert len(ax.collections) >= 2  # the 0.99 contour and one scatter per class
    assert len(ax.figure.axes) == 2  # and a colour bar


def test_confidence_along_rays_is_a_log_plot_without_zeros():
    t = np.array([0.0, 1.0, 2.0, 3.0])
    doubts = {"a": [0.5, 1e-3, 1e-9, 0.0], "b": [0.4, 0.3, 0.2, 0.1]}
    ax = draw_confidence_along_rays(axes(), t, doubts, data_radius=1.5)
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [0.0, 1.0, 2.0])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.4, 0.3, 0.2, 0.1])
    span = ax.patches[0]
    assert span.get_x() == 0.0 and span.get_width() == 1.5
    assert ax.get_xlim() == (0.0, 3.0) and ax.get_ylim()[1] == 1.0
