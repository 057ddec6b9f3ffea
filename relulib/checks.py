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

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from relulib.activations import relu

__all__ = ["Report", "check_relu", "check_relu_grad"]


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

    def __str__(self) -> str:
        if self.passed:
            return f"{self.name}: all {self.n_checks} checks passed."
        lines = [f"{self.name}: {len(self.failures)} of {self.n_checks} checks failed."]
        for failure in self.failures:
            lines += textwrap.wrap(
                failure,
                width=78,
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
