r"""A small MLP builder and a deterministic training loop for the chapters' experiments.

:func:`mlp` builds a seeded ``nn.Sequential`` of ``Linear`` layers and activations with the
initialisation of :func:`relulib.diagnostics.init_std` (He, Xavier, LeCun or a fixed std).
:func:`train` fits it by full-batch or minibatch gradient descent and returns a
:class:`History` of the loss, the accuracy and whatever a callback measures after each epoch
(the fraction of dead units, say). Both run on the CPU and are reproducible: the same seed
gives the same model and the same history, bit for bit, and neither changes torch's global
random state (they draw from a forked copy of it, see ``torch.random.fork_rng``).

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

import itertools
import math
import numbers
import warnings
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from relulib._validation import describe
from relulib.diagnostics import _init_std_for, init_std

__all__ = ["History", "mlp", "prune_dead_units", "train"]


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
    initialisation (uniform, of std :math:`1/\sqrt{3\, n_\text{in}}`).

    Args:
        sizes (list of int): the widths of the input, the hidden layers and the output;
            at least two.
        activation: a module class or any function of no arguments returning a
            module, called once per hidden layer, such as ``nn.ReLU`` or
            ``lambda: nn.LeakyReLU(0.1)``.
        init (str, float or None): ``"he"``, ``"xavier"``, ``"lecun"``, a weight std, or
            ``None``; see :func:`relulib.diagnostics.init_std`.
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
    try:
        sizes = list(sizes)
    except TypeError:
        raise TypeError(f"mlp: sizes must be a sequence of widths, got {describe(sizes)}") from None
    if len(sizes) < 2 or not all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 1 for s in sizes
    ):
        raise ValueError(
            f"{func}: sizes must hold at least two positive integers (input and output widths), "
            f"got {sizes}"
        )
    if not callable(activation):
        raise TypeError(
            f"{func}: activation must be a module class or a function returning a module, "
            f"got {describe(activation)}"
        )
    if init is not None:
        _init_std_for(func, init, 1)  # validate init once, before drawing anything
    seed = _check_seed(seed, func)
    layers = []
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(seed)
        for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
            linear = nn.Linear(int(fan_in), int(fan_out), bias=bool(bias))
            layers.append(linear)
            act = None
            if i < len(sizes) - 2:
                act = activation()
                if not isinstance(act, nn.Module):
                    raise TypeError(
                        f"{func}: activation() must return an nn.Module, got {describe(act)}"
                    )
                layers.append(act)
            if init is not None:
                slope = _negative_slope(act) if act is not None else 0.0
                std = init_std(init, fan_in, fan_out, negative_slope=slope)
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
    if (
        isinstance(lr, bool)
        or not isinstance(lr, numbers.Real)
        or not (math.isfinite(lr) and lr > 0)
    ):
        raise ValueError(f"{func}: lr must be a finite number > 0, got {describe(lr)}")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 0:
        raise ValueError(f"{func}: epochs must be an integer >= 0, got {describe(epochs)}")
    if batch_size is not None and (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, numbers.Integral)
        or batch_size < 1
    ):
        raise ValueError(
            f"{func}: batch_size must be None or a positive integer, got {describe(batch_size)}"
        )
    seed = _check_seed(seed, func)
    if test_data is not None:
        if not isinstance(test_data, (tuple, list)) or len(test_data) != 2:
            raise TypeError(
                f"{func}: test_data must be a pair (X_test, y_test) or None, "
                f"got {describe(test_data)}"
            )
        _check_data(model, *test_data, loss, f"{func} (test_data)")
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
