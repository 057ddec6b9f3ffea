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

__all__ = ["HingeFit", "fit_hinges", "grid_kinks", "hinge_features"]


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
