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
        ValueError, match="Maxout: pieces=4 must divide the size of axis 1, which is 6"
    ):
        rnn.Maxout(4)(torch.zeros(2, 6))
    with pytest.raises(ValueError, match="axis=-1 is out of bounds for an array of dimension 0"):
        rnn.Maxout(1)(torch.tensor(1.0))
    with pytest.raises(ValueError, match="axis=2 is out of bounds"):
        rnn.Maxout(1, axis=2)(torch.zeros(2, 6))


# --- autograd Functions ------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "fn", "args", "builtin", "grad", "exact"), FUNCTIONS, ids=IDS)
def test_gradcheck_reverse_and_forward_mode_and_second_order(name, fn, args, builtin, grad, exact):
    x = away_from_the_kink((3, 4))
    assert torch.autograd.gradcheck(lambda t: fn.apply(t, *args), (x,), check_forward_ad=True)
    assert torch.autograd.gradgradcheck(lambda t: fn.apply(t, *args), (x,))


@pytest.mark.parametrize(("name", "fn", "args", "builtin", "grad", "exact"), FUNCTIONS, ids=IDS)
def test_jvp_is_the_derivative_including_the_kink(name, fn, args, builtin, grad, exact):
    # torch.func.jvp runs the hand-written jvp: tangent times relulib's derivative.
    x = torch.tensor([*EDGE, float("inf"), float("-inf")], dtype=torch.float64)
    tangent = torch.linspace(-1, 1, x.numel(), dtype=torch.float64)
    value, out_tangent = torch.func.jvp(lambda t: fn.apply(t, *args), (x,), (tangent,))
    assert_close(value, builtin(x, *args), exact)
    expected = tangent * torch.from_numpy(np.asarray(grad(x.numpy(), *args)))
    assert_close(out_tangent, expected, exact)


@pytest.mark.parametrize(("name", "fn", "args", "builtin", "grad", "exact"), FUNCTIONS, ids=IDS)
def test_vmap_and_torch_func_grad(name, fn, args, builtin, grad, exact):
    x = away_from_the_kink((4, 3)).detach()
    batched = torch.func.vmap(lambda row: fn.apply(row, *args))(x)
    assert_close(batched, builtin(x, *args), exact)
    slopes = torch.func.vmap(torch.func.grad(lambda v: fn.apply(v, *args)))(x.flatten())
    assert_close(slopes, torch.from_numpy(np.asarray(grad(x.flatten().numpy(), *args))), exact)


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
    assert torch.autograd.gradcheck(rnn.PReLUFunction.apply, (x, w), check_forward_ad=True)
    assert torch.autograd.gradgradcheck(rnn.PReLUFunction.apply, (x, w))


def test_prelu_jvp_in_the_weight_alone():
    x = torch.tensor([[-2.0, 3.0], [-1.0, -4.0]], dtype=torch.float64)
    w = torch.tensor([0.25, 0.5], dtype=torch.float64)
    w_t = torch.tensor([1.0, 10.0], dtype=torch.float64)
    _, out_t = torch.func.jvp(lambda v: rnn.PReLUFunction.apply(x, v), (w,), (w_t,))
    # d prelu / d a_c = x where x <= 0: [[-2 * 1, 0], [-1 * 1, -4 * 10]]
    assert out_t.tolist() == [[-2.0, 0.0], [-1.0, -40.0]]


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


# --- modules: drop-ins for torch's ---------------------------------------------------------------

nn = torch.nn
# relulib module, torch module, constructor arguments to try (positional and keyword)
MODULES = [
    (rnn.ReLU, nn.ReLU, [(), (True,)]),
    (rnn.LeakyReLU, nn.LeakyReLU, [(), (0.2,), (0.2, True), ({"negative_slope": -0.5},)]),
    (rnn.PReLU, nn.PReLU, [(), (3,), (3, 0.1), ({"num_parameters": 3, "init": -0.2},)]),
    (rnn.ELU, nn.ELU, [(), (0.5,), (2.0, True)]),
    (rnn.SELU, nn.SELU, [(), (True,)]),
    (rnn.GELU, nn.GELU, [(), ("tanh",), ({"approximate": "none"},)]),
    (rnn.SiLU, nn.SiLU, [(), (True,)]),
    (rnn.Mish, nn.Mish, [(), (True,)]),
    (rnn.Softplus, nn.Softplus, [(), (2.0,), (2.0, 5.0), ({"threshold": -1.0},)]),
    (rnn.ReLU6, nn.ReLU6, [(), (True,)]),
    (rnn.Hardswish, nn.Hardswish, [(), (True,)]),
]
MODULE_CASES = [(ours, theirs, args) for ours, theirs, variants in MODULES for args in variants]
MODULE_IDS = [f"{ours.__name__}{args}" for ours, _, args in MODULE_CASES]


def build(cls, args):
    if args and isinstance(args[-1], dict):
        return cls(*args[:-1], **args[-1])
    return cls(*args)


def module_input(seed=0):
    x = torch.randn(4, 3, 7, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    x[0, 0, :6] = torch.tensor([0.0, -0.0, 6.0, -3.0, 3.0, float("nan")])
    return (4 * x).float()


@pytest.mark.parametrize(("ours", "theirs", "args"), MODULE_CASES, ids=MODULE_IDS)
def test_module_is_a_drop_in_for_torchs(ours, theirs, args):
    torch.manual_seed(0)
    mine = build(ours, args)
    torch.manual_seed(0)
    reference = build(theirs, args)
    assert isinstance(mine, theirs)
    assert repr(mine) == repr(reference)
    assert mine.extra_repr() == reference.extra_repr()
    assert list(mine.state_dict()) == list(reference.state_dict())
    for key, value in reference.state_dict().items():
        assert torch.equal(mine.state_dict()[key], value)


@pytest.mark.parametrize(("ours", "theirs", "args"), MODULE_CASES, ids=MODULE_IDS)
def test_module_outputs_and_gradients_equal_torchs_to_the_last_bit(ours, theirs, args):
    results = []
    for cls in (ours, theirs):
        module = build(cls, args)
        leaf = module_input().requires_grad_()
        x = leaf * 1  # an inplace module may overwrite x, not the leaf
        y = module(x)
        y.backward(torch.linspace(-1, 1, y.numel()).reshape(y.shape))
        params = [p.grad for p in module.parameters()]
        results.append((y.detach(), x.detach(), leaf.grad, *params))
    for mine, reference in zip(*results, strict=True):
        assert torch.equal(mine.isnan(), reference.isnan())
        assert torch.equal(mine.nan_to_num(7.0), reference.nan_to_num(7.0))


def test_signatures_are_torchs():
    import inspect

    for ours, theirs, _ in MODULES:
        mine = list(inspect.signature(ours.__init__).parameters.items())
        reference = list(inspect.signature(theirs.__init__).parameters.items())
        names = [name for name, _ in mine]
        # ReLU6's torch signature is its own (inplace only); Hardtanh's extras are not inherited
        assert [(n, p.default) for n, p in mine] == [
            (n, p.default) for n, p in reference if n in names
        ]
        assert names == [n for n, _ in reference][: len(names)]


@pytest.mark.parametrize(
    ("make", "error", "fragment"),
    [
        (lambda: rnn.ReLU(inplace=1), TypeError, "ReLU: inplace must be True or False, got int 1"),
        (lambda: rnn.LeakyReLU("0.1"), TypeError, "LeakyReLU: negative_slope must be a finite"),
        (lambda: rnn.LeakyReLU(float("inf")), ValueError, "negative_slope must be a finite"),
        (lambda: rnn.PReLU(0), ValueError, "PReLU: num_parameters must be a positive integer"),
        (lambda: rnn.PReLU(2.0), ValueError, "num_parameters"),
        (lambda: rnn.PReLU(init=None), TypeError, "PReLU: init must be a finite real number"),
        (lambda: rnn.ELU(alpha=[1.0]), TypeError, "ELU: alpha"),
        (lambda: rnn.SELU("yes"), TypeError, "SELU: inplace"),
        (
            lambda: rnn.GELU("exact"),
            ValueError,
            "GELU: approximate must be one of ('none', 'tanh')",
        ),
        (lambda: rnn.Softplus(beta=-1.0), ValueError, "Softplus: beta must be > 0"),
        (lambda: rnn.Softplus(threshold="20"), TypeError, "Softplus: threshold"),
        (lambda: rnn.Maxout(2, axis=1.0), TypeError, "Maxout: axis must be an integer"),
    ],
)
def test_module_arguments_are_validated_when_the_module_is_made(make, error, fragment):
    with pytest.raises(error) as info:
        make()
    assert fragment in str(info.value)


def test_prelu_learns_like_torchs_and_keeps_its_weight_parameter():
    mine, reference = rnn.PReLU(3, init=0.1), nn.PReLU(3, init=0.1)
    assert [n for n, _ in mine.named_parameters()] == ["weight"]
    for module in (mine, reference):
        module(module_input()).sum().backward()
    assert torch.equal(mine.weight.grad.nan_to_num(7.0), reference.weight.grad.nan_to_num(7.0))


class TorchMaxout(nn.Module):
    """The reference expression of Maxout over the last dimension, in plain torch."""

    def __init__(self, pieces):
        super().__init__()
        self.pieces = pieces

    def forward(self, x):
        return x.unflatten(-1, (-1, self.pieces)).max(dim=-1).values


class TorchSquaredReLU(nn.Module):
    def forward(self, x):
        return torch.relu(x) ** 2


@pytest.fixture
def one_thread():
    """Tiny nets: one thread is fastest (two spin-wait on every small op) and deterministic."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def seeded_run(make_activation, *, width=12, pieces=1, epochs=8, optimizer="adam"):
    """Train a small net from a seed; return its losses and final parameters."""
    from relulib.data import two_moons
    from relulib.train import train

    X, y = two_moons(80, noise=0.15, seed=1)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = nn.Sequential(
            nn.Linear(2, width * pieces),
            make_activation(),
            nn.Linear(width, width * pieces),
            make_activation(),
            nn.Linear(width, 2),
        )
    history = train(model, X, y, optimizer=optimizer, lr=0.02, epochs=epochs, seed=0)
    assert not history.diverged
    return history.loss, [p.detach().clone() for p in model.parameters()]


SWAPS = [
    (rnn.ReLU, nn.ReLU, {}),
    (rnn.LeakyReLU, nn.LeakyReLU, {}),
    (lambda: rnn.PReLU(12), lambda: nn.PReLU(12), {}),
    (rnn.ELU, nn.ELU, {}),
    (rnn.SELU, nn.SELU, {}),
    (rnn.GELU, nn.GELU, {}),
    (lambda: rnn.GELU("tanh"), lambda: nn.GELU("tanh"), {}),
    (rnn.SiLU, nn.SiLU, {}),
    (rnn.Mish, nn.Mish, {}),
    (rnn.Softplus, nn.Softplus, {}),
    (rnn.ReLU6, nn.ReLU6, {"optimizer": "sgd"}),
    (rnn.Hardswish, nn.Hardswish, {}),
    (rnn.SquaredReLU, TorchSquaredReLU, {}),
    (lambda: rnn.Maxout(3), lambda: TorchMaxout(3), {"pieces": 3}),
]


@pytest.mark.parametrize(
    ("ours", "theirs", "options"),
    SWAPS,
    ids=[
        "ReLU",
        "LeakyReLU",
        "PReLU",
        "ELU",
        "SELU",
        "GELU",
        "GELU-tanh",
        "SiLU",
        "Mish",
        "Softplus",
        "ReLU6",
        "Hardswish",
        "SquaredReLU",
        "Maxout",
    ],
)
def test_swapping_torchs_module_for_relulibs_leaves_a_seeded_training_run_identical(
    ours, theirs, options, one_thread
):
    losses, params = seeded_run(ours, **options)
    ref_losses, ref_params = seeded_run(theirs, **options)
    assert losses == ref_losses
    assert losses[-1] < losses[0]  # it learned something
    for p, q in zip(params, ref_params, strict=True):
        assert torch.equal(p, q)


def test_train_mlp_initialises_relulibs_leaky_relu_as_torchs():
    # relulib.train.mlp reads the slope of nn.LeakyReLU and nn.PReLU for He's init: relulib's
    # modules are subclasses, so the init (and the run) are the same.
    from relulib.train import mlp

    for ours, theirs in [(rnn.LeakyReLU, nn.LeakyReLU), (rnn.PReLU, nn.PReLU)]:
        a, b = mlp([2, 8, 2], activation=ours, seed=3), mlp([2, 8, 2], activation=theirs, seed=3)
        for p, q in zip(a.parameters(), b.parameters(), strict=True):
            assert torch.equal(p, q)


# --- Maxout along any axis -----------------------------------------------------------------------


def test_maxout_along_the_channels_of_an_image_batch():
    x = torch.randn(2, 6, 3, 3, generator=torch.Generator().manual_seed(4))
    m = rnn.Maxout(3, axis=1)
    assert repr(m) == "Maxout(pieces=3, axis=1)"
    out = m(x)
    assert out.shape == (2, 2, 3, 3)
    np.testing.assert_array_equal(out.numpy(), relulib.maxout(x.numpy(), 3, axis=1))
    assert torch.equal(rnn.Maxout(3, axis=-3)(x), out)


def test_maxout_module_gradient_is_maxout_grad_with_ties():
    x = torch.tensor([[2.0, 2.0, 1.0, 5.0], [0.0, float("nan"), 7.0, 7.0]], requires_grad=True)
    for axis in (0, 1, -1):
        x.grad = None
        rnn.Maxout(2, axis=axis)(x).sum().backward()
        np.testing.assert_array_equal(
            x.grad.numpy(), relulib.maxout.grad(x.detach().numpy(), 2, axis)
        )


def test_why_the_tensor_path_uses_torchs_kernels_not_these_functions():
    # Built from several torch operations, the hand-written ELU and SELU agree with torch's
    # fused kernels to a few ulp but not to the bit (so a training run would drift); the
    # piecewise linear ReLU and leaky ReLU agree to the bit.
    x = 3 * torch.randn(30_001, generator=torch.Generator().manual_seed(0))
    for fn, builtin, bitwise in [
        (rnn.ReLUFunction.apply, F.relu, True),
        (rnn.LeakyReLUFunction.apply, F.leaky_relu, True),
        (rnn.ELUFunction.apply, F.elu, False),
        (rnn.SELUFunction.apply, F.selu, False),
    ]:
        value, grad = value_and_grad(fn, x)
        ref_value, ref_grad = value_and_grad(builtin, x)
        assert torch.equal(grad, ref_grad) == bitwise
        torch.testing.assert_close(value, ref_value, rtol=4 * 2**-23, atol=0)
        torch.testing.assert_close(grad, ref_grad, rtol=4 * 2**-23, atol=0)
