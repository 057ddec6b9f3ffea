r"""The activations at a glance, for the book's overview page: ReLU and its variants, its
smooth relatives, and the bounded and classic functions, each drawn with its derivative.

Every curve comes from a function with its derivative as ``.grad``: relulib's activations,
and :func:`sigmoid` and :func:`tanh` defined here in NumPy (relulib itself is about ReLU; the
two classics are here to be compared with it).
"""

from __future__ import annotations

import numpy as np

import relulib

__all__ = ["GROUPS", "OVERVIEW", "draw_overview", "sigmoid", "tanh"]


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

#: The activations by family, each as name -> (function of x with ``.grad``, its parameters,
#: colour). Leaky ReLU is drawn with slope 0.1 instead of the usual 0.01, which would be
#: invisible.
GROUPS = {
    "ReLU and its variants": {
        "ReLU": (relulib.relu, {}, "#d62728"),
        "Leaky ReLU (α = 0.1)": (relulib.leaky_relu, {"negative_slope": 0.1}, "#ff7f0e"),
        "ELU (α = 1)": (relulib.elu, {"alpha": 1.0}, "#2ca02c"),
        "SELU": (relulib.selu, {}, "#1f77b4"),
    },
    "smooth relatives": {
        "softplus": (relulib.softplus, {}, "#8c564b"),
        "GELU": (relulib.gelu, {}, "#1f77b4"),
        "SiLU": (relulib.silu, {}, "#2ca02c"),
        "Mish": (relulib.mish, {}, "#9467bd"),
    },
    "bounded and classic": {
        "sigmoid": (sigmoid, {}, "#9467bd"),
        "tanh": (tanh, {}, "#8c564b"),
        "ReLU6": (relulib.relu6, {}, "#ff7f0e"),
        "hard-swish": (relulib.hardswish, {}, "#2ca02c"),
        "squared ReLU": (relulib.squared_relu, {}, "#1f77b4"),
    },
}
#: name -> (function, parameters, colour), every activation of :data:`GROUPS`.
OVERVIEW = {name: curve for group in GROUPS.values() for name, curve in group.items()}


def _group_of(name):
    return next(group for group in GROUPS.values() if name in group)


def draw_overview(axes, highlight: str = "ReLU", *, lo: float = -4.0, hi: float = 4.0):
    """Draw ``highlight`` bold (first Axes) with its derivative (second Axes), the other
    members of its group of :data:`GROUPS` faint, and ReLU dashed for reference.

    Args:
        axes: two matplotlib Axes, for the values and for the derivatives.
        highlight (str): a key of :data:`OVERVIEW`.
        lo, hi (float): the interval of :math:`x`.

    Returns:
        The two Axes.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax_f, ax_df = draw_overview(Figure().subplots(1, 2), "GELU")
        >>> ax_f.get_title(), len(ax_f.get_legend().get_texts())
        ('GELU', 5)
    """
    if highlight not in OVERVIEW:
        raise ValueError(
            f"draw_overview: highlight must be one of {list(OVERVIEW)}, got {highlight!r}"
        )
    ax_f, ax_df = axes
    x = np.linspace(lo, hi, 401)
    # a NaN just after each kink (ReLU's at 0, hard-swish's at ±3), so that a jump of a
    # derivative is not drawn as a vertical wall
    kinks = np.array([-3.0, 0.0, 3.0])
    x_split = np.unique(np.concatenate([x, kinks]))
    x_split = np.insert(x_split, np.searchsorted(x_split, kinks, side="right"), np.nan)
    ax_f.plot(x, relulib.relu(x), "--", color="0.55", lw=1.2, label="ReLU (reference)")
    for name, (f, params, color) in _group_of(highlight).items():
        bold = name == highlight
        style = {"color": color, "lw": 2.8 if bold else 1.3, "alpha": 1.0 if bold else 0.45}
        zorder = 3 if bold else 2
        ax_f.plot(x, f(x, **params), zorder=zorder, label=name, **style)
        ax_df.plot(x_split, f.grad(x_split, **params), zorder=zorder, **style)
    ax_f.legend(loc="upper left", frameon=False)
    ax_f.set_title(highlight)
    ax_df.set_title(f"derivative of {highlight}")
    ax_f.set_ylim(-2.0, 4.0)
    ax_df.set_ylim(-0.2, 1.9)
    for ax in axes:
        ax.axhline(0, color="0.8", lw=0.8, zorder=1)
        ax.axvline(0, color="0.8", lw=0.8, zorder=1)
        ax.set_xlim(lo, hi)
        ax.set_xlabel("x")
    return axes
