"""Figures of the chapter on ReLU today draw headlessly; the sharpened activations are right."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

import relulib
from relulib.plotting.today import (
    SMOOTH_RELATIVES,
    distance_to_relu,
    draw_accuracy_by_seed,
    draw_learning_curves,
    draw_quantisation_grid,
    draw_smooth_relative,
    sharpened,
)

X = np.linspace(-4, 4, 101)


@pytest.mark.parametrize("name", sorted(SMOOTH_RELATIVES))
@pytest.mark.parametrize("beta", [0.5, 1.0, 4.0])
def test_sharpened_is_f_of_beta_x_over_beta(name, beta):
    f, df = sharpened(name, beta)
    g = SMOOTH_RELATIVES[name]
    np.testing.assert_allclose(f(X), g(beta * X) / beta, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(df(X), g.grad(beta * X), rtol=1e-12, atol=1e-15)
    h = 1e-6  # the derivative is the slope of the function
    np.testing.assert_allclose(df(X), (f(X + h) - f(X - h)) / (2 * h), atol=1e-6)


def test_sharpened_at_one_is_the_activation_and_rejects_bad_input():
    f, _ = sharpened("gelu", 1.0)
    np.testing.assert_array_equal(f(X), relulib.gelu(X))
    with pytest.raises(ValueError, match="name"):
        sharpened("relu", 1.0)
    with pytest.raises(ValueError, match="beta"):
        sharpened("silu", 0.0)


@pytest.mark.parametrize("name", ["gelu", "silu", "mish"])
def test_distance_to_relu_shrinks_as_one_over_beta(name):
    d1, x1 = distance_to_relu(sharpened(name, 1.0)[0])
    d4, x4 = distance_to_relu(sharpened(name, 4.0)[0])
    assert d4 == pytest.approx(d1 / 4, rel=1e-6)
    assert abs(x4) == pytest.approx(abs(x1) / 4, abs=2e-4)


def test_distance_to_relu_known_values():
    assert distance_to_relu(relulib.softplus) == (math.log(2), 0.0)
    assert distance_to_relu(relulib.relu) == (0.0, 0.0)
    d, x = distance_to_relu(relulib.silu)
    assert d == pytest.approx(0.2784645, abs=1e-6) and abs(x) == pytest.approx(1.2785, abs=1e-3)


@pytest.mark.parametrize("name", sorted(SMOOTH_RELATIVES))
def test_draw_smooth_relative_three_panels(name):
    axes = draw_smooth_relative(Figure().subplots(1, 3), name, 2.0)
    assert name in axes[0].get_title() and "β = 2" in axes[0].get_title()
    assert [t.get_title() for t in axes[1:]] == ["derivative f′(x)", "gate f(x) / x"]
    for ax in axes:
        assert len(ax.lines) == 2 + 2  # the curve, ReLU's, and the two axis lines


def test_draw_quantisation_grid_marks_every_level():
    ax = draw_quantisation_grid(Figure().subplots(), np.array([0.0, 0.5, 3.0]), 6.0, 3, label="a")
    assert len(ax.lines) == 2**3
    assert ax.get_title() == "a: range [0, 6], 3 bits: step 0.857"
    ax = draw_quantisation_grid(Figure().subplots(), np.array([1.0, 6.0, 6.0]), 6.0, 2, log=True)
    assert ax.get_yscale() == "log"


def test_draw_learning_curves_and_accuracy_by_seed():
    curves = {"a": np.array([[0.1, 0.9], [0.2, 0.8]]), "b": np.array([[0.5, 0.6]])}
    ax = draw_learning_curves(Figure().subplots(), curves, colors={"a": "red"})
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [15, 85])
    ax = draw_accuracy_by_seed(Figure().subplots(), {"a": [0.9, 0.8], "b": [0.5]})
    assert len(ax.lines) == 4
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [85, 85])
