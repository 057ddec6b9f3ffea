"""Exercise checks pass correct answers and name the mistake in wrong ones."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import relulib
from relulib.checks import (
    Report,
    check_fraction_active,
    check_hat,
    check_relu,
    check_relu_grad,
)
from relulib.checks.properties import check_hinge_interpolant


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


@given(st.lists(st.text(alphabet="abc xyz().,=-", min_size=1, max_size=300), max_size=5))
def test_a_report_fits_a_solution_dropdown(failures):
    # The book's dropdowns show about 72 columns; a longer line is clipped mid-word.
    report = Report("relu", len(failures) + 1, tuple(failures))
    for line in str(report).splitlines():
        longest_word = max(line.split(), key=len, default="")
        assert len(line) <= Report.WIDTH or len(longest_word) + 4 > Report.WIDTH


@pytest.mark.parametrize(
    "report",
    [
        check_relu(lambda x: np.where(x > 0, x, 0)),
        check_relu(lambda x: x * (x > 0)),
        check_relu_grad(lambda x: (x >= 0).astype(x.dtype)),
        check_hat(lambda x: relulib.relu(x + 1) - 2 * relulib.relu(x)),
        check_fraction_active(lambda b: 0.5),
        check_hinge_interpolant(lambda k, v: (v[0], np.diff(v) / np.diff(k))),
    ],
)
def test_the_chapters_wrong_answers_give_reports_that_fit(report):
    assert not report
    assert max(len(line) for line in str(report).splitlines()) <= Report.WIDTH
