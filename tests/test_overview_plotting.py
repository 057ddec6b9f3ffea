"""The overview page's figure and its NumPy sigmoid and tanh, checked against torch."""

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from relulib.plotting.overview import GROUPS, OVERVIEW, draw_overview, sigmoid, tanh

EDGES = np.array([-np.inf, -800.0, -30.0, -1.0, -0.0, 0.0, 1e-8, 1.0, 30.0, 800.0, np.inf, np.nan])


@pytest.mark.parametrize(("f", "reference"), [(sigmoid, torch.sigmoid), (tanh, torch.tanh)])
def test_values_and_derivatives_agree_with_torch(f, reference):
    x = torch.tensor(EDGES, dtype=torch.float64, requires_grad=True)
    y = reference(x)
    (grad,) = torch.autograd.grad(y.sum(), x)
    np.testing.assert_allclose(f(EDGES), y.detach().numpy(), rtol=1e-15, atol=0)
    np.testing.assert_allclose(f.grad(EDGES), grad.numpy(), rtol=1e-12, atol=1e-300)


def test_sigmoid_does_not_overflow():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert sigmoid(np.array([-1e4, 1e4])).tolist() == [0.0, 1.0]


def test_every_activation_is_in_exactly_one_group():
    assert sum(len(group) for group in GROUPS.values()) == len(OVERVIEW) == 13


@pytest.mark.parametrize("name", list(OVERVIEW))
def test_the_highlight_is_drawn_bold_among_its_group(name):
    ax_f, _ = draw_overview(Figure().subplots(1, 2), name)
    group = next(g for g in GROUPS.values() if name in g)
    assert len(ax_f.lines) == len(group) + 1 + 2  # + ReLU reference + the two axis lines
    bold = [line for line in ax_f.lines if line.get_linewidth() > 2]
    assert [line.get_label() for line in bold] == [name]
    assert ax_f.get_title() == name


def test_derivative_jumps_are_not_drawn_as_walls():
    _, ax_df = draw_overview(Figure().subplots(1, 2), "hard-swish")
    x = ax_df.lines[0].get_xdata()
    for kink in (-3.0, 0.0, 3.0):
        (at,) = np.flatnonzero(x == kink)
        assert np.isnan(x[at + 1])


def test_unknown_highlight_is_refused():
    with pytest.raises(ValueError, match="draw_overview: highlight must be one of"):
        draw_overview(Figure().subplots(1, 2), "swish")
