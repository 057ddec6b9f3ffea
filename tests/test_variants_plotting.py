"""Figures of the Variants chapter (and of repeated runs) draw headlessly on a Figure."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from relulib.plotting import runs as plotting_runs
from relulib.plotting.runs import draw_per_seed
from relulib.plotting.variants import (
    draw_maxout_tangents,
    draw_runs,
    draw_variant,
    maxout_tangent_error,
    second_derivative,
    tangent_max,
)


@pytest.mark.parametrize("variant", ["leaky_relu", "elu"])
@pytest.mark.parametrize("param", [0.0, 0.3, 2.0])
def test_draw_variant_two_panels(variant, param):
    ax_f, ax_df = draw_variant(Figure().subplots(1, 2), variant, param)
    assert len(ax_f.lines) == 2 + 2 and len(ax_df.lines) == 2 + 2  # + the axes lines
    assert ax_df.get_title() == f"{variant}'(x)"
    assert ax_df.get_ylim()[1] >= 1.1 * param


def test_draw_variant_rejects_unknown():
    with pytest.raises(ValueError, match="variant"):
        draw_variant(Figure().subplots(1, 2), "gelu", 1.0)


def test_tangent_max_below_square_and_touches():
    x = np.linspace(-1, 1, 1001)
    for k in (2, 3, 5):
        assert np.all(tangent_max(x, k) <= x**2 + 1e-12)
        a = np.linspace(-1, 1, k)
        assert np.allclose(tangent_max(a, k), a**2)
    with pytest.raises(ValueError, match="at least 2"):
        tangent_max(x, 1)
    with pytest.raises(TypeError, match="integer"):
        tangent_max(x, "3")
    with pytest.raises(TypeError, match="integer"):
        maxout_tangent_error(2.5)
    with pytest.raises(ValueError, match="n_grid"):
        maxout_tangent_error(3, n_grid=1)


@pytest.mark.parametrize("k", range(2, 9))
def test_maxout_error_formula(k):
    assert maxout_tangent_error(k) == pytest.approx((1 / (k - 1)) ** 2, rel=1e-12)


def test_draw_maxout_tangents():
    ax = draw_maxout_tangents(Figure().subplots(), 3)
    assert len(ax.lines) == 3 + 2
    assert "0.2500" in ax.get_title()


def test_draw_variant_third_panel_shows_the_jump_of_elu_second_derivative():
    axes = draw_variant(Figure().subplots(1, 3), "elu", 1.0)
    assert len(axes) == 3 and axes[2].get_title() == "elu''(x)"
    curve = axes[2].lines[1]  # after the dashed ReLU reference
    x, y = np.asarray(curve.get_xdata()), np.asarray(curve.get_ydata())
    left, right = x < 0, x > 0
    assert y[left][-1] == pytest.approx(1.0, abs=1e-3)  # alpha * e^0 from the left
    assert np.allclose(y[right], 0.0, atol=1e-6)  # the identity's f'' = 0 on the right
    assert np.isnan(y).sum() == 1  # one gap, at 0: the jump is not drawn as a wall


def test_draw_variant_rejects_a_wrong_number_of_axes():
    with pytest.raises(ValueError, match="two or three"):
        draw_variant(Figure().subplots(1, 4), "elu", 1.0)


def test_second_derivative_of_leaky_relu_is_zero_off_the_kink():
    from relulib import leaky_relu

    x = np.array([-2.0, -0.1, 0.1, 2.0])
    assert np.allclose(second_derivative(leaky_relu, x, 0.1), 0.0)


@pytest.mark.parametrize("spread", ["lines", "band"])
def test_draw_runs_draws_the_mean_of_each_setting(spread):
    runs = {"a": np.array([[0.0, 0.5, 1.0], [0.0, 1.0, 1.0]]), "b": np.zeros((3, 3))}
    ax = draw_runs(Figure().subplots(), runs, spread=spread, scale=100)
    means = [line for line in ax.lines if line.get_label() in runs]
    assert [line.get_label() for line in means] == ["a", "b"]
    assert means[0].get_ydata().tolist() == [0.0, 75.0, 100.0]
    assert len(ax.lines) == (2 + 3 + 2 if spread == "lines" else 2)
    assert len(ax.collections) == (0 if spread == "lines" else 2)


def test_draw_runs_rejects_an_unknown_spread():
    with pytest.raises(ValueError, match="spread"):
        draw_runs(Figure().subplots(), {"a": np.zeros((1, 2))}, spread="dots")


def test_draw_runs_of_the_variants_module_is_the_general_one():
    assert draw_runs is plotting_runs.draw_runs


def test_draw_runs_without_the_mean_labels_the_runs_and_sets_the_axes():
    runs = {"relu": [[1.0, 0.5], [1.0, 0.4]], "tanh": [1.0, 0.9]}
    ax = draw_runs(Figure().subplots(), runs, mean=False, ylabel="loss", log=True)
    labels = [line.get_label() for line in ax.lines if not line.get_label().startswith("_")]
    assert labels == ["relu (2 runs)", "tanh (1 run)"]
    assert len(ax.lines) == 3 and ax.get_yscale() == "log" and ax.get_ylabel() == "loss"


def test_draw_runs_mean_only():
    ax = draw_runs(Figure().subplots(), {"a": [[0.0, 2.0], [2.0, 2.0]]}, spread=None)
    assert len(ax.lines) == 1 and ax.lines[0].get_ydata().tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("kwargs", "runs", "error", "match"),
    [
        ({"spread": None, "mean": False}, {"a": [[1.0]]}, ValueError, "nothing"),
        ({}, {"a": np.zeros((2, 0))}, ValueError, "shape"),
        ({}, {"a": np.zeros((2, 2, 2))}, ValueError, "shape"),
        ({}, {"a": ["x", "y"]}, TypeError, "numbers"),
    ],
)
def test_draw_runs_rejects_what_it_cannot_draw(kwargs, runs, error, match):
    with pytest.raises(error, match=match):
        draw_runs(Figure().subplots(), runs, **kwargs)


def test_draw_per_seed_puts_a_dot_per_finite_seed_and_a_bar_at_the_mean():
    ax = draw_per_seed(
        Figure().subplots(), {"fast": [10, 20, np.nan], "slow": [30, 50]}, xlabel="epochs"
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == ["fast", "slow"]
    fast, slow = (c.get_offsets().data for c in ax.collections)
    assert fast[:, 0].tolist() == [10.0, 20.0] and set(fast[:, 1]) == {1.0}  # top row
    assert slow[:, 0].tolist() == [30.0, 50.0] and set(slow[:, 1]) == {0.0}
    assert [line.get_xdata()[0] for line in ax.lines] == [15.0, 40.0]
    assert ax.get_xlabel() == "epochs"


def test_draw_per_seed_rejects_empty_settings():
    with pytest.raises(ValueError, match="empty"):
        draw_per_seed(Figure().subplots(), {})
    with pytest.raises(ValueError, match="no finite value"):
        draw_per_seed(Figure().subplots(), {"a": [np.nan]})
