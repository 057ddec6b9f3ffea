r"""Figures of repeated runs: learning curves over seeds, and one number per seed.

An experiment that compares settings (activations, learning rates) runs each from several
seeds. These functions show the typical run and the spread between seeds together, so that a
reader can judge whether a difference between settings is larger than the difference between
seeds. Each draws on the Axes it is given and returns it; none calls pyplot.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes

__all__ = ["draw_per_seed", "draw_runs"]

_SPREADS = ("lines", "band", None)


def _curves(name, values, scale, func) -> np.ndarray:
    try:
        curves = scale * np.atleast_2d(np.asarray(values, dtype=np.float64))
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: runs[{name!r}] must be numbers of shape (runs, epochs), got "
            f"{type(values).__name__}"
        ) from None
    if curves.ndim != 2 or curves.size == 0:
        raise ValueError(
            f"{func}: runs[{name!r}] must have shape (runs, epochs), got shape {curves.shape}"
        )
    return curves


def _runs_label(name, n) -> str:
    return f"{name} ({n} run{'' if n == 1 else 's'})"


def draw_runs(
    ax: Axes,
    runs: Mapping[str, np.ndarray],
    *,
    colors: Mapping[str, str] | None = None,
    spread: str | None = "lines",
    mean: bool = True,
    scale: float = 1.0,
    ylabel: str | None = None,
    log: bool = False,
) -> Axes:
    r"""Learning curves of several runs per setting: the mean over runs, and the runs.

    For each setting (an activation, say), ``runs[name]`` holds one curve per run (seed), shape
    ``(runs, epochs)``, epoch ``i`` drawn at ``i``. The mean over runs,

    .. math::
        \bar c_i = \frac{1}{R} \sum_{r=1}^{R} c_{r, i},

    is drawn thick (``mean=True``) and labelled with the setting's name; the spread is drawn as
    every run thin (``spread="lines"``), as the band between the lowest and the highest run
    (``"band"``), or not at all (``None``). Without the mean, the thin lines carry the label
    ``"name (R runs)"``.

    Args:
        ax: a matplotlib Axes.
        runs: setting name -> array-like of shape ``(runs, epochs)`` (one curve: shape
            ``(epochs,)``).
        colors: setting name -> colour; default the property cycle, ``C0``, ``C1``, ...
        spread (str or None): ``"lines"``, ``"band"`` or ``None``.
        mean (bool): draw the mean over runs.
        scale (float): multiplies every value (100 for percentages).
        ylabel (str or None): the y-axis label.
        log (bool): a logarithmic y-axis.

    Returns:
        The Axes.

    Raises:
        ValueError: for an unknown ``spread``, for a setting without any value, or when neither
            the mean nor a spread would be drawn.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_runs(Figure().subplots(), {"a": np.array([[0, 1, 2], [0, 2, 2]])})
        >>> len(ax.lines), ax.lines[-1].get_ydata().tolist()  # two runs, then the mean
        (3, [0.0, 1.5, 2.0])
        >>> ax = draw_runs(Figure().subplots(), {"a": [[1, 0.5], [1, 0.4]]}, mean=False)
        >>> ax.lines[0].get_label()
        'a (2 runs)'
    """
    func = "draw_runs"
    if spread not in _SPREADS:
        raise ValueError(f'{func}: spread must be "lines", "band" or None, got {spread!r}')
    if not mean and spread is None:
        raise ValueError(f"{func}: with mean=False and spread=None nothing would be drawn")
    for i, (name, values) in enumerate(runs.items()):
        curves = _curves(name, values, scale, func)
        color = (colors or {}).get(name, f"C{i}")
        epochs = np.arange(curves.shape[1])
        if spread == "lines":
            for k, curve in enumerate(curves):
                label = _runs_label(name, len(curves)) if not mean and k == 0 else None
                ax.plot(
                    epochs,
                    curve,
                    color=color,
                    lw=0.7 if mean else 1.2,
                    alpha=0.45 if mean else 0.8,
                    label=label,
                )
        elif spread == "band":
            ax.fill_between(epochs, curves.min(0), curves.max(0), color=color, alpha=0.18, lw=0)
        if mean:
            ax.plot(epochs, curves.mean(0), color=color, lw=2.2, label=name)
    ax.set_xlabel("epoch")
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    return ax


def draw_per_seed(
    ax: Axes,
    values: Mapping[str, np.ndarray],
    *,
    colors: Mapping[str, str] | None = None,
    xlabel: str | None = None,
) -> Axes:
    r"""One row per setting: a dot for each seed's value, and a bar at their mean.

    For a number measured once per run (the epoch at which a run reaches 95 %, its final
    accuracy), the dots show at a glance whether two settings' ranges overlap, which a table
    of means hides. The first setting is drawn at the top. NaN values (a run that never got
    there) are left out of the dots and of the mean.

    Args:
        ax: a matplotlib Axes.
        values: setting name -> array-like of one number per run.
        colors: setting name -> colour; default the property cycle, ``C0``, ``C1``, ...
        xlabel (str or None): the x-axis label.

    Returns:
        The Axes.

    Raises:
        ValueError: if ``values`` is empty or a setting has no finite value.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = draw_per_seed(Figure().subplots(), {"a": [1, 3], "b": [2, np.nan]})
        >>> [t.get_text() for t in ax.get_yticklabels()]
        ['a', 'b']
        >>> ax.collections[0].get_offsets().data[:, 0].tolist()  # the seeds of "a"
        [1.0, 3.0]
    """
    func = "draw_per_seed"
    if not values:
        raise ValueError(f"{func}: values is empty")
    names = list(values)
    for row, name in enumerate(names):
        y = len(names) - 1 - row
        v = np.asarray(values[name], dtype=np.float64).ravel()
        v = v[np.isfinite(v)]
        if v.size == 0:
            raise ValueError(f"{func}: values[{name!r}] has no finite value")
        color = (colors or {}).get(name, f"C{row}")
        ax.scatter(v, np.full(v.size, y), s=22, color=color, alpha=0.7, zorder=3)
        ax.plot([v.mean()] * 2, [y - 0.3, y + 0.3], color=color, lw=2.5, zorder=4)
    ax.set_yticks(range(len(names) - 1, -1, -1), names)
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.grid(axis="x", alpha=0.3)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    return ax
