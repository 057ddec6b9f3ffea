r"""Figures for the Properties chapter: power laws on log-log axes, and the arc-cosine kernel.

Every function draws on the Axes it is given and returns it; none calls pyplot, so each works
in a notebook, in a test and as a frame of :func:`relulib.widgets.interactive_figure`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import NullFormatter

from relulib.kernels import arccos_kernel, empirical_relu_kernel
from relulib.plotting import ACTIVE, _fit_labels

__all__ = ["draw_arccos_kernel", "draw_power_laws"]

_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")
_REFERENCE = "0.45"


def draw_power_laws(
    ax: Axes,
    x,
    curves: Mapping[str, Sequence[float]],
    *,
    references: Mapping[str, float] | None = None,
    dashed: Sequence[str] = (),
    xlabel: str = "",
    ylabel: str = "",
    title: str = "",
) -> Axes:
    r"""Draw measured curves on log-log axes, each beside the power law it should follow.

    A power law :math:`y = C x^p` is a straight line of slope :math:`p` on log-log axes. For
    each ``label: p`` in ``references`` a thin dotted line of slope ``p`` goes through the first
    point of curve ``label``, so a curve that keeps the predicted rate stays on it. Curves whose
    label is in ``dashed`` (bounds, say) are drawn grey and dashed, without markers.

    Args:
        ax: the Axes.
        x: the common abscissae, positive.
        curves: ``label -> y`` values (positive), in drawing order.
        references: ``label -> slope`` of the reference line drawn through that curve.
        dashed: labels of curves to draw as grey dashed lines.
        xlabel, ylabel, title: texts.

    Example:
        >>> from matplotlib.figure import Figure
        >>> n = np.array([2, 4, 8, 16])
        >>> ax = draw_power_laws(Figure().subplots(), n, {"error": 1 / n**2},
        ...                      references={"error": -2}, xlabel="n")
        >>> [line.get_label() for line in ax.get_lines()]
        ['error', 'slope -2']
    """
    x = np.asarray(x, dtype=float)
    references = dict(references or {})
    colours = iter(_COLOURS * 4)
    for label, y in curves.items():
        y = np.asarray(y, dtype=float)
        if label in dashed:
            ax.loglog(x, y, "--", color=_REFERENCE, lw=1.3, label=label)
            continue
        colour = next(colours)
        ax.loglog(x, y, "o-", color=colour, lw=1.8, ms=5, label=label)
        if label in references:
            p = references[label]
            ax.loglog(x, y[0] * (x / x[0]) ** p, ":", color=colour, lw=1.2, label=f"slope {p:g}")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_minor_formatter(NullFormatter())  # labels on the decades only
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(frameon=False, fontsize="small")
    return ax


def draw_arccos_kernel(ax: Axes, width: int, *, seed: int = 0, points: int = 91) -> Axes:
    r"""The kernel of a random ReLU layer of ``width`` units against the arc-cosine kernel.

    For unit vectors :math:`x = (1, 0)` and :math:`y = (\cos\theta, \sin\theta)`, the exact
    :math:`k_1(x, y) = (\sin\theta + (\pi - \theta)\cos\theta)/\pi` is the grey curve, the
    empirical kernel :math:`\hat k_m(x, y)` of :func:`relulib.kernels.empirical_relu_kernel`
    (one layer, weights from ``seed``) the blue one. The title gives the largest gap.

    Example:
        >>> from matplotlib.figure import Figure
        >>> draw_arccos_kernel(Figure().subplots(), width=10_000).get_title()
        'width 10000: largest gap 0.016'
    """
    theta = np.linspace(0.0, np.pi, points)
    x = np.array([[1.0, 0.0]])
    y = np.column_stack([np.cos(theta), np.sin(theta)])
    exact = arccos_kernel(x, y)[0]
    empirical = empirical_relu_kernel(x, y, width=width, seed=seed)[0]
    gap = float(np.max(np.abs(empirical - exact)))
    ax.plot(theta, exact, color=_REFERENCE, lw=4, alpha=0.6, label="arc-cosine kernel $k_1$")
    ax.plot(theta, empirical, color=ACTIVE, lw=1.6, label=f"random layer, {width} units")
    ax.set_xticks(np.linspace(0, np.pi, 5), ["0", "π/4", "π/2", "3π/4", "π"])
    ax.set_xlabel("angle θ between the inputs")
    ax.set_ylabel("kernel value")
    ax.set_ylim(-0.15, 1.35)
    ax.set_title(f"width {width}: largest gap {gap:.2g}")
    ax.grid(alpha=0.25)
    ax.legend(loc="upper right", frameon=False, fontsize="small")
    _fit_labels(ax)
    return ax
