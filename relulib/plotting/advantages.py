r"""Figures of the Advantages chapter: cost ratios, gradient profiles, sparsity.

Every function draws on a matplotlib ``Axes`` it is given and returns it; the data are
computed by the chapter and passed in, so the functions are cheap enough for a widget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import LogLocator, NullLocator

__all__ = [
    "ACTIVATION_COLORS",
    "draw_cost_ratios",
    "draw_firing_rates",
    "draw_gradient_profile",
    "draw_sparsity_tradeoff",
]

#: One colour per activation, shared by the chapter's figures.
ACTIVATION_COLORS = {"relu": "#1f77b4", "sigmoid": "#d62728", "tanh": "#2ca02c"}


def draw_cost_ratios(ax: Axes, names: Sequence[str], ratios: Mapping[str, Sequence[float]]) -> Axes:
    """Grouped horizontal bars: each activation's time as a multiple of ReLU's, log scale.

    Args:
        ax: the axes to draw on.
        names: the activations, one group of bars each, top to bottom.
        ratios: series label (e.g. ``"torch forward"``) -> one ratio per name.

    Returns:
        ``ax``, with a dashed line at ratio 1 (as fast as ReLU).

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_cost_ratios(Figure().subplots(), ["relu", "tanh"], {"fwd": [1.0, 3.0]})
        >>> len(ax.patches)
        2
    """
    y = np.arange(len(names))
    height = 0.8 / max(len(ratios), 1)
    for k, (label, values) in enumerate(ratios.items()):
        ax.barh(y + (k - (len(ratios) - 1) / 2) * height, values, height, label=label)
    ax.axvline(1.0, color="0.3", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    smallest = min((min(v) for v in ratios.values()), default=1.0)
    ax.set_xlim(left=min(0.5, smallest / 1.5))
    ax.set_yticks(y, list(names))
    ax.invert_yaxis()
    ax.set_xlabel("time / time of ReLU (same library, same pass)")
    ax.legend(frameon=False, fontsize="small", loc="lower right")
    ax.grid(axis="x", alpha=0.3, which="both")
    return ax


def draw_gradient_profile(
    ax: Axes, profiles: Mapping[tuple[str, int], Sequence[float]], *, activation: str, depth: int
) -> Axes:
    r"""Per-layer gradient norms of one network, on a log scale, the others faint behind it.

    ``profiles[(activation, depth)]`` holds :math:`\|\partial \text{loss} / \partial W_\ell\|`
    for layers :math:`\ell = 1, \dots`; vanishing gradients show as a line that falls towards
    the input (layer 1). The y-limits are set from all profiles, so frames are comparable.

    Args:
        ax: the axes to draw on.
        profiles: (activation name, depth) -> gradient norm of each layer's weight.
        activation: the activation to highlight.
        depth: the depth to show.

    Returns:
        ``ax``; the title gives the first-to-last-layer ratio.

    Example:
        >>> from matplotlib.figure import Figure
        >>> p = {("relu", 2): [1.0, 2.0], ("sigmoid", 2): [0.01, 1.0]}
        >>> ax = draw_gradient_profile(Figure().subplots(), p, activation="sigmoid", depth=2)
        >>> ax.get_title()
        'sigmoid, depth 2: layer 1 / last = 1e-02'
    """
    values = np.concatenate([np.asarray(v, dtype=float) for v in profiles.values()])
    positive = values[values > 0]
    for (name, d), norms in profiles.items():
        if d == depth and name != activation:
            _profile_line(ax, norms, name, alpha=0.35, linewidth=1, marker="")
    norms = np.asarray(profiles[(activation, depth)], dtype=float)
    _profile_line(ax, norms, activation, alpha=1.0, linewidth=2.5)
    ax.set_yscale("log")
    ax.set_ylim(positive.min() / 3, positive.max() * 3)
    ax.yaxis.set_major_locator(LogLocator(numticks=7))  # few ticks: a cheap redraw
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("‖∂loss/∂W‖ of the layer")
    ax.set_title(f"{activation}, depth {depth}: layer 1 / last = {norms[0] / norms[-1]:.0e}")
    ax.legend(frameon=False, fontsize="small", loc="lower right")
    ax.grid(alpha=0.3, which="major")
    if ax.figure.get_layout_engine() is None:  # room for the x label in a widget frame
        ax.figure.subplots_adjust(bottom=0.16, left=0.14, right=0.96)
    return ax


def _profile_line(ax: Axes, norms, name: str, **style) -> None:
    layers = np.arange(1, len(norms) + 1)
    color = ACTIVATION_COLORS.get(name)
    style = {"marker": "o", "markersize": 3} | style
    ax.plot(layers, norms, color=color, label=name, **style)


def draw_sparsity_tradeoff(
    ax: Axes, penalties: Sequence[float], zero_fraction: Sequence[float], accuracy: Sequence[float]
) -> Axes:
    """Exact-zero fraction and test accuracy (both in %) against the L1 penalty weight.

    Args:
        ax: the axes to draw on.
        penalties: the penalty weights, one per trained network (equally spaced on the x-axis).
        zero_fraction: the fraction of exact zeros in the hidden layers, in [0, 1].
        accuracy: the test accuracy, in [0, 1].

    Returns:
        ``ax``, with two lines, zeros first.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_sparsity_tradeoff(Figure().subplots(), [0, 0.1], [0.5, 0.9], [1.0, 0.8])
        >>> [line.get_label() for line in ax.get_lines()]
        ['exact zeros', 'test accuracy']
    """
    x = np.arange(len(penalties))
    ax.plot(x, 100 * np.asarray(zero_fraction), "o-", color="0.2", label="exact zeros")
    ax.plot(x, 100 * np.asarray(accuracy), "s--", color="#1f77b4", label="test accuracy")
    ax.set_xticks(x, [f"{p:g}" for p in penalties])
    ax.set_xlabel("L1 penalty weight λ")
    ax.set_ylabel("%")
    ax.set_ylim(0, 105)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize="small", loc="lower left")
    return ax


def draw_firing_rates(ax: Axes, rates, *, classes: Sequence[str] | None = None) -> Axes:
    """Heatmap of how often each unit fires (output > 0) on the samples of each class.

    Args:
        ax: the axes to draw on.
        rates: array of shape (units, classes), entries in [0, 1].
        classes: the class labels (default ``"class 0"``, ...).

    Returns:
        ``ax``, with one image (classes as rows, units as columns) and a colour bar.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_firing_rates(Figure().subplots(), [[0.0, 1.0], [0.5, 0.5]])
        >>> ax.images[0].get_array().shape
        (2, 2)
    """
    rates = np.asarray(rates, dtype=float)
    n_units, n_classes = rates.shape
    labels = list(classes) if classes is not None else [f"class {c}" for c in range(n_classes)]
    image = ax.imshow(rates.T, aspect="auto", cmap="viridis", vmin=0, vmax=1, interpolation="none")
    ax.set_yticks(np.arange(n_classes), labels)
    ax.set_xlabel(f"hidden unit (of {n_units})")
    ax.figure.colorbar(image, ax=ax, label="firing rate", fraction=0.05, pad=0.02)
    return ax
