"""Figures are pure functions of their parameters that draw on the Axes they are given."""

import numpy as np
import pytest
from matplotlib.figure import Figure

import relulib
from relulib.plotting import draw_activation, draw_derivative, draw_hinge


def new_axes():
    return Figure().subplots()


@pytest.mark.parametrize(("w", "b", "kink"), [(2.0, 1.0, -0.5), (-1.0, 1.0, 1.0), (1.0, 0.0, 0.0)])
def test_hinge_marks_its_kink_at_minus_b_over_w(w, b, kink):
    ax = draw_hinge(new_axes(), w=w, b=b)
    assert ax.get_title().endswith(f"kink at x = {kink:g}")
    vertical_lines = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert vertical_lines and vertical_lines[0].get_xdata()[0] == pytest.approx(kink)


def test_hinge_output_is_relu_of_the_pre_activation():
    ax = draw_hinge(new_axes(), w=1.5, b=-0.5)
    _, inactive, active = ax.get_lines()[:3]
    x = active.get_xdata()
    output = np.where(np.isnan(active.get_ydata()), inactive.get_ydata(), active.get_ydata())
    np.testing.assert_array_equal(output, relulib.relu(1.5 * x - 0.5))


def test_flat_hinge_has_no_kink():
    assert draw_hinge(new_axes(), w=0.0, b=1.0).get_title().endswith("no kink (constant output)")


def test_derivative_marks_the_value_at_zero_that_grad_returns():
    ax = draw_derivative(new_axes())
    filled_dot = ax.get_lines()[3]
    assert filled_dot.get_ydata()[0] == relulib.relu.grad(np.array(0.0))


def test_activation_graph_is_the_function():
    ax = draw_activation(new_axes())
    for line in ax.get_lines()[:2]:
        np.testing.assert_array_equal(line.get_ydata(), relulib.relu(line.get_xdata()))
