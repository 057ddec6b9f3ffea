"""relulib.train additions for the chapter on ReLU today: gated blocks and squared ReLU side by
side."""

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
from relulib.data import two_spirals  # noqa: E402
from relulib.nn import GatedFeedForward, SquaredReLU  # noqa: E402
from relulib.train import train, train_together  # noqa: E402

X, Y = two_spirals(120, noise=0.05, seed=0)
X_TEST, Y_TEST = two_spirals(60, noise=0.05, seed=1)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def gated(gate):
    def build(seed):
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            return nn.Sequential(GatedFeedForward(2, 6, gate=gate), nn.Linear(2, 2))

    return build


def squared(seed):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(2, 8), SquaredReLU(), nn.Linear(8, 8), nn.Linear(8, 2))


def behind_a_layer(seed):  # a gated block whose input is already side by side
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(2, 4), GatedFeedForward(4, 3, gate="relu"), nn.Linear(4, 2))


BUILDERS = {
    "reglu": gated("relu"),
    "geglu": gated("gelu"),
    "swiglu": gated("silu"),
    "squared relu": squared,
    "gated second": behind_a_layer,
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_together_is_train_on_each(name):
    build = BUILDERS[name]
    kwargs = dict(optimizer="adam", lr=0.02, epochs=20, test_data=(X_TEST, Y_TEST))
    alone = [build(s) for s in range(3)]
    expected = [train(model, X, Y, **kwargs) for model in alone]
    together = [build(s) for s in range(3)]
    got = train_together(together, X, Y, **kwargs)
    for e, g, a, t in zip(expected, got, alone, together, strict=True):
        assert g.loss == pytest.approx(e.loss, rel=1e-4, abs=1e-6)
        assert g.test_loss == pytest.approx(e.test_loss, rel=1e-4, abs=1e-6)
        for p, q in zip(a.parameters(), t.parameters(), strict=True):  # written back in place
            torch.testing.assert_close(q, p, rtol=1e-4, atol=1e-5)


def test_together_rejects_gated_blocks_of_different_gates():
    models = [gated("relu")(0), gated("silu")(1)]
    with pytest.raises(ValueError, match="differs"):
        train_together(models, X, Y, lr=0.1, epochs=1)


def test_together_leaves_the_global_random_state_alone():
    state = torch.random.get_rng_state()
    train_together([gated("silu")(s) for s in range(2)], X, Y, lr=0.1, epochs=2)
    assert torch.equal(state, torch.random.get_rng_state())
