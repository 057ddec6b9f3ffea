"""Far from the data: softmax_confidence and along_ray, the Disadvantages chapter's helpers."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from relulib.diagnostics import along_ray, softmax_confidence
from relulib.regions import linear_pieces
from relulib.train import mlp


class Fixed(nn.Module):
    """A 'model' that returns the logits it is given (the batch is the logits)."""

    def forward(self, x):
        return x


logit_rows = st.lists(
    st.lists(st.floats(-1e4, 1e4), min_size=2, max_size=5).map(tuple),
    min_size=1,
    max_size=6,
).filter(lambda rows: len({len(r) for r in rows}) == 1)


@settings(max_examples=60, deadline=None)
@given(logit_rows)
def test_confidence_is_the_largest_softmax_probability(rows):
    z = torch.tensor(rows, dtype=torch.float64)
    conf = softmax_confidence(Fixed(), z)
    expected = F.softmax(z, dim=1).max(dim=1).values.numpy()
    np.testing.assert_allclose(conf, expected, rtol=1e-12, atol=0)
    assert np.all(conf >= 1 / z.shape[1] - 1e-12) and np.all(conf <= 1.0)


@settings(max_examples=60, deadline=None)
@given(logit_rows)
def test_complement_adds_up_and_stays_accurate(rows):
    z = torch.tensor(rows, dtype=torch.float64)
    conf = softmax_confidence(Fixed(), z)
    doubt = softmax_confidence(Fixed(), z, complement=True)
    np.testing.assert_allclose(conf + doubt, 1.0, rtol=1e-12)
    # the complement is the other classes' probability, from log-softmax: no cancellation
    log_p = F.log_softmax(z, dim=1)
    others = log_p.scatter(1, z.argmax(dim=1, keepdim=True), -math.inf)
    np.testing.assert_allclose(doubt, others.exp().sum(dim=1).numpy(), rtol=1e-9)


def test_complement_resolves_what_rounds_to_one():
    z = torch.tensor([[300.0, 0.0], [0.0, -1000.0]])
    assert softmax_confidence(Fixed(), z).tolist() == [1.0, 1.0]
    doubt = softmax_confidence(Fixed(), z, complement=True)
    assert doubt[0] == pytest.approx(math.exp(-300), rel=1e-9)
    assert doubt[1] == 0.0  # e^-1000 lies below float64's range


def test_non_finite_logits_give_nan_rows_only():
    z = torch.tensor([[float("nan"), 0.0], [float("inf"), 0.0], [1.0, 0.0]])
    conf = softmax_confidence(Fixed(), z)
    assert np.isnan(conf[:2]).all() and np.isfinite(conf[2])


def test_confidence_leaves_the_model_as_it_was():
    model = nn.Sequential(nn.Linear(2, 4), nn.Dropout(0.5), nn.Linear(4, 3)).train()
    before = [p.detach().clone() for p in model.parameters()]
    x = torch.randn(5, 2, generator=torch.Generator().manual_seed(0))
    first = softmax_confidence(model, x)
    assert np.array_equal(first, softmax_confidence(model, x))  # eval mode: no dropout draws
    assert model.training and all(m.training for m in model.modules())
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize(
    ("model", "x", "error", "match"),
    [
        ("not a model", torch.zeros(1, 2), TypeError, "torch.nn.Module"),
        (nn.Linear(2, 2), [[0.0, 0.0]], TypeError, "torch.Tensor"),
        (nn.Linear(2, 2), torch.zeros(0, 2), ValueError, "empty"),
        (nn.Linear(2, 1), torch.zeros(3, 2), ValueError, "K >= 2"),
        (nn.Identity(), torch.zeros(3), ValueError, r"\(N, K\)"),
    ],
)
def test_confidence_rejects_bad_input(model, x, error, match):
    with pytest.raises(error, match=match):
        softmax_confidence(model, x)


def test_along_ray_is_the_model_on_the_ray():
    model = mlp([2, 8, 8, 3], seed=1)
    with torch.no_grad():  # biases, so that the ray is not one linear piece
        for layer in (model[0], model[2]):
            layer.bias.normal_(generator=torch.Generator().manual_seed(2))
    direction, origin = torch.tensor([0.6, -0.8]), torch.tensor([0.5, 1.0])
    ray = along_ray(model, direction, origin)
    t = torch.linspace(-5, 5, 11).reshape(-1, 1)
    expected = model(origin + t * direction)
    torch.testing.assert_close(ray(t), expected)
    assert not any(p.requires_grad for p in ray[0].parameters())
    assert ray[1] is model  # shared, not copied


def test_along_ray_is_affine_past_its_last_kink():
    model = mlp([2, 16, 16, 2], seed=3)
    with torch.no_grad():
        for layer in (model[0], model[2]):
            layer.bias.normal_(generator=torch.Generator().manual_seed(4))
    ray = along_ray(model, [1.0, 0.5])
    pieces = linear_pieces(ray, 0.0, 1e3)
    assert len(pieces) > 1
    last = pieces[-1]
    t = torch.tensor([[last.a + 1.0], [last.a + 10.0], [999.0]], dtype=torch.float64)
    with torch.no_grad():
        out = ray.double()(t).numpy()
    np.testing.assert_allclose(out, t.numpy() * last.slope + last.intercept, rtol=1e-9)


def test_along_ray_follows_the_models_dtype():
    model = nn.Sequential(nn.Linear(2, 2)).double()
    ray = along_ray(model, np.array([1.0, 0.0]))
    assert ray[0].weight.dtype == torch.float64
    assert ray(torch.ones(1, 1, dtype=torch.float64)).dtype == torch.float64


@pytest.mark.parametrize(
    ("direction", "origin", "error", "match"),
    [
        ([0.0, 0.0], None, ValueError, "zero vector"),
        ([1.0, float("nan")], None, ValueError, "finite"),
        ([[1.0, 0.0]], None, ValueError, "1-D"),
        ("ab", None, TypeError, "vector of numbers"),
        ([1.0, 0.0], [0.0], ValueError, "origin has 1"),
    ],
)
def test_along_ray_rejects_bad_vectors(direction, origin, error, match):
    with pytest.raises(error, match=match):
        along_ray(nn.Linear(2, 2), direction, origin)
