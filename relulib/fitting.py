r"""One-hidden-layer ReLU networks with fixed kinks, fitted by least squares (numpy only).

A network with one input, ``n`` hidden ReLU units and one output computes a sum of hinges,

.. math::

    f(x) = c + \sum_{j=1}^{n} v_j \, \mathrm{ReLU}(x - k_j),

when every hidden unit has weight 1 and bias :math:`-k_j`, so that unit :math:`j` switches on
at its kink :math:`k_j`. With the kinks fixed, the output weights :math:`v_j` and the output
bias :math:`c` enter linearly, and the best fit in the least-squares sense is one call to
``numpy.linalg.lstsq``: deterministic, no training loop.

Example:
    >>> import numpy as np
    >>> x = np.linspace(-1.0, 1.0, 201)
    >>> fit = fit_hinges(x, np.abs(x), kinks=[-1.0, 0.0])
    >>> [round(float(v), 6) + 0.0 for v in fit.weights], round(fit.bias, 6) + 0.0
    ([-1.0, 2.0], 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relulib.activations import relu

__all__ = [
    "HingeFit",
    "fit_hinges",
    "grid_kinks",
    "hinge_features",
    "interpolating_hinges",
    "power_law_exponent",
]


@dataclass(frozen=True)
class HingeFit:
    """A fitted sum of hinges ``bias + sum_j weights[j] * relu(x - kinks[j])``."""

    kinks: np.ndarray
    weights: np.ndarray
    bias: float

    def __call__(self, x) -> np.ndarray:
        """Evaluate the network at ``x`` (any shape; returns a float64 array of that shape).

        Example:
            >>> HingeFit(np.array([0.0]), np.array([2.0]), 1.0)(np.array([-1.0, 3.0]))
            array([1., 7.])
        """
        x = np.asarray(x, dtype=float)
        out = hinge_features(x.ravel(), self.kinks) @ self.weights.reshape(-1) + self.bias
        return out.reshape(x.shape)


def hinge_features(x, kinks) -> np.ndarray:
    """The hidden layer's outputs: column ``j`` is ``relu(x - kinks[j])`` (shape ``(len(x), n)``).

    Example:
        >>> hinge_features([-1.0, 0.5, 2.0], [0.0, 1.0])
        array([[0. , 0. ],
               [0.5, 0. ],
               [2. , 1. ]])
    """
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    return relu(x - np.asarray(kinks, dtype=float).reshape(1, -1))


def grid_kinks(lo: float, hi: float, n: int) -> np.ndarray:
    """``n`` kinks evenly spaced from ``lo`` (included) towards ``hi`` (excluded).

    The first unit switches on at the left end of the interval, so on ``[lo, hi]`` it is the
    linear function ``x - lo``; the others split the interval into ``n`` equal pieces.

    Example:
        >>> grid_kinks(0.0, 1.0, 4)
        array([0.  , 0.25, 0.5 , 0.75])
    """
    if int(n) != n or n < 1:
        raise ValueError(f"n: expected a positive number of hinges, got {n!r}")
    return np.linspace(lo, hi, int(n) + 1)[:-1]


def fit_hinges(x, y, kinks) -> HingeFit:
    """Least-squares output weights and bias of a sum of hinges with the given ``kinks``.

    Example:
        >>> x = np.linspace(0.0, 2.0, 5)
        >>> fit = fit_hinges(x, 3 * x + 1, kinks=[0.0])
        >>> np.round(fit(x), 6).tolist()
        [1.0, 2.5, 4.0, 5.5, 7.0]
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"x, y: expected the same number of points, got {x.size} and {y.size}")
    kinks = np.asarray(kinks, dtype=float).ravel()
    design = np.column_stack([hinge_features(x, kinks), np.ones_like(x)])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return HingeFit(kinks, coef[:-1], float(coef[-1]))


def interpolating_hinges(knots, values) -> HingeFit:
    r"""The sum of hinges that joins the points ``(knots[i], values[i])`` by straight lines.

    This is the constructive half of the universal approximation theorem in one dimension:
    with knots :math:`k_0 < k_1 < \dots < k_n`, values :math:`y_i` and slopes
    :math:`s_i = (y_{i+1} - y_i) / (k_{i+1} - k_i)`, the network

    .. math::

        f(x) = y_0 + s_0 \,\mathrm{ReLU}(x - k_0)
            + \sum_{i=1}^{n-1} (s_i - s_{i-1}) \,\mathrm{ReLU}(x - k_i)

    equals the piecewise linear interpolant on :math:`[k_0, k_n]`: at :math:`k_0` every hinge
    is off, and each hinge changes the slope by its weight from its kink on. Right of
    :math:`k_n` the last piece continues. ``n`` hinges for ``n + 1`` knots; no fitting.

    Args:
        knots: strictly increasing, at least two.
        values: one value per knot.

    Returns:
        HingeFit: kinks ``knots[:-1]``, weights the slope changes, bias ``values[0]``.

    Raises:
        ValueError: for fewer than two knots, knots that do not increase, a length mismatch
            or non-finite numbers.

    Example:
        >>> fit = interpolating_hinges([-1.0, 0.0, 1.0], [0.0, 1.0, 0.0])  # the hat
        >>> fit.weights.tolist(), fit.bias
        ([1.0, -2.0], 0.0)
        >>> fit(np.array([-1.0, -0.5, 0.0, 0.5, 1.0])).tolist()
        [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    knots = np.asarray(knots, dtype=float).ravel()
    values = np.asarray(values, dtype=float).ravel()
    if knots.size < 2 or knots.shape != values.shape:
        raise ValueError(
            f"knots, values: expected at least two knots and one value per knot, got "
            f"{knots.size} knots and {values.size} values"
        )
    if not (np.all(np.isfinite(knots)) and np.all(np.isfinite(values))):
        raise ValueError("knots, values: expected finite numbers")
    if np.any(np.diff(knots) <= 0):
        raise ValueError(f"knots: expected strictly increasing knots, got {knots}")
    slopes = np.diff(values) / np.diff(knots)
    weights = np.diff(slopes, prepend=0.0)
    return HingeFit(knots[:-1], weights, float(values[0]))


def power_law_exponent(x, y) -> float:
    r"""The slope of the least-squares line through :math:`(\log x, \log y)`: the exponent
    :math:`p` of a power law :math:`y \approx C x^p`.

    Example:
        >>> round(power_law_exponent([1, 2, 4, 8], [1.0, 0.25, 0.0625, 0.015625]), 6)
        -2.0
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.size < 2 or np.any(x <= 0) or np.any(y <= 0):
        raise ValueError(
            f"power_law_exponent: expected two arrays of the same length >= 2 of positive numbers, "
            f"got shapes {x.shape} and {y.shape}"
        )
    slope, _ = np.polyfit(np.log(x), np.log(y), 1)
    return float(slope)
