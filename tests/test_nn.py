"""relulib.nn: the Maxout module and the hand-written autograd Functions."""

import doctest

import numpy as np
import pytest

import relulib
from relulib import SELU_ALPHA, SELU_SCALE

torch = pytest.importorskip("torch")
F = torch.nn.functional
rnn = pytest.importorskip("relulib.nn")

EDGE = [0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 1e-8, -1e-8, 30.0, -30.0]


def away_from_the_kink(shape, seed=0):
    """Random float64 values with |x| >= 0.1, where finite differences do not straddle 0."""
    x = torch.randn(shape, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    return (x + 0.1 * torch.sign(x)).requires_grad_()


def value_and_grad(fn, x, *args):
    x = x.detach().clone().requires_grad_()
    y = fn(x, *args)
    y.backward(torch.ones_like(y))
    return y.detach(), x.grad


# relulib.nn Function, its extra arguments, the torch built-in, the numpy derivative, exact?
FUNCTIONS = [
    ("relu", rnn.ReLUFunction, (), F.relu, relulib.relu.grad, True),
    ("leaky_relu", rnn.LeakyReLUFunction, (0.2,), F.leaky_relu, relulib.leaky_relu.grad, True),
    ("leaky_relu_neg", rnn.LeakyReLUFunction, (-1.5,), F.leaky_relu, relulib.leaky_relu.grad, True),
    ("elu", rnn.ELUFunction, (0.7,), F.elu, relulib.elu.grad, False),
    ("selu", rnn.SELUFunction, (), F.selu, relulib.selu.grad, False),
]
IDS = [f[0] for f in FUNCTIONS]


def assert_close(actual, expected, exact):
    if exact:
        torch.testing.assert_close(actual, expected, rtol=0, atol=0, equal_nan=True)
    else:
        eps = torch.finfo(expected.dtype).eps
        torch.testing.assert_close(actual, expected, rtol=4 * eps, atol=0, equal_nan=True)


# --- Maxout ----------------------------------------------------------------------------------


def test_maxout_groups_contiguous_features_of_the_last_dimension():
    m = rnn.Maxout(3)
    x = torch.tensor([[1.0, 5.0, -2.0, 0.0, -1.0, -7.0]])
    torch.testing.assert_close(m(x), torch.tensor([[5.0, 0.0]]))


@pytest.mark.parametrize("shape", [(6,), (2, 6), (2, 3, 12)])
@pytest.mark.parametrize("pieces", [1, 2, 3, 6])
def test_maxout_equals_the_numpy_twin(shape, pieces):
    x = torch.randn(shape, generator=torch.Generator().manual_seed(1))
    x[..., 0] = float("nan")
    out = rnn.Maxout(pieces)(x)
    assert out.shape == (*shape[:-1], shape[-1] // pieces)
    np.testing.assert_array_equal(out.numpy(), relulib.maxout(x.numpy(), pieces))


def test_maxout_repr_shows_pieces():
    assert repr(rnn.Maxout(4)) == "Maxout(pieces=4)"
    model = torch.nn.Sequential(torch.nn.Linear(4, 6), rnn.Maxout(2))
    assert "Maxout(pieces=2)" in repr(model)
    assert model(torch.zeros(5, 4)).shape == (5, 3)


def test_maxout_gradient_goes_to_one_maximal_piece_per_group():
    x = torch.tensor([[3.0, 1.0, 2.0, 2.0, -1.0, 4.0]], requires_grad=True)
    rnn.Maxout(2)(x).sum().backward()
    grad = x.grad.reshape(3, 2)
    torch.testing.assert_close(grad.sum(dim=1), torch.ones(3))
    assert grad[0].tolist() == [1.0, 0.0]
    assert grad[2].tolist() == [0.0, 1.0]


@pytest.mark.parametrize("pieces", [0, -1, True, 2.0, "2", None])
def test_maxout_rejects_bad_pieces(pieces):
    with pytest.raises(ValueError, match="pieces"):
        rnn.Maxout(pieces)


def test_maxout_rejects_indivisible_and_0d_input():
    with pytest.raises(
        ValueError, match="pieces=4 must divide the size of the last dimension, which is 6"
    ):
        rnn.Maxout(4)(torch.zeros(2, 6))
    with pytest.raises(ValueError, match="at least one dimension"):
        rnn.Maxout(1)(torch.tensor(1.0))


# --- autograd Functions ------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "fn", "args", "builtin", "grad", "exact"), FUNCTIONS, ids=IDS)
def test_gradcheck(name, fn, args, builtin, grad, exact):
    x = away_from_the_kink((3, 4))
    assert torch.autograd.gradcheck(lambda t: fn.apply(t, *args), (x,))


@pytest.mark.parametrize(("name", "fn", "args", "builtin", "grad", "exact"), FUNCTIONS, ids=IDS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_function_equals_torch_builtin(name, fn, args, builtin, grad, exact, dtype):
    x = torch.tensor([*EDGE, float("inf"), float("-inf")], dtype=dtype)
    x = torch.cat([x, torch.randn(200, dtype=dtype, generator=torch.Generator().manual_seed(2))])
    value, g = value_and_grad(lambda t: fn.apply(t, *args), x)
    expected_value, expected_g = value_and_grad(builtin, x, *args)
    assert_close(value, expected_value, exact)
    assert_close(g, expected_g, exact)


@pytest.mark.parametrize(("name", "fn", "args", "builtin", "grad", "exact"), FUNCTIONS, ids=IDS)
def test_backward_uses_the_numpy_derivative(name, fn, args, builtin, grad, exact):
    # The same formulas, including the kink (0 and -0.0), NaN and the infinities.
    x = torch.tensor([*EDGE, float("nan"), float("inf"), float("-inf")], dtype=torch.float64)
    _, g = value_and_grad(lambda t: fn.apply(t, *args), x)
    expected = torch.from_numpy(np.asarray(grad(x.numpy(), *args)))
    assert_close(g, expected, exact)


def test_kink_values():
    zero = torch.zeros(2, dtype=torch.float64)
    zero[1] = -0.0
    assert value_and_grad(rnn.ReLUFunction.apply, zero)[1].tolist() == [0.0, 0.0]
    assert value_and_grad(rnn.LeakyReLUFunction.apply, zero, 0.3)[1].tolist() == [0.3, 0.3]
    assert value_and_grad(rnn.ELUFunction.apply, zero, 0.5)[1].tolist() == [0.5, 0.5]
    selu_kink = value_and_grad(rnn.SELUFunction.apply, zero)[1]
    torch.testing.assert_close(
        selu_kink, torch.full((2,), SELU_ALPHA * SELU_SCALE, dtype=torch.float64)
    )


def test_default_parameters_are_torchs():
    x = torch.linspace(-3, 3, 13, dtype=torch.float64)
    torch.testing.assert_close(rnn.LeakyReLUFunction.apply(x), F.leaky_relu(x))
    torch.testing.assert_close(rnn.ELUFunction.apply(x), F.elu(x))


# --- PReLU: gradients for the input and the weight ---------------------------------------------


@pytest.mark.parametrize("shape", [(), (5,), (4, 3), (2, 3, 5), (2, 3, 2, 2)])
@pytest.mark.parametrize("per_channel", [False, True])
def test_prelu_gradcheck_for_input_and_weight(shape, per_channel):
    x = away_from_the_kink(shape)
    channels = shape[1] if len(shape) >= 2 else 1
    w = torch.rand(channels if per_channel else 1, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(rnn.PReLUFunction.apply, (x, w))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("per_channel", [False, True])
def test_prelu_equals_torch_builtin_including_the_kink(dtype, per_channel):
    x = torch.tensor([EDGE, EDGE[::-1], [0.0] * len(EDGE)], dtype=dtype).T.contiguous()  # (10, 3)
    w0 = torch.tensor([0.25, -0.5, 1.5] if per_channel else [0.3], dtype=dtype)
    results = []
    for fn in (rnn.PReLUFunction.apply, F.prelu):
        xi = x.clone().requires_grad_()
        wi = w0.clone().requires_grad_()
        y = fn(xi, wi)
        y.backward(torch.ones_like(y))
        results.append((y.detach(), xi.grad, wi.grad))
    for ours, theirs in zip(results[0], results[1], strict=True):
        torch.testing.assert_close(ours, theirs, rtol=0 if dtype == torch.float64 else 1e-6, atol=0)
    # the input derivative is relulib.prelu.grad
    np.testing.assert_array_equal(results[0][1].numpy(), relulib.prelu.grad(x.numpy(), w0.numpy()))


def test_prelu_rejects_a_weight_of_the_wrong_size():
    with pytest.raises(ValueError, match="weight"):
        rnn.PReLUFunction.apply(torch.zeros(2, 3), torch.ones(2))
    with pytest.raises(ValueError, match="weight"):
        rnn.PReLUFunction.apply(torch.zeros(3), torch.ones(3))


def test_parameters_are_validated():
    with pytest.raises(TypeError, match="negative_slope"):
        rnn.LeakyReLUFunction.apply(torch.zeros(2), "0.1")
    with pytest.raises(ValueError, match="alpha"):
        rnn.ELUFunction.apply(torch.zeros(2), float("nan"))


def test_doctests_pass():
    result = doctest.testmod(rnn, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 8
    assert result.failed == 0


# --- GatedFeedForward ----------------------------------------------------------------------------

GATES = {"relu": ("ReGLU", F.relu), "gelu": ("GEGLU", F.gelu), "silu": ("SwiGLU", F.silu)}


@pytest.mark.parametrize("gate", sorted(GATES))
def test_gated_feed_forward_is_shazeers_formula(gate):
    torch.manual_seed(0)
    block = rnn.GatedFeedForward(6, 10, gate=gate)
    x = torch.randn(4, 3, 6)
    W, V, W2 = block.w.weight.T, block.v.weight.T, block.w2.weight.T
    expected = (GATES[gate][1](x @ W) * (x @ V)) @ W2
    torch.testing.assert_close(block(x), expected, rtol=1e-6, atol=1e-6)
    assert block(x).shape == x.shape
    assert block.variant == GATES[gate][0]


def test_gated_feed_forward_is_bias_free_with_three_matrices():
    block = rnn.GatedFeedForward(8, 12, gate="silu")
    assert list(block.state_dict()) == ["w.weight", "v.weight", "w2.weight"]
    assert block.w.weight.shape == block.v.weight.shape == (12, 8)
    assert block.w2.weight.shape == (8, 12)
    assert all(m.bias is None for m in (block.w, block.v, block.w2))
    assert block(torch.zeros(2, 8)).abs().max() == 0  # no bias: zero in, zero out


@pytest.mark.parametrize(("d_model", "h"), [(8, 12), (6, 30), (16, 48)])
def test_parameter_count_against_a_plain_block_and_shazeers_two_thirds(d_model, h):
    def count(m):
        return sum(p.numel() for p in m.parameters())

    plain = torch.nn.Sequential(
        torch.nn.Linear(d_model, h, bias=False),
        torch.nn.ReLU(),
        torch.nn.Linear(h, d_model, bias=False),
    )
    assert count(rnn.GatedFeedForward(d_model, h)) == 3 * d_model * h
    assert count(plain) == 2 * d_model * h
    # 3 divides 2h in each case: width 2h/3 matches the plain block exactly
    assert count(rnn.GatedFeedForward(d_model, 2 * h // 3)) == count(plain)


def test_gated_feed_forward_repr_and_gradients():
    block = rnn.GatedFeedForward(4, 6, gate="gelu").double()
    assert "d_model=4, d_hidden=6, gate='gelu'" in repr(block)
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(block, (x,))


@pytest.mark.parametrize(
    ("args", "error", "fragment"),
    [
        ((0, 4), ValueError, "d_model must be a positive integer"),
        ((4, 2.0), ValueError, "d_hidden must be a positive integer"),
        ((4, 4, "swish"), ValueError, "gate must be one of ('relu', 'gelu', 'silu'), got 'swish'"),
        ((4, 4, torch.nn.ReLU), TypeError, "gate must be a string"),
    ],
)
def test_gated_feed_forward_rejects_bad_arguments(args, error, fragment):
    with pytest.raises(error) as info:
        rnn.GatedFeedForward(*args)
    assert fragment in str(info.value)
