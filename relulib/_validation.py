"""Input validation for relulib, done once at the boundary of each public function.

Every error names the function, the argument, what was given and what was expected,
in the spirit of scikit-learn's ``check_array`` / ``check_scalar``.
"""

import math
import numbers
import sys

import numpy as np


def is_tensor(x):
    """Whether ``x`` is a torch tensor. Never imports torch: if no one has, ``x`` is not one."""
    if isinstance(x, (np.ndarray, np.generic, float, int)):
        return False  # the common case, answered before torch's slower isinstance check
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def describe(value):
    """A short description of ``value`` for an error message."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if is_tensor(value):
        return f"tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def as_real_array(x, func, name="x", *, keep_integers=False):
    """``np.asarray(x)`` checked to hold real numbers.

    Floating arrays come back as they are (no copy). Integer arrays become ``float64``
    unless ``keep_integers``; booleans always become ``float64``. Complex, string, object,
    datetime and other dtypes raise ``TypeError``.
    """
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{func}: expected real numbers for {name}, got {describe(x)} "
            f"that numpy cannot turn into an array ({exc})"
        ) from exc
    kind = arr.dtype.kind
    if kind == "f":
        return arr
    if kind in "iu":
        return arr if keep_integers else arr.astype(np.float64)
    if kind == "b":
        return arr.astype(np.float64)
    raise TypeError(f"{func}: expected real numbers, got array of dtype {arr.dtype} for {name}")


def finite_real(value, name, func):
    """``value`` as a float, checked to be a finite real number (not a bool, not an array)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: {name} must be a finite real number, got {describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{func}: {name} must be a finite real number, got {value!r}")
    return value


def one_of(value, options, name, func):
    """``value`` checked to be one of the strings ``options``."""
    if not isinstance(value, str):
        raise TypeError(f"{func}: {name} must be a string, one of {options}, got {describe(value)}")
    if value not in options:
        raise ValueError(f"{func}: {name} must be one of {options}, got {value!r}")
    return value


def boolean(value, name, func):
    """``value`` checked to be a bool (NumPy's included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{func}: {name} must be True or False, got {describe(value)}")
    return bool(value)


def positive_int(value, name, func):
    """``value`` checked to be an integer >= 1 (``True`` is not an integer here)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{func}: {name} must be a positive integer, got {describe(value)}")
    return int(value)


def axis_index(axis, ndim, func):
    """``axis`` normalised to ``0 <= axis < ndim`` (negative values count from the end)."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{func}: axis must be an integer, got {describe(axis)}")
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(
            f"{func}: axis={axis} is out of bounds for an array of dimension {ndim}"
        )
    return int(axis) % ndim


def maxout_groups(shape, pieces, axis, func):
    """``(pieces, axis)`` checked against an input of ``shape``: ``axis`` normalised, and
    ``pieces`` a positive integer that divides its length."""
    pieces = positive_int(pieces, "pieces", func)
    axis = axis_index(axis, len(shape), func)
    if shape[axis] % pieces:
        raise ValueError(
            f"{func}: pieces={pieces} must divide the size of axis {axis}, which is {shape[axis]}"
        )
    return pieces, axis


def prelu_channels(weight, x_shape, func):
    """The number of channels of an input of ``x_shape``, checked against prelu's ``weight``
    (an array or a tensor): as in torch, the channel axis is axis 1, an input of dimension
    < 2 has one channel, and ``weight`` holds one value or one per channel."""
    channels = x_shape[1] if len(x_shape) >= 2 else 1
    if len(weight.shape) > 1 or math.prod(weight.shape) not in (1, channels):
        expected = (
            f"size 1 or x.shape[1] = {channels}"
            if len(x_shape) >= 2
            else f"size 1 (x of dimension {len(x_shape)} has no channel axis)"
        )
        raise ValueError(
            f"{func}: weight must be a scalar or a 1-D array of {expected}, got {describe(weight)}"
        )
    return channels
