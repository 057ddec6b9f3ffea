"""The folding checks pass correct answers and explain wrong ones."""

import math

import pytest
import torch
from torch import nn

from relulib.checks.folding import check_region_formula, check_tent_network
from relulib.regions import tent_network


def tent(depth, a=2.0, c=-4.0, act=nn.ReLU):
    layers, fan_in = [], 1
    for _ in range(depth):
        layer = nn.Linear(fan_in, 2)
        with torch.no_grad():
            layer.weight.copy_(torch.ones(2, 1) if fan_in == 1 else torch.tensor([[a, c]] * 2))
            layer.bias.copy_(torch.tensor([0.0, -0.5]))
        layers += [layer, act()]
        fan_in = 2
    out = nn.Linear(2, 1)
    with torch.no_grad():
        out.weight.copy_(torch.tensor([[a, c]]))
        out.bias.zero_()
    return nn.Sequential(*layers, out)


@pytest.mark.parametrize("depth", [1, 3, 5])
def test_correct_tents_pass(depth):
    assert check_tent_network(tent(depth), depth)
    assert check_tent_network(tent_network(depth), depth)


def test_learner_model_is_not_modified():
    model = tent(2)
    check_tent_network(model, 2)
    assert model[0].weight.dtype == torch.float32


@pytest.mark.parametrize(
    ("model", "depth", "fragment"),
    [
        (tent(2), 3, "composed 2 times"),
        (tent(2), 3, "k + 1 pieces"),
        (tent(3, 1.0, -2.0), 3, "doubles the number of pieces"),
        (tent(3, 3.0, -6.0), 3, "range"),
        (tent(2, act=nn.Tanh), 2, "could not be evaluated"),
        (tent(2, act=nn.LeakyReLU), 2, "use nn.ReLU"),
        (nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1)), 2, "hidden widths [3]"),
        (nn.Linear(1, 1), 1, "expected a torch.nn.Sequential"),
    ],
)
def test_wrong_tents_get_a_message(model, depth, fragment):
    report = check_tent_network(model, depth)
    assert not report
    assert any(fragment in failure for failure in report.failures), report


def zaslavsky(n, d):
    return sum(math.comb(n, j) for j in range(d + 1))


def test_correct_formula_passes():
    assert check_region_formula(zaslavsky)


@pytest.mark.parametrize(
    ("fn", "fragment"),
    [
        (lambda n, d: 2**n, "every on/off pattern"),
        (lambda n, d: n + 1, "count on a line"),
        (lambda n, d: zaslavsky(n, d) - 1, "one short"),
        (lambda n, d: 1 + n + n * n, "crossings of two lines once"),
        (lambda n, d: zaslavsky(n, 2), "count in the plane"),
        (lambda n, d: 1 / 0, "ZeroDivisionError"),
        (lambda n, d: 3 * n, "Zaslavsky"),
        (5, "expected a function"),
    ],
)
def test_wrong_formulas_get_a_message(fn, fragment):
    report = check_region_formula(fn)
    assert not report
    assert any(fragment in failure for failure in report.failures), report
