"""Exercise checks pass correct answers and name the mistake in wrong ones."""

import numpy as np
import pytest

import relulib
from relulib.checks import check_relu, check_relu_grad


def mutating_relu(x):
    x[x < 0] = 0
    return x


@pytest.mark.parametrize(
    "fn", [relulib.relu, lambda x: np.maximum(x, 0), lambda x: np.clip(x, 0, None)]
)
def test_correct_relus_pass(fn):
    report = check_relu(fn)
    assert report and report.passed and report.failures == ()
    report.raise_if_failed()


@pytest.mark.parametrize(
    ("fn", "fragment"),
    [
        (lambda x: np.where(x > 0, x, 0), "NaN > 0 is False"),
        (lambda x: x * (x > 0), "-inf * 0 is NaN"),
        (lambda x: np.abs(x), "negative inputs"),
        (lambda x: np.maximum(x, 0).astype(float), "float32 input came back as float64"),
        (mutating_relu, "changed its argument"),
        (lambda x: np.maximum(x, 0).ravel(), "came back with shape"),
        (lambda x: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_wrong_relus_get_a_teaching_message(fn, fragment):
    report = check_relu(fn)
    assert not report
    assert any(fragment in failure for failure in report.failures)
    with pytest.raises(AssertionError, match="checks failed"):
        report.raise_if_failed()


def test_a_non_function_is_reported_not_raised():
    assert "expected a function" in str(check_relu(3))


def test_grad_check_accepts_the_left_derivative_only():
    assert check_relu_grad(lambda x: (x > 0).astype(x.dtype))
    wrong = check_relu_grad(lambda x: (x >= 0).astype(x.dtype))
    assert len(wrong.failures) == 1 and "left derivative" in wrong.failures[0]
