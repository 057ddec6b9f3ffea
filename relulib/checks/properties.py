r"""Exercise checks for the Properties chapter: the sum of hinges through given points.

The constructive proof of universal approximation in one dimension joins points
:math:`(k_i, y_i)` by straight lines and writes that polyline as a network: the bias is the value
at the first knot, and each hinge's weight is the change of slope at its kink. The check
recognises the usual slips (slopes for slope changes, value differences for slopes, a missing
bias, a hinge too many) and explains each.

Example:
    >>> import numpy as np
    >>> def hinge_interpolant(knots, values):
    ...     slopes = np.diff(values) / np.diff(knots)
    ...     return values[0], np.diff(slopes, prepend=0.0)
    >>> print(check_hinge_interpolant(hinge_interpolant))
    hinge_interpolant: all 6 checks passed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from relulib.checks import Report
from relulib.fitting import HingeFit, interpolating_hinges

__all__ = ["check_hinge_interpolant"]

_PROBES = (
    ("the hat", (-1.0, 0.0, 1.0), (0.0, 1.0, 0.0)),
    ("a straight line, uneven knots", (0.0, 0.5, 2.0), (1.0, 2.0, 5.0)),
    ("uneven knots", (0.0, 0.5, 2.0, 2.5), (0.0, 1.0, 4.0, 2.0)),
    (
        "sin at five knots",
        tuple(np.linspace(0.0, np.pi, 5)),
        tuple(np.sin(np.linspace(0, np.pi, 5))),
    ),
)


def _slopes(knots: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.diff(values) / np.diff(knots)


def _mistakes(knots: np.ndarray, values: np.ndarray):
    """Wrong answers learners give, each with what to say about it: (bias, weights, hint)."""
    slopes = _slopes(knots, values)
    changes = np.diff(slopes, prepend=0.0)
    return (
        (
            values[0],
            slopes,
            "these weights are the slopes of the pieces. A hinge keeps adding its weight to "
            "the slope from its kink on, so weight i must be the change of slope at knot i, "
            "slopes[i] - slopes[i - 1] (the first weight is the first slope).",
        ),
        (
            values[0],
            np.diff(np.diff(values), prepend=0.0),
            "these weights use differences of values. A slope is a difference of values "
            "divided by the distance between the knots: (y[i+1] - y[i]) / (k[i+1] - k[i]).",
        ),
        (
            values[0],
            -changes,
            "the signs are flipped: where the polyline bends upwards the slope grows, so the "
            "weight there is positive.",
        ),
        (
            0.0,
            changes,
            "the bias is missing. At the first knot every hinge is still off, so the network's "
            "value there is its bias alone, which must be values[0].",
        ),
    )


def check_hinge_interpolant(fn: Callable) -> Report:
    r"""Check ``fn(knots, values) -> (bias, weights)``: hinges at ``knots[:-1]`` joining the points.

    The network is ``bias + sum_i weights[i] * relu(x - knots[i])``; it must pass through every
    ``(knots[i], values[i])`` and be straight between them. The answer is unique: ``bias`` is
    ``values[0]`` and ``weights`` the changes of slope, ``len(knots) - 1`` of them (see
    :func:`relulib.fitting.interpolating_hinges`).

    Example:
        >>> import numpy as np
        >>> def slopes_only(knots, values):
        ...     return values[0], np.diff(values) / np.diff(knots)
        >>> report = check_hinge_interpolant(slopes_only)
        >>> print(report.failures[0])  # doctest: +ELLIPSIS
        the hat: ... these weights are the slopes of the pieces...
    """
    name = "hinge_interpolant"
    if not callable(fn):
        return Report(name, 1, (f"expected a function, got {type(fn).__name__} {fn!r}.",))
    failures, hints_given = [], set()
    for what, knots, values in _PROBES:
        failure, hint = _probe_failure(fn, what, knots, values)
        if failure and hint:
            failure += hint if hint not in hints_given else "(same reason as above)."
            hints_given.add(hint)
        failures.append(failure)
    failures += [_mutation_failure(fn)]
    failures += [_float_knots_failure(fn)]
    return Report(name, len(failures), tuple(f for f in failures if f))


def _call(fn: Callable, knots: np.ndarray, values: np.ndarray):
    """The learner's ``(bias, weights)`` as ``(float, 1-D array)``, or an error message."""
    try:
        answer = fn(knots, values)
    except Exception as exc:  # the learner's bug is the message, whatever it is
        return None, f"calling it raised {type(exc).__name__}: {exc}."
    try:
        bias, weights = answer
        return (float(bias), np.asarray(weights, dtype=float).ravel()), None
    except (TypeError, ValueError):
        return None, f"expected a pair (bias, weights), got {type(answer).__name__} {answer!r}."


def _probe_failure(fn: Callable, what: str, knots, values) -> tuple[str | None, str]:
    """What is wrong with the learner's answer on one probe, and why (both may be empty)."""
    knots, values = np.array(knots), np.array(values)
    got, error = _call(fn, knots.copy(), values.copy())
    if error:
        return f"{what}: {error}", ""
    bias, weights = got
    expected = interpolating_hinges(knots, values)
    n = knots.size - 1
    if weights.size != n:
        failure = f"{what}: {knots.size} knots need {n} hinges, got {weights.size} weights. "
        return failure, (
            "One hinge per knot but the last: a hinge at the last knot would only bend the "
            "line beyond it, outside the interval."
        )
    if np.allclose(weights, expected.weights) and np.isclose(bias, expected.bias):
        return None, ""
    failure = f"{what}: for knots {np.round(knots, 3)} and values {np.round(values, 3)} "
    failure += f"expected bias {expected.bias:.4g} and weights {np.round(expected.weights, 4)}, "
    failure += f"got bias {bias:.4g} and weights {np.round(weights, 4)}: "
    for wrong_bias, wrong_weights, hint in _mistakes(knots, values):
        if np.allclose(weights, wrong_weights) and np.isclose(bias, wrong_bias):
            return failure, hint
    network = HingeFit(knots[:-1], weights, bias)
    off = np.flatnonzero(~np.isclose(network(knots), values))
    where = ", ".join(f"x = {knots[i]:.3g}" for i in off[:3])
    if where:
        failure += f"the network misses the points at {where}; "
    return failure, "the bias is values[0], each weight the change of slope at its knot."


def _mutation_failure(fn: Callable) -> str | None:
    knots, values = np.array([0.0, 1.0, 3.0]), np.array([2.0, 0.0, 4.0])
    original = knots.copy(), values.copy()
    _call(fn, knots, values)
    if np.array_equal(knots, original[0]) and np.array_equal(values, original[1]):
        return None
    return (
        "input modified: your function changed the knots or values it was given. Compute new "
        "arrays (np.diff returns one) instead of writing into the caller's."
    )


def _float_knots_failure(fn: Callable) -> str | None:
    """Integer knots and values must not round the slopes (1 / 2 is 0.5, not 0).

    Only blamed on integer arithmetic when the same points as floats give the right answer;
    other mistakes are the float probes' business.
    """
    knots, values = np.array([0, 2, 3]), np.array([0, 1, 3])
    expected = interpolating_hinges(knots, values)

    def right(got):
        return got[1].shape == expected.weights.shape and np.allclose(got[1], expected.weights)

    got_float, error = _call(fn, knots.astype(float), values.astype(float))
    if error or not right(got_float):
        return None
    got, error = _call(fn, knots, values)
    if error:
        return f"integer inputs: {error}"
    if right(got):
        return None
    return (
        f"integer inputs: for knots {knots} and values {values} expected weights "
        f"{expected.weights}, got {got[1]}. With integer inputs the slopes and weights must "
        "still be floating point: np.diff(values) / np.diff(knots) is, but an array made by "
        "np.zeros_like(values) is an integer array and truncates what is stored in it."
    )
