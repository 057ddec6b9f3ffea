r"""Exercise checks that turn a wrong answer into a teaching message.

Each ``check_*`` function runs a learner's function on inputs chosen to expose the usual
mistakes and returns a :class:`Report`. A report shows as a short verdict in a notebook, is
truthy when every check passed, and :meth:`Report.raise_if_failed` turns it into an
``AssertionError`` for autograders.

Example:
    >>> import numpy as np
    >>> print(check_relu(lambda x: np.maximum(x, 0)))
    relu: all 8 checks passed.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from relulib.activations import relu

__all__ = ["Report", "check_fraction_active", "check_hat", "check_relu", "check_relu_grad"]


@dataclass(frozen=True)
class Report:
    """The outcome of an exercise check: what was checked and what went wrong."""

    name: str
    n_checks: int
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    def __bool__(self) -> bool:
        return self.passed

    #: The width of a failure report in columns, as much as a solution dropdown shows.
    WIDTH = 70

    def __str__(self) -> str:
        if self.passed:
            return f"{self.name}: all {self.n_checks} checks passed."
        lines = [f"{self.name}: {len(self.failures)} of {self.n_checks} checks failed."]
        for failure in self.failures:
            lines += textwrap.wrap(
                failure,
                width=self.WIDTH,
                initial_indent="  - ",
                subsequent_indent="    ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        return "\n".join(lines)

    __repr__ = __str__

    def raise_if_failed(self) -> None:
        """Raise ``AssertionError`` with the teaching message unless every check passed."""
        if not self.passed:
            raise AssertionError(str(self))


@dataclass(frozen=True)
class _Case:
    what: str
    values: tuple[float, ...]
    hint: str


_NAN, _INF = float("nan"), float("inf")

_RELU_CASES = (
    _Case("negative inputs", (-3.0, -0.5, -1e-8), "ReLU sets every negative input to 0."),
    _Case("positive inputs", (1e-8, 0.5, 3.0), "ReLU passes positive inputs through unchanged."),
    _Case("zero", (0.0,), "ReLU(0) = max(0, 0) = 0."),
    _Case(
        "NaN",
        (_NAN,),
        "NaN must stay NaN, or a bug upstream disappears silently. np.where(x > 0, x, 0) "
        "maps NaN to 0 because NaN > 0 is False; np.maximum(x, 0) propagates NaN.",
    ),
    _Case(
        "infinities",
        (_INF, -_INF),
        "ReLU(inf) = inf and ReLU(-inf) = 0. x * (x > 0) fails here: -inf * 0 is NaN.",
    ),
)

_RELU_GRAD_CASES = (
    _Case("negative inputs", (-3.0, -0.5, -1e-8), "ReLU is flat left of 0: its slope is 0."),
    _Case("positive inputs", (1e-8, 0.5, 3.0), "ReLU is the identity right of 0: slope 1."),
    _Case(
        "the kink at 0 and -0.0",
        (0.0, -0.0),
        "ReLU has no derivative at 0; PyTorch, JAX and TensorFlow all use 0 there (the "
        "left derivative), so x > 0, not x >= 0, decides the slope.",
    ),
    _Case("infinities", (_INF, -_INF), "The slope is 1 at +inf and 0 at -inf."),
)


_HAT_CASES = (
    _Case(
        "left of -1",
        (-3.0, -2.0, -1.5),
        "The hat is 0 left of -1, so no unit may be switched on there: the first hinge is "
        "relu(x + 1), which starts at x = -1.",
    ),
    _Case(
        "between -1 and 0",
        (-0.75, -0.5, -0.25),
        "Between -1 and 0 the hat rises with slope 1: that is relu(x + 1) alone.",
    ),
    _Case("the peak", (0.0,), "At x = 0 the hat is 1: relu(0 + 1) = 1, the other hinges are 0."),
    _Case(
        "between 0 and 1",
        (0.25, 0.5, 0.75),
        "Between 0 and 1 the hat falls with slope -1. The slope must change from +1 to -1, a "
        "change of -2, so the hinge at 0 needs output weight -2: -2 * relu(x).",
    ),
    _Case(
        "right of 1",
        (1.0, 1.5, 2.0, 3.0),
        "Right of 1 the hat is 0 again, so the slope must change from -1 back to 0: a third "
        "hinge, + relu(x - 1). Without it the function keeps falling below 0.",
    ),
)


def _hat(x):
    return relu(1 - np.abs(x))


def check_hat(fn: Callable) -> Report:
    """Check a learner's ``fn(x)`` for the hat function ``max(0, 1 - |x|)`` on numpy arrays.

    The hat is a sum of three hinges; each region of the line where a hinge is missing or
    has the wrong weight gets its own explanation.

    Example:
        >>> import relulib
        >>> report = check_hat(lambda x: relulib.relu(x + 1) - 2 * relulib.relu(x))
        >>> print(report)  # doctest: +ELLIPSIS
        hat: 1 of 7 checks failed.
          - right of 1: for x = [1.  1.5 2.  3. ] expected [0. 0. 0. 0.], got...
        >>> print(report.failures[0])  # doctest: +ELLIPSIS
        right of 1: ... Without it the function keeps falling below 0.
    """
    if not callable(fn):
        return Report("hat", 1, (f"expected a function, got {type(fn).__name__} {fn!r}.",))
    failures = [_value_failure(fn, _hat, case) for case in _HAT_CASES]
    failures += [_shape_failure(fn), _mutation_failure(fn)]
    return Report("hat", len(failures), tuple(f for f in failures if f))


_BIASES = (-2.0, -1.0, 0.0, 0.5, 1.0, 2.0)


def _normal_cdf(b: float) -> float:
    return 0.5 * (1.0 + math.erf(b / math.sqrt(2.0)))


def check_fraction_active(fn: Callable, *, tol: float = 0.01) -> Report:
    """Check a learner's ``fn(b)``: the fraction of units with ``z + b > 0`` for ``z ~ N(0, 1)``.

    The answer is :math:`\\Phi(b)`, the standard normal CDF. A Monte Carlo estimate passes if
    it is within ``tol`` of it at every probe bias; the function must also grow with ``b``.

    Example:
        >>> print(check_fraction_active(lambda b: 0.5))  # doctest: +ELLIPSIS
        fraction_active: 6 of 7 checks failed.
          - bias -2: expected about 0.0228, got 0.5...
    """
    if not callable(fn):
        name = type(fn).__name__
        return Report("fraction_active", 1, (f"expected a function, got {name} {fn!r}.",))
    values, failures, hints_given = [], [], set()
    for b in _BIASES:
        got, failure, hint = _fraction_at(fn, b, tol)
        values.append(got)
        if failure and hint:
            failure += " " + (hint if hint not in hints_given else "(Same reason as above.)")
            hints_given.add(hint)
        failures.append(failure)
    failures.append(_monotone_failure(values))
    return Report("fraction_active", len(failures), tuple(f for f in failures if f))


def _fraction_at(fn: Callable, b: float, tol: float) -> tuple[float | None, str | None, str]:
    """The learner's value at bias ``b``, what is wrong with it, and why (each may be empty)."""
    try:
        got = float(fn(b))
    except Exception as exc:  # the learner's bug is the message, whatever it is
        return None, f"bias {b:g}: calling it raised {type(exc).__name__}: {exc}.", ""
    expected = _normal_cdf(b)
    if abs(got - expected) <= tol:
        return got, None, ""
    failure = f"bias {b:g}: expected about {expected:.4f}, got {got:.4g}."
    return got, failure, _fraction_hint(b, got, tol)


def _fraction_hint(b: float, got: float, tol: float) -> str:
    if 1 < got <= 100:
        return "That looks like a percentage: return a fraction between 0 and 1."
    if abs(got - (1 - _normal_cdf(b))) <= tol:
        return (
            "That is the fraction of inactive units (exact zeros), or the bias with the wrong "
            "sign: a positive bias moves pre-activations to the right, so more units are active."
        )
    if b == 0:
        return "With zero bias the pre-activations are symmetric about 0: half are active."
    return "A unit is active when z + b > 0, that is z > -b, which has probability Phi(b)."


def _monotone_failure(values) -> str | None:
    if any(v is None for v in values) or all(a < b for a, b in itertools.pairwise(values)):
        return None
    return (
        f"growth: for biases {list(_BIASES)} your fractions are "
        f"{[round(v, 4) for v in values]}. A larger bias makes more pre-activations positive, "
        "so the fraction of active units must increase with the bias."
    )


def check_relu(fn: Callable) -> Report:
    """Check a learner's ``fn(x) -> ReLU(x)`` for numpy arrays.

    Checks values (negative, positive, zero, NaN, ±inf), that a 2-D input keeps its shape,
    that float32 stays float32, and that the input array is left unchanged.

    Example:
        >>> import numpy as np
        >>> report = check_relu(lambda x: np.where(x > 0, x, 0))
        >>> report.passed
        False
        >>> print(report.failures[0])  # doctest: +ELLIPSIS
        NaN: for x = [nan] expected [nan], got [0.]. NaN must stay NaN...
    """
    return _check_elementwise(fn, relu, "relu", _RELU_CASES)


def check_relu_grad(fn: Callable) -> Report:
    """Check a learner's ``fn(x) -> d/dx ReLU(x)``, with PyTorch's convention at the kink.

    Example:
        >>> import numpy as np
        >>> print(check_relu_grad(lambda x: (x >= 0).astype(x.dtype)))  # doctest: +ELLIPSIS
        relu.grad: 1 of 7 checks failed.
          - the kink at 0 and -0.0: for x = [ 0. -0.] expected [0. 0.], got [1. 1.]...
    """
    return _check_elementwise(fn, relu.grad, "relu.grad", _RELU_GRAD_CASES)


def _check_elementwise(fn: Callable, reference: Callable, name: str, cases) -> Report:
    if not callable(fn):
        return Report(name, 1, (f"expected a function, got {type(fn).__name__} {fn!r}.",))
    failures = [_value_failure(fn, reference, case) for case in cases]
    failures += [_shape_failure(fn), _dtype_failure(fn), _mutation_failure(fn)]
    found = tuple(failure for failure in failures if failure)
    return Report(name, len(failures), found)


def _value_failure(fn: Callable, reference: Callable, case: _Case) -> str | None:
    x = np.array(case.values)
    expected = reference(x)
    got, error = _call(fn, x)
    if error:
        return f"{case.what}: calling it on {x} raised {error}."
    if got.shape != expected.shape or not np.array_equal(got, expected, equal_nan=True):
        return f"{case.what}: for x = {x} expected {expected}, got {got}. {case.hint}"
    return None


def _shape_failure(fn: Callable) -> str | None:
    x = np.arange(-3.0, 3.0).reshape(2, 3)
    got, error = _call(fn, x)
    if error:
        return f"shape: calling it on a 2x3 array raised {error}."
    if got.shape != x.shape:
        return (
            f"shape: a {x.shape} input came back with shape {got.shape}. An activation is "
            "applied elementwise and keeps the shape of its input."
        )
    return None


def _dtype_failure(fn: Callable) -> str | None:
    x = np.array([-1.5, 0.0, 2.5], dtype=np.float32)
    got, error = _call(fn, x)
    if error:
        return f"dtype: calling it on a float32 array raised {error}."
    if got.dtype != np.float32:
        return (
            f"dtype: a float32 input came back as {got.dtype}. Keep the input's dtype "
            "(networks run in float32): np.maximum(x, 0) keeps it, while x.astype(float) "
            "or np.array(x, dtype=float) turn it into float64."
        )
    return None


def _mutation_failure(fn: Callable) -> str | None:
    x = np.array([-2.0, -0.5, 0.0, 1.5])
    original = x.copy()
    _call(fn, x)
    if not np.array_equal(x, original, equal_nan=True):
        return (
            f"input modified: your function changed its argument from {original} to {x}. "
            "Something like x[x < 0] = 0 writes into the caller's array; compute a new "
            "array instead (np.maximum(x, 0) returns one)."
        )
    return None


def _call(fn: Callable, x: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    try:
        with np.errstate(all="ignore"):
            return np.asarray(fn(x)), None
    except Exception as exc:  # the learner's bug is the message, whatever it is
        return None, f"{type(exc).__name__}: {exc}"
