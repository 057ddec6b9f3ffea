"""relulib.activations against torch.nn.functional: values and autograd derivatives.

The piecewise linear ones (relu, leaky_relu, prelu, relu6, hardswish, squared_relu) must agree
exactly (NaN positions included); elu, selu and softplus within MAX_ULP units in the last place;
gelu, silu and mish within MAX_ULP units of the result or of the terms it is computed from
(see assert_ulp_close). Derivatives are compared with torch's autograd.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import relulib
from relulib import SELU_ALPHA, SELU_SCALE

torch = pytest.importorskip("torch")
F = torch.nn.functional

MAX_ULP = 4
FLOATS = (np.float16, np.float32, np.float64)


def edge_values(dtype):
    info = np.finfo(dtype)
    values = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e-8, -1e-8]
    values += [20.0, -20.0, 100.0, -100.0, 1e4, -1e4, 1e30, -1e30]
    values += [info.tiny, -info.tiny, info.smallest_subnormal, -info.smallest_subnormal]
    values += [info.max, -info.max, info.eps, -info.eps]
    with np.errstate(over="ignore", under="ignore"):
        return np.array(values, dtype=dtype)


def inputs_for(dtype):
    """Edge values, then random numbers at several scales; long enough for torch's SIMD loops."""
    rng = np.random.default_rng(1234)
    scales = np.repeat([1e-3, 1.0, 10.0, 1e3], 500)
    with np.errstate(over="ignore"):
        random = (rng.standard_normal(scales.size) * scales).astype(dtype)
    return np.concatenate([edge_values(dtype), random])


def torch_value_and_grad(torch_fn, x, *args):
    t = torch.from_numpy(x.copy()).requires_grad_()
    y = torch_fn(t, *args)
    y.backward(torch.ones_like(y))
    return y.detach().numpy(), t.grad.numpy()


def assert_exact(actual, expected):
    assert actual.dtype == expected.dtype
    np.testing.assert_array_equal(actual, expected, strict=True)


def assert_ulp_close(actual, expected, max_ulp=MAX_ULP, terms=None):
    """Same dtype, NaN and inf positions; finite values within max_ulp units in the last place.

    ``terms``, if given, is the size of the terms the result is computed from (such as
    ``|x|`` for ``x * gate(x)``): where the result is much smaller than its terms (GELU far to
    the left, a derivative near its zero), both libraries' results are rounding noise of the
    terms, so the tolerance grows by ``max_ulp * eps * terms``.
    """
    assert actual.dtype == expected.dtype
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_array_equal(actual[np.isinf(expected)], expected[np.isinf(expected)])
    finite = np.isfinite(expected)
    a, e = actual[finite], expected[finite]
    scale = np.maximum(np.abs(a), np.abs(e)).astype(actual.dtype)
    with np.errstate(over="ignore"):  # the spacing of the largest float is inf
        ulp = np.spacing(scale).astype(np.float64)
    if terms is not None:
        ulp = ulp + np.finfo(actual.dtype).eps * np.asarray(terms, np.float64)[finite]
    error = np.abs(a.astype(np.float64) - e.astype(np.float64)) / ulp
    assert error.max(initial=0) <= max_ulp, f"{error.max()} ulp at x = {a[np.argmax(error)]}"


@dataclass(frozen=True)
class Case:
    """A relulib activation beside its torch twin, and how closely they must agree.

    ``tolerance`` is "exact" (bit for bit, NaN included), "ulp" (``MAX_ULP`` units in the last
    place) or "terms" (``assert_ulp_close`` with ``terms``: ``|x|`` for values,
    ``1 + |x|`` for derivatives). ``nan_slope`` is False where torch's derivative at NaN
    depends on where the NaN sits in the array (its vector and scalar loops differ).
    """

    name: str
    forward: Callable
    derivative: Callable
    torch_fn: Callable
    tolerance: str = "exact"
    nan_slope: bool = True


def check(case, actual, expected, x, *, derivative=False):
    if case.tolerance == "exact":
        assert_exact(actual, expected)
    elif case.tolerance == "ulp":
        assert_ulp_close(actual, expected)
    else:
        magnitude = np.abs(x.astype(np.float64))
        assert_ulp_close(actual, expected, terms=1 + magnitude if derivative else magnitude)


def with_args(f, *args):
    return lambda x: f(x, *args)


R = relulib
CASES = [
    Case("relu", R.relu, R.relu.grad, F.relu),
    Case("leaky_relu", R.leaky_relu, R.leaky_relu.grad, F.leaky_relu),
]
for _slope in (0.2, 1.0, 0.0, -0.5, 3.0):  # every code path: max, min, where
    CASES.append(
        Case(
            f"leaky_relu({_slope})",
            with_args(R.leaky_relu, _slope),
            with_args(R.leaky_relu.grad, _slope),
            with_args(F.leaky_relu, _slope),
        )
    )
for _w in (0.25, 0.0, -1.0, 2.0):
    CASES.append(
        Case(
            f"prelu({_w})",
            with_args(R.prelu, _w),
            with_args(R.prelu.grad, _w),
            lambda t, w=_w: F.prelu(t, torch.tensor([w], dtype=t.dtype)),
        )
    )
for _alpha in (1.0, 0.3, 2.0, 0.0, -1.0):  # both code paths of elu
    CASES.append(
        Case(
            f"elu({_alpha})",
            with_args(R.elu, _alpha),
            with_args(R.elu.grad, _alpha),
            with_args(F.elu, _alpha),
            "ulp",
            nan_slope=False,
        )
    )
CASES.append(Case("selu", R.selu, R.selu.grad, F.selu, "ulp", nan_slope=False))
for _approximate in ("none", "tanh"):
    CASES.append(
        Case(
            f"gelu({_approximate})",
            with_args(R.gelu, _approximate),
            with_args(R.gelu.grad, _approximate),
            lambda t, a=_approximate: F.gelu(t, approximate=a),
            "terms",
        )
    )
CASES += [
    Case("silu", R.silu, R.silu.grad, F.silu, "terms"),
    Case("mish", R.mish, R.mish.grad, F.mish, "terms"),
    Case("softplus", R.softplus, R.softplus.grad, F.softplus, "ulp"),
    Case(
        "softplus(2, 5)",
        with_args(R.softplus, 2.0, 5.0),
        with_args(R.softplus.grad, 2.0, 5.0),
        with_args(F.softplus, 2.0, 5.0),
        "ulp",
    ),
    Case(
        "softplus(0.5, -3)",
        *(with_args(f, 0.5, -3.0) for f in (R.softplus, R.softplus.grad)),
        with_args(F.softplus, 0.5, -3.0),
        "ulp",
    ),
    Case("relu6", R.relu6, R.relu6.grad, F.relu6, nan_slope=False),
    Case("hardswish", R.hardswish, R.hardswish.grad, F.hardswish, nan_slope=False),
    Case("squared_relu", R.squared_relu, R.squared_relu.grad, lambda t: torch.relu(t) ** 2),
]
CASE_IDS = [c.name for c in CASES]


def torch_quirks(case, x):
    """Inputs where torch 2.13 is not the function it computes elsewhere (documented in relulib).

    Its float32 (and float16) GELU kernel overflows to inf above about 1.7e38 and gives NaN at
    +inf; relulib returns x there.
    """
    if case.name == "gelu(none)" and x.dtype != np.float64:
        return x.astype(np.float64) > 1.7e38
    return np.zeros(x.shape, dtype=bool)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_values_equal_torch(case, dtype):
    x = inputs_for(dtype)
    x = x[~torch_quirks(case, x)]
    expected, _ = torch_value_and_grad(case.torch_fn, x)
    check(case, case.forward(x), expected, x)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_derivative_equals_torch_autograd(case, dtype):
    x = inputs_for(dtype)
    x = x[~torch_quirks(case, x)]
    if not case.nan_slope:
        x = x[~np.isnan(x)]  # see test_derivative_at_nan_is_nan_like_torchs_vectorised_loop
    _, expected = torch_value_and_grad(case.torch_fn, x)
    check(case, case.derivative(x), expected, x, derivative=True)


@pytest.mark.parametrize("dtype", FLOATS)
def test_derivative_at_the_kink_equals_torch(dtype):
    # 0 and -0.0 for every case; 6 for relu6, -3 and 3 for hardswish, the cut-over of softplus
    x = np.array([0.0, -0.0, 6.0, -3.0, 3.0, 20.0, 2.5, -6.0], dtype=dtype)
    for case in CASES:
        _, expected = torch_value_and_grad(case.torch_fn, x)
        check(case, case.derivative(x), expected, x, derivative=True)


def test_derivative_at_the_kink_is_the_left_one_in_torch_too():
    x = np.zeros(1)
    assert torch_value_and_grad(F.relu, x)[1][0] == 0
    assert torch_value_and_grad(F.leaky_relu, x, 0.2)[1][0] == 0.2
    assert torch_value_and_grad(F.elu, x, 0.5)[1][0] == 0.5
    assert torch_value_and_grad(F.selu, x)[1][0] == pytest.approx(SELU_ALPHA * SELU_SCALE)


@pytest.mark.parametrize(("fn", "slope"), [("elu", np.nan), ("selu", np.nan), ("relu6", 0.0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_derivative_at_nan_is_that_of_torchs_vectorised_loop(fn, slope, dtype):
    # torch 2.13's derivative at NaN depends on where the NaN sits: its vectorised loop and
    # its scalar loop (a short array, or the last few elements) test x differently. relulib
    # gives the vectorised loop's answer everywhere. A long all-NaN array runs through it.
    x = np.full(256, np.nan, dtype=dtype)
    _, expected = torch_value_and_grad(getattr(F, fn), x)
    np.testing.assert_array_equal(expected[:128], slope)
    np.testing.assert_array_equal(getattr(relulib, fn).grad(x), slope)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_hardswish_derivative_at_nan_is_nan(dtype):
    # torch 2.13 gives NaN in its vectorised loop, 1 in float32's scalar loop; relulib: NaN.
    x = np.full(256, np.nan, dtype=dtype)
    _, expected = torch_value_and_grad(F.hardswish, x)
    assert np.isnan(expected[:128]).all()
    assert np.isnan(relulib.hardswish.grad(x)).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_gelu_where_torchs_float32_kernel_overflows(dtype):
    # Pinned, so that a torch that fixes it shows up here: torch 2.13 gives inf just below
    # the largest float32 and NaN at +inf; mathematically gelu(x) = x there, as relulib says.
    x = np.array([np.finfo(np.float32).max, np.inf], dtype=np.float32)
    expected = F.gelu(torch.from_numpy(x)).numpy()
    assert expected[0] == np.inf and np.isnan(expected[1])
    np.testing.assert_array_equal(relulib.gelu(x), x)
    assert relulib.gelu(np.array([np.inf], dtype=dtype))[0] == np.inf


@pytest.mark.parametrize(
    ("fn", "points", "slopes"),
    [
        ("relu6", [0.0, 6.0, -np.inf, np.inf], [0.0, 0.0, 0.0, 0.0]),
        ("hardswish", [-3.0, 3.0, -np.inf, np.inf], [0.0, 1.0, 0.0, 1.0]),
        ("softplus", [20.0, 20.5, -np.inf, np.inf], [1 / (1 + np.exp(-20.0)), 1.0, 0.0, 1.0]),
        ("squared_relu", [0.0, np.nan, np.inf], [0.0, np.nan, np.inf]),
    ],
)
def test_kink_conventions_of_torch_2_13(fn, points, slopes):
    # The table the book quotes: torch's autograd at each kink, and relulib's derivative.
    x = np.array(points)
    torch_fn = (lambda t: torch.relu(t) ** 2) if fn == "squared_relu" else getattr(F, fn)
    _, expected = torch_value_and_grad(torch_fn, x)
    np.testing.assert_allclose(expected, slopes, rtol=1e-15)
    np.testing.assert_allclose(getattr(relulib, fn).grad(x), slopes, rtol=1e-15)


@pytest.mark.parametrize("shape", [(), (5,), (4, 3), (2, 3, 5), (2, 3, 2, 2)])
@pytest.mark.parametrize("per_channel", [False, True])
def test_prelu_shapes_and_channels_equal_torch(shape, per_channel):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shape)
    channels = shape[1] if len(shape) >= 2 else 1
    w = rng.uniform(-0.5, 1.5, channels if per_channel else 1)
    expected, expected_grad = torch_value_and_grad(F.prelu, x, torch.from_numpy(w))
    assert_exact(np.asarray(relulib.prelu(x, w)), expected)
    assert_exact(np.asarray(relulib.prelu.grad(x, w)), expected_grad)


@pytest.mark.parametrize("shape", [(5,), ()])
def test_prelu_rejects_per_channel_weight_for_low_dimensional_input_like_torch(shape):
    x = np.ones(shape)
    with pytest.raises(RuntimeError):
        F.prelu(torch.from_numpy(x), torch.ones(5, dtype=torch.float64))
    with pytest.raises(ValueError, match="weight"):
        relulib.prelu(x, np.ones(5))


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8])
def test_relu_on_integers_equals_torch(dtype):
    x = (
        np.array([-100, -1, 0, 1, 100], dtype=dtype)
        if dtype != np.uint8
        else np.arange(5, dtype=dtype)
    )
    assert_exact(relulib.relu(x), torch.relu(torch.from_numpy(x)).numpy())


@pytest.mark.parametrize("pieces", [1, 2, 3, 6, 12])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_maxout_equals_torch_max_over_contiguous_groups(pieces, dtype):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((4, 5, 12)) * 10).astype(dtype)
    if dtype != np.int64:
        x[0, 0, 0] = np.nan
        x[1, 2, 5] = np.inf
    t = torch.from_numpy(x)
    expected = t.unflatten(-1, (12 // pieces, pieces)).max(dim=-1).values.numpy()
    assert_exact(relulib.maxout(x, pieces), expected)
    # along another axis
    expected = t.unflatten(0, (4 // 2, 2)).max(dim=1).values.numpy()
    assert_exact(relulib.maxout(x, 2, axis=0), expected)


finite_or_not = {"allow_nan": True, "allow_infinity": True, "allow_subnormal": True}


@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    dtype=st.sampled_from([np.float32, np.float64]),
    case=st.sampled_from(CASES),
)
def test_random_arrays_equal_torch(data, dtype, case):
    x = data.draw(
        hnp.arrays(
            dtype, st.integers(1, 70), elements=hnp.from_dtype(np.dtype(dtype), **finite_or_not)
        )
    )
    x = x[~torch_quirks(case, x)]
    expected, expected_grad = torch_value_and_grad(case.torch_fn, x)
    check(case, case.forward(x), expected, x)
    keep = ~np.isnan(x) if not case.nan_slope else np.ones(x.shape, dtype=bool)
    check(case, case.derivative(x)[keep], expected_grad[keep], x[keep], derivative=True)
