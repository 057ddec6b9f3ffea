r"""Tiny deterministic datasets for the chapters' experiments: no downloads, seeded, in torch.

Every generator returns a pair ``(X, y)`` of CPU tensors (:func:`digits`, a real dataset,
returns a train pair and a test pair of the same kinds):

* ``X`` is ``float32`` of shape ``(n, d)``, one sample per row;
* for classification, ``y`` holds class indices, ``int64`` of shape ``(n,)``, ready for
  ``torch.nn.functional.cross_entropy`` (use ``y.float()`` for a binary cross-entropy);
  classes are balanced: their counts differ by at most one;
* for regression, ``y`` is ``float32`` of shape ``(n, 1)``, like a one-output model's.

The rows come in a random order (so that minibatches mix the classes), drawn, with
the noise, from a ``torch.Generator`` seeded with ``seed``: the same arguments give
bit-identical tensors, different seeds give different ones, and torch's global random state is
not touched. The geometry is computed in float64 and rounded once to float32.

Example:
    >>> X, y = two_moons(6, noise=0.0, seed=0)
    >>> X.shape, X.dtype, y.dtype, y.bincount().tolist()
    (torch.Size([6, 2]), torch.float32, torch.int64, [3, 3])
    >>> torch.equal(two_moons(6, seed=0)[0], two_moons(6, seed=0)[0])
    True
"""

from __future__ import annotations

import math
import numbers

import torch

from relulib._validation import describe, finite_real, positive_int

__all__ = ["digits", "sine_regression", "two_moons", "two_spirals", "xor"]


def _check(n, noise, seed, func, min_n):
    n = positive_int(n, "n", func)
    if n < min_n:
        raise ValueError(f"{func}: n must be at least {min_n}, got {n}")
    noise = finite_real(noise, "noise", func)
    if noise < 0:
        raise ValueError(f"{func}: noise is a standard deviation and must be >= 0, got {noise}")
    return n, noise, _generator(seed, func)


def _generator(seed, func):
    """A ``torch.Generator`` seeded with ``seed``, an integer in the range torch accepts."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{func}: seed must be an integer, got {describe(seed)}")
    if not -(2**63) <= seed < 2**64:
        raise ValueError(f"{func}: seed must be in [-2**63, 2**64), got {seed}")
    return torch.Generator().manual_seed(int(seed))


def _balanced_labels(n, n_groups):
    """``n`` group indices ``0, 0, ..., 1, 1, ...``, the group sizes differing by at most one."""
    sizes = [n // n_groups + (g < n % n_groups) for g in range(n_groups)]
    return torch.repeat_interleave(torch.arange(n_groups), torch.tensor(sizes))


def _finish(points, labels, noise, gen):
    """Add Gaussian noise, shuffle the rows, round to float32."""
    points = points + noise * torch.randn(points.shape, generator=gen, dtype=torch.float64)
    order = torch.randperm(len(labels), generator=gen)
    return points[order].to(torch.float32), labels[order]


def _positions_within_groups(groups):
    """For each entry, ``(rank within its group, size of its group)`` as float64 tensors."""
    counts = torch.bincount(groups)
    starts = torch.cumsum(counts, 0) - counts
    rank = torch.arange(len(groups)) - starts[groups]
    return rank.to(torch.float64), counts[groups].to(torch.float64)


def two_moons(n=200, noise=0.1, seed=0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Two interleaving half circles, the classic dataset a linear model cannot separate.

    Class 0 lies on the upper half circle :math:`(\cos t, \sin t)`, class 1 on the lower one
    shifted right, :math:`(1 - \cos t, \tfrac12 - \sin t)`, with :math:`t` evenly spaced in
    :math:`[0, \pi]` (as scikit-learn's ``make_moons``), plus Gaussian noise of std ``noise``
    on each coordinate.

    Args:
        n (int): the number of samples, at least 2.
        noise (float): the std of the noise, >= 0.
        seed (int): seeds the noise and the order of the rows.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``X`` float32 of shape ``(n, 2)``, ``y`` int64 of
        shape ``(n,)`` with values in {0, 1}.

    Example:
        >>> X, y = two_moons(100, noise=0.1, seed=0)
        >>> X.shape, y.bincount().tolist()
        (torch.Size([100, 2]), [50, 50])
    """
    n, noise, gen = _check(n, noise, seed, "two_moons", 2)
    labels = _balanced_labels(n, 2)
    rank, size = _positions_within_groups(labels)
    t = math.pi * rank / (size - 1).clamp(min=1)
    upper = torch.stack([torch.cos(t), torch.sin(t)], dim=1)
    lower = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], dim=1)
    points = torch.where((labels == 0)[:, None], upper, lower)
    return _finish(points, labels, noise, gen)


def xor(n=200, noise=0.2, seed=0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Four Gaussian blobs at the corners :math:`(\pm 1, \pm 1)`, labelled by XOR.

    A blob's label is 1 when its centre's coordinates have different signs (second and fourth
    quadrants) and 0 otherwise: :math:`y = [x_1 > 0] \oplus [x_2 > 0]` at the centres. No line
    separates the classes; one hidden layer of two ReLU units can. Labels follow the blob,
    so with a large ``noise`` a few points cross into a neighbouring quadrant.

    Args:
        n (int): the number of samples, at least 4; the blob sizes differ by at most one.
        noise (float): the std of each blob, >= 0.
        seed (int): seeds the noise and the order of the rows.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``X`` float32 of shape ``(n, 2)``, ``y`` int64 of
        shape ``(n,)`` with values in {0, 1}.

    Example:
        >>> X, y = xor(8, noise=0.0, seed=1)
        >>> all(int(label) == int(a * b < 0) for (a, b), label in zip(X.tolist(), y, strict=True))
        True
    """
    n, noise, gen = _check(n, noise, seed, "xor", 4)
    blobs = _balanced_labels(n, 4)
    # blobs 0..3 at (1, 1), (-1, 1), (-1, -1), (1, -1): the even ones are class 0, so that the
    # n % 4 extra samples, which go to the first blobs, alternate between the classes
    centres = torch.tensor(
        [[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]], dtype=torch.float64
    )
    return _finish(centres[blobs], blobs % 2, noise, gen)


def two_spirals(n=200, noise=0.05, seed=0, *, turns=1.5) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Two interleaved spirals, a hard case for shallow networks.

    Class 0 is the spiral :math:`r(t)\,(\cos t, \sin t)` with :math:`r = t / t_\max`, for
    :math:`t` evenly spaced in :math:`[t_0, t_\max]`, :math:`t_\max = 2\pi \cdot` ``turns``
    and :math:`t_0 = t_\max / 8`; class 1 is the same spiral turned by :math:`\pi` (the
    points negated). Points fit in the unit disc before the noise.

    Args:
        n (int): the number of samples, at least 2.
        noise (float): the std of the noise on each coordinate, >= 0.
        seed (int): seeds the noise and the order of the rows.
        turns (float): how many times each spiral winds around the origin, > 0.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``X`` float32 of shape ``(n, 2)``, ``y`` int64 of
        shape ``(n,)`` with values in {0, 1}.

    Example:
        >>> X, y = two_spirals(200, noise=0.0, seed=0)
        >>> X.shape, round(float(X.norm(dim=1).max()), 3)
        (torch.Size([200, 2]), 1.0)
    """
    n, noise, gen = _check(n, noise, seed, "two_spirals", 2)
    turns = finite_real(turns, "turns", "two_spirals")
    if turns <= 0:
        raise ValueError(f"two_spirals: turns must be > 0, got {turns}")
    labels = _balanced_labels(n, 2)
    rank, size = _positions_within_groups(labels)
    t_max = 2 * math.pi * turns
    t = t_max * (1 / 8 + (7 / 8) * rank / (size - 1).clamp(min=1))
    r = t / t_max
    points = torch.stack([r * torch.cos(t), r * torch.sin(t)], dim=1)
    points = torch.where((labels == 0)[:, None], points, -points)
    return _finish(points, labels, noise, gen)


def sine_regression(n=100, noise=0.1, seed=0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Noisy samples of :math:`y = \sin x` for :math:`x` uniform in :math:`[-\pi, \pi]`.

    A ReLU network fits it with a piecewise linear function: the kinks show.

    Args:
        n (int): the number of samples, at least 1.
        noise (float): the std of the Gaussian noise added to :math:`y`, >= 0.
        seed (int): seeds :math:`x` and the noise.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``X`` float32 of shape ``(n, 1)``, ``y`` float32 of
        shape ``(n, 1)``, in random order.

    Example:
        >>> X, y = sine_regression(50, noise=0.0, seed=0)
        >>> X.shape, y.shape, bool(torch.allclose(y, torch.sin(X)))
        (torch.Size([50, 1]), torch.Size([50, 1]), True)
    """
    n, noise, gen = _check(n, noise, seed, "sine_regression", 1)
    x = (2 * torch.rand(n, 1, generator=gen, dtype=torch.float64) - 1) * math.pi
    y = torch.sin(x) + noise * torch.randn(n, 1, generator=gen, dtype=torch.float64)
    return x.to(torch.float32), y.to(torch.float32)


def digits(test_fraction=0.25, seed=0) -> tuple[tuple[torch.Tensor, torch.Tensor], ...]:
    r"""scikit-learn's bundled 8 × 8 handwritten digits, as seeded train and test tensors.

    1,797 images of the digits 0 to 9, about 180 of each: the test set of the UCI "optical
    recognition of handwritten digits" data, shipped inside scikit-learn (nothing is
    downloaded). Each pixel counts the ink in a 4 × 4 block of a 32 × 32 bitmap, an integer
    from 0 to 16; it is divided by 16, so that every input lies in :math:`[0, 1]` whatever
    the split (no statistics of the data are used, so none leak from test to train).

    The split is stratified: each digit gives ``round(test_fraction * count)`` of its images
    (Python's ``round``, halves to the even neighbour) to the test set, chosen by a
    ``torch.Generator`` seeded with ``seed``, so that both sets have the class balance of the
    whole. The rows of each set come in a seeded random order.
    Same arguments, bit-identical tensors; torch's global random state is not touched.

    Args:
        test_fraction (float): the share of each digit's images held out, in (0, 1); every
            digit must keep at least one image on each side.
        seed (int): seeds the split and the order of the rows.

    Returns:
        tuple: ``((X_train, y_train), (X_test, y_test))``: ``X`` float32 of shape ``(n, 64)``,
        each row an image read row by row (``X.reshape(-1, 8, 8)`` shows it), ``y`` int64 of
        shape ``(n,)`` holding the digit. With the default 0.25: 1,347 and 450 images.

    Example:
        >>> (X_train, y_train), (X_test, y_test) = digits(seed=0)
        >>> X_train.shape, X_test.shape, X_train.dtype, y_train.dtype
        (torch.Size([1347, 64]), torch.Size([450, 64]), torch.float32, torch.int64)
        >>> float(X_train.min()), float(X_train.max()), y_test.bincount().tolist()
        (0.0, 1.0, [44, 46, 44, 46, 45, 46, 45, 45, 44, 45])
    """
    func = "digits"
    test_fraction = finite_real(test_fraction, "test_fraction", func)
    if not 0 < test_fraction < 1:
        raise ValueError(f"{func}: test_fraction must be in (0, 1), got {test_fraction}")
    gen = _generator(seed, func)
    try:
        from sklearn.datasets import load_digits  # only this function needs scikit-learn
    except ImportError as exc:
        raise ImportError(
            f"{func} reads the digits bundled with scikit-learn: pip install scikit-learn"
        ) from exc
    bunch = load_digits()
    images = torch.from_numpy(bunch.data).div(16).to(torch.float32)
    labels = torch.from_numpy(bunch.target).to(torch.int64)
    train, test = [], []
    for digit in range(10):
        members = torch.nonzero(labels == digit).flatten()
        n_test = round(test_fraction * len(members))
        if not 0 < n_test < len(members):
            raise ValueError(
                f"{func}: test_fraction={test_fraction} leaves digit {digit} with "
                f"{n_test} of its {len(members)} images in the test set; both sets need one"
            )
        members = members[torch.randperm(len(members), generator=gen)]
        test.append(members[:n_test])
        train.append(members[n_test:])
    parts = []
    for indices in (torch.cat(train), torch.cat(test)):
        indices = indices[torch.randperm(len(indices), generator=gen)]
        parts.append((images[indices], labels[indices]))
    return tuple(parts)
