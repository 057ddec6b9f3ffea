r"""The book's figure style: text a phone can read, images sharp on HiDPI screens.

A figure ``W`` inches wide that the page shows ``c`` CSS pixels wide draws text of ``s``
points at

.. math:: s \cdot \frac{c}{72\,W} \ \text{CSS px},

so text stays at least :data:`MIN_TEXT_PX` on a phone, where the book's text column is
:data:`PHONE_COLUMN_PX` wide (measured on the built book at a 390 px viewport), if and only if
``s >= MIN_TEXT_PX * 72 * W / PHONE_COLUMN_PX`` (:func:`min_font_size`). The style draws
single-panel figures :data:`FIGURE_WIDTH` inches wide with text of :data:`FONT_SIZE` points,
which is just above that bound; the page shows them :data:`CSS_PX_PER_INCH` CSS pixels per
inch (480 px: a column's width on a phone, two thirds of it on a desktop), from PNGs drawn at
:data:`DPI`, twice that density, so they are sharp on HiDPI screens.

A row of panels cannot be read at a phone's width, so figures of one row of ``n`` panels also
have a stacked layout, ``n`` rows of one panel (:func:`stacked_layout`), which the book shows
below :data:`NARROW_MEDIA`.

Chapters call :func:`use_book_style` once, in their set-up cell; interactive figures
(:mod:`relulib.widgets`) apply the style to every frame themselves.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

__all__ = [
    "ASPECT",
    "CSS_PX_PER_INCH",
    "DPI",
    "FIGURE_WIDTH",
    "FONT_SIZE",
    "MIN_TEXT_PX",
    "NARROW_MEDIA",
    "PHONE_COLUMN_PX",
    "book_rc",
    "book_style",
    "css_size",
    "layout_figsize",
    "min_font_size",
    "narrow_column",
    "readable_text",
    "readable_width",
    "smallest_text",
    "stacked_layout",
    "use_book_style",
]

PHONE_COLUMN_PX = 358  #: the book's text column at a 390 px wide viewport, in CSS px
MIN_TEXT_PX = 11.0  #: the smallest text a figure may show on a phone, in CSS px
CSS_PX_PER_INCH = 96  #: how many CSS px the page gives one inch of a figure
DPI = 2 * CSS_PX_PER_INCH  #: the PNGs' pixels per inch, 2 device pixels per CSS px
FIGURE_WIDTH = 5.0  #: width of a one-panel figure, inches
ASPECT = 0.6  #: height / width of one panel
FONT_SIZE = 11.5  #: points; ``min_font_size(FIGURE_WIDTH)`` is 11.06
#: Where one row of panels gives way to its stacked layout; the text column is then at most
#: 568 px wide, enough for a two-panel row (``layout_figsize(1, 2)``) at :data:`FONT_SIZE`.
NARROW_MEDIA = "(max-width: 600px)"
_NARROW_COLUMN_PX = 569  # the text column just above NARROW_MEDIA


def min_font_size(width: float, column: float = PHONE_COLUMN_PX) -> float:
    """The smallest font size, in points, that stays ``MIN_TEXT_PX`` when a figure ``width``
    inches wide is shown ``column`` CSS px wide.

    Example:
        >>> round(min_font_size(5.0), 2)
        11.06
    """
    if not isinstance(width, numbers.Real) or not width > 0:
        raise ValueError(f"width: expected a positive number of inches, got {width!r}")
    return MIN_TEXT_PX * 72 * width / column


def readable_width(font_size: float = FONT_SIZE, column: float = PHONE_COLUMN_PX) -> float:
    """The widest figure, in inches, whose text of ``font_size`` points stays readable when
    shown ``column`` CSS px wide (the inverse of :func:`min_font_size`).

    Example:
        >>> round(readable_width(), 2)
        5.2
    """
    return font_size * column / (MIN_TEXT_PX * 72)


def book_rc(width: float = FIGURE_WIDTH, column: float = PHONE_COLUMN_PX) -> dict:
    """matplotlib rcParams of the book's style for a figure ``width`` inches wide.

    Text is :data:`FONT_SIZE` points, or larger if the figure is so wide that it would
    otherwise fall below :data:`MIN_TEXT_PX` when shown ``column`` CSS px wide.

    Example:
        >>> book_rc()["font.size"], book_rc(8.0)["font.size"]
        (11.5, 17.7)
    """
    size = max(FONT_SIZE, round(min_font_size(width, column) + 0.05, 1))
    return {
        "figure.figsize": (width, round(width * ASPECT, 2)),
        "figure.dpi": CSS_PX_PER_INCH,
        "savefig.dpi": DPI,
        # opaque white: the figures keep their colours on the dark theme, as a light card
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "font.size": size,
        "axes.titlesize": size,
        "axes.labelsize": size,
        "xtick.labelsize": size,
        "ytick.labelsize": size,
        "legend.fontsize": size,
        "figure.titlesize": size,
        "lines.linewidth": 2.0,
    }


@contextmanager
def book_style(width: float = FIGURE_WIDTH, column: float = PHONE_COLUMN_PX) -> Iterator[None]:
    """The book's style inside a ``with`` block only (see :func:`book_rc`)."""
    with matplotlib.rc_context(book_rc(width, column)):
        yield


def use_book_style() -> None:
    """Switch matplotlib to the book's style for the rest of the session.

    Sets ``relulib.plotting.style.book_rc()``: figures 5 inches wide with text that stays
    11 CSS px or more on a phone; and, in IPython, makes inline figures HiDPI ("retina" PNGs
    with twice the pixels of their CSS size). A chapter calls it once, in its set-up cell,
    after importing pyplot.
    """
    matplotlib.rcParams.update(book_rc())
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: no inline figures to configure
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")


def readable_text(fig: Figure, column: float = PHONE_COLUMN_PX) -> Figure:
    """Raise every text of ``fig`` to at least :func:`min_font_size` for its width.

    A drawing function may ask for ``fontsize="small"``; in the book, no text of a figure
    shown ``column`` CSS px wide may fall below :data:`MIN_TEXT_PX`.

    Example:
        >>> fig = Figure(figsize=(5.0, 3.0))
        >>> label = fig.subplots().set_title("t", fontsize=6)
        >>> readable_text(fig).axes[0].title.get_fontsize() >= 11.06
        True
    """
    smallest = min_font_size(fig.get_figwidth(), column)
    for text in fig.findobj(Text):
        if text.get_text() and text.get_fontsize() < smallest:
            text.set_fontsize(smallest)
    for ax in fig.axes:  # tick labels get their text only when drawn: set their size now
        for axis, default in ((ax.xaxis, "xtick.labelsize"), (ax.yaxis, "ytick.labelsize")):
            for which in ("major", "minor"):
                size = axis.get_tick_params(which=which).get("labelsize")
                size = FontProperties(size=size or matplotlib.rcParams[default])
                if size.get_size_in_points() < smallest:
                    axis.set_tick_params(which=which, labelsize=smallest)
    return fig


def smallest_text(fig: Figure) -> float:
    """The font size, in points, of the smallest text ``fig`` shows (after it was drawn).

    Example:
        >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
        >>> fig = Figure(figsize=(5.0, 3.0))
        >>> ax = fig.subplots()
        >>> _ = ax.set_title("t", fontsize=20)
        >>> ax.tick_params(labelsize=8)
        >>> FigureCanvasAgg(fig).draw()
        >>> smallest_text(fig)
        8.0
    """
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
    return min(sizes, default=math.inf)


def stacked_layout(layout: tuple[int, int]) -> tuple[int, int] | None:
    """The phone layout of one row of panels, one panel per row; ``None`` for other layouts.

    Its Axes array has the same shape and order as the row's, so one drawing function
    draws both.

    Example:
        >>> stacked_layout((1, 2)), stacked_layout((1, 1)), stacked_layout((2, 2))
        ((2, 1), None, None)
    """
    rows, columns = layout
    return (columns, 1) if rows == 1 and columns > 1 else None


def layout_figsize(rows: int, columns: int) -> tuple[float, float]:
    """The size, in inches, of a figure of ``rows`` x ``columns`` panels in the book's style.

    One column is :data:`FIGURE_WIDTH` wide; a row of panels is 3.75 inches per panel (at
    most 8), readable at the column width above :data:`NARROW_MEDIA`.

    Example:
        >>> layout_figsize(1, 1), layout_figsize(1, 2), layout_figsize(2, 1)
        ((5.0, 3.0), (7.5, 3.0), (5.0, 6.0))
    """
    if columns == 1:
        return (FIGURE_WIDTH, round(rows * FIGURE_WIDTH * ASPECT, 2))
    width = min(8.0, 3.75 * columns)
    return (width, round(rows * (width / columns) * 0.8, 2))


def css_size(figsize: tuple[float, float]) -> tuple[int, int]:
    """How many CSS px wide and high the book shows a figure of ``figsize`` inches.

    Example:
        >>> css_size((5.0, 3.0))
        (480, 288)
    """
    return (round(figsize[0] * CSS_PX_PER_INCH), round(figsize[1] * CSS_PX_PER_INCH))


def narrow_column(layout: tuple[int, int]) -> float:
    """The narrowest column, in CSS px, that shows a figure of this ``layout``."""
    return _NARROW_COLUMN_PX if stacked_layout(layout) else PHONE_COLUMN_PX
