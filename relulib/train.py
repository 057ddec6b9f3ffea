r"""A small MLP builder and a deterministic training loop for the chapters' experiments.

:func:`mlp` builds a seeded ``nn.Sequential`` of ``Linear`` layers and activations with the
initialisation of :func:`relulib.diagnostics.init_std` (He, Xavier, LeCun or a fixed std).
:func:`train` fits it by full-batch or minibatch gradient descent and returns a
:class:`History` of the loss, the accuracy and whatever a callback measures after each epoch
(the fraction of dead units, say). Both run on the CPU and are reproducible: the same seed
gives the same model and the same history, bit for bit, and neither changes torch's global
random state (they draw from a forked copy of it, see ``torch.random.fork_rng``).
:func:`maxout_mlp` builds the maxout counterpart of :func:`mlp`, and :func:`train_together`
trains many small networks (seeds, activations) side by side, as :func:`train` would each.

Example:
    >>> from relulib.data import xor
    >>> from relulib.diagnostics import dead_units
    >>> X, y = xor(200, noise=0.2, seed=0)
    >>> model = mlp([2, 16, 2], seed=0)
    >>> history = train(
    ...     model, X, y, optimizer="adam", lr=0.05, epochs=30, seed=0,
    ...     callback=lambda m, epoch: {"dead": dead_units(m, X)["1"]},
    ... )
    >>> len(history.loss), history.accuracy[0], history.accuracy[-1]
    (31, 0.255, 1.0)
    >>> history.metrics["dead"][0], history.metrics["dead"][-1]  # one unit of 16 died
    (0.0, 0.0625)
"""

from __future__ import annotations

import copy
import functools
import itertools
import math
import numbers
import warnings
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from relulib._validation import describe, positive_int
from relulib.diagnostics import ACTIVATION_MODULES, _init_std_for, init_std
from relulib.nn import GatedFeedForward, Maxout, SquaredReLU

__all__ = ["History", "maxout_mlp", "mlp", "prune_dead_units", "train", "train_together"]


# --- the model -------------------------------------------------------------------------------


def _check_seed(seed, func):
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{func}: seed must be an integer, got {describe(seed)}")
    return int(seed)


def _negative_slope(module):
    """The slope :math:`a` for ``x < 0`` of a leaky ReLU or PReLU module, else 0."""
    if isinstance(module, nn.LeakyReLU):
        return float(module.negative_slope)
    if isinstance(module, nn.PReLU):
        return float(module.weight.detach().mean())
    return 0.0


def mlp(sizes, activation=nn.ReLU, init="he", bias=True, seed=0) -> nn.Sequential:
    r"""A multilayer perceptron: ``Linear`` layers with an activation between each two.

    ``mlp([2, 16, 16, 1])`` is ``nn.Sequential(Linear(2, 16), ReLU(), Linear(16, 16), ReLU(),
    Linear(16, 1))``: no activation after the last layer. The modules are named ``"0"``,
    ``"1"``, ... in that order, so the activations are ``"1"``, ``"3"``, ...

    Weights are drawn i.i.d. from :math:`\mathcal N(0, \sigma^2)` with
    :math:`\sigma` = ``init_std(init, fan_in, fan_out, negative_slope=a)``, where :math:`a` is
    the negative slope of the activation (0 for ReLU, ``negative_slope`` for ``nn.LeakyReLU``,
    the initial weight for ``nn.PReLU``: He et al.'s :math:`\tfrac12 (1 + a^2)\, n\,
    \mathrm{Var}[w] = 1`). Biases start at 0. ``init=None`` keeps PyTorch's default
    initialisation (uniform, of std :math:`1/\sqrt{3\, n_\text{in}}`). ``init`` may also be a
    function ``init(fan_in, fan_out)`` returning each layer's std, e.g.
    ``lambda fan_in, fan_out: gain / math.sqrt(fan_in)`` for a gain of your own.

    Args:
        sizes (list of int): the widths of the input, the hidden layers and the output;
            at least two.
        activation: a module class or any function of no arguments returning a
            module, called once per hidden layer, such as ``nn.ReLU`` or
            ``lambda: nn.LeakyReLU(0.1)``.
        init: ``"he"``, ``"xavier"``, ``"lecun"``, a weight std (a float), a function
            ``(fan_in, fan_out) -> std``, or ``None``; see :func:`relulib.diagnostics.init_std`.
        bias (bool): whether the ``Linear`` layers have biases (Lu et al., 2020, study bias-free
            nets, which die more easily).
        seed (int): seeds the weights; torch's global random state is left as it was.

    Returns:
        torch.nn.Sequential: the network, in train mode, float32, on the CPU.

    Example:
        >>> model = mlp([2, 3, 1], init="he", seed=0)
        >>> model
        Sequential(
          (0): Linear(in_features=2, out_features=3, bias=True)
          (1): ReLU()
          (2): Linear(in_features=3, out_features=1, bias=True)
        )
        >>> model[0].bias.tolist()
        [0.0, 0.0, 0.0]
    """
    func = "mlp"
    sizes = _check_sizes(sizes, func)
    if not callable(activation):
        raise TypeError(
            f"{func}: activation must be a module class or a function returning a module, "
            f"got {describe(activation)}"
        )
    _check_init(init, func)
    seed = _check_seed(seed, func)

    def make_activation():
        act = activation()
        if not isinstance(act, nn.Module):
            raise TypeError(f"{func}: activation() must return an nn.Module, got {describe(act)}")
        return act

    return _build(sizes, make_activation, 1, init, bias, seed, func)


def maxout_mlp(sizes, pieces=2, init="lecun", bias=True, seed=0) -> nn.Sequential:
    r"""A maxout network: ``Linear`` layers with :class:`relulib.nn.Maxout` between each two.

    Each hidden layer of width :math:`w` in ``sizes`` is a ``Linear`` layer of
    ``pieces`` :math:`\cdot\, w` outputs followed by ``Maxout(pieces)``: :math:`w` maxout units
    of ``pieces`` affine pieces each (Goodfellow et al., 2013). ``maxout_mlp([2, 11, 2])`` is
    ``nn.Sequential(Linear(2, 22), Maxout(pieces=2), Linear(11, 2))``.

    Weights are drawn as in :func:`mlp`, from the same seeded generator, with std
    ``init_std(init, fan_in, fan_out)`` or ``init(fan_in, fan_out)``. The default, LeCun's
    :math:`\mathrm{Var}[w] = 1/n`, keeps the second moment of the pre-activations from layer to
    layer for two pieces: the maximum of two independent standard normals has
    :math:`\mathbb E[\max(z_1, z_2)^2] = 1` (this book's derivation, in the Variants chapter);
    with more pieces the maximum's second moment exceeds 1, and a gain
    :math:`1/\sqrt{\mathbb E[\max_j z_j^2]}` below 1 does that.

    Args:
        sizes (list of int): the widths of the input, the hidden layers (in maxout units)
            and the output; at least two.
        pieces (int): the number :math:`k` of affine pieces per unit, at least 1.
        init: ``"he"``, ``"xavier"``, ``"lecun"``, a weight std, a function
            ``(fan_in, fan_out) -> std``, or ``None`` (PyTorch's default), as in :func:`mlp`.
        bias (bool): whether the ``Linear`` layers have biases.
        seed (int): seeds the weights; torch's global random state is left as it was.

    Returns:
        torch.nn.Sequential: the network, in train mode, float32, on the CPU.

    Example:
        >>> maxout_mlp([2, 11, 2], pieces=2)
        Sequential(
          (0): Linear(in_features=2, out_features=22, bias=True)
          (1): Maxout(pieces=2)
          (2): Linear(in_features=11, out_features=2, bias=True)
        )
    """
    func = "maxout_mlp"
    sizes = _check_sizes(sizes, func)
    pieces = positive_int(pieces, "pieces", func)
    _check_init(init, func)
    seed = _check_seed(seed, func)
    return _build(sizes, functools.partial(Maxout, pieces), pieces, init, bias, seed, func)


def _check_sizes(sizes, func):
    try:
        sizes = list(sizes)
    except TypeError:
        raise TypeError(
            f"{func}: sizes must be a sequence of widths, got {describe(sizes)}"
        ) from None
    if len(sizes) < 2 or not all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 1 for s in sizes
    ):
        raise ValueError(
            f"{func}: sizes must hold at least two positive integers (input and output widths), "
            f"got {sizes}"
        )
    return [int(s) for s in sizes]


def _check_init(init, func):
    if init is not None and not callable(init):
        _init_std_for(func, init, 1)  # validate init once, before drawing anything


def _build(sizes, make_activation, pieces, init, bias, seed, func):
    """``Linear`` layers of ``sizes`` (hidden ones ``pieces`` times as wide) with
    ``make_activation()`` between each two, weights drawn from a generator seeded by ``seed``."""
    layers = []
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(seed)
        for i, (fan_in, width) in enumerate(itertools.pairwise(sizes)):
            hidden = i < len(sizes) - 2
            fan_out = pieces * width if hidden else width
            linear = nn.Linear(fan_in, fan_out, bias=bool(bias))
            layers.append(linear)
            act = make_activation() if hidden else None
            if act is not None:
                layers.append(act)
            if init is not None:
                slope = _negative_slope(act) if act is not None else 0.0
                std = _layer_std(init, fan_in, fan_out, slope, func)
                with torch.no_grad():
                    nn.init.normal_(linear.weight, 0.0, std)
                    if linear.bias is not None:
                        linear.bias.zero_()
    return nn.Sequential(*layers)


def prune_dead_units(model, inputs) -> nn.Sequential:
    r"""A smaller copy of an MLP: the hidden ReLU units that never fire on ``inputs`` removed.

    A ReLU unit whose output is exactly 0 on every input of the batch (dead on the batch, see
    :func:`relulib.diagnostics.dead_units`) sends nothing to the next layer, so deleting it
    (its row of the weight matrix before it and its column of the one after it) changes no
    output on these inputs, up to the rounding of shorter sums. On other inputs a removed unit
    might have fired: the copy is exact on the data it was pruned on, and only there.

    Args:
        model (torch.nn.Sequential): ``Linear, ReLU, Linear, ReLU, ..., Linear``, the layout
            :func:`mlp` builds with ``activation=nn.ReLU``; it is not modified.
        inputs (torch.Tensor): the batch that decides which units are dead, shape ``(n, d)``.

    Returns:
        torch.nn.Sequential: a new network of the same layout, each hidden layer narrowed to its
        live units (possibly to width 0, when the whole layer is dead).

    Raises:
        TypeError: if ``model`` is not such a ``Sequential`` or ``inputs`` not a tensor.
        ValueError: if ``inputs`` is empty or a hidden output is NaN or infinite (a diverged
            network, whose dead units are undefined).

    Example:
        >>> import torch
        >>> model = mlp([2, 4, 1], seed=0)
        >>> with torch.no_grad():
        ...     _ = model[0].bias.copy_(torch.tensor([0.0, -100.0, 0.0, -100.0]))
        >>> x = torch.rand(50, 2, generator=torch.Generator().manual_seed(0))
        >>> small = prune_dead_units(model, x)
        >>> small[0]
        Linear(in_features=2, out_features=2, bias=True)
        >>> bool(torch.allclose(small(x), model(x)))
        True
    """
    func = "prune_dead_units"
    layers = list(model) if isinstance(model, nn.Sequential) else []
    layout_ok = len(layers) % 2 == 1 and all(
        isinstance(m, nn.Linear) if i % 2 == 0 else type(m) is nn.ReLU for i, m in enumerate(layers)
    )
    if not layout_ok:
        raise TypeError(
            f"{func}: model must be an nn.Sequential of Linear, ReLU, Linear, ..., Linear "
            f"(the layout of relulib.train.mlp with nn.ReLU), got {describe(model)}"
        )
    if not isinstance(inputs, torch.Tensor) or inputs.dim() != 2:
        raise TypeError(
            f"{func}: inputs must be a 2-d tensor (samples, features), got {describe(inputs)}"
        )
    if len(inputs) == 0:
        raise ValueError(f"{func}: inputs is empty (shape {tuple(inputs.shape)})")
    alive = []
    with torch.no_grad():
        h = inputs
        for i, module in enumerate(layers):
            h = module(h)
            if i % 2 == 1:
                if not torch.isfinite(h).all():
                    raise ValueError(
                        f"{func}: the output of module {i} holds NaN or inf values: the network "
                        "has diverged, and which units are dead is undefined"
                    )
                alive.append((h > 0).any(dim=0))
    pruned = []
    for k, linear in enumerate(layers[::2]):
        rows = alive[k] if k < len(alive) else torch.ones(linear.out_features, dtype=torch.bool)
        cols = alive[k - 1] if k > 0 else torch.ones(linear.in_features, dtype=torch.bool)
        weight = linear.weight.detach()[rows][:, cols]
        with warnings.catch_warnings():  # a dead layer has width 0: nothing to initialise
            warnings.filterwarnings("ignore", message="Initializing zero-element tensors")
            small = nn.utils.skip_init(  # no random init to overwrite
                nn.Linear,
                weight.shape[1],
                weight.shape[0],
                bias=linear.bias is not None,
                dtype=weight.dtype,
                device=weight.device,
            )
        with torch.no_grad():
            small.weight.copy_(weight)
            if linear.bias is not None:
                small.bias.copy_(linear.bias.detach()[rows])
        pruned.append(small)
        if k < len(alive):
            pruned.append(nn.ReLU())
    return nn.Sequential(*pruned)


def _layer_std(init, fan_in, fan_out, slope, func):
    """The weight std of one layer: ``init(fan_in, fan_out)`` if it is a function, else
    :func:`init_std`."""
    if not callable(init):
        return init_std(init, fan_in, fan_out, negative_slope=slope)
    try:
        std = init(fan_in, fan_out)
    except TypeError as exc:
        raise TypeError(
            f"{func}: init must be a function of (fan_in, fan_out) returning the weights' std; "
            f"init({fan_in}, {fan_out}) raised TypeError: {exc}"
        ) from exc
    if isinstance(std, bool) or not isinstance(std, numbers.Real):
        raise TypeError(
            f"{func}: init({fan_in}, {fan_out}) must return a number (the weights' std), "
            f"got {describe(std)}"
        )
    if not (math.isfinite(std) and std >= 0):
        raise ValueError(
            f"{func}: init({fan_in}, {fan_out}) must return a finite std >= 0, got {describe(std)}"
        )
    return float(std)


# --- the training loop -----------------------------------------------------------------------


@dataclass
class History:
    """What :func:`train` measured, one entry per epoch, epoch 0 being the untrained model.

    Attributes:
        epochs (list[int]): ``[0, 1, ..., epochs]``.
        loss (list[float]): the loss on the whole training set after each epoch.
        accuracy (list[float] or None): the fraction of correctly classified training samples
            after each epoch, for ``loss="cross_entropy"``; ``None`` otherwise.
        metrics (dict[str, list]): for each key the callback returns, its values, one per epoch.
        test_loss (list[float] or None): the loss on ``test_data`` after each epoch, if given.
        test_accuracy (list[float] or None): the accuracy on ``test_data`` after each epoch,
            for ``loss="cross_entropy"`` with ``test_data``.
    """

    epochs: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] | None = None
    metrics: dict[str, list] = field(default_factory=dict)
    test_loss: list[float] | None = None
    test_accuracy: list[float] | None = None

    @property
    def diverged(self) -> bool:
        """True if the training loss was NaN or infinite after some epoch.

        A diverged run is no evidence of anything: check this before reading its accuracy,
        dead fraction or weights.

        Example:
            >>> History(epochs=[0, 1], loss=[0.7, float("nan")]).diverged
            True
        """
        return not all(math.isfinite(value) for value in self.loss)


_LOSSES = {"cross_entropy": F.cross_entropy, "mse": F.mse_loss}
_OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}


def _check_data(model, X, y, loss, func):
    if not isinstance(model, nn.Module):
        raise TypeError(f"{func}: model must be a torch.nn.Module, got {describe(model)}")
    for name, value in (("X", X), ("y", y)):
        if not isinstance(value, torch.Tensor) or value.dim() == 0:
            raise TypeError(
                f"{func}: {name} must be a tensor with the samples first, got {describe(value)}"
            )
    if len(X) == 0:
        raise ValueError(f"{func}: X is empty (shape {tuple(X.shape)})")
    if len(X) != len(y):
        raise ValueError(
            f"{func}: X and y must hold as many samples, got {len(X)} and {len(y)} "
            f"(shapes {tuple(X.shape)} and {tuple(y.shape)})"
        )
    if loss == "cross_entropy" and (y.dim() != 1 or y.is_floating_point() or y.is_complex()):
        raise ValueError(
            f'{func}: loss="cross_entropy" needs y as class indices, an integer tensor of shape '
            f"(n,), got dtype {y.dtype} and shape {tuple(y.shape)} (try y.long())"
        )


def _check_lr_and_epochs(lr, epochs, func):
    if (
        isinstance(lr, bool)
        or not isinstance(lr, numbers.Real)
        or not (math.isfinite(lr) and lr > 0)
    ):
        raise ValueError(f"{func}: lr must be a finite number > 0, got {describe(lr)}")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 0:
        raise ValueError(f"{func}: epochs must be an integer >= 0, got {describe(epochs)}")


def _check_test_data(model, test_data, loss, func):
    """``test_data`` is ``None`` or a pair ``(X_test, y_test)`` fit for ``model`` and ``loss``."""
    if test_data is None:
        return
    if not isinstance(test_data, (tuple, list)) or len(test_data) != 2:
        raise TypeError(
            f"{func}: test_data must be a pair (X_test, y_test) or None, got {describe(test_data)}"
        )
    _check_data(model, *test_data, loss, f"{func} (test_data)")


def _name_or_function(value, table, argument, func):
    """``table[value]`` for a known name, ``value`` itself for a function; else a clear error."""
    if isinstance(value, str):
        if value not in table:
            names = ", ".join(f'"{name}"' for name in table)
            raise ValueError(f"{func}: {argument} must be {names} or a function, got {value!r}")
        return table[value]
    if callable(value):
        return value
    raise TypeError(f"{func}: {argument} must be a name or a function, got {describe(value)}")


def train(
    model,
    X,
    y,
    *,
    loss="cross_entropy",
    optimizer="sgd",
    lr,
    epochs,
    batch_size=None,
    seed=0,
    callback=None,
    test_data=None,
) -> History:
    r"""Train ``model`` on ``(X, y)`` in place, deterministically, and return its history.

    Each epoch takes one gradient step per minibatch (one step on the whole set if
    ``batch_size`` is ``None``), the rows shuffled by a ``torch.Generator`` seeded with
    ``seed``. After every epoch, and once before the first, the model is evaluated in eval mode
    on the whole training set: the loss, the accuracy (for ``loss="cross_entropy"``), then
    ``callback(model, epoch)``, whose returned dict of numbers is appended to
    ``History.metrics``. So every list in the history has ``epochs + 1`` entries, entry 0
    describing the untrained model. With ``test_data``, the loss and accuracy on it are
    recorded too (``History.test_loss``, ``History.test_accuracy``); it is never trained on.
    A run whose loss becomes NaN or infinite is not stopped: ``History.diverged`` says so.

    Reproducibility: the same model (e.g. the same :func:`mlp` seed), data and arguments give
    the same history and the same trained weights, bit for bit, on one machine. Anything the
    model draws from torch's global generator (dropout) comes from a fork of it seeded with
    ``seed``; the global random state is the same after the call as before. The train/eval flag
    of every submodule is restored at the end, and every parameter's ``.grad`` is ``None``. The
    optimiser is created here, so no state carries over between calls.

    Args:
        model (torch.nn.Module): the model, trained in place.
        X (torch.Tensor): the inputs, shape ``(n, ...)``.
        y (torch.Tensor): the targets: class indices of shape ``(n,)`` (int64) for
            ``"cross_entropy"``, values of the model's output shape for ``"mse"``.
        loss: ``"cross_entropy"``, ``"mse"``, or ``loss(outputs, targets)``
            returning a scalar tensor.
        optimizer: ``"sgd"`` (plain, no momentum), ``"adam"``, or a function
            ``optimizer(parameters, lr)`` returning a ``torch.optim.Optimizer``.
        lr (float): the learning rate, > 0.
        epochs (int): the number of passes over the data, >= 0.
        batch_size (int or None): the minibatch size; ``None`` for full-batch training. The last
            minibatch of an epoch may be smaller.
        seed (int): seeds the shuffling and the model's own random draws.
        callback: ``callback(model, epoch)`` returning a dict (the same keys
            every time) or ``None``.
        test_data: ``(X_test, y_test)``, held-out data evaluated after every epoch, or ``None``.

    Returns:
        History: the per-epoch loss, accuracy and callback metrics.

    Raises:
        TypeError, ValueError: for arguments of the wrong type or value, named in the message.

    Example:
        >>> from relulib.data import sine_regression
        >>> X, y = sine_regression(64, noise=0.0, seed=0)
        >>> history = train(mlp([1, 32, 1], seed=0), X, y, loss="mse", optimizer="adam",
        ...                 lr=0.01, epochs=200, batch_size=16, seed=0)
        >>> history.accuracy is None, history.loss[-1] < 0.01 < history.loss[0]
        (True, True)
    """
    func = "train"
    loss_fn = _name_or_function(loss, _LOSSES, "loss", func)
    _check_data(model, X, y, loss, func)
    make_optimizer = _name_or_function(optimizer, _OPTIMIZERS, "optimizer", func)
    _check_lr_and_epochs(lr, epochs, func)
    if batch_size is not None and (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, numbers.Integral)
        or batch_size < 1
    ):
        raise ValueError(
            f"{func}: batch_size must be None or a positive integer, got {describe(batch_size)}"
        )
    seed = _check_seed(seed, func)
    _check_test_data(model, test_data, loss, func)
    if callback is not None and not callable(callback):
        raise TypeError(f"{func}: callback must be callable or None, got {describe(callback)}")

    n = len(X)
    step = n if batch_size is None else int(batch_size)
    classify = loss == "cross_entropy"
    history = History(accuracy=[] if classify else None)
    if test_data is not None:
        history.test_loss = []
        history.test_accuracy = [] if classify else None
    modes = [(m, m.training) for m in model.modules()]
    shuffle = torch.Generator().manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError(f"{func}: model has no parameters with requires_grad=True")
    opt = make_optimizer(params, lr=float(lr))

    def objective(out, target):
        if loss == "mse" and out.shape != target.shape:
            raise ValueError(
                f'{func}: loss="mse" needs y of the output\'s shape; the model gives '
                f"{tuple(out.shape)} for {len(target)} samples, y has {tuple(target.shape)}"
            )
        value = loss_fn(out, target)
        if not isinstance(value, torch.Tensor) or value.numel() != 1:
            raise TypeError(f"{func}: the loss must be a scalar tensor, got {describe(value)}")
        return value.reshape(())

    def evaluate(inputs, targets, losses, accuracies):
        out = model(inputs)
        losses.append(float(objective(out, targets)))
        if classify:
            accuracies.append(float((out.argmax(dim=1) == targets).double().mean()))

    def record(epoch):
        model.eval()
        with torch.no_grad():
            evaluate(X, y, history.loss, history.accuracy)
            if test_data is not None:
                evaluate(*test_data, history.test_loss, history.test_accuracy)
        history.epochs.append(epoch)
        if callback is not None:
            values = callback(model, epoch)
            values = {} if values is None else dict(values)
            if epoch > 0 and values.keys() != history.metrics.keys():
                raise ValueError(
                    f"{func}: callback returned keys {sorted(values)} at epoch {epoch}, "
                    f"but {sorted(history.metrics)} at epoch 0"
                )
            for key, value in values.items():
                history.metrics.setdefault(key, []).append(value)

    try:
        with torch.random.fork_rng(devices=[]), torch.enable_grad():
            torch.default_generator.manual_seed(seed)
            record(0)
            for epoch in range(1, epochs + 1):
                model.train()
                order = torch.randperm(n, generator=shuffle) if step < n else torch.arange(n)
                for start in range(0, n, step):
                    batch = order[start : start + step]
                    opt.zero_grad(set_to_none=True)
                    objective(model(X[batch]), y[batch]).backward()
                    opt.step()
                record(epoch)
    finally:
        opt.zero_grad(set_to_none=True)
        for module, training in modes:
            module.training = training
    return history


# --- several small networks trained side by side ---------------------------------------------

#: Modules that act on each feature alone and own no parameter: they work unchanged on the
#: features of several networks laid side by side. (``nn.RReLU`` draws random slopes.)
_ELEMENTWISE = (
    *(t for t in ACTIVATION_MODULES if t not in (nn.PReLU, nn.RReLU)),
    nn.Identity,
    SquaredReLU,
)


class _SideBySideLinear(nn.Module):
    """``m`` independent ``Linear`` layers, one per block of ``in_features`` inputs.

    The input holds the ``m`` blocks next to each other, shape ``(n, m * in_features)``, or
    one block that every layer reads (``shared_input``, shape ``(n, in_features)``); the output
    holds the ``m`` results next to each other, ``(n, m * out_features)``. No weight connects
    two blocks, so the ``m`` layers learn independently.
    """

    def __init__(self, linears, shared_input):
        super().__init__()
        self.shared_input = shared_input
        self.weight = nn.Parameter(torch.stack([lin.weight.detach() for lin in linears]))
        has_bias = linears[0].bias is not None
        self.bias = (
            nn.Parameter(torch.stack([lin.bias.detach() for lin in linears])) if has_bias else None
        )

    def forward(self, x):
        m, n_out, n_in = self.weight.shape
        if self.shared_input:  # one matrix product: the m weight matrices stacked
            bias = None if self.bias is None else self.bias.reshape(m * n_out)
            return F.linear(x, self.weight.reshape(m * n_out, n_in), bias)
        y = torch.einsum("nmi,moi->nmo", x.reshape(len(x), m, n_in), self.weight)
        if self.bias is not None:
            y = y + self.bias
        return y.reshape(len(x), m * n_out)

    def write_back(self, linears):
        with torch.no_grad():
            for i, lin in enumerate(linears):
                lin.weight.copy_(self.weight[i])
                if lin.bias is not None:
                    lin.bias.copy_(self.bias[i])


def _side_by_side(models, func):
    """One network computing every model of ``models`` on its own block of features, and a
    function writing its parameters back into the models.

    ``Linear`` and ``Maxout`` layers must be the same in every model; the activations between
    them may differ (ReLU in some models, ELU in others): each run of consecutive models with
    the same activation gets one fused module, applied to its models' blocks of features."""
    if not isinstance(models, (list, tuple)) or not models:
        raise TypeError(
            f"{func}: models must be a non-empty list of nn.Sequential, got {describe(models)}"
        )
    for model in models:
        if not isinstance(model, nn.Sequential):
            raise TypeError(f"{func}: every model must be an nn.Sequential, got {describe(model)}")
    if len({len(model) for model in models}) != 1:
        raise ValueError(
            f"{func}: the models must have the same layers, got lengths "
            f"{[len(model) for model in models]}"
        )
    layers, write_backs = [], []
    width = None  # the number of features of one model at this point, once known
    for position, modules in enumerate(zip(*models, strict=True)):
        first = modules[0]
        if width is None or any(isinstance(module, (nn.Linear, Maxout)) for module in modules):
            _check_same(modules, position, func)
        if isinstance(first, nn.Linear):
            fused = _SideBySideLinear(modules, shared_input=width is None)
            layers.append(fused)
            write_backs.append(functools.partial(fused.write_back, modules))
            width = first.out_features
        elif isinstance(first, GatedFeedForward):
            fused = copy.deepcopy(first)  # its forward, with side-by-side projections
            for name in ("w", "v", "w2"):
                parts = [getattr(module, name) for module in modules]
                side = _SideBySideLinear(parts, shared_input=width is None and name != "w2")
                setattr(fused, name, side)
                write_backs.append(functools.partial(side.write_back, parts))
            layers.append(fused)
            width = first.d_model
        elif isinstance(first, Maxout):
            if first.axis not in (-1, 1):
                raise ValueError(
                    f"{func}: layer {position}, {first!r}, must pool the features (axis -1 or 1)"
                )
            layers.append(Maxout(first.pieces))  # groups never straddle two models' blocks
            width = None if width is None else width // first.pieces
        else:
            groups = [list(g) for _, g in itertools.groupby(modules, key=_activation_key)]
            fused = [_fused_activation(group, width, position, func) for group in groups]
            write_backs += [write for _, write in fused if write is not None]
            if len(fused) == 1:
                layers.append(fused[0][0])
            else:
                sizes = [len(group) * width for group in groups]
                layers.append(_Blockwise([module for module, _ in fused], sizes))
    if width is None:
        raise ValueError(f"{func}: the models have no nn.Linear layer")

    def write_back():
        for function in write_backs:
            function()

    return nn.Sequential(*layers), write_back


def _check_same(modules, position, func):
    first = modules[0]
    other = next(
        (module for module in modules if _activation_key(module) != _activation_key(first)), None
    )
    if other is not None:
        raise ValueError(
            f"{func}: layer {position} differs between the models ({first!r} and {other!r})"
        )


def _activation_key(module):
    """Modules with equal keys compute the same function of their input and parameters."""
    return type(module), repr(module)


def _fused_activation(modules, width, position, func):
    """One module applying the activation of ``modules`` (all alike) to their blocks of
    ``width`` features side by side, and a function writing its parameters back (or None)."""
    first = modules[0]
    if isinstance(first, nn.PReLU):
        if first.num_parameters != width:
            raise ValueError(
                f"{func}: layer {position}, {first!r}, must have one slope per unit "
                f"(nn.PReLU({width})): a slope shared by a layer cannot be trained side "
                "by side"
            )
        fused = nn.PReLU(len(modules) * width)
        with torch.no_grad():
            fused.weight.copy_(torch.cat([module.weight.detach() for module in modules]))
        return fused, functools.partial(_write_prelu, fused, modules)
    if isinstance(first, _ELEMENTWISE) and not any(True for _ in first.parameters()):
        return copy.deepcopy(first), None
    raise ValueError(
        f"{func}: layer {position}, {first!r}, is not supported: side by side "
        "training takes Linear, PReLU (one slope per unit), Maxout, GatedFeedForward "
        "and elementwise activation modules"
    )


class _Blockwise(nn.Module):
    """``parts[i]`` applied to the next ``sizes[i]`` features: different activations for the
    blocks of different models."""

    def __init__(self, parts, sizes):
        super().__init__()
        self.parts = nn.ModuleList(parts)
        self.sizes = list(sizes)

    def forward(self, x):
        pieces = x.split(self.sizes, dim=-1)
        return torch.cat(
            [part(piece) for part, piece in zip(self.parts, pieces, strict=True)], dim=-1
        )


def _write_prelu(fused, modules):
    with torch.no_grad():
        for module, weight in zip(modules, fused.weight.chunk(len(modules)), strict=True):
            module.weight.copy_(weight)


def _per_model_loss(loss, m):
    """``loss(outputs, targets)`` for outputs of ``m`` models side by side: a tensor of ``m``
    losses, each the mean over its own model's outputs, as ``F.cross_entropy`` or
    ``F.mse_loss`` would give for that model alone."""

    def per_model(out, target):
        out = out.reshape(len(out), m, -1)  # (n, model, output)
        if loss == "cross_entropy":
            targets = target[:, None].expand(-1, m)
            return F.cross_entropy(out.transpose(1, 2), targets, reduction="none").mean(0)
        if out.shape[2:] != target.shape[1:]:
            raise ValueError(
                f'train_together: loss="mse" needs y of one model\'s output shape; each model '
                f"gives {tuple(out.shape[2:])} per sample, y has {tuple(target.shape[1:])}"
            )
        return ((out - target.reshape(len(target), 1, -1)) ** 2).mean(dim=(0, 2))

    return per_model


def _check_activation_l1(activation_l1, m, func):
    """``activation_l1`` as a float32 tensor of ``m`` weights >= 0, or ``None`` if all are 0."""
    values = activation_l1 if isinstance(activation_l1, (list, tuple)) else [activation_l1] * m
    if len(values) != m or not all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
        for v in values
    ):
        raise ValueError(
            f"{func}: activation_l1 must be a finite number >= 0 or a list of {m} of them "
            f"(one per model), got {describe(activation_l1)}"
        )
    return torch.tensor(values, dtype=torch.float32) if any(values) else None


def train_together(
    models,
    X,
    y,
    *,
    loss="cross_entropy",
    optimizer="sgd",
    lr,
    epochs,
    seed=0,
    test_data=None,
    activation_l1=0.0,
) -> list[History]:
    r"""Train several small networks of the same shape at once, as if by :func:`train` each.

    Comparing activations or initialisations fairly means training many small networks (one per
    seed and per variant), and for networks this small the time goes into the per-step overhead
    of PyTorch, not into arithmetic. This function lays the ``m`` models side by side as one
    network: the first ``Linear`` layers all read the input, every later one reads only its own
    model's features, and no weight connects two models. The objective is the sum of the
    models' losses,

    .. math::

        \mathcal L(\theta_1, \dots, \theta_m) = \sum_{i=1}^{m} \mathcal L_i(\theta_i),
        \qquad \frac{\partial \mathcal L}{\partial \theta_i}
        = \frac{\partial \mathcal L_i}{\partial \theta_i},

    so each model receives exactly its own gradient, and an optimizer that updates every
    parameter from its own gradient (SGD, Adam, ...: not one that clips or normalises over all
    parameters) takes the step it would take for that model alone. The result is that of
    ``train(model, X, y, ...)`` on each model, full-batch, up to floating-point rounding (the
    sums are taken in a different order), in less time than ``m`` calls to :func:`train`
    (``benchmarks/bench_train_together.py`` prints the ratio of the CPU times).

    The models must be ``nn.Sequential`` of the same shape: the same ``nn.Linear`` layers (sizes,
    bias), :class:`relulib.nn.Maxout` layers (pooling the features) and
    :class:`relulib.nn.GatedFeedForward` blocks at the same positions; the weights differ.
    Between them sit ``nn.PReLU`` with one slope per unit or parameter-free elementwise
    activations (``nn.ReLU``, ``nn.LeakyReLU``, ``nn.ELU``, ``nn.SELU``, ``nn.Tanh``,
    :class:`relulib.nn.SquaredReLU`, ...), and these may differ between the models: ReLU
    networks and ELU networks of one shape train together, which is how a comparison of
    activations becomes one run. The models are trained in place: their parameters are
    written back at the end, so :func:`relulib.diagnostics.dead_units` and friends work on
    them afterwards.

    ``activation_l1`` adds to model :math:`i`'s loss an :math:`L_1` penalty on the outputs
    :math:`h^{(\ell)}` of all its activation modules (every layer but the ``Linear`` ones),

    .. math::

        \lambda_i \, \frac1N \sum_{n=1}^{N} \sum_{\ell} \sum_{j} \bigl|h^{(\ell)}_j(x_n)\bigr| ,

    the penalty Glorot et al. (2011) use to ask for sparse activations. The recorded losses
    (training and test) include it, as they would with :func:`train` and a ``loss`` that adds it.

    Args:
        models (list of torch.nn.Sequential): the models, e.g. ``[mlp(sizes, seed=s) for s in
            range(5)]``.
        X (torch.Tensor): the inputs, shape ``(n, ...)``, the same for every model.
        y (torch.Tensor): the targets: class indices of shape ``(n,)`` for
            ``"cross_entropy"``, values of one model's output shape for ``"mse"``.
        loss (str): ``"cross_entropy"`` or ``"mse"``.
        optimizer: ``"sgd"``, ``"adam"``, or a function ``optimizer(parameters, lr)``; as in
            :func:`train`.
        lr (float): the learning rate, > 0.
        epochs (int): the number of full-batch steps, >= 0.
        seed (int): seeds torch's generator during training, for the same signature as
            :func:`train`; full-batch training of these layers draws no random number, so it
            changes nothing.
        test_data: ``(X_test, y_test)``, held-out data evaluated after every epoch, or ``None``.
        activation_l1 (float or list of float): the penalty weight :math:`\lambda \ge 0`, one
            for all models or one per model; 0 (the default) adds nothing.

    Returns:
        list[History]: one per model, in order, as :func:`train` would return it (loss,
        accuracy, test loss and accuracy after every epoch, epoch 0 the untrained model).

    Raises:
        TypeError, ValueError: for arguments of the wrong type or value, or models that cannot
            be laid side by side, named in the message.

    Example:
        >>> from relulib.data import xor
        >>> X, y = xor(200, noise=0.2, seed=0)
        >>> models = [mlp([2, 16, 2], seed=s) for s in range(3)]
        >>> histories = train_together(models, X, y, optimizer="adam", lr=0.05, epochs=30)
        >>> [h.accuracy[-1] for h in histories]
        [1.0, 1.0, 1.0]
        >>> alone = train(mlp([2, 16, 2], seed=0), X, y, optimizer="adam", lr=0.05, epochs=30)
        >>> abs(alone.loss[-1] - histories[0].loss[-1]) < 1e-5
        True
        >>> mixed = [mlp([2, 16, 2], act, seed=0) for act in (nn.ReLU, nn.ELU, nn.Tanh)]
        >>> len(train_together(mixed, X, y, optimizer="adam", lr=0.05, epochs=30))
        3
    """
    func = "train_together"
    if loss not in _LOSSES:
        raise ValueError(f'{func}: loss must be "cross_entropy" or "mse", got {describe(loss)}')
    fused, write_back = _side_by_side(models, func)
    _check_data(models[0], X, y, loss, func)
    make_optimizer = _name_or_function(optimizer, _OPTIMIZERS, "optimizer", func)
    _check_lr_and_epochs(lr, epochs, func)
    seed = _check_seed(seed, func)
    _check_test_data(models[0], test_data, loss, func)
    m = len(models)
    l1_weights = _check_activation_l1(activation_l1, m, func)

    per_model = _per_model_loss(loss, m)
    classify = loss == "cross_entropy"
    histories = [History(accuracy=[] if classify else None) for _ in models]
    if test_data is not None:
        for history in histories:
            history.test_loss = []
            history.test_accuracy = [] if classify else None
    opt = make_optimizer(list(fused.parameters()), lr=float(lr))

    def record(out, losses, targets, prefix=""):
        """Append each model's loss, and accuracy, on ``(out, targets)`` to its history's
        ``loss`` and ``accuracy`` lists (``test_loss``... with ``prefix="test_"``)."""
        for history, value in zip(histories, losses.tolist(), strict=True):
            getattr(history, prefix + "loss").append(value)
        if classify:  # hits are 0 or 1: each model's mean is exact, in one call for all
            hits = out.reshape(len(out), m, -1).argmax(dim=2) == targets[:, None]
            for history, value in zip(histories, hits.double().mean(0).tolist(), strict=True):
                getattr(history, prefix + "accuracy").append(value)

    def objective(inputs, targets):
        """The models' outputs on ``inputs`` and their ``m`` losses, penalty included."""
        if l1_weights is None:
            out = fused(inputs)
            return out, per_model(out, targets)
        norms, h = 0.0, inputs
        for layer in fused:
            h = layer(h)
            if not isinstance(layer, _SideBySideLinear):  # an activation: each model's L1 norm
                norms = norms + h.reshape(len(h), m, -1).abs().sum(dim=2).mean(dim=0)
        return h, per_model(h, targets) + l1_weights * norms

    # No module here behaves differently in training and in evaluation, so the forward pass
    # of each step also measures the models as the previous epoch left them: one forward pass
    # on the training set per epoch, not two.
    with torch.random.fork_rng(devices=[]), torch.enable_grad():
        torch.default_generator.manual_seed(seed)
        for epoch in range(epochs + 1):
            out, losses = objective(X, y)
            record(out.detach(), losses.detach(), y)
            if test_data is not None:
                with torch.no_grad():
                    out_test, losses_test = objective(*test_data)
                    record(out_test, losses_test, test_data[1], prefix="test_")
            for history in histories:
                history.epochs.append(epoch)
            if epoch < epochs:
                opt.zero_grad(set_to_none=True)
                losses.sum().backward()
                opt.step()
    write_back()
    return histories
