r"""One figure, three faces: a live widget, a kernel-free HTML control, and a headless test path.

A figure in the book is a pure drawing function ``draw(ax, **params)`` plus a grid of
parameter values. :func:`interactive_figure` turns the pair into an :class:`InteractiveFigure`
that displays

1. in a live kernel (JupyterLab, Notebook, Colab) as ipywidgets sliders and menus driving the
   matplotlib figure, re-drawn with the Agg backend on every change;
2. in the built HTML book as a kernel-free control: the frames for every grid point are
   rendered once as PNGs and switched by a few lines of inline JavaScript behind standard
   ``<input type="range">`` and ``<select>`` elements (keyboard-accessible, no network, no
   kernel). The face embeds them as data URIs; the book's build moves them into image files
   (``book/_ext``), which the page fetches once the figure scrolls into view;
3. in tests through :meth:`InteractiveFigure.update`, the live face's own update path.

Every frame is drawn in the book's style (``relulib.plotting.style``): text that stays
readable on a phone, PNGs at twice the CSS resolution, and, for a row of panels, a second,
stacked set of frames that the page shows on narrow screens. ``responsive_figure`` gives a
figure without controls the same treatment.

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
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from relulib.plotting import style

__all__ = ["FRAMES_ENV", "InteractiveFigure", "interactive_figure", "responsive_figure"]

FRAMES_ENV = "RELULIB_HTML_FRAMES"
MAX_FRAMES = 36
_ADJUST_IGNORED = "This figure was using a layout engine that is incompatible with subplots_adjust"
_CONTROL_IDS = itertools.count(1)  # unique on a page, the same in every fresh run

_SCRIPT = """(function () {
  var fig = document.currentScript.closest(".relulib-figure");
  var data = JSON.parse(fig.querySelector("script.relulib-frames").textContent);
  var img = fig.querySelector("img");
  var narrow = fig.querySelector("source");
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
    if (narrow) { narrow.srcset = data.narrow[index]; }
    img.src = data.frames[index];
    img.alt = data.alts[index];
  }
  controls.forEach(function (control) { control.addEventListener("input", show); });
  function fetchFrames() {
    var urls = narrow && matchMedia(narrow.media).matches ? data.narrow : data.frames;
    urls.forEach(function (url) { new Image().src = url; });
  }
  if ("IntersectionObserver" in window) {
    var watch = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        watch.disconnect();
        fetchFrames();
      }
    }, { rootMargin: "300px" });
    watch.observe(fig);
  }
})();"""

_STYLE = (
    "<style>"
    ".relulib-figure{margin:1em 0;max-width:100%}"
    ".relulib-figure img{max-width:100%;height:auto;display:block;background:#fff}"
    ".relulib-controls{display:flex;flex-wrap:wrap;gap:.4em 1.5em;align-items:center;"
    "margin-top:.3em}"
    ".relulib-controls label{display:flex;flex-wrap:wrap;gap:.2em .5em;align-items:center}"
    ".relulib-controls output{min-width:3.5em;font-variant-numeric:tabular-nums}"
    ".relulib-caption{font-size:.9em;margin:.3em 0 0}"
    "@media print{.relulib-controls{display:none}}"
    "</style>"
)


def interactive_figure(
    draw: Callable[..., Any],
    grid: Mapping[str, Sequence[Any]],
    *,
    initial: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    alt: str = "",
    caption: str = "",
    layout: tuple[int, int] = (1, 1),
    figsize: tuple[float, float] | None = None,
    dpi: float | None = None,
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
        labels: parameter name -> the text that names its control, for a reader
            (e.g. ``{"depth": "layers in the net"}``); a parameter without one is named by
            its name.
        alt: a description of the figure for screen readers; each frame appends its values.
        caption: a line of text under the figure. In the book, give the cell a numbered
            caption instead (cell metadata ``mystnb: figure: caption, name``).
        layout: ``(rows, columns)`` of panels. A row of panels is also drawn stacked, one
            panel per row, for narrow screens (``relulib.plotting.style.stacked_layout``).
        figsize: size of every frame in inches (default:
            ``relulib.plotting.style.layout_figsize``, the book's width); text grows
            with it, so that a wider figure stays readable on a phone.
        dpi: pixels per inch of the frames (default ``relulib.plotting.style.DPI``,
            twice the density the book shows them at, for HiDPI screens).
        max_frames: the most frames the grid may produce (the product of its sizes).

    Returns:
        An :class:`InteractiveFigure`; display it (as a cell's last expression) to get the
        face that suits the front end.

    Example:
        >>> def hinge(ax, w, b):
        ...     ax.plot([-2, 0, 2], [max(0, -2 * w + b), max(0, b), max(0, 2 * w + b)])
        >>> fig = interactive_figure(
        ...     hinge, {"w": [-1, 1], "b": [0.0, 0.5]}, labels={"w": "weight"}, dpi=20
        ... )
        >>> fig.params
        {'w': -1, 'b': 0.0}
        >>> len(fig.frames())
        4
    """
    if not isinstance(grid, Mapping) or not grid:
        raise TypeError(f"grid: expected a non-empty mapping name -> values, got {grid!r}")
    return InteractiveFigure(
        draw,
        grid,
        initial=initial,
        labels=labels,
        alt=alt,
        caption=caption,
        layout=layout,
        figsize=figsize,
        dpi=dpi,
        max_frames=max_frames,
    )


def responsive_figure(
    draw: Callable[..., Any],
    *,
    alt: str,
    caption: str = "",
    layout: tuple[int, int] = (1, 2),
    figsize: tuple[float, float] | None = None,
    dpi: float | None = None,
) -> InteractiveFigure:
    """A figure without controls that a phone can read: a row of panels stacks on it.

    ``draw(axes)`` draws the figure on the Axes (or array of Axes) of ``layout``. The book
    shows it as a HiDPI image, loaded when it scrolls into view; a row of panels is also
    drawn one panel per row, and the page picks that version on narrow screens. Jupyter
    shows the row as a PNG. The other arguments are those of :func:`interactive_figure`.

    Example:
        >>> def relu_and_step(axes):
        ...     axes[0].plot([-1, 0, 1], [0, 0, 1])
        ...     axes[1].plot([-1, 0, 0, 1], [0, 0, 1, 1])
        >>> fig = responsive_figure(relu_and_step, alt="ReLU and its derivative", dpi=20)
        >>> fig.layout, fig.narrow_layout
        ((1, 2), (2, 1))
    """
    return InteractiveFigure(
        draw,
        {},
        initial=None,
        labels=None,
        alt=alt,
        caption=caption,
        layout=layout,
        figsize=figsize,
        dpi=dpi,
        max_frames=1,
    )


class InteractiveFigure:
    """A drawing function over a parameter grid, shown live or kernel-free.

    Create it with :func:`interactive_figure` (or, without controls,
    ``responsive_figure``), which document the arguments.
    """

    def __init__(
        self, draw, grid, *, initial, labels, alt, caption, layout, figsize, dpi, max_frames
    ):
        if not callable(draw):
            raise TypeError(f"draw: expected a function draw(ax, **params), got {draw!r}")
        self.draw = draw
        self.grid = _validated_grid(grid, max_frames)
        self.labels = _validated_labels(labels, self.grid)
        self.alt = alt
        self.caption = caption
        self.layout = _validated_layout(layout)
        self.narrow_layout = style.stacked_layout(self.layout)
        self.figsize = _validated_figsize(figsize) or style.layout_figsize(*self.layout)
        self._dpi = dpi or style.DPI
        self._text_pt: dict[Figure, float] = {}  # smallest text each figure has drawn
        self._figure = _new_figure(self.figsize, self._dpi)
        self._narrow_figure = None
        if self.narrow_layout:
            narrow_size = _stacked_figsize(self.figsize, self.layout)
            self._narrow_figure = _new_figure(narrow_size, self._dpi)
        self.params = self._start_values(initial or {})
        self.png = self.render(**self.params)
        self._frames: list[tuple[dict[str, Any], bytes]] | None = None
        self._narrow_frames: list[bytes] | None = None
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
        return self._render(self._figure, self.layout, params)

    def update(self, **changes) -> bytes:
        """Move some parameters to new grid values and redraw: the live face's update path.

        Returns the new frame as PNG bytes; the live widget, if shown, displays it. The live
        face draws at one pixel per CSS px (not twice, as the book's frames): half the
        drawing time, which keeps a slider responsive.
        """
        for name, value in changes.items():
            self._check_grid_value(name, value)
        self.params = {**self.params, **changes}
        live_dpi = min(self._dpi, style.CSS_PX_PER_INCH)
        self.png = self._render(self._figure, self.layout, self.params, dpi=live_dpi)
        if self._image is not None:
            self._image.value = self.png
        return self.png

    def frames(self) -> list[tuple[dict[str, Any], bytes]]:
        """Every grid point and its frame, last parameter varying fastest (computed once)."""
        if self._frames is None:
            points = self._grid_points()
            self._frames = [(point, self.render(**point)) for point in points]
            self.render(**self.params)  # leave the figure showing the current frame
        return self._frames

    def narrow_frames(self) -> list[bytes] | None:
        """The frames in the stacked layout, in the order of :meth:`frames` (``None`` if the
        layout is not a row of panels)."""
        if self._narrow_figure is None:
            return None
        if self._narrow_frames is None:
            self._narrow_frames = [
                self._render(self._narrow_figure, self.narrow_layout, point)
                for point in self._grid_points()
            ]
        return self._narrow_frames

    @property
    def css_size(self) -> tuple[int, int]:
        """Width and height, in CSS px, at which the book shows a frame."""
        return style.css_size(self.figsize)

    @property
    def widget(self):
        """The live face, ipywidgets controls above the figure (created on first use)."""
        if self._widget is None:
            self._widget = self._build_widget()
        return self._widget

    def to_html(self, all_frames: bool = True) -> str:
        """The kernel-free face: every frame behind form controls, or a static snapshot."""
        if all_frames or not self.grid:
            return _STYLE + self._frames_html()
        return _STYLE + self._snapshot_html()

    def _repr_mimebundle_(self, include=None, exclude=None):
        if not self.grid:  # nothing to control: a picture, which Jupyter shows as a PNG
            width, height = self.css_size
            data = {
                "text/plain": repr(self),
                "image/png": base64.b64encode(self.png).decode("ascii"),
                "text/html": self.to_html(),
            }
            return data, {"image/png": {"width": width, "height": height}}
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = repr(self)
        bundle["text/html"] = self.to_html(all_frames=os.environ.get(FRAMES_ENV) == "all")
        return bundle

    # -- internals ------------------------------------------------------------------------

    def _render(
        self, figure: Figure, layout: tuple[int, int], params: Mapping[str, Any], dpi=None
    ) -> bytes:
        column = style.narrow_column(layout)
        with style.book_style(figure.get_figwidth(), column), warnings.catch_warnings():
            # the frame's layout engine places the panels; a drawing function's own
            # subplots_adjust (tuned for a figure without one) has nothing left to do
            warnings.filterwarnings("ignore", message=_ADJUST_IGNORED, category=UserWarning)
            figure.clear()
            axes = figure.subplots(*layout, squeeze=True)
            self.draw(axes, **params)
            style.readable_text(figure, column)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=dpi or self._dpi, metadata={"Software": None})
        smallest = self._text_pt.get(figure, math.inf)
        self._text_pt[figure] = min(smallest, style.smallest_text(figure))
        return buffer.getvalue()

    def _grid_points(self) -> list[dict[str, Any]]:
        names = list(self.grid)
        combos = itertools.product(*self.grid.values())
        return [dict(zip(names, values, strict=True)) for values in combos]

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

    def _label_of(self, name: str) -> str:
        return self.labels.get(name, name)

    def _alt_text(self, params: Mapping[str, Any]) -> str:
        values = ", ".join(f"{self._label_of(name)} = {_label(v)}" for name, v in params.items())
        if not values:
            return self.alt
        return f"{self.alt} ({values})" if self.alt else values

    def _frames_html(self) -> str:
        frames = self.frames()
        narrow = self.narrow_frames()
        sizes = [len(values) for values in self.grid.values()]
        strides = [math.prod(sizes[k + 1 :]) for k in range(len(sizes))]
        data = {
            "strides": strides,
            "labels": [[_label(v) for v in values] for values in self.grid.values()],
            "frames": [_data_uri(png) for _, png in frames],
            "alts": [self._alt_text(point) for point, _ in frames],
        }
        if narrow:
            data["narrow"] = [_data_uri(png) for png in narrow]
        index = sum(
            _grid_index(self.grid[name], self.params[name]) * stride
            for name, stride in zip(self.grid, strides, strict=True)
        )
        picture = self._picture_html(
            data["frames"][index], data["alts"][index], narrow and data["narrow"][index]
        )
        if not self.grid:
            return f'<div class="relulib-figure">{picture}{self._caption_html()}</div>'
        controls = "".join(self._control_html(name) for name in self.grid)
        payload = json.dumps(data).replace("</", "<\\/")
        return (
            '<div class="relulib-figure">'
            f"{picture}"
            f'<div class="relulib-controls">{controls}</div>'
            f"{self._caption_html()}"
            f'<script type="application/json" class="relulib-frames">{payload}</script>'
            f"<script>{_SCRIPT}</script>"
            "</div>"
        )

    def _picture_html(self, src: str, alt: str, narrow_src: str | None) -> str:
        # data-text-px: the smallest text of the frames, in CSS px at the image's own width
        width, height = self.css_size
        img = (
            f'<img src="{src}" alt="{html.escape(alt)}" width="{width}" height="{height}" '
            f'loading="lazy" decoding="async" data-text-px="{self._text_px(self._figure)}">'
        )
        if not narrow_src:
            return img
        narrow_width, narrow_height = style.css_size(_stacked_figsize(self.figsize, self.layout))
        return (
            f'<picture><source media="{style.NARROW_MEDIA}" srcset="{narrow_src}" '
            f'width="{narrow_width}" height="{narrow_height}" '
            f'data-text-px="{self._text_px(self._narrow_figure)}">{img}</picture>'
        )

    def _text_px(self, figure: Figure) -> str:
        return f"{self._text_pt[figure] * style.CSS_PX_PER_INCH / 72:.2f}"

    def _control_html(self, name: str) -> str:
        values = self.grid[name]
        current = _grid_index(values, self.params[name])
        control_id = f"relulib-{_slug(name)}-{next(_CONTROL_IDS)}"
        label = html.escape(self._label_of(name))
        param = html.escape(name)
        if _all_numbers(values):
            return (
                f'<label for="{control_id}">{label}'
                f'<input type="range" id="{control_id}" data-param="{param}" min="0" '
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
            f'<select id="{control_id}" data-param="{param}">{options}</select></label>'
        )

    def _snapshot_html(self) -> str:
        names = ", ".join(html.escape(self._label_of(name)) for name in self.grid)
        note = f"Static snapshot: run this notebook to change {names} interactively."
        picture = self._picture_html(_data_uri(self.png), self._alt_text(self.params), None)
        return (
            f'<div class="relulib-figure">{picture}'
            f'<p class="relulib-caption">{html.escape(note)}</p></div>'
        )

    def _caption_html(self) -> str:
        if not self.caption:
            return ""
        return f'<p class="relulib-caption">{html.escape(self.caption)}</p>'

    def _build_widget(self):
        import ipywidgets as widgets

        width, _ = self.css_size
        self._image = widgets.Image(value=self.png, format="png")
        self._image.layout.width = f"{width}px"
        self._image.layout.max_width = "100%"
        self._image.layout.height = "auto"
        controls = [self._live_control(widgets, name) for name in self.grid]
        return widgets.VBox([widgets.HBox(controls, layout={"flex_flow": "row wrap"}), self._image])

    def _live_control(self, widgets, name: str):
        values = self.grid[name]
        options = [(_label(v), v) for v in values]
        common = {
            "options": options,
            "value": self.params[name],
            "description": self._label_of(name),
            "style": {"description_width": "initial"},
        }
        if _all_numbers(values):
            control = widgets.SelectionSlider(**common, continuous_update=True)
        else:
            control = widgets.Dropdown(**common)
        control.observe(lambda change: self.update(**{name: change["new"]}), names="value")
        return control


def _new_figure(figsize: tuple[float, float], dpi: float) -> Figure:
    # constrained layout keeps titles and labels inside the frame at the style's text sizes
    figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _stacked_figsize(figsize: tuple[float, float], layout: tuple[int, int]) -> tuple[float, float]:
    """A row of panels of ``figsize``, one panel per row, the book's width."""
    columns = layout[1]
    panel_aspect = figsize[1] / (figsize[0] / columns)
    return (style.FIGURE_WIDTH, round(columns * style.FIGURE_WIDTH * panel_aspect, 2))


def _validated_grid(grid: Mapping[str, Sequence[Any]], max_frames: int) -> dict[str, list[Any]]:
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid: expected a mapping name -> values, got {grid!r}")
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
            "use fewer values, since the book serves every frame"
        )
    return checked


def _validated_labels(
    labels: Mapping[str, str] | None, grid: Mapping[str, Sequence[Any]]
) -> dict[str, str]:
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise TypeError(f"labels: expected a mapping parameter name -> text, got {labels!r}")
    for name, text in labels.items():
        if name not in grid:
            raise ValueError(f"labels: unknown parameter {name!r}; expected one of {list(grid)}")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"labels: {name!r} needs a non-empty string, got {text!r}")
    return dict(labels)


def _validated_figsize(figsize: tuple[float, float] | None) -> tuple[float, float] | None:
    if figsize is None:
        return None
    if len(figsize) != 2 or not all(isinstance(v, numbers.Real) and v > 0 for v in figsize):
        raise ValueError(f"figsize: expected (width, height) in inches, got {figsize!r}")
    return (float(figsize[0]), float(figsize[1]))


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
