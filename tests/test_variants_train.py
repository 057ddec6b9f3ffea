"""relulib.train additions for the Variants chapter: side-by-side training, a custom init and
maxout networks."""

import math

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
rtrain = pytest.importorskip("relulib.train")
from relulib.data import sine_regression, two_spirals  # noqa: E402
from relulib.nn import Maxout  # noqa: E402

mlp, maxout_mlp, train, train_together = (
    rtrain.mlp,
    rtrain.maxout_mlp,
    rtrain.train,
    rtrain.train_together,
)

X, Y = two_spirals(120, noise=0.05, seed=0)
X_TEST, Y_TEST = two_spirals(60, noise=0.05, seed=1)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


BUILDERS = {
    "relu": lambda s: mlp([2, 8, 8, 2], nn.ReLU, seed=s),
    "elu": lambda s: mlp([2, 8, 8, 2], nn.ELU, seed=s),
    "leaky": lambda s: mlp([2, 8, 8, 2], lambda: nn.LeakyReLU(0.2), seed=s),
    "prelu": lambda s: mlp([2, 8, 8, 2], lambda: nn.PReLU(8), seed=s),
    "maxout": lambda s: maxout_mlp([2, 5, 5, 2], pieces=2, seed=s),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_together_is_train_on_each(name, optimizer):
    build = BUILDERS[name]
    lr = 0.5 if optimizer == "sgd" else 0.02
    kwargs = dict(optimizer=optimizer, lr=lr, epochs=25, test_data=(X_TEST, Y_TEST))
    alone = [build(s) for s in range(3)]
    expected = [train(model, X, Y, **kwargs) for model in alone]
    together = [build(s) for s in range(3)]
    got = train_together(together, X, Y, **kwargs)
    for e, g, a, t in zip(expected, got, alone, together, strict=True):
        assert g.epochs == e.epochs == list(range(26))
        for field in ("loss", "test_loss"):
            assert getattr(g, field) == pytest.approx(getattr(e, field), rel=1e-4, abs=1e-6)
        # accuracies are counts over 120 or 60 points: a rounding flip moves one point
        for field in ("accuracy", "test_accuracy"):
            assert getattr(g, field) == pytest.approx(getattr(e, field), abs=1 / 60 + 1e-12)
        for p, q in zip(a.parameters(), t.parameters(), strict=True):  # trained in place
            torch.testing.assert_close(q, p, rtol=1e-4, atol=1e-5)


def test_together_regression_matches_train():
    X_r, y_r = sine_regression(40, noise=0.0, seed=0)
    kwargs = dict(loss="mse", optimizer="adam", lr=0.01, epochs=20)
    expected = [train(mlp([1, 8, 1], seed=s), X_r, y_r, **kwargs) for s in range(2)]
    got = train_together([mlp([1, 8, 1], seed=s) for s in range(2)], X_r, y_r, **kwargs)
    for e, g in zip(expected, got, strict=True):
        assert g.accuracy is None and g.loss == pytest.approx(e.loss, rel=1e-4)


def test_together_zero_epochs_changes_nothing_and_records_the_start():
    models = [BUILDERS["relu"](s) for s in range(2)]
    before = [{k: v.clone() for k, v in m.state_dict().items()} for m in models]
    histories = train_together(models, X, Y, lr=0.1, epochs=0)
    assert [len(h.loss) for h in histories] == [1, 1]
    for model, state in zip(models, before, strict=True):
        assert all(torch.equal(v, model.state_dict()[k]) for k, v in state.items())
        assert all(p.grad is None for p in model.parameters())


def test_together_models_learn_independently():
    # a model that starts at its optimum stays put, whatever its neighbour does
    models = [BUILDERS["relu"](0), BUILDERS["relu"](1)]
    train(models[0], X, Y, optimizer="adam", lr=0.02, epochs=200)
    frozen_loss = train(BUILDERS["relu"](0), X, Y, optimizer="adam", lr=0.02, epochs=200).loss
    histories = train_together(models, X, Y, optimizer="sgd", lr=1e-9, epochs=3)
    assert histories[0].loss[0] == pytest.approx(frozen_loss[-1], rel=1e-5)
    assert histories[1].loss[0] > histories[0].loss[0]


@pytest.mark.parametrize(
    ("models", "error", "match"),
    [
        ([], TypeError, "non-empty list"),
        ([nn.Linear(2, 2)], TypeError, "nn.Sequential"),
        ([mlp([2, 4, 2]), mlp([2, 4, 4, 2])], ValueError, "same layers"),
        ([mlp([2, 4, 2]), mlp([2, 5, 2])], ValueError, "differs"),
        (
            [mlp([2, 4, 2]), nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.ReLU())],
            ValueError,
            "differs",
        ),
        ([maxout_mlp([2, 4, 2], 2), maxout_mlp([2, 4, 2], 4)], ValueError, "differs"),
        ([nn.Sequential(nn.Linear(2, 4), Maxout(2, axis=0), nn.Linear(2, 2))], ValueError, "axis"),
        ([mlp([2, 4, 2], nn.PReLU)], ValueError, "one slope per unit"),
        ([nn.Sequential(nn.Linear(2, 2), nn.Softmax(dim=1))], ValueError, "not supported"),
        ([nn.Sequential(nn.ReLU())], ValueError, "no nn.Linear"),
    ],
)
def test_together_rejects_models_it_cannot_lay_side_by_side(models, error, match):
    with pytest.raises(error, match=match):
        train_together(models, X, Y, lr=0.1, epochs=1)


def test_together_validates_its_arguments():
    models = [BUILDERS["relu"](0)]
    with pytest.raises(ValueError, match="loss"):
        train_together(models, X, Y, loss="hinge", lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="lr"):
        train_together(models, X, Y, lr=-1.0, epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        train_together(models, X, Y, lr=0.1, epochs=-1)
    with pytest.raises(ValueError, match="as many samples"):
        train_together(models, X, Y[:-1], lr=0.1, epochs=1)
    with pytest.raises(TypeError, match="test_data"):
        train_together(models, X, Y, lr=0.1, epochs=1, test_data=X)


def test_together_leaves_the_global_random_state_alone():
    state = torch.random.get_rng_state()
    train_together([BUILDERS["elu"](0)], X, Y, lr=0.1, epochs=2)
    assert torch.equal(state, torch.random.get_rng_state())


def test_mlp_init_function_gives_each_layer_its_std():
    model = mlp([400, 300, 200], init=lambda fan_in, fan_out: 1.5 / math.sqrt(fan_in), seed=0)
    for layer in model[::2]:
        std = layer.weight.detach().double().std().item()
        assert std == pytest.approx(1.5 / math.sqrt(layer.in_features), rel=0.01)


@pytest.mark.parametrize("bad", [float("nan"), -1.0])
def test_mlp_init_function_must_return_a_std(bad):
    with pytest.raises(ValueError, match="finite std"):
        mlp([2, 3, 1], init=lambda fan_in, fan_out: bad)


@pytest.mark.parametrize("bad", ["he", None, True])
def test_mlp_init_function_returning_a_non_number_is_a_type_error(bad):
    with pytest.raises(TypeError, match="must return a number"):
        mlp([2, 3, 1], init=lambda fan_in, fan_out: bad)


def test_mlp_init_function_with_the_wrong_signature_names_init():
    with pytest.raises(TypeError, match=r"init must be a function of \(fan_in, fan_out\)"):
        mlp([2, 3, 1], init=lambda fan_in: 1.0)


def test_together_trains_models_with_different_activations_as_train_would():
    # runs of equal activations are fused; a PReLU run between them keeps its own slopes
    builders = [
        BUILDERS["relu"],
        BUILDERS["relu"],
        BUILDERS["elu"],
        BUILDERS["prelu"],
        BUILDERS["leaky"],
        BUILDERS["relu"],
    ]
    kwargs = dict(optimizer="adam", lr=0.02, epochs=20, test_data=(X_TEST, Y_TEST))
    alone = [build(s) for s, build in enumerate(builders)]
    expected = [train(model, X, Y, **kwargs) for model in alone]
    together = [build(s) for s, build in enumerate(builders)]
    got = train_together(together, X, Y, **kwargs)
    for e, g, a, t in zip(expected, got, alone, together, strict=True):
        assert g.loss == pytest.approx(e.loss, rel=1e-4, abs=1e-6)
        assert g.test_loss == pytest.approx(e.test_loss, rel=1e-4, abs=1e-6)
        for p, q in zip(a.parameters(), t.parameters(), strict=True):
            torch.testing.assert_close(q, p, rtol=1e-4, atol=1e-5)


def test_maxout_mlp_layout_and_seed():
    model = maxout_mlp([3, 4, 5, 2], pieces=3, seed=1)
    assert [type(m).__name__ for m in model] == ["Linear", "Maxout", "Linear", "Maxout", "Linear"]
    assert [(m.in_features, m.out_features) for m in model[::2]] == [(3, 12), (4, 15), (5, 2)]
    assert model[1].pieces == model[3].pieces == 3
    state = torch.random.get_rng_state()
    again = maxout_mlp([3, 4, 5, 2], pieces=3, seed=1)
    assert torch.equal(state, torch.random.get_rng_state())
    for p, q in zip(model.parameters(), again.parameters(), strict=True):
        assert torch.equal(p, q)
    assert not torch.equal(maxout_mlp([3, 4, 5, 2], 3, seed=2)[0].weight, model[0].weight)


def second_moments(model, width):
    """The mean square of each Linear layer's output for standard normal inputs."""
    h = torch.randn(2000, width, generator=torch.Generator().manual_seed(0))
    moments = []
    with torch.no_grad():
        for module in model:
            h = module(h)
            if isinstance(module, nn.Linear):
                moments.append(float(h.pow(2).mean()))
    return moments


def test_maxout_mlp_default_init_keeps_the_second_moment_with_two_pieces():
    # E[max(z1, z2)^2] = 1: with LeCun's weights the pre-activations keep their scale,
    # with He's (twice the variance) it doubles at every layer
    kept = second_moments(maxout_mlp([256] * 12, pieces=2, bias=False, seed=0), 256)
    assert all(0.5 < m < 2 for m in kept)
    grown = second_moments(maxout_mlp([256] * 12, pieces=2, init="he", bias=False, seed=0), 256)
    assert grown[-1] > 2**8


def test_maxout_mlp_validates_its_arguments():
    with pytest.raises(ValueError, match="pieces"):
        maxout_mlp([2, 4, 2], pieces=0)
    with pytest.raises(ValueError, match="sizes"):
        maxout_mlp([2], pieces=2)
    with pytest.raises(ValueError, match="maxout_mlp"):
        maxout_mlp([2, 4, 2], init="kaiming")
