r"""Figures for the book: pure functions from parameters to drawings on a matplotlib Axes.

Every function here draws on the Axes it is given and returns it; none of them calls pyplot,
so they work the same in a notebook, in a test and inside
:func:`relulib.widgets.interactive_figure`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from relulib.activations import relu
from relulib.fitting import fit_hinges, grid_kinks
from relulib.plotting.style import use_book_style

__all__ = [
    "ACTIVE",
    "INACTIVE",
    "draw_activation",
    "draw_active_fraction",
    "draw_decision_regions",
    "draw_derivative",
    "draw_hinge",
    "draw_hinge_fit",
    "draw_hinge_sum",
    "draw_output_histogram",
    "use_book_style",
]

ACTIVE = "#1f77b4"  # a unit's output where it is active (passes its input on)
INACTIVE = "#d62728"  # where it outputs exactly zero
_KINK = "#555555"
_PALE_RED = "#f6d0d0"
_PALE_BLUE = "#d2e3f3"


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


def draw_hinge_sum(ax: Axes, w, b, v, *, lo: float = -4.0, hi: float = 4.0) -> Axes:
    """Draw a one-hidden-layer ReLU network ``x ↦ Σ_i v_i·max(0, w_i·x + b_i)`` and its parts.

    Each hidden unit's contribution ``v_i·max(0, w_i·x + b_i)`` is a thin line; their sum,
    the network's output, is thick, with a dot at every kink ``x = -b_i/w_i`` in view.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_hinge_sum(Figure().subplots(), w=[1.0, -1.0], b=[0.0, 1.0], v=[1.0, 2.0])
        >>> ax.get_title()
        '2 hidden units: 2 kinks, 3 linear pieces'
    """
    w, b, v = (np.asarray(a, dtype=float).ravel() for a in (w, b, v))
    x = np.linspace(lo, hi, 801)
    parts = relu(np.outer(x, w) + b) * v
    for part in parts.T:
        ax.plot(x, part, color="0.55", lw=1, alpha=0.8)
    kinks = _kinks_in_view(w, b, lo, hi)
    output = parts.sum(axis=1)
    ax.plot(x, output, color=ACTIVE, lw=2.5)
    ax.plot(kinks, relu(np.outer(kinks, w) + b) @ v, "o", color=_KINK, ms=6, zorder=3)
    ax.set_title(f"{w.size} hidden units: {kinks.size} kinks, {kinks.size + 1} linear pieces")
    ax.set_xlabel("x")
    _axes_through_origin(ax)
    return ax


def _kinks_in_view(w: np.ndarray, b: np.ndarray, lo: float, hi: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        kinks = -b[w != 0] / w[w != 0]
    return np.unique(kinks[(kinks > lo) & (kinks < hi)])


def draw_hinge_fit(
    ax: Axes, n: int, *, f=np.sin, lo: float = -np.pi, hi: float = np.pi, points: int = 2001
) -> Axes:
    """Fit ``f`` on ``[lo, hi]`` with a sum of ``n`` hinges and draw the fit with its kinks.

    The kinks sit on an even grid (``relulib.fitting.grid_kinks``); the output weights
    come from least squares on ``points`` grid points (``relulib.fitting.fit_hinges``).
    The title gives the largest error on that grid.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_hinge_fit(Figure().subplots(), n=8)
        >>> ax.get_title()
        'n = 8 hinges: max error 0.0531'
    """
    x = np.linspace(lo, hi, points)
    target = f(x)
    fit = fit_hinges(x, target, grid_kinks(lo, hi, n))
    error = float(np.max(np.abs(fit(x) - target)))
    ax.plot(x, target, color="0.6", lw=4, alpha=0.6, label=f"{f.__name__}(x)")
    ax.plot(x, fit(x), color=ACTIVE, lw=1.8, label=f"sum of {n} hinges")
    ax.plot(fit.kinks, fit(fit.kinks), "o", color=_KINK, ms=5, label="kinks")
    ax.set_title(f"n = {n} hinges: max error {error:.3g}")
    ax.set_xlabel("x")
    ax.set_ylim(-1.35, 1.35)
    ax.grid(alpha=0.25)
    ax.legend(loc="upper left", fontsize="small", frameon=False)
    _fit_labels(ax)
    return ax


def draw_output_histogram(ax: Axes, z, *, bins: int = 60, hi: float = 4.0) -> Axes:
    """Histogram of ``relu(z)``: a density on ``(0, hi]`` plus the point mass at exactly 0.

    The bars are scaled so that their area is the fraction of outputs above 0; the point mass
    is drawn as a stem whose height is the fraction of outputs equal to 0 (read it on the
    same axis as a probability, not a density).

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_output_histogram(Figure().subplots(), np.array([-1.0, 0.5, 2.0, -3.0]))
        >>> ax.get_title()
        'relu(z): 50.0 % of outputs are exactly 0'
    """
    out = relu(np.asarray(z, dtype=float).ravel())
    at_zero = float(np.mean(out == 0))
    positive = out[out > 0]
    edges = np.linspace(0.0, hi, bins + 1)
    counts, _ = np.histogram(positive, bins=edges)
    density = counts / (out.size * np.diff(edges))
    ax.stairs(density, edges, fill=True, color=ACTIVE, alpha=0.7)
    ax.plot([0.0, 0.0], [0.0, at_zero], color=INACTIVE, lw=3)
    ax.plot([0.0], [at_zero], "o", color=INACTIVE, ms=9)
    ax.annotate(
        f"point mass P(relu(z) = 0) = {at_zero:.3f}",
        (0.0, at_zero),
        xytext=(12, -4),
        textcoords="offset points",
        color=INACTIVE,
    )
    ax.set_xlim(-0.25, hi)
    ax.set_ylim(0.0, max(at_zero, float(density.max(initial=0.0))) * 1.15)
    ax.set_xlabel("relu(z)")
    ax.set_title(f"relu(z): {100 * at_zero:.1f} % of outputs are exactly 0")
    ax.grid(alpha=0.25)
    return ax


def draw_active_fraction(
    ax: Axes, bias: float, *, n: int = 20_000, seed: int = 0, lo: float = -5.0, hi: float = 5.0
) -> Axes:
    """Histogram of pre-activations ``z + bias`` for ``z ~ N(0, 1)``, active part shaded.

    The ``n`` samples come from ``numpy.random.default_rng(seed)``, so the drawing depends on
    its arguments only. Units with a positive pre-activation are active (blue); the rest
    output exactly 0 (red). The title gives the fraction of active units.

    Example:
        >>> from matplotlib.figure import Figure
        >>> draw_active_fraction(Figure().subplots(), bias=0.0).get_title()
        'bias = 0: 49.8 % of units active'
    """
    pre = np.random.default_rng(seed).standard_normal(n) + bias
    edges = np.linspace(lo, hi, 81)
    counts, _ = np.histogram(pre, bins=edges)
    density = counts / (n * np.diff(edges))
    split = int(np.searchsorted(edges, 0.0))  # 0 is an edge: bins left of it are inactive
    ax.stairs(density[:split], edges[: split + 1], fill=True, color=INACTIVE, alpha=0.75)
    ax.stairs(density[split:], edges[split:], fill=True, color=ACTIVE, alpha=0.75)
    ax.axvline(0.0, color=_KINK, lw=1, ls=":")
    handles = [
        Patch(color=ACTIVE, label="active: output z + bias"),
        Patch(color=INACTIVE, label="inactive: output 0"),
    ]
    ax.legend(handles=handles, loc="upper left", fontsize="small", frameon=False)
    active = float(np.mean(pre > 0))
    ax.set_title(f"bias = {bias:g}: {100 * active:.1f} % of units active")
    ax.set_xlabel("pre-activation z + bias")
    ax.set_xlim(lo, hi)
    ax.set_ylim(0.0, 0.5)
    ax.grid(alpha=0.25)
    _fit_labels(ax)
    return ax


def draw_decision_regions(
    ax: Axes, score, X, y, *, title: str = "", lo: float = -2.0, hi: float = 3.0, steps: int = 200
) -> Axes:
    """Shade where ``score(points) > 0`` on the square ``[lo, hi]²`` and scatter labelled data.

    ``score`` maps an ``(m, 2)`` array of points to ``m`` real numbers; class 1 is predicted
    where the score is positive. ``X`` is ``(k, 2)``, ``y`` holds 0/1 labels.

    Example:
        >>> from matplotlib.figure import Figure
        >>> X, y = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1])
        >>> ax = draw_decision_regions(
        ...     Figure().subplots(), lambda p: p.sum(axis=1) - 1, X, y, title="linear"
        ... )
        >>> ax.get_title()
        'linear'
    """
    u = np.linspace(lo, hi, steps)
    gx, gy = np.meshgrid(u, u)
    scores = np.asarray(score(np.column_stack([gx.ravel(), gy.ravel()]))).reshape(gx.shape)
    ax.contourf(gx, gy, scores > 0, levels=[-0.5, 0.5, 1.5], colors=[_PALE_RED, _PALE_BLUE])
    ax.contour(gx, gy, scores, levels=[0.0], colors=_KINK, linewidths=1)
    X, y = np.asarray(X), np.asarray(y)
    for label, colour, marker in [(0, INACTIVE, "o"), (1, ACTIVE, "^")]:
        pts = X[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=12, color=colour, marker=marker, label=f"class {label}")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_title(title)
    return ax


def _fit_labels(ax: Axes) -> None:
    """Keep title and axis labels inside a figure that has no layout engine (a widget frame)."""
    if ax.figure.get_layout_engine() is None:  # cheaper than a layout engine per frame
        ax.figure.subplots_adjust(bottom=0.16, top=0.9)


def _kink_text(w: float, b: float) -> str:
    if w == 0:
        return "no kink (constant output)"
    return f"kink at x = {-b / w + 0.0:g}"  # + 0.0 turns -0.0 into 0.0


def _axes_through_origin(ax: Axes) -> None:
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0, color="0.85", lw=0.8, zorder=0)
    ax.grid(alpha=0.25)
