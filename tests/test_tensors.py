"""One function, two worlds: relulib's activations on torch tensors.

A tensor in gives a tensor out, of the same dtype and device, equal to torch.nn.functional to
the last bit, values and derivatives (reverse and forward mode, first and second order); a
NumPy array in still gives a NumPy array out, and ``import relulib`` still needs no torch.
"""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import relulib

torch = pytest.importorskip("torch")
F = torch.nn.functional

DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]

# name -> (relulib call, torch reference, relulib derivative); the relulib calls take an
# array or a tensor alike.
CASES = {
    "relu": (relulib.relu, torch.relu, relulib.relu.grad),
    "leaky_relu": (
        lambda x: relulib.leaky_relu(x, 0.1),
        lambda t: F.leaky_relu(t, 0.1),
        lambda x: relulib.leaky_relu.grad(x, 0.1),
    ),
    "prelu": (
        lambda x: relulib.prelu(x, 0.3),
        lambda t: F.prelu(t, torch.tensor([0.3], dtype=t.dtype)),
        lambda x: relulib.prelu.grad(x, 0.3),
    ),
    "elu": (
        lambda x: relulib.elu(x, 0.7),
        lambda t: F.elu(t, 0.7),
        lambda x: relulib.elu.grad(x, 0.7),
    ),
    "selu": (relulib.selu, F.selu, relulib.selu.grad),
    "gelu": (relulib.gelu, F.gelu, relulib.gelu.grad),
    "gelu_tanh": (
        lambda x: relulib.gelu(x, "tanh"),
        lambda t: F.gelu(t, approximate="tanh"),
        lambda x: relulib.gelu.grad(x, "tanh"),
    ),
    "silu": (relulib.silu, F.silu, relulib.silu.grad),
    "mish": (relulib.mish, F.mish, relulib.mish.grad),
    "softplus": (
        lambda x: relulib.softplus(x, 2.0, 5.0),
        lambda t: F.softplus(t, 2.0, 5.0),
        lambda x: relulib.softplus.grad(x, 2.0, 5.0),
    ),
    "relu6": (relulib.relu6, F.relu6, relulib.relu6.grad),
    "hardswish": (relulib.hardswish, F.hardswish, relulib.hardswish.grad),
    "squared_relu": (relulib.squared_relu, lambda t: torch.relu(t) ** 2, relulib.squared_relu.grad),
    "maxout": (
        lambda x: relulib.maxout(x, 2),
        lambda t: t.unflatten(-1, (-1, 2)).max(-1).values,
        lambda x: relulib.maxout.grad(x, 2),
    ),
}
NAMES = sorted(CASES)
EDGES = [0.0, -0.0, 1.0, -1.0, 3.0, -3.0, 6.0, 2.5, 1e-8, -1e-8, 30.0, -30.0]
EDGES += [float("nan"), float("inf"), float("-inf"), 1e4, -1e4, 1.0, 1.0]  # a tie for maxout


def probe(dtype, seed=0):
    """Edge values (each kink included), then random numbers: long enough for torch's
    vectorised loops, and of a length (320) that leaves a scalar tail."""
    random = torch.randn(301, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    return torch.cat([torch.tensor(EDGES, dtype=torch.float64), 4 * random]).to(dtype)


def value_and_grad(fn, x):
    x = x.detach().clone().requires_grad_()
    y = fn(x)
    g = torch.linspace(-1, 1, y.numel(), dtype=torch.float64).reshape(y.shape).to(y.dtype)
    y.backward(g)
    return y.detach(), x.grad


def assert_bitwise_equal(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape and a.device == b.device
    assert torch.equal(a.isnan(), b.isnan())
    assert torch.equal(a.nan_to_num(7.0), b.nan_to_num(7.0))


# --- a tensor in, a tensor out, torch's values and gradients -----------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_values_and_gradients_are_torchs_to_the_last_bit(name, dtype):
    ours, theirs, _ = CASES[name]
    x = probe(dtype)
    y, g = value_and_grad(ours, x)
    y_ref, g_ref = value_and_grad(theirs, x)
    assert isinstance(y, torch.Tensor) and y.dtype == dtype
    assert_bitwise_equal(y, y_ref)
    assert_bitwise_equal(g, g_ref)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_grad_of_a_tensor_is_torchs_derivative(name, dtype):
    _, theirs, derivative = CASES[name]
    x = probe(dtype)
    d = derivative(x)
    leaf = x.clone().requires_grad_()
    y = theirs(leaf)
    (expected,) = torch.autograd.grad(y, leaf, torch.ones_like(y))
    assert isinstance(d, torch.Tensor) and not d.requires_grad
    assert_bitwise_equal(d, expected)


@pytest.mark.parametrize("name", NAMES)
def test_the_numpy_world_is_unchanged_and_agrees(name):
    ours, _, derivative = CASES[name]
    t = probe(torch.float64)
    t = t[~t.isnan()][:-1]  # torch's derivatives at NaN depend on where the NaN sits
    a = t.numpy()
    for f in (ours, derivative):
        from_array, from_tensor = f(a), f(t)
        assert isinstance(from_array, np.ndarray) and isinstance(from_tensor, torch.Tensor)
        np.testing.assert_allclose(from_array, from_tensor.numpy(), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("name", NAMES)
def test_second_derivatives_through_grad(name):
    # relulib's .grad of a tensor that requires grad is differentiable again, like torch's.
    _, theirs, derivative = CASES[name]
    x = probe(torch.float64)[20:]  # finite, away from the kinks (random values)
    x = x.clone().requires_grad_()
    ours = derivative(x)
    y = theirs(x)
    (first,) = torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)
    assert_bitwise_equal(ours.detach(), first.detach())
    assert ours.requires_grad == first.requires_grad  # maxout's is piecewise constant
    if first.requires_grad:
        (second,) = torch.autograd.grad(ours.sum(), x, allow_unused=True)
        (expected,) = torch.autograd.grad(first.sum(), x, allow_unused=True)
        zeros = torch.zeros_like(x)
        assert_bitwise_equal(
            second if second is not None else zeros, expected if expected is not None else zeros
        )


# --- dtypes, devices, shapes: properties ---------------------------------------------------------

shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    dtype=st.sampled_from(DTYPES),
    shape=shapes,
    seed=st.integers(0, 2**16),
    requires_grad=st.booleans(),
)
def test_any_shape_and_dtype_comes_back_as_a_tensor_like_torchs(
    name, dtype, shape, seed, requires_grad
):
    ours, theirs, _ = CASES[name]
    if name == "maxout":
        shape = (*shape[:-1], 2 * shape[-1]) if shape else (2,)
    x = 3 * torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    x = x.to(dtype).requires_grad_(requires_grad)
    y = ours(x)
    assert isinstance(y, torch.Tensor)
    assert y.dtype == dtype and y.device == x.device
    assert y.requires_grad == requires_grad
    assert_bitwise_equal(y.detach(), theirs(x.detach()))


@pytest.mark.parametrize("name", NAMES)
def test_inputs_are_not_modified(name):
    ours, _, derivative = CASES[name]
    x = probe(torch.float32)
    before = x.clone()
    ours(x)
    derivative(x)
    assert_bitwise_equal(x, before)


@pytest.mark.parametrize("name", NAMES)
def test_non_contiguous_tensors(name):
    # torch's own kernels may round a strided view differently from a contiguous copy (its
    # scalar loop runs there): relulib follows torch on either.
    ours, theirs, derivative = CASES[name]
    base = torch.linspace(-4, 4, 120, dtype=torch.float64).reshape(6, 20)
    view = base.T[::2]  # strided
    assert not view.is_contiguous()
    assert_bitwise_equal(ours(view), theirs(view))
    torch.testing.assert_close(derivative(view), derivative(view.contiguous()))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [torch.int8, torch.int32, torch.int64, torch.uint8, torch.bool])
def test_integer_and_bool_tensors(name, dtype):
    ours, _, derivative = CASES[name]
    x = torch.tensor([0, 1, 1, 0], dtype=dtype)
    keeps = name in {"relu", "relu6", "maxout"} and dtype != torch.bool
    assert ours(x).dtype == (dtype if keeps else torch.get_default_dtype())
    assert derivative(x).dtype == torch.get_default_dtype()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [torch.complex64, torch.float8_e4m3fn], ids=str)
def test_complex_and_unsupported_float_tensors_raise_a_named_type_error(name, dtype):
    ours, _, derivative = CASES[name]
    x = torch.zeros(4).to(dtype)
    for f in (ours, derivative):
        with pytest.raises(
            TypeError, match=f"expected a tensor of real numbers .* got dtype {dtype}"
        ):
            f(x)


# --- parameters, mixed inputs and errors --------------------------------------------------------


def test_prelu_takes_a_parameter_and_trains_it():
    m = torch.nn.PReLU(3)
    x = torch.randn(4, 3, 5, generator=torch.Generator().manual_seed(0), requires_grad=True)
    y = relulib.prelu(x, m.weight)
    y.sum().backward()
    ours = (x.grad.clone(), m.weight.grad.clone())
    x.grad = m.weight.grad = None
    F.prelu(x, m.weight).sum().backward()
    assert_bitwise_equal(y.detach(), F.prelu(x, m.weight).detach())
    assert_bitwise_equal(ours[0], x.grad)
    assert_bitwise_equal(ours[1], m.weight.grad)


def test_prelu_with_an_array_and_a_parameter_gives_a_tensor():
    weight = torch.nn.PReLU().weight  # float32, requires grad
    y = relulib.prelu(np.array([-2.0, 4.0]), weight)
    assert isinstance(y, torch.Tensor) and y.dtype == torch.float64
    assert y.tolist() == [-0.5, 4.0]
    y.sum().backward()
    assert weight.grad.tolist() == [-2.0]
    d = relulib.prelu.grad(np.array([-2.0, 4.0]), weight)
    assert isinstance(d, torch.Tensor) and d.tolist() == [0.25, 1.0]


def test_prelu_weight_takes_the_tensors_dtype():
    x = torch.tensor([[-2.0, 1.0]], dtype=torch.float64)
    assert relulib.prelu(x, torch.tensor([0.5, 0.25])).dtype == torch.float64
    assert relulib.prelu(x.to(torch.bfloat16), np.array([0.5])).dtype == torch.bfloat16


TENSOR = torch.tensor([[-1.0, 0.0, 2.0], [3.0, -4.0, 5.0]])
BAD = [
    (lambda: relulib.leaky_relu(TENSOR, "0.1"), TypeError, "leaky_relu: negative_slope must be"),
    (lambda: relulib.elu(TENSOR, float("nan")), ValueError, "elu: alpha must be a finite"),
    (lambda: relulib.gelu(TENSOR, "exact"), ValueError, "gelu: approximate must be one of"),
    (lambda: relulib.softplus(TENSOR, beta=0), ValueError, "softplus: beta must be > 0"),
    (
        lambda: relulib.prelu(TENSOR, torch.ones(2)),
        ValueError,
        "x.shape[1] = 3, got tensor of shape (2,)",
    ),
    (lambda: relulib.prelu(TENSOR, torch.ones(1, 1)), ValueError, "prelu: weight must be"),
    (lambda: relulib.prelu(TENSOR, torch.ones(3, dtype=torch.complex64)), TypeError, "for weight"),
    (lambda: relulib.prelu(torch.ones(3), torch.ones(3)), ValueError, "no channel axis"),
    (
        lambda: relulib.maxout(TENSOR, 2),
        ValueError,
        "maxout: pieces=2 must divide the size of axis 1, which is 3",
    ),
    (lambda: relulib.maxout(TENSOR, 0), ValueError, "pieces must be a positive integer"),
    (
        lambda: relulib.maxout(TENSOR, 3, axis=2),
        np.exceptions.AxisError,
        "maxout: axis=2 is out of bounds",
    ),
    (lambda: relulib.maxout.grad(TENSOR, 2), ValueError, "maxout.grad: pieces=2"),
    (
        lambda: relulib.relu.grad(TENSOR.to(torch.complex64)),
        TypeError,
        "relu.grad: expected a tensor",
    ),
]


@pytest.mark.parametrize(("call", "error", "fragment"), BAD, ids=[b[2][:40] for b in BAD])
def test_bad_tensor_input_raises_relulibs_named_error(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_a_tensor_that_requires_grad_no_longer_raises_torchs_error():
    # The issue's first example: torch's RuntimeError ("Can't call numpy() on Tensor that
    # requires grad") used to escape from np.asarray.
    x = torch.ones(2, requires_grad=True)
    y = relulib.relu(x)
    assert y.requires_grad and y.tolist() == [1.0, 1.0]


# --- maxout: torch's subgradient, ties broken as torch.max breaks them ---------------------------


@settings(max_examples=60, deadline=None)
@given(
    x=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6),
        elements=st.sampled_from([-1.0, 0.0, 2.0, 2.0, np.nan, np.inf]),  # many ties
    ),
    pieces=st.sampled_from([1, 2, 3]),
    data=st.data(),
)
def test_maxout_grad_is_torchs_subgradient_with_torchs_ties(x, pieces, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    groups = x.shape[axis]
    x = np.concatenate([x] * pieces, axis=axis)  # a multiple of pieces, with repeats
    assert x.shape[axis] == groups * pieces
    t = torch.from_numpy(x).requires_grad_()
    y = t.unflatten(axis, (groups, pieces)).max(dim=axis % x.ndim + 1).values
    y.sum().backward()
    np.testing.assert_array_equal(relulib.maxout.grad(x, pieces, axis), t.grad.numpy())
    np.testing.assert_array_equal(relulib.maxout.grad(t.detach(), pieces, axis), t.grad)
    # each group sends its gradient to exactly one element
    marks = relulib.maxout.grad(x, pieces, axis)
    assert marks.sum() == x.size // pieces


def test_maxout_grad_on_integers_breaks_ties_exactly():
    big = np.array([2**62, 2**62 + 1, 5, 5], dtype=np.int64)  # equal in float64
    np.testing.assert_array_equal(relulib.maxout.grad(big, 2), [0, 1, 1, 0])
    assert relulib.maxout.grad(big, 2).dtype == np.float64


# --- import relulib still needs no torch ---------------------------------------------------------


def test_numpy_calls_never_import_torch():
    code = (
        "import sys, numpy as np, relulib\n"
        "x = np.linspace(-3, 3, 11)\n"
        "for name, f in relulib.ACTIVATIONS.items():\n"
        "    args = (0.25,) if name == 'prelu' else ()\n"
        "    f(x, *args); f.grad(x, *args)\n"
        "relulib.maxout(x[:10], 2); relulib.maxout.grad(x[:10], 2)\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "assert 'relulib._tensors' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --- every order, both modes ---------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_gradcheck_forward_and_reverse_mode_and_second_order(name):
    ours, _, _ = CASES[name]
    x = torch.tensor([-2.3, -1.1, -0.4, 0.3, 0.9, 1.7, 4.2, 5.1], dtype=torch.float64)
    x = x.reshape(2, 4).requires_grad_()  # away from every kink, no ties
    assert torch.autograd.gradcheck(ours, (x,), check_forward_ad=True)
    assert torch.autograd.gradgradcheck(ours, (x,))


def test_torch_func_transforms_see_through_relulib():
    x = torch.linspace(-2, 2, 9, dtype=torch.float64)
    ones = torch.ones_like(x)
    _, tangent = torch.func.jvp(relulib.gelu, (x,), (ones,))
    assert_bitwise_equal(tangent, relulib.gelu.grad(x))
    per_row = torch.func.vmap(lambda row: relulib.maxout(row, 3))(x[:9].reshape(3, 3))
    assert_bitwise_equal(per_row, relulib.maxout(x.reshape(3, 3), 3))


# --- the evidence behind the choice of mechanism (relulib._tensors' docstring) -----------------


def test_why_not_the_array_api_autograd_of_the_formula_splits_the_kink():
    # relulib's NumPy formula for relu is maximum(x, 0); run on tensors through the array API,
    # autograd would differentiate torch.maximum, which splits a tie: 0.5 at x = 0.
    x = torch.zeros(1, requires_grad=True)
    torch.maximum(x, torch.zeros(1)).sum().backward()
    assert x.grad.item() == 0.5
    assert relulib.relu.grad(torch.zeros(1)).item() == 0.0  # torch.relu's convention
