r"""Figures for the book: pure functions from parameters to drawings on a matplotlib Axes.

Every function here draws on the Axes it is given and returns it; none of them calls pyplot,
so they work the same in a notebook, in a test and inside
:func:`relulib.widgets.interactive_figure`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from relulib.activations import relu

__all__ = ["ACTIVE", "INACTIVE", "draw_activation", "draw_derivative", "draw_hinge"]

ACTIVE = "#1f77b4"  # a unit's output where it is active (passes its input on)
INACTIVE = "#d62728"  # where it outputs exactly zero
_KINK = "#555555"


def draw_activation(ax: Axes, f=relu, *, lo: float = -3.0, hi: float = 3.0, **params) -> Axes:
    """Draw the graph of an activation ``f(x, **params)`` on ``[lo, hi]``.

    The part of the graph left of 0 is drawn in the inactive colour, the part right of it in
    the active colour, so the kink at 0 is visible.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_activation(Figure().subplots())
        >>> ax.get_title()
        'relu(x)'
    """
    x_left, x_right = np.linspace(lo, 0.0, 201), np.linspace(0.0, hi, 201)
    ax.plot(x_left, f(x_left, **params), color=INACTIVE, lw=2.5)
    ax.plot(x_right, f(x_right, **params), color=ACTIVE, lw=2.5)
    _axes_through_origin(ax)
    ax.set_title(f"{f.__name__}(x)")
    ax.set_xlabel("x")
    return ax


def draw_derivative(ax: Axes, f=relu, *, lo: float = -3.0, hi: float = 3.0, **params) -> Axes:
    """Draw the derivative ``f.grad(x, **params)`` on ``[lo, hi]``, with its value at the kink.

    At ``x = 0`` the derivative of a kinked activation does not exist; the filled dot marks the
    value that ``f.grad`` (and PyTorch's autograd) returns there, the hollow dot the limit from
    the right.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_derivative(Figure().subplots())
        >>> ax.get_title()
        "relu'(x)"
    """
    x_left, x_right = np.linspace(lo, 0.0, 201)[:-1], np.linspace(0.0, hi, 201)[1:]
    ax.plot(x_left, f.grad(x_left, **params), color=INACTIVE, lw=2.5)
    ax.plot(x_right, f.grad(x_right, **params), color=ACTIVE, lw=2.5)
    at_zero = float(f.grad(np.array(0.0), **params))
    from_right = float(f.grad(np.array(np.finfo(float).tiny), **params))
    ax.plot([0.0], [from_right], "o", mfc="white", mec=ACTIVE, mew=2, ms=8, zorder=3)
    ax.plot([0.0], [at_zero], "o", color=_KINK, ms=8, zorder=4)
    _axes_through_origin(ax)
    ax.set_title(f"{f.__name__}'(x)")
    ax.set_xlabel("x")
    return ax


def draw_hinge(ax: Axes, w: float, b: float, *, lo: float = -3.0, hi: float = 3.0) -> Axes:
    """Draw one ReLU neuron with a scalar input, ``x ↦ max(0, w·x + b)``, and where it switches.

    The pre-activation ``w·x + b`` is dashed; the output is solid, red where the unit is
    inactive (outputs 0) and blue where it is active. The kink sits at ``x = -b/w``.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_hinge(Figure().subplots(), w=2.0, b=1.0)
        >>> ax.get_title()
        'max(0, 2·x + 1): kink at x = -0.5'
    """
    x = np.linspace(lo, hi, 601)
    pre_activation = w * x + b
    output = relu(pre_activation)
    active = pre_activation > 0
    ax.plot(x, pre_activation, "--", color="0.6", lw=1.5, label="w·x + b")
    ax.plot(x, np.where(active, np.nan, output), color=INACTIVE, lw=3, label="output, inactive")
    ax.plot(x, np.where(active, output, np.nan), color=ACTIVE, lw=3, label="output, active")
    ax.set_title(f"max(0, {w:g}·x + {b:g}): {_kink_text(w, b)}")
    if w != 0 and lo <= -b / w <= hi:
        ax.axvline(-b / w, color=_KINK, lw=1, ls=":")
    _axes_through_origin(ax)
    ax.set_ylim(-3.5, 4.5)
    ax.set_xlabel("x")
    ax.legend(loc="upper left", fontsize="small", frameon=False)
    return ax


def _kink_text(w: float, b: float) -> str:
    if w == 0:
        return "no kink (constant output)"
    return f"kink at x = {-b / w + 0.0:g}"  # + 0.0 turns -0.0 into 0.0


def _axes_through_origin(ax: Axes) -> None:
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0, color="0.85", lw=0.8, zorder=0)
    ax.grid(alpha=0.25)
