"""relulib.train.train_together's activation_l1: the L1 activation penalty of the Advantages
chapter, for networks trained side by side."""

import math

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
rtrain = pytest.importorskip("relulib.train")
from relulib.data import two_spirals  # noqa: E402
from relulib.nn import Maxout  # noqa: E402

mlp, train, train_together = rtrain.mlp, rtrain.train, rtrain.train_together

X, Y = two_spirals(120, noise=0.05, seed=0)
X_TEST, Y_TEST = X[:40], Y[:40]
X, Y = X[40:], Y[40:]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def maxout_net(seed, width=5, k=2):
    layers = [nn.Linear(2, k * width), Maxout(k), nn.Linear(width, k * width), Maxout(k)]
    model = nn.Sequential(*layers, nn.Linear(width, 2))
    with torch.no_grad():
        gen = torch.Generator().manual_seed(seed)
        for p in model.parameters():
            p.copy_(0.5 * torch.randn(p.shape, generator=gen))
    return model


BUILDERS = {"relu": lambda s: mlp([2, 8, 8, 2], nn.ReLU, seed=s), "maxout": maxout_net}


def l1_loss(model, lam):
    """Cross-entropy plus lam times the batch mean of the summed |activation outputs|, the
    hidden outputs collected by forward hooks (the penalty of ``activation_l1``)."""
    hidden = []
    for module in model:
        if not isinstance(module, nn.Linear):
            module.register_forward_hook(lambda m, i, out: hidden.append(out))

    def loss(out, target):
        penalty = sum(h.abs().sum(dim=1).mean() for h in hidden)
        hidden.clear()
        return nn.functional.cross_entropy(out, target) + lam * penalty

    return loss


@pytest.mark.parametrize("name", ["relu", "maxout"])
def test_together_activation_l1_is_train_with_the_penalty_in_the_loss(name):
    build, lams = BUILDERS[name], [0.0, 0.01, 0.1]
    kwargs = dict(optimizer="adam", lr=0.02, epochs=15, test_data=(X_TEST, Y_TEST))
    expected = []
    for s, lam in enumerate(lams):
        model = build(s)
        expected.append(train(model, X, Y, loss=l1_loss(model, lam), **kwargs))
    got = train_together([build(s) for s in range(3)], X, Y, activation_l1=lams, **kwargs)
    for e, g in zip(expected, got, strict=True):
        for field in ("loss", "test_loss"):
            assert getattr(g, field) == pytest.approx(getattr(e, field), rel=1e-4, abs=1e-6)


def test_together_activation_l1_makes_zeros_and_a_shared_weight_is_one_per_model():
    models = [BUILDERS["relu"](s) for s in range(2)]
    plain = [BUILDERS["relu"](s) for s in range(2)]
    train_together(models, X, Y, optimizer="adam", lr=0.02, epochs=40, activation_l1=0.3)
    train_together(plain, X, Y, optimizer="adam", lr=0.02, epochs=40, activation_l1=[0.0, 0.0])
    with torch.no_grad():
        for penalised, free in zip(models, plain, strict=True):
            assert (penalised[:2](X) == 0).float().mean() > (free[:2](X) == 0).float().mean()


@pytest.mark.parametrize("bad", [-0.1, math.nan, "0.1", True, [0.1], [0.1, -1.0]])
def test_together_activation_l1_is_validated(bad):
    with pytest.raises(ValueError, match="activation_l1"):
        models = [BUILDERS["relu"](s) for s in range(2)]
        train_together(models, X, Y, lr=0.1, epochs=1, activation_l1=bad)
