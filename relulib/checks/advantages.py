r"""Exercise checks for the Advantages chapter: the sigmoid bound, sparsity, an L1 penalty.

Each check calls the learner's function on probe inputs, compares with the right answer, and
when the answer is wrong, recognises the usual mistakes (a sum for a product, a tolerance for
an exact zero, a mean over the wrong axis) and says what went wrong.

Example:
    >>> print(check_sigmoid_bound(lambda depth: 0.25**depth))
    sigmoid_bound: all 5 checks passed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from relulib.checks import Report

__all__ = [
    "check_l1_penalty",
    "check_live_sparsity",
    "check_sigmoid_bound",
    "check_zero_fraction",
]

_DEPTHS = (1, 2, 3, 10, 20)

_BOUND_MISTAKES = (
    (
        lambda d: 0.5**d,
        "0.5 is the sigmoid's value at 0, not its slope: the slope is "
        "sigma(x) * (1 - sigma(x)), at most 1/2 * 1/2 = 1/4.",
    ),
    (
        lambda d: 0.25 * d,
        "the chain rule multiplies the layers' derivatives: the bound is a product, "
        "(1/4) ** depth, not a sum.",
    ),
    (
        lambda d: 0.25 ** (d - 1),
        "(1/4) ** (depth - 1) counts the steps between the first and the last of depth "
        "layers (the chapter's s_1 / s_L); a signal multiplied by one slope at each of "
        "depth layers picks up depth factors.",
    ),
    (lambda d: 0.25 ** (d + 1), "one factor 1/4 per layer: the exponent is depth, not depth + 1."),
    (lambda d: 1.0, "1 bounds ReLU's derivative, not the sigmoid's, which is at most 1/4."),
)


def check_sigmoid_bound(fn: Callable) -> Report:
    r"""Check ``fn(depth)``: the bound on a product of ``depth`` sigmoid derivatives.

    Since :math:`\sigma'(x) = \sigma(x)(1 - \sigma(x)) \le \tfrac14`, the product of the
    derivatives met along a path through :math:`L` sigmoid layers is at most
    :math:`(1/4)^L`.

    Args:
        fn: the learner's function of an integer depth.

    Returns:
        Report: one check per probe depth; wrong answers name the likely mistake.

    Example:
        >>> print(check_sigmoid_bound(lambda depth: 0.5**depth))  # doctest: +ELLIPSIS
        sigmoid_bound: 5 of 5 checks failed.
          - depth 1: expected 0.25, got 0.5: 0.5 is the sigmoid's value at 0, not its slope...
    """
    failures = [_bound_failure(fn, depth) for depth in _DEPTHS]
    return Report("sigmoid_bound", len(_DEPTHS), tuple(f for f in failures if f))


def _bound_failure(fn: Callable, depth: int) -> str | None:
    expected = 0.25**depth
    got, error = _number(fn, depth)
    if error:
        return f"depth {depth}: {error}"
    if math.isclose(got, expected, rel_tol=1e-9):
        return None
    hint = _match(got, [(m(depth), h) for m, h in _BOUND_MISTAKES])
    return f"depth {depth}: expected {expected:.6g}, got {got:.6g}" + (f": {hint}" if hint else ".")


def _zero_probes() -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    relu_like = np.maximum(rng.normal(size=(50, 8)), 0.0)
    tiny = np.array([[0.0, 1e-12, 2.0], [0.0, 0.0, 3e-9]])
    leaky = np.array([[-0.01, 0.0, 1.0, -0.3], [0.0, 0.5, -2.0, 0.0]])
    return [relu_like, tiny, leaky]


def _zero_fraction(h: np.ndarray) -> float:
    return float(np.mean(h == 0))


def _zero_mistakes(h: np.ndarray) -> list[tuple[float, str]]:
    n_zero = float(np.sum(h == 0))
    return [
        (
            1 - n_zero / h.size,
            "that is the fraction of non-zero entries; the sparsity counts the zeros.",
        ),
        (n_zero, "that is the number of zeros; divide by the number of entries, h.size."),
        (
            float(np.mean(np.isclose(h, 0))),
            "a tolerance counts tiny positive outputs as zeros; a ReLU's zeros are exact, "
            "so test h == 0.",
        ),
        (
            float(np.mean(h <= 0)),
            "h <= 0 also counts negative outputs (a leaky ReLU's); exact zeros are h == 0.",
        ),
        (
            n_zero / h.shape[0],
            "that divides by the batch size only; divide by every entry, units included.",
        ),
    ]


def check_zero_fraction(fn: Callable) -> Report:
    r"""Check ``fn(h)``: the fraction of entries of an array ``h`` that are exactly 0.

    .. math::

        \text{zero fraction} = \frac{\#\{(i, j) : h_{ij} = 0\}}{\#\{(i, j)\}},

    the sparsity measure of Glorot et al. (2011). Probes include tiny positive values and
    negative ones, which a tolerance or a ``<= 0`` test would count.

    Args:
        fn: the learner's function of a numpy array ``h`` of shape ``(samples, units)``.

    Returns:
        Report: one check per probe array.

    Example:
        >>> import numpy as np
        >>> print(check_zero_fraction(lambda h: float(np.mean(h == 0))))
        zero_fraction: all 3 checks passed.
        >>> print(check_zero_fraction(lambda h: float(np.mean(h <= 0))))  # doctest: +ELLIPSIS
        zero_fraction: 1 of 3 checks failed.
          - probe 3 (with negative outputs): expected 0.375, got 0.75: h <= 0 also counts...
    """
    names = ("ReLU outputs", "with tiny positive outputs", "with negative outputs")
    probes = zip(_zero_probes(), names, strict=True)
    return _array_report("zero_fraction", fn, probes, _zero_fraction, _zero_mistakes)


def _live_probes() -> list[np.ndarray]:
    rng = np.random.default_rng(2)
    two_dead = np.array(
        [
            [0.0, 1.0, 0.0, 0.0, 2.0],
            [0.0, 0.0, 0.0, 3.0, 1.0],
            [0.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.5, 0.0, 1.0, 4.0],
        ]
    )
    shifted = np.maximum(rng.normal(size=(40, 9)) + np.linspace(-4, 1, 9), 0.0)
    tiny = np.array(
        [
            [0.0, 1e-12, 0.0],
            [0.0, 0.0, 2.0],
            [0.0, 3e-9, 1.0],
            [0.0, 0.0, 0.5],
            [0.0, 2.0, 1.0],
        ]
    )
    all_dead = np.zeros((3, 4))
    return [two_dead, shifted, tiny, all_dead]


def _live_sparsity(h: np.ndarray) -> float:
    live = h[:, (h != 0).any(axis=0)]
    return float(np.mean(live == 0)) if live.size else math.nan


def _live_mistakes(h: np.ndarray) -> list[tuple[float, str]]:
    alive = (h != 0).any(axis=0)
    live = h[:, alive]
    if not live.size:
        hint = (
            "no unit is live on this batch, so there are no live outputs to count: the "
            "sparsity of the live units is undefined; return nan (np.mean of an empty array "
            "gives nan)."
        )
        return [(0.0, hint), (1.0, hint)]
    return [
        (
            float(np.mean(h == 0)),
            "that counts the zeros of dead units too (the columns that are zero on every row); "
            "leave those units out first: it is their death, not sparsity.",
        ),
        (
            float(np.mean(~alive)),
            "that is the fraction of dead units; the question is how often the live units are 0.",
        ),
        (
            float(np.mean(live != 0)),
            "that is how often the live units fire; the sparsity counts their zeros.",
        ),
        (
            float(np.sum(live == 0) / h.size),
            "the zeros of the live units must be divided by the number of live entries "
            "(samples x live units), not by every entry.",
        ),
        (
            float(np.mean(h[(h != 0).any(axis=1)] == 0)),
            "that drops the samples (rows) on which nothing fires; dead units are columns.",
        ),
        (
            float(np.mean(np.isclose(live, 0))),
            "a tolerance counts tiny positive outputs as zeros; a ReLU's zeros are exact, "
            "so test h == 0.",
        ),
    ]


def check_live_sparsity(fn: Callable) -> Report:
    r"""Check ``fn(h)``: the fraction of exact zeros among the *live* units of ``h``.

    For ReLU outputs ``h`` of shape (samples, units), a unit is dead on the batch when its
    column is 0 on every row; the others are live. The sparsity of the live units is

    .. math::

        \text{live sparsity} = \frac{\#\{(i, j) : j \text{ live},\ h_{ij} = 0\}}
        {N \cdot \#\{j \text{ live}\}},

    so that the fraction of all zeros splits as
    :math:`\text{dead} + (1 - \text{dead}) \cdot \text{live sparsity}`: dead units are
    death, the zeros of live units are sparsity. On a batch where every unit is dead there is
    no live output to count, and the live sparsity is undefined: NaN.

    Args:
        fn: the learner's function of a numpy array ``h``.

    Returns:
        Report: one check per probe array.

    Example:
        >>> import numpy as np
        >>> def live_sparsity(h):
        ...     return float(np.mean(h[:, (h != 0).any(axis=0)] == 0))
        >>> print(check_live_sparsity(live_sparsity))
        live_sparsity: all 4 checks passed.
        >>> print(check_live_sparsity(lambda h: float(np.mean(h == 0))))  # doctest: +ELLIPSIS
        live_sparsity: 4 of 4 checks failed.
          - probe 1 (two dead units): expected 0.416667, got 0.65: that counts the...
    """
    names = (
        "two dead units",
        "a layer with many dead units",
        "with tiny positive outputs",
        "every unit dead",
    )
    probes = zip(_live_probes(), names, strict=True)
    return _array_report("live_sparsity", fn, probes, _live_sparsity, _live_mistakes)


def _array_report(title, fn, probes, expected_of, mistakes_of) -> Report:
    """Run ``fn`` on each named probe array; explain each wrong answer by the known mistakes."""
    failures, count = [], 0
    for k, (h, name) in enumerate(probes, start=1):
        count += 1
        expected = expected_of(h)
        got, error = _number(fn, h.copy())
        if error:
            failures.append(f"probe {k} ({name}): {error}")
        elif not _same(got, expected):
            hint = _match(got, mistakes_of(h))
            failures.append(
                f"probe {k} ({name}): expected {expected:.6g}, got {got:.6g}"
                + (f": {hint}" if hint else ".")
            )
    return Report(title, count, tuple(failures))


def _l1_mistakes(h: np.ndarray, lam: float) -> list[tuple[float, str]]:
    return [
        (
            lam * float(np.sum(h, axis=1).mean()),
            "take absolute values: without them negative activations cancel positive ones "
            "(for ReLU outputs, h >= 0, it happens to make no difference).",
        ),
        (
            lam * float(np.sum(h**2, axis=1).mean()),
            "that squares the activations, an L2 penalty; L1 uses |h|.",
        ),
        (
            lam * float(np.abs(h).mean()),
            "that averages over units too; sum |h| over the units, then average over samples.",
        ),
        (
            lam * float(np.abs(h).sum()),
            "that sums over the batch too; average the per-sample sums over the samples.",
        ),
        (float(np.abs(h).sum(axis=1).mean()), "multiply by the penalty weight lam."),
    ]


def check_l1_penalty(fn: Callable) -> Report:
    r"""Check ``fn(h, lam)``: an L1 penalty on activations, averaged over the batch.

    For activations :math:`h` of shape (samples :math:`N`, units :math:`J`),

    .. math::

        \text{penalty} = \lambda \, \frac{1}{N} \sum_{i=1}^{N} \sum_{j=1}^{J} |h_{ij}| ,

    the term Glorot et al. (2011) added to the loss to get sparser codes. The probes include
    negative entries (as from a leaky ReLU) so that a missing ``abs`` shows.

    Args:
        fn: the learner's function of a numpy array ``h`` and a float ``lam``.

    Returns:
        Report: one check per probe.

    Example:
        >>> import numpy as np
        >>> print(check_l1_penalty(lambda h, lam: lam * np.abs(h).sum(axis=1).mean()))
        l1_penalty: all 3 checks passed.
        >>> print(check_l1_penalty(lambda h, lam: lam * np.abs(h).mean()))  # doctest: +ELLIPSIS
        l1_penalty: 3 of 3 checks failed.
          - probe 1: expected 0.18, got 0.06: that averages over units too...
    """
    rng = np.random.default_rng(1)
    probes = [
        (np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]]), 0.06),
        (np.array([[-1.0, 2.0], [0.5, -0.5], [0.0, 1.0]]), 0.5),
        (rng.normal(size=(20, 7)), 0.01),
    ]
    failures = []
    for k, (h, lam) in enumerate(probes, start=1):
        expected = lam * float(np.abs(h).sum(axis=1).mean())
        got, error = _number(fn, h.copy(), lam)
        if error:
            failures.append(f"probe {k}: {error}")
        elif not math.isclose(got, expected, rel_tol=1e-7, abs_tol=1e-12):
            hint = _match(got, _l1_mistakes(h, lam))
            failures.append(
                f"probe {k}: expected {expected:.6g}, got {got:.6g}"
                + (f": {hint}" if hint else ".")
            )
    return Report("l1_penalty", len(probes), tuple(failures))


def _number(fn: Callable, *args) -> tuple[float, str | None]:
    """Call ``fn(*args)`` and convert the result to a float, or say why that failed.

    NumPy's warnings (the mean of an empty array, say) are silenced: the answer is judged by
    its value, and a correct NaN must not print a warning in the learner's notebook.
    """
    if not callable(fn):
        return math.nan, f"expected a function, got {type(fn).__name__} {fn!r}."
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return float(fn(*args)), None
    except Exception as exc:  # the learner's bug is the message, whatever it is
        return math.nan, f"calling it raised {type(exc).__name__}: {exc}."


def _same(got: float, expected: float) -> bool:
    """``got`` equals ``expected`` up to rounding; NaN (an undefined value) only equals NaN."""
    if math.isnan(expected) or math.isnan(got):
        return math.isnan(expected) and math.isnan(got)
    return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12)


def _match(got: float, mistakes) -> str | None:
    """The hint of the first known mistake whose value equals ``got``, if any."""
    for value, hint in mistakes:
        if math.isclose(got, value, rel_tol=1e-9, abs_tol=1e-15):
            return hint
    return None
