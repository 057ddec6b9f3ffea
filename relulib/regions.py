r"""Exact linear pieces and activation regions of small ReLU networks, and folding constructions.

A network of ``nn.Linear`` layers and piecewise-linear activations computes a continuous,
piecewise-affine function. This module computes its pieces exactly, for 1-D and 2-D inputs:

* :func:`count_pieces` and :func:`linear_pieces`: the maximal intervals of ``[lo, hi]`` on
  which a 1-D-input network is affine (Telgarsky 2016; Montúfar et al. 2014);
* :func:`count_activation_regions` and :func:`activation_regions`: the regions of a 1-D or
  2-D box with a constant activation pattern, as intervals or as convex polygons
  (Hanin & Rolnick 2019);
* :func:`activation_patterns` and :func:`count_patterns_on_grid`: the patterns at given
  points, the sampling baseline that can only see fewer regions than there are;
* :func:`tent_network`, :func:`sawtooth_network` and :func:`montufar_network`: the folding
  constructions whose counts are known in closed form (:func:`montufar_count`);
* :func:`yarotsky_square` and :func:`hinge_network`: a deep and a one-hidden-layer
  approximation of :math:`x^2` (Yarotsky 2017), and :func:`max_error_to_square` and
  :func:`l1_distance`, their errors computed exactly from the pieces.

A model is a ``torch.nn.Sequential`` of ``nn.Linear``, ``nn.ReLU``, ``nn.LeakyReLU``,
``nn.PReLU`` and ``nn.Identity`` layers; nested ``nn.Sequential`` blocks are flattened. The
*activation pattern* at an input is, for every unit of every activation layer in order,
whether its pre-activation is ``> 0``. For a fixed pattern, the network is affine and the
inputs with that pattern form a convex set (an intersection of half-spaces), so the regions
of a box are exactly its distinct patterns whose set has positive length or area.

The computation runs in float64 on copies of the weights (the model is not modified) by
splitting the box layer by layer: intervals at the zeros of each unit's affine
pre-activation in 1-D, convex polygons clipped by each unit's zero line in 2-D.

Tolerance (``RTOL = 1e-9``, ``AREA_RTOL = 1e-12``):

* a pre-activation within ``RTOL`` times the largest absolute pre-activation of its layer
  over the box counts as zero: a region is split by a unit only if the unit takes values
  beyond that on both sides, and a unit that never exceeds it is off;
* breakpoints (1-D) or vertices (2-D) closer than ``RTOL`` times the box's width or
  diameter are merged;
* a 2-D split that would cut off a polygon of area below ``AREA_RTOL`` times the box's area
  is not made: the polygon keeps the pattern of its larger side, so the polygons always
  tile the box;
* two adjacent intervals are one linear piece when their slopes differ by at most ``RTOL``
  times the largest absolute slope over ``[lo, hi]`` (the network is continuous, so equal
  slopes mean equal affine maps).

Example:
    >>> from torch import nn
    >>> count_pieces(tent_network(3), 0.0, 1.0)
    8
    >>> lines = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    >>> count_activation_regions(lines, (-1.0, 1.0, -1.0, 1.0)) <= 7
    True
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from relulib._validation import as_real_array, describe, finite_real, positive_int

__all__ = [
    "AREA_RTOL",
    "RTOL",
    "Piece",
    "Region",
    "activation_patterns",
    "activation_regions",
    "count_activation_regions",
    "count_patterns_on_grid",
    "count_pieces",
    "hinge_network",
    "l1_distance",
    "linear_pieces",
    "max_error_to_square",
    "montufar_count",
    "montufar_network",
    "sawtooth_network",
    "tent_network",
    "yarotsky_square",
]

#: Relative tolerance for zero pre-activations, merged points and equal slopes.
RTOL = 1e-9
#: Relative area below which a 2-D split is not made (relative to the box's area).
AREA_RTOL = 1e-12

_SUPPORTED = "nn.Linear, nn.ReLU, nn.LeakyReLU, nn.PReLU or nn.Identity"
_GRID_CHUNK = 1 << 16


class Piece(NamedTuple):
    """One linear piece of a 1-D-input network: ``f(x) = slope * x + intercept`` on ``[a, b]``.

    ``slope`` and ``intercept`` are floats when the network has one output, float64 arrays of
    shape ``(out_features,)`` otherwise.
    """

    a: float
    b: float
    slope: float | np.ndarray
    intercept: float | np.ndarray


@dataclass(frozen=True, eq=False)
class Region:
    """One activation region of a box: where the activation pattern is constant.

    Attributes:
        vertices (numpy.ndarray): float64 array of shape ``(n, 2)``, the convex polygon's
            vertices counter-clockwise (2-D input), or of shape ``(2, 1)``, the interval's
            ends ``[[a], [b]]`` (1-D input).
        pattern (tuple): one bool per unit of every activation layer, in order: is the
            unit's pre-activation ``> 0`` in this region.
        weight (numpy.ndarray): shape ``(out_features, in_features)``; the network is
            ``x ↦ weight @ x + bias`` on the region.
        bias (numpy.ndarray): shape ``(out_features,)``.
    """

    vertices: np.ndarray
    pattern: tuple[bool, ...]
    weight: np.ndarray
    bias: np.ndarray

    @property
    def area(self) -> float:
        """The polygon's area (2-D input) or the interval's length (1-D input).

        Example:
            >>> from torch import nn
            >>> lines = nn.Sequential(nn.Linear(2, 1), nn.ReLU())
            >>> sum(r.area for r in activation_regions(lines, (0, 2, 0, 3)))
            6.0
        """
        if self.vertices.shape[1] == 1:
            return float(self.vertices[1, 0] - self.vertices[0, 0])
        return float(_area(self.vertices[None])[0])


# ----------------------------------------------------------------------------- validation


def _flatten(model, prefix=""):
    """``(index, layer)`` for every leaf layer, nested ``nn.Sequential`` flattened."""
    for name, layer in model.named_children():
        if isinstance(layer, nn.Sequential):
            yield from _flatten(layer, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", layer


def _float64(tensor):
    """A float64 numpy copy of a tensor (never a view of the model's memory)."""
    return np.array(tensor.detach().cpu().to(torch.float64).numpy(), dtype=np.float64)


def _network(model, d_in, func, what):
    """The model as a list of ops: ``("linear", W, b)`` or ``("act", negative_slopes)``.

    ``what`` says where the input dimension ``d_in`` comes from, for error messages.
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"{func}: model must be a torch.nn.Sequential, got {describe(model)}")
    ops, width, first = [], d_in, True
    with torch.no_grad():
        for index, layer in _flatten(model):
            if isinstance(layer, nn.Linear):
                if layer.in_features != width:
                    source = what if first else "the layers before it give"
                    unit = "-D input" if first else " features"
                    hint = ""
                    if first and what.startswith("bounds") and layer.in_features > 2:
                        hint = " (only 1-D and 2-D inputs are supported)"
                    raise ValueError(
                        f"{func}: {source} {width}{unit}, but layer {index} (Linear) has "
                        f"in_features={layer.in_features}{hint}"
                    )
                bias = np.zeros(layer.out_features)
                if layer.bias is not None:
                    bias = _float64(layer.bias)
                ops.append(("linear", _float64(layer.weight), bias))
                width, first = layer.out_features, False
            elif isinstance(layer, nn.ReLU):
                ops.append(("act", np.zeros(width)))
            elif isinstance(layer, nn.LeakyReLU):
                ops.append(("act", np.full(width, float(layer.negative_slope))))
            elif isinstance(layer, nn.PReLU):
                slopes = _float64(layer.weight).ravel()
                if slopes.size not in (1, width):
                    raise ValueError(
                        f"{func}: layer {index} (PReLU) has num_parameters={slopes.size}, "
                        f"expected 1 or {width} (the width of its input)"
                    )
                ops.append(("act", np.broadcast_to(slopes, (width,)).copy()))
            elif not isinstance(layer, nn.Identity):
                raise TypeError(
                    f"{func}: unsupported layer {type(layer).__name__} at index {index}; "
                    f"expected {_SUPPORTED}"
                )
    return ops


def _interval(lo, hi, func, names=("lo", "hi")):
    lo, hi = finite_real(lo, names[0], func), finite_real(hi, names[1], func)
    if not lo < hi:
        raise ValueError(f"{func}: need {names[0]} < {names[1]}, got {lo!r} and {hi!r}")
    return lo, hi


def _pairs(box):
    """``(lo, hi)`` per axis of a validated box."""
    return [(box[i], box[i + 1]) for i in range(0, len(box), 2)]


def _box(bounds, func):
    """``bounds`` as a tuple of 2 or 4 finite floats, each ``(lo, hi)`` pair increasing."""
    if isinstance(bounds, (str, bytes)) or not isinstance(bounds, (Sequence, np.ndarray)):
        raise TypeError(
            f"{func}: bounds must be (lo, hi) or (xmin, xmax, ymin, ymax), got {describe(bounds)}"
        )
    if len(bounds) not in (2, 4):
        raise ValueError(
            f"{func}: bounds must be (lo, hi) or (xmin, xmax, ymin, ymax), "
            f"got {len(bounds)} numbers"
        )
    values = []
    for i in range(0, len(bounds), 2):
        names = (f"bounds[{i}]", f"bounds[{i + 1}]")
        values += _interval(bounds[i], bounds[i + 1], func, names)
    return tuple(values)


# ----------------------------------------------------------------------------------- 1-D


def _merge(x, new, xtol):
    """Sorted union of breakpoints ``x`` and ``new``, dropping new points within ``xtol``."""
    new = np.sort(new)
    i = np.searchsorted(x, new)
    near = np.minimum(new - x[np.maximum(i - 1, 0)], x[np.minimum(i, len(x) - 1)] - new)
    new = new[near > xtol]
    if new.size:
        new = new[np.concatenate([[True], np.diff(new) > xtol])]
    return np.sort(np.concatenate([x, new]))


def _split_1d(x, slope, icpt, negative_slopes):
    """Split intervals at the zeros of each unit; apply the activation. Returns the new state."""
    zl, zr = slope * x[:-1, None] + icpt, slope * x[1:, None] + icpt
    tol = RTOL * max(np.abs(zl).max(initial=0.0), np.abs(zr).max(initial=0.0))
    cross = ((zl > tol) & (zr < -tol)) | ((zl < -tol) & (zr > tol))
    x_new = _merge(x, -icpt[cross] / slope[cross], RTOL * (x[-1] - x[0]))
    parent = np.searchsorted(x, (x_new[:-1] + x_new[1:]) / 2) - 1
    slope, icpt = slope[parent], icpt[parent]
    zl, zr = slope * x_new[:-1, None] + icpt, slope * x_new[1:, None] + icpt
    on = (zl + zr > 0) & (np.maximum(zl, zr) > tol)
    d = np.where(on, 1.0, negative_slopes)
    return x_new, slope * d, icpt * d, parent, on


def _intervals(ops, lo, hi):
    """Breakpoints ``x``, per-interval output slopes and intercepts, and patterns (1-D)."""
    x, slope, icpt = np.array([lo, hi]), np.ones((1, 1)), np.zeros((1, 1))
    bits = np.zeros((1, 0), dtype=bool)
    for op in ops:
        if op[0] == "linear":
            slope, icpt = slope @ op[1].T, icpt @ op[1].T + op[2]
        else:
            x, slope, icpt, parent, on = _split_1d(x, slope, icpt, op[1])
            bits = np.concatenate([bits[parent], on], axis=1)
    return x, slope, icpt, bits


def _merged_pieces(ops, lo, hi):
    """Piece ends ``x`` and the slope and intercept of each maximal linear piece."""
    x, slope, icpt, _ = _intervals(ops, lo, hi)
    step = np.abs(np.diff(slope, axis=0)).max(axis=1, initial=0.0)
    new_piece = np.concatenate([[True], step > RTOL * np.abs(slope).max(initial=0.0)])
    return np.append(x[:-1][new_piece], x[-1]), slope[new_piece], icpt[new_piece]


# ----------------------------------------------------------------------------------- 2-D


def _pad(verts, size):
    """Pad polygons ``(P, V, 2)`` to ``size`` vertices by repeating the last vertex."""
    if verts.shape[1] >= size:
        return verts
    extra = np.repeat(verts[:, -1:], size - verts.shape[1], axis=1)
    return np.concatenate([verts, extra], axis=1)


def _compact(points, keep):
    """The kept points of each row, in order, padded with the row's last kept point."""
    count = keep.sum(axis=1)
    order = np.argsort(~keep, axis=1, kind="stable")
    slots = np.minimum(np.arange(max(count.max(), 1)), np.maximum(count, 1)[:, None] - 1)
    index = np.take_along_axis(order, slots, axis=1)
    return np.take_along_axis(points, index[..., None], axis=1), count


def _dedupe(verts, count, xtol):
    """Drop vertices within ``xtol`` of their predecessor (cyclically) and the padding."""
    step = np.abs(verts - np.roll(verts, 1, axis=1)).max(axis=2)
    keep = (step > xtol) & (np.arange(verts.shape[1]) < count[:, None])
    keep[:, 0] |= ~keep.any(axis=1)
    return _compact(verts, keep)


def _clip(verts, s, tol, xtol):
    """Split convex polygons ``(P, V, 2)`` along the zero line of values ``s`` ``(P, V)``.

    Returns ``(vertices, counts)`` of the parts where ``s >= 0`` and where ``s <= 0``
    (Sutherland–Hodgman with one clipping line, vectorised over the polygons).
    """
    sign = np.sign(s) * (np.abs(s) > tol)
    s_next, sign_next = np.roll(s, -1, axis=1), np.roll(sign, -1, axis=1)
    cross = sign * sign_next < 0
    t = np.where(cross, s, 0.0) / np.where(cross, s - s_next, 1.0)
    between = verts + t[..., None] * (np.roll(verts, -1, axis=1) - verts)
    shape = (len(s), 2 * s.shape[1])
    points = np.stack([verts, between], axis=2).reshape(*shape, 2)
    parts = []
    for side in (sign >= 0, sign <= 0):
        keep = np.stack([side, cross], axis=2).reshape(shape)
        parts.append(_dedupe(*_compact(points, keep), xtol))
    return parts


def _area(verts):
    """Signed areas of padded polygons ``(P, V, 2)`` (shoelace; positive counter-clockwise)."""
    x, y = verts[..., 0], verts[..., 1]
    return 0.5 * (x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y).sum(axis=1)


def _split_2d(verts, count, A, c, xtol, area_tol):
    """Split polygons by the zero line of each unit of ``z = A x + c`` in turn.

    Returns the new polygons and counts, each one's parent polygon and its on/off bits.
    """
    z = np.matmul(verts, A.transpose(0, 2, 1)) + c[:, None, :]
    tol = RTOL * np.abs(z).max(initial=0.0)
    parent = np.arange(len(verts))
    bits = np.zeros(c.shape, dtype=bool)
    for j in range(c.shape[1]):
        a, b = A[parent, j], c[parent, j]
        s = verts[..., 0] * a[:, :1] + verts[..., 1] * a[:, 1:] + b[:, None]
        pos, neg = (s > tol).any(axis=1), (s < -tol).any(axis=1)
        bits[:, j] = pos & ~neg
        split = np.flatnonzero(pos & neg)
        if not split.size:
            continue
        (vp, n_pos), (vn, n_neg) = _clip(verts[split], s[split], tol, xtol)
        area_pos, area_neg = _area(vp), _area(vn)
        ok = np.minimum(area_pos, area_neg) > area_tol
        bits[split, j] = ok | (area_pos >= area_neg)  # unsplit slivers: the larger side
        split, vp, n_pos, vn, n_neg = split[ok], vp[ok], n_pos[ok], vn[ok], n_neg[ok]
        size = max(verts.shape[1], vp.shape[1], vn.shape[1])
        verts = _pad(verts, size)
        verts[split], count[split] = _pad(vp, size), n_pos
        off = bits[split]
        off[:, j] = False
        verts = np.concatenate([verts, _pad(vn, size)])
        count = np.concatenate([count, n_neg])
        bits = np.concatenate([bits, off])
        parent = np.concatenate([parent, parent[split]])
    return verts[:, : count.max()], count, parent, bits


def _polygons(ops, box):
    """Polygons, vertex counts, patterns and the output's affine maps (2-D input)."""
    xmin, xmax, ymin, ymax = box
    verts = np.array([[[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax]]])
    count = np.array([4])
    A, c = np.eye(2)[None], np.zeros((1, 2))
    bits = np.zeros((1, 0), dtype=bool)
    xtol = RTOL * math.hypot(xmax - xmin, ymax - ymin)
    area_tol = AREA_RTOL * (xmax - xmin) * (ymax - ymin)
    for op in ops:
        if op[0] == "linear":
            A, c = np.einsum("ok,pkd->pod", op[1], A), c @ op[1].T + op[2]
        else:
            verts, count, parent, on = _split_2d(verts, count, A, c, xtol, area_tol)
            d = np.where(on, 1.0, op[1])
            A, c = A[parent] * d[..., None], c[parent] * d
            bits = np.concatenate([bits[parent], on], axis=1)
    return verts, count, bits, A, c


def _regions(ops, box):
    """``activation_regions`` on validated input."""
    if len(box) == 2:
        x, slope, icpt, bits = _intervals(ops, *box)
        ends = np.stack([x[:-1], x[1:]], axis=1)[..., None]
        return [
            Region(ends[i], tuple(bits[i].tolist()), slope[i][:, None], icpt[i])
            for i in range(len(ends))
        ]
    verts, count, bits, A, c = _polygons(ops, box)
    return [
        Region(verts[i, : count[i]].copy(), tuple(bits[i].tolist()), A[i], c[i])
        for i in range(len(verts))
    ]


def _row_keys(bits):
    """One hashable, sortable key per row of a bool array: its packed bytes as np.void."""
    packed = np.ascontiguousarray(np.packbits(bits, axis=1))
    if packed.shape[1] == 0:
        return np.zeros(len(bits), dtype=np.int8)
    return packed.view(np.dtype((np.void, packed.shape[1]))).ravel()


def _count_distinct(bits):
    return len(np.unique(_row_keys(bits)))


# ------------------------------------------------------------------------------ public API


def count_pieces(model, lo, hi):
    r"""The number of linear pieces of a 1-D-input network on ``[lo, hi]``, exactly.

    A piece is a maximal interval on which the network is affine; with several outputs, on
    which every output is affine. Adjacent intervals whose slopes agree to ``RTOL`` relative
    to the largest slope are one piece. The count is at most
    ``count_activation_regions(model, (lo, hi))``: a change of activation pattern need not
    change the function.

    Telgarsky (2016), "Benefits of depth in neural networks": the tent map
    :math:`t(x) = 2\,\mathrm{ReLU}(x) - 4\,\mathrm{ReLU}(x - 1/2)` composed :math:`k` times
    has :math:`2^k` pieces on :math:`[0, 1]`, with 2 units per layer.

    Args:
        model: a ``torch.nn.Sequential`` of ``nn.Linear``, ``nn.ReLU``, ``nn.LeakyReLU``,
            ``nn.PReLU`` and ``nn.Identity`` whose input is 1-D.
        lo: finite left end of the interval.
        hi: finite right end, ``hi > lo``.

    Returns:
        int: the number of linear pieces.

    Raises:
        TypeError: ``model`` is not a ``nn.Sequential`` or has an unsupported layer.
        ValueError: the first ``nn.Linear`` does not take 1 feature, or ``lo``, ``hi`` are
            not finite with ``lo < hi``.

    Example:
        >>> count_pieces(tent_network(4), 0.0, 1.0)
        16
    """
    lo, hi = _interval(lo, hi, "count_pieces")
    ops = _network(model, 1, "count_pieces", "lo, hi describe a")
    return len(_merged_pieces(ops, lo, hi)[1])


def linear_pieces(model, lo, hi):
    r"""The linear pieces of a 1-D-input network on ``[lo, hi]``, for plotting.

    The same pieces as :func:`count_pieces` counts, left to right; consecutive pieces share
    their ends, the first starts at ``lo`` and the last ends at ``hi``.

    Args:
        model: a ``torch.nn.Sequential`` as for :func:`count_pieces`.
        lo: finite left end of the interval.
        hi: finite right end, ``hi > lo``.

    Returns:
        list[Piece]: ``Piece(a, b, slope, intercept)``; the network is
        ``slope * x + intercept`` on ``[a, b]``. ``slope`` and ``intercept`` are floats for
        one output and arrays of shape ``(out_features,)`` for several.

    Example:
        >>> for piece in linear_pieces(tent_network(1), 0.0, 1.0):
        ...     print(piece.a, piece.b, piece.slope, piece.intercept)
        0.0 0.5 2.0 0.0
        0.5 1.0 -2.0 2.0
    """
    lo, hi = _interval(lo, hi, "linear_pieces")
    ops = _network(model, 1, "linear_pieces", "lo, hi describe a")
    x, slope, icpt = _merged_pieces(ops, lo, hi)
    if slope.shape[1] == 1:
        slope, icpt = slope[:, 0].tolist(), icpt[:, 0].tolist()
    ends = x.tolist()
    return [Piece(ends[i], ends[i + 1], slope[i], icpt[i]) for i in range(len(ends) - 1)]


def count_activation_regions(model, bounds):
    r"""The number of activation regions of a 1-D or 2-D box, exactly.

    A region is a set of positive length (1-D) or area (2-D) on which the activation
    pattern, whether each unit's pre-activation is :math:`> 0`, is constant. Each pattern's
    set is convex, so regions are counted as distinct patterns. Hanin & Rolnick (2019),
    "Deep ReLU networks have surprisingly few activation patterns": at initialisation the
    count in a 2-D box grows like :math:`(\#\text{neurons})^2`, not exponentially in depth.
    A dense grid (:func:`count_patterns_on_grid`) sees at most this many.

    Args:
        model: a ``torch.nn.Sequential`` of ``nn.Linear``, ``nn.ReLU``, ``nn.LeakyReLU``,
            ``nn.PReLU`` and ``nn.Identity`` whose input is 1-D or 2-D.
        bounds: ``(lo, hi)`` for a 1-D input or ``(xmin, xmax, ymin, ymax)`` for 2-D;
            finite, each pair increasing.

    Returns:
        int: the number of regions.

    Raises:
        TypeError: ``model`` is not a ``nn.Sequential`` or has an unsupported layer, or
            ``bounds`` is not a sequence of numbers.
        ValueError: ``bounds`` has not 2 or 4 finite numbers in increasing pairs, or does not
            match the first ``nn.Linear``'s ``in_features``.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> lines = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
        >>> with torch.no_grad():  # three lines, three crossings inside the box
        ...     _ = lines[0].weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
        ...     _ = lines[0].bias.copy_(torch.tensor([0.0, 0.0, -0.5]))
        >>> count_activation_regions(lines, (-1, 1, -1, 1))
        7
    """
    box = _box(bounds, "count_activation_regions")
    d = len(box) // 2
    ops = _network(model, d, "count_activation_regions", "bounds describe a")
    if d == 1:
        return _count_distinct(_intervals(ops, *box)[3])
    return _count_distinct(_polygons(ops, box)[2])


def activation_regions(model, bounds):
    r"""The activation regions of a 1-D or 2-D box, with their patterns and affine maps.

    The regions :func:`count_activation_regions` counts: convex polygons (2-D) that tile
    the box, or intervals (1-D) left to right. On each region the network is affine,
    ``x ↦ weight @ x + bias``.

    Args:
        model: a ``torch.nn.Sequential`` as for :func:`count_activation_regions`.
        bounds: ``(lo, hi)`` or ``(xmin, xmax, ymin, ymax)``.

    Returns:
        list[Region]: one per region; 2-D vertices counter-clockwise.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> net = nn.Sequential(nn.Linear(2, 1), nn.ReLU())
        >>> with torch.no_grad():
        ...     _ = net[0].weight.fill_(1.0)
        ...     _ = net[0].bias.zero_()
        >>> for region in activation_regions(net, (-1, 1, -1, 1)):
        ...     print(region.pattern, region.vertices.tolist())
        (True,) [[1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]]
        (False,) [[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]]
    """
    box = _box(bounds, "activation_regions")
    ops = _network(model, len(box) // 2, "activation_regions", "bounds describe a")
    return _regions(ops, box)


def _patterns(ops, x):
    """Activation patterns ``(N, units)`` of validated points ``x`` ``(N, d)``."""
    h, bits = np.array(x, dtype=np.float64), []  # a copy: the loop works in place
    for op in ops:
        if op[0] == "linear":
            h = h @ op[1].T
            h += op[2]
        else:
            on = h > 0
            bits.append(on)
            if op[1].any():
                h *= np.where(on, 1.0, op[1])
            else:
                np.maximum(h, 0.0, out=h)
    return np.concatenate(bits, axis=1) if bits else np.zeros((len(x), 0), dtype=bool)


def activation_patterns(model, x):
    r"""The activation pattern at each input point: which units have pre-activation > 0.

    Computed in float64 from the model's weights, units in layer order (the order of
    ``Region.pattern``).

    Args:
        model: a ``torch.nn.Sequential`` as for :func:`count_activation_regions`.
        x: inputs of shape ``(N, in_features)``; shape ``(N,)`` means ``N`` 1-D inputs.

    Returns:
        numpy.ndarray: bool array of shape ``(N, units)``.

    Example:
        >>> activation_patterns(tent_network(1), [0.25, 0.75]).tolist()
        [[True, False], [True, True]]
    """
    func = "activation_patterns"
    points = as_real_array(x, func).astype(np.float64)
    if points.ndim == 1:
        points = points[:, None]
    if points.ndim != 2:
        raise ValueError(f"{func}: x must have shape (N, in_features), got {points.shape}")
    ops = _network(model, points.shape[1], func, "x has a")
    return _patterns(ops, points)


def count_patterns_on_grid(model, bounds, resolution=1000):
    r"""The number of distinct activation patterns on a grid over a 1-D or 2-D box.

    The sampling estimate of :func:`count_activation_regions`: the grid holds
    ``resolution`` cell centres per axis (``resolution ** 2`` points in 2-D), so it misses
    every region that holds no grid point and counts at most the exact number (a point
    lying exactly on a region boundary could add a lower-dimensional pattern, which needs
    non-generic weights). Points are processed in chunks of 65,536.

    Args:
        model: a ``torch.nn.Sequential`` as for :func:`count_activation_regions`.
        bounds: ``(lo, hi)`` or ``(xmin, xmax, ymin, ymax)``.
        resolution: grid points per axis, a positive integer.

    Returns:
        int: the number of distinct patterns seen.

    Example:
        >>> count_patterns_on_grid(tent_network(3), (0.0, 1.0), resolution=100)
        8
    """
    func = "count_patterns_on_grid"
    box = _box(bounds, func)
    res = positive_int(resolution, "resolution", func)
    ops = _network(model, len(box) // 2, func, "bounds describe a")
    axes = [lo + (np.arange(res) + 0.5) * ((hi - lo) / res) for lo, hi in _pairs(box)]
    points = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, len(axes))
    seen = [
        np.unique(_row_keys(_patterns(ops, points[i : i + _GRID_CHUNK])))
        for i in range(0, len(points), _GRID_CHUNK)
    ]
    return len(np.unique(np.concatenate(seen)))


# ------------------------------------------------------------------- folding constructions


def _sawtooth_coefficients(p):
    """Weights ``c`` with ``sum_k c_k ReLU(x - k/p)`` a sawtooth of ``p`` teeth on [0, 1]."""
    c = 2.0 * p * (-1.0) ** np.arange(p)
    c[0] = p
    return c


def _linear(weight, bias):
    layer = nn.Linear(weight.shape[1], weight.shape[0], dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(np.asarray(weight, dtype=np.float64)))
        layer.bias.copy_(torch.from_numpy(np.asarray(bias, dtype=np.float64)))
    return layer


def _fold_layers(widths, n0):
    """Folding layers: each maps [0, 1]^n0 onto itself ``⌊n_i/n0⌋`` times per coordinate.

    ``p = ⌊n_i/n0⌋`` units per coordinate make ``p`` sheets, that is ``p - 1`` folds.

    Returns the layers and the ``(n0, n_last)`` matrix that reads the folded coordinates
    off the last layer's activations.
    """
    layers, fold = [], np.eye(n0)
    for n in widths:
        p = n // n0
        select, bias, combine = np.zeros((n, n0)), np.zeros(n), np.zeros((n0, n))
        for g in range(n0):
            units = slice(g * p, (g + 1) * p)
            select[units, g] = 1.0
            bias[units] = -np.arange(p) / p
            combine[g, units] = _sawtooth_coefficients(p)
        layers += [_linear(select @ fold, bias), nn.ReLU()]
        fold = combine
    return layers, fold


def _check_widths(widths, func, minimum=1):
    if isinstance(widths, (str, bytes)) or not isinstance(widths, (Sequence, np.ndarray)):
        raise TypeError(f"{func}: widths must be a sequence of integers, got {describe(widths)}")
    if len(widths) == 0:
        raise ValueError(f"{func}: widths must hold at least one width, got {widths!r}")
    widths = [positive_int(n, f"widths[{i}]", func) for i, n in enumerate(widths)]
    for i, n in enumerate(widths):
        if n < minimum:
            raise ValueError(f"{func}: widths[{i}] = {n} must be at least n0 = {minimum}")
    return widths


def sawtooth_network(widths):
    r"""A network whose hidden layer :math:`i` maps :math:`[0, 1]` onto itself ``widths[i]`` times.

    A layer of :math:`p` units lays :math:`[0, 1]` over itself in :math:`p` sheets, that is
    :math:`p - 1` folds (the tent map, :math:`p = 2`, folds once). Layer :math:`i` has
    :math:`p = n_i` units :math:`\mathrm{ReLU}(y - k/p)`,
    :math:`k = 0, \dots, p - 1`, and the next layer reads the sawtooth
    :math:`p\,h_0 - 2p\,h_1 + 2p\,h_2 - \cdots`, which maps each of :math:`p` intervals onto
    :math:`[0, 1]`. The output (one ``nn.Linear``) is the composed sawtooth: it has
    :math:`\prod_i n_i` linear pieces on :math:`[0, 1]` and takes the values 0 and 1 at their
    ends. Parameters are float64, so the thresholds :math:`k/p` are exact to about
    :math:`10^{-16}`; call the model with float64 tensors.

    Args:
        widths: the hidden widths :math:`n_1, \dots, n_L`, positive integers.

    Returns:
        torch.nn.Sequential: ``Linear(1, n_1), ReLU(), ..., Linear(n_L, 1)``, float64.

    Example:
        >>> count_pieces(sawtooth_network([3, 2]), 0.0, 1.0)
        6
    """
    widths = _check_widths(widths, "sawtooth_network")
    layers, fold = _fold_layers(widths, 1)
    return nn.Sequential(*layers, _linear(fold, np.zeros(1)))


def tent_network(depth):
    r"""Telgarsky's tent map composed ``depth`` times, as a ReLU network with 2 units per layer.

    .. math::
        t(x) = 2\,\mathrm{ReLU}(x) - 4\,\mathrm{ReLU}(x - 1/2), \qquad
        t^{\circ k} \text{ has } 2^k \text{ linear pieces on } [0, 1].

    Telgarsky (2016), "Benefits of depth in neural networks", builds his hard-to-approximate
    functions from it. A network with one hidden layer of :math:`N` units has at most
    :math:`N + 1` pieces, so it needs at least :math:`2^k - 1` units to represent
    :math:`t^{\circ k}` exactly. Same as ``sawtooth_network([2] * depth)``.

    Args:
        depth: the number of compositions :math:`k`, a positive integer.

    Returns:
        torch.nn.Sequential: ``depth`` hidden layers of 2 ReLUs and a ``Linear(2, 1)``,
        float64.

    Example:
        >>> import torch
        >>> net = tent_network(2)
        >>> net(torch.tensor([[0.125], [0.25], [0.5]], dtype=torch.float64)).ravel()
        tensor([0.5000, 1.0000, 0.0000], dtype=torch.float64, grad_fn=<ViewBackward0>)
    """
    return sawtooth_network([2] * positive_int(depth, "depth", "tent_network"))


def montufar_network(widths, n0=1):
    r"""Montúfar et al.'s folding network on :math:`[0, 1]^{n_0}`, for ``n0`` 1 or 2.

    Montúfar, Pascanu, Cho & Bengio (2014), "On the number of linear regions of deep neural
    networks": hidden layers :math:`1, \dots, L-1` map each input coordinate onto
    :math:`[0, 1]` in :math:`p_i = \lfloor n_i / n_0 \rfloor` sheets, that is :math:`p_i - 1`
    folds (as in :func:`sawtooth_network`; spare units get zero weights), and the last
    hidden layer's :math:`n_L` units cut every folded copy of the cube in general position,
    so the box :math:`[0, 1]^{n_0}` has

    .. math::
        \prod_{i=1}^{L-1} \left\lfloor \frac{n_i}{n_0} \right\rfloor^{n_0}
        \sum_{j=0}^{n_0} \binom{n_L}{j}

    activation regions (:func:`montufar_count`; their Theorem 4 states this number as a
    lower bound on the maximal number of regions). For ``n0 = 1`` the last layer's units
    break at :math:`y = (2k + 1) / (2 n_L)`, unit 0 facing left, the others right; with
    output weights all 1, adjacent regions have different slopes when :math:`n_L \ge 2`,
    so that is also the number of linear pieces. For ``n0 = 2`` they are tangents to the
    circle of radius 0.2 about :math:`(1/2, 1/2)` at angles spread over 120°, so any two
    cross inside the square and no three meet. Parameters are float64.

    Args:
        widths: hidden widths :math:`n_1, \dots, n_L`, positive integers; the folding
            widths :math:`n_1, \dots, n_{L-1}` at least ``n0``.
        n0: input dimension, 1 or 2.

    Returns:
        torch.nn.Sequential: ``Linear(n0, n_1), ReLU(), ..., ReLU(), Linear(n_L, 1)``.

    Example:
        >>> net = montufar_network([3, 3, 2])
        >>> montufar_count([3, 3, 2]), count_activation_regions(net, (0, 1))
        (27, 27)
        >>> count_pieces(net, 0, 1)
        27
    """
    func = "montufar_network"
    if positive_int(n0, "n0", func) not in (1, 2):
        raise ValueError(f"{func}: n0 must be 1 or 2, got {describe(n0)}")
    n0 = int(n0)
    widths = _check_widths(widths, func)
    _check_widths(widths[:-1] or [n0], func, minimum=n0)
    layers, fold = _fold_layers(widths[:-1], n0)
    n = widths[-1]
    if n0 == 1:
        t = (2 * np.arange(n) + 1) / (2 * n)
        face = np.where(np.arange(n) == 0, -1.0, 1.0)
        normals, offsets = face[:, None], -face * t
    else:
        angle = np.linspace(0.0, 2 * np.pi / 3, n) if n > 1 else np.zeros(1)
        normals = np.stack([np.cos(angle), np.sin(angle)], axis=1)
        offsets = -(normals @ np.full(2, 0.5) + 0.2)
    last = [_linear(normals @ fold, offsets), nn.ReLU(), _linear(np.ones((1, n)), np.zeros(1))]
    return nn.Sequential(*layers, *last)


def montufar_count(widths, n0=1):
    r"""The region count of :func:`montufar_network`, Montúfar et al. (2014, Theorem 4).

    .. math::
        \prod_{i=1}^{L-1} \left\lfloor \frac{n_i}{n_0} \right\rfloor^{n_0}
        \sum_{j=0}^{n_0} \binom{n_L}{j}

    With one hidden layer (:math:`L = 1`) it is :math:`\sum_{j \le n_0} \binom{N}{j}`, the
    most :math:`N` units can make in :math:`n_0` dimensions.

    Args:
        widths: hidden widths :math:`n_1, \dots, n_L`, positive integers.
        n0: input dimension, a positive integer.

    Returns:
        int: the number of regions.

    Example:
        >>> montufar_count([4, 4, 3], n0=2)
        112
    """
    n0 = positive_int(n0, "n0", "montufar_count")
    widths = _check_widths(widths, "montufar_count")
    folds = math.prod((n // n0) ** n0 for n in widths[:-1])
    return folds * sum(math.comb(widths[-1], j) for j in range(n0 + 1))


# --------------------------------------------------- approximation of x^2 and exact errors


def _one_output_pieces(model, lo, hi, func, name):
    """Piece ends and per-piece slope and intercept of a 1-D network with one output."""
    ops = _network(model, 1, func, "lo, hi describe a")
    x, slope, icpt = _merged_pieces(ops, lo, hi)
    if slope.shape[1] != 1:
        raise ValueError(f"{func}: {name} must have one output, got {slope.shape[1]}")
    return x, slope[:, 0], icpt[:, 0]


def hinge_network(kinks, weights, bias=0.0):
    r"""The one-hidden-layer ReLU network :math:`c + \sum_j v_j\,\mathrm{ReLU}(x - k_j)`.

    Unit :math:`j` has input weight 1 and bias :math:`-k_j`, so it switches on at its kink
    :math:`k_j`; the output layer has weights :math:`v_j` and bias :math:`c`. This is the
    network behind a :class:`relulib.fitting.HingeFit`:
    ``hinge_network(fit.kinks, fit.weights, fit.bias)`` computes ``fit(x)``, and so can be
    measured exactly with :func:`count_pieces` or :func:`max_error_to_square`.

    Args:
        kinks: the kinks :math:`k_j`, finite numbers (at least one).
        weights: the output weights :math:`v_j`, one per kink.
        bias: the output bias :math:`c`.

    Returns:
        torch.nn.Sequential: ``Linear(1, n), ReLU(), Linear(n, 1)``, float64.

    Example:
        >>> net = hinge_network([0.0, 0.5], [1.0, 2.0], bias=-1.0)  # x - 1 + 2 relu(x - 1/2)
        >>> [(p.a, p.b, p.slope) for p in linear_pieces(net, 0.0, 1.0)]
        [(0.0, 0.5, 1.0), (0.5, 1.0, 3.0)]
    """
    func = "hinge_network"
    kinks = as_real_array(kinks, func, "kinks").astype(np.float64).ravel()
    weights = as_real_array(weights, func, "weights").astype(np.float64).ravel()
    if kinks.size == 0 or not np.all(np.isfinite(kinks)):
        raise ValueError(f"{func}: kinks must be at least one finite number, got {kinks!r}")
    if weights.shape != kinks.shape or not np.all(np.isfinite(weights)):
        raise ValueError(
            f"{func}: weights must be {kinks.size} finite numbers, one per kink, got {weights.size}"
        )
    bias = finite_real(bias, "bias", func)
    hidden = _linear(np.ones((kinks.size, 1)), -kinks)
    return nn.Sequential(hidden, nn.ReLU(), _linear(weights[None], np.array([bias])))


def yarotsky_square(m):
    r"""Yarotsky's deep ReLU approximation of :math:`x^2` on :math:`[0, 1]` with ``m`` folds.

    .. math::
        f_m(x) = x - \sum_{s=1}^{m} \frac{g_s(x)}{2^{2s}}, \qquad
        g_s = t^{\circ s} \text{ the tent map composed } s \text{ times},

    the piecewise-linear interpolant of :math:`x^2` at :math:`j / 2^m`, so it has
    :math:`2^m` linear pieces and :math:`\max_{[0, 1]} |f_m(x) - x^2| = 2^{-2m-2}`
    (Yarotsky 2017, "Error bounds for approximations with deep ReLU networks", Proposition
    2 and its proof). This is a plain ``nn.Sequential`` realisation of the formula (the
    book's): hidden layer 1 holds :math:`\mathrm{ReLU}(x)` and
    :math:`\mathrm{ReLU}(x - 1/2)`; layer :math:`s + 1` holds the next fold's pair, read
    from :math:`g_s = 2h_0 - 4h_1`, and the running sum :math:`\mathrm{ReLU}(f_{s-1} -
    g_s / 4^s) = f_s`, which is non-negative on :math:`[0, 1]`. So ``m`` hidden layers,
    :math:`3m - 1` units in all (none for ``m = 0``, where :math:`f_0(x) = x`). Parameters
    are float64 and exact dyadic numbers; call the model with float64 tensors on
    :math:`[0, 1]` (outside it the network is not :math:`f_m`).

    Args:
        m: the number of folds, an integer :math:`\ge 0`.

    Returns:
        torch.nn.Sequential: ``m`` hidden ReLU layers of widths ``[2, 3, ..., 3]`` and a
        ``Linear`` output, float64.

    Example:
        >>> net = yarotsky_square(3)
        >>> count_pieces(net, 0.0, 1.0), max_error_to_square(net), 2.0 ** (-2 * 3 - 2)
        (8, 0.00390625, 0.00390625)
    """
    func = "yarotsky_square"
    if isinstance(m, (bool, np.bool_)) or not isinstance(m, numbers.Integral) or m < 0:
        raise ValueError(f"{func}: m must be an integer >= 0, got {describe(m)}")
    m = int(m)
    if m == 0:
        return nn.Sequential(_linear(np.ones((1, 1)), np.zeros(1)))
    tooth = np.array([[2.0, -4.0]])  # g_s = 2 h_0 - 4 h_1, read from a layer's first two units
    running = np.array([[1.0, 0.0]])  # f_0 = x = h_0 in layer 1; later the third unit
    layers = [_linear(np.ones((2, 1)), np.array([0.0, -0.5])), nn.ReLU()]
    for s in range(1, m + 1):
        g_s = np.hstack([tooth, np.zeros((1, running.shape[1] - 2))])
        f_s = running - g_s / 4.0**s
        if s == m:
            layers.append(_linear(f_s, np.zeros(1)))
        else:  # next layer: ReLU(g_s), ReLU(g_s - 1/2) and ReLU(f_s) = f_s
            layers += [_linear(np.vstack([g_s, g_s, f_s]), np.array([0.0, -0.5, 0.0])), nn.ReLU()]
            running = np.array([[0.0, 0.0, 1.0]])
    return nn.Sequential(*layers)


def max_error_to_square(model, lo=0.0, hi=1.0):
    r"""The largest error :math:`\max_{x \in [lo, hi]} |f(x) - x^2|` of a 1-D network, exactly.

    On each linear piece :math:`f(x) = sx + c` of :func:`linear_pieces`, the error
    :math:`x^2 - sx - c` is a convex parabola, so its largest absolute value is at an end of
    the piece or at the vertex :math:`x = s/2`: three candidates per piece, no sampling.

    Args:
        model: a ``torch.nn.Sequential`` as for :func:`count_pieces`, with one output.
        lo: finite left end of the interval.
        hi: finite right end, ``hi > lo``.

    Returns:
        float: the sup-norm distance to :math:`x^2` on ``[lo, hi]``.

    Example:
        >>> max_error_to_square(hinge_network([0.0], [1.0]))  # x: error 1/4 at x = 1/2
        0.25
    """
    func = "max_error_to_square"
    lo, hi = _interval(lo, hi, func)
    x, slope, icpt = _one_output_pieces(model, lo, hi, func, "model")
    vertex = np.clip(slope / 2, x[:-1], x[1:])
    candidates = np.stack([x[:-1], x[1:], vertex])
    return float(np.abs(candidates**2 - slope * candidates - icpt).max())


def l1_distance(model, other, lo, hi):
    r"""The :math:`L^1` distance :math:`\int_{lo}^{hi} |f - g|\,dx` of two 1-D networks, exactly.

    Both networks are affine between consecutive breakpoints of either, so their difference
    :math:`d` is affine there; :math:`\int |d|` over such an interval is the trapezoid
    :math:`(|d(a)| + |d(b)|)(b - a)/2` when :math:`d` keeps its sign, and
    :math:`(d(a)^2 + d(b)^2)(b - a) / (2(|d(a)| + |d(b)|))` when it crosses zero.

    Args:
        model: a ``torch.nn.Sequential`` as for :func:`count_pieces`, with one output.
        other: another such network.
        lo: finite left end of the interval.
        hi: finite right end, ``hi > lo``.

    Returns:
        float: the distance.

    Example:
        >>> l1_distance(tent_network(1), hinge_network([0.0], [0.0], bias=0.5), 0.0, 1.0)
        0.25
    """
    func = "l1_distance"
    lo, hi = _interval(lo, hi, func)
    xa, sa, ca = _one_output_pieces(model, lo, hi, func, "model")
    xb, sb, cb = _one_output_pieces(other, lo, hi, func, "other")
    x = np.union1d(xa, xb)
    middle = (x[:-1] + x[1:]) / 2
    ia = np.clip(np.searchsorted(xa, middle) - 1, 0, len(sa) - 1)
    ib = np.clip(np.searchsorted(xb, middle) - 1, 0, len(sb) - 1)
    ds, dc = sa[ia] - sb[ib], ca[ia] - cb[ib]
    left, right = np.abs(ds * x[:-1] + dc), np.abs(ds * x[1:] + dc)
    same_sign = (ds * x[:-1] + dc) * (ds * x[1:] + dc) >= 0
    total = np.where(same_sign, left + right, 0.0)
    crossing = ~same_sign
    total[crossing] = (left[crossing] ** 2 + right[crossing] ** 2) / (
        left[crossing] + right[crossing]
    )
    return float(np.sum(total * np.diff(x)) / 2)
