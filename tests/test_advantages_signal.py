"""relulib.diagnostics.backprop_signal: each example's back-propagated signal, layer by layer.

The Advantages chapter measures vanishing gradients with it, so these tests pin what a reader
relies on: the numbers are per example (independent of the rest of the batch), they obey the
sigmoid's 1/4 bound per step, and measuring changes nothing about the model.
"""

import functools
import itertools

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional
from relulib.diagnostics import backprop_signal  # noqa: E402
from relulib.train import mlp  # noqa: E402

SUM_CE = functools.partial(F.cross_entropy, reduction="sum")


def batch(n=16, d=3, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=gen), torch.randint(0, 2, (n,), generator=gen)


def test_signal_by_hand_on_a_one_layer_net():
    model = nn.Sequential(nn.Linear(2, 2, bias=False), nn.ReLU(), nn.Linear(2, 1, bias=False))
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[2.0, 0.0], [0.0, 1.0]]))
        model[2].weight.copy_(torch.tensor([[1.0, -2.0]]))
    x = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    # d(sum of outputs)/dz = v * [z > 0], v = (1, -2)
    signal = backprop_signal(model, lambda out, t: out.sum(), x, None)
    assert list(signal) == ["1"]
    torch.testing.assert_close(
        signal["1"], torch.tensor([5**0.5, 1.0, 2.0, 0.0], dtype=torch.float64)
    )


def test_every_entry_is_the_examples_own_signal():
    model = mlp([3, 8, 8, 2], activation=nn.Tanh, init="xavier", seed=1)
    X, y = batch()
    together = backprop_signal(model, SUM_CE, X, y)
    for i in range(len(X)):
        alone = backprop_signal(model, SUM_CE, X[i : i + 1], y[i : i + 1])
        for name, values in together.items():
            # float32 forward passes: a batch and a single row may round differently
            torch.testing.assert_close(values[i : i + 1], alone[name], rtol=1e-5, atol=0)


def test_a_mean_loss_divides_by_the_batch_size():
    model = mlp([3, 8, 2], seed=2)
    X, y = batch()
    summed = backprop_signal(model, SUM_CE, X, y)["1"]
    mean = backprop_signal(model, F.cross_entropy, X, y)["1"]
    torch.testing.assert_close(mean * len(X), summed)


@pytest.mark.parametrize("seed", range(4))
def test_sigmoid_layers_with_orthogonal_weights_shrink_the_signal_at_least_fourfold(seed):
    # |d/dz_l| = |sigma'(z_l) * W^T d/dz_{l+1}| <= |W^T d/dz_{l+1}| / 4 = |d/dz_{l+1}| / 4
    width = 6
    gen = torch.Generator().manual_seed(seed)
    layers = []
    for _ in range(4):
        linear = nn.Linear(width, width)
        with torch.no_grad():
            q, _ = torch.linalg.qr(torch.randn(width, width, generator=gen))
            linear.weight.copy_(q)
            linear.bias.normal_(generator=gen)
        layers += [linear, nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(width, 2))
    X, y = batch(n=32, d=width, seed=seed)
    signal = list(backprop_signal(model, SUM_CE, X, y).values())
    for earlier, later in itertools.pairwise(signal):
        assert torch.all(earlier <= later / 4 + 1e-12)


def test_a_vanishing_signal_does_not_underflow_to_zero():
    model = mlp([4] + [16] * 40 + [2], activation=nn.Sigmoid, init="xavier", seed=0)
    X, y = batch(n=8, d=4)
    first = backprop_signal(model, SUM_CE, X, y)["1"]
    assert torch.all(first > 0) and torch.all(first < 1e-15)


def test_an_activation_fed_by_the_inputs_is_measured_too():
    model = nn.Sequential(nn.ReLU(), nn.Linear(2, 1))
    x = torch.tensor([[1.0, -1.0]])  # only unit 0 passes: the signal is |w_0|
    signal = backprop_signal(model, lambda out, t: out.sum(), x, None)
    expected = model[1].weight.detach().double()[0, :1].abs()
    torch.testing.assert_close(signal["0"], expected)


def test_measuring_changes_nothing():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    model.train()
    model[0].weight.grad = torch.ones_like(model[0].weight)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    X, y = batch(d=3)
    X.requires_grad_(True)
    with torch.no_grad():
        backprop_signal(model, SUM_CE, X, y)
    assert model.training and all(m.training for m in model.modules())
    assert all(len(m._forward_hooks) == 0 for m in model.modules())
    for key, value in state.items():
        assert torch.equal(model.state_dict()[key], value), key
    assert torch.equal(model[0].weight.grad, torch.ones_like(model[0].weight))
    assert X.grad is None


def test_a_nan_input_spoils_its_own_example_only():
    model = mlp([3, 5, 5, 2], activation=nn.Tanh, seed=0)
    X, y = batch(n=6, d=3)
    clean = backprop_signal(model, SUM_CE, X, y)
    X[2, 1] = float("nan")
    spoiled = backprop_signal(model, SUM_CE, X, y)
    for name, signal in spoiled.items():
        assert torch.isnan(signal[2])
        others = [0, 1, 3, 4, 5]
        torch.testing.assert_close(signal[others], clean[name][others])


def test_a_diverged_model_gives_no_finite_signal():
    model = mlp([3, 5, 5, 2], activation=nn.Tanh, seed=0)
    with torch.no_grad():
        model[0].weight[0, 0] = float("nan")
    X, y = batch(n=6, d=3)
    assert all(torch.isnan(s).all() for s in backprop_signal(model, SUM_CE, X, y).values())


def test_errors_name_the_problem():
    model = mlp([3, 4, 2])
    X, y = batch()
    with pytest.raises(TypeError, match="loss_fn must be callable"):
        backprop_signal(model, "cross_entropy", X, y)
    with pytest.raises(TypeError, match="scalar tensor"):
        backprop_signal(model, lambda out, t: out, X, y)
    with pytest.raises(ValueError, match=r"no nn\.Sigmoid modules"):
        backprop_signal(model, SUM_CE, X, y, activations=nn.Sigmoid)
    with pytest.raises(ValueError, match="in place"):
        backprop_signal(nn.Sequential(nn.Linear(3, 2), nn.ReLU(inplace=True)), SUM_CE, X, y)
