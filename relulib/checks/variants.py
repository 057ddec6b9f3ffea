r"""Exercise checks for the Variants chapter: ELU with ``expm1``, SELU's constants, and the
variance-preserving gain of an activation.

Each check compares the learner's answer with the right one and, when it is wrong, recognises
the usual mistakes (``exp(x) - 1`` for ``expm1(x)``, a forgotten :math:`\alpha`, the two SELU
constants swapped, a variance where the second moment belongs) and says what went wrong.

Example:
    >>> import numpy as np
    >>> print(check_elu(lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x))))
    elu: all 6 checks passed.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np

from relulib.activations import SELU_ALPHA, SELU_SCALE, elu, leaky_relu, relu, selu
from relulib.checks import Report

__all__ = ["check_elu", "check_gain", "check_selu_constants"]

_ELU_CASES = (
    ("positive inputs", (0.5, 2.0, 30.0), 1.0, "ELU is the identity for x > 0."),
    (
        "negative inputs",
        (-0.5, -2.0, -5.0),
        1.0,
        "For x <= 0, ELU is alpha * (exp(x) - 1), which lies between -alpha and 0.",
    ),
    (
        "alpha = 2",
        (-1.0, -3.0, 1.0),
        2.0,
        "alpha scales the negative part only: 2 * (exp(x) - 1) for x <= 0, x for x > 0. "
        "Did you forget to use the alpha argument?",
    ),
    (
        "saturation",
        (-50.0, -np.inf),
        1.5,
        "As x -> -inf, exp(x) -> 0, so ELU saturates at -alpha (here -1.5).",
    ),
    ("zero", (0.0,), 1.0, "ELU(0) = alpha * (exp(0) - 1) = 0 = 0: both pieces give 0."),
)

_TINY = np.array([-1e-10, -1e-13, -3e-16])


def check_elu(fn: Callable) -> Report:
    r"""Check a learner's ``fn(x, alpha=1.0)``, ELU on numpy float64 arrays.

    .. math::
        \mathrm{ELU}(x) = x \text{ for } x > 0, \qquad \alpha\,(e^x - 1) \text{ for } x \le 0.

    Besides values, signs and saturation, it asks for full precision near 0, where
    ``np.exp(x) - 1`` loses digits to cancellation and ``np.expm1(x)`` does not.

    Args:
        fn: the learner's function of an array ``x`` and a keyword ``alpha``.

    Returns:
        Report: one check per group of inputs; wrong answers say what went wrong.

    Example:
        >>> import numpy as np
        >>> report = check_elu(lambda x, alpha=1.0: np.where(x > 0, x, alpha * (np.exp(x) - 1)))
        >>> print(report)  # doctest: +ELLIPSIS
        elu: 1 of 6 checks failed.
          - near 0: for x = [-1.e-10 -1.e-13 -3.e-16] the relative error is up to...
    """
    if not callable(fn):
        return Report("elu", 1, (f"expected a function, got {type(fn).__name__} {fn!r}.",))
    failures = [_elu_failure(fn, *case) for case in _ELU_CASES]
    failures.append(_precision_failure(fn))
    return Report("elu", len(failures), tuple(f for f in failures if f))


def _call(fn, x, alpha):
    try:
        with np.errstate(all="ignore"):
            return np.asarray(fn(x, alpha=alpha), dtype=np.float64), None
    except Exception as exc:  # the learner's bug is the message, whatever it is
        return None, f"{type(exc).__name__}: {exc}"


def _elu_failure(fn, what, values, alpha, hint) -> str | None:
    x = np.array(values)
    expected = elu(x, alpha)
    got, error = _call(fn, x, alpha)
    if error:
        return f"{what}: calling it on {x} with alpha={alpha:g} raised {error}."
    if got.shape == expected.shape and np.allclose(got, expected, rtol=1e-12, atol=0):
        return None
    return f"{what}: for x = {x}, alpha = {alpha:g} expected {expected}, got {got}. {hint}"


def _precision_failure(fn) -> str | None:
    expected = np.expm1(_TINY)
    got, error = _call(fn, _TINY, 1.0)
    if error:
        return f"near 0: calling it on {_TINY} raised {error}."
    rel = float(np.max(np.abs(got - expected) / np.abs(expected)))
    if rel <= 1e-12:
        return None
    return (
        f"near 0: for x = {_TINY} the relative error is up to {rel:.1e}. exp(x) is close to 1 "
        "there, so exp(x) - 1 cancels almost every digit (and gives exactly 0 below about "
        "1e-16); np.expm1(x) computes exp(x) - 1 without the cancellation."
    )


_SELU_MISTAKES = (
    (
        lambda a, s: (
            math.isclose(a, SELU_SCALE, rel_tol=1e-4) and math.isclose(s, SELU_ALPHA, rel_tol=1e-4)
        ),
        "the two constants are swapped: alpha (about 1.67) multiplies exp(x) - 1, the scale "
        "lambda (about 1.05) multiplies everything.",
    ),
    (
        lambda a, s: math.isclose(a, 1.0),
        "alpha = 1 is plain ELU, whose mean output is positive; alpha comes from the mean-zero "
        "condition: alpha = (1/sqrt(2 pi)) / (1/2 - e^(1/2) Phi(-1)).",
    ),
    (
        lambda a, s: math.isclose(s, 1.0),
        "lambda = 1 leaves the variance below 1; lambda comes from the unit-variance condition "
        "lambda^2 * E[selu_1(z)^2] = 1, with selu_1 the SELU without its scale.",
    ),
    (
        lambda a, s: math.isclose(s, math.sqrt(2.0), rel_tol=1e-3),
        "sqrt(2) makes the second moment of ReLU (1/2) equal to 1, but ignores the negative "
        "part alpha * (exp(z) - 1), which adds to the second moment.",
    ),
)


def check_selu_constants(alpha, scale, *, tol: float = 1e-6) -> Report:
    r"""Check a learner's SELU constants :math:`\alpha` and :math:`\lambda` (``scale``).

    For :math:`z \sim \mathcal N(0, 1)` they solve :math:`\mathbb E[\mathrm{SELU}(z)] = 0` and
    :math:`\mathbb E[\mathrm{SELU}(z)^2] = 1` (Klambauer et al., 2017):
    :math:`\alpha \approx 1.6733`, :math:`\lambda \approx 1.0507`.

    Args:
        alpha (float): the learner's :math:`\alpha`.
        scale (float): the learner's :math:`\lambda`.
        tol (float): the relative tolerance.

    Returns:
        Report: two checks, one per constant; a wrong pair names the likely mistake.

    Example:
        >>> print(check_selu_constants(1.0507, 1.6733, tol=1e-4))  # doctest: +ELLIPSIS
        selu_constants: 2 of 2 checks failed.
          - alpha: expected 1.673263, got 1.0507: the two constants are swapped...
    """
    try:
        a, s = float(alpha), float(scale)
    except (TypeError, ValueError):
        return Report("selu_constants", 1, (f"expected two numbers, got {alpha!r}, {scale!r}.",))
    hint = next((h for test, h in _SELU_MISTAKES if test(a, s)), "")
    failures = []
    for name, got, expected in (("alpha", a, SELU_ALPHA), ("scale", s, SELU_SCALE)):
        if not math.isclose(got, expected, rel_tol=tol):
            tail = f": {hint}" if hint else "."
            failures.append(f"{name}: expected {expected:.6f}, got {got:.6g}{tail}")
    return Report("selu_constants", 2, tuple(failures))


# --- the variance-preserving gain ------------------------------------------------------------

_Z = np.linspace(-12.0, 12.0, 240_001)  # 0 is a grid point, so every kink is exact
_DENSITY = np.exp(-(_Z**2) / 2) / math.sqrt(2 * math.pi)

_GAIN_CASES = (
    ("relu", relu),
    ("leaky_relu with slope 0.25", lambda x: leaky_relu(x, 0.25)),
    ("elu", elu),
    ("selu", selu),
    ("tanh", np.tanh),
)


def _expect(values) -> float:
    r""":math:`\mathbb E[g(z)]` for :math:`z \sim \mathcal N(0, 1)`, ``values`` = g on the grid."""
    return float(np.trapezoid(values * _DENSITY, _Z))


def _gain_hint(got: float, f) -> str:
    y = f(_Z)
    second, mean = _expect(y**2), _expect(y)
    near = functools.partial(math.isclose, got, rel_tol=0.01)
    if near(1 / second):
        return (
            "that is 1 / E[f(z)^2], the gain squared: the gain multiplies the weights' std, "
            "so take the square root."
        )
    if near(math.sqrt(second)):
        return "that is sqrt(E[f(z)^2]); the gain is its inverse, 1 / sqrt(E[f(z)^2])."
    if mean**2 > 1e-6 and near(1 / math.sqrt(second - mean**2)):
        return (
            "that is 1 / sqrt(Var[f(z)]), with the variance where the second moment belongs. "
            "For zero-mean weights the next layer's pre-activation has variance "
            "n Var[w] E[x^2] (He et al., 2015, section 2.2): the inputs' second moment, mean "
            "included, and f(z) does not have mean 0."
        )
    if near(math.sqrt(2.0)):
        return (
            "that is He's gain for ReLU, sqrt(2); every activation has its own second moment "
            "E[f(z)^2], and so its own gain."
        )
    return "the gain is 1 / sqrt(E[f(z)^2]) for z ~ N(0, 1)."


def check_gain(fn: Callable, *, tol: float = 0.01) -> Report:
    r"""Check a learner's ``fn(f)``: the variance-preserving gain of an activation ``f``.

    Weights of std :math:`g / \sqrt{n_\text{in}}` keep the variance of the pre-activations
    from layer to layer when :math:`n\, \mathrm{Var}[w]\, \mathbb E[f(z)^2] = 1`
    (He et al., 2015, section 2.2, for ReLU), that is

    .. math::
        g = \frac{1}{\sqrt{\mathbb E[f(z)^2]}}, \qquad z \sim \mathcal N(0, 1):

    :math:`\sqrt 2` for ReLU (He), 1 for SELU (LeCun). ``fn`` gets numpy activations (a
    function of an array) and returns a number; a Monte Carlo estimate passes if it is within
    ``tol`` (relative) of the value computed here by quadrature.

    Args:
        fn: the learner's function of an activation.
        tol (float): the relative tolerance.

    Returns:
        Report: one check per activation (ReLU, leaky ReLU, ELU, SELU, tanh); a wrong answer
        names the likely mistake.

    Example:
        >>> import numpy as np
        >>> z = np.random.default_rng(0).standard_normal(10**6)
        >>> print(check_gain(lambda f: 1 / np.sqrt(np.mean(f(z) ** 2))))
        gain: all 5 checks passed.
        >>> print(check_gain(lambda f: 1 / np.std(f(z))))  # doctest: +ELLIPSIS
        gain: 3 of 5 checks failed.
          - relu: expected 1.4142, got 1.711: that is 1 / sqrt(Var[f(z)]), with the...
    """
    if not callable(fn):
        return Report("gain", 1, (f"expected a function, got {type(fn).__name__} {fn!r}.",))
    failures, hints_given = [], set()
    for name, f in _GAIN_CASES:
        expected = 1 / math.sqrt(_expect(f(_Z) ** 2))
        try:
            with np.errstate(all="ignore"):
                got = float(fn(f))
        except Exception as exc:  # the learner's bug is the message, whatever it is
            failures.append(f"{name}: calling it raised {type(exc).__name__}: {exc}.")
            continue
        if not math.isclose(got, expected, rel_tol=tol):
            hint = _gain_hint(got, f)
            said = hint in hints_given
            hints_given.add(hint)
            hint = "the same mistake as above." if said else hint
            failures.append(f"{name}: expected {expected:.4f}, got {got:.4g}: {hint}")
    return Report("gain", len(_GAIN_CASES), tuple(failures))
