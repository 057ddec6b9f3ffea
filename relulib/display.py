"""Showing things in the book: relulib's own code, read from the installed package, and tables."""

from __future__ import annotations

import ast
import inspect
import textwrap

from IPython.display import Code, Markdown

__all__ = ["markdown_table", "show_source", "source_without_docstring"]


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
