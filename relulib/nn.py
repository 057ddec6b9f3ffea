r"""PyTorch twins of ``relulib.activations``: a ``Maxout`` module and from-scratch autograd.

``import relulib`` does not import torch; this module does. It holds

* :class:`Maxout`, the module PyTorch does not have, grouping contiguous features;
* :class:`GatedFeedForward`, the ReGLU / GEGLU / SwiGLU block of transformers;
* one ``torch.autograd.Function`` per elementwise activation (:class:`ReLUFunction`,
  :class:`LeakyReLUFunction`, :class:`PReLUFunction`, :class:`ELUFunction`,
  :class:`SELUFunction`), whose backward is written by hand with the derivatives of
  ``relulib.relu.grad`` and friends: the left derivative at the kink ``x = 0``, as PyTorch's
  own autograd takes it. They exist to be read, and to be checked against PyTorch's built-ins.

Example:
    >>> import torch
    >>> from relulib.nn import ReLUFunction
    >>> x = torch.tensor([-1., 0., 2.], requires_grad=True)
    >>> ReLUFunction.apply(x).sum().backward()
    >>> x.grad
    tensor([0., 0., 1.])
"""

import torch
from torch import nn
from torch.nn import functional as F

from relulib._validation import finite_real, one_of, positive_int
from relulib.activations import SELU_ALPHA, SELU_SCALE

__all__ = [
    "ELUFunction",
    "GatedFeedForward",
    "LeakyReLUFunction",
    "Maxout",
    "PReLUFunction",
    "ReLUFunction",
    "SELUFunction",
]


class Maxout(nn.Module):
    r"""Applies maxout over the last dimension: the maximum of each group of ``pieces``
    contiguous features.

    .. math::
        \text{Maxout}(x)_j = \max_{0 \le i < k} x_{jk + i}, \qquad k = \text{pieces}

    A linear layer of width :math:`n` followed by ``Maxout(k)`` is a maxout layer of
    :math:`n / k` units with :math:`k` pieces each (Goodfellow et al., 2013). ``Maxout(2)``
    after a layer whose odd outputs are fixed at 0 is a ReLU. NaN propagates, as with
    ``torch.max``; the gradient flows to one maximal element per group. The NumPy twin is
    ``relulib.maxout``.

    Args:
        pieces (int): the group size :math:`k`; it must divide the size of the last dimension.

    Shape:
        - Input: :math:`(*, n)`, where :math:`*` means any number of dimensions and
          :math:`n` is a multiple of ``pieces``.
        - Output: :math:`(*, n / \text{pieces})`.

    Examples:
        >>> import torch
        >>> from relulib.nn import Maxout
        >>> m = Maxout(pieces=2)
        >>> m
        Maxout(pieces=2)
        >>> m(torch.tensor([[1., -2., 0., 3.]]))
        tensor([[1., 3.]])
    """

    def __init__(self, pieces):
        super().__init__()
        self.pieces = positive_int(pieces, "pieces", "Maxout")

    def forward(self, input):
        """The maximum of each group of ``pieces`` contiguous entries of the last dimension."""
        if input.dim() == 0:
            raise ValueError(
                "Maxout: expected an input with at least one dimension, got a 0-d tensor"
            )
        n = input.shape[-1]
        if n % self.pieces:
            raise ValueError(
                f"Maxout: pieces={self.pieces} must divide the size of the last dimension, "
                f"which is {n}"
            )
        return input.unflatten(-1, (n // self.pieces, self.pieces)).max(dim=-1).values

    def extra_repr(self):
        """``pieces=k``, shown when the module is printed."""
        return f"pieces={self.pieces}"


# gate -> (the name in Shazeer's paper, the activation)
_GATES = {"relu": ("ReGLU", F.relu), "gelu": ("GEGLU", F.gelu), "silu": ("SwiGLU", F.silu)}


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


# The derivatives of relulib.activations, in torch ops. Each line is the formula of the
# matching ``.grad`` in activations.py, with PyTorch's choice at the kink x = 0 and at NaN.


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


class ReLUFunction(torch.autograd.Function):
    r"""ReLU with a hand-written backward: :math:`\max(x, 0)`, derivative 0 at :math:`x = 0`.

    Use as ``ReLUFunction.apply(x)``.
    """

    @staticmethod
    def forward(ctx, x):
        """relu(x), saving ``x`` for the backward pass."""
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        """The chain rule: ``grad_output`` times the derivative at the saved input."""
        (x,) = ctx.saved_tensors
        return grad_output * _relu_derivative(x)


class LeakyReLUFunction(torch.autograd.Function):
    r"""Leaky ReLU with a hand-written backward; derivative ``negative_slope`` at :math:`x = 0`.

    Use as ``LeakyReLUFunction.apply(x, negative_slope)``; ``negative_slope`` defaults to 0.01
    and gets no gradient.
    """

    @staticmethod
    def forward(ctx, x, negative_slope=0.01):
        """leaky_relu(x, negative_slope), saving ``x`` for the backward pass."""
        slope = finite_real(negative_slope, "negative_slope", "LeakyReLUFunction")
        ctx.save_for_backward(x)
        ctx.slope = slope
        return torch.where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx, grad_output):
        """The chain rule: ``grad_output`` times the derivative at the saved input."""
        (x,) = ctx.saved_tensors
        slope = torch.tensor(ctx.slope, dtype=x.dtype)
        return grad_output * _leaky_relu_derivative(x, slope), None


class PReLUFunction(torch.autograd.Function):
    r"""PReLU with a hand-written backward, for the input and for the weight.

    Use as ``PReLUFunction.apply(x, weight)``, with ``weight`` a tensor of one element or of
    ``x.shape[1]`` elements (the channel axis is 1, as in ``torch.nn.functional.prelu``;
    an input of dimension < 2 has one channel). The derivative for ``x`` is the channel's
    weight at :math:`x \le 0`, the kink included; the one for the weight is
    :math:`\sum x \cdot \text{grad}` over the elements with :math:`x \le 0` of its channel.
    """

    @staticmethod
    def forward(ctx, x, weight):
        """prelu(x, weight), saving ``x`` and ``weight`` for the backward pass."""
        channels = x.shape[1] if x.dim() >= 2 else 1
        if weight.dim() > 1 or weight.numel() not in (1, channels):
            raise ValueError(
                f"PReLUFunction: weight must have 1 or {channels} (channels) elements in at "
                f"most one dimension, got shape {tuple(weight.shape)}"
            )
        ctx.save_for_backward(x, weight)
        w = _channel_view(weight, x)
        return torch.where(x > 0, x, w * x)

    @staticmethod
    def backward(ctx, grad_output):
        """The chain rule: ``grad_output`` times the derivative at the saved input."""
        x, weight = ctx.saved_tensors
        w = _channel_view(weight, x)
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            grad_x = grad_output * _leaky_relu_derivative(x, w)
        if ctx.needs_input_grad[1]:
            per_element = torch.where(x > 0, torch.zeros((), dtype=x.dtype), x) * grad_output
            if weight.numel() == 1:
                grad_w = per_element.sum().reshape(weight.shape)
            else:
                dims = [d for d in range(x.dim()) if d != 1]
                grad_w = per_element.sum(dim=dims).reshape(weight.shape)
        return grad_x, grad_w


def _channel_view(weight, x):
    """``weight`` shaped to broadcast against ``x`` along axis 1."""
    if weight.numel() == 1:
        return weight.reshape(())
    return weight.reshape((-1,) + (1,) * (x.dim() - 2))


class ELUFunction(torch.autograd.Function):
    r"""ELU with a hand-written backward; derivative :math:`\alpha` at :math:`x = 0`.

    Use as ``ELUFunction.apply(x, alpha)``; ``alpha`` defaults to 1 and gets no gradient.
    """

    @staticmethod
    def forward(ctx, x, alpha=1.0):
        """elu(x, alpha), saving ``x`` for the backward pass."""
        alpha = finite_real(alpha, "alpha", "ELUFunction")
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return _elu_forward(x, alpha, 1.0)

    @staticmethod
    def backward(ctx, grad_output):
        """The chain rule: ``grad_output`` times the derivative at the saved input."""
        (x,) = ctx.saved_tensors
        return grad_output * _elu_derivative(x, ctx.alpha, 1.0), None


class SELUFunction(torch.autograd.Function):
    r"""SELU with a hand-written backward; derivative :math:`\lambda \alpha` at :math:`x = 0`.

    Use as ``SELUFunction.apply(x)``, with :math:`\alpha` and :math:`\lambda` the constants
    ``relulib.SELU_ALPHA`` and ``relulib.SELU_SCALE``.
    """

    @staticmethod
    def forward(ctx, x):
        """selu(x), saving ``x`` for the backward pass."""
        ctx.save_for_backward(x)
        return _elu_forward(x, SELU_ALPHA, SELU_SCALE)

    @staticmethod
    def backward(ctx, grad_output):
        """The chain rule: ``grad_output`` times the derivative at the saved input."""
        (x,) = ctx.saved_tensors
        return grad_output * _elu_derivative(x, SELU_ALPHA, SELU_SCALE)
