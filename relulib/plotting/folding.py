r"""Figures for the chapter on depth and folding: folds of the line and of the square.

Every function draws on the Axes it is given and returns it; none calls pyplot or torch, so
each is cheap enough to be a frame of :func:`relulib.widgets.interactive_figure`. Exact
pieces and regions come from :mod:`relulib.regions`; the functions here only draw them.

The fold used throughout is the tent map :math:`t(x) = 1 - |2x - 1|` on :math:`[0, 1]`, a
network of two ReLUs, :math:`t(x) = 2\,\mathrm{ReLU}(x) - 4\,\mathrm{ReLU}(x - 1/2)`.
"""

from __future__ import annotations

import itertools

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import ListedColormap
from matplotlib.ticker import MaxNLocator

__all__ = [
    "draw_fold_stack",
    "draw_paper_fold",
    "draw_region_map",
    "draw_tent",
    "tent_power",
]

_PIECE_COLORS = ("#1f77b4", "#ff7f0e")
_FOLD = "#555555"
_SIDES = ("#f6d0d0", "#d2e3f3")


def tent_power(x, depth: int) -> np.ndarray:
    r"""The tent map composed ``depth`` times, :math:`t^{\circ k}(x)`, elementwise.

    .. math::
        t(x) = 1 - |2x - 1| \quad\text{on } [0, 1].

    Args:
        x: numbers in :math:`[0, 1]` (array-like).
        depth: the number of compositions :math:`k \ge 0`; ``0`` is the identity.

    Returns:
        numpy.ndarray: float64 array of the shape of ``x``.

    Example:
        >>> tent_power([0.0, 0.125, 0.25, 0.5], 2).tolist()
        [0.0, 0.5, 1.0, 0.0]
    """
    y = np.array(x, dtype=np.float64)
    for _ in range(int(depth)):
        y = 1.0 - np.abs(2.0 * y - 1.0)
    return y


def draw_tent(ax: Axes, depth: int = 3) -> Axes:
    """Draw :math:`t^{\\circ k}` on ``[0, 1]``, its :math:`2^k` pieces in alternating colours.

    The pieces are the intervals ``[j / 2^k, (j + 1) / 2^k]``; their ends are marked.

    Args:
        ax: the Axes to draw on.
        depth: the number of compositions :math:`k \\ge 0`.

    Returns:
        ``ax``, the Axes drawn on.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_tent(Figure().subplots(), 3)
        >>> len(ax.lines), ax.get_title()
        (3, 'k = 3: 8 linear pieces')
    """
    n = 2 ** int(depth)
    ends = np.arange(n + 1) / n
    for parity, color in enumerate(_PIECE_COLORS):  # one line per colour, NaN between pieces
        starts = ends[parity:-1:2]
        x = np.stack([starts, starts + 1.0 / n, np.full_like(starts, np.nan)], 1).ravel()
        ax.plot(x, tent_power(x, depth), color=color, lw=2)
    ax.plot(ends, tent_power(ends, depth), "o", color=_FOLD, ms=max(1.5, 5 - depth / 2))
    ax.set(xlim=(-0.02, 1.02), ylim=(-0.05, 1.1), xlabel="x", ylabel="t^k(x)")
    ax.set_title(f"k = {depth}: {n} linear pieces")
    return ax


def draw_fold_stack(ax: Axes, depth: int = 3, n_points: int = 5) -> Axes:
    """Draw the interval ``[0, 1]`` after each fold as a stack of sheets, one row per fold.

    After :math:`i` folds the input interval lies over :math:`[0, 1]` in :math:`2^i`
    sheets: row :math:`i` (drawn at height :math:`-i`) shows them stacked, sheet :math:`j`
    holding the inputs :math:`[j/2^i, (j+1)/2^i]`, each coloured by where its points
    started (the colours of row 0), so odd sheets run backwards. ``n_points`` starting
    points :math:`x = (k + 1/3)/n`, off every fold, are followed from row to row.

    Args:
        ax: the Axes to draw on.
        depth: the number of folds.
        n_points: the number of points followed.

    Returns:
        ``ax``, the Axes drawn on.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_fold_stack(Figure().subplots(), 2, n_points=5)
        >>> len(ax.images), len(ax.collections)
        (7, 5)
    """
    depth = int(depth)
    cmap = colormaps["viridis"]
    ramp = np.linspace(0.0, 1.0, 256)
    x = (np.arange(n_points) + 1 / 3) / n_points
    spots = []  # per row: the followed points' positions and heights
    for i in range(depth + 1):
        n = 2**i
        height = 0.6 / n
        top = -i + 0.3
        for j in range(n):
            start = (j + ramp) / n if j % 2 == 0 else (j + 1 - ramp) / n
            lo = top - (j + 1) * height
            ax.imshow(
                cmap(start)[None],
                extent=(0.0, 1.0, lo + 0.1 * height, lo + 0.9 * height),
                aspect="auto",
                interpolation="bilinear",
            )
        sheet = np.floor(x * n)
        spots.append((tent_power(x, i), top - (sheet + 0.5) * height))
    colors = cmap(x)
    for (u0, y0), (u1, y1) in itertools.pairwise(spots):
        segments = np.stack([np.stack([u0, y0], 1), np.stack([u1, y1], 1)], axis=1)
        ax.add_collection(LineCollection(segments, colors=colors, lw=1.2))
    for u, y in spots:
        ax.scatter(u, y, c=colors, s=36, edgecolors="black", linewidths=1.0, zorder=3)
    labels = [f"after {i} fold" + ("" if i == 1 else "s") for i in range(depth + 1)]
    ax.set_yticks(-np.arange(depth + 1), labels)
    ax.set(xlim=(-0.02, 1.02), ylim=(-depth - 0.4, 0.4), xlabel="position in [0, 1]")
    return ax


def draw_region_map(ax: Axes, polygons, *, title: str | None = None, seed: int = 0) -> Axes:
    """Draw convex regions (e.g. :func:`relulib.regions.activation_regions`) as one PolyCollection.

    Each region gets a random pale colour (seeded) and a white edge; one collection keeps the
    drawing fast even for thousands of regions.

    Args:
        ax: the Axes to draw on.
        polygons: a sequence of ``(n_i, 2)`` vertex arrays.
        title: the Axes title (default: the number of regions).
        seed: seed for the colours.

    Returns:
        ``ax``, the Axes drawn on.

    Example:
        >>> from matplotlib.figure import Figure
        >>> square = [[0, 0], [1, 0], [1, 1], [0, 1]]
        >>> ax = draw_region_map(Figure().subplots(), [square])
        >>> ax.get_title()
        '1 region'
    """
    polygons = [np.asarray(p, dtype=np.float64) for p in polygons]
    rng = np.random.default_rng(seed)
    colors = 0.45 + 0.55 * rng.random((len(polygons), 3))
    ax.add_collection(PolyCollection(polygons, facecolors=colors, edgecolors="white", lw=0.4))
    points = np.concatenate(polygons) if polygons else np.zeros((1, 2))
    ax.set(xlim=(points[:, 0].min(), points[:, 0].max()))
    ax.set(ylim=(points[:, 1].min(), points[:, 1].max()), aspect="equal")
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    n = len(polygons)
    ax.set_title(title if title is not None else f"{n} region" + ("" if n == 1 else "s"))
    return ax


def draw_paper_fold(axes, depth: int = 2, resolution: int = 256, cut: float = 0.7) -> np.ndarray:
    """Draw the square folded ``depth`` times per axis, a cut in the folded paper and its pre-image.

    The fold :math:`F(x, y) = (t^{\\circ k}(x), t^{\\circ k}(y))` maps the unit square onto
    itself :math:`4^k` times. Left panel: the folded square with one ReLU cut,
    :math:`u + v = c` with :math:`c` = ``cut`` (the line where a unit
    :math:`\\mathrm{ReLU}(u + v - c)` switches).
    Right panel: the input square, coloured by the side of the cut each point lands on, with
    the fold lines dashed: the single cut has become :math:`4^k` mirrored copies.

    Args:
        axes: two Axes (left, right).
        depth: folds per axis :math:`k \\ge 0`.
        resolution: pixels per axis of the right panel.
        cut: the constant :math:`c` of the cut, in :math:`(0, 2)`.

    Returns:
        numpy.ndarray: ``axes``.

    Example:
        >>> from matplotlib.figure import Figure
        >>> axes = draw_paper_fold(Figure().subplots(1, 2), 1, resolution=32)
        >>> axes[1].get_title()
        'input square: 4 copies of the cut'
    """
    left, right = axes
    u = np.linspace(0, 1, 2)
    left.fill_between(u, 0, np.clip(cut - u, 0, 1), color=_SIDES[0])
    left.fill_between(u, np.clip(cut - u, 0, 1), 1, color=_SIDES[1])
    left.plot(u, cut - u, color="k", lw=2)
    left.set_title("folded paper: one ReLU cut")
    left.set(xlabel="u = t^k(x)", ylabel="v = t^k(y)")
    x = (np.arange(resolution) + 0.5) / resolution
    fx = tent_power(x, depth)
    side = (fx[None, :] + fx[:, None] > cut).astype(float)
    right.imshow(side, origin="lower", extent=(0, 1, 0, 1), cmap=_side_cmap(), vmin=0, vmax=1)
    right.contour(x, x, fx[None, :] + fx[:, None], levels=[cut], colors="k", linewidths=1.5)
    for line in np.arange(1, 2 ** int(depth)) / 2 ** int(depth):
        right.axvline(line, color=_FOLD, ls="--", lw=0.8)
        right.axhline(line, color=_FOLD, ls="--", lw=0.8)
    right.set_title(f"input square: {4 ** int(depth)} copies of the cut")
    right.set(xlabel="x", ylabel="y")
    for ax in axes:
        ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal")
    return axes


def _side_cmap():
    return ListedColormap(list(_SIDES))
