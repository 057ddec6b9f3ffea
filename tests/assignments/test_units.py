"""The grader's parts that need no sandbox: the codec, names, CSV cells, reading results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from grading.replay import Replay, student_exception
from grading.sandbox import Limits, Sandbox
from grading.sandboxed import codec
from grading.submissions import csv_safe, result_names
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch import nn

from tests.assignments.conftest import ASSIGNMENTS, ROOT

DTYPES = [np.bool_, np.int8, np.int64, np.uint16, np.float16, np.float32, np.float64]
DTYPES += [np.complex128]
arrays = st.sampled_from(DTYPES).flatmap(
    lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**300), max_value=10**300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
values = st.recursive(
    st.one_of(scalars, arrays),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.one_of(st.text(max_size=5), st.integers()), inner, max_size=4),
    ),
    max_leaves=10,
)


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return (
            isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and a.tobytes() == b.tobytes()
        )
    if isinstance(a, float):
        return isinstance(b, float) and (a == b or (a != a and b != b)) and str(a) == str(b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@given(values)
def test_codec_round_trip_is_exact(value):
    """Through JSON text and back: same types, dtypes, shapes, bits (NaN, -0.0 included)."""
    assert _same(value, codec.decode(json.loads(json.dumps(codec.encode(value)))))


def test_codec_carries_models_without_touching_torch_randomness():
    model = nn.Sequential(nn.Linear(1, 2, dtype=torch.float64), nn.ReLU(), nn.Linear(2, 1))
    torch.manual_seed(0)
    expected_next = torch.rand(1)
    torch.manual_seed(0)
    copy = codec.decode(json.loads(json.dumps(codec.encode(model))))
    assert torch.rand(1) == expected_next
    assert [type(layer) for layer in copy] == [nn.Linear, nn.ReLU, nn.Linear]
    assert torch.equal(copy[0].weight, model[0].weight) and copy[0].weight.dtype == torch.float64
    x = torch.tensor([[0.3]], dtype=torch.float64)
    assert torch.equal(copy[:2](x), model[:2](x))


@pytest.mark.parametrize(
    "data",
    [
        {"pickle": "gASV"},
        {"int": "1" * 1000},
        {"float": "__import__('os')"},
        {"array": {"dtype": "|O", "shape": [1], "data": ""}},
        {"array": {"dtype": "<f8", "shape": [10**9], "data": ""}},
        {"array": {"dtype": "<f8", "shape": [2], "data": "AAAA"}},
        {"str": "x" * (codec.MAX_STR + 1)},
        {"layer": {"type": "Conv2d"}},
        {"layer": {"type": "Linear", "weight": None, "bias": None}},
        {"list": [None] * (codec.MAX_ITEMS + 1)},
        {"int": "1", "str": "x"},
        [1, 2],
        "plain",
    ],
)
def test_codec_refuses_what_it_does_not_carry(data):
    with pytest.raises(ValueError):
        codec.decode(data)


def test_codec_refuses_deep_nesting():
    deep = None
    for _ in range(codec.MAX_DEPTH + 2):
        deep = {"list": [deep]}
    with pytest.raises(ValueError):
        codec.decode(deep)


def test_replay_answers_recorded_inputs_and_reproduces_mutation():
    x = np.array([-1.0, 2.0])
    key = codec.fingerprint(codec.encode(((x,), {})))
    outcome = {"value": codec.encode(np.array([0.0, 2.0])), "mutated": {"0": codec.encode(x * 0)}}
    relu = Replay("relu", {key: outcome}, 5)
    np.testing.assert_array_equal(relu(x), [0.0, 2.0])
    np.testing.assert_array_equal(x, [0.0, 0.0])  # the student's function wrote into its input


def test_replayed_exceptions_never_stop_the_grader():
    assert isinstance(student_exception("ValueError", "f"), ValueError)
    for name in ("SystemExit", "KeyboardInterrupt", "GeneratorExit", "os.system", 3):
        exc = student_exception(name, "f")
        assert isinstance(exc, Exception), name
    assert "raised by your f" in str(student_exception("ValueError", "f"))


@given(st.lists(st.text(min_size=1, max_size=30).filter(lambda s: "\x00" not in s), unique=True))
def test_result_names_are_distinct_and_safe(names):
    stems = result_names(names)
    assert len({stem.casefold() for stem in stems.values()}) == len(names)
    for stem in stems.values():
        assert "/" not in stem and stem[:1] not in (".", "-") and len(stem.encode()) < 200


@given(st.text())
def test_csv_cells_never_start_a_formula(text):
    assert str(csv_safe(text))[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_the_sandbox_shows_no_masters_and_knows_what_it_shows():
    sandbox = Sandbox(Limits())
    assert sandbox.exposes(Path(sys.prefix) / "lib")
    for private in (ASSIGNMENTS, ASSIGNMENTS / "01-definition.ipynb", ROOT / "tests", ROOT):
        assert not sandbox.exposes(private), private
