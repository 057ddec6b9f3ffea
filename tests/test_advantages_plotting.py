"""The Advantages chapter's figures draw what they are given."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from relulib.plotting.advantages import (
    ACTIVATION_COLORS,
    draw_activation_curves,
    draw_cost_ratios,
    draw_descent_path,
    draw_firing_rates,
    draw_runs,
    draw_signal_profile,
    draw_sparsity_breakdown,
    draw_train_test,
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


@pytest.mark.parametrize("derivative", [False, True])
def test_activation_curves_show_the_three_functions_or_their_slopes(derivative):
    ax = draw_activation_curves(new_axes(), derivative=derivative)
    lines = {line.get_label(): line for line in ax.get_lines()[:3]}
    assert list(lines) == ["sigmoid", "tanh", "relu"]
    x = lines["sigmoid"].get_xdata()
    at = {name: np.interp([-2.0, 0.0, 2.0], x, lines[name].get_ydata()) for name in lines}
    if derivative:
        np.testing.assert_allclose(at["sigmoid"][1], 0.25)  # the peak of the sigmoid's slope
        np.testing.assert_allclose(at["tanh"][1], 1.0)
        np.testing.assert_allclose(at["relu"][[0, 2]], [0.0, 1.0])
        assert max(lines["sigmoid"].get_ydata()) <= 0.25
    else:
        np.testing.assert_allclose(at["sigmoid"][1], 0.5)
        np.testing.assert_allclose(at["tanh"], np.tanh([-2.0, 0.0, 2.0]), atol=1e-3)
        np.testing.assert_allclose(at["relu"], [0.0, 0.0, 2.0])
    assert lines["relu"].get_color() == ACTIVATION_COLORS["relu"]


def profiles():
    rng = np.random.default_rng(0)
    out = {}
    for name, step in [("relu", 0.95), ("sigmoid", 0.25)]:
        for depth in (3, 6):
            decay = step ** np.arange(depth - 1, -1, -1)  # last layer = 1
            out[(name, depth)] = decay * np.exp(rng.normal(0, 0.1, size=(4, depth)))
    return out


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
@pytest.mark.parametrize("depth", [3, 6])
def test_signal_profile_draws_the_seeds_geometric_mean_on_top(activation, depth):
    p = profiles()
    ax = draw_signal_profile(new_axes(), p, activation=activation, depth=depth)
    lines = ax.get_lines()
    assert len(lines) == 2  # the other activation faintly, then the chosen one
    expected = np.exp(np.log(p[(activation, depth)]).mean(axis=0))
    np.testing.assert_allclose(lines[-1].get_ydata(), expected)
    assert lines[-1].get_linewidth() > lines[0].get_linewidth()
    assert len(ax.collections) == 1  # the band of the seeds, for the chosen net only
    assert ax.get_yscale() == "log"
    assert ax.get_title().startswith(f"{activation}, depth {depth}: layer 1 / layer {depth} = ")
    assert ax.get_title().endswith("(geometric mean of 4 seeds)")
    assert all(float(t).is_integer() for t in ax.get_xticks())  # layers are whole numbers


def test_signal_profile_refuses_what_it_cannot_draw():
    p = profiles()
    with pytest.raises(ValueError, match="no profile for activation 'tanh'"):
        draw_signal_profile(new_axes(), p, activation="tanh", depth=3)
    zeros = {key: np.zeros_like(v) for key, v in p.items()}
    with pytest.raises(ValueError, match="no positive finite ratio"):
        draw_signal_profile(new_axes(), zeros, activation="relu", depth=3)


def test_signal_profile_limits_are_the_same_for_every_frame():
    p = profiles()
    limits = {draw_signal_profile(new_axes(), p, activation=a, depth=d).get_ylim() for a, d in p}
    assert len(limits) == 1


def test_runs_draw_one_line_per_seed_in_the_activations_colour():
    runs = {"relu": [[1.0, 0.5, 0.1], [1.0, 0.6, 0.2]], "tanh": [[1.0, 0.9, 0.8]]}
    ax = draw_runs(new_axes(), runs, ylabel="loss", log=True)
    lines = ax.get_lines()
    assert [line.get_color() for line in lines] == [ACTIVATION_COLORS["relu"]] * 2 + [
        ACTIVATION_COLORS["tanh"]
    ]
    np.testing.assert_array_equal(lines[0].get_xdata(), [0, 1, 2])
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["relu (2 runs)", "tanh (1 run)"]


def test_descent_path_shows_the_path_its_start_and_the_minimum_on_contours():
    path = np.array([[-1.0, 1.0], [-0.5, 1.2], [0.3, -0.4], [1.0, -1.0]])
    curvature = np.array([[0.3, 0.25], [0.25, 0.3]])
    ax = draw_descent_path(new_axes(), path, curvature, [1.0, -1.0], title="t")
    line, start, star = ax.get_lines()
    np.testing.assert_array_equal(line.get_xydata(), path)
    np.testing.assert_array_equal(start.get_xydata(), path[:1])
    np.testing.assert_array_equal(star.get_xydata(), [[1.0, -1.0]])
    assert ax.collections  # the contours
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < -1 and x1 > 1 and y0 < -1 and y1 > 1.2
    assert ax.get_title() == "t"


def test_sparsity_breakdown_stacks_live_zeros_on_dead_units():
    ax = draw_sparsity_breakdown(new_axes(), [0, 0.01, 0.1], [0.25, 0.5, 0.9], [0.4, 0.6, 1.0],
                                 [1.0, 0.9, 0.5])  # fmt: skip
    heights = [round(float(p.get_height()), 6) for p in ax.patches]
    assert heights == [25.0, 50.0, 90.0, 30.0, 30.0, 10.0]
    bottoms = [float(p.get_y()) for p in ax.patches[3:]]
    assert bottoms == [25.0, 50.0, 90.0]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [100, 90, 50])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "0.01", "0.1"]


@pytest.mark.parametrize(
    ("dead", "live", "accuracy", "name"),
    [([0.2, 1.5], [0.5, 0.5], [1.0, 1.0], "dead"), ([0.2, 0.5], [0.5], [1.0, 1.0], "live")],
)
def test_sparsity_breakdown_refuses_fractions_outside_0_1(dead, live, accuracy, name):
    with pytest.raises(ValueError, match=name):
        draw_sparsity_breakdown(new_axes(), [0.0, 0.1], dead, live, accuracy)


def test_train_test_draws_means_and_every_seed():
    train = [[1.0, 1.0, 0.97], [0.9, 0.95, 0.92]]
    test = [[0.8, 0.85, 0.9], [0.85, 0.88, 0.82]]
    ax = draw_train_test(new_axes(), ["relu", "relu + L1"], train, test)
    heights = [float(p.get_height()) for p in ax.patches]
    np.testing.assert_allclose(heights, 100 * np.r_[np.mean(train, 1), np.mean(test, 1)])
    dots = np.concatenate([line.get_ydata() for line in ax.get_lines()])
    np.testing.assert_allclose(np.sort(dots), np.sort(100 * np.r_[train, test].ravel()))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["relu", "relu + L1"]


def test_firing_rates_show_classes_as_rows():
    rates = np.array([[0.0, 1.0], [0.5, 0.25], [1.0, 0.0]])
    ax = draw_firing_rates(new_axes(), rates, classes=["a", "b"])
    np.testing.assert_array_equal(ax.images[0].get_array(), rates.T)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert ax.get_xlabel() == "hidden unit (of 3)"
