"""The folding checks pass correct answers and explain wrong ones."""

import math

import pytest
import torch
from torch import nn

from relulib.checks.folding import (
    check_region_formula,
    check_square_network,
    check_tent_network,
)
from relulib.regions import tent_network, yarotsky_square


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


def square_by_hand(m, divisor=4.0, sign=-1.0, act=nn.ReLU):
    """x + sign * sum_s g_s / divisor^s as float32 layers: [u, v] then [u, v, running sum]."""
    layers = [nn.Linear(1, 2), act()]
    with torch.no_grad():
        layers[0].weight.fill_(1.0)
        layers[0].bias.copy_(torch.tensor([0.0, -0.5]))
    running = [1.0, 0.0]
    for s in range(1, m + 1):
        g = [2.0, -4.0] + [0.0] * (len(running) - 2)
        f = [r + sign * gi / divisor**s for r, gi in zip(running, g, strict=True)]
        layer = nn.Linear(len(running), 1 if s == m else 3)
        with torch.no_grad():
            layer.weight.copy_(torch.tensor([f] if s == m else [g, g, f]))
            layer.bias.copy_(torch.tensor([0.0] if s == m else [0.0, -0.5, 0.0]))
        layers += [layer] if s == m else [layer, act()]
        running = [0.0, 0.0, 1.0]
    if m == 0:
        layers.append(nn.Linear(2, 1))
        with torch.no_grad():
            layers[-1].weight.copy_(torch.tensor([[1.0, 0.0]]))
            layers[-1].bias.zero_()
    return nn.Sequential(*layers)


@pytest.mark.parametrize("m", [0, 1, 3, 6])
def test_correct_square_networks_pass(m):
    assert check_square_network(yarotsky_square(m), m)
    assert check_square_network(square_by_hand(m), m)


@pytest.mark.parametrize(
    ("model", "m", "fragment"),
    [
        (square_by_hand(2), 3, "computes f_2, the approximation with 2 folds"),
        (square_by_hand(4), 3, "computes f_4"),
        (square_by_hand(3, divisor=2.0), 3, "g_s / 2^(2s) = g_s / 4^s"),
        (square_by_hand(3, sign=1.0), 3, "you add the corrections"),
        (square_by_hand(3, divisor=3.0), 3, "values: at x ="),
        (square_by_hand(2), 3, "expected 2^3 = 8"),
        (square_by_hand(2), 3, "expected 2^(-2m-2)"),
        (square_by_hand(2, act=nn.LeakyReLU), 2, "use nn.ReLU"),
        (square_by_hand(2, act=nn.Tanh), 2, "could not be evaluated"),
        (nn.Linear(1, 1), 1, "expected a torch.nn.Sequential"),
    ],
)
def test_wrong_square_networks_get_a_message(model, m, fragment):
    report = check_square_network(model, m)
    assert not report
    assert any(fragment in failure for failure in report.failures), report
