"""The overview page's figure and its NumPy sigmoid and tanh, checked against torch."""

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from relulib.plotting.overview import OVERVIEW, draw_overview, sigmoid, tanh

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


@pytest.mark.parametrize("name", list(OVERVIEW))
def test_every_activation_is_drawn_with_its_derivative(name):
    ax_f, ax_df = draw_overview(Figure().subplots(1, 2), name)
    assert len(ax_f.lines) >= len(OVERVIEW) and len(ax_df.lines) >= len(OVERVIEW)
    bold = [line for line in ax_f.lines if line.get_linewidth() > 2]
    assert len(bold) == 1 and ax_f.get_title() == name


def test_unknown_highlight_is_refused():
    with pytest.raises(ValueError, match="draw_overview: highlight must be one of"):
        draw_overview(Figure().subplots(1, 2), "swish")
