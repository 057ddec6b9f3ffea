"""Showing things in the book: relulib's own code, read from the installed package, tables, and
the numbers a chapter's text quotes (glued with ``myst_nb.glue``, checked before they are)."""

from __future__ import annotations

import ast
import inspect
import math
import numbers
import textwrap

from IPython.display import Code, Markdown

__all__ = [
    "glue_numbers",
    "glue_percents",
    "markdown_table",
    "show_source",
    "source_without_docstring",
]


def source_without_docstring(obj) -> str:
    """The source of a function or class as installed, with its docstring left out.

    Example:
        >>> import relulib
        >>> print(source_without_docstring(relulib.relu).splitlines()[0])
        def relu(x):
    """
    source = textwrap.dedent(inspect.getsource(obj))
    node = ast.parse(source).body[0]
    body = node.body
    has_docstring = (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    )
    if not has_docstring:
        return source
    lines = source.splitlines()
    start, end = body[0].lineno - 1, body[0].end_lineno
    return "\n".join(lines[:start] + lines[end:]) + "\n"


def show_source(obj, *, docstring: bool = False) -> Code:
    """Display the installed source of ``obj`` with syntax highlighting (docstring optional)."""
    text = textwrap.dedent(inspect.getsource(obj)) if docstring else source_without_docstring(obj)
    return Code(text, language="python")


def markdown_table(header, rows) -> Markdown:
    """A table for a notebook and the book: one header row, then ``rows`` (cells via ``str``).

    Example:
        >>> print(markdown_table(["x", "relu(x)"], [[-1, 0], [2, 2]]).data)
        | x | relu(x) |
        | --- | --- |
        | -1 | 0 |
        | 2 | 2 |
    """
    lines = [_table_row(header), _table_row(["---"] * len(header))]
    lines += [_table_row(row) for row in rows]
    return Markdown("\n".join(lines))


def _table_row(cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


#: The prefix under which MyST-NB finds a glued value in a cell's outputs (the papermill
#: "record" convention that ``myst_nb.glue`` writes).
GLUE_PREFIX = "application/papermill.record/"


def _glue(name, value):
    """What ``myst_nb.glue(name, value, display=False)`` does, without importing myst_nb.

    Importing myst_nb costs about a second of CPU (it loads nbformat's JSON schemas) in every
    chapter's kernel, for a one-line display call; a test checks the output is the same.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    display(
        {GLUE_PREFIX + mime: data for mime, data in bundle.items()}, raw=True, metadata=metadata
    )


def _finite_number(name, value, func):
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()  # a NumPy or torch scalar
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: {name} must be a real number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{func}: {name} is {value}; a chapter never quotes a non-finite number")
    return value


def glue_numbers(**values) -> dict:
    """Glue each value under its name, for ``{glue:text}`name:.3f``` in the text, unshown.

    Every number must be finite: a NaN or an infinity in the text means an experiment went
    wrong, and the build should say so instead of printing it. Strings pass unchanged.
    NumPy and torch scalars become Python numbers. Returns the glued values.

    Example:
        >>> glue_numbers(loss=float("nan"))
        Traceback (most recent call last):
        ...
        ValueError: glue_numbers: loss is nan; a chapter never quotes a non-finite number
    """
    checked = {
        name: value if isinstance(value, str) else _finite_number(name, value, "glue_numbers")
        for name, value in values.items()
    }
    for name, value in checked.items():
        _glue(name, value)
    return checked


def glue_percents(**fractions) -> dict:
    """Glue fractions in [0, 1] (accuracies, dead or zero fractions) as percentages.

    ``glue_percents(acc=0.875)`` glues ``87.5`` under ``acc``. A fraction outside [0, 1], NaN
    or infinite raises ``ValueError``: it cannot be an accuracy or a share of units.

    Example:
        >>> glue_percents(dead=1.25)
        Traceback (most recent call last):
        ...
        ValueError: glue_percents: dead = 1.25 is not a fraction in [0, 1]
    """
    percents = {}
    for name, value in fractions.items():
        value = _finite_number(name, value, "glue_percents")
        if not 0 <= value <= 1:
            raise ValueError(f"glue_percents: {name} = {value} is not a fraction in [0, 1]")
        percents[name] = 100 * value
    for name, value in percents.items():
        _glue(name, value)
    return percents
