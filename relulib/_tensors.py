r"""relulib's activations on torch tensors: a tensor in, a tensor out, differentiable.

``relulib.relu(x)`` and the other activations look at ``x`` first: a NumPy array (or anything
``np.asarray`` takes) stays in the NumPy world of :mod:`relulib.activations`; a
``torch.Tensor`` comes here, and so does a ``prelu`` whose ``weight`` is a tensor (an
``nn.PReLU().weight``, say). This module, and torch, are imported only then, so that
``import relulib`` needs numpy alone.

A tensor keeps its dtype (float16, bfloat16, float32, float64) and device; integer and boolean
tensors become torch's default float dtype, except that ``relu``, ``relu6`` and ``maxout``,
which only select values, keep integer dtypes (as torch does). relulib's validation runs
first, so bad input gets relulib's ``TypeError`` or ``ValueError`` naming the argument.

**The mechanism, and why.** After validation, each activation calls PyTorch's own kernel for
the same function (``torch.nn.functional.elu`` for ``relulib.elu``, ``torch.relu(x) ** 2`` for
``squared_relu``, a grouped ``max`` for ``maxout``), and autograd differentiates it as it
differentiates torch's. So on tensors relulib computes what torch computes, bit for bit,
values and derivatives, in reverse and forward mode and at any order (``torch.func`` too); a
relulib activation or module can replace torch's in a model without changing a seeded
training run in its last bit; and the speed is torch's. The derivatives are relulib's
documented ones, because relulib documents torch's conventions: the left derivative at the
kink of the ReLU family, 0 at both kinks of ``relu6``, the outer piece at the kinks of
``hardswish``. The one difference from the NumPy world is at NaN, where torch 2.13's
derivative of ``elu``, ``selu``, ``relu6`` and ``hardswish`` depends on where the NaN sits in
the array (its vector and scalar loops differ): on tensors relulib behaves as torch does, on
arrays it picks one answer and says so.

Two alternatives were tried and rejected; the tests and the benchmark keep the evidence:

* Running relulib's NumPy formulas on tensors through the array API (``array-api-compat``)
  gets the kinks wrong, because autograd then differentiates the formula, not the function:
  ``maximum(x, 0)`` splits the gradient of a tie and gives 0.5 at :math:`x = 0`
  (``tests/test_tensors.py``).
* The hand-written ``torch.autograd.Function`` classes of :mod:`relulib.nn` get the kinks
  right, and stay there to be read. But built from several torch operations, their ELU and
  SELU agree with torch's fused kernels to a few ulp, not to the bit, so a training run
  drifts from torch's (``tests/test_nn.py``); and each extra temporary of :math:`10^7`
  numbers costs time: they run several times slower than torch's kernels
  (``benchmarks/bench_activations.py`` prints them side by side).

Example:
    >>> import torch
    >>> import relulib
    >>> x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    >>> y = relulib.elu(x)
    >>> y
    tensor([-0.6321,  0.0000,  2.0000], grad_fn=<EluBackward0>)
    >>> y.sum().backward()
    >>> x.grad  # alpha * exp(x) for x <= 0: alpha = 1 at the kink, as in torch
    tensor([0.3679, 1.0000, 1.0000])
    >>> relulib.relu(torch.tensor([-1, 3], dtype=torch.int8))  # integers kept, like torch.relu
    tensor([0, 3], dtype=torch.int8)
    >>> weight = torch.nn.PReLU().weight  # a parameter: prelu trains it
    >>> relulib.prelu(torch.tensor([-4.0, 4.0]), weight)
    tensor([-1.,  4.], grad_fn=<PreluKernelBackward0>)
"""

import torch
from torch.nn import functional as F

from relulib._validation import as_real_array, is_tensor, prelu_channels

_FLOATS = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def real_tensor(x, func, name="x", *, keep_integers=False):
    """``x`` checked to hold real numbers: floats as they are, integers and booleans as
    torch's default float dtype unless ``keep_integers`` (booleans always)."""
    if x.dtype in _FLOATS:
        return x
    if x.is_complex() or x.is_floating_point() or x.is_quantized:
        raise TypeError(
            f"{func}: expected a tensor of real numbers (float16, bfloat16, float32, float64 "
            f"or an integer dtype) for {name}, got dtype {x.dtype}"
        )
    if keep_integers and x.dtype != torch.bool:
        return x
    return x.to(torch.get_default_dtype())


def relu(x):
    return torch.relu(real_tensor(x, "relu", keep_integers=True))


def leaky_relu(x, negative_slope):
    return F.leaky_relu(real_tensor(x, "leaky_relu"), negative_slope)


def elu(x, alpha):
    return F.elu(real_tensor(x, "elu"), alpha)


def selu(x):
    return F.selu(real_tensor(x, "selu"))


def gelu(x, approximate):
    return F.gelu(real_tensor(x, "gelu"), approximate=approximate)


def silu(x):
    return F.silu(real_tensor(x, "silu"))


def mish(x):
    return F.mish(real_tensor(x, "mish"))


def softplus(x, beta, threshold):
    return F.softplus(real_tensor(x, "softplus"), beta, threshold)


def relu6(x):
    return F.relu6(real_tensor(x, "relu6", keep_integers=True))


def hardswish(x):
    return F.hardswish(real_tensor(x, "hardswish"))


def squared_relu(x):
    return torch.relu(real_tensor(x, "squared_relu")) ** 2


def prelu(x, weight):
    """``weight`` may be a tensor (a parameter, say) while ``x`` is not, or the reverse: the
    other one becomes a tensor, and the result is one. ``weight`` takes ``x``'s dtype."""
    x = as_tensor(x, "prelu")
    if is_tensor(weight):
        weight = real_tensor(weight, "prelu", "weight")
    else:
        weight = torch.tensor(as_real_array(weight, "prelu", "weight"), device=x.device)
    prelu_channels(weight, x.shape, "prelu")
    if weight.device != x.device:
        raise ValueError(f"prelu: weight is on {weight.device}, x on {x.device}")
    return F.prelu(x, weight.to(x.dtype).reshape(-1))


def maxout(x, pieces, axis):
    """The maximum over groups of ``pieces`` along ``axis`` (both checked by the caller), by
    ``torch.max``: its gradient goes to the element ``max`` picks, the first maximum of the
    group, or its first NaN."""
    x = real_tensor(x, "maxout", keep_integers=True)
    n = x.shape[axis]
    return x.unflatten(axis, (n // pieces, pieces)).max(dim=axis + 1).values


def as_tensor(x, func, name="x"):
    """``x`` as a tensor of real numbers; a NumPy array or a list is copied into one."""
    if not is_tensor(x):
        x = torch.tensor(as_real_array(x, func, name))
    return real_tensor(x, func, name)


def derivative(f, x, *args, func=None):
    """The derivative of the elementwise ``f`` at ``x``, by torch's autograd (so exactly what
    a backward pass through ``f`` uses): the vector-Jacobian product with ones.

    When ``x`` requires grad (and grad mode is on), the result is part of its graph, so that
    it can be differentiated again; otherwise it is a plain tensor.
    """
    x = as_tensor(x, func or f"{f.__name__}.grad")
    if torch.is_grad_enabled() and x.requires_grad:
        y = f(x, *args)
        return torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)[0]
    with torch.enable_grad():
        leaf = x.detach().requires_grad_()
        y = f(leaf, *args)
        return torch.autograd.grad(y, leaf, torch.ones_like(y))[0]
