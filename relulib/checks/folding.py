r"""Exercise checks for the chapter on depth and folding.

* :func:`check_tent_network`: a learner's ``nn.Sequential`` for the tent map composed
  :math:`k` times, checked with the exact piece count of :func:`relulib.regions.count_pieces`;
* :func:`check_region_formula`: a learner's formula for the number of regions that
  :math:`N` hyperplanes in general position cut :math:`\mathbb{R}^{n_0}` into;
* :func:`check_square_network`: a learner's ``nn.Sequential`` for Yarotsky's approximation
  of :math:`x^2` with :math:`m` folds, checked for its values, pieces and exact error.

Both return a :class:`relulib.checks.Report` whose failures say what went wrong and why.

Example:
    >>> from relulib.regions import tent_network
    >>> print(check_tent_network(tent_network(3), 3))
    tent network: all 5 checks passed.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from relulib.checks import Report
from relulib.regions import count_pieces, max_error_to_square

__all__ = ["check_region_formula", "check_square_network", "check_tent_network"]

_PROBES = np.array([0.0, 0.1, 0.3, 0.45, 0.5, 0.62, 0.8, 1.0])


def _tent_power(x, depth):
    for _ in range(depth):
        x = 1.0 - np.abs(2.0 * x - 1.0)
    return x


def _hidden_widths(model):
    return [layer.out_features for layer in model if isinstance(layer, nn.Linear)][:-1]


def check_tent_network(model, depth: int) -> Report:
    r"""Check a learner's ReLU network for the tent map :math:`t(x) = 1 - |2x - 1|`, composed.

    The network should compute :math:`t^{\circ k}` with :math:`k` = ``depth``.

    Telgarsky (2016): :math:`t^{\circ k}` has :math:`2^k` linear pieces on :math:`[0, 1]`
    and needs only :math:`k` hidden layers of 2 ReLUs. Checked: the model is an
    ``nn.Sequential``; it has ``depth`` hidden layers of at most 2 units; it maps
    :math:`[0, 1]` into :math:`[0, 1]`; its values match :math:`t^{\circ k}`; and
    :func:`relulib.regions.count_pieces` finds exactly :math:`2^k` pieces.

    Args:
        model: the learner's ``torch.nn.Sequential`` (1 input, 1 output).
        depth: the number of compositions :math:`k`.

    Returns:
        Report: the verdict, with a teaching message for each failed check.

    Example:
        >>> from torch import nn
        >>> report = check_tent_network(nn.Sequential(nn.Linear(1, 1)), 1)
        >>> report.passed
        False
    """
    evaluated = _evaluate("tent network", model, _PROBES, _count_pieces)
    if isinstance(evaluated, Report):
        return evaluated
    got, pieces = evaluated
    failures = [
        _layers_failure(_hidden_widths(model), depth),
        _range_failure(got),
        _values_failure(got, depth),
        _pieces_failure(pieces, depth),
        _relu_failure(model),
    ]
    return Report("tent network", len(failures), tuple(f for f in failures if f))


def _count_pieces(model):
    return count_pieces(model, 0.0, 1.0)


def _evaluate(name, model, probes, measure):
    """The model's values at ``probes`` and ``measure(model)``, or a Report saying why not."""
    if not isinstance(model, nn.Sequential):
        got = type(model).__name__
        return Report(name, 1, (f"expected a torch.nn.Sequential, got {got}.",))
    try:
        x = torch.tensor(probes[:, None], dtype=torch.float64)
        with torch.no_grad():
            values = copy.deepcopy(model).double()(x).numpy().ravel()
        return values, measure(model)
    except (TypeError, ValueError, RuntimeError) as exc:
        return Report(name, 1, (f"the model could not be evaluated: {exc}",))


def _layers_failure(widths, depth):
    if len(widths) == depth and all(w <= 2 for w in widths):
        return None
    return (
        f"layers: hidden widths {widths}, expected {depth} hidden layers of 2 units. Each "
        "fold is one hidden layer of two ReLUs, relu(x) and relu(x - 1/2); the next layer's "
        "weights combine them as 2 relu(x) - 4 relu(x - 1/2)."
    )


def _range_failure(got):
    if np.all((got >= -1e-9) & (got <= 1 + 1e-9)):
        return None
    return (
        f"range: on [0, 1] the outputs run from {got.min():.3g} to {got.max():.3g}. One fold "
        "must map [0, 1] onto [0, 1] (t(1/2) = 1, t(0) = t(1) = 0), or the next fold acts "
        "on points outside [0, 1] and does not fold them: check the factor 2 in 2 relu(x) "
        "and the -4 in -4 relu(x - 1/2)."
    )


def _other_depth(got, depth, construction, depths):
    """The ``k != depth`` among ``depths`` whose ``construction(k)`` the values match, or None."""
    matches = (k for k in depths if k != depth and np.allclose(got, construction(k), atol=1e-6))
    return next(matches, None)


def _values_failure(got, depth):
    expected = _tent_power(_PROBES, depth)
    if np.allclose(got, expected, atol=1e-6):
        return None
    k = _other_depth(got, depth, lambda k: _tent_power(_PROBES, k), range(1, depth + 3))
    if k is not None:
        return (
            f"values: your network computes the tent map composed {k} times, not "
            f"{depth}: count the hidden layers (one per fold)."
        )
    return (
        f"values: at x = {_PROBES.tolist()} expected {np.round(expected, 4).tolist()}, got "
        f"{np.round(got, 4).tolist()}. t(x) = 2 relu(x) - 4 relu(x - 1/2) on [0, 1]."
    )


def _pieces_failure(pieces, depth):
    if pieces == 2**depth:
        return None
    hint = "each fold maps [0, 1] onto [0, 1] twice and so doubles the number of pieces."
    if pieces == depth + 1:
        hint = "k + 1 pieces is what adding k hinges gives; composing folds multiplies: " + hint
    return (
        f"pieces: count_pieces found {pieces} linear pieces on [0, 1], expected "
        f"2^{depth} = {2**depth}: {hint}"
    )


def _relu_failure(model):
    acts = [layer for layer in model if not isinstance(layer, (nn.Linear, nn.Identity))]
    if all(isinstance(layer, nn.ReLU) for layer in acts):
        return None
    kinds = sorted({type(layer).__name__ for layer in acts})
    return f"activations: use nn.ReLU between the Linear layers, found {kinds}."


def _general_position(n, d):
    return sum(math.comb(n, j) for j in range(d + 1))


def _formula_hint(got, n, d):
    hints = {
        2**n: "2^N counts every on/off pattern, but N hyperplanes in n0 < N dimensions cannot "
        "realise all of them: three lines in the plane make 7 regions, not 8.",
        n + 1: "N + 1 is the count on a line (n0 = 1), where N points cut it into N + 1 "
        "intervals; in higher dimensions the hyperplanes also cross each other.",
        _general_position(n, d) - 1: "you are one short: the sum starts at j = 0, "
        "C(N, 0) = 1, the region no hyperplane touches.",
        1 + n + n * n: "count the crossings of two lines once: C(N, 2) = N (N - 1) / 2.",
    }
    if d != 2 and got == _general_position(n, 2):
        return "That is the count in the plane (n0 = 2); in general the sum runs to j = n0."
    return hints.get(got, "Zaslavsky: the sum over j = 0, ..., n0 of C(N, j).")


def check_region_formula(fn: Callable) -> Report:
    r"""Check a learner's ``fn(n_units, n_inputs)``: the regions of a general arrangement.

    :math:`N` hyperplanes in general position cut :math:`\mathbb{R}^{n_0}` into
    :math:`\sum_{j=0}^{n_0} \binom{N}{j}` regions (Zaslavsky's count of a hyperplane
    arrangement), the most a one-hidden-layer ReLU network with :math:`N` units and
    :math:`n_0` inputs can have.

    Args:
        fn: the learner's function of ``(n_units, n_inputs)``, returning an integer.

    Returns:
        Report: the verdict, with a teaching message for each failed case.

    Example:
        >>> print(check_region_formula(lambda n, d: 2**n))  # doctest: +ELLIPSIS
        regions formula: 6 of 7 checks failed.
        ...
    """
    name = "regions formula"
    if not callable(fn):
        return Report(name, 1, (f"expected a function, got {type(fn).__name__} {fn!r}.",))
    cases = [(1, 1), (3, 1), (3, 2), (4, 2), (10, 2), (5, 3), (6, 4)]
    failures, seen = [], set()
    for n, d in cases:
        expected = _general_position(n, d)
        try:
            got = int(fn(n, d))
        except Exception as exc:  # the learner's bug is the message, whatever it is
            failures.append(f"N = {n}, n0 = {d}: calling it raised {type(exc).__name__}: {exc}.")
            continue
        if got != expected:
            hint = _formula_hint(got, n, d)
            hint, seen = ("(Same reason as above.)" if hint in seen else hint), seen | {hint}
            failures.append(f"N = {n}, n0 = {d}: expected {expected}, got {got}. {hint}")
    return Report(name, len(cases), tuple(failures))


_SQUARE_PROBES = np.linspace(0.0, 1.0, 1025)


def _square_approximation(x, m, divisor=4.0, sign=-1.0, clip=False):
    """x + sign * sum_s g_s(x) / divisor^s (Yarotsky's f_m for divisor 4 and sign -1).

    With ``clip``, the running sum passes through a ReLU before each further fold, as in a
    network that carries it in a hidden unit (a no-op for Yarotsky's f_m, which is >= 0).
    """
    total, g = np.array(x, dtype=np.float64), np.array(x, dtype=np.float64)
    for s in range(1, m + 1):
        g = 1.0 - np.abs(2.0 * g - 1.0)
        total = total + sign * g / divisor**s
        if clip and s < m:
            total = np.maximum(total, 0.0)
    return total


def _matches_variant(got, m, **variant):
    return m >= 1 and any(
        np.allclose(got, _square_approximation(_SQUARE_PROBES, m, clip=clip, **variant), atol=1e-9)
        for clip in (False, True)
    )


def check_square_network(model, m: int) -> Report:
    r"""Check a learner's ReLU network for Yarotsky's approximation of :math:`x^2` on [0, 1].

    The network should compute
    :math:`f_m(x) = x - \sum_{s=1}^{m} g_s(x) / 2^{2s}`, :math:`g_s` the tent map composed
    :math:`s` times (Yarotsky 2017). Checked: the model is an ``nn.Sequential`` of
    ``nn.Linear`` and ``nn.ReLU`` layers; its values on [0, 1] match :math:`f_m`; it has
    :math:`2^m` linear pieces (:func:`relulib.regions.count_pieces`); and its largest error
    is exactly :math:`2^{-2m-2}` (:func:`relulib.regions.max_error_to_square`).

    Args:
        model: the learner's ``torch.nn.Sequential`` (1 input, 1 output).
        m: the number of folds :math:`m \ge 0`.

    Returns:
        Report: the verdict, with a teaching message for each failed check.

    Example:
        >>> from relulib.regions import yarotsky_square
        >>> print(check_square_network(yarotsky_square(3), 3))
        square network: all 4 checks passed.
    """
    name = "square network"
    evaluated = _evaluate(name, model, _SQUARE_PROBES, _pieces_and_error)
    if isinstance(evaluated, Report):
        return evaluated
    got, (pieces, error) = evaluated
    failures = [
        _square_values_failure(got, m),
        _square_pieces_failure(pieces, m),
        _square_error_failure(error, m),
        _relu_failure(model),
    ]
    return Report(name, len(failures), tuple(f for f in failures if f))


def _pieces_and_error(model):
    return count_pieces(model, 0.0, 1.0), max_error_to_square(model, 0.0, 1.0)


def _square_values_failure(got, m):
    if np.allclose(got, _square_approximation(_SQUARE_PROBES, m), atol=1e-9):
        return None
    k = _other_depth(got, m, lambda k: _square_approximation(_SQUARE_PROBES, k), range(m + 3))
    if k is not None:
        return (
            f"values: your network computes f_{k}, the approximation with {k} folds, "
            f"not f_{m}: each fold g_s needs one more hidden layer."
        )
    if _matches_variant(got, m, divisor=2.0):
        return (
            "values: you subtract g_s / 2^s, but the correction is g_s / 2^(2s) = g_s / 4^s: "
            "halving the spacing of the interpolation points shrinks the gap to x^2 by 4."
        )
    if _matches_variant(got, m, sign=1.0):
        return (
            "values: you add the corrections; f_m = x - sum_s g_s / 4^s lies above x^2 and "
            "each fold brings it down."
        )
    expected = _square_approximation(_SQUARE_PROBES, m)
    worst = int(np.argmax(np.abs(got - expected)))
    return (
        f"values: at x = {_SQUARE_PROBES[worst]:.4g} expected f_{m}(x) = {expected[worst]:.6g}, "
        f"got {got[worst]:.6g}. f_m(x) = x - sum over s = 1..m of g_s(x) / 4^s, with g_s the "
        "tent map t(x) = 2 relu(x) - 4 relu(x - 1/2) composed s times."
    )


def _square_pieces_failure(pieces, m):
    if pieces == 2**m:
        return None
    return (
        f"pieces: count_pieces found {pieces} linear pieces on [0, 1], expected 2^{m} = "
        f"{2**m}: f_m interpolates x^2 at the {2**m + 1} points j / 2^{m}, one piece between "
        "each two."
    )


def _square_error_failure(error, m):
    expected = 2.0 ** (-2 * m - 2)
    if abs(error - expected) <= 1e-9 * expected:
        return None
    return (
        f"error: the largest |f(x) - x^2| on [0, 1] is {error:.6g}, expected 2^(-2m-2) = "
        f"{expected:.6g}: on a piece of width h = 2^-{m} the interpolant misses x^2 by at most "
        "h^2 / 4, in the middle of the piece."
    )
