"""The Properties chapter's figures draw what their titles say."""

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

import relulib
from relulib.plotting import (
    ACTIVE,
    INACTIVE,
    draw_active_fraction,
    draw_decision_regions,
    draw_hinge_fit,
    draw_output_histogram,
)
from relulib.plotting.properties import draw_arccos_kernel, draw_power_laws


def new_axes():
    return Figure().subplots()


@pytest.mark.parametrize("n", [1, 4, 16])
def test_hinge_fit_marks_one_kink_per_unit_on_the_fitted_curve(n):
    ax = draw_hinge_fit(new_axes(), n=n)
    _, fit_line, kinks = ax.get_lines()[:3]
    assert kinks.get_xdata().size == n
    np.testing.assert_allclose(
        np.interp(kinks.get_xdata(), fit_line.get_xdata(), fit_line.get_ydata()),
        kinks.get_ydata(),
        atol=1e-9,
    )
    assert ax.get_title().startswith(f"n = {n} hinges: max error ")


def test_hinge_fit_error_in_title_falls_with_n():
    def error(n):
        return float(draw_hinge_fit(new_axes(), n=n).get_title().rsplit(" ", 1)[1])

    assert error(16) < error(4) < error(1)


def test_output_histogram_point_mass_is_the_fraction_of_zeros():
    z = np.random.default_rng(1).standard_normal(10_000)
    ax = draw_output_histogram(new_axes(), z)
    stem = ax.get_lines()[0]
    assert stem.get_ydata()[1] == pytest.approx(np.mean(relulib.relu(z) == 0))
    (bars,) = ax.patches
    values, edges = bars.get_data().values, bars.get_data().edges
    assert np.sum(values * np.diff(edges)) == pytest.approx(np.mean((z > 0) & (z <= 4.0)))


@pytest.mark.parametrize(("bias", "percent"), [(-1.0, 15.9), (0.0, 49.8), (1.0, 84.1)])
def test_active_fraction_title_follows_the_normal_cdf(bias, percent):
    title = draw_active_fraction(new_axes(), bias=bias).get_title()
    assert float(title.split(": ")[1].split(" %")[0]) == pytest.approx(percent, abs=1.0)


def test_active_fraction_shades_only_positive_pre_activations_as_active():
    ax = draw_active_fraction(new_axes(), bias=0.5)
    inactive, active = ax.patches
    assert inactive.get_facecolor()[:3] == pytest.approx(to_rgb(INACTIVE))
    assert active.get_facecolor()[:3] == pytest.approx(to_rgb(ACTIVE))
    assert inactive.get_data().edges.max() == 0 == active.get_data().edges.min()
    z = np.random.default_rng(0).standard_normal(20_000) + 0.5
    area = np.sum(active.get_data().values * np.diff(active.get_data().edges))
    assert area == pytest.approx(np.mean((z > 0) & (z <= 5.0)))


def test_decision_regions_draw_the_data_and_the_boundary():
    X = np.array([[0.0, 0.0], [2.0, 2.0], [1.0, 0.0]])
    y = np.array([0, 1, 0])
    ax = draw_decision_regions(new_axes(), lambda p: p[:, 0] + p[:, 1] - 2, X, y, title="t")
    assert ax.get_title() == "t"
    assert sum(c.get_offsets().shape[0] for c in ax.collections if hasattr(c, "get_offsets")) >= 3


def test_hinge_sum_is_the_network_output_with_its_kinks_marked():
    from relulib.plotting import draw_hinge_sum

    w, b, v = np.array([1.0, -2.0, 0.0]), np.array([0.5, 1.0, 3.0]), np.array([1.0, 1.0, 2.0])
    ax = draw_hinge_sum(new_axes(), w, b, v)
    output, kinks = ax.get_lines()[3:5]
    x = output.get_xdata()
    np.testing.assert_allclose(output.get_ydata(), relulib.relu(np.outer(x, w) + b) @ v)
    np.testing.assert_allclose(np.sort(kinks.get_xdata()), [-0.5, 0.5])
    assert ax.get_title() == "3 hidden units: 2 kinks, 3 linear pieces"


def test_power_laws_draw_each_curve_and_its_reference_through_its_first_point():
    n = np.array([2.0, 4.0, 8.0])
    ax = draw_power_laws(
        new_axes(),
        n,
        {"fit": 3 / n**2, "bound": 5 / n**2},
        references={"fit": -2},
        dashed=["bound"],
    )
    _, reference, bound = ax.get_lines()
    np.testing.assert_allclose(reference.get_ydata(), 3 / n**2)
    assert bound.get_linestyle() == "--" and ax.get_xscale() == ax.get_yscale() == "log"


@pytest.mark.parametrize("width", [10, 10_000])
def test_arccos_kernel_figure_shows_the_exact_kernel_and_the_random_layer(width):
    ax = draw_arccos_kernel(new_axes(), width=width, points=31)
    exact, empirical = ax.get_lines()
    theta = exact.get_xdata()
    expected = (np.sin(theta) + (np.pi - theta) * np.cos(theta)) / np.pi
    np.testing.assert_allclose(exact.get_ydata(), expected, atol=1e-12)
    gap = np.max(np.abs(empirical.get_ydata() - expected))
    assert ax.get_title() == f"width {width}: largest gap {gap:.2g}"


def test_a_wider_random_layer_is_closer_to_the_kernel():
    def gap(width):
        return float(draw_arccos_kernel(new_axes(), width=width).get_title().rsplit(" ", 1)[1])

    assert gap(100_000) < gap(1000) < gap(10)
