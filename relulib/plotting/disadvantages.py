r"""Figures for the Disadvantages chapter: dying units, growing activations, signal propagation,
and a classifier's confidence far from its data.

Each function draws on the Axes it is given and returns it; none of them trains or samples
anything (:func:`draw_confidence_map` only evaluates the function it is given on a grid), so
they are cheap enough to redraw a widget frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

__all__ = [
    "draw_confidence_along_rays",
    "draw_confidence_map",
    "draw_dead_fraction",
    "draw_layer_maxima",
    "draw_layer_stds",
    "draw_preactivation_shift",
]

_HIGHLIGHT = "#d62728"
_OTHERS = "0.75"
_OFF = "#f6d0d0"
_CLASS_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd")
_CLASS_MARKERS = ("o", "^", "s", "D")


def draw_preactivation_shift(
    ax: Axes, before: Sequence[float], after: Sequence[float], *, bins: int = 30
) -> Axes:
    r"""Histograms of one unit's pre-activations over a data set, before and after an update.

    The half-line :math:`z \le 0`, where a ReLU unit outputs 0 and passes no gradient, is
    shaded. A unit whose whole "after" histogram lies in the shaded part is dead on the data.
    The title gives the fraction of inputs on which the unit fires (:math:`z > 0`) each time.
    The y-axis leaves room above the bars for a legend.

    Args:
        before: the pre-activations :math:`z_i = w \cdot x_i + b` before the update.
        after: the same after it.
        bins (int): about how many bins to use, shared by both histograms; one bin edge is
            at 0, so no bin mixes firing and silent inputs.

    Returns:
        The Axes ``ax``, drawn on.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_preactivation_shift(Figure().subplots(), [-1.0, 1.0, 2.0], [-3.0, -2.0, -1.0])
        >>> ax.get_title()
        'fires on 67 % of the inputs before, on 0 % after'
    """
    before, after = np.asarray(before, float), np.asarray(after, float)
    lo = min(before.min(), after.min(), 0.0)
    hi = max(before.max(), after.max(), 0.0)
    pad = 0.05 * (hi - lo) or 1.0
    step = (hi - lo + 2 * pad) / bins  # about ``bins`` bins, one edge exactly at 0
    edges = step * np.arange(np.floor((lo - pad) / step), np.ceil((hi + pad) / step) + 1)
    ax.axvspan(edges[0], 0.0, color=_OFF, lw=0, label="z ≤ 0: output 0, gradient 0")
    ax.axvline(0.0, color="0.3", lw=0.8)
    ax.hist(before, bins=edges, histtype="step", color="0.45", lw=1.5, label="before")
    counts, _, _ = ax.hist(after, bins=edges, color=_HIGHLIGHT, alpha=0.75, label="after")
    tallest = max(counts.max(), np.histogram(before, bins=edges)[0].max())
    ax.set_ylim(0, 1.35 * tallest)  # headroom for a legend above the bars
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel("pre-activation z = w·x + b")
    ax.set_ylabel("inputs")
    ax.set_title(
        f"fires on {100 * np.mean(before > 0):.0f} % of the inputs before, "
        f"on {100 * np.mean(after > 0):.0f} % after"
    )
    return ax


def draw_dead_fraction(ax: Axes, runs: Mapping[float, Sequence[float]], *, lr: float) -> Axes:
    """Draw the fraction of dead units over training, one curve per learning rate.

    The curve of ``lr`` is drawn thick and red, the other runs thin and grey, so a slider over
    the learning rate shows where the chosen run sits among them.

    Args:
        runs: learning rate -> the dead fraction after each epoch (entry 0: at initialisation).
        lr: the learning rate to highlight; a key of ``runs``.

    Returns:
        The Axes ``ax``, drawn on.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_dead_fraction(Figure().subplots(), {0.1: [0, 0.1], 3.0: [0, 0.8]}, lr=3.0)
        >>> ax.get_title()
        'learning rate 3: 80 % of units dead after 1 epochs'
    """
    if lr not in runs:
        raise KeyError(f"draw_dead_fraction: lr={lr!r} is not one of the runs {sorted(runs)}")
    for other, fractions in runs.items():
        if other != lr:
            ax.plot(100 * np.asarray(fractions, float), color=_OTHERS, lw=1)
    chosen = 100 * np.asarray(runs[lr], float)
    ax.plot(chosen, color=_HIGHLIGHT, lw=2.5)
    ax.set_ylim(-3, 103)
    ax.set_xlabel("epoch")
    ax.set_ylabel("dead units (%)")
    ax.set_title(
        f"learning rate {lr:g}: {chosen[-1]:.0f} % of units dead after {len(chosen) - 1} epochs"
    )
    ax.grid(alpha=0.3)
    return ax


def draw_layer_maxima(ax: Axes, maxima: Mapping[str, Sequence[float]], *, limit=None) -> Axes:
    r"""Draw the largest activation of each layer, on a log scale, one line per network.

    Infinite and NaN values (an overflow) are not drawn; a cross marks the layer where a line
    first overflows.

    Args:
        maxima: label -> the largest :math:`|h_l|` of layers :math:`l = 1, 2, \dots`.
        limit (float or None): a value to mark with a dashed line, such as the largest float16.

    Returns:
        The Axes ``ax``, drawn on.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_layer_maxima(Figure().subplots(), {"a": [1.0, 10.0, float("inf")]})
        >>> len(ax.lines)
        2
    """
    for label, values in maxima.items():
        values = np.asarray(values, float)
        layers = np.arange(1, len(values) + 1)
        finite = np.isfinite(values)
        (line,) = ax.plot(layers[finite], values[finite], "o-", ms=3, label=label)
        if not finite.all():
            first = int(np.argmin(finite))
            top = values[finite].max() if finite.any() else 1.0
            ax.plot([layers[first]], [top], "x", color=line.get_color(), ms=10, mew=2.5)
    if limit is not None:
        ax.axhline(limit, color="0.4", ls="--", lw=1)
    ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_ylabel("largest |activation|")
    ax.grid(alpha=0.3, which="major")
    return ax


def draw_layer_stds(
    ax: Axes, profiles: Mapping[str, Sequence[float]], *, init: str, depth: int
) -> Axes:
    r"""Draw :math:`\log_2` of each layer's response std relative to layer 1, for one scheme.

    ``profiles[init]`` is the output of :func:`relulib.diagnostics.signal_propagation` for a
    deep network (entry 0 the input, entry :math:`l` layer :math:`l`); the first ``depth``
    layers are drawn, as :math:`\log_2(\sigma_l / \sigma_1)`, with the other schemes in grey.
    A flat line at 0 is a signal that keeps its scale.

    Args:
        profiles: scheme name -> standard deviations, input first.
        init: the scheme to highlight; a key of ``profiles``.
        depth: how many layers to show, at most ``len(profiles[init]) - 1``.

    Returns:
        The Axes ``ax``, drawn on.

    Example:
        >>> from matplotlib.figure import Figure
        >>> profiles = {"he": [1.0, 1.4, 1.4, 1.4], "xavier": [1.0, 1.0, 0.5, 0.25]}
        >>> ax = draw_layer_stds(Figure().subplots(), profiles, init="xavier", depth=3)
        >>> ax.get_title()
        'xavier, 3 layers: log2(σ_3 / σ_1) = -2.0'
    """
    if init not in profiles:
        raise KeyError(f"draw_layer_stds: init={init!r} is not one of {list(profiles)}")
    layers = np.arange(1, depth + 1)
    chosen = None
    for name, stds in profiles.items():
        stds = np.asarray(stds, float)
        if depth > len(stds) - 1:
            raise ValueError(
                f"draw_layer_stds: depth={depth} but profile {name!r} has {len(stds) - 1} layers"
            )
        ratio = np.log2(stds[1 : depth + 1] / stds[1])
        if name == init:
            chosen = ratio
        else:
            ax.plot(layers, ratio, color=_OTHERS, lw=1)
            ax.annotate(
                name,
                (layers[-1], ratio[-1]),
                color="0.5",
                fontsize="small",
                ha="right",
                va="bottom",
            )
    ax.plot(layers, chosen, "o-", color=_HIGHLIGHT, lw=2, ms=3)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel("layer l")
    ax.set_ylabel("log2(σ_l / σ_1)")
    ax.set_title(f"{init}, {depth} layers: log2(σ_{depth} / σ_1) = {chosen[-1]:.1f}")
    ax.grid(alpha=0.3)
    return ax


def draw_confidence_map(
    ax: Axes,
    confidence: Callable[[np.ndarray], np.ndarray],
    X,
    y,
    *,
    lo: float,
    hi: float,
    steps: int = 200,
    rays: Iterable[Sequence[float]] = (),
    vmin: float = 0.5,
) -> Axes:
    r"""Colour the square :math:`[lo, hi]^2` by a classifier's confidence, data and rays on top.

    ``confidence`` maps an ``(m, 2)`` array of points to ``m`` confidences (the largest softmax
    probability, e.g. via :func:`relulib.diagnostics.softmax_confidence`), evaluated once on a
    ``steps`` by ``steps`` grid. A white contour marks confidence 0.99; the title gives the
    share of the square above it. Each ray :math:`u` is drawn from the origin to the edge.

    Args:
        confidence: the function to map.
        X: the data, shape ``(k, 2)``; y: its class indices (up to four classes are styled).
        lo, hi (float): the square's sides.
        steps (int): grid points per axis.
        rays: directions :math:`u` (pairs of numbers) to draw as dashed lines.
        vmin (float): the bottom of the colour scale, :math:`1/K` for :math:`K` classes.

    Returns:
        The Axes ``ax``, drawn on (with a colour bar beside it).

    Example:
        >>> from matplotlib.figure import Figure
        >>> import numpy as np
        >>> far = lambda p: 0.5 + 0.5 * np.tanh(np.linalg.norm(p, axis=1))
        >>> ax = draw_confidence_map(
        ...     Figure().subplots(), far, np.zeros((1, 2)), [0], lo=-5, hi=5, steps=50
        ... )
        >>> ax.get_title()
        'confidence > 0.99 on 84 % of the square'
    """
    u = np.linspace(lo, hi, steps)
    gx, gy = np.meshgrid(u, u)
    values = np.asarray(confidence(np.column_stack([gx.ravel(), gy.ravel()])), float)
    values = values.reshape(gx.shape)
    image = ax.imshow(
        values, origin="lower", extent=(lo, hi, lo, hi), vmin=vmin, vmax=1.0, cmap="viridis"
    )
    ax.figure.colorbar(image, ax=ax, label="confidence", shrink=0.85)
    if values.min() < 0.99 < values.max():
        ax.contour(gx, gy, values, levels=[0.99], colors="white", linewidths=0.8)
    for direction in rays:
        d = np.asarray(direction, float)
        reach = (hi - lo) * 2 / np.linalg.norm(d)  # long enough to leave the square
        ax.plot([0, reach * d[0]], [0, reach * d[1]], color="white", ls="--", lw=0.8)
    X, y = np.asarray(X, float), np.asarray(y)
    for label in np.unique(y):
        pts = X[y == label]
        k = int(label) % len(_CLASS_COLOURS)
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=8,
            color=_CLASS_COLOURS[k],
            marker=_CLASS_MARKERS[k],
            edgecolors="white",
            linewidths=0.3,
            label=f"class {label}",
        )
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_title(f"confidence > 0.99 on {100 * np.mean(values > 0.99):.0f} % of the square")
    return ax


def draw_confidence_along_rays(
    ax: Axes,
    t: Sequence[float],
    doubts: Mapping[str, Sequence[float]],
    *,
    data_radius: float | None = None,
) -> Axes:
    r"""Draw :math:`1 - \text{confidence}` along rays :math:`t\,u`, on a log scale, one line each.

    Past a ReLU classifier's last kink along a ray its logits are affine in :math:`t`, so
    :math:`1 - \text{confidence}` falls exponentially: a straight line on this plot. Zeros
    (below float64's range) are not drawn. ``data_radius`` shades :math:`t \le` the data's
    radius, where the training points lie.

    Args:
        t: the distances along the rays, increasing.
        doubts: label -> :math:`1 - \text{confidence}` at each ``t``.
        data_radius (float or None): the largest norm of a training point.

    Returns:
        The Axes ``ax``, drawn on.

    Example:
        >>> from matplotlib.figure import Figure
        >>> t = [0.0, 1.0, 2.0]
        >>> ax = draw_confidence_along_rays(
        ...     Figure().subplots(), t, {"0°": [0.5, 0.1, 0.0]}, data_radius=1.5
        ... )
        >>> ax.get_yscale(), ax.lines[0].get_ydata().tolist()
        ('log', [0.5, 0.1])
    """
    t = np.asarray(t, float)
    if data_radius is not None:
        ax.axvspan(t[0], data_radius, color="0.9", lw=0, label="where the data are")
    for label, doubt in doubts.items():
        doubt = np.asarray(doubt, float)
        shown = doubt > 0
        ax.plot(t[shown], doubt[shown], lw=1.5, label=label)
    ax.set_yscale("log")
    ax.set_ylim(top=1.0)  # 1 - confidence is at most 1 - 1/K
    ax.set_xlim(t[0], t[-1])
    ax.set_xlabel("distance t along the ray")
    ax.set_ylabel("1 − confidence")
    ax.grid(alpha=0.3, which="major")
    return ax
