r"""relulib in PyTorch: one ``nn.Module`` per activation, and from-scratch autograd.

``import relulib`` does not import torch; this module does. It holds

* a module for every activation of relulib: :class:`ReLU`, :class:`LeakyReLU`,
  :class:`PReLU`, :class:`ELU`, :class:`SELU`, :class:`GELU`, :class:`SiLU`, :class:`Mish`,
  :class:`Softplus`, :class:`ReLU6`, :class:`Hardswish`; and :class:`SquaredReLU` and
  :class:`Maxout`, which torch does not have;
* :class:`GatedFeedForward`, the ReGLU / GEGLU / SwiGLU block of transformers;
* one ``torch.autograd.Function`` per activation of the ReLU family (:class:`ReLUFunction`,
  :class:`LeakyReLUFunction`, :class:`PReLUFunction`, :class:`ELUFunction`,
  :class:`SELUFunction`), whose derivatives are written by hand, for the backward pass and
  for forward mode (``jvp``), with the formulas of ``relulib.relu.grad`` and friends: the left
  derivative at the kink ``x = 0``, as PyTorch's own autograd takes it. They exist to be read,
  and to be checked against PyTorch's built-ins.

Each module with a torch counterpart *is* one: ``relulib.nn.ELU`` subclasses
``torch.nn.ELU``, so it takes the same constructor arguments (validated by relulib, with
relulib's errors), prints the same ``extra_repr``, has the same ``state_dict`` keys, and passes
every ``isinstance(m, torch.nn.ELU)`` that initialisers and diagnostics make. Its ``forward``
is relulib's function (``relulib.elu``), which on a tensor computes what torch computes, bit
for bit, values and gradients: swapping torch's module for relulib's leaves a seeded training
run identical to the last bit. ``inplace=True`` hands the tensor to torch's in-place kernel,
since relulib's functions never write into their input.

Example:
    >>> import torch
    >>> from relulib import nn as rnn
    >>> model = torch.nn.Sequential(
    ...     torch.nn.Linear(2, 4), rnn.LeakyReLU(0.1), rnn.Maxout(2)
    ... )
    >>> model
    Sequential(
      (0): Linear(in_features=2, out_features=4, bias=True)
      (1): LeakyReLU(negative_slope=0.1)
      (2): Maxout(pieces=2)
    )
    >>> isinstance(model[1], torch.nn.LeakyReLU)
    True
    >>> from relulib.nn import ReLUFunction
    >>> x = torch.tensor([-1., 0., 2.], requires_grad=True)
    >>> ReLUFunction.apply(x).sum().backward()
    >>> x.grad
    tensor([0., 0., 1.])
"""

import numbers

import torch
from torch import nn

import relulib
from relulib._validation import (
    boolean,
    describe,
    finite_real,
    maxout_groups,
    one_of,
    positive_int,
)
from relulib.activations import SELU_ALPHA, SELU_SCALE, _softplus_parameters

__all__ = [
    "ELU",
    "GELU",
    "SELU",
    "ELUFunction",
    "GatedFeedForward",
    "Hardswish",
    "LeakyReLU",
    "LeakyReLUFunction",
    "Maxout",
    "Mish",
    "PReLU",
    "PReLUFunction",
    "ReLU",
    "ReLU6",
    "ReLUFunction",
    "SELUFunction",
    "SiLU",
    "Softplus",
    "SquaredReLU",
]

# --- modules: relulib's functions behind torch's module interface ------------------------------


class ReLU(nn.ReLU):
    r"""Applies :func:`relulib.relu` elementwise: :math:`\text{ReLU}(x) = \max(x, 0)`.

    Args:
        inplace (bool): write the output into the input, as ``torch.nn.ReLU`` does.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the shape of the input.

    Examples:
        >>> import torch
        >>> from relulib.nn import ReLU
        >>> ReLU()(torch.tensor([-1., 0., 2.]))
        tensor([0., 0., 2.])
    """

    def __init__(self, inplace=False):
        super().__init__(boolean(inplace, "inplace", "ReLU"))

    def forward(self, input):
        """``relulib.relu(input)`` (torch's in-place kernel if ``inplace``)."""
        return super().forward(input) if self.inplace else relulib.relu(input)


class LeakyReLU(nn.LeakyReLU):
    r"""Applies :func:`relulib.leaky_relu` elementwise: :math:`x` for :math:`x > 0`, else
    :math:`\mathrm{negative\_slope} \cdot x`.

    Args:
        negative_slope (float): the slope for :math:`x \le 0`, a finite real number.
        inplace (bool): write the output into the input, as ``torch.nn.LeakyReLU`` does.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the shape of the input.

    Examples:
        >>> import torch
        >>> from relulib.nn import LeakyReLU
        >>> LeakyReLU(0.5)(torch.tensor([-2., 3.]))
        tensor([-1.,  3.])
    """

    def __init__(self, negative_slope=0.01, inplace=False):
        finite_real(negative_slope, "negative_slope", "LeakyReLU")
        super().__init__(negative_slope, boolean(inplace, "inplace", "LeakyReLU"))

    def forward(self, input):
        """``relulib.leaky_relu(input, negative_slope)`` (torch's kernel if ``inplace``)."""
        if self.inplace:
            return super().forward(input)
        return relulib.leaky_relu(input, self.negative_slope)


class PReLU(nn.PReLU):
    r"""Applies :func:`relulib.prelu` elementwise with a learned slope: :math:`x` for
    :math:`x > 0`, else :math:`a_c x`, with :math:`a` the parameter ``weight`` and :math:`c`
    the channel (axis 1 of the input).

    Args:
        num_parameters (int): 1 (one slope for all channels) or the number of channels.
        init (float): the initial slope, 0.25 as in He et al. (2015).
        device, dtype: where and in which dtype to create ``weight``.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the shape of the input.

    Examples:
        >>> import torch
        >>> from relulib.nn import PReLU
        >>> m = PReLU(num_parameters=2)
        >>> m, list(m.state_dict())
        (PReLU(num_parameters=2), ['weight'])
        >>> m(torch.tensor([[-4., 4.]]))
        tensor([[-1.,  4.]], grad_fn=<PreluKernelBackward0>)
    """

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        num_parameters = positive_int(num_parameters, "num_parameters", "PReLU")
        finite_real(init, "init", "PReLU")
        super().__init__(num_parameters, init, device=device, dtype=dtype)

    def forward(self, input):
        """``relulib.prelu(input, weight)``."""
        return relulib.prelu(input, self.weight)


class ELU(nn.ELU):
    r"""Applies :func:`relulib.elu` elementwise: :math:`x` for :math:`x > 0`, else
    :math:`\alpha (e^x - 1)`.

    Args:
        alpha (float): the negative saturation value, a finite real number.
        inplace (bool): write the output into the input, as ``torch.nn.ELU`` does.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the shape of the input.

    Examples:
        >>> import torch
        >>> from relulib.nn import ELU
        >>> ELU(alpha=0.5)(torch.tensor([-100., 2.]))
        tensor([-0.5000,  2.0000])
    """

    def __init__(self, alpha=1.0, inplace=False):
        finite_real(alpha, "alpha", "ELU")
        super().__init__(alpha, boolean(inplace, "inplace", "ELU"))

    def forward(self, input):
        """``relulib.elu(input, alpha)`` (torch's in-place kernel if ``inplace``)."""
        return super().forward(input) if self.inplace else relulib.elu(input, self.alpha)


class SELU(nn.SELU):
    r"""Applies :func:`relulib.selu` elementwise: :math:`\lambda x` for :math:`x > 0`, else
    :math:`\lambda \alpha (e^x - 1)`, with the constants of Klambauer et al. (2017).

    Args:
        inplace (bool): write the output into the input, as ``torch.nn.SELU`` does.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the shape of the input.

    Examples:
        >>> import torch
        >>> from relulib.nn import SELU
        >>> SELU()(torch.tensor([1.]))
        tensor([1.0507])
    """

    def __init__(self, inplace=False):
        super().__init__(boolean(inplace, "inplace", "SELU"))

    def forward(self, input):
        """``relulib.selu(input)`` (torch's in-place kernel if ``inplace``)."""
        return super().forward(input) if self.inplace else relulib.selu(input)


class GELU(nn.GELU):
    r"""Applies :func:`relulib.gelu` elementwise: :math:`x \Phi(x)`, or its tanh approximation.

    Args:
        approximate (str): ``"none"`` (the exact form) or ``"tanh"``.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the shape of the input.

    Examples:
        >>> import torch
        >>> from relulib.nn import GELU
        >>> GELU(approximate="tanh")
        GELU(approximate='tanh')
        >>> GELU()(torch.tensor([0., 1.]))
        tensor([0.0000, 0.8413])
    """

    def __init__(self, approximate="none"):
        super().__init__(one_of(approximate, ("none", "tanh"), "approximate", "GELU"))

    def forward(self, input):
        """``relulib.gelu(input, approximate)``."""
        return relulib.gelu(input, self.approximate)


class SiLU(nn.SiLU):
    r"""Applies :func:`relulib.silu` elementwise: :math:`x \sigma(x)`.

    Args:
        inplace (bool): write the output into the input, as ``torch.nn.SiLU`` does.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the shape of the input.

    Examples:
        >>> import torch
        >>> from relulib.nn import SiLU
        >>> SiLU()(torch.tensor([0., 1.]))
        tensor([0.0000, 0.7311])
    """

    def __init__(self, inplace=False):
        super().__init__(boolean(inplace, "inplace", "SiLU"))

    def forward(self, input):
        """``relulib.silu(input)`` (torch's in-place kernel if ``inplace``)."""
        return super().forward(input) if self.inplace else relulib.silu(input)


class Mish(nn.Mish):
    r"""Applies :func:`relulib.mish` elementwise: :math:`x \tanh(\mathrm{softplus}(x))`.

    Args:
        inplace (bool): write the output into the input, as ``torch.nn.Mish`` does.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the shape of the input.

    Examples:
        >>> import torch
        >>> from relulib.nn import Mish
        >>> Mish()(torch.tensor([0., 1.]))
        tensor([0.0000, 0.8651])
    """

    def __init__(self, inplace=False):
        super().__init__(boolean(inplace, "inplace", "Mish"))

    def forward(self, input):
        """``relulib.mish(input)`` (torch's in-place kernel if ``inplace``)."""
        return super().forward(input) if self.inplace else relulib.mish(input)


class Softplus(nn.Softplus):
    r"""Applies :func:`relulib.softplus` elementwise: :math:`\frac1\beta \ln(1 + e^{\beta x})`,
    and :math:`x` itself where :math:`\beta x > \text{threshold}`.

    Args:
        beta (float): the curvature, a finite number > 0 (torch also takes :math:`\le 0`).
        threshold (float): where :math:`\beta x` switches to the linear piece.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the shape of the input.

    Examples:
        >>> import torch
        >>> from relulib.nn import Softplus
        >>> Softplus(beta=2.0)
        Softplus(beta=2.0, threshold=20.0)
        >>> Softplus()(torch.tensor([0., 30.]))
        tensor([ 0.6931, 30.0000])
    """

    def __init__(self, beta=1.0, threshold=20.0):
        _softplus_parameters(beta, threshold, "Softplus")
        super().__init__(beta, threshold)

    def forward(self, input):
        """``relulib.softplus(input, beta, threshold)``."""
        return relulib.softplus(input, self.beta, self.threshold)


class ReLU6(nn.ReLU6):
    r"""Applies :func:`relulib.relu6` elementwise: :math:`\min(\max(x, 0), 6)`.

    Args:
        inplace (bool): write the output into the input, as ``torch.nn.ReLU6`` does.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the shape of the input.

    Examples:
        >>> import torch
        >>> from relulib.nn import ReLU6
        >>> ReLU6()(torch.tensor([-1., 3., 8.]))
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace=False):
        super().__init__(boolean(inplace, "inplace", "ReLU6"))

    def forward(self, input):
        """``relulib.relu6(input)`` (torch's in-place kernel if ``inplace``)."""
        return super().forward(input) if self.inplace else relulib.relu6(input)


class Hardswish(nn.Hardswish):
    r"""Applies :func:`relulib.hardswish` elementwise: :math:`x \, \mathrm{relu6}(x + 3) / 6`.

    Args:
        inplace (bool): write the output into the input, as ``torch.nn.Hardswish`` does.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the shape of the input.

    Examples:
        >>> import torch
        >>> from relulib.nn import Hardswish
        >>> Hardswish()(torch.tensor([-4., 0., 4.]))
        tensor([-0., 0., 4.])
    """

    def __init__(self, inplace=False):
        super().__init__(boolean(inplace, "inplace", "Hardswish"))

    def forward(self, input):
        """``relulib.hardswish(input)`` (torch's in-place kernel if ``inplace``)."""
        return super().forward(input) if self.inplace else relulib.hardswish(input)


class SquaredReLU(nn.Module):
    r"""Applies :func:`relulib.squared_relu` elementwise: :math:`\max(x, 0)^2`, the
    activation of Primer (So et al., 2021). torch has no such module; this one computes
    ``torch.relu(x) ** 2``, with its autograd.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the shape of the input.

    Examples:
        >>> import torch
        >>> from relulib.nn import SquaredReLU
        >>> SquaredReLU()(torch.tensor([-2., 3.]))
        tensor([0., 9.])
    """

    def forward(self, input):
        """``relulib.squared_relu(input)``."""
        return relulib.squared_relu(input)


class Maxout(nn.Module):
    r"""Applies maxout along ``axis``: the maximum of each group of ``pieces`` contiguous
    features.

    .. math::
        \text{Maxout}(x)_j = \max_{0 \le i < k} x_{jk + i}, \qquad k = \text{pieces}

    A linear layer of width :math:`n` followed by ``Maxout(k)`` is a maxout layer of
    :math:`n / k` units with :math:`k` pieces each (Goodfellow et al., 2013). ``Maxout(2)``
    after a layer whose odd outputs are fixed at 0 is a ReLU. NaN propagates, as with
    ``torch.max``; the gradient flows to one maximal element per group, the first of a tie
    (see ``relulib.maxout.grad``). The NumPy twin is ``relulib.maxout``.

    Args:
        pieces (int): the group size :math:`k`; it must divide the size of dimension ``axis``.
        axis (int): the feature dimension; the last one by default (``axis=1`` pools the
            channels of an ``(N, C, H, W)`` image batch).

    Shape:
        - Input: :math:`(*, n, *)` with :math:`n`, at ``axis``, a multiple of ``pieces``.
        - Output: :math:`(*, n / \text{pieces}, *)`.

    Examples:
        >>> import torch
        >>> from relulib.nn import Maxout
        >>> m = Maxout(pieces=2)
        >>> m
        Maxout(pieces=2)
        >>> m(torch.tensor([[1., -2., 0., 3.]]))
        tensor([[1., 3.]])
        >>> Maxout(2, axis=0)(torch.tensor([[1., -2.], [0., 3.]]))
        tensor([[1., 3.]])
    """

    def __init__(self, pieces, axis=-1):
        super().__init__()
        self.pieces = positive_int(pieces, "pieces", "Maxout")
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            raise TypeError(f"Maxout: axis must be an integer, got {describe(axis)}")
        self.axis = int(axis)

    def forward(self, input):
        """The maximum of each group of ``pieces`` contiguous entries along ``axis``."""
        pieces, axis = maxout_groups(input.shape, self.pieces, self.axis, "Maxout")
        groups = input.unflatten(axis, (input.shape[axis] // pieces, pieces))
        return groups.max(dim=axis + 1).values

    def extra_repr(self):
        """``pieces=k`` (and ``axis`` unless it is the last), shown when the module is printed."""
        return f"pieces={self.pieces}" + ("" if self.axis == -1 else f", axis={self.axis}")


# gate -> (the name in Shazeer's paper, the activation)
_GATES = {
    "relu": ("ReGLU", relulib.relu),
    "gelu": ("GEGLU", relulib.gelu),
    "silu": ("SwiGLU", relulib.silu),
}


class GatedFeedForward(nn.Module):
    r"""The gated feed-forward block of Shazeer (2020): ReGLU, GEGLU or SwiGLU.

    .. math::
        \text{FFN}(x) = \left(\text{act}(x W) \odot x V\right) W_2

    where :math:`\odot` multiplies elementwise and :math:`\text{act}` is the ``gate``: ReLU
    (ReGLU), GELU (GEGLU, the exact form) or SiLU (SwiGLU: Swish with :math:`\beta = 1`).
    One branch decides how much of the other passes. Bias-free, as in the paper (which follows
    the T5 code base); the weights start as ``nn.Linear``'s default.

    Parameter count: three matrices, :math:`3\, d_\text{model} d_\text{hidden}`, against
    :math:`2\, d_\text{model} d_\text{hidden}` for the plain block
    :math:`\text{act}(x W_1) W_2` of the same hidden width. To compare at equal parameter
    count and computation, Shazeer reduces the hidden width by a factor of 2/3 (his
    :math:`d_\text{ff}` = 3072 becomes 2048): ``GatedFeedForward(d, 2 * h // 3)`` matches a
    plain block of width ``h`` exactly when 3 divides ``2 * h``.

    Args:
        d_model (int): the width of the input and of the output.
        d_hidden (int): the width of the gated hidden layer (the paper's :math:`d_\text{ff}`).
        gate (str): ``"relu"``, ``"gelu"`` or ``"silu"``.

    Attributes:
        w, v: ``nn.Linear(d_model, d_hidden, bias=False)``, the gate branch and the linear one.
        w2: ``nn.Linear(d_hidden, d_model, bias=False)``, the output projection.

    Shape:
        - Input: :math:`(*, d_\text{model})`.
        - Output: :math:`(*, d_\text{model})`.

    Examples:
        >>> import torch
        >>> from relulib.nn import GatedFeedForward
        >>> block = GatedFeedForward(8, 16, gate="silu")
        >>> block.variant, block(torch.zeros(5, 8)).shape
        ('SwiGLU', torch.Size([5, 8]))
        >>> sum(p.numel() for p in block.parameters()) == 3 * 8 * 16
        True

    References:
        Shazeer (2020), `GLU variants improve transformer <https://arxiv.org/abs/2002.05202>`__.
    """

    def __init__(self, d_model, d_hidden, gate="relu"):
        super().__init__()
        self.d_model = positive_int(d_model, "d_model", "GatedFeedForward")
        self.d_hidden = positive_int(d_hidden, "d_hidden", "GatedFeedForward")
        self.gate = one_of(gate, tuple(_GATES), "gate", "GatedFeedForward")
        self.w = nn.Linear(self.d_model, self.d_hidden, bias=False)
        self.v = nn.Linear(self.d_model, self.d_hidden, bias=False)
        self.w2 = nn.Linear(self.d_hidden, self.d_model, bias=False)

    @property
    def variant(self):
        """The paper's name for this block, ``"ReGLU"``, ``"GEGLU"`` or ``"SwiGLU"``."""
        return _GATES[self.gate][0]

    def forward(self, input):
        """``(act(input W) * input V) W2``."""
        act = _GATES[self.gate][1]
        return self.w2(act(self.w(input)) * self.v(input))

    def extra_repr(self):
        """``d_model=..., d_hidden=..., gate=...``, shown when the module is printed."""
        return f"d_model={self.d_model}, d_hidden={self.d_hidden}, gate={self.gate!r}"


# --- from-scratch autograd Functions -------------------------------------------------------------
# The derivatives of relulib.activations, in torch ops. Each line is the formula of the
# matching ``.grad`` in activations.py, with PyTorch's choice at the kink x = 0 and at NaN.
# Each Function uses them twice: the backward pass multiplies the gradient of the output by
# the derivative (reverse mode), ``jvp`` multiplies the tangent of the input (forward mode).
# The backward is built of differentiable torch operations, so second derivatives work too.


def _relu_derivative(x):
    # relu.grad: 0 where x <= 0 (the kink included), 1 elsewhere (NaN included).
    return (~(x <= 0)).to(x.dtype)


def _leaky_relu_derivative(x, slope):
    # leaky_relu.grad and prelu.grad: 1 where x > 0, the slope elsewhere (kink and NaN).
    return torch.where(x > 0, torch.ones((), dtype=x.dtype), slope)


def _elu_derivative(x, alpha, scale):
    # elu.grad and selu.grad: scale where x > 0, alpha * scale * exp(x) elsewhere (NaN -> NaN).
    return torch.where(x > 0, scale, torch.exp(x.clamp(max=0)) * (alpha * scale))


def _elu_forward(x, alpha, scale):
    # expm1, never exp(x) - 1; clamping first keeps large x from overflowing.
    return torch.where(x > 0, x * scale, torch.expm1(x.clamp(max=0)) * (alpha * scale))


def _save_input(ctx, x):
    """Keep ``x`` for the backward pass and for forward mode (``jvp``)."""
    ctx.save_for_backward(x)
    ctx.save_for_forward(x)


class ReLUFunction(torch.autograd.Function):
    r"""ReLU with hand-written derivatives: :math:`\max(x, 0)`, derivative 0 at :math:`x = 0`.

    Use as ``ReLUFunction.apply(x)``. Works with ``torch.func`` (``jvp``, ``vmap``, ``grad``).
    """

    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        """relu(x)."""
        return x.clamp(min=0)

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Save ``x`` for both modes of differentiation."""
        _save_input(ctx, inputs[0])

    @staticmethod
    def backward(ctx, grad_output):
        """The chain rule: ``grad_output`` times the derivative at the saved input."""
        (x,) = ctx.saved_tensors
        return grad_output * _relu_derivative(x)

    @staticmethod
    def jvp(ctx, x_t):
        """Forward mode: the tangent of the input times the derivative."""
        (x,) = ctx.saved_tensors
        return x_t * _relu_derivative(x)


class LeakyReLUFunction(torch.autograd.Function):
    r"""Leaky ReLU with hand-written derivatives; derivative ``negative_slope`` at
    :math:`x = 0`.

    Use as ``LeakyReLUFunction.apply(x, negative_slope)``; ``negative_slope`` defaults to 0.01
    and gets no gradient.
    """

    generate_vmap_rule = True

    @staticmethod
    def forward(x, negative_slope=0.01):
        """leaky_relu(x, negative_slope)."""
        slope = finite_real(negative_slope, "negative_slope", "LeakyReLUFunction")
        return torch.where(x > 0, x, x * slope)

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Save ``x`` and the slope."""
        _save_input(ctx, inputs[0])
        ctx.slope = float(inputs[1]) if len(inputs) > 1 else 0.01

    @staticmethod
    def backward(ctx, grad_output):
        """The chain rule: ``grad_output`` times the derivative at the saved input."""
        (x,) = ctx.saved_tensors
        slope = torch.tensor(ctx.slope, dtype=x.dtype)
        return grad_output * _leaky_relu_derivative(x, slope), None

    @staticmethod
    def jvp(ctx, x_t, *_):
        """Forward mode: the tangent of the input times the derivative."""
        (x,) = ctx.saved_tensors
        return x_t * _leaky_relu_derivative(x, torch.tensor(ctx.slope, dtype=x.dtype))


class PReLUFunction(torch.autograd.Function):
    r"""PReLU with hand-written derivatives, for the input and for the weight.

    Use as ``PReLUFunction.apply(x, weight)``, with ``weight`` a tensor of one element or of
    ``x.shape[1]`` elements (the channel axis is 1, as in ``torch.nn.functional.prelu``;
    an input of dimension < 2 has one channel). The derivative for ``x`` is the channel's
    weight at :math:`x \le 0`, the kink included; the one for the weight is :math:`x` at the
    elements with :math:`x \le 0` of its channel, and 0 elsewhere (summed over the channel in
    the backward pass).
    """

    generate_vmap_rule = True

    @staticmethod
    def forward(x, weight):
        """prelu(x, weight)."""
        channels = x.shape[1] if x.dim() >= 2 else 1
        if weight.dim() > 1 or weight.numel() not in (1, channels):
            raise ValueError(
                f"PReLUFunction: weight must have 1 or {channels} (channels) elements in at "
                f"most one dimension, got shape {tuple(weight.shape)}"
            )
        return torch.where(x > 0, x, _channel_view(weight, x) * x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Save ``x`` and ``weight`` for both modes of differentiation."""
        ctx.save_for_backward(*inputs)
        ctx.save_for_forward(*inputs)

    @staticmethod
    def backward(ctx, grad_output):
        """The chain rule, for the input and for the weight."""
        x, weight = ctx.saved_tensors
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            grad_x = grad_output * _leaky_relu_derivative(x, _channel_view(weight, x))
        if ctx.needs_input_grad[1]:
            per_element = _weight_derivative(x) * grad_output
            if weight.numel() == 1:
                grad_w = per_element.sum().reshape(weight.shape)
            else:
                dims = [d for d in range(x.dim()) if d != 1]
                grad_w = per_element.sum(dim=dims).reshape(weight.shape)
        return grad_x, grad_w

    @staticmethod
    def jvp(ctx, x_t, weight_t):
        """Forward mode: both inputs' tangents times their derivatives."""
        x, weight = ctx.saved_tensors
        out_t = torch.zeros_like(x)
        if x_t is not None:
            out_t = out_t + x_t * _leaky_relu_derivative(x, _channel_view(weight, x))
        if weight_t is not None:
            out_t = out_t + _channel_view(weight_t, x) * _weight_derivative(x)
        return out_t


def _channel_view(weight, x):
    """``weight`` shaped to broadcast against ``x`` along axis 1."""
    if weight.numel() == 1:
        return weight.reshape(())
    return weight.reshape((-1,) + (1,) * (x.dim() - 2))


def _weight_derivative(x):
    # d prelu / d a_c: x where x <= 0 (the kink included, where it is 0 anyway), 0 elsewhere.
    return torch.where(x > 0, torch.zeros((), dtype=x.dtype), x)


class ELUFunction(torch.autograd.Function):
    r"""ELU with hand-written derivatives; derivative :math:`\alpha` at :math:`x = 0`.

    Use as ``ELUFunction.apply(x, alpha)``; ``alpha`` defaults to 1 and gets no gradient.
    """

    generate_vmap_rule = True

    @staticmethod
    def forward(x, alpha=1.0):
        """elu(x, alpha)."""
        alpha = finite_real(alpha, "alpha", "ELUFunction")
        return _elu_forward(x, alpha, 1.0)

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Save ``x`` and ``alpha``."""
        _save_input(ctx, inputs[0])
        ctx.alpha = float(inputs[1]) if len(inputs) > 1 else 1.0

    @staticmethod
    def backward(ctx, grad_output):
        """The chain rule: ``grad_output`` times the derivative at the saved input."""
        (x,) = ctx.saved_tensors
        return grad_output * _elu_derivative(x, ctx.alpha, 1.0), None

    @staticmethod
    def jvp(ctx, x_t, *_):
        """Forward mode: the tangent of the input times the derivative."""
        (x,) = ctx.saved_tensors
        return x_t * _elu_derivative(x, ctx.alpha, 1.0)


class SELUFunction(torch.autograd.Function):
    r"""SELU with hand-written derivatives; derivative :math:`\lambda \alpha` at :math:`x = 0`.

    Use as ``SELUFunction.apply(x)``, with :math:`\alpha` and :math:`\lambda` the constants
    ``relulib.SELU_ALPHA`` and ``relulib.SELU_SCALE``.
    """

    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        """selu(x)."""
        return _elu_forward(x, SELU_ALPHA, SELU_SCALE)

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Save ``x`` for both modes of differentiation."""
        _save_input(ctx, inputs[0])

    @staticmethod
    def backward(ctx, grad_output):
        """The chain rule: ``grad_output`` times the derivative at the saved input."""
        (x,) = ctx.saved_tensors
        return grad_output * _elu_derivative(x, SELU_ALPHA, SELU_SCALE)

    @staticmethod
    def jvp(ctx, x_t):
        """Forward mode: the tangent of the input times the derivative."""
        (x,) = ctx.saved_tensors
        return x_t * _elu_derivative(x, SELU_ALPHA, SELU_SCALE)
