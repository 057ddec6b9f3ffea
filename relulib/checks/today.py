r"""Exercise checks for the chapter on ReLU today: GELU's tanh approximation and SwiGLU.

Each check runs a learner's NumPy function on probes chosen to expose the usual mistakes and
returns a :class:`relulib.checks.Report`. When an answer is wrong, the check compares it with
the answers those mistakes produce (the exact GELU instead of its approximation, a gate on
the wrong branch, Dauphin's sigmoid GLU instead of SwiGLU...) and names the one it matches.

Example:
    >>> import numpy as np
    >>> import relulib
    >>> print(check_gelu_tanh(lambda x: relulib.gelu(x, approximate="tanh")))
    gelu_tanh: all 6 checks passed.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from relulib.activations import gelu, relu, silu
from relulib.checks import Report

__all__ = ["check_gelu_tanh", "check_swiglu"]

_C = math.sqrt(2 / math.pi)


def _not_callable(name: str, fn) -> Report:
    return Report(name, 1, (f"expected a function, got {type(fn).__name__} {fn!r}.",))


def _call(fn: Callable, *args) -> tuple[np.ndarray | None, str | None]:
    """``np.asarray(fn(*args))`` as float64, or the error it raised, as a message."""
    try:
        with np.errstate(all="ignore"):
            return np.asarray(fn(*args), dtype=np.float64), None
    except Exception as exc:  # the learner's bug is the message, whatever it is
        return None, f"{type(exc).__name__}: {exc}"


def _matches(got: np.ndarray, expected: np.ndarray) -> bool:
    return got.shape == expected.shape and np.allclose(
        got, expected, rtol=1e-9, atol=1e-12, equal_nan=True
    )


def _diagnosis(got: np.ndarray, mistakes, inputs) -> str:
    """The hint of the first mistake whose answer on ``inputs`` equals ``got``, or ''."""
    for wrong, hint in mistakes:
        with np.errstate(all="ignore"):
            if _matches(got, np.asarray(wrong(*inputs), dtype=np.float64)):
                return hint
    return ""


# --- GELU's tanh approximation -------------------------------------------------------------


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


_GELU_MISTAKES = (
    (
        lambda x: gelu(x),
        "That is the exact GELU x * Phi(x). The exercise asks for Hendrycks and Gimpel's tanh "
        "approximation, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), which differs from it "
        "by up to about 5e-4.",
    ),
    (
        lambda x: 0.5 * x * (1 + np.tanh(_C * x)),
        "The cubic term is missing: the argument of tanh is sqrt(2/pi) (x + 0.044715 x^3).",
    ),
    (
        lambda x: 0.5 * x * (1 + np.tanh(_C * (x + 0.044715 * x**2))),
        "The correction term is cubic, 0.044715 x^3, not x^2: it must be odd, like tanh's "
        "argument, so that the gate satisfies g(-x) = 1 - g(x).",
    ),
    (
        lambda x: 0.5 * x * (1 + np.tanh(x + 0.044715 * x**3)),
        "The factor sqrt(2/pi) (about 0.798) in front of (x + 0.044715 x^3) is missing: it "
        "makes the gate's slope at 0 equal to Phi'(0) = 1/sqrt(2 pi).",
    ),
    (
        lambda x: 0.5 * x * (1 + np.tanh(2 / math.pi * (x + 0.044715 * x**3))),
        "The factor is sqrt(2/pi), the square root of 2/pi.",
    ),
    (
        lambda x: x * (1 + np.tanh(_C * (x + 0.044715 * x**3))),
        "The factor 0.5 is missing: the gate (1 + tanh(...)) / 2 runs from 0 to 1.",
    ),
    (
        lambda x: x * _sigmoid(1.702 * x),
        "That is the sigmoid approximation x * sigmoid(1.702 x), a coarser one; the exercise "
        "asks for the tanh form.",
    ),
)

_GELU_CASES = (
    ("around 0", np.linspace(-3.0, 3.0, 25)),
    ("moderate inputs", np.array([-6.0, -4.5, -3.5, 3.5, 4.5, 6.0])),
    (
        "large inputs",
        np.array([-1e3, -50.0, 50.0, 1e3]),
    ),
    ("NaN", np.array([np.nan])),
)

_FAR_OUT = (
    "Far from 0 the approximation is x on the right and 0 (from below) on the left: the "
    "gate tends to 1 and to 0."
)
_OVERFLOW = (
    " A tanh written with exponentials, (e^(2u) - 1) / (e^(2u) + 1), overflows to inf / inf "
    "= NaN there; np.tanh does not."
)


def _case_hint(what: str, got: np.ndarray) -> str:
    """What a failure on the far-out or NaN probes means, whatever formula caused it."""
    if what == "large inputs":
        return _FAR_OUT + (_OVERFLOW if np.isnan(got).any() else "")
    if what == "NaN":
        return "NaN must stay NaN, so that a bug upstream stays visible."
    return ""


def check_gelu_tanh(fn: Callable) -> Report:
    r"""Check a learner's ``fn(x)``, GELU's tanh approximation on NumPy float64 arrays.

    .. math::
        \mathrm{gelu}(x) \approx \frac{x}{2}\Bigl(1 + \tanh\bigl(\sqrt{2/\pi}\,
        (x + 0.044715\, x^{3})\bigr)\Bigr)

    The values must agree with ``relulib.gelu(x, approximate="tanh")`` (PyTorch's
    ``gelu(x, approximate="tanh")``) to 1e-9, relatively, around 0, further out, for large
    inputs and at NaN; a 2-D input keeps its shape, and the input is left unchanged. A wrong
    answer is compared with the usual mistakes: the exact GELU, a missing or squared cubic
    term, a missing :math:`\sqrt{2/\pi}` or 1/2, and the sigmoid approximation.

    Args:
        fn: the learner's function of one array.

    Returns:
        Report: one check per group of inputs, plus shape and mutation.

    Example:
        >>> import relulib
        >>> print(check_gelu_tanh(relulib.gelu))  # doctest: +ELLIPSIS
        gelu_tanh: 2 of 6 checks failed.
          - around 0: for x in [-3, 3] the largest difference is ... That is the exact GELU...
          - moderate inputs: ...(Same mistake as above.)
    """
    name = "gelu_tanh"
    if not callable(fn):
        return _not_callable(name, fn)
    failures, hints_given = [], set()
    for what, x in _GELU_CASES:
        failures.append(_gelu_failure(fn, what, x, hints_given))
    failures += [_gelu_shape_failure(fn), _mutation_failure(fn, np.array([-2.0, 0.0, 1.5]))]
    return Report(name, len(failures), tuple(f for f in failures if f))


def _gelu_failure(fn, what, x, hints_given) -> str | None:
    expected = gelu(x, approximate="tanh")
    got, error = _call(fn, x.copy())  # a copy: a learner's in-place bug cannot spoil the probe
    if error:
        return f"{what}: calling it on {x} raised {error}."
    if _matches(got, expected):
        return None
    if got.shape != expected.shape:
        return f"{what}: an input of shape {x.shape} gave an output of shape {got.shape}."
    # far out and at NaN several mistakes agree; near 0 each gives its own answer
    hint = _case_hint(what, got) or _diagnosis(got, _GELU_MISTAKES, (x,))
    hint = _once(hint, hints_given)
    if x.size > 4:
        worst = float(np.nanmax(np.abs(got - expected)))
        shown = f"for x in [{x.min():g}, {x.max():g}] the largest difference is {worst:.2e}."
    else:
        shown = f"for x = {x} expected {expected}, got {got}."
    return f"{what}: {shown} {hint}".rstrip()


def _gelu_shape_failure(fn) -> str | None:
    x = np.linspace(-2.0, 2.0, 6).reshape(2, 3)
    got, error = _call(fn, x)
    if error:
        return f"shape: calling it on a 2x3 array raised {error}."
    if got.shape != x.shape:
        return (
            f"shape: a {x.shape} input came back with shape {got.shape}. An activation is "
            "applied elementwise and keeps the shape of its input."
        )
    return None


def _once(hint: str, given: set[str]) -> str:
    """``hint`` the first time, a pointer back to it afterwards ('' stays '')."""
    if not hint:
        return ""
    if hint in given:
        return "(Same mistake as above.)"
    given.add(hint)
    return hint


def _mutation_failure(fn, *inputs) -> str | None:
    originals = [a.copy() for a in inputs]
    _call(fn, *inputs)
    changed = [
        i
        for i, (a, b) in enumerate(zip(inputs, originals, strict=True))
        if not np.array_equal(a, b, True)
    ]
    if not changed:
        return None
    return (
        f"input modified: your function changed argument {changed[0] + 1} in place (an "
        "in-place operation such as x *= ... or out[...] = ... on it). Compute new arrays "
        "instead."
    )


# --- SwiGLU --------------------------------------------------------------------------------

_D_MODEL, _D_HIDDEN, _N = 4, 3, 5  # all different, so that a transposed weight cannot fit


def _swiglu(x, w, v, w2):
    return (silu(x @ w) * (x @ v)) @ w2


_SWIGLU_MISTAKES = (
    (
        lambda x, w, v, w2: ((x @ w) * silu(x @ v)) @ w2,
        "The Swish gate is on the wrong branch: SwiGLU is (Swish(xW) * xV) W2, the activation "
        "on xW and the linear branch xV.",
    ),
    (
        lambda x, w, v, w2: (1 / (1 + np.exp(-(x @ w))) * (x @ v)) @ w2,
        "That is Dauphin et al.'s GLU, sigmoid(xW) * xV. SwiGLU gates with Swish_1(z) = "
        "z * sigmoid(z), that is SiLU.",
    ),
    (
        lambda x, w, v, w2: (relu(x @ w) * (x @ v)) @ w2,
        "That is ReGLU, with a ReLU gate; SwiGLU uses Swish_1(z) = z * sigmoid(z) (SiLU).",
    ),
    (
        lambda x, w, v, w2: (gelu(x @ w) * (x @ v)) @ w2,
        "That is GEGLU, with a GELU gate; SwiGLU uses Swish_1(z) = z * sigmoid(z) (SiLU).",
    ),
    (
        lambda x, w, v, w2: (silu(x @ w) * silu(x @ v)) @ w2,
        "Only one branch goes through Swish; the other, xV, stays linear.",
    ),
    (
        lambda x, w, v, w2: (silu(x @ w) + (x @ v)) @ w2,
        "The branches are multiplied elementwise, not added: the gate scales the linear branch.",
    ),
    (
        lambda x, w, v, w2: silu(x @ w) @ w2,
        "The linear branch xV is missing: without it this is a plain Swish feed-forward layer.",
    ),
)


def check_swiglu(fn: Callable) -> Report:
    r"""Check a learner's ``fn(x, W, V, W2)``, Shazeer's SwiGLU feed-forward block in NumPy.

    .. math::
        \mathrm{FFN}_\mathrm{SwiGLU}(x) = \bigl(\mathrm{Swish}_1(xW) \odot xV\bigr) W_2

    with ``x`` of shape ``(n, d_model)``, ``W`` and ``V`` of shape ``(d_model, d_hidden)`` and
    ``W2`` of shape ``(d_hidden, d_model)`` (the paper's row-vector convention; PyTorch's
    ``nn.Linear`` stores the transposes). Three seeded probes, the learner's arrays left
    unchanged. A wrong answer is compared with the usual mistakes: the gate on the wrong
    branch, a sigmoid (GLU), ReLU (ReGLU) or GELU (GEGLU) gate, both branches activated, a
    sum instead of a product, or the linear branch left out.

    Args:
        fn: the learner's function of four arrays.

    Returns:
        Report: one check per probe, plus one that the inputs are not modified.

    Example:
        >>> import numpy as np
        >>> sigmoid = lambda z: 1 / (1 + np.exp(-z))
        >>> report = check_swiglu(lambda x, W, V, W2: (sigmoid(x @ W) * (x @ V)) @ W2)
        >>> print(report.failures[0])  # doctest: +ELLIPSIS
        probe 1: ... That is Dauphin et al.'s GLU, sigmoid(xW) * xV. SwiGLU gates with...
    """
    name = "swiglu"
    if not callable(fn):
        return _not_callable(name, fn)
    probes = [_swiglu_probe(seed) for seed in range(3)]
    failures, hints_given = [], set()
    for k, inputs in enumerate(probes, start=1):
        failures.append(_swiglu_failure(fn, k, inputs, hints_given))
    failures.append(_mutation_failure(fn, *probes[0]))
    return Report(name, len(failures), tuple(f for f in failures if f))


def _swiglu_probe(seed: int):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((_N, _D_MODEL))
    w = rng.standard_normal((_D_MODEL, _D_HIDDEN))
    v = rng.standard_normal((_D_MODEL, _D_HIDDEN))
    w2 = rng.standard_normal((_D_HIDDEN, _D_MODEL))
    return x, w, v, w2


def _swiglu_failure(fn, k, inputs, hints_given) -> str | None:
    shapes = " and ".join(str(a.shape) for a in inputs)
    expected = _swiglu(*inputs)
    got, error = _call(fn, *(a.copy() for a in inputs))
    if error:
        hint = (
            "The weights are stored as in the paper, W and V of shape (d_model, d_hidden): "
            "the product is x @ W, not x @ W.T."
            if "matmul" in error or "shape" in error or "align" in error
            else ""
        )
        message = f"calling it on arrays of shapes {shapes} raised {error}."
        return f"probe {k}: " + _once(f"{message} {hint}".rstrip(), hints_given)
    if _matches(got, expected):
        return None
    if got.shape != expected.shape:
        return f"probe {k}: " + _once(
            f"the output has shape {got.shape}, expected {expected.shape} (n, d_model): the "
            "block maps each row back to d_model features, through W2.",
            hints_given,
        )
    hint = _once(_diagnosis(got, _SWIGLU_MISTAKES, inputs), hints_given)
    worst = float(np.nanmax(np.abs(got - expected)))
    return (
        f"probe {k}: the largest difference from the right output is {worst:.3g}. {hint}".rstrip()
    )
