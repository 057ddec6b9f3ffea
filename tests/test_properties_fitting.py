"""A sum of hinges with fixed kinks, fitted by least squares (relulib.fitting)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import relulib
from relulib.fitting import (
    HingeFit,
    fit_hinges,
    grid_kinks,
    hinge_features,
    interpolating_hinges,
    power_law_exponent,
)

finite = st.floats(-10, 10, allow_nan=False)


def test_features_are_one_relu_unit_per_kink():
    x = np.linspace(-2, 2, 9)
    kinks = [-1.0, 0.5]
    features = hinge_features(x, kinks)
    assert features.shape == (9, 2)
    for j, k in enumerate(kinks):
        np.testing.assert_array_equal(features[:, j], relulib.relu(x - k))


def test_grid_kinks_start_at_the_left_end_and_split_evenly():
    kinks = grid_kinks(-np.pi, np.pi, 8)
    assert kinks[0] == -np.pi and kinks.size == 8
    np.testing.assert_allclose(np.diff(kinks), 2 * np.pi / 8)


@pytest.mark.parametrize("n", [0, -1, 2.5])
def test_grid_kinks_reject_a_bad_count(n):
    with pytest.raises(ValueError, match="n: expected a positive number"):
        grid_kinks(0.0, 1.0, n)


@given(st.lists(finite, min_size=1, max_size=4), st.lists(finite, min_size=1, max_size=4), finite)
def test_a_sum_of_hinges_is_recovered_exactly(kinks, weights, bias):
    n = min(len(kinks), len(weights))
    kinks = np.unique(np.round(kinks[:n], 1))
    weights = np.array(weights[: kinks.size])
    truth = HingeFit(kinks, weights, bias)
    x = np.linspace(-11, 11, 441)
    fit = fit_hinges(x, truth(x), kinks)
    np.testing.assert_allclose(fit(x), truth(x), atol=1e-8 * (1 + np.abs(truth(x)).max()))


def test_sine_error_shrinks_like_one_over_n_squared():
    x = np.linspace(-np.pi, np.pi, 2001)
    errors = [
        np.abs(fit_hinges(x, np.sin(x), grid_kinks(-np.pi, np.pi, n))(x) - np.sin(x)).max()
        for n in (8, 16, 32)
    ]
    assert errors[0] / errors[1] == pytest.approx(4, rel=0.2)
    assert errors[1] / errors[2] == pytest.approx(4, rel=0.2)


def test_fit_keeps_the_shape_of_its_input_and_rejects_mismatched_data():
    fit = fit_hinges([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [0.0])
    assert fit(np.zeros((2, 3))).shape == (2, 3)
    with pytest.raises(ValueError, match="x, y: expected the same number"):
        fit_hinges([0.0, 1.0], [0.0], [0.0])


knot_sets = (
    st.lists(st.floats(-10, 10, allow_nan=False), min_size=2, max_size=8, unique=True)
    .map(lambda ks: np.sort(np.round(ks, 2)))
    .filter(lambda ks: np.all(np.diff(ks) > 0))
)


@given(knot_sets, st.data())
def test_interpolating_hinges_join_the_points_by_straight_lines(knots, data):
    values = np.array(data.draw(st.lists(finite, min_size=knots.size, max_size=knots.size)))
    fit = interpolating_hinges(knots, values)
    assert fit.kinks.size == knots.size - 1
    x = np.linspace(knots[0], knots[-1], 301)
    scale = 1 + np.abs(values).max() * (1 + 1 / np.diff(knots).min())
    np.testing.assert_allclose(fit(x), np.interp(x, knots, values), atol=1e-9 * scale)
    np.testing.assert_allclose(fit(knots), values, atol=1e-9 * scale)


def test_interpolating_sine_meets_the_textbook_bound():
    """|f - interpolant| <= h^2/8 max|f''|, and halving h divides the error by four."""
    x = np.linspace(-np.pi, np.pi, 4001)

    def error(n):
        knots = np.linspace(-np.pi, np.pi, n + 1)
        return np.abs(interpolating_hinges(knots, np.sin(knots))(x) - np.sin(x)).max()

    for n in (4, 8, 16, 32):
        assert error(n) <= (2 * np.pi / n) ** 2 / 8
    assert error(16) / error(32) == pytest.approx(4, rel=0.05)


@pytest.mark.parametrize(
    ("knots", "values", "fragment"),
    [
        ([0.0], [1.0], "at least two knots"),
        ([0.0, 1.0], [1.0], "one value per knot"),
        ([0.0, 0.0, 1.0], [1.0, 2.0, 3.0], "strictly increasing"),
        ([0.0, np.nan], [1.0, 2.0], "finite"),
    ],
)
def test_interpolating_hinges_reject_bad_knots(knots, values, fragment):
    with pytest.raises(ValueError, match=fragment):
        interpolating_hinges(knots, values)


@given(st.floats(-3, 3), st.floats(0.1, 10))
def test_power_law_exponent_recovers_the_exponent(p, c):
    x = np.array([1.0, 3.0, 10.0, 30.0])
    assert power_law_exponent(x, c * x**p) == pytest.approx(p, abs=1e-9)


def test_power_law_exponent_rejects_what_has_no_logarithm():
    with pytest.raises(ValueError, match="positive numbers"):
        power_law_exponent([1.0, 2.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="same length"):
        power_law_exponent([1.0, 2.0], [1.0])
