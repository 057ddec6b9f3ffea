"""relulib.display: source display, tables, and the checked glue helpers."""

import inspect
import math
import textwrap

import numpy as np
import pytest
import torch

import relulib
from relulib import display
from relulib.display import markdown_table, show_source, source_without_docstring


def test_source_is_the_installed_code_without_its_docstring():
    shown = source_without_docstring(relulib.relu)
    assert shown.startswith("def relu(x):")
    assert relulib.relu.__doc__.strip().splitlines()[0] not in shown
    code_lines = [line for line in shown.splitlines()[1:] if line.strip()]
    assert all(line in inspect.getsource(relulib.relu) for line in code_lines)
    assert "return" in shown


def test_function_without_docstring_is_shown_whole():
    def plain(x):
        return x

    assert source_without_docstring(plain) == textwrap.dedent(inspect.getsource(plain))


def test_show_source_can_keep_the_docstring():
    assert (
        relulib.relu.__doc__.strip().splitlines()[0]
        in show_source(relulib.relu, docstring=True).data
    )


def test_markdown_table_has_a_header_rule_and_one_line_per_row():
    lines = markdown_table(["a", "b"], [[1, "x"], [2.5, None]]).data.splitlines()
    assert lines == ["| a | b |", "| --- | --- |", "| 1 | x |", "| 2.5 | None |"]


@pytest.fixture
def glued(monkeypatch):
    """What reaches myst_nb.glue, recorded instead of displayed."""
    calls = {}
    monkeypatch.setattr(display, "_glue", lambda name, value: calls.__setitem__(name, value))
    return calls


def test_glue_numbers_converts_numpy_and_torch_scalars(glued):
    out = display.glue_numbers(a=np.float32(0.5), b=torch.tensor(3), c=7, name="ReLU")
    assert glued == out == {"a": 0.5, "b": 3, "c": 7, "name": "ReLU"}
    assert type(glued["a"]) is float and type(glued["b"]) is int


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_glue_numbers_refuses_non_finite_values_and_glues_nothing(glued, bad):
    with pytest.raises(ValueError, match="glue_numbers: loss is"):
        display.glue_numbers(ok=1.0, loss=bad)
    assert glued == {}


@pytest.mark.parametrize("bad", [None, [1.0], True, 1 + 2j])
def test_glue_numbers_refuses_non_numbers(glued, bad):
    with pytest.raises(TypeError, match="glue_numbers: x must be a real number"):
        display.glue_numbers(x=bad)


def test_glue_percents_scales_fractions(glued):
    assert display.glue_percents(acc=0.875, dead=0, full=1.0) == {
        "acc": 87.5,
        "dead": 0,
        "full": 100.0,
    }
    assert glued == {"acc": 87.5, "dead": 0, "full": 100.0}


@pytest.mark.parametrize("bad", [-0.01, 1.0001, math.nan, 87.5])
def test_glue_percents_refuses_what_cannot_be_a_fraction(glued, bad):
    with pytest.raises(ValueError, match="glue_percents: acc"):
        display.glue_percents(acc=bad)
    assert glued == {}


@pytest.mark.parametrize("value", [2.0, 7, "ReLU", 87.5])
def test_glue_displays_exactly_what_myst_nb_glue_displays(monkeypatch, value):
    import IPython.display
    from myst_nb import glue

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **kw: shown.append((a, kw)))
    monkeypatch.setattr("myst_nb.ext.glue.ipy_display", lambda *a, **kw: shown.append((a, kw)))
    display.glue_numbers(x=value)
    glue("x", value, display=False)
    ours, theirs = shown
    assert ours == theirs
    assert list(ours[0][0]) == [display.GLUE_PREFIX + "text/plain"]
