r"""The arc-cosine kernels of Cho and Saul (2009): what a very wide random ReLU layer computes.

A hidden layer of :math:`m` ReLU units with independent weights :math:`w_j \sim \mathcal N(0, I)`
maps an input :math:`x \in \mathbb R^d` to features :math:`\mathrm{ReLU}(w_j \cdot x)`. The inner
product of the features of two inputs, scaled by :math:`2/m`,

.. math::

    \hat k_m(x, y) = \frac{2}{m} \sum_{j=1}^{m}
        \mathrm{ReLU}(w_j \cdot x)\,\mathrm{ReLU}(w_j \cdot y),

is an average of :math:`m` independent terms, so by the law of large numbers it tends to its
expectation as the layer widens, with a random error of order :math:`1/\sqrt m`. That expectation
has a closed form, Cho and Saul's arc-cosine kernel of degree 1 (:func:`arccos_kernel`); the
factor 2 is theirs, and it is the same 2 as in He initialisation. numpy only.

Example:
    >>> import numpy as np
    >>> x, y = np.array([1.0, 0.0]), np.array([1.0, 1.0])
    >>> round(float(arccos_kernel(x, y)), 4)  # theta = pi/4
    1.0683
    >>> round(float(empirical_relu_kernel(x, y, width=200_000, seed=0)), 2)
    1.07
"""

from __future__ import annotations

import numbers

import numpy as np

from relulib._validation import as_real_array, describe, positive_int

__all__ = ["arccos_kernel", "empirical_relu_kernel"]

_DEGREES = (0, 1, 2)


def _angular_part(theta: np.ndarray, degree: int) -> np.ndarray:
    """Cho and Saul's :math:`J_n(\\theta)` for ``degree`` n in 0, 1, 2."""
    pi_minus = np.pi - theta
    if degree == 0:
        return pi_minus
    sin, cos = np.sin(theta), np.cos(theta)
    if degree == 1:
        return sin + pi_minus * cos
    return 3 * sin * cos + pi_minus * (1 + 2 * cos**2)


def _unit_rows(rows: np.ndarray, norms: np.ndarray) -> np.ndarray:
    """Each row divided by its norm; zero rows stay zero."""
    return rows / np.where(norms > 0, norms, 1.0)[:, None]


def _angles(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    r"""The angles between the unit rows of ``u`` and of ``v``, accurate near 0 and pi.

    ``arccos`` of a rounded cosine loses half the digits near 0 (an angle of 1e-8 has cosine 1
    to double precision); :math:`2\operatorname{atan2}(\|u - v\|, \|u + v\|)` does not, and
    gives exactly 0 for equal directions.
    """
    return np.stack(
        [
            2 * np.arctan2(np.linalg.norm(v - row, axis=1), np.linalg.norm(v + row, axis=1))
            for row in u
        ]
    )


def _as_rows(a, name: str, func: str) -> tuple[np.ndarray, bool]:
    """``a`` as a 2-D float array of inputs (one per row), and whether it was a single vector."""
    arr = as_real_array(a, func, name)
    if arr.ndim not in (1, 2) or arr.shape[-1] == 0:
        raise ValueError(
            f"{func}: {name} must be a vector of shape (d,) or a matrix of shape (n, d) with "
            f"d >= 1, got {describe(arr)}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{func}: {name} must hold finite numbers, got {arr}")
    return np.atleast_2d(arr).astype(np.float64), arr.ndim == 1


def _pair(x, y, func: str) -> tuple[np.ndarray, np.ndarray, bool]:
    x_rows, x_single = _as_rows(x, "x", func)
    y_rows, y_single = (x_rows, x_single) if y is None else _as_rows(y, "y", func)
    if x_rows.shape[1] != y_rows.shape[1]:
        raise ValueError(
            f"{func}: x and y must have the same dimension d, got {x_rows.shape[1]} "
            f"and {y_rows.shape[1]}"
        )
    return x_rows, y_rows, x_single and y_single


def _result(gram: np.ndarray, single: bool):
    return gram[0, 0] if single else gram


def arccos_kernel(x, y=None, degree: int = 1):
    r"""Cho and Saul's arc-cosine kernel of degree :math:`n`, exactly.

    .. math::

        k_n(x, y) = \frac{1}{\pi}\,\|x\|^n \|y\|^n J_n(\theta), \qquad
        \theta = \arccos \frac{x \cdot y}{\|x\|\,\|y\|},

    with :math:`J_0(\theta) = \pi - \theta`,
    :math:`J_1(\theta) = \sin\theta + (\pi - \theta)\cos\theta` and
    :math:`J_2(\theta) = 3\sin\theta\cos\theta + (\pi - \theta)(1 + 2\cos^2\theta)`. It equals
    :math:`2\,\mathbb E_w[\Theta(w \cdot x)\Theta(w \cdot y)(w \cdot x)^n (w \cdot y)^n]` for
    :math:`w \sim \mathcal N(0, I)`, :math:`\Theta` the unit step: for :math:`n = 1`, twice the
    expected product of two ReLU features, the limit of :func:`empirical_relu_kernel`. Two facts
    follow at once: :math:`k_1(x, x) = \|x\|^2`, and :math:`k_1(x, -x) = 0` (no unit is active
    on both).

    Args:
        x: one input, shape ``(d,)``, or ``n`` inputs as the rows of an ``(n, d)`` array.
        y: the same, shape ``(d,)`` or ``(p, d)``; ``None`` means ``x`` (a Gram matrix).
        degree (int): 0 (step units), 1 (ReLU units) or 2 (squared ReLU units).

    Returns:
        A float for two vectors, else the ``(n, p)`` matrix of kernel values.

    Raises:
        ValueError: for a degree other than 0, 1, 2, inputs of different dimensions,
            non-finite inputs, or a zero input with ``degree=0`` (its angle is undefined).

    Example:
        >>> x, y = np.array([3.0, 0.0]), np.array([0.0, 2.0])  # orthogonal: theta = pi/2
        >>> float(arccos_kernel(x, y)) == 3.0 * 2.0 / np.pi
        True
        >>> arccos_kernel(np.array([[1.0, 0.0], [-1.0, 0.0]])).round(12)
        array([[1., 0.],
               [0., 1.]])
    """
    func = "arccos_kernel"
    if isinstance(degree, bool) or degree not in _DEGREES:
        raise ValueError(f"{func}: degree must be 0, 1 or 2, got {describe(degree)}")
    x_rows, y_rows, single = _pair(x, y, func)
    x_norm, y_norm = np.linalg.norm(x_rows, axis=1), np.linalg.norm(y_rows, axis=1)
    if degree == 0 and (np.any(x_norm == 0) or np.any(y_norm == 0)):
        raise ValueError(f"{func}: with degree=0 no input may be the zero vector")
    theta = _angles(_unit_rows(x_rows, x_norm), _unit_rows(y_rows, y_norm))
    gram = np.outer(x_norm, y_norm) ** degree * _angular_part(theta, degree) / np.pi
    return _result(gram, single)


def empirical_relu_kernel(x, y=None, *, width: int, seed: int = 0):
    r"""The kernel of one random ReLU layer of ``width`` units, an estimate of :math:`k_1`.

    .. math::

        \hat k_m(x, y) = \frac{2}{m} \sum_{j=1}^{m}
            \mathrm{ReLU}(w_j \cdot x)\,\mathrm{ReLU}(w_j \cdot y), \qquad
        w_j \sim \mathcal N(0, I_d) \text{ i.i.d.}

    The weights come from ``numpy.random.default_rng(seed)``, row after row, so a wider layer
    with the same seed keeps the narrower layer's units and adds new ones. Its expectation is
    :func:`arccos_kernel` of degree 1 at every width; its standard deviation falls like
    :math:`1/\sqrt m`.

    Args:
        x: one input, shape ``(d,)``, or the rows of an ``(n, d)`` array.
        y: the same, or ``None`` for ``x`` itself.
        width (int): the number of hidden units :math:`m`, >= 1.
        seed (int): seeds the weights.

    Returns:
        A float for two vectors, else the ``(n, p)`` matrix.

    Example:
        >>> x = np.array([1.0, 2.0])
        >>> k = empirical_relu_kernel(x, width=100_000, seed=1)
        >>> bool(abs(k - arccos_kernel(x, x)) < 0.2)  # k_1(x, x) = |x|^2 = 5; std about 0.04
        True
    """
    func = "empirical_relu_kernel"
    width = positive_int(width, "width", func)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"{func}: seed must be an integer >= 0, got {describe(seed)}")
    x_rows, y_rows, single = _pair(x, y, func)
    rng = np.random.default_rng(seed)
    gram = np.zeros((len(x_rows), len(y_rows)))
    block = 1 << 14  # bounded memory at any width; the draws are the same as in one go
    for start in range(0, width, block):
        w = rng.standard_normal((min(block, width - start), x_rows.shape[1]))
        gram += np.maximum(x_rows @ w.T, 0) @ np.maximum(y_rows @ w.T, 0).T
    return _result(2 * gram / width, single)
