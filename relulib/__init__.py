"""relulib: the ReLU activation and its variants, exact to PyTorch, for the ReLU book.

``import relulib`` needs only numpy; the torch-facing modules (``relulib.nn``) and the
drawing modules (``relulib.plotting``, ``relulib.widgets``) are imported on their own.
"""

from relulib.activations import (
    ACTIVATIONS,
    SELU_ALPHA,
    SELU_SCALE,
    elu,
    leaky_relu,
    maxout,
    prelu,
    relu,
    selu,
)

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "SELU_ALPHA",
    "SELU_SCALE",
    "elu",
    "leaky_relu",
    "maxout",
    "prelu",
    "relu",
    "selu",
]
