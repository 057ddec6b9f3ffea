"""ReLU and its variants on NumPy arrays, with the values and derivatives of PyTorch.

The ReLU family (``relu``, ``leaky_relu``, ``prelu``, ``elu``, ``selu``, ``maxout``), its
smooth relatives (``gelu``, ``silu``, ``mish``, ``softplus``) and the bounded or squared ones
(``relu6``, ``hardswish``, ``squared_relu``).

Each activation works in two worlds. Anything ``np.asarray`` accepts gives a NumPy array
(a NumPy scalar for 0-d input, as a ufunc does), computed here with NumPy alone. A
``torch.Tensor`` gives a tensor of its dtype and device, differentiable, computed by
PyTorch's own kernels after relulib's validation (see :mod:`relulib._tensors`, imported only
when a tensor arrives, for the rules and for why). ``f.grad`` is the derivative, in either
world, with PyTorch's autograd conventions at every kink (the left derivative at ``x = 0``
for the ReLU family; each function's docstring says which) and at NaN.

Dtype rules for arrays: floating input keeps its dtype (float16, float32, float64); integer
and boolean input becomes float64, except that ``relu``, ``relu6`` and ``maxout``, which only
select values, keep integer dtypes (as torch does). float16 is computed in float32 and
rounded once, as PyTorch's CPU kernels do. Complex, string and object input raise
``TypeError``.

Values agree with ``torch.nn.functional`` for the same dtype: exactly for the piecewise linear
ones (relu, leaky_relu, prelu, relu6, hardswish, and squared_relu against ``relu(x) ** 2``;
NaN included, the sign of a zero result not specified), and within a few units in the last
place for the others, whose exponential, tanh and erf come from different libraries. Where a
result is much smaller than the terms it is computed from (GELU far to the left, a derivative
near its zero) the few units are those of the terms. The exceptions, where PyTorch itself is
inconsistent, are listed in the functions' docstrings.
"""

import math

import numpy as np

from relulib._validation import (
    as_real_array,
    finite_real,
    is_tensor,
    maxout_groups,
    one_of,
    prelu_channels,
)

__all__ = [
    "ACTIVATIONS",
    "SELU_ALPHA",
    "SELU_SCALE",
    "elu",
    "gelu",
    "hardswish",
    "leaky_relu",
    "maxout",
    "mish",
    "prelu",
    "relu",
    "relu6",
    "selu",
    "silu",
    "softplus",
    "squared_relu",
]

#: SELU's :math:`\alpha`, as in Klambauer et al. (2017) and ``torch.nn.functional.selu``.
SELU_ALPHA = 1.6732632423543772848170429916717
#: SELU's :math:`\lambda` (the scale), as in Klambauer et al. (2017) and PyTorch.
SELU_SCALE = 1.0507009873554804934193349852946


def _derivative_of(activation):
    """Decorator: install the decorated function as ``activation.grad``."""

    def install(grad):
        grad.__name__ = "grad"
        grad.__qualname__ = f"{activation.__name__}.grad"
        activation.grad = grad
        return grad

    return install


def _torch_world():
    """relulib's activations on tensors, :mod:`relulib._tensors`, imported when a tensor first
    arrives (so that ``import relulib`` does not import torch)."""
    from relulib import _tensors

    return _tensors


def _scalar_if_0d(a):
    """A 0-d array as a NumPy scalar, as a ufunc returns it; other arrays unchanged."""
    return a[()]


def _compute_dtype(dtype):
    """float16 is computed in float32 and rounded once, like PyTorch's CPU kernels (opmath)."""
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def _cast(value, dtype):
    """A Python float as a NumPy scalar of ``dtype`` (overflowing to inf silently, like torch)."""
    with np.errstate(over="ignore"):
        return dtype.type(value)


def _positive_or_scaled(x, scaled, slope):
    """``x`` where ``x > 0``, else ``scaled`` (``= slope * x``): PyTorch's leaky_relu and prelu.

    ``np.where(x > 0, x, scaled)`` is the same thing, but on data of mixed signs it branches
    per element and runs several times slower than a ufunc. Without branches:

    * if every slope is in ``[-inf, 1]`` and not 0, ``slope * x`` is below ``x`` for ``x > 0``
      and above it for ``x < 0``, so the answer is ``maximum(x, slope * x)``;
    * if every slope is above 1, it is ``minimum(x, slope * x)``.

    Both propagate NaN, as torch does. A zero slope takes ``np.where``: ``0 * inf`` is NaN,
    where torch keeps ``inf``. ``scaled`` must be a fresh array; it is overwritten.
    """
    scaled = np.asarray(scaled)
    slope = np.asarray(slope)
    if np.all((slope <= 1) & (slope != 0)):
        return _scalar_if_0d(np.maximum(x, scaled, out=scaled))
    if np.all(slope > 1):
        return _scalar_if_0d(np.minimum(x, scaled, out=scaled))
    return _scalar_if_0d(np.where(x > 0, x, scaled))


def _elu(x, alpha, scale):
    """PyTorch's elu kernel: ``scale * x`` for ``x > 0``, ``alpha * scale * expm1(x)`` else."""
    work = x.astype(_compute_dtype(x.dtype), copy=False)
    negcoef = _cast(alpha, work.dtype) * _cast(scale, work.dtype)
    # expm1, never exp(x) - 1, which loses all precision near 0. min(x, 0) <= 0 keeps expm1
    # from overflowing on large x; it maps x > 0 to expm1(0) = 0.
    negative = np.asarray(np.minimum(work, 0))
    np.expm1(negative, out=negative)
    negative *= negcoef
    if scale == 1 and 0 < alpha <= 1:
        # alpha * expm1(x) >= x for x <= 0, and 0 < x for x > 0: one maximum joins the pieces.
        out = np.maximum(negative, work, out=negative)
    else:
        with np.errstate(over="ignore"):
            out = np.maximum(work, 0) * _cast(scale, work.dtype)
        out += negative  # negative is 0 where x > 0
    with np.errstate(over="ignore"):
        return _scalar_if_0d(np.asarray(out).astype(x.dtype, copy=False))


def _elu_derivative(x, alpha, scale):
    """PyTorch's elu_backward: ``scale`` for ``x > 0``, ``alpha * scale * exp(x)`` else.

    At NaN the result is NaN. PyTorch 2.13 is not consistent there: its vectorised loop gives
    NaN, its scalar loop (the last few elements of an array, or a short array) gives ``scale``.
    """
    work = x.astype(_compute_dtype(x.dtype), copy=False)
    negcoef = _cast(alpha, work.dtype) * _cast(scale, work.dtype)
    negative = negcoef * np.exp(np.minimum(work, 0))
    return _scalar_if_0d(np.where(work > 0, _cast(scale, work.dtype), negative).astype(x.dtype))


def _prelu_weight(weight, x, func):
    """``weight`` checked against ``x``, cast to its dtype, shaped to broadcast on axis 1."""
    weight = as_real_array(weight, func, "weight")
    channels = prelu_channels(weight, x.shape, func)
    with np.errstate(over="ignore"):
        weight = weight.astype(x.dtype, copy=False)
    if weight.size == 1:
        return weight.reshape(())
    return weight.reshape((channels,) + (1,) * (x.ndim - 2))


def relu(x):
    r"""Rectified linear unit.

    Computes the element-wise function

    .. math::
        \mathrm{relu}(x) = \max(x, 0)

    Its derivative ``relu.grad(x)`` is 1 for :math:`x > 0` and 0 for :math:`x \le 0`:
    at the kink :math:`x = 0` it takes the left derivative 0, as PyTorch's autograd does.

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).

    Returns:
        An array of the shape of ``x``. Floating and integer dtypes are kept (as in
        ``torch.relu``); booleans become float64. NaN stays NaN.

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.relu(np.array([-1., 0., 2.]))
        array([0., 0., 2.])
        >>> relulib.relu(np.array([-3, 5]))
        array([0, 5])

    See also:
        :func:`relulib.leaky_relu`, :func:`relulib.prelu`, :func:`relulib.elu`

    References:
        Nair and Hinton (2010), `Rectified linear units improve restricted Boltzmann machines
        <https://www.cs.toronto.edu/~hinton/absps/reluICML.pdf>`__;
        Glorot, Bordes and Bengio (2011), `Deep sparse rectifier neural networks
        <https://proceedings.mlr.press/v15/glorot11a.html>`__.
    """
    if is_tensor(x):
        return _torch_world().relu(x)
    x = as_real_array(x, "relu", keep_integers=True)
    return np.maximum(x, 0)


@_derivative_of(relu)
def _relu_grad(x):
    r"""Derivative of :func:`relulib.relu`: 1 where :math:`x > 0`, else 0.

    As in PyTorch: 0 at the kink :math:`x = 0` (and at ``-0.0``), 1 at NaN.

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.relu.grad(np.array([-1., 0., 2.]))
        array([0., 0., 1.])
    """
    if is_tensor(x):
        return _torch_world().derivative(relu, x)
    x = as_real_array(x, "relu.grad")
    # x <= 0, not x > 0: torch's threshold_backward gives NaN the slope 1.
    return _scalar_if_0d(np.where(x <= 0, 0, 1).astype(x.dtype))


def leaky_relu(x, negative_slope=0.01):
    r"""Leaky rectified linear unit.

    Computes the element-wise function

    .. math::
        \mathrm{leaky\_relu}(x) = \begin{cases} x & x > 0 \\
        \mathrm{negative\_slope} \cdot x & x \le 0 \end{cases}

    Its derivative ``leaky_relu.grad(x, negative_slope)`` is 1 for :math:`x > 0` and
    ``negative_slope`` for :math:`x \le 0`, the left derivative at the kink, as in PyTorch.

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).
        negative_slope: the slope for :math:`x \le 0`, a finite real number.

    Returns:
        An array of the shape of ``x``, with its floating dtype (float64 for integer input).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.leaky_relu(np.array([-2., 0., 3.]), negative_slope=0.5)
        array([-1.,  0.,  3.])

    See also:
        :func:`relulib.relu`, :func:`relulib.prelu`

    References:
        Maas, Hannun and Ng (2013), `Rectifier nonlinearities improve neural network acoustic
        models <https://ai.stanford.edu/~amaas/papers/relu_hybrid_icml2013_final.pdf>`__.
    """
    slope = finite_real(negative_slope, "negative_slope", "leaky_relu")
    if is_tensor(x):
        return _torch_world().leaky_relu(x, slope)
    x = as_real_array(x, "leaky_relu")
    work = _compute_dtype(x.dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = (x.astype(work, copy=False) * _cast(slope, work)).astype(x.dtype, copy=False)
    return _positive_or_scaled(x, scaled, slope)


@_derivative_of(leaky_relu)
def _leaky_relu_grad(x, negative_slope=0.01):
    r"""Derivative of :func:`relulib.leaky_relu`: 1 where :math:`x > 0`, else ``negative_slope``.

    As in PyTorch: ``negative_slope`` at the kink :math:`x = 0` and at NaN.

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.leaky_relu.grad(np.array([-2., 0., 3.]), negative_slope=0.5)
        array([0.5, 0.5, 1. ])
    """
    slope = finite_real(negative_slope, "negative_slope", "leaky_relu.grad")
    if is_tensor(x):
        return _torch_world().derivative(leaky_relu, x, slope)
    x = as_real_array(x, "leaky_relu.grad")
    slope = _cast(slope, _compute_dtype(x.dtype))
    return _scalar_if_0d(np.where(x > 0, 1, slope).astype(x.dtype))


def prelu(x, weight):
    r"""Parametric rectified linear unit: a leaky ReLU whose slope is learned per channel.

    Computes the element-wise function, for an element of channel :math:`c`,

    .. math::
        \mathrm{prelu}(x) = \begin{cases} x & x > 0 \\ a_c \, x & x \le 0 \end{cases}

    where :math:`a` is ``weight``. As in PyTorch the channel axis is axis 1; an ``x`` of
    dimension 0 or 1 has a single channel. The derivative with respect to ``x``,
    ``prelu.grad(x, weight)``, is 1 for :math:`x > 0` and :math:`a_c` for :math:`x \le 0`
    (the left derivative at the kink, as in PyTorch).

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).
        weight: the slopes, a scalar or a 1-D array of size 1 or ``x.shape[1]``; cast to the
            dtype of the result.

    Returns:
        An array of the shape of ``x``, with its floating dtype (float64 for integer input).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> x = np.array([[-2., 3.], [-2., -4.]])
        >>> relulib.prelu(x, weight=np.array([0.25, 0.5]))
        array([[-0.5,  3. ],
               [-0.5, -2. ]])

    See also:
        :func:`relulib.leaky_relu`, the same function with one fixed slope.

    References:
        He, Zhang, Ren and Sun (2015), `Delving deep into rectifiers: surpassing human-level
        performance on ImageNet classification <https://arxiv.org/abs/1502.01852>`__.
    """
    if is_tensor(x) or is_tensor(weight):
        return _torch_world().prelu(x, weight)
    x = as_real_array(x, "prelu")
    weight = _prelu_weight(weight, x, "prelu")
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = x * weight
    return _positive_or_scaled(x, scaled, weight)


@_derivative_of(prelu)
def _prelu_grad(x, weight):
    r"""Derivative of :func:`relulib.prelu` with respect to ``x``: 1 where :math:`x > 0`,
    else the channel's weight.

    As in PyTorch: the weight at the kink :math:`x = 0` and at NaN.

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.prelu.grad(np.array([-1., 0., 2.]), weight=0.25)
        array([0.25, 0.25, 1.  ])
    """
    if is_tensor(x) or is_tensor(weight):
        return _torch_world().derivative(prelu, x, weight, func="prelu.grad")
    x = as_real_array(x, "prelu.grad")
    weight = _prelu_weight(weight, x, "prelu.grad")
    return _scalar_if_0d(np.where(x > 0, 1, weight).astype(x.dtype))


def elu(x, alpha=1.0):
    r"""Exponential linear unit.

    Computes the element-wise function

    .. math::
        \mathrm{elu}(x) = \begin{cases} x & x > 0 \\ \alpha \, (e^{x} - 1) & x \le 0 \end{cases}

    with ``np.expm1`` for :math:`e^{x} - 1`, so that small :math:`|x|` keep their precision.
    Its derivative ``elu.grad(x, alpha)`` is 1 for :math:`x > 0` and :math:`\alpha e^{x}` for
    :math:`x \le 0`: :math:`\alpha` at the kink, the left derivative, as in PyTorch.

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).
        alpha: the negative saturation value :math:`\alpha`, a finite real number:
            :math:`\mathrm{elu}(-\infty) = -\alpha`.

    Returns:
        An array of the shape of ``x``, with its floating dtype (float64 for integer input).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.elu(np.array([-np.inf, 0., 2.]), alpha=0.5)
        array([-0.5,  0. ,  2. ])

    See also:
        :func:`relulib.selu`, :func:`relulib.relu`

    References:
        Clevert, Unterthiner and Hochreiter (2015), `Fast and accurate deep network learning
        by exponential linear units (ELUs) <https://arxiv.org/abs/1511.07289>`__.
    """
    alpha = finite_real(alpha, "alpha", "elu")
    if is_tensor(x):
        return _torch_world().elu(x, alpha)
    x = as_real_array(x, "elu")
    return _elu(x, alpha, scale=1.0)


@_derivative_of(elu)
def _elu_grad(x, alpha=1.0):
    r"""Derivative of :func:`relulib.elu`: 1 where :math:`x > 0`, else :math:`\alpha e^{x}`.

    As in PyTorch: :math:`\alpha` at the kink :math:`x = 0`, 0 at :math:`-\infty`. NaN at NaN
    (PyTorch gives NaN or 1 there, depending on where the NaN sits in the array).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.elu.grad(np.array([-np.inf, 0., 2.]), alpha=0.5)
        array([0. , 0.5, 1. ])
    """
    alpha = finite_real(alpha, "alpha", "elu.grad")
    if is_tensor(x):
        return _torch_world().derivative(elu, x, alpha)
    x = as_real_array(x, "elu.grad")
    return _elu_derivative(x, alpha, scale=1.0)


def selu(x):
    r"""Scaled exponential linear unit.

    Computes the element-wise function

    .. math::
        \mathrm{selu}(x) = \lambda \begin{cases} x & x > 0 \\
        \alpha \, (e^{x} - 1) & x \le 0 \end{cases}

    with :math:`\alpha \approx 1.6733` (``SELU_ALPHA``) and :math:`\lambda \approx 1.0507`
    (``SELU_SCALE``), the constants that make zero mean and unit variance a stable fixed point
    of the layer-to-layer map. Its derivative ``selu.grad(x)`` is :math:`\lambda` for
    :math:`x > 0` and :math:`\lambda \alpha e^{x}` for :math:`x \le 0`:
    :math:`\lambda \alpha \approx 1.7581` at the kink, the left derivative, as in PyTorch.

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).

    Returns:
        An array of the shape of ``x``, with its floating dtype (float64 for integer input).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.selu(np.array([-np.inf, 0., 1.])) / relulib.SELU_SCALE
        array([-1.67326324,  0.        ,  1.        ])

    See also:
        :func:`relulib.elu`

    References:
        Klambauer, Unterthiner, Mayr and Hochreiter (2017), `Self-normalizing neural networks
        <https://arxiv.org/abs/1706.02515>`__.
    """
    if is_tensor(x):
        return _torch_world().selu(x)
    x = as_real_array(x, "selu")
    return _elu(x, SELU_ALPHA, scale=SELU_SCALE)


@_derivative_of(selu)
def _selu_grad(x):
    r"""Derivative of :func:`relulib.selu`: :math:`\lambda` where :math:`x > 0`, else
    :math:`\lambda \alpha e^{x}`.

    As in PyTorch: :math:`\lambda \alpha` at the kink :math:`x = 0`. NaN at NaN (PyTorch gives
    NaN or :math:`\lambda` there, depending on where the NaN sits in the array).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.selu.grad(np.array([0., 1.])) / relulib.SELU_SCALE
        array([1.67326324, 1.        ])
    """
    if is_tensor(x):
        return _torch_world().derivative(selu, x)
    x = as_real_array(x, "selu.grad")
    return _elu_derivative(x, SELU_ALPHA, scale=SELU_SCALE)


# --- smooth relatives of ReLU: GELU, SiLU, Mish, softplus ------------------------------------
# Each is computed as PyTorch's CPU kernel computes it: the same formula in the same order, in
# float32 for float16 input (opmath) and in the input's dtype otherwise, so that overflow and
# inf * 0 give PyTorch's inf and NaN at the same inputs. IEEE arithmetic, no warnings.

_SQRT_HALF = math.sqrt(0.5)  # 1 / sqrt(2)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)  # the standard normal density at 0
_GELU_TANH_CUBIC = 0.044715  # the cubic coefficient of GELU's tanh approximation

_math_erf = np.frompyfunc(math.erf, 1, 1)


def _erf(a):
    """The error function, element by element: NumPy has none, ``math.erf`` is within 1 ulp."""
    values = np.asarray(_math_erf(a.astype(np.float64)), dtype=np.float64)
    return values.astype(a.dtype, copy=False)


def _work(x):
    """``x`` in the dtype PyTorch computes in (float32 for float16). Never write into it."""
    return x.astype(_compute_dtype(x.dtype), copy=False)


def _rounded(work, dtype):
    """``work`` rounded once to ``dtype`` (overflow to inf is silent), a scalar if 0-d."""
    with np.errstate(over="ignore"):
        return _scalar_if_0d(np.asarray(work).astype(dtype, copy=False))


def _gelu(w, approximate):
    half, one = _cast(0.5, w.dtype), _cast(1, w.dtype)
    if approximate == "tanh":
        inner = _cast(_SQRT_2_OVER_PI, w.dtype) * (
            w + _cast(_GELU_TANH_CUBIC, w.dtype) * (w * w * w)
        )
        return half * w * (one + np.tanh(inner))
    return w * half * (one + _erf(w * _cast(_SQRT_HALF, w.dtype)))


def _gelu_derivative(w, approximate):
    half, one = _cast(0.5, w.dtype), _cast(1, w.dtype)
    if approximate == "tanh":
        beta, kappa = _cast(_SQRT_2_OVER_PI, w.dtype), _cast(_GELU_TANH_CUBIC, w.dtype)
        w_sq = w * w
        tanh_inner = np.tanh(beta * (w + kappa * (w_sq * w)))
        outer = half * (one + tanh_inner)  # d/dx of x, times the gate
        inner = (
            half
            * w
            * (one - tanh_inner * tanh_inner)
            * (beta * (one + _cast(3, w.dtype) * kappa * w_sq))
        )
        return outer + inner
    cdf = half * (one + _erf(w * _cast(_SQRT_HALF, w.dtype)))
    pdf = _cast(_INV_SQRT_2PI, w.dtype) * np.exp(w * w * _cast(-0.5, w.dtype))
    return cdf + w * pdf


def gelu(x, approximate="none"):
    r"""Gaussian error linear unit: :math:`x` weighted by the probability that a standard
    normal variable is below :math:`x`.

    Computes the element-wise function

    .. math::
        \mathrm{gelu}(x) = x \, \Phi(x) = \frac{x}{2} \left(1 + \mathrm{erf}(x / \sqrt 2)\right)

    or, with ``approximate="tanh"``, Hendrycks and Gimpel's approximation

    .. math::
        \mathrm{gelu}(x) \approx \frac{x}{2} \left(1 + \tanh\left(\sqrt{2 / \pi}\,
        (x + 0.044715\, x^{3})\right)\right)

    Its derivative ``gelu.grad(x, approximate)`` is :math:`\Phi(x) + x \, \varphi(x)` (with
    :math:`\varphi` the standard normal density), 0.5 at 0; smooth, so there is no kink.
    As in PyTorch, :math:`\mathrm{gelu}(-\infty)` is NaN (:math:`-\infty \cdot 0`), and so
    is the derivative at :math:`\pm\infty`; but where PyTorch 2.13's float32 kernel
    overflows (to inf above about :math:`1.7 \cdot 10^{38}`, to NaN at :math:`+\infty`),
    relulib returns :math:`x`. NumPy has no ``erf``: the exact form evaluates
    ``math.erf`` element by element, a few million numbers a second, slower than the other
    activations.

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).
        approximate: ``"none"`` for the exact form, ``"tanh"`` for the approximation.

    Returns:
        An array of the shape of ``x``, with its floating dtype (float64 for integer input).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.gelu(np.array([-1., 0., 1.]))
        array([-0.15865525,  0.        ,  0.84134475])
        >>> relulib.gelu(np.array([-1., 0., 1.]), approximate="tanh")
        array([-0.15880801,  0.        ,  0.84119199])

    See also:
        :func:`relulib.silu`, the same shape with the logistic sigmoid as the gate;
        :func:`relulib.relu`, the gate :math:`[x > 0]`.

    References:
        Hendrycks and Gimpel (2016), `Gaussian error linear units (GELUs)
        <https://arxiv.org/abs/1606.08415>`__.
    """
    approximate = one_of(approximate, ("none", "tanh"), "approximate", "gelu")
    if is_tensor(x):
        return _torch_world().gelu(x, approximate)
    x = as_real_array(x, "gelu")
    with np.errstate(all="ignore"):
        return _rounded(_gelu(_work(x), approximate), x.dtype)


@_derivative_of(gelu)
def _gelu_grad(x, approximate="none"):
    r"""Derivative of :func:`relulib.gelu`: :math:`\Phi(x) + x\,\varphi(x)`, or the
    derivative of the tanh approximation for ``approximate="tanh"``.

    As in PyTorch: NaN at NaN and at :math:`\pm\infty`.

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.gelu.grad(np.array([-1., 0., 1.]))
        array([-0.08331547,  0.5       ,  1.08331547])
    """
    approximate = one_of(approximate, ("none", "tanh"), "approximate", "gelu.grad")
    if is_tensor(x):
        return _torch_world().derivative(gelu, x, approximate)
    x = as_real_array(x, "gelu.grad")
    with np.errstate(all="ignore"):
        return _rounded(_gelu_derivative(_work(x), approximate), x.dtype)


def _sigmoid(w):
    one = _cast(1, w.dtype)
    return one / (one + np.exp(-w))


def silu(x):
    r"""Sigmoid-weighted linear unit, also called Swish (with :math:`\beta = 1`).

    Computes the element-wise function

    .. math::
        \mathrm{silu}(x) = x \, \sigma(x) = \frac{x}{1 + e^{-x}}

    Its derivative ``silu.grad(x)`` is :math:`\sigma(x)\,(1 + x\,(1 - \sigma(x)))`, 0.5 at 0.
    SiLU is not monotone: its minimum is about :math:`-0.278`, near :math:`x = -1.278`.
    As in PyTorch, :math:`\mathrm{silu}(-\infty)` is NaN, and so is the derivative at
    :math:`\pm\infty`.

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).

    Returns:
        An array of the shape of ``x``, with its floating dtype (float64 for integer input).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.silu(np.array([-1., 0., 1.]))
        array([-0.26894142,  0.        ,  0.73105858])

    See also:
        :func:`relulib.gelu`, :func:`relulib.mish`

    References:
        Elfwing, Uchibe and Doya (2018), `Sigmoid-weighted linear units for neural network
        function approximation in reinforcement learning <https://arxiv.org/abs/1702.03118>`__;
        Ramachandran, Zoph and Le (2017), `Searching for activation functions
        <https://arxiv.org/abs/1710.05941>`__ (Swish).
    """
    if is_tensor(x):
        return _torch_world().silu(x)
    x = as_real_array(x, "silu")
    w = _work(x)
    with np.errstate(all="ignore"):
        return _rounded(w / (_cast(1, w.dtype) + np.exp(-w)), x.dtype)


@_derivative_of(silu)
def _silu_grad(x):
    r"""Derivative of :func:`relulib.silu`: :math:`\sigma(x)\,(1 + x\,(1 - \sigma(x)))`.

    As in PyTorch: NaN at NaN and at :math:`\pm\infty`.

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.silu.grad(np.array([-1., 0., 1.]))
        array([0.07232949, 0.5       , 0.92767051])
    """
    if is_tensor(x):
        return _torch_world().derivative(silu, x)
    x = as_real_array(x, "silu.grad")
    w = _work(x)
    one = _cast(1, w.dtype)
    with np.errstate(all="ignore"):
        s = _sigmoid(w)
        return _rounded(s * (one + w * (one - s)), x.dtype)


def mish(x):
    r"""Mish: :math:`x` gated by the hyperbolic tangent of its softplus.

    Computes the element-wise function

    .. math::
        \mathrm{mish}(x) = x \tanh(\mathrm{softplus}(x)) = x \tanh(\ln(1 + e^{x}))

    Its derivative ``mish.grad(x)`` is :math:`t + x\,\sigma(x)\,(1 - t^2)` with
    :math:`t = \tanh(\mathrm{softplus}(x))`, 0.6 at 0. Like SiLU it dips below zero (to about
    :math:`-0.309`) and is not monotone. As in PyTorch, :math:`\mathrm{mish}(-\infty)` is
    NaN, and so is the derivative at :math:`\pm\infty`.

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).

    Returns:
        An array of the shape of ``x``, with its floating dtype (float64 for integer input).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.mish(np.array([-1., 0., 1.]))
        array([-0.30340146,  0.        ,  0.86509839])

    See also:
        :func:`relulib.silu`, :func:`relulib.softplus`

    References:
        Misra (2019), `Mish: a self regularized non-monotonic activation function
        <https://arxiv.org/abs/1908.08681>`__.
    """
    if is_tensor(x):
        return _torch_world().mish(x)
    x = as_real_array(x, "mish")
    w = _work(x)
    with np.errstate(all="ignore"):
        return _rounded(w * np.tanh(np.log1p(np.exp(w))), x.dtype)


@_derivative_of(mish)
def _mish_grad(x):
    r"""Derivative of :func:`relulib.mish`: :math:`t + x\,\sigma(x)\,(1 - t^2)`, with
    :math:`t = \tanh(\mathrm{softplus}(x))`.

    As in PyTorch: NaN at NaN and at :math:`\pm\infty`.

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.mish.grad(np.array([-1., 0., 1.]))
        array([0.05921676, 0.6       , 1.04903622])
    """
    if is_tensor(x):
        return _torch_world().derivative(mish, x)
    x = as_real_array(x, "mish.grad")
    w = _work(x)
    one = _cast(1, w.dtype)
    with np.errstate(all="ignore"):
        t = np.tanh(np.log1p(np.exp(w)))
        return _rounded(t + w * _sigmoid(w) * (one - t * t), x.dtype)


def _softplus_parameters(beta, threshold, func):
    beta = finite_real(beta, "beta", func)
    if beta <= 0:
        raise ValueError(f"{func}: beta must be > 0, got {beta!r}")
    return beta, finite_real(threshold, "threshold", func)


def softplus(x, beta=1.0, threshold=20.0):
    r"""Softplus, the smooth ReLU, with PyTorch's linear cut-over.

    Computes the element-wise function

    .. math::
        \mathrm{softplus}(x) = \begin{cases} \frac{1}{\beta} \ln(1 + e^{\beta x})
        & \beta x \le \mathrm{threshold} \\ x & \beta x > \mathrm{threshold} \end{cases}

    A larger :math:`\beta` bends it closer to ReLU: the curve lies above ReLU by at most
    :math:`\ln 2 / \beta`, the gap at :math:`x = 0`. Above the threshold it returns
    :math:`x` itself, as PyTorch does, which is within :math:`e^{-\mathrm{threshold}} / \beta`
    of the curve and keeps :math:`e^{\beta x}` from overflowing. The derivative
    ``softplus.grad(x, beta, threshold)`` is the logistic sigmoid :math:`\sigma(\beta x)` up
    to the threshold (included) and exactly 1 above it.

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).
        beta: the curvature :math:`\beta`, a finite number > 0.
        threshold: where :math:`\beta x` switches to the linear piece, a finite real number.

    Returns:
        An array of the shape of ``x``, with its floating dtype (float64 for integer input).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.softplus(np.array([-1., 0., 1., 30.]))
        array([ 0.31326169,  0.69314718,  1.31326169, 30.        ])
        >>> relulib.softplus(np.array([-1., 0., 1.]), beta=10.0)
        array([4.53988992e-06, 6.93147181e-02, 1.00000454e+00])

    See also:
        :func:`relulib.relu`, its limit as :math:`\beta \to \infty`.

    References:
        Dugas, Bengio, Bélisle, Nadeau and Garcia (2001), `Incorporating second-order
        functional knowledge for better option pricing
        <https://proceedings.neurips.cc/paper/2000/hash/44968aece94f667e4095002d140b5896-Abstract.html>`__;
        Glorot, Bordes and Bengio (2011), `Deep sparse rectifier neural networks
        <https://proceedings.mlr.press/v15/glorot11a.html>`__.
    """
    beta, threshold = _softplus_parameters(beta, threshold, "softplus")
    if is_tensor(x):
        return _torch_world().softplus(x, beta, threshold)
    x = as_real_array(x, "softplus")
    w = _work(x)
    with np.errstate(all="ignore"):
        scaled = w * _cast(beta, w.dtype)
        smooth = np.log1p(np.exp(scaled)) / _cast(beta, w.dtype)
        return _rounded(np.where(scaled > _cast(threshold, w.dtype), w, smooth), x.dtype)


@_derivative_of(softplus)
def _softplus_grad(x, beta=1.0, threshold=20.0):
    r"""Derivative of :func:`relulib.softplus`: :math:`\sigma(\beta x)` where
    :math:`\beta x \le \mathrm{threshold}`, else 1.

    As in PyTorch: the sigmoid at the threshold itself, 0 at :math:`-\infty`, 1 at
    :math:`+\infty`, NaN at NaN.

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.softplus.grad(np.array([-1., 0., 1., 30.]))
        array([0.26894142, 0.5       , 0.73105858, 1.        ])
    """
    beta, threshold = _softplus_parameters(beta, threshold, "softplus.grad")
    if is_tensor(x):
        return _torch_world().derivative(softplus, x, beta, threshold)
    x = as_real_array(x, "softplus.grad")
    w = _work(x)
    one = _cast(1, w.dtype)
    with np.errstate(all="ignore"):
        scaled = w * _cast(beta, w.dtype)
        e = np.exp(scaled)
        return _rounded(np.where(scaled > _cast(threshold, w.dtype), one, e / (e + one)), x.dtype)


# --- bounded and cheap: ReLU6, hard-swish; squared ReLU ------------------------------------


def relu6(x):
    r"""ReLU capped at 6.

    Computes the element-wise function

    .. math::
        \mathrm{relu6}(x) = \min(\max(x, 0), 6)

    Its derivative ``relu6.grad(x)`` is 1 for :math:`0 < x < 6` and 0 elsewhere: 0 at both
    kinks, :math:`x = 0` and :math:`x = 6`, as in PyTorch (its ``hardtanh`` backward).
    MobileNetV2 uses it for its robustness in low-precision computation.

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).

    Returns:
        An array of the shape of ``x``. Floating and integer dtypes are kept (as in
        ``torch.nn.functional.relu6``); booleans become float64. NaN stays NaN.

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.relu6(np.array([-1., 3., 8.]))
        array([0., 3., 6.])

    See also:
        :func:`relulib.relu`, :func:`relulib.hardswish`

    References:
        Krizhevsky (2010), `Convolutional deep belief networks on CIFAR-10
        <https://www.cs.toronto.edu/~kriz/conv-cifar10-aug2010.pdf>`__;
        Sandler, Howard, Zhu, Zhmoginov and Chen (2018), `MobileNetV2: inverted residuals and
        linear bottlenecks <https://arxiv.org/abs/1801.04381>`__.
    """
    if is_tensor(x):
        return _torch_world().relu6(x)
    x = as_real_array(x, "relu6", keep_integers=True)
    return np.minimum(np.maximum(x, 0), 6)


@_derivative_of(relu6)
def _relu6_grad(x):
    r"""Derivative of :func:`relulib.relu6`: 1 where :math:`0 < x < 6`, else 0.

    As in PyTorch: 0 at both kinks (:math:`x = 0` and :math:`x = 6`). 0 at NaN (PyTorch gives
    0 or 1 there, depending on where the NaN sits in the array).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.relu6.grad(np.array([0., 3., 6.]))
        array([0., 1., 0.])
    """
    if is_tensor(x):
        return _torch_world().derivative(relu6, x)
    x = as_real_array(x, "relu6.grad")
    return _scalar_if_0d(((x > 0) & (x < 6)).astype(x.dtype))


def hardswish(x):
    r"""Hard swish: :math:`x` gated by a piecewise linear sigmoid, cheap on mobile hardware.

    Computes the element-wise function

    .. math::
        \mathrm{hardswish}(x) = x \, \frac{\mathrm{relu6}(x + 3)}{6}
        = \begin{cases} 0 & x \le -3 \\ x (x + 3) / 6 & -3 < x < 3 \\ x & x \ge 3 \end{cases}

    Its derivative ``hardswish.grad(x)`` is 0 for :math:`x \le -3`, :math:`x / 3 + 1/2` for
    :math:`-3 < x < 3` and 1 for :math:`x \ge 3`: at both kinks the outer piece, 0 at
    :math:`x = -3` and 1 at :math:`x = 3`, as in PyTorch 2.13. As in PyTorch,
    :math:`\mathrm{hardswish}(-\infty)` is NaN (:math:`-\infty \cdot 0`).

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).

    Returns:
        An array of the shape of ``x``, with its floating dtype (float64 for integer input).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.hardswish(np.array([-4., -1., 0., 1., 4.]))
        array([-0.        , -0.33333333,  0.        ,  0.66666667,  4.        ])

    See also:
        :func:`relulib.silu`, the smooth function it imitates; :func:`relulib.relu6`

    References:
        Howard et al. (2019), `Searching for MobileNetV3 <https://arxiv.org/abs/1905.02244>`__.
    """
    if is_tensor(x):
        return _torch_world().hardswish(x)
    x = as_real_array(x, "hardswish")
    w = _work(x)
    three, six = _cast(3, w.dtype), _cast(6, w.dtype)
    with np.errstate(all="ignore"):
        return _rounded(w * np.minimum(np.maximum(w + three, 0), six) / six, x.dtype)


@_derivative_of(hardswish)
def _hardswish_grad(x):
    r"""Derivative of :func:`relulib.hardswish`: 0 for :math:`x \le -3`, :math:`x/3 + 1/2`
    in between, 1 for :math:`x \ge 3`.

    As in PyTorch 2.13: 0 at :math:`x = -3`, 1 at :math:`x = 3`. NaN at NaN (PyTorch gives
    NaN or 1 there, depending on where the NaN sits in the array).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.hardswish.grad(np.array([-3., 0., 3.]))
        array([0. , 0.5, 1. ])
    """
    if is_tensor(x):
        return _torch_world().derivative(hardswish, x)
    x = as_real_array(x, "hardswish.grad")
    w = _work(x)
    three, half = _cast(3, w.dtype), _cast(0.5, w.dtype)
    middle = w / three + half  # NaN stays NaN: it fails both tests below
    return _rounded(np.where(w >= three, 1, np.where(w <= -three, 0, middle)), x.dtype)


def squared_relu(x):
    r"""Squared ReLU, the activation of the Primer transformer.

    Computes the element-wise function

    .. math::
        \mathrm{squared\_relu}(x) = \mathrm{relu}(x)^2 = \max(x, 0)^2

    Its derivative ``squared_relu.grad(x)`` is :math:`2 \max(x, 0)`: continuous, 0 at the
    kink :math:`x = 0`, so the function has no kink in value or slope, only in curvature.
    PyTorch has no such function; values and derivatives are those of ``torch.relu(x) ** 2``
    and its autograd (NaN at NaN, :math:`\infty` at :math:`\infty`).

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).

    Returns:
        An array of the shape of ``x``, with its floating dtype (float64 for integer input,
        whose square could overflow its integer type).

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.squared_relu(np.array([-2., 0., 3.]))
        array([0., 0., 9.])

    See also:
        :func:`relulib.relu`

    References:
        So, Mańke, Liu, Dai, Shazeer and Le (2021), `Primer: searching for efficient
        transformers for language modeling <https://arxiv.org/abs/2109.08668>`__.
    """
    if is_tensor(x):
        return _torch_world().squared_relu(x)
    x = as_real_array(x, "squared_relu")
    r = np.maximum(_work(x), 0)
    with np.errstate(over="ignore"):
        return _rounded(r * r, x.dtype)


@_derivative_of(squared_relu)
def _squared_relu_grad(x):
    r"""Derivative of :func:`relulib.squared_relu`: :math:`2 \max(x, 0)`.

    As autograd gives it for ``torch.relu(x) ** 2``: 0 at the kink, NaN at NaN.

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.squared_relu.grad(np.array([-2., 0., 3.]))
        array([0., 0., 6.])
    """
    if is_tensor(x):
        return _torch_world().derivative(squared_relu, x)
    x = as_real_array(x, "squared_relu.grad")
    w = _work(x)
    with np.errstate(over="ignore"):
        return _rounded(_cast(2, w.dtype) * np.maximum(w, 0), x.dtype)


def maxout(x, pieces, axis=-1):
    r"""Maxout: the maximum over groups of ``pieces`` contiguous features.

    Splits ``axis`` of length :math:`n` into :math:`n / k` groups of :math:`k` = ``pieces``
    neighbours and keeps the largest of each group:

    .. math::
        \mathrm{maxout}(x)_j = \max_{0 \le i < k} x_{jk + i}

    This is ``x.reshape(..., n // k, k).max(-1)`` along ``axis``, the convention of
    :class:`relulib.nn.Maxout`. NaN propagates, as with ``torch.max``. Its derivative
    ``maxout.grad(x, pieces, axis)`` marks the element of each group that the maximum comes
    from (each output depends on that one input, with slope 1).

    Args:
        x: array of real numbers, or anything ``np.asarray`` turns into one; or a torch
            tensor, which gives a tensor (see :mod:`relulib._tensors`).
        pieces: the group size :math:`k`, a positive integer that divides ``x.shape[axis]``.
        axis: the feature axis; the last one by default.

    Returns:
        An array of the shape of ``x`` with ``axis`` shortened to ``x.shape[axis] // pieces``.
        Floating and integer dtypes are kept; booleans become float64.

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.maxout(np.array([1., -2., 0., 3., 5., 4.]), pieces=2)
        array([1., 3., 5.])

    See also:
        :func:`relulib.relu`, the maxout of :math:`(x, 0)`.

    References:
        Goodfellow, Warde-Farley, Mirza, Courville and Bengio (2013), `Maxout networks
        <https://arxiv.org/abs/1302.4389>`__.
    """
    if is_tensor(x):
        pieces, axis = maxout_groups(x.shape, pieces, axis, "maxout")
        return _torch_world().maxout(x, pieces, axis)
    x = as_real_array(x, "maxout", keep_integers=True)
    pieces, axis = maxout_groups(x.shape, pieces, axis, "maxout")
    n = x.shape[axis]
    if pieces > 8:
        groups = x.reshape((*x.shape[:axis], n // pieces, pieces, *x.shape[axis + 1 :]))
        return groups.max(axis=axis + 1)
    # The same maximum, but NumPy reduces a short inner axis slowly: for a few pieces the
    # elementwise maximum of the strided slices x[..., i::pieces] is up to 20 times faster.
    piece = [x[(slice(None),) * axis + (slice(i, None, pieces),)] for i in range(pieces)]
    out = piece[0].copy() if pieces == 1 else np.maximum(piece[0], piece[1])
    for other in piece[2:]:
        np.maximum(out, other, out=out)
    return out


@_derivative_of(maxout)
def _maxout_grad(x, pieces, axis=-1):
    r"""Derivative of :func:`relulib.maxout`: the gradient of ``maxout(x).sum()`` for ``x``.

    1 at the element of each group that the maximum comes from, 0 at the others: a
    subgradient, since at a tie any convex combination of the tied elements would do. As
    ``torch.max`` picks (and so its autograd), ties go to the first of the tied elements,
    and a group holding NaN to its first NaN. The result has the shape of ``x``, dtype float
    (float64 for integer input). Backpropagation sends the gradient of output :math:`j` to
    the marked element of group :math:`j` and nothing to the others.

    Example:
        >>> import numpy as np
        >>> import relulib
        >>> relulib.maxout.grad(np.array([1., -2., 3., 3., 5., np.nan]), pieces=2)
        array([1., 0., 1., 0., 0., 1.])
    """
    if is_tensor(x):
        pieces, axis = maxout_groups(x.shape, pieces, axis, "maxout.grad")
        return _torch_world().derivative(maxout, x, pieces, axis, func="maxout.grad")
    x = as_real_array(x, "maxout.grad", keep_integers=True)  # ties of big ints stay exact
    pieces, axis = maxout_groups(x.shape, pieces, axis, "maxout.grad")
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    last = np.moveaxis(x, axis, -1)
    groups = last.reshape((*last.shape[:-1], last.shape[-1] // pieces, pieces))
    winner = np.argmax(groups, axis=-1)  # the first maximum; the first NaN if there is one
    onehot = (np.arange(pieces) == winner[..., None]).astype(dtype)
    return np.moveaxis(onehot.reshape(last.shape), -1, axis)


class _ActivationDict(dict):
    """The elementwise activations by name, each a function ``f`` with its derivative as
    ``f.grad``: the ReLU family (``relu``, ``leaky_relu``, ``prelu``, ``elu``, ``selu``), its
    smooth relatives (``gelu``, ``silu``, ``mish``, ``softplus``) and the bounded or squared
    ones (``relu6``, ``hardswish``, ``squared_relu``). A plain dict otherwise.
    """


ACTIVATIONS = _ActivationDict(
    relu=relu,
    leaky_relu=leaky_relu,
    prelu=prelu,
    elu=elu,
    selu=selu,
    gelu=gelu,
    silu=silu,
    mish=mish,
    softplus=softplus,
    relu6=relu6,
    hardswish=hardswish,
    squared_relu=squared_relu,
)
