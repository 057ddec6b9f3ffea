r"""Figures of the Advantages chapter: costs, saturation, signal profiles, descent paths, sparsity.

Every function draws on a matplotlib ``Axes`` it is given and returns it; the data are
computed by the chapter and passed in, so the functions are cheap enough for a widget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

__all__ = [
    "ACTIVATION_COLORS",
    "draw_activation_curves",
    "draw_cost_ratios",
    "draw_descent_path",
    "draw_firing_rates",
    "draw_runs",
    "draw_signal_profile",
    "draw_sparsity_breakdown",
    "draw_train_test",
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
    # below the axes: inside, it would cover the longest bars
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    ax.grid(axis="x", alpha=0.3, which="both")
    return ax


def draw_activation_curves(
    ax: Axes,
    *,
    derivative: bool = False,
    names: Sequence[str] = ("sigmoid", "tanh", "relu"),
    lo: float = -5.0,
    hi: float = 5.0,
) -> Axes:
    r"""The sigmoid, tanh and ReLU (or their derivatives) on one axes, in the chapter's colours.

    :math:`\sigma(x) = 1/(1 + e^{-x})` with :math:`\sigma' = \sigma(1 - \sigma) \le 1/4`;
    :math:`\tanh` with :math:`\tanh' = 1 - \tanh^2 \le 1`; ReLU with slope 0 or 1. A dotted
    line marks :math:`1/4` on the derivative plot.

    Args:
        ax: the axes to draw on.
        derivative: draw the derivatives instead of the functions.
        names: which of ``"sigmoid"``, ``"tanh"``, ``"relu"`` to draw, in that order.
        lo, hi: the x-range.

    Returns:
        ``ax``, one line per name, labelled with it.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_activation_curves(Figure().subplots(), derivative=True)
        >>> [line.get_label() for line in ax.get_lines()][:3]
        ['sigmoid', 'tanh', 'relu']
        >>> float(max(ax.get_lines()[0].get_ydata()))  # the sigmoid's slope peaks at 1/4
        0.25
    """
    x = np.linspace(lo, hi, 401)  # contains 0, where the sigmoid's slope peaks
    for name in names:
        value, slope = _ACTIVATION_CURVES[name](x)
        ax.plot(x, slope if derivative else value, color=ACTIVATION_COLORS[name], label=name)
    if derivative:
        ax.axhline(0.25, color="0.5", linestyle=":", linewidth=1)
        ax.set_ylabel("derivative")
    else:
        ax.set_ylabel("value")
    ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
    ax.set_xlabel("x")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return ax


def _sigmoid_curve(x):
    s = 1 / (1 + np.exp(-x))
    return s, s * (1 - s)


def _tanh_curve(x):
    t = np.tanh(x)
    return t, 1 - t * t


def _relu_curve(x):
    return np.maximum(x, 0), (x > 0).astype(float)


_ACTIVATION_CURVES = {"sigmoid": _sigmoid_curve, "tanh": _tanh_curve, "relu": _relu_curve}


def draw_signal_profile(
    ax: Axes, profiles: Mapping[tuple[str, int], np.ndarray], *, activation: str, depth: int
) -> Axes:
    r"""The back-propagated signal at each hidden layer of one net, across seeds, log scale.

    ``profiles[(activation, depth)]`` has one row per seed and one column per hidden layer
    :math:`\ell = 1, \dots, L`: the typical (median over examples) ratio of an example's
    signal at layer :math:`\ell` to its signal at the last hidden layer :math:`L`, so the last
    column is 1. The line is the geometric mean over seeds, the band the range of the seeds;
    the other activations at the same depth are drawn faintly behind. Vanishing gradients show
    as a line falling towards the input (layer 1). The y-limits are set from all profiles, so
    frames are comparable.

    Args:
        ax: the axes to draw on.
        profiles: (activation name, depth) -> array of shape (seeds, depth).
        activation: the activation to highlight.
        depth: the depth to show.

    Returns:
        ``ax``; the title gives the geometric mean over the seeds of the ratio of layer 1 to
        layer ``depth``.

    Raises:
        ValueError: if no profile holds a positive finite ratio (nothing to draw on a log
            scale), or ``(activation, depth)`` is not in ``profiles``.

    Example:
        >>> import numpy as np
        >>> from matplotlib.figure import Figure
        >>> p = {("relu", 2): np.array([[0.5, 1.0], [2.0, 1.0]]),
        ...      ("sigmoid", 2): np.array([[0.01, 1.0], [0.01, 1.0]])}
        >>> ax = draw_signal_profile(Figure().subplots(), p, activation="relu", depth=2)
        >>> ax.get_title()
        'relu, depth 2: layer 1 / layer 2 = 1e+00\n(geometric mean of 2 seeds)'
    """
    if (activation, depth) not in profiles:
        raise ValueError(
            f"draw_signal_profile: no profile for activation {activation!r} at depth {depth}; "
            f"profiles has {sorted(profiles)}"
        )
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 -> -inf, left out below
        logs = {key: np.log10(np.asarray(v, dtype=float)) for key, v in profiles.items()}
    finite = np.concatenate([v[np.isfinite(v)].ravel() for v in logs.values()])
    if finite.size == 0:
        raise ValueError(
            "draw_signal_profile: profiles holds no positive finite ratio; the log scale "
            "needs at least one"
        )
    for (name, d), values in logs.items():
        if d == depth and name != activation:
            _signal_band(ax, values, name, alpha=0.35, linewidth=1, band=False)
    values = logs[(activation, depth)]
    _signal_band(ax, values, activation, alpha=1.0, linewidth=2.5, band=True)
    ax.set_yscale("log")
    ax.set_ylim(10 ** (finite.min() - 0.5), 10 ** (finite.max() + 0.5))
    ax.yaxis.set_major_locator(LogLocator(numticks=7))  # few ticks: a cheap redraw
    ax.yaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # layers are whole numbers
    ax.set_xlabel("hidden layer (1 = next to the input)")
    ax.set_ylabel("signal / signal at the last layer")
    first = 10 ** values[:, 0].mean()
    ax.set_title(
        f"{activation}, depth {depth}: layer 1 / layer {depth} = {first:.0e}\n"
        f"(geometric mean of {len(values)} seeds)"
    )
    ax.legend(frameon=False, loc="lower right")
    ax.grid(alpha=0.3, which="major")
    return ax


def _signal_band(ax: Axes, log_values, name: str, *, band: bool, **style) -> None:
    layers = np.arange(1, log_values.shape[1] + 1)
    color = ACTIVATION_COLORS.get(name)
    ax.plot(layers, 10 ** log_values.mean(axis=0), color=color, label=name, **style)
    if band:
        low, high = 10 ** log_values.min(axis=0), 10 ** log_values.max(axis=0)
        ax.fill_between(layers, low, high, color=color, alpha=0.2, linewidth=0)


def draw_runs(
    ax: Axes, runs: Mapping[str, Sequence[Sequence[float]]], *, ylabel: str, log: bool = False
) -> Axes:
    """Learning curves: one thin line per run (seed), coloured by activation.

    Args:
        ax: the axes to draw on.
        runs: activation name -> one sequence per run, indexed by epoch (entry 0 = untrained).
        ylabel: the quantity plotted.
        log: use a log scale on the y-axis.

    Returns:
        ``ax``, with one legend entry per activation.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_runs(Figure().subplots(), {"relu": [[1, 0.5], [1, 0.4]]}, ylabel="loss")
        >>> len(ax.get_lines()), ax.get_legend().get_texts()[0].get_text()
        (2, 'relu (2 runs)')
    """
    for name, curves in runs.items():
        color = ACTIVATION_COLORS.get(name)
        for k, curve in enumerate(curves):
            runs_word = "run" if len(curves) == 1 else "runs"
            label = f"{name} ({len(curves)} {runs_word})" if k == 0 else None
            ax.plot(
                np.arange(len(curve)), curve, color=color, alpha=0.8, linewidth=1.2, label=label
            )
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return ax


def draw_descent_path(ax: Axes, path, curvature, target, *, title: str | None = None) -> Axes:
    r"""A gradient-descent path in a 2-weight plane over the contours of its quadratic loss.

    The loss of a linear unit :math:`w \cdot h` fitted to targets :math:`w^* \cdot h` is
    :math:`\tfrac12 (w - w^*)^\top C\, (w - w^*)` with :math:`C = \mathbb E[h h^\top]`, the
    ``curvature``: its contours are ellipses around ``target``, elongated along the
    eigenvector of :math:`C` with the smaller eigenvalue.

    Args:
        ax: the axes to draw on.
        path: array of shape (steps + 1, 2), the weights after each step, the start first.
        curvature: the 2 x 2 matrix :math:`C`.
        target: :math:`w^*`, the minimum.
        title: an optional title.

    Returns:
        ``ax``, with equal scales on both axes, the path, its start (a dot) and the target
        (a star).

    Example:
        >>> import numpy as np
        >>> from matplotlib.figure import Figure
        >>> path = np.array([[0.0, 0.0], [0.5, 0.2], [1.0, 1.0]])
        >>> ax = draw_descent_path(Figure().subplots(), path, np.eye(2), [1.0, 1.0])
        >>> ax.get_lines()[0].get_xydata().tolist() == path.tolist()
        True
    """
    path = np.asarray(path, dtype=float)
    target = np.asarray(target, dtype=float)
    curvature = np.asarray(curvature, dtype=float)
    corners = np.vstack([path, target])
    center = (corners.min(axis=0) + corners.max(axis=0)) / 2
    half = 0.6 * (corners.max(axis=0) - corners.min(axis=0)).max() + 1e-12
    w1, w2 = np.meshgrid(*(np.linspace(c - half, c + half, 121) for c in center))
    d = np.stack([w1 - target[0], w2 - target[1]], axis=-1)
    loss = 0.5 * np.einsum("...i,ij,...j->...", d, curvature, d)
    levels = np.quantile(loss, np.linspace(0.02, 0.9, 10))
    ax.contour(w1, w2, loss, levels=np.unique(levels), colors="0.75", linewidths=0.8)
    ax.plot(path[:, 0], path[:, 1], "-", color="#1f77b4", linewidth=1.0)
    ax.plot(*path[0], "o", color="#1f77b4", markersize=5, label="start")
    ax.plot(*target, "*", color="k", markersize=11, label="minimum $w^*$")
    ax.set_aspect("equal")
    ax.set_xlim(center[0] - half, center[0] + half)
    ax.set_ylim(center[1] - half, center[1] + half)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, loc="upper right")
    return ax


def draw_sparsity_breakdown(
    ax: Axes,
    penalties: Sequence[float],
    dead: Sequence[float],
    live_sparsity: Sequence[float],
    accuracy: Sequence[float],
) -> Axes:
    r"""Where the exact zeros come from, against the L1 penalty weight, with the test accuracy.

    Each bar is the fraction of all hidden outputs that are exactly 0 (in %), split into the
    entries of dead units (a dead fraction :math:`d` of the units, all of whose entries are 0)
    and the zeros of the live units, :math:`(1 - d)\, s` for a live sparsity :math:`s`.

    Args:
        ax: the axes to draw on.
        penalties: the penalty weights, one per trained network (equally spaced on the x-axis).
        dead: the fraction of hidden units that never fire, in [0, 1].
        live_sparsity: the fraction of zeros among the live units' outputs, in [0, 1].
        accuracy: the test accuracy, in [0, 1].

    Returns:
        ``ax``, with two stacked bar series (dead first) and a line for the accuracy.

    Raises:
        ValueError: if the four sequences differ in length or a fraction is outside [0, 1].

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_sparsity_breakdown(Figure().subplots(), [0, 0.1], [0.25, 0.5],
        ...                              [0.4, 0.8], [1.0, 0.8])
        >>> [round(float(p.get_height()), 1) for p in ax.patches]
        [25.0, 50.0, 30.0, 40.0]
    """
    fractions = {"dead": dead, "live_sparsity": live_sparsity, "accuracy": accuracy}
    for name, values in fractions.items():
        values = np.asarray(values, dtype=float)
        if values.shape != (len(penalties),) or not np.all((values >= 0) & (values <= 1)):
            raise ValueError(
                f"draw_sparsity_breakdown: {name} must hold one fraction in [0, 1] per penalty "
                f"({len(penalties)}), got {values.tolist()}"
            )
    x = np.arange(len(penalties))
    dead = 100 * np.asarray(dead, dtype=float)
    live_zeros = (100 - dead) * np.asarray(live_sparsity, dtype=float)
    ax.bar(x, dead, 0.6, color="0.35", label="units that never fire (dead)")
    ax.bar(x, live_zeros, 0.6, bottom=dead, color="0.75", label="zeros of live units")
    ax.plot(x, 100 * np.asarray(accuracy), "s--", color="#1f77b4", label="held-out accuracy")
    ax.set_xticks(x, [f"{p:g}" for p in penalties])
    ax.set_xlabel("L1 penalty weight λ")
    ax.set_ylabel("percent")  # of the hidden outputs (bars), of the points (line)
    ax.set_ylim(0, 105)
    ax.grid(alpha=0.3, axis="y")
    # below the axes: inside, it would cover the bars of the weakest penalties
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2)
    return ax


def draw_train_test(ax: Axes, labels: Sequence[str], train, test) -> Axes:
    """Training and held-out accuracy of a few configurations, the mean as bars, each seed a dot.

    Args:
        ax: the axes to draw on.
        labels: one label per configuration.
        train: array of shape (configurations, seeds), accuracies in [0, 1].
        test: the same for the held-out data.

    Returns:
        ``ax``, with two bars per configuration (training, then test), in %.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_train_test(Figure().subplots(), ["a", "b"], [[1, 1], [0.9, 0.8]],
        ...                      [[0.8, 0.9], [0.7, 0.7]])
        >>> [round(float(p.get_height())) for p in ax.patches]
        [100, 85, 85, 70]
    """
    x = np.arange(len(labels))
    for offset, (values, name, color) in zip(
        (-0.2, 0.2), ((train, "training", "0.7"), (test, "held out", "#1f77b4")), strict=True
    ):
        values = 100 * np.asarray(values, dtype=float)
        ax.bar(x + offset, values.mean(axis=1), 0.38, color=color, label=name)
        for k, row in enumerate(values):
            ax.plot(np.full(len(row), x[k] + offset), row, "o", color="k", markersize=3)
    ax.set_xticks(x, list(labels))
    ax.set_ylabel("accuracy (%)")
    ax.set_ylim(0, 118)  # headroom for the legend above the bars
    ax.set_yticks(range(0, 101, 20))
    ax.grid(alpha=0.3, axis="y")
    ax.legend(frameon=False, loc="upper center", ncols=2)
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
