r"""One figure, three faces: a live widget, a kernel-free HTML control, and a headless test path.

A figure in the book is a pure drawing function ``draw(ax, **params)`` plus a grid of
parameter values. :func:`interactive_figure` turns the pair into an :class:`InteractiveFigure`
that displays

1. in a live kernel (JupyterLab, Notebook, Colab) as ipywidgets sliders and menus driving the
   matplotlib figure, re-drawn with the Agg backend on every change;
2. in the built HTML book as a kernel-free control: the frames for every grid point are
   rendered once, embedded as PNGs, and switched by a few lines of inline JavaScript behind
   standard ``<input type="range">`` and ``<select>`` elements (keyboard-accessible, no
   network, no kernel);
3. in tests through :meth:`InteractiveFigure.update`, the live face's own update path.

How much of the HTML face is built is set by the environment variable
``RELULIB_HTML_FRAMES``: ``all`` embeds every frame (the book's build sets it); anything else
embeds only the current frame as a static snapshot, so a live notebook pays nothing for the
book. Which face a front end shows is its own choice: Jupyter prefers the widget view, and the
book sets ``nb_mime_priority_overrides`` so that its HTML build prefers ``text/html``.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import math
import numbers
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["FRAMES_ENV", "InteractiveFigure", "interactive_figure"]

FRAMES_ENV = "RELULIB_HTML_FRAMES"
MAX_FRAMES = 36
_CONTROL_IDS = itertools.count(1)  # unique on a page, the same in every fresh run

_SCRIPT = """(function () {
  var fig = document.currentScript.closest("figure");
  var data = JSON.parse(fig.querySelector("script.relulib-frames").textContent);
  var img = fig.querySelector("img");
  var controls = fig.querySelectorAll("[data-param]");
  function show() {
    var index = 0;
    controls.forEach(function (control, k) {
      var i = Number(control.value);
      index += i * data.strides[k];
      var out = fig.querySelector("output[for='" + control.id + "']");
      if (out) { out.value = data.labels[k][i]; }
      if (control.type === "range") { control.setAttribute("aria-valuetext", data.labels[k][i]); }
    });
    img.src = data.frames[index];
    img.alt = data.alts[index];
  }
  controls.forEach(function (control) { control.addEventListener("input", show); });
})();"""

_STYLE = (
    "<style>"
    ".relulib-figure{margin:1em 0;max-width:100%}"
    ".relulib-figure img{max-width:100%;height:auto;display:block}"
    ".relulib-controls{display:flex;flex-wrap:wrap;gap:.4em 1.5em;align-items:center;"
    "font-size:.9em;margin-top:.3em}"
    ".relulib-controls label{display:flex;gap:.5em;align-items:center}"
    ".relulib-controls output{min-width:3.5em;font-variant-numeric:tabular-nums}"
    ".relulib-figure figcaption{font-size:.85em;color:#555}"
    "</style>"
)


def interactive_figure(
    draw: Callable[..., Any],
    grid: Mapping[str, Sequence[Any]],
    *,
    initial: Mapping[str, Any] | None = None,
    alt: str = "",
    caption: str = "",
    layout: tuple[int, int] = (1, 1),
    figsize: tuple[float, float] = (6.4, 3.6),
    dpi: int = 90,
    max_frames: int = MAX_FRAMES,
) -> InteractiveFigure:
    """Turn a drawing function and a parameter grid into an interactive figure.

    Args:
        draw: ``draw(ax, **params)`` draws one frame on a fresh matplotlib Axes (or, when
            ``layout`` has more than one panel, on the array of Axes ``fig.subplots`` returns).
            It must depend on nothing but its arguments.
        grid: parameter name -> the values it may take, in slider order. Numbers get a
            slider, anything else a drop-down menu.
        initial: the starting value of some parameters (default: the middle of each grid).
        alt: a description of the figure for screen readers; each frame appends its values.
        caption: a line of text under the kernel-free figure.
        layout: ``(rows, columns)`` of panels.
        figsize, dpi: size of every frame.
        max_frames: the most frames the grid may produce (the product of its sizes); each
            frame is embedded in the HTML page.

    Returns:
        An :class:`InteractiveFigure`; display it (as a cell's last expression) to get the
        face that suits the front end.

    Example:
        >>> def hinge(ax, w, b):
        ...     ax.plot([-2, 0, 2], [max(0, -2 * w + b), max(0, b), max(0, 2 * w + b)])
        >>> fig = interactive_figure(hinge, {"w": [-1, 1], "b": [0.0, 0.5]})
        >>> fig.params
        {'w': -1, 'b': 0.0}
        >>> len(fig.frames())
        4
    """
    return InteractiveFigure(
        draw,
        grid,
        initial=initial,
        alt=alt,
        caption=caption,
        layout=layout,
        figsize=figsize,
        dpi=dpi,
        max_frames=max_frames,
    )


class InteractiveFigure:
    """A drawing function over a parameter grid, shown live or kernel-free.

    Create it with :func:`interactive_figure`, which documents the arguments.
    """

    def __init__(self, draw, grid, *, initial, alt, caption, layout, figsize, dpi, max_frames):
        if not callable(draw):
            raise TypeError(f"draw: expected a function draw(ax, **params), got {draw!r}")
        self.draw = draw
        self.grid = _validated_grid(grid, max_frames)
        self.alt = alt
        self.caption = caption
        self.layout = _validated_layout(layout)
        self._figure = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self._figure)
        self._dpi = dpi
        self.params = self._start_values(initial or {})
        self.png = self.render(**self.params)
        self._frames: list[tuple[dict[str, Any], bytes]] | None = None
        self._widget = None
        self._image = None

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}: {len(values)} values" for name, values in self.grid.items())
        return f"<InteractiveFigure {_function_name(self.draw)}({sizes}); {self.n_frames} frames>"

    @property
    def n_frames(self) -> int:
        """How many frames the grid produces."""
        return math.prod(len(values) for values in self.grid.values())

    def render(self, **params) -> bytes:
        """Draw the frame for ``params`` and return it as PNG bytes."""
        figure = self._figure
        figure.clear()
        axes = figure.subplots(*self.layout, squeeze=True)
        self.draw(axes, **params)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=self._dpi, metadata={"Software": None})
        return buffer.getvalue()

    def update(self, **changes) -> bytes:
        """Move some parameters to new grid values and redraw: the live face's update path.

        Returns the new frame as PNG bytes; the live widget, if shown, displays it.
        """
        for name, value in changes.items():
            self._check_grid_value(name, value)
        self.params = {**self.params, **changes}
        self.png = self.render(**self.params)
        if self._image is not None:
            self._image.value = self.png
        return self.png

    def frames(self) -> list[tuple[dict[str, Any], bytes]]:
        """Every grid point and its frame, last parameter varying fastest (computed once)."""
        if self._frames is None:
            names = list(self.grid)
            combos = itertools.product(*self.grid.values())
            points = [dict(zip(names, values, strict=True)) for values in combos]
            self._frames = [(point, self.render(**point)) for point in points]
            self.render(**self.params)  # leave the figure showing the current frame
        return self._frames

    @property
    def widget(self):
        """The live face, ipywidgets controls above the figure (created on first use)."""
        if self._widget is None:
            self._widget = self._build_widget()
        return self._widget

    def to_html(self, all_frames: bool = True) -> str:
        """The kernel-free face: every frame behind form controls, or a static snapshot."""
        if all_frames:
            return _STYLE + self._frames_html()
        return _STYLE + self._snapshot_html()

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = repr(self)
        bundle["text/html"] = self.to_html(all_frames=os.environ.get(FRAMES_ENV) == "all")
        return bundle

    # -- internals ------------------------------------------------------------------------

    def _start_values(self, initial: Mapping[str, Any]) -> dict[str, Any]:
        for name, value in initial.items():
            self._check_grid_value(name, value, argument="initial")
        return {
            name: initial.get(name, values[(len(values) - 1) // 2])
            for name, values in self.grid.items()
        }

    def _check_grid_value(self, name: str, value: Any, argument: str = "parameter") -> None:
        if name not in self.grid:
            raise ValueError(
                f"{argument}: unknown parameter {name!r}; expected one of {list(self.grid)}"
            )
        if not any(_same(value, v) for v in self.grid[name]):
            raise ValueError(
                f"{argument}: {name}={value!r} is not on the grid; "
                f"expected one of {self.grid[name]}"
            )

    def _alt_text(self, params: Mapping[str, Any]) -> str:
        values = ", ".join(f"{name} = {_label(value)}" for name, value in params.items())
        return f"{self.alt} ({values})" if self.alt else values

    def _frames_html(self) -> str:
        frames = self.frames()
        names = list(self.grid)
        sizes = [len(values) for values in self.grid.values()]
        strides = [math.prod(sizes[k + 1 :]) for k in range(len(sizes))]
        data = {
            "strides": strides,
            "labels": [[_label(v) for v in values] for values in self.grid.values()],
            "frames": [_data_uri(png) for _, png in frames],
            "alts": [self._alt_text(point) for point, _ in frames],
        }
        index = sum(
            _grid_index(self.grid[name], self.params[name]) * stride
            for name, stride in zip(names, strides, strict=True)
        )
        controls = "".join(self._control_html(name, k) for k, name in enumerate(names))
        payload = json.dumps(data).replace("</", "<\\/")
        return (
            '<figure class="relulib-figure">'
            f'<img src="{data["frames"][index]}" alt="{html.escape(data["alts"][index])}">'
            f'<div class="relulib-controls">{controls}</div>'
            f"{self._caption_html()}"
            f'<script type="application/json" class="relulib-frames">{payload}</script>'
            f"<script>{_SCRIPT}</script>"
            "</figure>"
        )

    def _control_html(self, name: str, k: int) -> str:
        values = self.grid[name]
        current = _grid_index(values, self.params[name])
        control_id = f"relulib-{_slug(name)}-{next(_CONTROL_IDS)}"
        label = html.escape(name)
        if _all_numbers(values):
            return (
                f'<label for="{control_id}">{label}'
                f'<input type="range" id="{control_id}" data-param="{label}" min="0" '
                f'max="{len(values) - 1}" step="1" value="{current}" '
                f'aria-valuetext="{html.escape(_label(values[current]))}">'
                f'<output for="{control_id}">{html.escape(_label(values[current]))}</output>'
                "</label>"
            )
        options = "".join(
            f'<option value="{i}"{" selected" if i == current else ""}>'
            f"{html.escape(_label(v))}</option>"
            for i, v in enumerate(values)
        )
        return (
            f'<label for="{control_id}">{label}'
            f'<select id="{control_id}" data-param="{label}">{options}</select></label>'
        )

    def _snapshot_html(self) -> str:
        names = ", ".join(html.escape(name) for name in self.grid)
        note = f"Static snapshot: run this notebook to change {names} interactively."
        return (
            '<figure class="relulib-figure">'
            f'<img src="{_data_uri(self.png)}" alt="{html.escape(self._alt_text(self.params))}">'
            f"<figcaption>{html.escape(note)}</figcaption>"
            "</figure>"
        )

    def _caption_html(self) -> str:
        return f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""

    def _build_widget(self):
        import ipywidgets as widgets

        self._image = widgets.Image(value=self.png, format="png")
        self._image.layout.max_width = "100%"
        controls = [self._live_control(widgets, name) for name in self.grid]
        return widgets.VBox([widgets.HBox(controls, layout={"flex_flow": "row wrap"}), self._image])

    def _live_control(self, widgets, name: str):
        values = self.grid[name]
        options = [(_label(v), v) for v in values]
        if _all_numbers(values):
            control = widgets.SelectionSlider(
                options=options, value=self.params[name], description=name, continuous_update=True
            )
        else:
            control = widgets.Dropdown(options=options, value=self.params[name], description=name)
        control.observe(lambda change: self.update(**{name: change["new"]}), names="value")
        return control


def _validated_grid(grid: Mapping[str, Sequence[Any]], max_frames: int) -> dict[str, list[Any]]:
    if not isinstance(grid, Mapping) or not grid:
        raise TypeError(f"grid: expected a non-empty mapping name -> values, got {grid!r}")
    checked = {}
    for name, values in grid.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"grid: parameter names must be identifiers, got {name!r}")
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"grid: {name!r} needs a non-empty list of values, got {values!r}")
        checked[name] = list(values)
    count = math.prod(len(values) for values in checked.values())
    if count > max_frames:
        raise ValueError(
            f"grid: {count} frames (the product of the grid sizes) exceeds "
            f"max_frames={max_frames}; "
            "use fewer values, since every frame is embedded in the HTML page"
        )
    return checked


def _validated_layout(layout: tuple[int, int]) -> tuple[int, int]:
    if len(layout) != 2 or not all(isinstance(n, numbers.Integral) and n >= 1 for n in layout):
        raise ValueError(f"layout: expected (rows, columns) of positive ints, got {layout!r}")
    return (int(layout[0]), int(layout[1]))


def _function_name(fn) -> str:
    """A function's name; a ``functools.partial`` is named after the function it wraps."""
    return getattr(fn, "__name__", None) or _function_name(getattr(fn, "func", type(fn)))


def _all_numbers(values: Sequence[Any]) -> bool:
    return all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)


def _same(a: Any, b: Any) -> bool:
    return a == b and (type(a) is type(b) or _all_numbers([a, b]))


def _grid_index(values: Sequence[Any], value: Any) -> int:
    return next(i for i, v in enumerate(values) if _same(v, value))


def _label(value: Any) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, numbers.Integral)):
        return f"{value:g}"
    return str(value)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
