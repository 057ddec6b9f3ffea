"""The Variants checks pass correct answers and explain wrong ones."""

import numpy as np

from relulib import SELU_ALPHA, SELU_SCALE
from relulib.checks.variants import check_elu, check_gain, check_selu_constants


def good_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def test_check_elu_passes_correct():
    assert check_elu(good_elu)


def test_check_elu_explains_exp_minus_one():
    report = check_elu(lambda x, alpha=1.0: np.where(x > 0, x, alpha * (np.exp(x) - 1)))
    assert not report and len(report.failures) == 1
    assert "expm1" in report.failures[0]


def test_check_elu_explains_forgotten_alpha():
    report = check_elu(lambda x, alpha=1.0: np.where(x > 0, x, np.expm1(x)))
    assert any("forget" in f for f in report.failures)
    assert any("saturates" in f for f in report.failures)


def test_check_elu_reports_errors_and_non_functions():
    assert "raised" in check_elu(lambda x: x).failures[0]
    assert "expected a function" in check_elu(3).failures[0]


def test_check_selu_constants():
    assert check_selu_constants(SELU_ALPHA, SELU_SCALE)
    assert "swapped" in str(check_selu_constants(SELU_SCALE, SELU_ALPHA))
    assert "plain ELU" in str(check_selu_constants(1.0, SELU_SCALE))
    assert "unit-variance" in str(check_selu_constants(SELU_ALPHA, 1.0))
    assert "sqrt(2)" in str(check_selu_constants(SELU_ALPHA, 2**0.5))
    report = check_selu_constants(1.7, 1.05)
    assert len(report.failures) == 2 and report.failures[0].endswith(".")
    assert "two numbers" in str(check_selu_constants("a", None))


def test_check_gain_passes_quadrature_and_monte_carlo():
    z = np.linspace(-12, 12, 100_001)
    density = np.exp(-(z**2) / 2) / np.sqrt(2 * np.pi)
    assert check_gain(lambda f: 1 / np.sqrt(np.trapezoid(f(z) ** 2 * density, z)))
    sample = np.random.default_rng(1).standard_normal(10**6)
    assert check_gain(lambda f: 1 / np.sqrt(np.mean(f(sample) ** 2)))


def test_check_gain_names_the_usual_mistakes():
    sample = np.random.default_rng(1).standard_normal(10**6)
    variance = check_gain(lambda f: 1 / np.std(f(sample)))
    assert len(variance.failures) == 3  # relu, leaky relu and elu have a mean != 0
    assert "second moment" in variance.failures[0] and "same mistake" in variance.failures[1]
    assert "square root" in str(check_gain(lambda f: 1 / np.mean(f(sample) ** 2)))
    assert "inverse" in str(check_gain(lambda f: np.sqrt(np.mean(f(sample) ** 2))))
    assert "He's gain" in str(check_gain(lambda f: np.sqrt(2)))
    assert "raised" in str(check_gain(lambda f: f(None)))
    assert "expected a function" in str(check_gain(2.0))
