"""relulib.diagnostics: dead units, activation statistics, gradient norms, signal propagation.

The model diagnostics are measurements: besides their numbers, every test of them checks that
the model comes back as it went in (no hooks, same train/eval flags, same parameters, buffers
and ``.grad``).
"""

import math
import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional
diag = pytest.importorskip("relulib.diagnostics")


# --- helpers ---------------------------------------------------------------------------------


def snapshot(model):
    """Everything a measurement must leave alone: flags, hooks, parameters, buffers, grads."""
    return {
        "modes": [m.training for m in model.modules()],
        "hooks": [
            len(m._forward_hooks) + len(m._forward_pre_hooks) + len(m._backward_hooks)
            for m in model.modules()
        ],
        "state": {k: v.clone() for k, v in model.state_dict().items()},
        "grads": [None if p.grad is None else p.grad.clone() for p in model.parameters()],
    }


def assert_unchanged(model, before):
    after = snapshot(model)
    assert after["modes"] == before["modes"]
    assert after["hooks"] == before["hooks"] == [0] * len(before["hooks"])
    assert after["state"].keys() == before["state"].keys()
    for key, value in before["state"].items():
        assert torch.equal(after["state"][key], value), key
    for g_after, g_before in zip(after["grads"], before["grads"], strict=True):
        if g_before is None:
            assert g_after is None
        else:
            assert torch.equal(g_after, g_before)


def half_dead_net():
    """Linear(3, 4) -> ReLU -> Linear(4, 2) -> ReLU with known dead units on inputs in [-1, 1].

    Layer 1: units 0 and 2 have bias -100, so they never fire (2 of 4 dead). Layer 2: unit 0
    has weights 0 and bias -1 (dead), unit 1 has bias +100 (always alive): 1 of 2 dead.
    """
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2), nn.ReLU())
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]))
        model[0].bias.copy_(torch.tensor([-100.0, 0.0, -100.0, 0.0]))
        model[2].weight.copy_(torch.tensor([[0.0, 0, 0, 0], [1, 1, 1, 1]]))
        model[2].bias.copy_(torch.tensor([-1.0, 100.0]))
    return model


def inputs(n=32, d=3, seed=0):
    return 2 * torch.rand(n, d, generator=torch.Generator().manual_seed(seed)) - 1


class Recorder(nn.Module):
    """Records the train/eval flag it sees in forward."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def forward(self, x):
        self.seen.append(self.training)
        return x


class Boom(nn.Module):
    def forward(self, x):
        raise RuntimeError("boom")


# --- dead_units ------------------------------------------------------------------------------


def test_dead_units_exact_fractions_on_a_hand_built_net():
    model = half_dead_net()
    assert diag.dead_units(model, inputs()) == {"1": 0.5, "3": 0.5}


def test_dead_units_is_zero_for_a_net_whose_units_all_fire():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    with torch.no_grad():
        model[0].weight.zero_()
        model[0].bias.fill_(1.0)
    assert diag.dead_units(model, inputs(4, 2)) == {"1": 0.0}


def test_a_unit_that_fires_on_one_sample_is_alive():
    model = nn.Sequential(nn.Identity(), nn.ReLU())
    x = torch.tensor([[-1.0, -2.0, 0.0, -1.0], [-3.0, 5.0, 0.0, -1.0], [-1.0, -2.0, 0.0, -1.0]])
    # units 0, 2, 3 are 0 on every sample; unit 1 fires once
    assert diag.dead_units(model, x) == {"1": 0.75}


def test_dead_units_counts_channels_times_positions_for_conv_outputs():
    model = nn.Sequential(nn.Identity(), nn.ReLU())
    x = torch.ones(5, 2, 3, 4)  # 2 * 3 * 4 = 24 units
    x[:, 0] = -1.0  # channel 0 dead: 12 units
    x[:, 1, 0, :] = -1.0  # row 0 of channel 1 dead: 4 more units
    x[2, 1, 0, 0] = 1.0  # ... except position (0, 0), which fires on sample 2
    assert diag.dead_units(model, x) == {"1": 15 / 24}


def test_dead_units_of_a_conv_layer_with_a_dead_channel():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU())
    with torch.no_grad():
        model[0].weight.fill_(0.1)
        model[0].bias.copy_(torch.tensor([-100.0, 100.0]))
    x = torch.rand(4, 1, 6, 6, generator=torch.Generator().manual_seed(0))
    assert diag.dead_units(model, x) == {"1": 0.5}


def test_a_relu_module_called_twice_pools_the_units_of_both_calls():
    class Shared(nn.Module):
        def __init__(self):
            super().__init__()
            self.relu = nn.ReLU()

        def forward(self, x):
            a = self.relu(x)  # 4 units, 1 dead
            b = self.relu(torch.cat([x, x], dim=1) - 10.0)  # 8 units, all dead
            return a.sum() + b.sum()

    x = torch.tensor([[1.0, 2.0, -1.0, 3.0], [1.0, 2.0, -1.0, 3.0]])
    assert diag.dead_units(Shared(), x) == {"relu": 9 / 12}


class WithSpare(nn.Module):
    """Linear -> ReLU, and a ``spare`` activation that forward never calls."""

    def __init__(self, spare):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
        self.spare = spare

    def forward(self, x):
        return self.body(x)


def test_a_relu_module_that_forward_never_calls_is_nan():
    result = diag.dead_units(WithSpare(nn.ReLU()), inputs(4, 2))
    assert list(result) == ["body.1", "spare"]
    assert math.isnan(result["spare"])


def test_a_model_that_is_a_relu_is_keyed_by_the_empty_name():
    assert diag.dead_units(nn.ReLU(), torch.tensor([[-1.0, 1.0]])) == {"": 0.5}


def test_inplace_relu_is_measured_on_its_output():
    model = nn.Sequential(nn.Identity(), nn.ReLU(inplace=True))
    x = torch.tensor([[-1.0, 0.5, 2.0], [-2.0, 0.0, 1.0]])
    assert diag.dead_units(model, x) == {"1": 1 / 3}


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_a_module_with_a_non_finite_output_has_an_undefined_dead_fraction(bad):
    # A diverged network is not "alive": counting a NaN unit as not dead made a blown-up
    # Leaky ReLU run look as if its dead units had come back.
    x = torch.tensor([[-1.0, -1.0, 2.0], [-2.0, bad, 1.0]])
    for act in (nn.LeakyReLU(0.1), nn.ReLU(), nn.ELU()):
        result = diag.dead_units(nn.Sequential(nn.Identity(), act), x, activations=type(act))
        if torch.isfinite(act(x)).all():  # relu(-inf) = 0 and elu(-inf) = -1 are finite
            assert result == {"1": 2 / 3}
        else:
            assert list(result) == ["1"] and math.isnan(result["1"])


def test_only_the_module_with_the_non_finite_output_is_undefined():
    class Split(nn.Module):
        def __init__(self):
            super().__init__()
            self.clean, self.broken = nn.ReLU(), nn.ReLU()

        def forward(self, x):
            return self.clean(x[:, :2]) + self.broken(x[:, 2:] * float("inf"))

    x = torch.tensor([[-1.0, 1.0, 1.0, 1.0]])
    result = diag.dead_units(Split(), x)
    assert result["clean"] == 0.5 and math.isnan(result["broken"])


def test_a_diverged_training_run_reports_no_dead_fraction():
    from relulib.data import two_moons
    from relulib.train import mlp, train

    X, y = two_moons(64, noise=0.1, seed=0)
    model = mlp([2, 16, 16, 2], activation=nn.LeakyReLU, seed=0)
    history = train(model, X, y, optimizer="sgd", lr=1e4, epochs=5, seed=0)
    assert not math.isfinite(history.loss[-1])
    fractions = diag.dead_units(model, X, activations=nn.LeakyReLU)
    assert all(math.isnan(f) for f in fractions.values())


def test_other_activations_count_as_dead_when_never_positive():
    model = nn.Sequential(nn.Identity(), nn.LeakyReLU(0.1), nn.ReLU())
    x = torch.tensor([[-1.0, 1.0, -2.0, -3.0]])
    assert diag.dead_units(model, x, activations=(nn.LeakyReLU,)) == {"1": 0.75}
    assert diag.dead_units(model, x, activations=nn.LeakyReLU) == {"1": 0.75}
    assert diag.dead_units(model, x, activations=(nn.LeakyReLU, nn.ReLU)) == {
        "1": 0.75,
        "2": 0.75,
    }
    # the default watches nn.ReLU only
    assert diag.dead_units(model, x) == {"2": 0.75}


@pytest.mark.parametrize("mode", ["train", "eval", "mixed"])
def test_dead_units_runs_in_eval_mode_and_restores_every_flag(mode):
    recorder = Recorder()
    model = nn.Sequential(nn.Linear(3, 4), recorder, nn.ReLU(), nn.Dropout(0.5), nn.ReLU())
    model.train(mode != "eval")
    if mode == "mixed":
        model[3].eval()
    before = snapshot(model)
    result = diag.dead_units(model, inputs())
    assert recorder.seen == [False]
    assert result["2"] == result["4"]  # dropout was off
    assert_unchanged(model, before)


def test_batch_norm_running_statistics_are_not_updated():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU()).train()
    before = snapshot(model)
    diag.dead_units(model, inputs())
    diag.activation_stats(model, inputs())
    diag.gradient_norms(model, lambda out, t: out.pow(2).mean(), inputs(), None)
    assert_unchanged(model, before)


def test_existing_gradients_are_left_alone():
    model = half_dead_net()
    model[0].weight.grad = torch.full((4, 3), 7.0)  # one set, the others None
    before = snapshot(model)
    diag.dead_units(model, inputs())
    diag.activation_stats(model, inputs())
    diag.gradient_norms(model, lambda out, t: out.sum(), inputs(), None)
    assert_unchanged(model, before)


def test_works_under_no_grad_and_with_inputs_that_require_grad():
    model = half_dead_net()
    x = inputs().requires_grad_()
    with torch.no_grad():
        assert diag.dead_units(model, x) == {"1": 0.5, "3": 0.5}
        norms = diag.gradient_norms(model, lambda out, t: out.sum(), x, None)
    assert diag.dead_units(model, x) == {"1": 0.5, "3": 0.5}
    assert set(norms) == {"0", "2"}
    assert x.grad is None
    assert torch.is_grad_enabled()


@pytest.mark.parametrize(
    "function",
    [
        diag.dead_units,
        diag.activation_stats,
        lambda m, x: diag.gradient_norms(m, lambda out, t: out.sum(), x, None),
    ],
    ids=["dead_units", "activation_stats", "gradient_norms"],
)
def test_hooks_are_removed_and_modes_restored_when_forward_raises(function):
    model = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Tanh(), Boom()).train()
    model[2].eval()
    before = snapshot(model)
    with pytest.raises(RuntimeError, match="boom"):
        function(model, inputs())
    assert_unchanged(model, before)


def test_dead_units_errors_name_the_argument():
    model = half_dead_net()
    with pytest.raises(TypeError, match=re.escape("dead_units: inputs must be a torch.Tensor")):
        diag.dead_units(model, [[0.0, 1.0, 2.0]])
    with pytest.raises(TypeError, match="inputs"):
        diag.dead_units(model, np.zeros((2, 3)))
    with pytest.raises(
        ValueError, match=r"dead_units: inputs is an empty batch \(shape \(0, 3\)\)"
    ):
        diag.dead_units(model, torch.zeros(0, 3))
    with pytest.raises(ValueError, match="inputs must have a batch dimension"):
        diag.dead_units(model, torch.tensor(1.0))
    with pytest.raises(TypeError, match=re.escape("dead_units: model must be a torch.nn.Module")):
        diag.dead_units(lambda x: x, torch.zeros(2, 3))
    with pytest.raises(ValueError, match=r"dead_units: model has no nn\.ReLU modules"):
        diag.dead_units(nn.Sequential(nn.Linear(3, 3), nn.Tanh()), torch.zeros(2, 3))
    with pytest.raises(TypeError, match=re.escape("activations must be an nn.Module subclass")):
        diag.dead_units(model, torch.zeros(2, 3), activations="relu")
    with pytest.raises(TypeError, match="activations"):
        diag.dead_units(model, torch.zeros(2, 3), activations=())


def test_functional_relu_is_invisible_and_the_error_says_so():
    class Functional(nn.Module):
        def forward(self, x):
            return F.relu(x)

    with pytest.raises(ValueError, match=re.escape("F.relu inside forward")):
        diag.dead_units(Functional(), torch.zeros(2, 3))


def test_a_watched_module_returning_a_non_tensor_is_a_clear_error():
    class Pair(nn.ReLU):
        def forward(self, x):
            return x, x

    model = nn.Sequential(Pair())
    before = snapshot(model)
    with pytest.raises(TypeError, match="module '0' returned tuple"):
        diag.dead_units(model, torch.zeros(2, 3))
    assert_unchanged(model, before)


# --- activation_stats ------------------------------------------------------------------------


def test_activation_stats_match_a_direct_computation():
    gen = torch.Generator().manual_seed(1)
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 8))
    model.append(nn.GELU())
    x = torch.randn(50, 5, generator=gen)
    before = snapshot(model)
    stats = diag.activation_stats(model, x)
    assert_unchanged(model, before)
    assert list(stats) == ["1", "3", "5"]
    with torch.no_grad():
        h, outputs = x, {}
        for name, module in model.named_children():
            h = module(h)
            outputs[name] = h.double()
    for name, s in stats.items():
        h = outputs[name]
        assert isinstance(s, diag.ActivationStats)
        assert s.numel == h.numel() == 400
        assert s.zero_fraction == (h == 0).double().mean().item()
        assert s.mean == pytest.approx(h.mean().item(), rel=1e-12, abs=1e-15)
        assert s.var == pytest.approx(h.var(correction=0).item(), rel=1e-12)
        assert s.std == pytest.approx(math.sqrt(s.var), rel=1e-15)
    assert 0.2 < stats["1"].zero_fraction < 0.8
    assert stats["3"].zero_fraction == 0.0


def test_activation_stats_pools_the_calls_of_a_shared_module():
    class Shared(nn.Module):
        def __init__(self):
            super().__init__()
            self.act = nn.ReLU()

        def forward(self, x):
            return self.act(x).sum() + self.act(3 * x[:, :2] + 1).sum()

    x = torch.randn(7, 4, generator=torch.Generator().manual_seed(2))
    s = diag.activation_stats(Shared(), x)["act"]
    pooled = torch.cat([F.relu(x).reshape(-1), F.relu(3 * x[:, :2] + 1).reshape(-1)]).double()
    assert s.numel == 42
    assert s.zero_fraction == (pooled == 0).double().mean().item()
    assert s.mean == pytest.approx(pooled.mean().item(), rel=1e-12)
    assert s.var == pytest.approx(pooled.var(correction=0).item(), rel=1e-12)


def test_activation_stats_can_watch_any_module_type_and_skips_unused_ones():
    model = WithSpare(nn.Sigmoid())
    stats = diag.activation_stats(model, inputs(10, 2), activations=(nn.Linear, nn.Sigmoid))
    assert list(stats) == ["body.0"]
    stats = diag.activation_stats(model, inputs(10, 2))
    assert list(stats) == ["body.1"]


def test_relu_zeroes_about_half_its_inputs_at_he_initialisation():
    # Glorot et al. (2011): ~50 % exact zeros at initialisation. Symmetric weights and zero
    # biases make each pre-activation symmetric about 0, so each unit is off with probability
    # 1/2; over 16 * 256 * 64 entries the fraction is 0.5 within a few percent.
    from relulib.train import mlp

    model = mlp([16, 64, 64, 64, 1], seed=0)
    x = torch.randn(256, 16, generator=torch.Generator().manual_seed(0))
    stats = diag.activation_stats(model, x)
    assert list(stats) == ["1", "3", "5"]
    for s in stats.values():
        assert s.zero_fraction == pytest.approx(0.5, abs=0.1)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_activation_stats_never_summarise_non_finite_outputs(bad):
    x = torch.tensor([[-1.0, 2.0], [0.0, bad]])
    s = diag.activation_stats(nn.Sequential(nn.Identity(), nn.LeakyReLU()), x)["1"]
    assert s.numel == 4 and s.nonfinite == 1
    for value in (s.zero_fraction, s.mean, s.var, s.std):
        assert math.isnan(value)


def test_activation_stats_count_non_finite_entries_over_every_call():
    relu = nn.ReLU()
    model = nn.Sequential(relu, nn.Identity(), relu)  # one module, called twice
    x = torch.tensor([[1.0, float("nan"), float("inf")]])
    s = diag.activation_stats(model, x)["0"]
    assert (s.numel, s.nonfinite) == (6, 4)


def test_activation_stats_is_a_frozen_dataclass():
    s = diag.activation_stats(nn.ReLU(), torch.tensor([[1.0, -1.0]]))[""]
    assert s == diag.ActivationStats(zero_fraction=0.5, mean=0.5, var=0.25, std=0.5, numel=2)
    with pytest.raises(AttributeError):
        s.mean = 0.0


def test_activation_stats_errors():
    with pytest.raises(TypeError, match="activation_stats: inputs"):
        diag.activation_stats(nn.ReLU(), 3.0)
    with pytest.raises(ValueError, match="activation_stats: model has no"):
        diag.activation_stats(nn.Linear(2, 2), torch.zeros(1, 2))
    with pytest.raises(ValueError, match="empty batch"):
        diag.activation_stats(nn.ReLU(), torch.zeros(0))


# --- gradient_norms --------------------------------------------------------------------------


def manual_norms(model, loss_fn, x, y, include_bias=False):
    """The same numbers by plain backward on a copy of the model."""
    import copy

    clone = copy.deepcopy(model).eval()
    clone.zero_grad(set_to_none=True)
    loss_fn(clone(x), y).backward()
    result = {}
    for name, module in clone.named_modules():
        own = dict(module.named_parameters(recurse=False))
        if not own:
            continue
        ps = [own["weight"]] if ("weight" in own and not include_bias) else list(own.values())
        grads = [p.grad for p in ps if p.grad is not None]
        result[name] = math.sqrt(sum(float(g.double().pow(2).sum()) for g in grads))
    return result


@pytest.mark.parametrize("include_bias", [False, True])
def test_gradient_norms_match_manual_autograd(include_bias):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = nn.Sequential(
            nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 6), nn.PReLU(), nn.Linear(6, 3)
        )
    x = torch.randn(20, 4, generator=torch.Generator().manual_seed(3))
    y = torch.randint(0, 3, (20,), generator=torch.Generator().manual_seed(4))
    before = snapshot(model)
    norms = diag.gradient_norms(model, F.cross_entropy, x, y, include_bias=include_bias)
    assert_unchanged(model, before)
    expected = manual_norms(model, F.cross_entropy, x, y, include_bias)
    assert list(norms) == ["0", "2", "3", "4"]
    assert norms == pytest.approx(expected, rel=1e-6)
    assert all(v > 0 for v in norms.values())


def test_gradient_norm_of_a_one_weight_layer_by_hand():
    model = nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, 2.0]]))
        model.bias.fill_(0.5)
    x, y = torch.tensor([[3.0, -1.0]]), torch.tensor([[0.0]])
    # loss = (w·x + b)^2 = 1.5^2; d/dw = 2 * 1.5 * x = (9, -3); d/db = 3
    assert diag.gradient_norms(model, F.mse_loss, x, y) == {"": pytest.approx(math.sqrt(90))}
    assert diag.gradient_norms(model, F.mse_loss, x, y, include_bias=True) == {
        "": pytest.approx(math.sqrt(99))
    }


def test_frozen_layers_are_left_out_and_unused_layers_are_zero():
    class Partly(nn.Module):
        def __init__(self):
            super().__init__()
            self.used = nn.Linear(2, 2)
            self.frozen = nn.Linear(2, 2).requires_grad_(False)
            self.unused = nn.Linear(2, 2)

        def forward(self, x):
            return self.used(self.frozen(x))

    norms = diag.gradient_norms(Partly(), lambda out, t: out.sum(), inputs(3, 2), None)
    assert list(norms) == ["used", "unused"]
    assert norms["used"] > 0
    assert norms["unused"] == 0.0


def test_dead_layers_get_zero_gradient():
    # Lu et al. (2020): a layer whose units are all dead passes no gradient to the layers
    # below it, so their weight gradients are exactly 0.
    model = half_dead_net()
    with torch.no_grad():
        model[2].bias[1] = -100.0  # now every unit of the second ReLU is dead
    norms = diag.gradient_norms(model, lambda out, t: out.sum(), inputs(), None)
    assert norms == {"0": 0.0, "2": 0.0}


def test_gradient_norms_errors():
    model = half_dead_net()
    x = inputs()
    before = snapshot(model)
    with pytest.raises(TypeError, match="gradient_norms: loss_fn must be callable"):
        diag.gradient_norms(model, "mse", x, None)
    with pytest.raises(TypeError, match="loss_fn must return a scalar tensor, got shape"):
        diag.gradient_norms(model, lambda out, t: out, x, None)
    with pytest.raises(TypeError, match="loss_fn must return a scalar tensor, got float"):
        diag.gradient_norms(model, lambda out, t: 1.0, x, None)
    with pytest.raises(ValueError, match="does not depend on any parameter"):
        diag.gradient_norms(model, lambda out, t: out.detach().sum(), x, None)
    with pytest.raises(ValueError, match="no parameters with requires_grad"):
        diag.gradient_norms(nn.ReLU(), lambda out, t: out.sum(), x, None)
    with pytest.raises(TypeError, match="gradient_norms: inputs"):
        diag.gradient_norms(model, F.mse_loss, x.tolist(), None)
    assert_unchanged(model, before)


# --- init_std and signal_propagation ---------------------------------------------------------


def test_init_std_formulas_agree_with_torch_init():
    assert diag.init_std("he", 256) == math.sqrt(2 / 256)
    assert diag.init_std("lecun", 100) == 0.1
    assert diag.init_std("xavier", 30, 70) == math.sqrt(2 / 100)
    assert diag.init_std("xavier", 64) == diag.init_std("lecun", 64)
    assert diag.init_std(0.01, 10) == 0.01
    assert diag.init_std(0, 10) == 0.0
    # torch: kaiming_normal_ std = gain / sqrt(fan_in), gain = sqrt(2 / (1 + a^2))
    a = 0.25
    gain = nn.init.calculate_gain("leaky_relu", a)
    assert diag.init_std("he", 50, negative_slope=a) == pytest.approx(gain / math.sqrt(50))
    gain = nn.init.calculate_gain("linear")
    assert diag.init_std("xavier", 20, 60) == pytest.approx(gain * math.sqrt(2 / 80))


def test_init_std_errors():
    with pytest.raises(ValueError, match='init must be "he", "xavier", "lecun" or a std'):
        diag.init_std("kaiming", 10)
    with pytest.raises(ValueError, match="init_std: a numeric init is a std"):
        diag.init_std(-0.1, 10)
    with pytest.raises(ValueError, match="init_std: fan_in must be a positive integer"):
        diag.init_std("he", 0)
    with pytest.raises(ValueError, match="init"):
        diag.init_std(True, 10)


def log2_ratio(stds, start=1):
    return float(np.log2(stds[-1] / stds[start]))


SEEDS = [0, 1, 2]


@pytest.mark.parametrize("seed", SEEDS)
def test_he_keeps_the_signal_and_xavier_halves_its_variance_per_layer(seed):
    # He et al. (2015), section 2.2: with ReLU, Var[y_L] = Var[y_1] prod_{l=2}^L n Var[w] / 2.
    # He init makes each factor 1 (log2 ratio 0); Xavier on square layers (Var[w] = 1/n) makes it
    # 1/2, so over L = 30 layers the std ratio is 2^(-29/2) = 2^-14.5; std 0.01 at n = 256 gives
    # 29 * log2(0.01 * sqrt(128)) = -91.2. The finite random matrices add noise: the log of the
    # norm after L layers is a sum of L roughly independent terms, and log2 of the std ratio has
    # a spread of about 0.5 over seeds (He, seeds 0-9: -1.2 to +0.4). +-1.5 is three
    # spreads, and these seeds are fixed, so the test is deterministic.
    depth, width, n = 30, 256, 128  # n barely matters: the noise is in the weights
    he = diag.signal_propagation(depth, width, "he", n_samples=n, seed=seed)
    xavier = diag.signal_propagation(depth, width, "xavier", n_samples=n, seed=seed)
    small = diag.signal_propagation(depth, width, 0.01, n_samples=n, seed=seed)
    for stds in (he, xavier, small):
        assert stds.shape == (depth + 1,)
        assert stds[0] == pytest.approx(1.0, abs=0.02)  # standard Gaussian input
    assert log2_ratio(he) == pytest.approx(0.0, abs=1.5)
    assert log2_ratio(xavier) == pytest.approx(-14.5, abs=1.5)
    assert log2_ratio(small) == pytest.approx(29 * math.log2(0.01 * math.sqrt(128)), abs=1.5)
    # the first layer sees the raw input: sigma_1 / sigma_0 = sqrt(n Var[w])
    assert he[1] / he[0] == pytest.approx(math.sqrt(2), rel=0.05)
    assert xavier[1] / xavier[0] == pytest.approx(1.0, rel=0.05)
    # same seed, same weights up to scale, and ReLU is positively homogeneous: the curves
    # differ by exactly the formula's factor, layer by layer
    layers = np.arange(depth + 1)
    np.testing.assert_allclose(np.log2(xavier / he), -layers / 2, atol=1e-9)
    scale = math.log2(0.01 / diag.init_std("he", width))
    np.testing.assert_allclose(np.log2(small / he), layers * scale, atol=1e-9)


def test_without_a_nonlinearity_lecun_keeps_the_signal():
    stds = diag.signal_propagation(20, 128, "lecun", activation="identity", seed=0)
    assert log2_ratio(stds, start=0) == pytest.approx(0.0, abs=1.0)


def test_he_init_for_leaky_relu_uses_the_slope():
    slope = 0.25
    stds = diag.signal_propagation(
        20, 128, "he", activation=lambda y: F.leaky_relu(y, slope), negative_slope=slope, seed=0
    )
    assert log2_ratio(stds) == pytest.approx(0.0, abs=1.0)


@pytest.mark.parametrize("activation", ["relu", "elu", "selu", "tanh", "identity"])
def test_signal_propagation_is_deterministic(activation):
    a = diag.signal_propagation(5, 16, "he", activation=activation, n_samples=32, seed=3)
    b = diag.signal_propagation(5, 16, "he", activation=activation, n_samples=32, seed=3)
    c = diag.signal_propagation(5, 16, "he", activation=activation, n_samples=32, seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.dtype == np.float64
    assert np.all(np.isfinite(a))


def test_signal_propagation_leaves_the_global_random_state_alone():
    state = torch.get_rng_state()
    diag.signal_propagation(3, 8, "he", seed=0)
    assert torch.equal(torch.get_rng_state(), state)


def test_signal_propagation_errors():
    with pytest.raises(ValueError, match="signal_propagation: depth"):
        diag.signal_propagation(0, 8, "he")
    with pytest.raises(ValueError, match="signal_propagation: width"):
        diag.signal_propagation(3, 2.5, "he")
    with pytest.raises(ValueError, match="activation must be one of"):
        diag.signal_propagation(3, 8, "he", activation="swish")
    with pytest.raises(TypeError, match="activation must be a name or a function"):
        diag.signal_propagation(3, 8, "he", activation=3)
    with pytest.raises(TypeError, match="seed must be an integer"):
        diag.signal_propagation(3, 8, "he", seed=1.5)
    with pytest.raises(ValueError, match="signal_propagation: init must be"):
        diag.signal_propagation(3, 8, "glorot")
