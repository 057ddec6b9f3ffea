"""The checks of the chapter on ReLU today pass right answers and name the usual mistakes."""

import math

import numpy as np
import pytest

import relulib
from relulib.checks.today import check_gelu_tanh, check_swiglu

C = math.sqrt(2 / math.pi)


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(C * (x + 0.044715 * x**3)))


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def swiglu(x, W, V, W2):
    xw = x @ W
    return (xw * sigmoid(xw) * (x @ V)) @ W2


def test_gelu_tanh_passes_right_answers():
    assert check_gelu_tanh(gelu_tanh)
    assert check_gelu_tanh(lambda x: relulib.gelu(x, approximate="tanh"))


@pytest.mark.parametrize(
    "wrong, words",
    [
        (relulib.gelu, "exact GELU"),
        (lambda x: 0.5 * x * (1 + np.tanh(C * x)), "cubic term is missing"),
        (lambda x: 0.5 * x * (1 + np.tanh(C * (x + 0.044715 * x**2))), "not x^2"),
        (lambda x: 0.5 * x * (1 + np.tanh(x + 0.044715 * x**3)), "sqrt(2/pi) (about"),
        (lambda x: x * (1 + np.tanh(C * (x + 0.044715 * x**3))), "0.5 is missing"),
        (lambda x: x * sigmoid(1.702 * x), "sigmoid approximation"),
    ],
)
def test_gelu_tanh_names_the_mistake(wrong, words):
    report = check_gelu_tanh(wrong)
    assert not report
    assert words in report.failures[0]


def test_gelu_tanh_explains_overflowing_tanh_and_nan():
    def exp_tanh(x):
        e = np.exp(2 * C * (x + 0.044715 * x**3))
        return 0.5 * x * (1 + (e - 1) / (e + 1))

    report = check_gelu_tanh(exp_tanh)
    assert len(report.failures) == 1 and "overflows" in report.failures[0]
    nan_to_zero = check_gelu_tanh(lambda x: np.nan_to_num(gelu_tanh(x)))
    assert any(f.startswith("NaN") for f in nan_to_zero.failures)


def test_gelu_tanh_shape_mutation_errors_and_non_functions():
    def in_place(x):
        x *= 1.0
        return gelu_tanh(x) + 0 * x.sum()

    def flattens(x):
        return gelu_tanh(x).ravel()

    def mutates(x):
        y = gelu_tanh(x)
        x[...] = 0
        return y

    assert check_gelu_tanh(in_place)  # x *= 1.0 changes nothing
    assert any("shape" in f for f in check_gelu_tanh(flattens).failures)
    assert any("in place" in f for f in check_gelu_tanh(mutates).failures)
    assert not check_gelu_tanh(relulib.gelu)  # the probes survived the mutating function
    assert "raised" in check_gelu_tanh(lambda x, y: x).failures[0]
    assert "expected a function" in check_gelu_tanh(3).failures[0]


def test_swiglu_passes_and_agrees_with_relulib_block():
    torch = pytest.importorskip("torch")
    from relulib.nn import GatedFeedForward

    assert check_swiglu(swiglu)
    block = GatedFeedForward(4, 3, gate="silu").double()
    x = torch.randn(5, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    W, V, W2 = (m.weight.detach().T.numpy() for m in (block.w, block.v, block.w2))
    np.testing.assert_allclose(swiglu(x.numpy(), W, V, W2), block(x).detach().numpy())


@pytest.mark.parametrize(
    "wrong, words",
    [
        (lambda x, W, V, W2: ((x @ W) * relulib.silu(x @ V)) @ W2, "wrong branch"),
        (lambda x, W, V, W2: (sigmoid(x @ W) * (x @ V)) @ W2, "Dauphin"),
        (lambda x, W, V, W2: (relulib.relu(x @ W) * (x @ V)) @ W2, "ReGLU"),
        (lambda x, W, V, W2: (relulib.gelu(x @ W) * (x @ V)) @ W2, "GEGLU"),
        (lambda x, W, V, W2: (relulib.silu(x @ W) * relulib.silu(x @ V)) @ W2, "stays linear"),
        (lambda x, W, V, W2: (relulib.silu(x @ W) + x @ V) @ W2, "not added"),
        (lambda x, W, V, W2: relulib.silu(x @ W) @ W2, "xV is missing"),
        (lambda x, W, V, W2: relulib.silu(x @ W) * (x @ V), "through W2"),
        (lambda x, W, V, W2: (relulib.silu(x @ W.T) * (x @ V)) @ W2, "not x @ W.T"),
    ],
)
def test_swiglu_names_the_mistake(wrong, words):
    report = check_swiglu(wrong)
    assert not report
    assert words in report.failures[0]
    assert all("Same mistake" in f for f in report.failures[1:-1] if f.startswith("probe"))


def test_swiglu_mutation_and_non_functions():
    def mutates(x, W, V, W2):
        out = swiglu(x, W, V, W2)
        W *= 2
        return out

    assert any("in place" in f for f in check_swiglu(mutates).failures)
    assert "expected a function" in check_swiglu(None).failures[0]
