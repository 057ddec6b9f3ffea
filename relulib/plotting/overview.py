r"""The activations at a glance: ReLU, its variants and the classic sigmoid and tanh, on one
pair of axes (values and derivatives), for the book's overview page.

Every curve comes from a function with its derivative as ``.grad``: relulib's activations,
and :func:`sigmoid` and :func:`tanh` defined here in NumPy (relulib itself is about ReLU).
"""

from __future__ import annotations

import numpy as np

from relulib.activations import elu, leaky_relu, relu, selu

__all__ = ["OVERVIEW", "draw_overview", "sigmoid", "tanh"]


def sigmoid(x):
    r"""The logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, computed without overflow.

    Its derivative ``sigmoid.grad(x)`` is :math:`\sigma(x)\,(1 - \sigma(x)) \le 1/4`.

    Example:
        >>> sigmoid(np.array([-np.inf, 0.0, np.inf]))
        array([0. , 0.5, 1. ])
        >>> float(sigmoid.grad(0.0))
        0.25
    """
    x = np.asarray(x, dtype=float)
    # e^{-|x|} never overflows; the two branches are the same function
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def tanh(x):
    r"""The hyperbolic tangent, :math:`\tanh(x) = 2\sigma(2x) - 1`.

    Its derivative ``tanh.grad(x)`` is :math:`1 - \tanh^2(x) \le 1`.

    Example:
        >>> float(tanh.grad(0.0))
        1.0
    """
    return np.tanh(np.asarray(x, dtype=float))


def _sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def _tanh_grad(x):
    return 1 - tanh(x) ** 2


sigmoid.grad = _sigmoid_grad
tanh.grad = _tanh_grad

#: name -> (function of x with ``.grad``, its parameters, colour) for the overview figure.
#: Leaky ReLU is drawn with slope 0.1 instead of the usual 0.01, which would be invisible.
OVERVIEW = {
    "ReLU": (relu, {}, "#d62728"),
    "Leaky ReLU (α = 0.1)": (leaky_relu, {"negative_slope": 0.1}, "#ff7f0e"),
    "ELU (α = 1)": (elu, {"alpha": 1.0}, "#2ca02c"),
    "SELU": (selu, {}, "#1f77b4"),
    "sigmoid": (sigmoid, {}, "#9467bd"),
    "tanh": (tanh, {}, "#8c564b"),
}


def draw_overview(axes, highlight: str = "ReLU", *, lo: float = -4.0, hi: float = 4.0):
    """Draw every activation of :data:`OVERVIEW` (first Axes) and its derivative (second),
    ``highlight`` bold and labelled, the others faint.

    Args:
        axes: two matplotlib Axes, for the values and for the derivatives.
        highlight (str): a key of :data:`OVERVIEW`.
        lo, hi (float): the interval of :math:`x`.

    Returns:
        The two Axes.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax_f, ax_df = draw_overview(Figure().subplots(1, 2), "SELU")
        >>> ax_f.get_title()
        'SELU'
    """
    if highlight not in OVERVIEW:
        raise ValueError(
            f"draw_overview: highlight must be one of {list(OVERVIEW)}, got {highlight!r}"
        )
    ax_f, ax_df = axes
    x = np.linspace(lo, hi, 401)
    # a NaN at the kink, so that a jump of the derivative is not drawn as a vertical wall
    x_split = np.concatenate([x[x <= 0], [np.nan], x[x > 0]])
    for name, (f, params, color) in OVERVIEW.items():
        bold = name == highlight
        style = {"color": color, "lw": 2.6 if bold else 1.0, "alpha": 1.0 if bold else 0.35}
        ax_f.plot(x, f(x, **params), zorder=3 if bold else 2, label=name, **style)
        ax_df.plot(x_split, f.grad(x_split, **params), zorder=3 if bold else 2, **style)
    ax_f.legend(loc="upper left", fontsize="small", frameon=False)
    ax_f.set_title(highlight)
    ax_df.set_title(f"derivative of {highlight}")
    ax_f.set_ylim(-2.0, 4.0)
    ax_df.set_ylim(-0.1, 1.9)
    for ax in axes:
        ax.axhline(0, color="0.8", lw=0.8, zorder=1)
        ax.axvline(0, color="0.8", lw=0.8, zorder=1)
        ax.set_xlim(lo, hi)
        ax.set_xlabel("x")
    return axes
