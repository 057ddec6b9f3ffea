"""relulib: the ReLU activation and its variants, exact to PyTorch, for the ReLU book.

``import relulib`` needs only numpy; the torch-facing modules (``relulib.nn``) and the
drawing modules (``relulib.plotting``, ``relulib.widgets``) are imported on their own.
"""

from relulib.activations import (
    ACTIVATIONS,
    SELU_ALPHA,
    SELU_SCALE,
    elu,
    gelu,
    hardswish,
    leaky_relu,
    maxout,
    mish,
    prelu,
    relu,
    relu6,
    selu,
    silu,
    softplus,
    squared_relu,
)

__version__ = "0.1.0"

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
