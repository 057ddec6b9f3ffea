r"""Figures for the chapter on ReLU's variants: each activation with its derivatives, maxout,
and the curves of several training runs.

Every function draws on the Axes it is given and returns it; none calls pyplot or torch, so
each is cheap enough to be a frame of :func:`relulib.widgets.interactive_figure`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes

from relulib.activations import elu, leaky_relu, relu
from relulib.plotting import _fit_labels

__all__ = [
    "draw_maxout_tangents",
    "draw_runs",
    "draw_variant",
    "maxout_tangent_error",
    "second_derivative",
    "tangent_max",
]

_VARIANTS = {"leaky_relu": (leaky_relu, "negative_slope"), "elu": (elu, "alpha")}
_CURVE = "#1f77b4"
_REFERENCE = "#999999"


def second_derivative(f, x, param: float, *, h: float = 1e-5) -> np.ndarray:
    r"""The second derivative of a variant, by central differences of its ``.grad``.

    .. math::
        f''(x) \approx \frac{f'(x + h) - f'(x - h)}{2h}

    exact up to :math:`O(h^2)` where :math:`f'` is smooth on :math:`[x - h, x + h]`; at the
    kink (:math:`|x| < h`) it measures the jump of :math:`f'` divided by :math:`2h`, so callers
    keep :math:`|x| \ge h`.

    Args:
        f: an activation of relulib with a ``.grad``, such as ``relulib.elu``.
        x: the points (array-like).
        param (float): the variant's parameter, passed to ``f.grad``.
        h (float): the step.

    Returns:
        numpy.ndarray: float64, the shape of ``x``.

    Example:
        >>> from relulib import elu
        >>> second_derivative(elu, [-1e-3, 1e-3], 1.0).round(3).tolist()  # jumps from 1 to 0
        [0.999, 0.0]
    """
    x = np.asarray(x, dtype=np.float64)
    return (f.grad(x + h, param) - f.grad(x - h, param)) / (2 * h)


def draw_variant(axes, variant: str = "elu", param: float = 1.0, *, lo=-3.0, hi=3.0):
    r"""Draw a variant :math:`f` (left panel), its derivative :math:`f'`, and optionally
    :math:`f''`.

    ``variant`` is ``"leaky_relu"`` (``param`` is the negative slope :math:`\alpha` in
    :math:`\max(x, \alpha x)`) or ``"elu"`` (``param`` is :math:`\alpha` in
    :math:`\alpha(e^x - 1)` for :math:`x \le 0`). ReLU and its derivatives are drawn dashed for
    reference; :math:`f'` comes from the activation's ``.grad``, :math:`f''` from
    :func:`second_derivative`. Each derivative is drawn on both sides of 0 separately, so a jump
    at 0 shows as a gap: ELU's :math:`f'` is continuous only for :math:`\alpha = 1`, its
    :math:`f''` never (:math:`\alpha e^0 = \alpha` on the left, 0 on the right).

    Args:
        axes: two matplotlib Axes, for :math:`f` and :math:`f'`, or three, the third for
            :math:`f''`.
        variant (str): ``"leaky_relu"`` or ``"elu"``.
        param (float): the variant's parameter.
        lo, hi (float): the interval of :math:`x`.

    Returns:
        tuple: the Axes, in the order given.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax_f, ax_df = draw_variant(Figure().subplots(1, 2), "elu", 0.5)
        >>> ax_f.get_title(), ax_df.get_title()
        ('elu(x), alpha = 0.5', "elu'(x)")
        >>> draw_variant(Figure().subplots(1, 3), "elu", 1.0)[2].get_title()
        "elu''(x)"
    """
    if variant not in _VARIANTS:
        raise ValueError(
            f"draw_variant: variant must be one of {sorted(_VARIANTS)}, got {variant!r}"
        )
    if len(axes) not in (2, 3):
        raise ValueError(f"draw_variant: expected two or three Axes, got {len(axes)}")
    f, name = _VARIANTS[variant]
    ax_f, ax_df = axes[:2]
    x = np.linspace(lo, hi, 241)
    ax_f.plot(x, relu(x), "--", color=_REFERENCE, lw=1.2, label="relu")
    ax_f.plot(x, f(x, param), color=_CURVE, lw=2.5, label=variant)
    # a NaN between the two halves, so a jump of f' at 0 is not drawn as a wall
    x_split = np.concatenate([x[x <= 0], [np.nan], x[x > 0]])
    ax_df.plot(x_split, relu.grad(x_split), "--", color=_REFERENCE, lw=1.2)
    ax_df.plot(x_split, f.grad(x_split, param), color=_CURVE, lw=2.5)
    ax_f.set_title(f"{variant}(x), {'alpha' if name == 'alpha' else 'slope'} = {param:g}")
    ax_df.set_title(f"{variant}'(x)")
    ax_f.set_ylim(lo, hi)
    top = max(1.1, 1.1 * param)
    ax_df.set_ylim(-0.1, top)
    if len(axes) == 3:
        ax_d2 = axes[2]
        h = 1e-5
        x_d2 = np.concatenate([np.linspace(lo, -h, 121), [np.nan], np.linspace(h, hi, 121)])
        ax_d2.plot(x_d2, np.zeros_like(x_d2), "--", color=_REFERENCE, lw=1.2)
        ax_d2.plot(x_d2, second_derivative(f, x_d2, param, h=h / 10), color=_CURVE, lw=2.5)
        ax_d2.set_title(f"{variant}''(x)")
        ax_d2.set_ylim(-0.1, top)
    for ax in axes:
        ax.axhline(0, color="0.8", lw=0.8, zorder=0)
        ax.axvline(0, color="0.8", lw=0.8, zorder=0)
        ax.set_xlabel("x")
    ax_f.legend(frameon=False, loc="upper left")
    _fit_labels(ax_f)
    return tuple(axes)


def draw_runs(
    ax: Axes,
    runs: Mapping[str, np.ndarray],
    *,
    colors: Mapping[str, str] | None = None,
    spread: str = "lines",
    scale: float = 1.0,
) -> Axes:
    r"""Curves of several runs per setting: the mean over runs, and the runs themselves.

    For each setting (an activation, say), ``runs[name]`` holds one curve per run (seed), shape
    ``(runs, epochs)``; the mean over runs is drawn thick, and either every run thin
    (``spread="lines"``) or the band between the lowest and the highest run (``"band"``), so
    that a reader sees at once the typical run and the spread between seeds.

    Args:
        ax: a matplotlib Axes.
        runs: setting name -> array of shape ``(runs, epochs)``; epoch ``i`` is drawn at ``i``.
        colors: setting name -> colour; default the property cycle.
        spread (str): ``"lines"`` or ``"band"``.
        scale (float): multiplies every value (100 for percentages).

    Returns:
        The Axes.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_runs(Figure().subplots(), {"a": np.array([[0, 1, 2], [0, 2, 2]])})
        >>> len(ax.lines), ax.lines[-1].get_ydata().tolist()  # two runs, then the mean
        (3, [0.0, 1.5, 2.0])
    """
    if spread not in ("lines", "band"):
        raise ValueError(f'draw_runs: spread must be "lines" or "band", got {spread!r}')
    for i, (name, curves) in enumerate(runs.items()):
        curves = scale * np.atleast_2d(np.asarray(curves, dtype=np.float64))
        color = (colors or {}).get(name, f"C{i}")
        epochs = np.arange(curves.shape[1])
        if spread == "lines":
            for curve in curves:
                ax.plot(epochs, curve, color=color, lw=0.7, alpha=0.45)
        else:
            ax.fill_between(epochs, curves.min(0), curves.max(0), color=color, alpha=0.18, lw=0)
        ax.plot(epochs, curves.mean(0), color=color, lw=2.2, label=name)
    ax.set_xlabel("epoch")
    return ax


def tangent_max(x, k: int) -> np.ndarray:
    r"""The maximum of the :math:`k` tangents of :math:`x^2` at :math:`k` evenly spaced points.

    The tangent at :math:`a` is :math:`2ax - a^2`; the points are
    :math:`a_i = -1 + 2i/(k - 1)`, :math:`i = 0, \dots, k - 1`, so :math:`k \ge 2`. This is a
    maxout unit with :math:`k` pieces.

    Args:
        x: the inputs (array-like).
        k (int): the number of pieces, at least 2.

    Returns:
        numpy.ndarray: float64 array of the shape of ``x``.

    Example:
        >>> tangent_max([-1.0, 0.0, 1.0], 2).tolist()
        [1.0, -1.0, 1.0]
    """
    if k < 2:
        raise ValueError(f"tangent_max: k must be at least 2, got {k}")
    a = np.linspace(-1.0, 1.0, k)
    x = np.asarray(x, dtype=np.float64)
    return np.max(2 * a * x[..., None] - a**2, axis=-1)


def maxout_tangent_error(k: int, n_grid: int = 201_601) -> float:
    r"""The largest gap :math:`\max_{|x| \le 1} \bigl(x^2 - \text{tangent\_max}(x, k)\bigr)`.

    The gap to the tangent at :math:`a` is :math:`(x - a)^2`, largest half-way between two
    tangent points, :math:`h/2 = 1/(k - 1)` from both: the error is :math:`(1/(k - 1))^2`
    (Goodfellow et al., 2013). Computed on an even grid of ``n_grid`` points of
    :math:`[-1, 1]`, which holds every midpoint when ``n_grid - 1`` is a multiple of
    :math:`2(k - 1)` (the default does so for every :math:`k \le 8`).

    Args:
        k (int): the number of pieces, at least 2.
        n_grid (int): the number of grid points.

    Returns:
        float: the largest error on the grid.

    Example:
        >>> maxout_tangent_error(3, n_grid=5)
        0.25
    """
    x = np.linspace(-1.0, 1.0, n_grid)
    return float(np.max(x**2 - tangent_max(x, k)))


def draw_maxout_tangents(ax: Axes, k: int = 3) -> Axes:
    r"""Draw :math:`x^2` on :math:`[-1, 1]`, its :math:`k` tangents, and their maximum.

    Args:
        ax: a matplotlib Axes.
        k (int): the number of pieces, at least 2.

    Returns:
        The Axes.

    Example:
        >>> from matplotlib.figure import Figure
        >>> draw_maxout_tangents(Figure().subplots(), 4).get_title()
        'k = 4 pieces, max error 0.1111'
    """
    x = np.linspace(-1.0, 1.0, 401)
    for a in np.linspace(-1.0, 1.0, k):
        ax.plot(x, 2 * a * x - a**2, color=_REFERENCE, lw=0.8)
    ax.plot(x, x**2, color="black", lw=1.5, label="$x^2$")
    ax.plot(x, tangent_max(x, k), color=_CURVE, lw=2.5, label="maxout")
    ax.set_ylim(-0.3, 1.1)
    ax.set_xlabel("x")
    ax.set_title(f"k = {k} pieces, max error {maxout_tangent_error(k):.4f}")
    ax.legend(frameon=False, loc="upper center")
    return ax
