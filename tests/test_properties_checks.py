"""The Properties chapter's exercise checks pass right answers and explain wrong ones."""

import math

import numpy as np
import pytest

import relulib
import relulib.fitting
from relulib.checks import check_fraction_active, check_hat
from relulib.checks.properties import check_hinge_interpolant

relu = relulib.relu


def normal_cdf(b):
    return 0.5 * (1 + math.erf(b / math.sqrt(2)))


def monte_carlo(b, n=200_000):
    z = np.random.default_rng(0).standard_normal(n)
    return np.mean(z + b > 0)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: relu(x + 1) - 2 * relu(x) + relu(x - 1),
        lambda x: np.maximum(0, 1 - np.abs(x)),
    ],
)
def test_correct_hats_pass(fn):
    report = check_hat(fn)
    assert report.passed, str(report)


@pytest.mark.parametrize(
    ("fn", "region", "fragment"),
    [
        (lambda x: relu(x + 1) - 2 * relu(x), "right of 1", "third hinge"),
        (lambda x: relu(x + 1) - relu(x) + relu(x - 1), "between 0 and 1", "weight -2"),
        (lambda x: relu(x + 2) - 2 * relu(x) + relu(x - 1), "left of -1", "starts at x = -1"),
        (lambda x: 2 * relu(x + 1) - 4 * relu(x) + 2 * relu(x - 1), "the peak", "is 1"),
    ],
)
def test_wrong_hats_name_the_region_and_the_fix(fn, region, fragment):
    report = check_hat(fn)
    assert not report
    failures = [f for f in report.failures if f.startswith(region)]
    assert failures and fragment in failures[0]


def test_hat_check_reports_errors_and_non_functions():
    assert "raised ZeroDivisionError" in str(check_hat(lambda x: 1 / 0))
    assert "expected a function" in str(check_hat(None))


@pytest.mark.parametrize("fn", [normal_cdf, monte_carlo])
def test_exact_and_monte_carlo_fractions_pass(fn):
    report = check_fraction_active(fn)
    assert report.passed, str(report)


@pytest.mark.parametrize(
    ("fn", "fragment"),
    [
        (lambda b: 1 - normal_cdf(b), "fraction of inactive units"),
        (lambda b: 100 * normal_cdf(b), "looks like a percentage"),
        (lambda b: 0.5 + 0.1 * b, "probability Phi(b)"),
        (lambda b: 0.3, "half are active"),
        (lambda b: "x", "ValueError"),
    ],
)
def test_wrong_fractions_get_a_teaching_message(fn, fragment):
    report = check_fraction_active(fn)
    assert not report
    assert any(fragment in failure for failure in report.failures), str(report)


def test_a_decreasing_fraction_is_named():
    report = check_fraction_active(lambda b: 1 - normal_cdf(b))
    assert any(failure.startswith("growth") for failure in report.failures)
    assert "expected a function" in str(check_fraction_active(0.5))


def test_a_repeated_mistake_is_explained_once():
    report = check_fraction_active(lambda b: 1 - normal_cdf(b))
    explained = [f for f in report.failures if "fraction of inactive units" in f]
    repeated = [f for f in report.failures if f.endswith("(Same reason as above.)")]
    assert len(explained) == 1 and len(repeated) == 4


def right_interpolant(knots, values):
    slopes = np.diff(values) / np.diff(knots)
    return values[0], np.diff(slopes, prepend=0.0)


def test_a_right_hinge_interpolant_passes():
    report = check_hinge_interpolant(right_interpolant)
    assert report.passed, str(report)
    fit = relulib.fitting.interpolating_hinges
    assert check_hinge_interpolant(lambda k, v: (fit(k, v).bias, fit(k, v).weights)).passed


@pytest.mark.parametrize(
    ("fn", "fragment"),
    [
        (lambda k, v: (v[0], np.diff(v) / np.diff(k)), "slopes of the pieces"),
        (lambda k, v: (v[0], np.diff(np.diff(v), prepend=0.0)), "divided by the distance"),
        (lambda k, v: (v[0], -right_interpolant(k, v)[1]), "signs are flipped"),
        (lambda k, v: (0.0, right_interpolant(k, v)[1]), "bias is missing"),
        (lambda k, v: (v[0], np.append(right_interpolant(k, v)[1], 0.0)), "need 2 hinges"),
        (lambda k, v: v[0], "expected a pair"),
        (lambda k, v: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_wrong_hinge_interpolants_are_explained(fn, fragment):
    report = check_hinge_interpolant(fn)
    assert not report
    assert any(fragment in failure for failure in report.failures), str(report)


def test_a_hinge_interpolant_that_writes_into_its_input_is_caught():
    def in_place(knots, values):
        bias, weights = right_interpolant(knots, values)
        values[:] = 0
        return bias, weights

    report = check_hinge_interpolant(in_place)
    assert any(failure.startswith("input modified") for failure in report.failures)


def test_integer_truncation_is_named():
    def stored_in_zeros_like(knots, values):
        bias, changes = right_interpolant(knots, values)
        weights = np.zeros_like(values[:-1])  # integer for integer values
        weights[:] = changes
        return bias, weights

    report = check_hinge_interpolant(stored_in_zeros_like)
    (failure,) = report.failures
    assert failure.startswith("integer inputs") and "zeros_like" in failure
