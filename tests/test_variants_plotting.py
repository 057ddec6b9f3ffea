"""Figures of the Variants chapter draw headlessly on a matplotlib Figure."""

import numpy as np
import pytest
from matplotlib.figure import Figure

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
    with pytest.raises(ValueError):
        tangent_max(x, 1)


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
