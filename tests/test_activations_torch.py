"""relulib.activations against torch.nn.functional: values and autograd derivatives.

relu, leaky_relu and prelu must agree exactly (NaN positions included), elu and selu within
MAX_ULP units in the last place; derivatives are compared with torch's autograd.
"""

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


def assert_ulp_close(actual, expected, max_ulp=MAX_ULP):
    """Same dtype, NaN and inf positions; finite values within max_ulp units in the last place."""
    assert actual.dtype == expected.dtype
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_array_equal(actual[np.isinf(expected)], expected[np.isinf(expected)])
    finite = np.isfinite(expected)
    a, e = actual[finite], expected[finite]
    scale = np.maximum(np.abs(a), np.abs(e)).astype(actual.dtype)
    with np.errstate(over="ignore"):  # the spacing of the largest float is inf
        ulp = np.spacing(scale).astype(np.float64)
    error = np.abs(a.astype(np.float64) - e.astype(np.float64)) / ulp
    assert error.max(initial=0) <= max_ulp, f"{error.max()} ulp at x = {a[np.argmax(error)]}"


# name, relulib forward, relulib derivative, torch function, exact?
CASES = [
    ("relu", relulib.relu, relulib.relu.grad, F.relu, True),
    ("leaky_relu", relulib.leaky_relu, relulib.leaky_relu.grad, F.leaky_relu, True),
]
for _slope in (0.2, 1.0, 0.0, -0.5, 3.0):  # every code path: max, min, where
    CASES.append(
        (
            f"leaky_relu({_slope})",
            lambda x, s=_slope: relulib.leaky_relu(x, s),
            lambda x, s=_slope: relulib.leaky_relu.grad(x, s),
            lambda t, s=_slope: F.leaky_relu(t, s),
            True,
        )
    )
for _w in (0.25, 0.0, -1.0, 2.0):
    CASES.append(
        (
            f"prelu({_w})",
            lambda x, w=_w: relulib.prelu(x, w),
            lambda x, w=_w: relulib.prelu.grad(x, w),
            lambda t, w=_w: F.prelu(t, torch.tensor([w], dtype=t.dtype)),
            True,
        )
    )
for _alpha in (1.0, 0.3, 2.0, 0.0, -1.0):  # both code paths of elu
    CASES.append(
        (
            f"elu({_alpha})",
            lambda x, a=_alpha: relulib.elu(x, a),
            lambda x, a=_alpha: relulib.elu.grad(x, a),
            lambda t, a=_alpha: F.elu(t, a),
            False,
        )
    )
CASES.append(("selu", relulib.selu, relulib.selu.grad, F.selu, False))
CASE_IDS = [c[0] for c in CASES]


@pytest.mark.parametrize(
    ("name", "forward", "derivative", "torch_fn", "exact"), CASES, ids=CASE_IDS
)
@pytest.mark.parametrize("dtype", FLOATS)
def test_values_equal_torch(name, forward, derivative, torch_fn, exact, dtype):
    x = inputs_for(dtype)
    expected, _ = torch_value_and_grad(torch_fn, x)
    actual = forward(x)
    if exact:
        assert_exact(actual, expected)
    else:
        assert_ulp_close(actual, expected)


@pytest.mark.parametrize(
    ("name", "forward", "derivative", "torch_fn", "exact"), CASES, ids=CASE_IDS
)
@pytest.mark.parametrize("dtype", FLOATS)
def test_derivative_equals_torch_autograd(name, forward, derivative, torch_fn, exact, dtype):
    x = inputs_for(dtype)
    _, expected = torch_value_and_grad(torch_fn, x)
    actual = derivative(x)
    if exact:
        assert_exact(actual, expected)
    else:
        # torch's elu derivative at NaN depends on the NaN's position (see the test below).
        keep = ~np.isnan(x)
        assert_ulp_close(actual[keep], expected[keep])


@pytest.mark.parametrize("dtype", FLOATS)
def test_derivative_at_the_kink_equals_torch(dtype):
    x = np.array([0.0, -0.0], dtype=dtype)
    for name, _, derivative, torch_fn, _ in CASES:
        _, expected = torch_value_and_grad(torch_fn, x)
        np.testing.assert_array_equal(derivative(x), expected, err_msg=name)


def test_derivative_at_the_kink_is_the_left_one_in_torch_too():
    x = np.zeros(1)
    assert torch_value_and_grad(F.relu, x)[1][0] == 0
    assert torch_value_and_grad(F.leaky_relu, x, 0.2)[1][0] == 0.2
    assert torch_value_and_grad(F.elu, x, 0.5)[1][0] == 0.5
    assert torch_value_and_grad(F.selu, x)[1][0] == pytest.approx(SELU_ALPHA * SELU_SCALE)


@pytest.mark.parametrize("fn", ["elu", "selu"])
def test_elu_derivative_at_nan_is_nan_like_torchs_vectorised_loop(fn):
    # torch 2.13 gives NaN at NaN in its vectorised loop but `scale` in the scalar tail;
    # relulib gives NaN everywhere. A long all-NaN array runs through the vectorised loop.
    x = np.full(256, np.nan)
    _, expected = torch_value_and_grad(getattr(F, fn), x)
    assert np.isnan(expected[:128]).all()
    assert np.isnan(getattr(relulib, fn).grad(x)).all()


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


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    dtype=st.sampled_from([np.float32, np.float64]),
    case=st.sampled_from(CASES),
)
def test_random_arrays_equal_torch(data, dtype, case):
    _, forward, derivative, torch_fn, exact = case
    x = data.draw(
        hnp.arrays(
            dtype, st.integers(1, 70), elements=hnp.from_dtype(np.dtype(dtype), **finite_or_not)
        )
    )
    expected, expected_grad = torch_value_and_grad(torch_fn, x)
    keep = ~np.isnan(x)
    if exact:
        assert_exact(forward(x), expected)
        assert_exact(derivative(x), expected_grad)
    else:
        assert_ulp_close(forward(x), expected)
        assert_ulp_close(derivative(x)[keep], expected_grad[keep])
