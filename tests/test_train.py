"""relulib.train: the seeded MLP builder and the deterministic training loop."""

import math

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional
rtrain = pytest.importorskip("relulib.train")
from relulib.data import sine_regression, two_moons, xor  # noqa: E402
from relulib.diagnostics import dead_units, init_std  # noqa: E402

mlp, train, History = rtrain.mlp, rtrain.train, rtrain.History


def same_parameters(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


# --- mlp -------------------------------------------------------------------------------------


def test_mlp_structure_and_names():
    model = mlp([3, 5, 4, 2])
    assert [type(m) for m in model] == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear]
    assert [(m.in_features, m.out_features) for m in model[::2]] == [(3, 5), (5, 4), (4, 2)]
    assert model.training
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert mlp([2, 1])[0].out_features == 1 and len(mlp([2, 1])) == 1


@pytest.mark.parametrize(
    ("init", "expected"),
    [("he", math.sqrt(2 / 400)), ("lecun", math.sqrt(1 / 400)), ("xavier", math.sqrt(2 / 700))],
)
def test_mlp_weights_have_the_scheme_std_and_zero_biases(init, expected):
    model = mlp([400, 300, 1], init=init, seed=0)
    w = model[0].weight.detach().double()
    # 120 000 Gaussian draws: the sample std is within 1 % of sigma with overwhelming odds
    assert w.std().item() == pytest.approx(expected, rel=0.01)
    assert abs(w.mean().item()) < 5 * expected / math.sqrt(w.numel())  # 5 standard errors
    assert all(torch.equal(m.bias, torch.zeros_like(m.bias)) for m in model[::2])


def test_mlp_numeric_init_is_the_std():
    w = mlp([500, 200], init=0.01, seed=1)[0].weight.detach().double()
    assert w.std().item() == pytest.approx(0.01, rel=0.01)


def test_mlp_he_init_uses_the_slope_of_leaky_relu_and_prelu():
    leaky = mlp([400, 300, 1], activation=lambda: nn.LeakyReLU(0.5), seed=0)
    expected = init_std("he", 400, negative_slope=0.5)
    assert leaky[0].weight.detach().double().std().item() == pytest.approx(expected, rel=0.01)
    prelu = mlp([400, 300, 1], activation=nn.PReLU, seed=0)  # PReLU starts at a = 0.25
    expected = init_std("he", 400, negative_slope=0.25)
    assert prelu[0].weight.detach().double().std().item() == pytest.approx(expected, rel=0.01)
    # the output layer has no activation after it: plain He
    assert prelu[2].weight.numel() == 300


def test_mlp_is_seeded_and_leaves_the_global_random_state_alone():
    state = torch.get_rng_state()
    a, b, c = mlp([2, 8, 2], seed=3), mlp([2, 8, 2], seed=3), mlp([2, 8, 2], seed=4)
    d, e = mlp([2, 8, 2], init=None, seed=3), mlp([2, 8, 2], init=None, seed=3)
    assert torch.equal(torch.get_rng_state(), state)
    assert same_parameters(a, b) and not same_parameters(a, c)
    assert same_parameters(d, e) and not same_parameters(a, d)
    # init=None keeps PyTorch's default, uniform in +-1/sqrt(fan_in), biases included
    assert d[0].weight.abs().max() <= 1 / math.sqrt(2) and d[0].bias.abs().sum() > 0


def test_mlp_without_bias():
    model = mlp([2, 3, 1], bias=False)
    assert all(m.bias is None for m in model[::2])
    assert len(list(model.parameters())) == 2


def test_mlp_errors():
    with pytest.raises(ValueError, match="mlp: sizes must hold at least two positive integers"):
        mlp([3])
    with pytest.raises(ValueError, match="sizes"):
        mlp([3, 0, 1])
    with pytest.raises(ValueError, match="sizes"):
        mlp([3, 2.0])
    with pytest.raises(TypeError, match="mlp: sizes must be a sequence"):
        mlp(3)
    with pytest.raises(ValueError, match='mlp: init must be "he"'):
        mlp([2, 2], init="kaiming")
    with pytest.raises(ValueError, match="mlp: a numeric init is a std"):
        mlp([2, 2], init=-1.0)
    with pytest.raises(TypeError, match="mlp: activation must be"):
        mlp([2, 2, 2], activation="relu")
    with pytest.raises(TypeError, match=r"activation\(\) must return an nn.Module"):
        mlp([2, 2, 2], activation=lambda: torch.relu)
    with pytest.raises(TypeError, match="mlp: seed must be an integer"):
        mlp([2, 2], seed="0")


# --- train -----------------------------------------------------------------------------------


def test_a_small_relu_net_learns_xor():
    X, y = xor(200, noise=0.25, seed=0)
    model = mlp([2, 8, 2], seed=0)
    history = train(model, X, y, optimizer="sgd", lr=0.5, epochs=50, seed=0)
    assert history.accuracy[0] < 0.8
    assert history.accuracy[-1] > 0.95
    assert history.loss[-1] < history.loss[0]


def test_same_seed_gives_the_same_history_and_weights_twice():
    X, y = two_moons(120, noise=0.1, seed=0)
    runs = []
    for _ in range(2):
        model = mlp([2, 16, 16, 2], seed=1)
        history = train(
            model, X, y, optimizer="adam", lr=0.01, epochs=6, batch_size=32, seed=5,
            callback=lambda m, epoch: {"dead": dead_units(m, X)["1"], "epoch": epoch},
        )  # fmt: skip
        runs.append((history, model))
    (h1, m1), (h2, m2) = runs
    assert h1 == h2
    assert same_parameters(m1, m2)
    model = mlp([2, 16, 16, 2], seed=1)
    h3 = train(model, X, y, optimizer="adam", lr=0.01, epochs=6, batch_size=32, seed=6)
    assert h3.loss != h1.loss  # another shuffling


def test_history_has_one_entry_per_epoch_and_entry_0_is_the_untrained_model():
    X, y = xor(40, seed=0)
    model = mlp([2, 4, 2], seed=0)
    with torch.no_grad():
        out = model(X)
        loss0 = F.cross_entropy(out, y).item()
        acc0 = (out.argmax(1) == y).double().mean().item()
    h = train(model, X, y, lr=0.1, epochs=3, callback=lambda m, e: {"e": e})
    assert isinstance(h, History)
    assert h.epochs == [0, 1, 2, 3]
    assert len(h.loss) == len(h.accuracy) == 4
    assert h.metrics == {"e": [0, 1, 2, 3]}
    assert h.loss[0] == pytest.approx(loss0, rel=1e-6) and h.accuracy[0] == acc0
    assert train(mlp([2, 4, 2]), X, y, lr=0.1, epochs=0).epochs == [0]


def test_test_data_is_evaluated_every_epoch_and_never_trained_on():
    X, y = two_moons(80, noise=0.1, seed=0)
    X_test, y_test = two_moons(40, noise=0.1, seed=1)
    with_test = train(mlp([2, 8, 2], seed=0), X, y, lr=0.5, epochs=4, test_data=(X_test, y_test))
    without = train(mlp([2, 8, 2], seed=0), X, y, lr=0.5, epochs=4)
    assert with_test.loss == without.loss and with_test.accuracy == without.accuracy
    assert without.test_loss is None and without.test_accuracy is None
    model = mlp([2, 8, 2], seed=0)
    assert len(with_test.test_loss) == len(with_test.test_accuracy) == 5
    with torch.no_grad():
        assert with_test.test_loss[0] == pytest.approx(
            F.cross_entropy(model(X_test), y_test).item()
        )
    regression = train(
        mlp([1, 4, 1]), *sine_regression(16, seed=0), loss="mse", lr=0.1, epochs=2,
        test_data=sine_regression(8, seed=1),
    )  # fmt: skip
    assert len(regression.test_loss) == 3 and regression.test_accuracy is None


def test_diverged_runs_are_flagged():
    X, y = two_moons(64, noise=0.1, seed=0)
    healthy = train(mlp([2, 8, 2], seed=0), X, y, lr=0.1, epochs=3)
    blown = train(mlp([2, 8, 2], seed=0), X, y, lr=1e6, epochs=5)
    assert not healthy.diverged
    assert blown.diverged and not math.isfinite(blown.loss[-1])


def test_full_batch_sgd_is_plain_gradient_descent():
    X, y = xor(16, seed=0)
    model = mlp([2, 3, 2], seed=0)
    manual = mlp([2, 3, 2], seed=0)
    train(model, X, y, optimizer="sgd", lr=0.3, epochs=2, seed=0)
    for _ in range(2):
        manual.zero_grad()
        F.cross_entropy(manual(X), y).backward()
        with torch.no_grad():
            for p in manual.parameters():
                p -= 0.3 * p.grad
    for a, b in zip(model.parameters(), manual.parameters(), strict=True):
        torch.testing.assert_close(a, b)


def test_regression_with_mse_on_minibatches():
    X, y = sine_regression(64, noise=0.0, seed=0)
    h = train(
        mlp([1, 32, 1], seed=0), X, y, loss="mse", optimizer="adam", lr=0.01, epochs=100,
        batch_size=16, seed=0,
    )  # fmt: skip
    assert h.accuracy is None
    assert h.loss[-1] < 0.05 < h.loss[0]


@pytest.mark.parametrize("start_mode", ["train", "eval"])
def test_train_restores_modes_clears_grads_and_the_global_random_state(start_mode):
    X, y = xor(40, seed=0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 2))
    model.train(start_mode == "train")
    model[2].train()  # a mixed state is restored too
    modes = [m.training for m in model.modules()]
    state = torch.get_rng_state()
    train(model, X, y, lr=0.1, epochs=3, batch_size=10, seed=0)
    assert [m.training for m in model.modules()] == modes
    assert torch.equal(torch.get_rng_state(), state)
    assert all(p.grad is None for p in model.parameters())


def test_dropout_is_reproducible_from_the_seed():
    X, y = xor(40, seed=0)

    def run(seed):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2))
        return train(model, X, y, lr=0.1, epochs=5, seed=seed).loss

    assert run(1) == run(1) != run(2)


def test_custom_loss_and_optimizer():
    X, y = xor(40, seed=0)
    calls = []

    def make(params, lr):
        calls.append(lr)
        return torch.optim.SGD(params, lr=lr, momentum=0.9)

    h = train(mlp([2, 8, 2]), X, y, loss=F.cross_entropy, optimizer=make, lr=0.05, epochs=2)
    assert calls == [0.05]
    assert h.accuracy is None  # a custom loss is not known to be a classification loss
    assert len(h.loss) == 3


def test_train_errors():
    X, y = xor(40, seed=0)
    model = mlp([2, 4, 2])
    with pytest.raises(ValueError, match=r'loss="cross_entropy" needs y as class indices.*y.long'):
        train(model, X, y.float(), lr=0.1, epochs=1)
    with pytest.raises(ValueError, match=r'loss="mse" needs y of the output\'s shape'):
        train(model, X, y.float(), loss="mse", lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="train: X and y must hold as many samples, got 40 and 39"):
        train(model, X, y[:-1], lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="train: X is empty"):
        train(model, X[:0], y[:0], lr=0.1, epochs=1)
    with pytest.raises(TypeError, match="train: X must be a tensor"):
        train(model, X.numpy(), y, lr=0.1, epochs=1)
    with pytest.raises(TypeError, match=r"train: model must be a torch\.nn\.Module"):
        train(lambda x: x, X, y, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match='train: loss must be "cross_entropy", "mse"'):
        train(model, X, y, loss="hinge", lr=0.1, epochs=1)
    with pytest.raises(ValueError, match='train: optimizer must be "sgd", "adam"'):
        train(model, X, y, optimizer="rmsprop", lr=0.1, epochs=1)
    for lr in (0, -1.0, float("nan"), True, "0.1"):
        with pytest.raises(ValueError, match="train: lr must be a finite number > 0"):
            train(model, X, y, lr=lr, epochs=1)
    with pytest.raises(ValueError, match="train: epochs must be an integer >= 0"):
        train(model, X, y, lr=0.1, epochs=-1)
    with pytest.raises(ValueError, match="train: batch_size must be None or a positive integer"):
        train(model, X, y, lr=0.1, epochs=1, batch_size=0)
    with pytest.raises(TypeError, match="train: callback must be callable"):
        train(model, X, y, lr=0.1, epochs=1, callback=3)
    with pytest.raises(ValueError, match=r"callback returned keys \['b'\] at epoch 1"):
        train(model, X, y, lr=0.1, epochs=1, callback=lambda m, e: {"a" if e == 0 else "b": e})
    with pytest.raises(TypeError, match="lr"):
        train(model, X, y, epochs=1)  # lr is required
    with pytest.raises(TypeError, match=r"train: test_data must be a pair \(X_test, y_test\)"):
        train(model, X, y, lr=0.1, epochs=1, test_data=X)
    with pytest.raises(ValueError, match=r"train \(test_data\): X and y must hold as many"):
        train(model, X, y, lr=0.1, epochs=1, test_data=(X, y[:-1]))
