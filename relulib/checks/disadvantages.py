r"""Exercise checks for the Disadvantages chapter: He initialisation, born-dead networks, dead
units, and a classifier's confidence.

Each ``check_*`` function calls a learner's function on probes chosen to expose the usual
mistakes and returns a :class:`relulib.checks.Report` whose failures say what went wrong.

Example:
    >>> import math
    >>> print(check_he_std(lambda fan_in: math.sqrt(2 / fan_in)))
    he_std: all 6 checks passed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np

from relulib.checks import Report

__all__ = [
    "born_dead_probability",
    "check_born_dead",
    "check_confidence",
    "check_dead_fraction",
    "check_he_std",
]

_FAN_INS = (1, 2, 3, 16, 256)
_SHAPES = ((2, 3), (3, 4), (3, 10), (4, 20), (8, 5))


def _not_callable(name: str, fn) -> Report:
    return Report(name, 1, (f"expected a function, got {type(fn).__name__} {fn!r}.",))


def _number(fn: Callable, *args) -> tuple[float | None, str | None]:
    """``float(fn(*args))``, or the error it raised, as a message."""
    try:
        return float(fn(*args)), None
    except Exception as exc:  # the learner's bug is the message, whatever it is
        return None, f"calling it raised {type(exc).__name__}: {exc}"


def _once(hint: str, given: set[str]) -> str:
    """``hint`` the first time, a pointer back to it afterwards."""
    if hint in given:
        return "(Same reason as above.)"
    given.add(hint)
    return hint


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


_HE_MISTAKES = (
    (
        lambda n: 2 / n,
        "That is the variance 2/fan_in; the std is its square root, sqrt(2/fan_in).",
    ),
    (
        lambda n: math.sqrt(1 / n),
        "That is LeCun's (or square Xavier's) std sqrt(1/fan_in). ReLU zeroes half of its "
        "input, halving the second moment, so He et al. double the variance: 2/fan_in.",
    ),
    (
        lambda n: math.sqrt(2) / n,
        "The std is sqrt(2/fan_in): the square root covers fan_in too.",
    ),
    (lambda n: math.sqrt(2 * n), "fan_in belongs in the denominator: sqrt(2/fan_in)."),
)


def _he_hint(values) -> str:
    """The explanation of the mistake that gives ``values`` at every probe fan_in."""
    for formula, hint in _HE_MISTAKES:
        if all(
            v is not None and _close(v, formula(n)) for n, v in zip(_FAN_INS, values, strict=True)
        ):
            return hint
    return "He et al. choose Var[w] = 2/fan_in, so that (1/2) fan_in Var[w] = 1."


def check_he_std(fn: Callable) -> Report:
    r"""Check a learner's ``fn(fan_in)``: the std of He-initialised weights before a ReLU.

    The answer is :math:`\sqrt{2 / n_\text{in}}` (He et al., 2015), for which each ReLU layer
    keeps the second moment of its input. Probes ``fan_in`` in 1, 2, 3, 16, 256, and that the
    std falls as ``fan_in`` grows.

    Args:
        fn: the learner's function of one positive integer.

    Returns:
        Report: one check per probe and one for the trend.

    Example:
        >>> report = check_he_std(lambda fan_in: 2 / fan_in)
        >>> print(report.failures[0])  # doctest: +ELLIPSIS
        fan_in 1: expected 1.41421, got 2. That is the variance 2/fan_in; ...
    """
    if not callable(fn):
        return _not_callable("he_std", fn)
    calls = [_number(fn, n) for n in _FAN_INS]
    values = [got for got, _ in calls]
    hint, given = _he_hint(values), set()
    failures = []
    for n, (got, error) in zip(_FAN_INS, calls, strict=True):
        expected = math.sqrt(2 / n)
        if error:
            failures.append(f"fan_in {n}: {error}.")
        elif not _close(got, expected):
            failures.append(
                f"fan_in {n}: expected {expected:.6g}, got {got:.6g}. " + _once(hint, given)
            )
    if None not in values and not all(a > b for a, b in itertools.pairwise(values)):
        failures.append(
            f"trend: for fan_in {list(_FAN_INS)} you return {[round(v, 4) for v in values]}. "
            "A unit with more inputs sums more terms, so each weight must get smaller."
        )
    return Report("he_std", len(_FAN_INS) + 1, tuple(failures))


def born_dead_probability(width: int, depth: int) -> float:
    r"""Lu et al.'s probability that a bias-free ReLU net is dead at one input at initialisation.

    A net of ``depth`` :math:`L` layers has :math:`L - 1` hidden layers of ``width``
    :math:`N`. With symmetric weights, each unit of a hidden layer whose input is not zero is
    off with probability 1/2, independently, so the layer is all zero with probability
    :math:`2^{-N}`; once one layer is zero, every later one is. Hence

    .. math::

        P(\text{some hidden layer is all zero}) = 1 - (1 - 2^{-N})^{L - 1}.

    Args:
        width (int): the width :math:`N` of every hidden layer.
        depth (int): the number of layers :math:`L` (hidden layers plus the output layer).

    Returns:
        float: the probability.

    Example:
        >>> round(born_dead_probability(3, 10), 3)
        0.699
    """
    return 1.0 - (1.0 - 2.0**-width) ** (depth - 1)


def _born_dead_hint(width: int, depth: int, got: float) -> str:
    alive = (1 - 2.0**-width) ** (depth - 1)
    known = {
        alive: "That is the probability that the network is alive; take 1 minus it.",
        1 - (1 - 2.0**-width) ** depth: (
            "The exponent is the number of hidden layers, L - 1: the output layer has no ReLU."
        ),
        min(1.0, (depth - 1) * 2.0**-width): (
            "(L - 1) 2^-N is the union bound, an upper bound: the events 'layer l is dead' "
            "overlap, and a layer can only die if the ones before it are alive."
        ),
        1 - (1 - 0.5**depth) ** (width - 1): "Width and depth are swapped.",
    }
    for value, hint in known.items():
        if _close(got, value):
            return hint
    return "A layer of N units is all zero with probability 2^-N; it must happen in none of L - 1."


def check_born_dead(fn: Callable) -> Report:
    r"""Check a learner's ``fn(width, depth)``: the probability a bias-free net is born dead.

    The answer is :func:`born_dead_probability`, :math:`1 - (1 - 2^{-N})^{L-1}`; each common
    slip (the complement, the exponent :math:`L`, the union bound, swapped arguments) gets its
    own explanation.

    Args:
        fn: the learner's function of two positive integers.

    Returns:
        Report: one check per probe ``(width, depth)``.

    Example:
        >>> report = check_born_dead(lambda n, depth: 1 - (1 - 2.0**-n) ** depth)
        >>> print(report.failures[0])  # doctest: +ELLIPSIS
        width 2, depth 3: expected 0.4375, got 0.578125. The exponent is ...
    """
    if not callable(fn):
        return _not_callable("born_dead", fn)
    failures, given = [], set()
    for width, depth in _SHAPES:
        got, error = _number(fn, width, depth)
        expected = born_dead_probability(width, depth)
        where = f"width {width}, depth {depth}"
        if error:
            failures.append(f"{where}: {error}.")
        elif not _close(got, expected):
            failures.append(
                f"{where}: expected {expected:.6g}, got {got:.6g}. "
                + _once(_born_dead_hint(width, depth, got), given)
            )
    return Report("born_dead", len(_SHAPES), tuple(failures))


def _activation_probes() -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(0)
    h = np.maximum(rng.normal(size=(6, 5)), 0)
    h[:, 1] = 0.0  # unit 1 is dead
    h[0, :] = 0.0  # sample 0 switches every unit off: a dead sample, not a dead unit
    h[2:, 3] = 0.0  # unit 3 fires on one sample only, so it is alive
    h[1, 3] = 0.7
    alive = np.abs(rng.normal(size=(4, 3))) + 0.1
    return [("a batch with one dead unit", h), ("a batch with no dead unit", alive)]


def _dead_hint(h: np.ndarray, got: float) -> str:
    known = {
        float(np.mean(h == 0)): (
            "That is the fraction of zero entries (the sparsity). A unit is dead when it is "
            "zero for every sample: (h == 0).all(axis=0), then the mean over units."
        ),
        float(np.mean((h == 0).all(axis=1))): (
            "That is the fraction of samples on which every unit is off: rows are samples, "
            "columns are units, so take .all(axis=0)."
        ),
        float(
            np.sum((h == 0).all(axis=0))
        ): "That is the number of dead units; divide by the number of units.",
    }
    for value, hint in known.items():
        if _close(got, value):
            return hint
    return "A unit (column) is dead when its output is 0 for every sample (row) of the batch."


def check_dead_fraction(fn: Callable) -> Report:
    r"""Check a learner's ``fn(h)``: the fraction of dead units in a ReLU layer's output.

    ``h`` is a numpy array of shape ``(samples, units)``; a unit is dead when its column is 0
    on every sample, and the answer is ``(h == 0).all(axis=0).mean()``, the rule of
    :func:`relulib.diagnostics.dead_units`.

    Args:
        fn: the learner's function of one 2-D array.

    Returns:
        Report: one check per probe batch; changing the batch in place fails it too.

    Example:
        >>> import numpy as np
        >>> report = check_dead_fraction(lambda h: np.mean(h == 0))
        >>> print(report.failures[0])  # doctest: +ELLIPSIS
        a batch with one dead unit: expected 0.2, got 0.7667. That is the fraction of zero ...
    """
    if not callable(fn):
        return _not_callable("dead_fraction", fn)
    failures = []
    probes = _activation_probes()
    for what, h in probes:
        original = h.copy()
        got, error = _number(fn, h)
        expected = float((original == 0).all(axis=0).mean())
        if error:
            failures.append(f"{what}: {error}.")
        elif not _close(got, expected):
            failures.append(
                f"{what}: expected {expected:.4g}, got {got:.4g}. " + _dead_hint(original, got)
            )
        if not np.array_equal(h, original):
            failures.append(f"{what}: your function changed its input; count, do not overwrite.")
    return Report("dead_fraction", len(probes), tuple(failures))


def _softmax_rows(z: np.ndarray, axis: int = 1) -> np.ndarray:
    """Softmax along ``axis``, shifted by the maximum so that nothing overflows."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _confidence_probes() -> list[tuple[str, np.ndarray]]:
    moderate = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0], [-1.0, 3.0, 0.5], [0.3, 0.2, 0.1]])
    huge = np.array([[1000.0, 0.0, -5.0], [-800.0, -1000.0, -760.0], [50.0, 750.0, 0.0]])
    two = np.array([[0.5, -0.5], [10.0, 10.5], [-3.0, 4.0]])
    return [
        ("moderate logits (3 classes)", moderate),
        ("huge logits, as far from the data", huge),
        ("two classes", two),
    ]


def _as_rows(got) -> np.ndarray | None:
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None


def _confidence_hint(z: np.ndarray, got: np.ndarray) -> str:
    expected = _softmax_rows(z).max(axis=1)
    if got.shape == z.shape:
        return (
            "You return the whole softmax, one probability per class; the confidence is one "
            "number per row (input): the largest of them, .max(axis=1)."
        )
    if got.shape != expected.shape:
        return (
            f"Expected one number per row (input), shape {expected.shape}, got shape "
            f"{got.shape}. Rows are inputs, columns are classes."
        )
    if not np.isfinite(got).all():
        return (
            "exp() overflows (or underflows to 0/0) for logits this large. Softmax does not "
            "change when a constant is added to every logit of a row: subtract the row's "
            "maximum before exponentiating. Far from the data a ReLU classifier's logits are "
            "exactly this large, so this is the case that matters."
        )
    with np.errstate(all="ignore"):
        known = {
            "axis": _softmax_rows(z, axis=0).max(axis=1),
            "argmax": z.argmax(axis=1).astype(float),
            "max logit": z.max(axis=1),
        }
    hints = {
        "axis": "You normalised over the inputs (axis 0). Rows are inputs, columns are classes: "
        "the softmax sums to 1 along axis=1.",
        "argmax": "That is the predicted class; the confidence is its probability.",
        "max logit": "That is the largest logit; the confidence is its softmax probability, "
        "exp(largest) / sum(exp(all)).",
    }
    for name, value in known.items():
        if np.allclose(got, value, rtol=1e-6, atol=1e-12, equal_nan=False):
            return hints[name]
    return "The confidence of a row z is max_k exp(z_k) / sum_j exp(z_j)."


def check_confidence(fn: Callable) -> Report:
    r"""Check a learner's ``fn(logits)``: each row's largest softmax probability.

    ``logits`` is a float64 array of shape ``(inputs, classes)``; the answer is
    :math:`\max_k e^{z_k} / \sum_j e^{z_j}` per row, an array of shape ``(inputs,)``. One
    probe holds logits in the thousands, as a ReLU classifier produces far from its data:
    there ``np.exp`` overflows unless the row's maximum is subtracted first. The other usual
    slips (the wrong axis, the class instead of its probability, the whole softmax) each get
    their own explanation. A function that changes its input fails too.

    Args:
        fn: the learner's function of one 2-D numpy array.

    Returns:
        Report: one check per probe array.

    Example:
        >>> import numpy as np
        >>> def naive(z):
        ...     return (np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)).max(axis=1)
        >>> report = check_confidence(naive)
        >>> print(report.failures[0])  # doctest: +ELLIPSIS
        huge logits, as far from the data: expected [1. 1. 1.], got [nan nan nan]. exp() ...
    """
    if not callable(fn):
        return _not_callable("confidence", fn)
    failures = []
    probes = _confidence_probes()
    for what, z in probes:
        original = z.copy()
        expected = _softmax_rows(original).max(axis=1)
        try:
            with np.errstate(all="ignore"):
                raw = fn(z)
        except Exception as exc:  # the learner's bug is the message, whatever it is
            failures.append(f"{what}: calling it raised {type(exc).__name__}: {exc}.")
            continue
        got = _as_rows(raw)
        if got is None:
            failures.append(f"{what}: expected an array of numbers, got {type(raw).__name__}.")
        elif got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-9, atol=0):
            shown = np.array2string(got, precision=4) if got.size <= 12 else f"shape {got.shape}"
            failures.append(
                f"{what}: expected {np.array2string(expected, precision=4)}, got {shown}. "
                + _confidence_hint(original, got)
            )
        if not np.array_equal(z, original):
            failures.append(f"{what}: your function changed its input; compute, do not overwrite.")
    return Report("confidence", len(probes), tuple(failures))
