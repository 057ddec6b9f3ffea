r"""Diagnostics for any PyTorch model: dead units, activation statistics, gradient norms, the
back-propagated signal of each example, and the propagation of a signal's scale through a deep
ReLU network.

The four model diagnostics (:func:`dead_units`, :func:`activation_stats`,
:func:`gradient_norms`, :func:`backprop_signal`) work on any ``torch.nn.Module`` whose
``forward`` takes one tensor. They watch *activation modules* (``nn.ReLU()`` and friends,
found with ``model.named_modules()``) through forward hooks, so an activation called as a
function (``F.relu(x)`` or ``x.relu()`` inside ``forward``) is invisible to them. Each one
is a measurement, not an intervention:

* the forward pass runs in eval mode (dropout off, batch norm on its running statistics), so that
  measuring draws no random numbers and updates no buffers; the train/eval flag of every
  submodule is restored afterwards, even if ``forward`` raises;
* every hook is removed afterwards, even if ``forward`` raises;
* no parameter, buffer or ``.grad`` is changed (:func:`gradient_norms` and
  :func:`backprop_signal` compute gradients with ``torch.autograd.grad``, which does not
  accumulate into ``.grad``).

A module called several times in one forward pass (one ``nn.ReLU()`` object reused after each
layer) is measured over all its calls: the outputs of different calls are different units.

:func:`signal_propagation` is the experiment of He et al. (2015), section 2.2: push Gaussian
inputs through a deep bias-free network and record the standard deviation of each layer's
response; :func:`init_std` gives the weight scale of the usual initialisation schemes.

:func:`softmax_confidence` and :func:`along_ray` look at a classifier far from its data
(Hein et al., 2019): how sure it is, and the network restricted to a ray ``t * direction``.

Example:
    >>> import torch
    >>> from torch import nn
    >>> model = nn.Sequential(nn.Linear(1, 2), nn.ReLU())
    >>> with torch.no_grad():
    ...     _ = model[0].weight.copy_(torch.tensor([[1.0], [1.0]]))
    ...     _ = model[0].bias.copy_(torch.tensor([0.0, -10.0]))
    >>> dead_units(model, torch.linspace(-1, 1, 5).reshape(5, 1))  # unit 1 never fires
    {'1': 0.5}
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from relulib._validation import describe, positive_int

__all__ = [
    "ACTIVATION_MODULES",
    "ActivationStats",
    "activation_stats",
    "along_ray",
    "backprop_signal",
    "dead_units",
    "gradient_norms",
    "init_std",
    "signal_propagation",
    "softmax_confidence",
]

#: The activation module types :func:`activation_stats` watches by default: every elementwise
#: activation of ``torch.nn``.
ACTIVATION_MODULES = (
    nn.ReLU,
    nn.ReLU6,
    nn.LeakyReLU,
    nn.PReLU,
    nn.RReLU,
    nn.ELU,
    nn.SELU,
    nn.CELU,
    nn.GELU,
    nn.SiLU,
    nn.Mish,
    nn.Softplus,
    nn.Sigmoid,
    nn.Tanh,
    nn.Hardtanh,
    nn.Hardsigmoid,
    nn.Hardswish,
    nn.Softsign,
    nn.LogSigmoid,
    nn.Tanhshrink,
)


# --- validation and the measuring context ----------------------------------------------------


def _check_model(model, func):
    if not isinstance(model, nn.Module):
        raise TypeError(f"{func}: model must be a torch.nn.Module, got {describe(model)}")


def _check_inputs(inputs, func):
    if not isinstance(inputs, torch.Tensor):
        raise TypeError(
            f"{func}: inputs must be a torch.Tensor with the batch first, got {describe(inputs)}"
        )
    if inputs.dim() == 0:
        raise ValueError(f"{func}: inputs must have a batch dimension, got a 0-d tensor")
    if inputs.shape[0] == 0:
        raise ValueError(
            f"{func}: inputs is an empty batch (shape {tuple(inputs.shape)}); "
            "give at least one sample"
        )


def _check_loss_fn(loss_fn, func):
    if not callable(loss_fn):
        raise TypeError(
            f"{func}: loss_fn must be callable as loss_fn(outputs, targets), "
            f"got {describe(loss_fn)}"
        )


def _check_module_types(types, func):
    """``types`` as a non-empty tuple of ``nn.Module`` subclasses (one class is accepted too)."""
    if isinstance(types, type):
        types = (types,)
    ok = isinstance(types, tuple) and types
    if not ok or not all(isinstance(t, type) and issubclass(t, nn.Module) for t in types):
        raise TypeError(
            f"{func}: activations must be an nn.Module subclass or a non-empty tuple of them, "
            f"got {describe(types)}"
        )
    return types


def _type_names(types):
    return " or ".join(
        f"nn.{t.__name__}" if t.__module__.startswith("torch") else t.__name__ for t in types
    )


def _watched(model, types, func):
    """``(name, module)`` of the modules of ``model`` that are instances of ``types``."""
    found = [(name, m) for name, m in model.named_modules() if isinstance(m, types)]
    if not found:
        raise ValueError(
            f"{func}: model has no {_type_names(types)} modules (activations called as "
            "functions, such as F.relu inside forward, cannot be watched)"
        )
    return found


def _as_tensor(out, name):
    if not isinstance(out, torch.Tensor):
        raise TypeError(
            f"module {name!r} returned {describe(out)}; only modules returning one tensor "
            "can be watched"
        )
    return out.detach()


@contextmanager
def _measuring(model, watched, on_output) -> Iterator[None]:
    """Eval mode and a forward hook ``on_output(name, output)`` on each watched module.

    On exit, whatever happened, the hooks are removed and every submodule gets its own
    train/eval flag back (they need not all agree).
    """
    modes = [(m, m.training) for m in model.modules()]
    handles = []
    try:
        model.eval()
        for name, module in watched:
            handles.append(
                module.register_forward_hook(
                    lambda _m, _inp, out, name=name: on_output(name, _as_tensor(out, name))
                )
            )
        yield
    finally:
        for handle in handles:
            handle.remove()
        for module, training in modes:
            module.training = training


# --- dead units and activation statistics ----------------------------------------------------


def dead_units(model, inputs, *, activations=(nn.ReLU,)) -> dict[str, float]:
    r"""The fraction of dead units after each ReLU module of ``model``, on a batch of inputs.

    A unit is one position of the module's output, the batch dimension excluded: a feature of a
    ``Linear`` layer's output, and a (channel, position) pair of a convolution's output of shape
    :math:`(N, C, H, W)` (so :math:`C \cdot H \cdot W` units). A unit is *dead on the batch*
    when its output is exactly 0 for every sample:

    .. math::

        \text{dead}_j = \bigl[\, h_j(x_i) = 0 \text{ for all } i = 1, \dots, N \,\bigr],
        \qquad \text{result} = \frac{1}{J} \sum_{j=1}^{J} \text{dead}_j .

    No gradient reaches a dead unit's own weights from this batch, so they stop moving (Lu et
    al., 2020, "Dying ReLU and Initialization"); a unit of the first layer stays dead, while a
    deeper one can come back when the layers below it change. With other ``activations``
    (``nn.LeakyReLU``, ``nn.ELU``...), the test is "output never positive" (``h_j(x_i) <= 0``
    for all ``i``), which for ReLU is the same thing. A module called several times in
    ``forward`` pools the units of all its calls.

    A module whose output holds a NaN or an infinity anywhere on the batch gets ``nan``: the
    network has diverged, and "dead" is undefined there. (Counting a NaN unit as alive would
    make a diverged run look healthy: its dead fraction drops exactly when it blows up.)

    The forward pass runs without gradients and in eval mode; hooks, modes, parameters and
    gradients are as before when the function returns (see the module docstring).

    Args:
        model (torch.nn.Module): any model whose ``forward`` takes ``inputs``.
        inputs (torch.Tensor): a batch, batch dimension first, with at least one sample.
        activations: an ``nn.Module`` subclass or a tuple of them, the types to watch; default
            ``nn.ReLU`` only (``nn.ReLU6`` and ``nn.LeakyReLU`` are not subclasses of it).

    Returns:
        dict[str, float]: for each watched module, keyed by its name in
        ``model.named_modules()`` (``""`` for the model itself) and in that order, the fraction
        of its units that are dead, in :math:`[0, 1]`; NaN for a module ``forward`` never calls
        and for a module with a non-finite output.

    Raises:
        TypeError: if ``model`` is not a module or ``inputs`` not a tensor.
        ValueError: if ``inputs`` is an empty batch or ``model`` has no watched module.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        >>> with torch.no_grad():  # units 0 and 1 never fire on inputs in [0, 1)^2
        ...     _ = model[0].weight.fill_(1.0)
        ...     _ = model[0].bias.copy_(torch.tensor([-100.0, -100.0, 0.0]))
        >>> x = torch.rand(64, 2, generator=torch.Generator().manual_seed(0))
        >>> fractions = dead_units(model, x)
        >>> {name: round(f, 3) for name, f in fractions.items()}
        {'1': 0.667}
    """
    func = "dead_units"
    _check_model(model, func)
    _check_inputs(inputs, func)
    types = _check_module_types(activations, func)
    watched = _watched(model, types, func)
    # per module: one boolean "ever positive" vector per call
    alive: dict[str, list[torch.Tensor]] = {name: [] for name, _ in watched}
    diverged: set[str] = set()

    def on_output(name, out):
        if not torch.isfinite(out).all():
            diverged.add(name)
        alive[name].append((out > 0).any(dim=0).reshape(-1))

    with _measuring(model, watched, on_output), torch.no_grad():
        model(inputs)
    result = {}
    for name, calls in alive.items():
        if not calls or name in diverged:
            result[name] = math.nan
            continue
        flags = torch.cat(calls)
        result[name] = int((~flags).sum()) / flags.numel() if flags.numel() else math.nan
    return result


@dataclass(frozen=True)
class ActivationStats:
    """Statistics of one activation module's output over a batch, all units pooled.

    Attributes:
        zero_fraction (float): the fraction of output entries that are exactly 0 (the
            sparsity of Glorot et al., 2011).
        mean (float): the mean of all entries.
        var (float): their variance, the population one (divided by ``numel``, not
            ``numel - 1``).
        std (float): the square root of ``var``.
        numel (int): the number of entries: batch size times units, over every call.
        nonfinite (int): how many of them are NaN or infinite. If any is, the four statistics
            above are NaN: a statistic over a diverged network's outputs describes nothing.
    """

    zero_fraction: float
    mean: float
    var: float
    std: float
    numel: int
    nonfinite: int = 0


def activation_stats(
    model, inputs, *, activations=ACTIVATION_MODULES
) -> dict[str, ActivationStats]:
    r"""Sparsity, mean and variance of the output of each activation module, on a batch.

    For the output :math:`h` of a module (all :math:`n` entries pooled: samples and units,
    and every call if the module is called several times),

    .. math::

        \mathtt{zero\_fraction} = \frac{\#\{h = 0\}}{n}, \qquad
        \text{mean} = \bar h = \frac{1}{n}\sum h, \qquad
        \text{var} = \frac{1}{n}\sum (h - \bar h)^2 .

    A ReLU layer fed symmetric pre-activations has ``zero_fraction`` near 1/2 (Glorot et al.,
    2011, found about 50 % exact zeros at initialisation). Statistics are computed in float64.
    If any entry is NaN or infinite, the four statistics are NaN and ``nonfinite`` counts the
    offending entries.
    The forward pass runs without gradients and in eval mode; nothing about the model is
    changed (see the module docstring).

    Args:
        model (torch.nn.Module): any model whose ``forward`` takes ``inputs``.
        inputs (torch.Tensor): a batch, batch dimension first, with at least one sample.
        activations: an ``nn.Module`` subclass or a tuple of them, the types to watch; default
            :data:`ACTIVATION_MODULES`. Any module type works, e.g. ``nn.Linear`` for the
            statistics of pre-activations.

    Returns:
        dict[str, ActivationStats]: keyed by module name, in ``model.named_modules()`` order;
        a module ``forward`` never calls is left out.

    Raises:
        TypeError: if ``model`` is not a module or ``inputs`` not a tensor.
        ValueError: if ``inputs`` is an empty batch or ``model`` has no watched module.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> model = nn.Sequential(nn.Identity(), nn.ReLU())
        >>> stats = activation_stats(model, torch.tensor([[-1.0, 2.0], [0.0, 3.0]]))
        >>> s = stats["1"]
        >>> s.zero_fraction, s.mean, round(s.var, 4), s.numel
        (0.5, 1.25, 1.6875, 4)
    """
    func = "activation_stats"
    _check_model(model, func)
    _check_inputs(inputs, func)
    types = _check_module_types(activations, func)
    watched = _watched(model, types, func)
    # per module: [count, mean, M2, zeros], merged call by call (Chan et al.'s pairwise update)
    acc: dict[str, list] = {}
    nonfinite: dict[str, int] = {}

    def on_output(name, out):
        h = out.to(torch.float64).reshape(-1)
        n = h.numel()
        if n == 0:
            return
        nonfinite[name] = nonfinite.get(name, 0) + int((~torch.isfinite(h)).sum())
        mean = h.mean()
        m2 = ((h - mean) ** 2).sum()
        zeros = (h == 0).sum()
        if name not in acc:
            acc[name] = [n, mean, m2, zeros]
            return
        n0, mean0, m20, zeros0 = acc[name]
        total = n0 + n
        delta = mean - mean0
        acc[name] = [
            total,
            mean0 + delta * (n / total),
            m20 + m2 + delta**2 * (n0 * n / total),
            zeros0 + zeros,
        ]

    with _measuring(model, watched, on_output), torch.no_grad():
        model(inputs)
    result = {}
    for name, _ in watched:
        if name in acc:
            n, mean, m2, zeros = acc[name]
            bad = nonfinite[name]
            var = (m2 / n).item()
            result[name] = ActivationStats(
                zero_fraction=math.nan if bad else zeros.item() / n,
                mean=math.nan if bad else mean.item(),
                var=math.nan if bad else var,
                std=math.sqrt(var) if not bad and var >= 0 else math.nan,
                numel=n,
                nonfinite=bad,
            )
    return result


# --- gradient norms --------------------------------------------------------------------------


def gradient_norms(model, loss_fn, inputs, targets, *, include_bias=False) -> dict[str, float]:
    r"""The L2 norm of the loss gradient with respect to each layer's weight.

    For each module that owns parameters (``nn.Linear``, ``nn.Conv2d``, ``nn.PReLU``,
    ``nn.LayerNorm``...), the Euclidean (Frobenius) norm

    .. math::

        \Bigl\| \frac{\partial\, \text{loss}}{\partial W} \Bigr\|_2
        = \Bigl( \sum_{ij} \Bigl( \frac{\partial\, \text{loss}}{\partial W_{ij}} \Bigr)^2
          \Bigr)^{1/2}

    of the gradient of ``loss_fn(model(inputs), targets)`` with respect to its ``weight``. With
    ``include_bias=True`` (or for a module without a ``weight``), the norm is taken over all its
    own parameters at once. Across the layers of a deep network these norms show vanishing or
    exploding gradients.

    Gradients come from ``torch.autograd.grad``, so the ``.grad`` of every parameter (and of
    ``inputs``) is left as it was; the forward pass runs in eval mode (see the module
    docstring), with gradients enabled even inside ``torch.no_grad()``.

    Args:
        model (torch.nn.Module): any model whose ``forward`` takes ``inputs``.
        loss_fn: a function, ``loss_fn(outputs, targets)`` returning a scalar tensor, such as
            ``torch.nn.functional.cross_entropy`` or ``nn.MSELoss()``.
        inputs (torch.Tensor): a batch, batch dimension first, with at least one sample.
        targets: passed to ``loss_fn`` unchanged.
        include_bias (bool): take the norm over all the module's own parameters, bias included.

    Returns:
        dict[str, float]: keyed by module name, in ``model.named_modules()`` order, for each
        module owning a parameter with ``requires_grad``; 0.0 for a layer the loss does not
        depend on.

    Raises:
        TypeError: for a ``model``, ``loss_fn`` or ``inputs`` of the wrong type, or a loss that
            is not a scalar tensor.
        ValueError: for an empty batch or a model without trainable parameters.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> model = nn.Sequential(nn.Linear(2, 1, bias=False))
        >>> with torch.no_grad():
        ...     model[0].weight.fill_(1.0)  # doctest: +ELLIPSIS
        Parameter containing:...
        >>> x, y = torch.tensor([[3.0, 4.0]]), torch.tensor([[0.0]])
        >>> gradient_norms(model, nn.MSELoss(), x, y)  # d/dw (w·x)^2 = 2 (w·x) x = 14 x
        {'0': 70.0}
    """
    func = "gradient_norms"
    _check_model(model, func)
    _check_loss_fn(loss_fn, func)
    _check_inputs(inputs, func)
    layers = []  # (name, [parameters whose norm is taken])
    for name, module in model.named_modules():
        own = {k: p for k, p in module.named_parameters(recurse=False) if p.requires_grad}
        if not own:
            continue
        if not include_bias and "weight" in own:
            layers.append((name, [own["weight"]]))
        else:
            layers.append((name, list(own.values())))
    if not layers:
        raise ValueError(f"{func}: model has no parameters with requires_grad=True")
    params = [p for _, ps in layers for p in ps]
    with _measuring(model, [], None), torch.enable_grad():
        loss = loss_fn(model(inputs), targets)
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
            raise TypeError(
                f"{func}: loss_fn must return a scalar tensor, got {describe(loss)}"
                if not isinstance(loss, torch.Tensor)
                else f"{func}: loss_fn must return a scalar tensor, got shape {tuple(loss.shape)}"
            )
        if not loss.requires_grad:
            raise ValueError(
                f"{func}: the loss does not depend on any parameter (is the model's output "
                "detached, or computed under torch.inference_mode?)"
            )
        grads = torch.autograd.grad(loss.reshape(()), params, allow_unused=True)
    by_param = {id(p): g for p, g in zip(params, grads, strict=True)}
    result = {}
    for name, ps in layers:
        total = 0.0
        for p in ps:
            g = by_param[id(p)]
            if g is not None:
                total += g.detach().to(torch.float64).pow(2).sum().item()
        result[name] = math.sqrt(total)
    return result


# --- the back-propagated signal, example by example -------------------------------------------


def backprop_signal(
    model, loss_fn, inputs, targets, *, activations=ACTIVATION_MODULES
) -> dict[str, torch.Tensor]:
    r"""The size of the back-propagated signal at each activation module, example by example.

    For each watched activation module with input :math:`z` (the pre-activation) and each
    example :math:`i` of the batch, the Euclidean norm over the units

    .. math::

        s_i = \Bigl\| \frac{\partial\, \text{loss}}{\partial z_i} \Bigr\|_2 .

    Backpropagation carries this signal from the output towards the input: from one hidden
    layer to the one before, :math:`\partial/\partial z_{\ell} = f'(z_\ell) \odot
    W_{\ell+1}^\top\, \partial/\partial z_{\ell+1}`, so the ratio
    :math:`s_i^{(1)} / s_i^{(L)}` of one example's signal at the first and the last hidden
    layer measures how much of it survives :math:`L - 1` steps back. Unlike the norm of a
    weight's gradient, which sums the examples' contributions (and lets opposite signs
    cancel), it describes one example at a time.

    With a loss that sums per-example terms (``reduction="sum"``), entry :math:`i` depends on
    example :math:`i` only, provided no layer mixes the examples of a batch (the forward pass
    runs in eval mode, so batch norm uses its running statistics); a mean loss divides every
    entry by the batch size, which leaves ratios between layers unchanged. Norms are taken in
    float64: a signal of :math:`10^{-20}` per unit is representable in float32, its square is
    not. A module called several times pools the units of all its calls.

    Gradients come from ``torch.autograd.grad``, so no ``.grad`` is touched; hooks and
    train/eval flags are restored afterwards (see the module docstring).

    Non-finite values are not an error; they propagate, as in backpropagation itself. An
    example whose forward pass meets a NaN (a NaN input, say) gets the signal NaN at every
    layer the NaN reaches, while with a per-example loss the other examples' entries are
    unchanged; a model with a NaN or infinite weight (a diverged run) gives NaN or infinite
    entries. Check ``torch.isfinite`` on the result before reading a ratio from it.

    Args:
        model (torch.nn.Module): any model whose ``forward`` takes ``inputs``.
        loss_fn: ``loss_fn(outputs, targets)`` returning a scalar tensor, such as
            ``functools.partial(F.cross_entropy, reduction="sum")``.
        inputs (torch.Tensor): a batch, batch dimension first, with at least one sample.
        targets: passed to ``loss_fn`` unchanged.
        activations: an ``nn.Module`` subclass or a tuple of them, the types to watch; default
            :data:`ACTIVATION_MODULES`.

    Returns:
        dict[str, torch.Tensor]: keyed by module name, in ``model.named_modules()`` order, a
        float64 tensor of shape ``(N,)``: the norm :math:`s_i` for each example. A module
        ``forward`` never calls is left out.

    Raises:
        TypeError: for a ``model``, ``loss_fn`` or ``inputs`` of the wrong type, or a loss that
            is not a scalar tensor.
        ValueError: for an empty batch, a model without watched modules, or a watched module
            that works in place (its input is overwritten, so its gradient is not defined).

    Example:
        >>> import torch
        >>> from torch import nn
        >>> model = nn.Sequential(nn.Linear(2, 2, bias=False), nn.ReLU(),
        ...                       nn.Linear(2, 1, bias=False))
        >>> with torch.no_grad():
        ...     _ = model[0].weight.copy_(torch.eye(2))
        ...     _ = model[2].weight.copy_(torch.tensor([[3.0, 4.0]]))
        >>> x = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, -1.0]])
        >>> backprop_signal(model, lambda out, t: out.sum(), x, None)["1"].tolist()
        [5.0, 3.0, 0.0]
    """
    func = "backprop_signal"
    _check_model(model, func)
    _check_loss_fn(loss_fn, func)
    _check_inputs(inputs, func)
    types = _check_module_types(activations, func)
    watched = _watched(model, types, func)
    for name, module in watched:
        if getattr(module, "inplace", False):
            raise ValueError(
                f"{func}: module {name!r} works in place, which overwrites its input; "
                "measure a copy with inplace=False"
            )
    captured: dict[str, list[torch.Tensor]] = {name: [] for name, _ in watched}
    handles = []
    # a fresh leaf that requires grad: every pre-activation is then part of the graph
    x = inputs.detach().requires_grad_(inputs.is_floating_point())
    with _measuring(model, [], None), torch.enable_grad():
        try:
            for name, module in watched:
                handles.append(
                    module.register_forward_hook(
                        lambda _m, inp, _out, name=name: captured[name].append(inp[0])
                    )
                )
            loss = loss_fn(model(x), targets)
        finally:
            for handle in handles:
                handle.remove()
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
            raise TypeError(f"{func}: loss_fn must return a scalar tensor, got {describe(loss)}")
        flat = [(name, z) for name, zs in captured.items() for z in zs]
        differentiable = [z for _, z in flat if z.requires_grad]
        grads = iter(
            torch.autograd.grad(loss.reshape(()), differentiable, allow_unused=True)
            if differentiable and loss.requires_grad
            else []
        )
    n = len(inputs)
    squares: dict[str, torch.Tensor] = {}
    for name, z in flat:
        g = next(grads) if z.requires_grad and loss.requires_grad else None
        sq = (
            torch.zeros(n, dtype=torch.float64)
            if g is None
            else g.detach().to(torch.float64).reshape(n, -1).pow(2).sum(dim=1)
        )
        squares[name] = squares[name] + sq if name in squares else sq
    return {name: sq.sqrt() for name, sq in squares.items()}


# --- initialisation and signal propagation ---------------------------------------------------


def init_std(init, fan_in, fan_out=None, *, negative_slope=0.0) -> float:
    r"""The standard deviation of Gaussian weights under an initialisation scheme.

    ============  ==========================================================  ===================
    ``init``      :math:`\operatorname{Var}[w]`                               source
    ============  ==========================================================  ===================
    ``"he"``      :math:`2 / \bigl((1 + a^2)\, n_\text{in}\bigr)`             He et al., 2015
    ``"xavier"``  :math:`2 / (n_\text{in} + n_\text{out})`                    Glorot & Bengio, 2010
    ``"lecun"``   :math:`1 / n_\text{in}`                                     LeCun et al., 1998
    a number      :math:`\text{init}^2` (the number is the std itself)
    ============  ==========================================================  ===================

    Here :math:`a` is ``negative_slope``: 0 for ReLU, the slope for leaky ReLU and PReLU (He et
    al.'s condition :math:`\tfrac12 (1 + a^2)\, n\, \operatorname{Var}[w] = 1`). These match
    ``torch.nn.init.kaiming_normal_`` and ``xavier_normal_``. For a square layer
    (:math:`n_\text{in} = n_\text{out}`) Xavier's variance is :math:`1/n_\text{in}`, the
    "Xavier" He et al. compare against; it halves the signal's variance at each ReLU layer.

    Args:
        init (str or float): ``"he"``, ``"xavier"``, ``"lecun"``, or a standard deviation
            :math:`\ge 0`.
        fan_in (int): the number of inputs of a unit.
        fan_out (int): the number of outputs of an input; needed by ``"xavier"`` only
            (default ``fan_in``).
        negative_slope (float): the slope :math:`a` for ``x < 0`` of the activation that
            follows, used by ``"he"``.

    Returns:
        float: the standard deviation.

    Example:
        >>> init_std("he", 256), init_std("lecun", 256), init_std(0.01, 256)
        (0.08838834764831845, 0.0625, 0.01)
    """
    func = "init_std"
    fan_in = positive_int(fan_in, "fan_in", func)
    fan_out = fan_in if fan_out is None else positive_int(fan_out, "fan_out", func)
    if isinstance(init, numbers.Real) and not isinstance(init, bool):
        std = float(init)
        if not (math.isfinite(std) and std >= 0):
            raise ValueError(
                f"{func}: a numeric init is a std and must be finite and >= 0, got {std}"
            )
        return std
    if init == "he":
        return math.sqrt(2.0 / ((1.0 + float(negative_slope) ** 2) * fan_in))
    if init == "xavier":
        return math.sqrt(2.0 / (fan_in + fan_out))
    if init == "lecun":
        return math.sqrt(1.0 / fan_in)
    raise ValueError(
        f'{func}: init must be "he", "xavier", "lecun" or a std (a number), got {describe(init)}'
    )


def _init_std_for(func, *args, **kwargs):
    """:func:`init_std`, its errors naming ``func`` (the public function that was called)."""
    try:
        return init_std(*args, **kwargs)
    except (TypeError, ValueError) as exc:
        raise type(exc)(str(exc).replace("init_std:", f"{func}:", 1)) from None


#: The activations :func:`signal_propagation` knows by name.
_SIGNAL_ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "relu": torch.relu,
    "elu": F.elu,
    "selu": F.selu,
    "tanh": torch.tanh,
    "identity": lambda y: y,
}


def signal_propagation(
    depth, width, init, *, activation="relu", n_samples=256, seed=0, negative_slope=0.0
) -> np.ndarray:
    r"""The standard deviation of each layer's response in a deep, bias-free network at init.

    He et al. (2015, section 2.2) follow the responses :math:`y_l = W_l x_{l-1}` of a network
    with :math:`x_0` the input and :math:`x_l = f(y_l)`. With ReLU and zero-mean weights,
    :math:`\mathrm{Var}[y_l] = \tfrac12 n_l \mathrm{Var}[w_l] \mathrm{Var}[y_{l-1}]` for
    :math:`l \ge 2`, so that

    .. math::

        \operatorname{Var}[y_L] = \operatorname{Var}[y_1]
        \prod_{l=2}^{L} \tfrac12\, n_l \operatorname{Var}[w_l] .

    He init, :math:`\operatorname{Var}[w] = 2/n`, keeps the scale: :math:`\sigma_L / \sigma_1
    = 1`. Xavier on square layers, :math:`\operatorname{Var}[w] = 1/n`, halves the variance at
    every layer: :math:`\sigma_L / \sigma_1 = 2^{-(L-1)/2}`, which is :math:`2^{-14.5}` for
    :math:`L = 30`. A constant std :math:`s` multiplies the std by :math:`s \sqrt{n/2}` per
    layer (0.113 for :math:`s = 0.01`, :math:`n = 256`). The first layer sees the raw input,
    not a rectified one, so :math:`\sigma_1 / \sigma_0 = \sqrt{n \operatorname{Var}[w]}`:
    :math:`\sqrt 2` for He, 1 for Xavier.

    This function draws ``n_samples`` standard Gaussian inputs of dimension ``width``, and
    ``depth`` square weight matrices with i.i.d. :math:`\mathcal N(0, \sigma^2)` entries,
    :math:`\sigma` = ``init_std(init, width, negative_slope=negative_slope)``, and measures
    the std (population, over samples and units) of the input and of every :math:`y_l`, in
    float64 so that even :math:`2^{-100}` does not underflow. With one ``seed``, every ``init``
    sees the same inputs and the same weights up to scale, so the curves differ only by the
    scheme (for ReLU, exactly by the factor the formula gives); the inputs and the weights come
    from two streams spawned from ``seed``, so the weights do not depend on ``n_samples``, and
    the first layers not on ``depth``. The measured
    :math:`\sigma_L / \sigma_1` fluctuates around the formula from seed to seed, because the
    weights are finite random matrices: for 30 layers of width 256 its log2 has a spread of
    about 0.5 over seeds (the log of the norm is a sum of one random term per layer), which
    more samples do not reduce; average over seeds to see the formula.

    Args:
        depth (int): the number of layers :math:`L`.
        width (int): the width :math:`n` of the input and of every layer.
        init (str or float): a scheme of :func:`init_std`, or a weight std.
        activation: ``"relu"``, ``"elu"``, ``"selu"``, ``"tanh"``,
            ``"identity"``, or a function from tensor to tensor, such as
            ``lambda y: F.leaky_relu(y, 0.25)``.
        n_samples (int): the number of inputs.
        seed (int): seeds the inputs and the weights.
        negative_slope (float): passed to :func:`init_std`: He init for a leaky ReLU or
            PReLU of this slope.

    Returns:
        numpy.ndarray: shape ``(depth + 1,)``; entry 0 is the std of the input (about 1),
        entry :math:`l` the std :math:`\sigma_l` of :math:`y_l`.

    Example:
        >>> import numpy as np
        >>> for init in ["he", "xavier", 0.01]:
        ...     stds = signal_propagation(30, 256, init, seed=0)
        ...     print(init, round(float(np.log2(stds[-1] / stds[1])), 1))
        he -0.3
        xavier -14.8
        0.01 -91.5
    """
    func = "signal_propagation"
    depth = positive_int(depth, "depth", func)
    width = positive_int(width, "width", func)
    n_samples = positive_int(n_samples, "n_samples", func)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{func}: seed must be an integer, got {describe(seed)}")
    if isinstance(activation, str):
        if activation not in _SIGNAL_ACTIVATIONS:
            raise ValueError(
                f"{func}: activation must be one of {sorted(_SIGNAL_ACTIVATIONS)} or a "
                f"function, got {activation!r}"
            )
        act = _SIGNAL_ACTIVATIONS[activation]
    elif callable(activation):
        act = activation
    else:
        raise TypeError(
            f"{func}: activation must be a name or a function, got {describe(activation)}"
        )
    std = _init_std_for(func, init, width, negative_slope=negative_slope)
    # two independent streams: the weights do not depend on n_samples, nor layer l on depth
    seeds = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(int(seed)).spawn(2)]
    gen_x, gen_w = (torch.Generator().manual_seed(s) for s in seeds)
    x = torch.randn(n_samples, width, generator=gen_x, dtype=torch.float64)
    stds = [x.std(correction=0).item()]
    with torch.no_grad():
        for _ in range(depth):
            w = torch.randn(width, width, generator=gen_w, dtype=torch.float64)
            y = (x @ w.T) * std
            stds.append(y.std(correction=0).item())
            x = act(y)
    return np.array(stds)


# --- far from the data -----------------------------------------------------------------------


def softmax_confidence(model, inputs, *, complement=False) -> np.ndarray:
    r"""A classifier's confidence on each input: its largest softmax probability.

    For logits :math:`f(x) \in \mathbb{R}^K`,

    .. math::

        \operatorname{conf}(x) = \max_k \frac{e^{f_k(x)}}{\sum_j e^{f_j(x)}}, \qquad
        1 - \operatorname{conf}(x)
        = \exp\Bigl(\log \sum_{k \ne k^*} e^{f_k(x)} - \log \sum_j e^{f_j(x)}\Bigr),

    with :math:`k^*` the predicted class. Both are computed from log-sum-exps in float64, so
    they neither overflow for huge logits nor lose the complement when the confidence rounds
    to 1: far from the data a ReLU classifier's logits grow without bound and
    :math:`1 - \operatorname{conf}` can be :math:`10^{-40}` (Hein et al., 2019, "Why ReLU
    networks yield high-confidence predictions far away from the training data"). A row with
    a NaN or a :math:`+\infty` logit, or with every logit :math:`-\infty`, gets NaN; a single
    :math:`-\infty` logit is a class of probability 0, as in ``torch.softmax`` (logits
    ``[0, -inf]`` give confidence 1 and complement 0). The forward pass runs in eval mode
    without gradients; the model is left as it was.

    Args:
        model (torch.nn.Module): a classifier returning logits of shape ``(N, K)``, ``K >= 2``.
        inputs (torch.Tensor): a batch, batch dimension first, with at least one sample.
        complement (bool): return :math:`1 - \operatorname{conf}` instead, accurate down to
            about :math:`10^{-300}`.

    Returns:
        numpy.ndarray: float64, shape ``(N,)``; the confidence lies in :math:`[1/K, 1]`.

    Raises:
        TypeError: if ``model`` is not a module or ``inputs`` not a tensor.
        ValueError: if ``inputs`` is empty or the logits are not of shape ``(N, K)``, ``K >= 2``.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> model = nn.Linear(1, 2)
        >>> with torch.no_grad():
        ...     _ = model.weight.copy_(torch.tensor([[1.0], [-1.0]]))
        ...     _ = model.bias.zero_()
        >>> x = torch.tensor([[0.0], [1.0], [100.0]])
        >>> softmax_confidence(model, x).round(4).tolist()
        [0.5, 0.8808, 1.0]
        >>> float(softmax_confidence(model, x, complement=True)[-1])  # e^-200 / (1 + e^-200)
        1.3838965267367376e-87
    """
    func = "softmax_confidence"
    _check_model(model, func)
    _check_inputs(inputs, func)
    with _measuring(model, [], None), torch.no_grad():
        logits = model(inputs)
    if not isinstance(logits, torch.Tensor) or logits.dim() != 2 or logits.shape[1] < 2:
        shape = tuple(logits.shape) if isinstance(logits, torch.Tensor) else describe(logits)
        raise ValueError(
            f"{func}: model must return logits of shape (N, K) with K >= 2 classes, got {shape}"
        )
    z = logits.detach().to(torch.float64)
    log_total = torch.logsumexp(z, dim=1)
    if complement:
        others = z.scatter(1, z.argmax(dim=1, keepdim=True), -math.inf)
        result = torch.exp(torch.logsumexp(others, dim=1) - log_total)
    else:
        result = torch.exp(z.max(dim=1).values - log_total)
    # NaN, +inf, or no finite logit: no probability is defined (torch.softmax agrees)
    undefined = log_total.isnan() | log_total.isinf()
    return result.masked_fill(undefined, math.nan).numpy()


def along_ray(model, direction, origin=None) -> nn.Sequential:
    r"""``model`` restricted to a ray: the one-input network :math:`t \mapsto f(o + t\,u)`.

    Returns ``nn.Sequential(line, model)``, where ``line`` is an ``nn.Linear(1, d)`` with
    weight :math:`u` (``direction``, as a column) and bias :math:`o` (``origin``, zero by
    default), frozen. For a ReLU network :math:`f`, the result is again a ReLU network, so
    :func:`relulib.regions.linear_pieces` gives its exact linear pieces along the ray: past
    the last kink, every logit is affine in :math:`t` (the argument of Hein et al., 2019).
    The model is shared, not copied: later changes to it show through.

    Args:
        model (torch.nn.Module): any model taking inputs of shape ``(N, d)``.
        direction: the direction :math:`u`, a sequence or tensor of ``d`` finite numbers,
            not all zero (it need not be a unit vector: :math:`t` is measured in its units).
        origin: the start :math:`o` of the ray, ``d`` finite numbers, or ``None`` for 0.

    Returns:
        torch.nn.Sequential: a model taking inputs of shape ``(N, 1)``, the values of
        :math:`t`, in the dtype of ``model``'s first parameter (float32 if it has none).

    Raises:
        TypeError: if ``model`` is not a module.
        ValueError: if ``direction`` is zero or not finite, or ``origin`` does not match it.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> model = nn.Sequential(nn.Linear(2, 1), nn.ReLU())
        >>> with torch.no_grad():
        ...     _ = model[0].weight.copy_(torch.tensor([[1.0, 1.0]]))
        ...     _ = model[0].bias.zero_()
        >>> ray = along_ray(model, [3.0, 4.0])
        >>> ray(torch.tensor([[0.5], [-1.0]])).flatten().tolist()  # relu(t * (3 + 4))
        [3.5, 0.0]
    """
    func = "along_ray"
    _check_model(model, func)
    first = next(model.parameters(), None)
    dtype = first.dtype if first is not None and first.is_floating_point() else torch.float32
    u = _as_vector(direction, "direction", func)
    if not bool((u != 0).any()):
        raise ValueError(f"{func}: direction must not be the zero vector")
    o = torch.zeros_like(u) if origin is None else _as_vector(origin, "origin", func)
    if o.shape != u.shape:
        raise ValueError(
            f"{func}: origin has {o.numel()} coordinates but direction has {u.numel()}"
        )
    line = nn.Linear(1, u.numel(), dtype=dtype)
    with torch.no_grad():
        line.weight.copy_(u.reshape(-1, 1))
        line.bias.copy_(o)
    line.requires_grad_(False)
    return nn.Sequential(line, model)


def _as_vector(value, name, func):
    """``value`` as a 1-D float64 tensor of finite numbers, or a clear error."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
    try:
        vector = torch.as_tensor(np.asarray(value, dtype=np.float64))
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(
            f"{func}: {name} must be a vector of numbers, got {describe(value)}"
        ) from None
    if vector.dim() != 1 or vector.numel() == 0:
        raise ValueError(
            f"{func}: {name} must be a non-empty 1-D vector, got shape {tuple(vector.shape)}"
        )
    if not bool(torch.isfinite(vector).all()):
        raise ValueError(f"{func}: {name} must be finite, got {vector.tolist()}")
    return vector
