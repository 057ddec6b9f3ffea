"""The Variants checks pass correct answers and explain wrong ones."""

import numpy as np

from relulib import SELU_ALPHA, SELU_SCALE
from relulib.checks.variants import check_elu, check_selu_constants


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
