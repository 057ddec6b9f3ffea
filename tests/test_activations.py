"""relulib.activations with NumPy only: values, derivatives, dtypes, errors and properties.

Agreement with PyTorch is in test_activations_torch.py.
"""

import doctest
import inspect
import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import relulib
import relulib.activations
from relulib import (
    ACTIVATIONS,
    SELU_ALPHA,
    SELU_SCALE,
    elu,
    gelu,
    hardswish,
    leaky_relu,
    maxout,
    mish,
    prelu,
    relu,
    relu6,
    selu,
    silu,
    softplus,
    squared_relu,
)

FLOATS = (np.float16, np.float32, np.float64)

# Each elementwise activation with representative parameters, as (forward, derivative).
ELEMENTWISE = {
    "relu": (relu, relu.grad),
    "leaky_relu": (lambda x: leaky_relu(x, 0.1), lambda x: leaky_relu.grad(x, 0.1)),
    "leaky_relu_steep": (lambda x: leaky_relu(x, 3.0), lambda x: leaky_relu.grad(x, 3.0)),
    "leaky_relu_zero": (lambda x: leaky_relu(x, 0.0), lambda x: leaky_relu.grad(x, 0.0)),
    "prelu": (lambda x: prelu(x, 0.25), lambda x: prelu.grad(x, 0.25)),
    "elu": (elu, elu.grad),
    "elu_alpha2": (lambda x: elu(x, 2.0), lambda x: elu.grad(x, 2.0)),
    "selu": (selu, selu.grad),
    "gelu": (gelu, gelu.grad),
    "gelu_tanh": (lambda x: gelu(x, "tanh"), lambda x: gelu.grad(x, "tanh")),
    "silu": (silu, silu.grad),
    "mish": (mish, mish.grad),
    "softplus": (softplus, softplus.grad),
    "softplus_sharp": (lambda x: softplus(x, 2.0, 5.0), lambda x: softplus.grad(x, 2.0, 5.0)),
    "relu6": (relu6, relu6.grad),
    "hardswish": (hardswish, hardswish.grad),
    "squared_relu": (squared_relu, squared_relu.grad),
}
# Where a derivative jumps (or softplus jumps by e^-threshold to its linear piece), finite
# differences measure nothing.
KINKS = {
    "relu6": (0.0, 6.0),
    "hardswish": (-3.0, 3.0),
    "softplus": (20.0,),
    "softplus_sharp": (2.5,),
}


def edge_values(dtype):
    """±0, ±inf, NaN, the smallest normal and subnormal numbers, the largest, and ordinary ones."""
    info = np.finfo(dtype)
    values = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 20.0, -20.0]
    values += [info.tiny, -info.tiny, info.smallest_subnormal, -info.smallest_subnormal]
    values += [info.max, -info.max, info.max / 2, -info.max / 2]
    return np.array(values, dtype=dtype)


def bits(a):
    """The bytes of an array, to check that it was not modified, NaN payloads and -0.0 included."""
    return np.ascontiguousarray(a).tobytes()


# --- values --------------------------------------------------------------------------------


def test_known_values():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(relu(x), [0, 0, 0, 0.5, 2])
    np.testing.assert_array_equal(leaky_relu(x, 0.5), [-1, -0.25, 0, 0.5, 2])
    np.testing.assert_array_equal(leaky_relu(x), [-0.02, -0.005, 0, 0.5, 2])
    np.testing.assert_array_equal(prelu(x, 0.25), [-0.5, -0.125, 0, 0.5, 2])
    np.testing.assert_allclose(elu(x), [np.expm1(-2), np.expm1(-0.5), 0, 0.5, 2], rtol=1e-15)
    np.testing.assert_allclose(elu(x, 0.5), [0.5 * np.expm1(-2), 0.5 * np.expm1(-0.5), 0, 0.5, 2])
    expected = SELU_SCALE * np.array([SELU_ALPHA * np.expm1(-2), SELU_ALPHA * np.expm1(-0.5), 0])
    np.testing.assert_allclose(selu(x)[:3], expected, rtol=1e-15)
    np.testing.assert_array_equal(selu(x)[3:], SELU_SCALE * x[3:])


def test_selu_constants_are_the_papers():
    # Klambauer et al. (2017), eq. 14; the digits PyTorch uses.
    assert SELU_ALPHA == pytest.approx(1.6732632423543772848170429916717, rel=1e-16)
    assert SELU_SCALE == pytest.approx(1.0507009873554804934193349852946, rel=1e-16)


def test_elu_is_accurate_near_zero():
    # exp(x) - 1 would give 0 or an error of order 1e-16 / 1e-300; expm1 keeps every digit.
    x = np.array([-1e-300, -1e-20, -1e-10])
    np.testing.assert_allclose(elu(x), x + x**2 / 2, rtol=1e-15)
    np.testing.assert_allclose(selu(x), SELU_SCALE * SELU_ALPHA * (x + x**2 / 2), rtol=1e-15)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
@pytest.mark.parametrize("dtype", FLOATS)
def test_nan_propagates(name, dtype):
    # The classic bug np.where(x > 0, x, 0) maps NaN to 0.
    forward, _ = ELEMENTWISE[name]
    x = np.array([np.nan, 1.0, -1.0, np.nan], dtype=dtype)
    assert np.isnan(forward(x)).tolist() == [True, False, False, True]


def test_infinities():
    x = np.array([np.inf, -np.inf])
    np.testing.assert_array_equal(relu(x), [np.inf, 0])
    np.testing.assert_array_equal(leaky_relu(x, 0.1), [np.inf, -np.inf])
    np.testing.assert_array_equal(leaky_relu(x, -2.0), [np.inf, np.inf])
    np.testing.assert_array_equal(leaky_relu(x, 3.0), [np.inf, -np.inf])
    np.testing.assert_array_equal(prelu(x, 0.25), [np.inf, -np.inf])
    np.testing.assert_array_equal(elu(x, 0.7), [np.inf, -0.7])
    np.testing.assert_array_equal(elu(x, 3.0), [np.inf, -3.0])
    np.testing.assert_array_equal(selu(x), [np.inf, -SELU_ALPHA * SELU_SCALE])
    # torch: 0 * inf is NaN on the negative side, and +inf stays inf.
    np.testing.assert_array_equal(leaky_relu(x, 0.0), [np.inf, np.nan])


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
@pytest.mark.parametrize("dtype", FLOATS)
def test_edge_values_emit_no_warnings(name, dtype):
    forward, derivative = ELEMENTWISE[name]
    x = edge_values(dtype)
    assert forward(x).shape == derivative(x).shape == x.shape


@pytest.mark.filterwarnings("error")
def test_huge_selu_overflows_to_inf_quietly():
    # selu(max) = 1.0507 * max overflows, as in torch.
    x = np.array([np.finfo(np.float32).max], dtype=np.float32)
    assert selu(x)[0] == np.inf
    assert selu(np.array([65000.0], dtype=np.float16))[0] == np.inf


# --- derivatives ---------------------------------------------------------------------------

KINK = [
    ("relu", lambda x: relu.grad(x), 0.0),
    ("leaky_relu", lambda x: leaky_relu.grad(x, 0.2), 0.2),
    ("leaky_relu default", lambda x: leaky_relu.grad(x), 0.01),
    ("prelu", lambda x: prelu.grad(x, 0.3), 0.3),
    ("elu", lambda x: elu.grad(x), 1.0),
    ("elu alpha", lambda x: elu.grad(x, 0.5), 0.5),
    ("selu", lambda x: selu.grad(x), SELU_ALPHA * SELU_SCALE),
]


@pytest.mark.parametrize(("name", "derivative", "expected"), KINK, ids=[k[0] for k in KINK])
@pytest.mark.parametrize("dtype", FLOATS)
def test_derivative_at_the_kink_is_the_left_one(name, derivative, expected, dtype):
    x = np.array([0.0, -0.0], dtype=dtype)
    g = derivative(x)
    assert g.dtype == dtype
    np.testing.assert_allclose(g, expected, rtol=np.finfo(dtype).eps)


def test_selu_derivative_at_zero_is_about_1_7581():
    assert selu.grad(0.0) == pytest.approx(1.7581, abs=1e-4)


def test_derivatives_away_from_the_kink():
    x = np.array([-3.0, -1.0, 1.0, 3.0])
    np.testing.assert_array_equal(relu.grad(x), [0, 0, 1, 1])
    np.testing.assert_array_equal(leaky_relu.grad(x, 0.2), [0.2, 0.2, 1, 1])
    np.testing.assert_array_equal(prelu.grad(x, 0.3), [0.3, 0.3, 1, 1])
    np.testing.assert_allclose(elu.grad(x, 0.5), [0.5 * np.exp(-3), 0.5 * np.exp(-1), 1, 1])
    expected = [SELU_SCALE * SELU_ALPHA * np.exp(-3), SELU_SCALE * SELU_ALPHA * np.exp(-1)]
    np.testing.assert_allclose(selu.grad(x), expected + [SELU_SCALE] * 2)


def test_derivatives_at_nan_and_infinity():
    x = np.array([np.nan, np.inf, -np.inf])
    # PyTorch's choices: NaN fails "x <= 0" for relu and "x > 0" for the others.
    np.testing.assert_array_equal(relu.grad(x), [1, 1, 0])
    np.testing.assert_array_equal(leaky_relu.grad(x, 0.2), [0.2, 1, 0.2])
    np.testing.assert_array_equal(prelu.grad(x, 0.3), [0.3, 1, 0.3])
    np.testing.assert_array_equal(elu.grad(x, 0.5), [np.nan, 1, 0])
    np.testing.assert_array_equal(selu.grad(x), [np.nan, SELU_SCALE, 0])


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
@given(x=st.floats(-50, 50).filter(lambda v: abs(v) > 1e-3))
def test_derivative_matches_finite_differences(name, x):
    forward, derivative = ELEMENTWISE[name]
    assume(all(abs(x - kink) > 1e-3 for kink in KINKS.get(name, ())))
    h = 1e-7 * max(1.0, abs(x))
    slope = (forward(np.float64(x + h)) - forward(np.float64(x - h))) / (2 * h)
    assert derivative(np.float64(x)) == pytest.approx(slope, rel=1e-5, abs=1e-9)


# --- dtypes, shapes, broadcasting ----------------------------------------------------------

CALLS = {
    "relu": relu,
    "leaky_relu": leaky_relu,
    "prelu": lambda x: prelu(x, 0.25),
    "elu": elu,
    "selu": selu,
    "relu.grad": relu.grad,
    "leaky_relu.grad": leaky_relu.grad,
    "prelu.grad": lambda x: prelu.grad(x, 0.25),
    "elu.grad": elu.grad,
    "selu.grad": selu.grad,
    "maxout": lambda x: maxout(x, 1),
    "gelu": gelu,
    "gelu.grad": gelu.grad,
    "gelu_tanh": lambda x: gelu(x, "tanh"),
    "silu": silu,
    "silu.grad": silu.grad,
    "mish": mish,
    "mish.grad": mish.grad,
    "softplus": softplus,
    "softplus.grad": softplus.grad,
    "relu6": relu6,
    "relu6.grad": relu6.grad,
    "hardswish": hardswish,
    "hardswish.grad": hardswish.grad,
    "squared_relu": squared_relu,
    "squared_relu.grad": squared_relu.grad,
}
KEEPS_INTEGERS = {"relu", "maxout", "relu6"}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("dtype", FLOATS)
def test_floating_dtype_is_kept(name, dtype):
    assert CALLS[name](np.array([-1.5, 0.0, 2.0], dtype=dtype)).dtype == dtype


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.bool_])
def test_integer_and_bool_dtypes(name, dtype):
    x = np.array([0, 1, 1], dtype=dtype)
    out = CALLS[name](x)
    if name in KEEPS_INTEGERS and dtype is not np.bool_:
        assert out.dtype == dtype
    else:
        assert out.dtype == np.float64


def test_relu_on_integers_is_exact():
    big = np.array([2**62 + 1, -(2**62)], dtype=np.int64)  # not representable in float64
    np.testing.assert_array_equal(relu(big), [2**62 + 1, 0])
    np.testing.assert_array_equal(relu([-3, 0, 5]), [0, 0, 5])
    np.testing.assert_array_equal(leaky_relu([-3, 0, 5], 0.5), [-1.5, 0, 5])


@pytest.mark.parametrize("name", sorted(set(CALLS) - {"maxout"}))
def test_scalar_input_gives_a_numpy_scalar(name):
    out = CALLS[name](-2.0)
    assert isinstance(out, np.floating)
    assert np.ndim(out) == 0


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("shape", [(0,), (2, 0, 3), (3, 1), (2, 3, 4)])
def test_shape_is_kept(name, shape):
    x = np.linspace(-2, 2, int(np.prod(shape))).reshape(shape)
    assert CALLS[name](x).shape == shape


@pytest.mark.parametrize("name", sorted(CALLS))
def test_non_contiguous_input(name):
    base = np.linspace(-3, 3, 60).reshape(6, 10)
    view = base.T[::2]  # strided, transposed
    np.testing.assert_array_equal(CALLS[name](view), CALLS[name](view.copy()))


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("dtype", FLOATS)
def test_input_is_not_modified(name, dtype):
    x = np.concatenate([edge_values(dtype), np.linspace(-3, 3, 50, dtype=dtype)])
    before = bits(x)
    CALLS[name](x)
    assert bits(x) == before
    x.flags.writeable = False  # writing into x would now raise
    CALLS[name](x)


def test_lists_and_nested_lists_are_accepted():
    np.testing.assert_array_equal(relu([[-1.0, 2.0], [3.0, -4.0]]), [[0, 2], [3, 0]])
    np.testing.assert_array_equal(elu.grad([0.0, 1.0]), [1, 1])


def test_prelu_weight_is_per_channel_on_axis_1():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3, 5, 2))
    w = np.array([0.1, 0.5, 2.0])  # mixed around 1
    expected = np.where(x > 0, x, w[None, :, None, None] * x)
    np.testing.assert_array_equal(prelu(x, w), expected)
    np.testing.assert_array_equal(
        prelu.grad(x, w), np.where(x > 0, 1.0, np.broadcast_to(w[:, None, None], x.shape))
    )
    # one value for every channel
    np.testing.assert_array_equal(prelu(x, [0.1]), prelu(x, 0.1))
    np.testing.assert_array_equal(prelu(x, 0.1), leaky_relu(x, 0.1))


@pytest.mark.parametrize(
    "w",
    [[0.1, 0.5], [2.0, 3.0], [0.5, 0.0], [-1.0, 0.5], [np.nan, 0.5], [1.0, 1.0]],
    ids=["below-1", "above-1", "zero", "negative", "nan", "one"],
)
def test_prelu_every_weight_regime_equals_the_definition(w):
    x = np.array([[-np.inf, -2.0, -0.0, np.nan], [0.0, 3.0, np.inf, -1e-300]]).T.reshape(4, 2, 1)
    w = np.asarray(w)
    with np.errstate(invalid="ignore"):
        expected = np.where(x > 0, x, w[None, :, None] * x)
    np.testing.assert_array_equal(prelu(x, w), expected)


def test_prelu_on_low_dimensional_input_has_one_channel():
    # torch: an input of dimension < 2 has no channel axis, so weight has a single value.
    np.testing.assert_array_equal(prelu(np.array([-2.0, 4.0]), np.array([0.5])), [-1, 4])
    assert prelu(-2.0, 0.5) == -1.0
    with pytest.raises(ValueError, match="weight"):
        prelu(np.array([-2.0, 4.0]), np.array([0.5, 0.25]))


def test_prelu_weight_takes_the_dtype_of_x():
    assert prelu(np.ones(3, dtype=np.float32), np.float64(0.1)).dtype == np.float32
    assert prelu(np.ones((1, 2), dtype=np.float16), np.array([0.1, 0.2])).dtype == np.float16


# --- maxout ---------------------------------------------------------------------------------


def test_maxout_groups_contiguous_features():
    x = np.arange(12.0).reshape(2, 6) * np.array([1, -1, 1, -1, 1, -1])
    np.testing.assert_array_equal(maxout(x, 2), [[0, 2, 4], [6, 8, 10]])
    np.testing.assert_array_equal(maxout(x, 3), [[2, 4], [8, 10]])
    np.testing.assert_array_equal(maxout(x, 6), [[4], [10]])
    np.testing.assert_array_equal(maxout(x, 1), x)


def test_maxout_along_another_axis():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 6, 5))
    out = maxout(x, 3, axis=1)
    assert out.shape == (4, 2, 5)
    np.testing.assert_array_equal(out, np.moveaxis(maxout(np.moveaxis(x, 1, -1), 3), -1, 1))
    np.testing.assert_array_equal(maxout(x, 3, axis=-2), out)


@pytest.mark.parametrize("pieces", [2, 3, 9])  # both code paths (few and many pieces)
def test_maxout_propagates_nan(pieces):
    x = np.arange(4.0 * pieces)
    x[1] = np.nan
    out = maxout(x, pieces)
    assert np.isnan(out[0]) and not np.isnan(out[1:]).any()


def test_maxout_keeps_integers():
    out = maxout(np.array([1, -5, 7, 2], dtype=np.int16), 2)
    assert out.dtype == np.int16
    np.testing.assert_array_equal(out, [1, 7])


def test_maxout_of_x_and_zero_is_relu():
    x = np.linspace(-2, 2, 9)
    np.testing.assert_array_equal(
        maxout(np.stack([x, np.zeros_like(x)], axis=-1), 2)[:, 0], relu(x)
    )


@given(data=st.data(), pieces=st.integers(1, 12), groups=st.integers(0, 4))
def test_maxout_is_at_least_each_piece_and_one_of_them(data, pieces, groups):
    lead = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3))
    x = data.draw(
        hnp.arrays(np.float64, (*lead, groups * pieces), elements=st.floats(allow_nan=False))
    )
    out = maxout(x, pieces)
    assert out.shape == (*lead, groups)
    groups = x.reshape((*x.shape[:-1], x.shape[-1] // pieces, pieces))
    assert (out[..., None] >= groups).all()
    assert (out[..., None] == groups).any(axis=-1).all()


# --- properties ----------------------------------------------------------------------------

finite = st.floats(-1e30, 1e30, allow_nan=False)
arrays = hnp.arrays(np.float64, st.integers(1, 30), elements=finite)


@given(x=arrays, a=st.floats(0, 1e6))
def test_relu_is_positively_homogeneous(x, a):
    np.testing.assert_array_equal(relu(a * x), a * relu(x))


@given(x=arrays)
def test_relu_splits_x_into_positive_and_negative_parts(x):
    r = relu(x)
    assert (r >= 0).all()
    assert ((r == x) | (r == 0)).all()
    np.testing.assert_array_equal(r - relu(-x), x)


@given(x=arrays, slope=st.floats(-10, 10))
def test_leaky_relu_is_its_two_linear_pieces(x, slope):
    expected = np.where(x > 0, x, slope * x)
    np.testing.assert_array_equal(leaky_relu(x, slope), expected)


@given(x=arrays, a=st.floats(0, 1e3), slope=st.floats(0, 1))
def test_leaky_relu_is_positively_homogeneous(x, a, slope):
    # rtol for rounding in a different order; atol for subnormal numbers
    np.testing.assert_allclose(
        leaky_relu(a * x, slope), a * leaky_relu(x, slope), rtol=1e-12, atol=1e-300
    )


MONOTONE = {
    "relu": relu,
    "leaky_relu": lambda x: leaky_relu(x, 0.3),
    "prelu": lambda x: prelu(x, 1.7),
    "elu": elu,
    "elu_small_alpha": lambda x: elu(x, 0.2),
    "elu_big_alpha": lambda x: elu(x, 5.0),
    "selu": selu,
    "softplus": softplus,
    "relu6": relu6,
    "squared_relu": squared_relu,
}


@pytest.mark.parametrize("name", sorted(MONOTONE))
@given(x=hnp.arrays(np.float32, st.integers(2, 40), elements=st.floats(-100, 100, width=32)))
def test_monotone(name, x):
    y = MONOTONE[name](np.sort(x))
    assert (np.diff(y) >= 0).all()


@given(x=arrays, alpha=st.floats(0.01, 10))
def test_elu_range(x, alpha):
    y = elu(x, alpha)
    assert (y >= -alpha).all()
    assert (y[x > 0] == x[x > 0]).all()
    if alpha <= 1:
        assert (y >= x).all()


@given(x=arrays)
def test_selu_range(x):
    y = selu(x)
    assert (y >= -SELU_ALPHA * SELU_SCALE).all()
    assert (np.sign(y) == np.sign(x)).all()


# --- smooth relatives, bounded and squared ReLUs ---------------------------------------------

moderate = hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(-30, 30))


@pytest.mark.parametrize("name", ["gelu", "silu"])
@given(x=moderate)
def test_x_times_a_symmetric_gate_minus_its_mirror_is_x(name, x):
    # Phi(x) + Phi(-x) = 1 and sigma(x) + sigma(-x) = 1, so f(x) - f(-x) = x.
    f = getattr(relulib, name)
    np.testing.assert_allclose(f(x) - f(-x), x, rtol=1e-13, atol=1e-13)


@given(x=moderate, beta=st.floats(0.1, 10))
def test_softplus_lies_above_relu_by_at_most_log2_over_beta(x, beta):
    y = softplus(x, beta)
    gap = y - relu(x)
    assert (gap >= 0).all()
    assert (gap <= np.log(2) / beta * (1 + 1e-15)).all()
    assert softplus(0.0, beta) == pytest.approx(np.log(2) / beta, rel=1e-15)


@given(x=hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(-20, 20)))
def test_softplus_derivative_is_the_sigmoid_below_the_threshold(x):
    np.testing.assert_allclose(softplus.grad(x), 1 / (1 + np.exp(-x)), rtol=1e-15)
    np.testing.assert_allclose(softplus(x) - softplus(-x), x, atol=1e-13)


def test_softplus_cuts_over_to_x_above_the_threshold_and_keeps_the_sigmoid_at_it():
    # torch: beta * x > threshold takes the linear piece; at the threshold, the curve.
    assert softplus(20.0) == pytest.approx(20 + math.log1p(math.exp(-20)), rel=1e-16)
    assert softplus(20.0) != 20.0
    assert softplus(20.000001) == 20.000001
    assert softplus.grad(20.0) == pytest.approx(1 / (1 + math.exp(-20)), rel=1e-16)
    assert softplus.grad(20.0) < 1
    assert softplus.grad(20.000001) == 1
    # the threshold applies to beta * x
    assert softplus(3.0, beta=2.0, threshold=5.0) == 3.0
    assert softplus(2.5, beta=2.0, threshold=5.0) == pytest.approx(math.log1p(math.exp(5)) / 2)
    # no overflow far beyond it
    assert softplus(1e300) == 1e300
    assert softplus(np.float32(1e30)) == np.float32(1e30)


def test_gelu_tanh_approximation_is_close_to_the_exact_form():
    x = np.linspace(-6, 6, 2001)
    gap = np.abs(gelu(x, "tanh") - gelu(x))
    assert gap.max() < 5e-4
    assert gap.max() > 0


@pytest.mark.parametrize(
    ("name", "minimum", "where"), [("silu", -0.2785, -1.2785), ("mish", -0.3088, -1.1924)]
)
def test_silu_and_mish_dip_below_zero_as_documented(name, minimum, where):
    x = np.linspace(-3, 0, 300001)
    y = getattr(relulib, name)(x)
    assert y.min() == pytest.approx(minimum, abs=1e-4)
    assert x[np.argmin(y)] == pytest.approx(where, abs=1e-3)
    assert getattr(relulib, name).grad(x[np.argmin(y)]) == pytest.approx(0, abs=1e-4)


def test_slopes_at_zero():
    assert gelu.grad(0.0) == gelu.grad(0.0, "tanh") == 0.5
    assert silu.grad(0.0) == softplus.grad(0.0) == 0.5
    assert mish.grad(0.0) == pytest.approx(0.6, rel=1e-15)  # tanh(ln 2) = 3/5
    assert squared_relu.grad(0.0) == relu6.grad(0.0) == 0.0
    assert hardswish.grad(0.0) == 0.5


def test_kinks_take_pytorchs_conventions():
    np.testing.assert_array_equal(relu6.grad(np.array([-0.0, 0.0, 6.0, np.nan])), [0, 0, 0, 0])
    np.testing.assert_array_equal(hardswish.grad(np.array([-3.0, 3.0])), [0, 1])
    # the middle piece x / 3 + 1/2 runs from -1/2 to 3/2 just inside the kinks
    inside = np.nextafter(np.array([-3.0, 3.0]), 0)
    np.testing.assert_allclose(hardswish.grad(inside), [-0.5, 1.5])
    assert np.isnan(hardswish.grad(np.nan))


def test_piecewise_definitions():
    x = np.linspace(-8, 8, 161)
    np.testing.assert_array_equal(relu6(x), np.minimum(relu(x), 6))
    np.testing.assert_array_equal(hardswish(x), x * relu6(x + 3) / 6)
    np.testing.assert_array_equal(squared_relu(x), relu(x) ** 2)
    np.testing.assert_array_equal(squared_relu.grad(x), 2 * relu(x))
    np.testing.assert_array_equal(relu6(np.array([-2, 3, 9])), [0, 3, 6])


@pytest.mark.parametrize("name", ["gelu", "silu", "mish", "hardswish"])
def test_negative_infinity_gives_nan_like_torch(name):
    # x * gate(x) at -inf is -inf * 0.
    assert np.isnan(getattr(relulib, name)(-np.inf))
    assert getattr(relulib, name)(np.inf) == np.inf


# --- errors ---------------------------------------------------------------------------------

X = np.array([[-1.0, 0.0, 2.0], [3.0, -4.0, 5.0]])
BAD_INPUTS = [
    (
        lambda: relu(np.array([1j])),
        TypeError,
        "relu: expected real numbers, got array of dtype complex128",
    ),
    (lambda: relu(["a", "b"]), TypeError, "dtype <U1"),
    (lambda: relu(np.array([1.0, None])), TypeError, "dtype object"),
    (lambda: relu([[1.0, 2.0], [3.0]]), TypeError, "relu: expected real numbers for x"),
    (lambda: relu(np.array(["2020-01-01"], dtype="M8[D]")), TypeError, "datetime64"),
    (lambda: selu(np.array([1 + 0j])), TypeError, "selu: expected real numbers"),
    (lambda: relu.grad(np.array([1j])), TypeError, "relu.grad: expected real numbers"),
    (
        lambda: leaky_relu(X, "0.1"),
        TypeError,
        "negative_slope must be a finite real number, got str",
    ),
    (
        lambda: leaky_relu(X, np.array([0.1])),
        TypeError,
        "negative_slope must be a finite real number, got array",
    ),
    (lambda: leaky_relu(X, True), TypeError, "negative_slope"),
    (lambda: leaky_relu(X, 0.1j), TypeError, "negative_slope"),
    (
        lambda: leaky_relu(X, np.nan),
        ValueError,
        "negative_slope must be a finite real number, got nan",
    ),
    (lambda: leaky_relu(X, -np.inf), ValueError, "negative_slope"),
    (lambda: leaky_relu.grad(X, None), TypeError, "leaky_relu.grad: negative_slope"),
    (lambda: elu(X, alpha="1"), TypeError, "elu: alpha must be a finite real number"),
    (lambda: elu(X, alpha=[1.0]), TypeError, "alpha"),
    (lambda: elu(X, alpha=np.inf), ValueError, "elu: alpha must be a finite real number, got inf"),
    (lambda: elu.grad(X, alpha=np.nan), ValueError, "elu.grad: alpha"),
    (
        lambda: prelu(X, np.ones(2)),
        ValueError,
        "weight must be a scalar or a 1-D array of size 1 or x.shape[1] = 3",
    ),
    (lambda: prelu(X, np.ones((1, 1))), ValueError, "weight"),
    (lambda: prelu(X, []), ValueError, "weight"),
    (lambda: prelu(np.ones(3), np.ones(3)), ValueError, "no channel axis"),
    (
        lambda: prelu(X, "a"),
        TypeError,
        "prelu: expected real numbers, got array of dtype <U1 for weight",
    ),
    (lambda: prelu(X, np.array([1j])), TypeError, "for weight"),
    (lambda: prelu(np.array([1j]), 0.1), TypeError, "for x"),
    (lambda: prelu.grad(X, np.ones(5)), ValueError, "prelu.grad: weight"),
    (
        lambda: maxout(X, 2),
        ValueError,
        "maxout: pieces=2 must divide the size of axis 1, which is 3",
    ),
    (lambda: maxout(X, 0), ValueError, "pieces must be a positive integer"),
    (lambda: maxout(X, -3), ValueError, "pieces"),
    (lambda: maxout(X, True), ValueError, "pieces"),
    (lambda: maxout(X, 3.0), ValueError, "pieces"),
    (lambda: maxout(X, "3"), ValueError, "pieces"),
    (lambda: maxout(X, 3, axis=2), np.exceptions.AxisError, "maxout: axis=2 is out of bounds"),
    (lambda: maxout(X, 3, axis=1.0), TypeError, "axis must be an integer"),
    (lambda: maxout(X, 3, axis=True), TypeError, "axis"),
    (lambda: maxout(5.0, 1), ValueError, "axis=-1 is out of bounds for an array of dimension 0"),
    (lambda: maxout(np.array([1j, 2j]), 1), TypeError, "maxout: expected real numbers"),
    (lambda: gelu(X, "exact"), ValueError, "gelu: approximate must be one of ('none', 'tanh')"),
    (lambda: gelu(X, None), TypeError, "gelu: approximate must be a string"),
    (lambda: gelu.grad(X, "Tanh"), ValueError, "gelu.grad: approximate"),
    (lambda: gelu(np.array([1j])), TypeError, "gelu: expected real numbers"),
    (lambda: silu(["a"]), TypeError, "silu: expected real numbers"),
    (lambda: mish.grad(np.array([1j])), TypeError, "mish.grad: expected real numbers"),
    (lambda: softplus(X, beta=0.0), ValueError, "softplus: beta must be > 0, got 0.0"),
    (lambda: softplus(X, beta=-1), ValueError, "beta must be > 0"),
    (lambda: softplus(X, beta="2"), TypeError, "softplus: beta must be a finite real number"),
    (lambda: softplus(X, threshold=np.inf), ValueError, "threshold must be a finite real number"),
    (lambda: softplus.grad(X, threshold=None), TypeError, "softplus.grad: threshold"),
    (lambda: relu6(np.array([1j])), TypeError, "relu6: expected real numbers"),
    (lambda: hardswish.grad(["x"]), TypeError, "hardswish.grad: expected real numbers"),
    (lambda: squared_relu(np.array([None])), TypeError, "squared_relu: expected real numbers"),
]


@pytest.mark.parametrize(
    ("call", "error", "fragment"), BAD_INPUTS, ids=[b[2][:40] for b in BAD_INPUTS]
)
def test_bad_input_raises_a_named_error(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_numpy_scalar_parameters_are_accepted():
    np.testing.assert_array_equal(leaky_relu(X, np.float32(0.5)), leaky_relu(X, 0.5))
    np.testing.assert_array_equal(elu(X, np.int64(2)), elu(X, 2.0))
    np.testing.assert_array_equal(maxout(X, np.int64(3)), maxout(X, 3))


def test_float32_input_with_float64_slope_stays_float32():
    x = np.array([-1.0, 2.0], dtype=np.float32)
    assert leaky_relu(x, np.float64(0.1)).dtype == np.float32
    assert leaky_relu(x, np.float64(0.1))[0] == np.float32(-1.0) * np.float32(0.1)


# --- the public surface ----------------------------------------------------------------------


AT_TWO = {  # each activation at x = 2, from its closed form
    "relu": 2.0,
    "leaky_relu": 2.0,
    "prelu": 2.0,
    "elu": 2.0,
    "selu": 2.0 * SELU_SCALE,
    "gelu": 2.0 * 0.5 * (1 + math.erf(2.0 / math.sqrt(2))),
    "silu": 2.0 / (1 + math.exp(-2.0)),
    "mish": 2.0 * math.tanh(math.log1p(math.exp(2.0))),
    "softplus": math.log1p(math.exp(2.0)),
    "relu6": 2.0,
    "hardswish": 2.0 * 5.0 / 6.0,
    "squared_relu": 4.0,
}


def test_activations_registry():
    assert set(ACTIVATIONS) == set(AT_TWO)
    assert isinstance(ACTIVATIONS, dict)
    for name, f in ACTIVATIONS.items():
        assert f is getattr(relulib, name)
        assert name in relulib.__all__
        assert callable(f.grad)
        assert f.grad.__qualname__ == f"{name}.grad"
        args = (0.1,) if name == "prelu" else ()
        assert f(np.array([2.0]), *args)[0] == pytest.approx(AT_TWO[name], rel=1e-15)


def test_relu_source_is_short_and_shows_both_worlds():
    # The book shows this function with inspect.getsource / literalinclude :pyobject: relu:
    # the hand-over of a tensor to torch, then np.maximum for everything else.
    source = inspect.getsource(relu)
    assert source.startswith("def relu(x):")
    code = source.split('"""')[-1]
    assert "if is_tensor(x):" in code
    assert "np.maximum(x, 0)" in code
    assert len(code.strip().splitlines()) <= 4


@pytest.mark.parametrize("name", [*sorted(ACTIVATIONS), "maxout"])
def test_docstrings_have_formula_example_and_reference(name):
    f = getattr(relulib, name)
    for part in (".. math::", "Args:", "Returns:", "Example:", ">>> ", "See also:", "References:"):
        assert part in f.__doc__, f"{name} docstring lacks {part!r}"
    for part in ("Example:", ">>> "):
        assert name == "maxout" or part in f.grad.__doc__, f"{name}.grad docstring lacks {part!r}"
    assert "https://" in f.__doc__.split("References:")[1], f"{name} cites no link"


def test_doctests_pass():
    flags = doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(relulib.activations, optionflags=flags)
    assert result.attempted >= 20
    assert result.failed == 0


def test_no_warning_from_ordinary_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f, g in ELEMENTWISE.values():
            f(np.linspace(-5, 5, 11))
            g(np.linspace(-5, 5, 11))
