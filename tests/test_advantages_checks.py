"""The Advantages chapter's checks pass right answers and explain wrong ones."""

import numpy as np
import pytest

from relulib.checks.advantages import (
    check_l1_penalty,
    check_live_sparsity,
    check_sigmoid_bound,
    check_zero_fraction,
)


def test_sigmoid_bound_passes_the_right_answer():
    assert check_sigmoid_bound(lambda depth: 0.25**depth)


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda d: 0.5**d, "value at 0, not its slope"),
        (lambda d: 0.25 * d, "a product"),
        (lambda d: 0.25 ** (d - 1), "counts the steps between the first and the last"),
        (lambda d: 0.25 ** (d + 1), "not depth + 1"),
        (lambda d: 1.0, "ReLU's derivative"),
        (lambda d: 0.3**d, "expected 0.25, got 0.3."),
        (lambda d: 1 / 0, "ZeroDivisionError"),
        ("0.25", "expected a function"),
    ],
)
def test_sigmoid_bound_explains_mistakes(wrong, phrase):
    report = check_sigmoid_bound(wrong)
    assert not report
    assert phrase in str(report)


def test_zero_fraction_passes_the_right_answer():
    assert check_zero_fraction(lambda h: np.mean(h == 0))
    assert check_zero_fraction(lambda h: np.count_nonzero(h == 0) / h.size)


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda h: np.mean(h != 0), "non-zero entries"),
        (lambda h: np.sum(h == 0), "number of zeros"),
        (lambda h: np.mean(np.isclose(h, 0)), "tolerance"),
        (lambda h: np.mean(h <= 0), "negative outputs"),
        (lambda h: np.sum(h == 0) / len(h), "batch size only"),
        (lambda h: h.zeros(), "AttributeError"),
    ],
)
def test_zero_fraction_explains_mistakes(wrong, phrase):
    report = check_zero_fraction(wrong)
    assert not report
    assert phrase in str(report)


def test_l1_penalty_passes_the_right_answer():
    assert check_l1_penalty(lambda h, lam: lam * np.abs(h).sum(axis=1).mean())
    assert check_l1_penalty(lambda h, lam: lam * np.linalg.norm(h, ord=1, axis=1).mean())


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda h, lam: lam * h.sum(axis=1).mean(), "absolute values"),
        (lambda h, lam: lam * (h**2).sum(axis=1).mean(), "L2 penalty"),
        (lambda h, lam: lam * np.abs(h).mean(), "averages over units"),
        (lambda h, lam: lam * np.abs(h).sum(), "sums over the batch"),
        (lambda h, lam: np.abs(h).sum(axis=1).mean(), "penalty weight"),
    ],
)
def test_l1_penalty_explains_mistakes(wrong, phrase):
    report = check_l1_penalty(wrong)
    assert not report
    assert phrase in str(report)


def test_l1_penalty_without_abs_passes_only_relu_like_probe():
    report = check_l1_penalty(lambda h, lam: lam * h.sum(axis=1).mean())
    assert report.n_checks == 3
    assert len(report.failures) == 2  # probe 1 has no negative entries


def live_sparsity(h):
    return float(np.mean(h[:, (h != 0).any(axis=0)] == 0))


def test_live_sparsity_passes_right_answers():
    assert check_live_sparsity(live_sparsity)
    assert check_live_sparsity(lambda h: 1 - np.count_nonzero(h) / (len(h) * np.sum(h.any(0))))


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda h: np.mean(h == 0), "zeros of dead units too"),
        (lambda h: np.mean(~h.any(axis=0)), "fraction of dead units"),
        (lambda h: np.mean(h[:, h.any(axis=0)] != 0), "how often the live units fire"),
        (lambda h: np.sum(h[:, h.any(axis=0)] == 0) / h.size, "number of live entries"),
        (lambda h: np.mean(h[h.any(axis=1)] == 0), "dead units are columns"),
        (lambda h: np.mean(np.isclose(h[:, h.any(axis=0)], 0)), "tolerance"),
        (lambda h: h.live(), "AttributeError"),
    ],
)
def test_live_sparsity_explains_mistakes(wrong, phrase):
    report = check_live_sparsity(wrong)
    assert not report
    assert phrase in str(report)


def test_live_sparsity_of_a_batch_without_live_units_is_nan_and_silent(recwarn):
    report = check_live_sparsity(live_sparsity)  # np.mean of an empty array: NaN
    assert report and report.n_checks == 4
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_live_sparsity_of_a_batch_without_live_units_is_not_a_number(value):
    def answer(h):
        return live_sparsity(h) if h.any() else value

    report = check_live_sparsity(answer)
    assert len(report.failures) == 1
    assert "every unit dead" in str(report) and "undefined" in str(report)


def test_live_and_dead_split_every_zero():
    rng = np.random.default_rng(0)
    h = np.maximum(rng.normal(size=(30, 12)) + np.linspace(-5, 1, 12), 0)
    dead = np.mean(~h.any(axis=0))
    assert np.mean(h == 0) == pytest.approx(dead + (1 - dead) * live_sparsity(h))
