r"""Figures for the chapter on ReLU today: smooth relatives, quantised ranges, and comparisons.

Every function draws on the Axes it is given and returns it; none calls pyplot or torch, so the
cheap ones can be frames of :func:`relulib.widgets.interactive_figure`. The data (learning
curves, accuracies, fractions) come from the chapter's experiments as NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

from relulib.activations import gelu, mish, relu, silu, softplus
from relulib.plotting import _axes_through_origin, _fit_labels

__all__ = [
    "SMOOTH_RELATIVES",
    "distance_to_relu",
    "draw_accuracy_by_seed",
    "draw_learning_curves",
    "draw_quantisation_grid",
    "draw_smooth_relative",
    "sharpened",
]

#: The smooth relatives of ReLU in the widget, each a relulib activation with ``.grad``.
SMOOTH_RELATIVES = {"softplus": softplus, "gelu": gelu, "silu": silu, "mish": mish}

_CURVE = "#1f77b4"
_REFERENCE = "#999999"
_HIGHLIGHT = "#d62728"


def sharpened(name: str, beta: float):
    r"""The activation ``name`` at sharpness :math:`\beta`: :math:`f_\beta(x) = f(\beta x)/\beta`.

    For softplus this is PyTorch's ``beta`` (``softplus(x, beta)``, threshold included); for
    GELU it is :math:`x\,\Phi(\beta x)`, for SiLU Ramachandran et al.'s
    :math:`\mathrm{Swish}_\beta(x) = x\,\sigma(\beta x)`, for Mish
    :math:`x \tanh(\mathrm{softplus}(\beta x))`. Because ReLU is positively homogeneous,
    :math:`f_\beta(x) - \mathrm{relu}(x) = (f(\beta x) - \mathrm{relu}(\beta x)) / \beta`: a
    larger :math:`\beta` shrinks the distance to ReLU by :math:`1/\beta`. The derivative is
    :math:`f_\beta'(x) = f'(\beta x)`.

    Args:
        name (str): a key of :data:`SMOOTH_RELATIVES`.
        beta (float): the sharpness, > 0.

    Returns:
        A pair of functions ``(f_beta, f_beta_prime)`` of a NumPy array.

    Example:
        >>> f, df = sharpened("silu", 2.0)
        >>> float(f(1.0)), float(df(0.0))  # sigmoid(2), and the slope 1/2 at 0
        (0.8807970779778823, 0.5)
    """
    if name not in SMOOTH_RELATIVES:
        raise ValueError(f"sharpened: name must be one of {sorted(SMOOTH_RELATIVES)}, got {name!r}")
    if not beta > 0:
        raise ValueError(f"sharpened: beta must be > 0, got {beta!r}")
    f = SMOOTH_RELATIVES[name]
    if f is softplus:
        return (lambda x: softplus(x, beta)), (lambda x: softplus.grad(x, beta))
    return (
        lambda x: f(beta * np.asarray(x, dtype=float)) / beta,
        lambda x: f.grad(beta * np.asarray(x, dtype=float)),
    )


def distance_to_relu(f, lo: float = -4.0, hi: float = 4.0, n: int = 80_001):
    r"""The sup-norm distance :math:`\max_{lo \le x \le hi} |f(x) - \mathrm{relu}(x)|`, on a grid.

    Args:
        f: a function of a NumPy array.
        lo, hi (float): the interval.
        n (int): the number of grid points (the default puts 0 and every multiple of 1e-4 on
            the grid of :math:`[-4, 4]`).

    Returns:
        tuple[float, float]: the distance and an :math:`x` where it is reached (the one of
        smallest absolute value, as GELU's and SiLU's distances are even functions).

    Example:
        >>> import math
        >>> d, x = distance_to_relu(softplus)
        >>> d == math.log(2), x
        (True, 0.0)
    """
    x = np.linspace(lo, hi, n)
    gap = np.abs(np.asarray(f(x), dtype=float) - relu(x))
    largest = gap.max()
    where = x[np.isclose(gap, largest, rtol=1e-12, atol=0)]
    return float(largest), float(where[np.argmin(np.abs(where))]) + 0.0


def draw_smooth_relative(axes, activation: str = "gelu", beta: float = 1.0, *, lo=-4.0, hi=4.0):
    r"""Draw :math:`f_\beta`, its derivative and its gate :math:`f_\beta(x)/x`, ReLU dashed.

    ``axes`` holds three Axes. The gate panel shows what fraction of its input the unit lets
    through: ReLU's gate is the step :math:`[x > 0]`; GELU's is :math:`\Phi(\beta x)`, SiLU's
    :math:`\sigma(\beta x)`. Softplus is not a gated :math:`x`: its "gate" exceeds 1 for small
    :math:`x > 0` and is negative for :math:`x < 0` (the panel clips it). The first panel
    gives the sup-norm distance to ReLU on ``[lo, hi]``.

    Args:
        axes: three matplotlib Axes, for :math:`f_\beta`, :math:`f_\beta'` and the gate.
        activation (str): a key of :data:`SMOOTH_RELATIVES`.
        beta (float): the sharpness :math:`\beta` of :func:`sharpened`.
        lo, hi (float): the interval of :math:`x`.

    Returns:
        The three Axes.

    Example:
        >>> from matplotlib.figure import Figure
        >>> axes = draw_smooth_relative(Figure().subplots(1, 3), "silu", 2.0)
        >>> axes[0].get_title(), axes[0].texts[0].get_text()
        ('silu, β = 2', 'max |f − relu| = 0.139')
    """
    f, df = sharpened(activation, beta)
    ax_f, ax_df, ax_gate = axes
    x = np.linspace(lo, hi, 400)  # an even count: 0 is not on the grid, so f(x)/x is defined
    ax_f.plot(x, relu(x), "--", color=_REFERENCE, lw=1.2, label="relu")
    ax_f.plot(x, f(x), color=_CURVE, lw=2.2, label=activation)
    x_split = np.concatenate([x[x <= 0], [np.nan], x[x > 0]])  # no wall at ReLU's jump
    ax_df.plot(x_split, relu.grad(x_split), "--", color=_REFERENCE, lw=1.2)
    ax_df.plot(x, df(x), color=_CURVE, lw=2.2)
    ax_gate.plot(x_split, (x_split > 0).astype(float), "--", color=_REFERENCE, lw=1.2)
    with np.errstate(invalid="ignore"):  # NaN at the split: softplus's ratio jumps at 0
        ax_gate.plot(x_split, f(x_split) / x_split, color=_CURVE, lw=2.2)
    distance, _ = distance_to_relu(f, lo, hi, n=8_001)  # a coarser grid: a frame stays fast
    ax_f.set_title(f"{activation}, β = {beta:g}")
    ax_f.text(
        0.97,
        0.04,
        f"max |f − relu| = {distance:.3f}",
        transform=ax_f.transAxes,
        ha="right",
        va="bottom",
        fontsize="small",
    )
    ax_df.set_title("derivative f′(x)")
    ax_gate.set_title("gate f(x) / x")
    ax_f.set_ylim(-1.0, hi)
    ax_df.set_ylim(-0.3, 1.3)
    ax_gate.set_ylim(-0.3, 1.5)
    ticks = np.arange(np.ceil(lo / 2) * 2, hi + 1e-9, 2.0)
    for ax, yticks in zip(axes, ([-1, 0, 1, 2, 3, 4], [0, 0.5, 1], [0, 0.5, 1]), strict=True):
        _axes_through_origin(ax)
        ax.set_xlabel("x")
        ax.set_xticks(ticks)  # fixed ticks: a frame renders faster than with a locator
        ax.set_yticks(yticks)
    ax_f.legend(frameon=False, loc="upper left")
    _fit_labels(ax_f)
    if ax_f.figure.get_layout_engine() is None:  # a widget frame: room for the tick labels
        ax_f.figure.subplots_adjust(left=0.06, right=0.98, wspace=0.3)
    return axes


def draw_quantisation_grid(
    ax: Axes, values, hi: float, bits: int, *, label: str = "", log: bool = False
) -> Axes:
    r"""A histogram of activations ``values`` with the levels of a ``bits``-bit grid on
    :math:`[0, hi]` drawn as vertical lines.

    Unsigned uniform quantisation rounds each value, clipped to :math:`[0, hi]`, to the nearest
    of the :math:`2^{\text{bits}}` levels :math:`k \cdot hi / (2^{\text{bits}} - 1)`. Only the
    positive values are histogrammed (the zeros are exact at every bit width); the title gives
    the range, the bit width and the step between levels.

    Args:
        ax: a matplotlib Axes.
        values: the activations, any shape, all >= 0.
        hi (float): the top of the quantiser's range, > 0.
        bits (int): the bit width, >= 1.
        label (str): a name for the title.
        log (bool): a logarithmic count axis, for a histogram with a tall spike (a bounded
            activation piles its saturated values at the bound).

    Returns:
        The Axes.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_quantisation_grid(Figure().subplots(), [0.0, 1.0, 5.0], 6.0, 2)
        >>> ax.get_title()
        'range [0, 6], 2 bits: step 2'
    """
    values = np.asarray(values, dtype=float).ravel()
    positive = values[values > 0]
    levels = np.linspace(0.0, hi, 2**bits)
    ax.hist(
        positive, bins=60, range=(0.0, max(hi, positive.max(initial=0.0))), color=_CURVE, log=log
    )
    for level in levels:
        ax.axvline(level, color=_HIGHLIGHT, lw=1.0, alpha=0.8)
    step = hi / (2**bits - 1)
    prefix = f"{label}: " if label else ""
    ax.set_title(f"{prefix}range [0, {hi:.3g}], {bits} bits: step {step:.3g}")
    ax.set_xlabel("activation (positive values)")
    ax.set_ylabel("count")
    return ax


def draw_learning_curves(ax: Axes, curves: Mapping[str, np.ndarray], *, colors=None) -> Axes:
    """Held-out accuracy against epoch: for each name, the mean over seeds and their range.

    Args:
        ax: a matplotlib Axes.
        curves: name -> array of shape ``(seeds, epochs + 1)`` of accuracies in [0, 1].
        colors: name -> colour (optional; matplotlib's cycle otherwise).

    Returns:
        The Axes.

    Example:
        >>> from matplotlib.figure import Figure
        >>> curves = {"relu": np.array([[0.1, 0.8, 0.9], [0.1, 0.7, 0.95]])}
        >>> ax = draw_learning_curves(Figure().subplots(), curves)
        >>> ax.get_ylabel()
        'test accuracy (%)'
    """
    for name, runs in curves.items():
        runs = 100 * np.asarray(runs, dtype=float)
        epochs = np.arange(runs.shape[1])
        color = None if colors is None else colors.get(name)
        (line,) = ax.plot(epochs, runs.mean(axis=0), lw=1.8, color=color, label=name)
        ax.fill_between(
            epochs, runs.min(axis=0), runs.max(axis=0), color=line.get_color(), alpha=0.15, lw=0
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy (%)")
    ax.grid(alpha=0.25)
    return ax


def draw_accuracy_by_seed(ax: Axes, results: Mapping[str, Sequence[float]]) -> Axes:
    """One row per name: each seed's accuracy as a dot, the mean as a bar.

    Args:
        ax: a matplotlib Axes.
        results: name -> the accuracies (in [0, 1]) of the seeds.

    Returns:
        The Axes.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_accuracy_by_seed(Figure().subplots(), {"a": [0.9, 0.92], "b": [0.95]})
        >>> [t.get_text() for t in ax.get_yticklabels()]
        ['a', 'b']
    """
    names = list(results)
    for row, name in enumerate(names):
        values = 100 * np.asarray(results[name], dtype=float)
        ax.plot([values.mean()] * 2, [row - 0.3, row + 0.3], color=_CURVE, lw=3)
        ax.plot(values, np.full(values.shape, row), "o", ms=4, color="black", alpha=0.7)
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlabel("test accuracy (%), dots: seeds, bar: mean")
    ax.grid(axis="x", alpha=0.25)
    return ax
