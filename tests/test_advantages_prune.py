"""relulib.train.prune_dead_units: the Advantages chapter removes units that never fire."""

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
from relulib.diagnostics import dead_units  # noqa: E402
from relulib.train import mlp, prune_dead_units  # noqa: E402


def inputs(n=64, d=2, seed=0):
    return torch.randn(n, d, generator=torch.Generator().manual_seed(seed))


def with_dead_units(model, layer, units):
    with torch.no_grad():
        model[layer].bias[units] = -1e3
    return model


@pytest.mark.parametrize("seed", range(3))
def test_pruned_net_computes_the_same_outputs_with_the_live_units_only(seed):
    model = with_dead_units(mlp([2, 16, 12, 3], seed=seed), 0, [0, 3, 5])
    model = with_dead_units(model, 2, [1, 2])
    x = inputs(seed=seed)
    small = prune_dead_units(model, x)
    dead = dead_units(model, x)
    widths = [small[0].out_features, small[2].out_features]
    assert widths == [round(16 * (1 - dead["1"])), round(12 * (1 - dead["3"]))]
    assert widths[0] <= 13 and widths[1] <= 10
    torch.testing.assert_close(small(x), model(x), rtol=1e-5, atol=1e-6)
    assert all(v == 0.0 for v in dead_units(small, x).values())


def test_the_model_is_left_alone_and_the_copy_is_independent():
    model = with_dead_units(mlp([2, 8, 2], seed=1), 0, [2])
    before = {k: v.clone() for k, v in model.state_dict().items()}
    small = prune_dead_units(model, inputs())
    with torch.no_grad():
        small[0].weight.add_(1.0)
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key])


def test_a_net_without_dead_units_is_copied_whole():
    model = mlp([2, 8, 2], seed=0)
    with torch.no_grad():
        model[0].bias.fill_(10.0)  # every unit fires on these inputs
    x = inputs()
    small = prune_dead_units(model, x)
    assert small[0].weight.shape == model[0].weight.shape
    assert torch.equal(small(x), model(x))


def test_a_dead_layer_is_pruned_to_width_zero_and_the_output_is_the_last_bias():
    model = with_dead_units(mlp([2, 4, 3], seed=0), 0, [0, 1, 2, 3])
    x = inputs()
    small = prune_dead_units(model, x)
    assert small[0].out_features == 0
    torch.testing.assert_close(small(x), model[2].bias.detach().expand(len(x), 3))


def test_errors_name_the_problem():
    x = inputs()
    with pytest.raises(TypeError, match="Linear, ReLU, Linear"):
        prune_dead_units(mlp([2, 4, 2], activation=nn.Tanh), x)
    with pytest.raises(TypeError, match="Linear, ReLU, Linear"):
        prune_dead_units(nn.Sequential(nn.Linear(2, 2), nn.ReLU()), x)
    with pytest.raises(TypeError, match="inputs must be a 2-d tensor"):
        prune_dead_units(mlp([2, 4, 2]), x.numpy())
    with pytest.raises(ValueError, match="empty"):
        prune_dead_units(mlp([2, 4, 2]), x[:0])
    model = mlp([2, 4, 2])
    with torch.no_grad():
        model[0].weight[0, 0] = float("nan")
    with pytest.raises(ValueError, match="diverged"):
        prune_dead_units(model, x)
