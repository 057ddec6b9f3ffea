"""The Disadvantages chapter's exercise checks pass right answers and explain wrong ones."""

import math

import numpy as np
import pytest

from relulib.checks.disadvantages import (
    born_dead_probability,
    check_born_dead,
    check_confidence,
    check_dead_fraction,
    check_he_std,
)


@pytest.mark.parametrize(
    "fn", [lambda n: math.sqrt(2 / n), lambda n: np.sqrt(2.0 / n), lambda n: (2 / n) ** 0.5]
)
def test_right_he_std_passes(fn):
    report = check_he_std(fn)
    assert report.passed, str(report)


@pytest.mark.parametrize(
    ("fn", "fragment"),
    [
        (lambda n: 2 / n, "the std is its square root"),
        (lambda n: math.sqrt(1 / n), "double the variance"),
        (lambda n: math.sqrt(2) / n, "square root covers fan_in"),
        (lambda n: math.sqrt(2 * n), "denominator"),
        (lambda n: 0.5, "Var[w] = 2/fan_in"),
    ],
)
def test_wrong_he_std_is_explained(fn, fragment):
    report = check_he_std(fn)
    assert not report
    assert fragment in report.failures[0]
    assert all("Same reason" in f for f in report.failures[1:] if f.startswith("fan_in"))


def test_he_std_trend_and_errors():
    assert any(f.startswith("trend") for f in check_he_std(lambda n: 0.1 * n).failures)
    report = check_he_std(lambda n: 1 / 0)
    assert "ZeroDivisionError" in report.failures[0]
    assert "expected a function" in check_he_std(3).failures[0]


def test_born_dead_probability_matches_design_example():
    assert born_dead_probability(3, 10) == pytest.approx(0.6993, abs=1e-4)
    assert born_dead_probability(5, 1) == 0.0


def test_right_born_dead_passes():
    assert check_born_dead(lambda n, depth: 1 - (1 - 0.5**n) ** (depth - 1)).passed


@pytest.mark.parametrize(
    ("fn", "fragment"),
    [
        (lambda n, d: (1 - 2.0**-n) ** (d - 1), "alive"),
        (lambda n, d: 1 - (1 - 2.0**-n) ** d, "L - 1"),
        (lambda n, d: min(1.0, (d - 1) * 2.0**-n), "union bound"),
        (lambda n, d: 1 - (1 - 0.5**d) ** (n - 1), "swapped"),
        (lambda n, d: 0.3, "2^-N"),
    ],
)
def test_wrong_born_dead_is_explained(fn, fragment):
    report = check_born_dead(fn)
    assert not report
    assert fragment in report.failures[0]


def test_right_dead_fraction_passes():
    assert check_dead_fraction(lambda h: (h == 0).all(axis=0).mean()).passed
    assert check_dead_fraction(lambda h: np.mean(np.max(h, axis=0) <= 0)).passed


@pytest.mark.parametrize(
    ("fn", "fragment"),
    [
        (lambda h: np.mean(h == 0), "sparsity"),
        (lambda h: np.mean((h == 0).all(axis=1)), "axis=0"),
        (lambda h: np.sum((h == 0).all(axis=0)), "number of dead units"),
    ],
)
def test_wrong_dead_fraction_is_explained(fn, fragment):
    report = check_dead_fraction(fn)
    assert not report
    assert fragment in report.failures[0]


def test_dead_fraction_in_place_change_fails():
    def overwrite(h):
        h[h > 0] = 1.0
        return (h == 0).all(axis=0).mean()

    report = check_dead_fraction(overwrite)
    assert any("changed its input" in f for f in report.failures)


def stable_confidence(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).max(axis=1)


def naive_confidence(z):
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).max(axis=1)


@pytest.mark.parametrize(
    "fn",
    [
        stable_confidence,
        lambda z: 1 / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1),
        lambda z: np.exp(-np.log(np.exp(z - z.max(axis=1)[:, None]).sum(axis=1))).tolist(),
    ],
)
def test_right_confidence_passes(fn):
    report = check_confidence(fn)
    assert report.passed, str(report)


@pytest.mark.parametrize(
    ("fn", "fragment"),
    [
        (naive_confidence, "subtract the row's maximum"),
        (lambda z: z.argmax(axis=1), "predicted class"),
        (lambda z: z.max(axis=1), "largest logit"),
        (lambda z: (np.exp(z) / np.exp(z).sum(axis=0)).max(axis=1), "axis=1"),
        (
            lambda z: (
                np.exp(z - z.max(axis=1, keepdims=True))
                / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)
            ),
            "whole softmax",
        ),
        (lambda z: float(stable_confidence(z).mean()), "one number per row"),
        (lambda z: stable_confidence(z) ** 2, "max_k exp(z_k)"),
    ],
)
def test_wrong_confidence_is_explained(fn, fragment):
    report = check_confidence(fn)
    assert not report
    assert any(fragment in failure for failure in report.failures), str(report)


def test_naive_softmax_fails_only_where_the_logits_are_huge():
    report = check_confidence(naive_confidence)
    assert len(report.failures) == 1
    assert report.failures[0].startswith("huge logits")


def test_confidence_errors_and_in_place_changes():
    def overwrite(z):
        z -= z.max(axis=1, keepdims=True)
        return stable_confidence(z)

    assert any("changed its input" in f for f in check_confidence(overwrite).failures)
    assert "ZeroDivisionError" in check_confidence(lambda z: 1 / 0).failures[0]
    assert "array of numbers" in check_confidence(lambda z: "high").failures[0]
    assert "expected a function" in check_confidence(None).failures[0]
