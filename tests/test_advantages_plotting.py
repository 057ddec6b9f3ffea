"""The Advantages chapter's figures draw what they are given."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from relulib.plotting.advantages import (
    draw_cost_ratios,
    draw_firing_rates,
    draw_gradient_profile,
    draw_sparsity_tradeoff,
)


def new_axes():
    return Figure().subplots()


def test_cost_ratios_draw_one_bar_per_name_and_series_with_reference_at_one():
    ratios = {"fwd": [1.0, 2.0, 5.0], "bwd": [1.0, 1.5, 3.0]}
    ax = draw_cost_ratios(new_axes(), ["relu", "tanh", "gelu"], ratios)
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == sorted(ratios["fwd"] + ratios["bwd"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["relu", "tanh", "gelu"]
    assert ax.get_lines()[0].get_xdata()[0] == 1.0
    assert ax.get_xscale() == "log"
    assert ax.get_xlim()[0] <= 0.5


PROFILES = {
    (name, depth): list(np.geomspace(scale**depth, 1.0, depth))
    for name, scale in [("relu", 0.9), ("sigmoid", 0.25)]
    for depth in (3, 6)
}


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
@pytest.mark.parametrize("depth", [3, 6])
def test_gradient_profile_highlights_the_chosen_net_last(activation, depth):
    ax = draw_gradient_profile(new_axes(), PROFILES, activation=activation, depth=depth)
    lines = ax.get_lines()
    assert len(lines) == 2  # the other activation at the same depth, then the chosen one
    np.testing.assert_allclose(lines[-1].get_ydata(), PROFILES[(activation, depth)])
    assert lines[-1].get_linewidth() > lines[0].get_linewidth()
    assert ax.get_yscale() == "log"
    assert ax.get_title().startswith(f"{activation}, depth {depth}: layer 1 / last = ")


def test_gradient_profile_limits_are_the_same_for_every_frame():
    limits = {
        draw_gradient_profile(new_axes(), PROFILES, activation=a, depth=d).get_ylim()
        for a, d in PROFILES
    }
    assert len(limits) == 1


def test_sparsity_tradeoff_plots_percentages_at_equal_spacing():
    ax = draw_sparsity_tradeoff(new_axes(), [0, 0.01, 0.1], [0.5, 0.8, 0.9], [1.0, 0.9, 0.5])
    zeros, acc = ax.get_lines()
    np.testing.assert_allclose(zeros.get_ydata(), [50, 80, 90])
    np.testing.assert_allclose(acc.get_ydata(), [100, 90, 50])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "0.01", "0.1"]


def test_firing_rates_show_classes_as_rows():
    rates = np.array([[0.0, 1.0], [0.5, 0.25], [1.0, 0.0]])
    ax = draw_firing_rates(new_axes(), rates, classes=["a", "b"])
    np.testing.assert_array_equal(ax.images[0].get_array(), rates.T)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert ax.get_xlabel() == "hidden unit (of 3)"


def test_gradient_profile_leaves_room_for_labels_without_a_layout_engine():
    fig = Figure()
    draw_gradient_profile(fig.subplots(), PROFILES, activation="relu", depth=3)
    assert fig.subplotpars.bottom == pytest.approx(0.16)
    constrained = Figure(layout="constrained")
    draw_gradient_profile(constrained.subplots(), PROFILES, activation="relu", depth=3)
    assert constrained.get_layout_engine() is not None
