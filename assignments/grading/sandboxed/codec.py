"""Values as plain JSON data: the only form in which anything crosses the sandbox's boundary.

The grader sends the inputs of the tests into the sandbox, and gets the student's answers
back, with this codec and never with pickle. Decoding builds numbers, strings, containers,
numpy arrays, torch tensors and a few torch layers, and nothing else, and checks every kind,
size, shape and dtype on the way: a malformed value raises ``ValueError``. Both sides use
this file; the sandbox gets a read-only copy.

Each value becomes a JSON object whose one key names its kind:

==================  =======================================================================
``None``, bool      ``null``, ``true``, ``false``
int                 ``{"int": "-12"}``, decimal, at most ``MAX_DIGITS`` digits
float               ``{"float": "0x1.8p+1"}``, ``float.hex``: exact, with nan, ±inf, -0.0
str                 ``{"str": "..."}``, at most ``MAX_STR`` characters
list, tuple         ``{"list": [...]}``, ``{"tuple": [...]}``
dict                ``{"dict": [[key, value], ...]}``, str or int keys
numpy array         ``{"array": {"dtype": "<f4", "shape": [2, 3], "data": "<base64>"}}``
numpy scalar        ``{"scalar": {"dtype": "<f8", "data": "<base64>"}}``
torch tensor        ``{"tensor": {...}}``, as an array
torch layer         ``{"layer": {"type": "Linear", ...}}``: ``Sequential``, ``Linear``,
                    ``ReLU``, ``LeakyReLU``, ``PReLU``, ``Identity`` (exactly these classes)
==================  =======================================================================

Example:
    >>> import numpy as np
    >>> data = encode((np.array([-0.0, np.nan], dtype=np.float32), 2.5))
    >>> decode(json.loads(json.dumps(data)))
    (array([-0., nan], dtype=float32), 2.5)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import sys

import numpy as np

MAX_DIGITS = 400  # digits of an int
MAX_STR = 10_000  # characters of a str
MAX_ITEMS = 100_000  # values of all kinds in one encoded value, array elements included
MAX_DEPTH = 32  # nesting of containers and layers
DTYPES = frozenset("|b1 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 <f2 <f4 <f8 <c8 <c16".split())
_INT = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")
_FLOAT = re.compile(r"-?(nan|inf|0x[0-9a-f]\.?[0-9a-f]*p[+-][0-9]{1,4})")
_LAYERS = ("Sequential", "Linear", "ReLU", "LeakyReLU", "PReLU", "Identity")


class Budget:
    """Counts the values of one encoding or decoding against ``MAX_ITEMS``."""

    def __init__(self, limit: int = MAX_ITEMS):
        self.left = limit

    def take(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise ValueError(f"more than {MAX_ITEMS} values")


def encode(value, budget: Budget | None = None, depth: int = 0):
    """``value`` as JSON-ready data; ``ValueError`` for what the codec does not carry."""
    budget = budget or Budget()
    budget.take(1)
    if depth > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        text = str(int(value))
        if not _INT.fullmatch(text):
            raise ValueError(f"an int with more than {MAX_DIGITS} digits")
        return {"int": text}
    if isinstance(value, float):
        return {"float": float(value).hex()}
    if isinstance(value, str):
        if len(value) > MAX_STR:
            raise ValueError(f"a str longer than {MAX_STR} characters")
        return {"str": str(value)}
    if isinstance(value, (list, tuple)):
        items = [encode(item, budget, depth + 1) for item in value]
        return {"tuple" if isinstance(value, tuple) else "list": items}
    if isinstance(value, dict):
        pairs = [[_key(k, budget, depth), encode(v, budget, depth + 1)] for k, v in value.items()]
        return {"dict": pairs}
    if isinstance(value, np.ndarray):
        return {"array": _encode_array(np.asarray(value), budget)}
    if isinstance(value, np.generic):
        array = _encode_array(np.asarray(value), budget)
        return {"scalar": {"dtype": array["dtype"], "data": array["data"]}}
    torch = sys.modules.get("torch")  # a torch value means the answer imported torch
    if torch is not None and isinstance(value, torch.Tensor):
        return {"tensor": _encode_tensor(value, budget)}
    if torch is not None and isinstance(value, torch.nn.Module):
        return {"layer": _encode_layer(value, torch, budget, depth)}
    raise ValueError(f"a {type(value).__name__}, which the grader cannot read")


def _key(key, budget, depth):
    if isinstance(key, bool) or not isinstance(key, (str, int)):
        raise ValueError("a dict whose keys are not all str or int")
    return encode(key, budget, depth + 1)


def _encode_array(array: np.ndarray, budget: Budget) -> dict:
    dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
    if dtype.str not in DTYPES:
        raise ValueError(f"an array of dtype {array.dtype}, not bool, int, float or complex")
    budget.take(array.size)
    data = np.ascontiguousarray(array, dtype=dtype).tobytes()
    return {"dtype": dtype.str, "shape": list(array.shape), "data": base64.b64encode(data).decode()}


def _encode_tensor(tensor, budget: Budget) -> dict:
    if tensor.layout != sys.modules["torch"].strided or tensor.is_quantized:
        raise ValueError("a sparse or quantized tensor")
    try:
        array = tensor.detach().cpu().resolve_conj().resolve_neg().numpy()
    except (TypeError, RuntimeError) as exc:
        raise ValueError(f"a tensor of dtype {tensor.dtype}") from exc
    return _encode_array(array, budget)


def _encode_layer(module, torch, budget: Budget, depth: int) -> dict:
    nn = torch.nn
    kind = type(module)
    if kind is nn.Sequential:
        return {"type": "Sequential", "layers": [_child(m, torch, budget, depth) for m in module]}
    if kind is nn.Linear:
        bias = None if module.bias is None else _encode_tensor(module.bias, budget)
        return {"type": "Linear", "weight": _encode_tensor(module.weight, budget), "bias": bias}
    if kind is nn.LeakyReLU:
        return {"type": "LeakyReLU", "negative_slope": encode(float(module.negative_slope))}
    if kind is nn.PReLU:
        return {"type": "PReLU", "weight": _encode_tensor(module.weight, budget)}
    if kind in (nn.ReLU, nn.Identity):
        return {"type": kind.__name__}
    raise ValueError(f"a {kind.__name__} layer; use nn.Sequential, Linear, ReLU, LeakyReLU, PReLU")


def _child(module, torch, budget, depth):
    budget.take(1)
    if depth > MAX_DEPTH:
        raise ValueError(f"layers nested deeper than {MAX_DEPTH} levels")
    return _encode_layer(module, torch, budget, depth + 1)


def decode(data, budget: Budget | None = None, depth: int = 0):
    """The value that :func:`encode` turned into ``data``; ``ValueError`` if malformed."""
    budget = budget or Budget()
    budget.take(1)
    if depth > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    if data is None or isinstance(data, bool):
        return data
    if not isinstance(data, dict) or len(data) != 1:
        raise ValueError("not an encoded value")
    ((kind, body),) = data.items()
    if kind == "int" and isinstance(body, str) and _INT.fullmatch(body):
        return int(body)
    if kind == "float" and isinstance(body, str) and _FLOAT.fullmatch(body):
        return float.fromhex(body)
    if kind == "str" and isinstance(body, str) and len(body) <= MAX_STR:
        return body
    if kind in ("list", "tuple") and isinstance(body, list):
        items = [decode(item, budget, depth + 1) for item in body]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict" and isinstance(body, list):
        return dict(_pair(pair, budget, depth) for pair in body)
    if kind == "array":
        return _decode_array(body, budget)
    if kind == "scalar" and isinstance(body, dict) and set(body) == {"dtype", "data"}:
        return _decode_array({**body, "shape": []}, budget)[()]
    if kind == "tensor":
        import torch

        return torch.from_numpy(_decode_array(body, budget))
    if kind == "layer":
        import torch

        return _decode_layer(body, torch, budget, depth)
    raise ValueError(f"not an encoded value (kind {kind!r:.40})")


def _pair(pair, budget, depth):
    if not isinstance(pair, list) or len(pair) != 2:
        raise ValueError("a malformed dict entry")
    key = decode(pair[0], budget, depth + 1)
    if isinstance(key, bool) or not isinstance(key, (str, int)):
        raise ValueError("a dict key that is not a str or an int")
    return key, decode(pair[1], budget, depth + 1)


def _decode_array(body, budget: Budget) -> np.ndarray:
    if not isinstance(body, dict) or set(body) != {"dtype", "shape", "data"}:
        raise ValueError("a malformed array")
    dtype, shape, data = body["dtype"], body["shape"], body["data"]
    if dtype not in DTYPES or not isinstance(shape, list) or len(shape) > 32:
        raise ValueError("an array of an unexpected dtype or shape")
    if not all(type(n) is int and 0 <= n <= MAX_ITEMS for n in shape):
        raise ValueError("an array of an unexpected shape")
    size = int(np.prod(shape, dtype=np.int64))
    budget.take(size)
    try:
        raw = base64.b64decode(data, validate=True) if isinstance(data, str) else None
    except binascii.Error:
        raw = None
    if raw is None or len(raw) != size * np.dtype(dtype).itemsize:
        raise ValueError("an array whose data does not match its shape and dtype")
    return np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape).copy()


def _decode_layer(body, torch, budget: Budget, depth: int):
    nn = torch.nn
    kind = body.get("type") if isinstance(body, dict) else None
    if kind not in _LAYERS or depth > MAX_DEPTH:
        raise ValueError("a malformed or unsupported layer")
    fields = set(body) - {"type"}
    expected = {
        "Sequential": {"layers"},
        "Linear": {"weight", "bias"},
        "LeakyReLU": {"negative_slope"},
        "PReLU": {"weight"},
    }.get(kind, set())
    if fields != expected:
        raise ValueError(f"a {kind} layer with fields {sorted(fields)}")
    if kind == "Sequential":
        if not isinstance(body["layers"], list):
            raise ValueError("a Sequential without a list of layers")
        layers = [_decode_layer(b, torch, budget, depth + 1) for b in body["layers"]]
        return nn.Sequential(*layers)
    if kind == "Linear":
        return _linear(body, torch, budget)
    if kind == "LeakyReLU":
        slope = decode(body["negative_slope"], budget, depth + 1)
        if not isinstance(slope, float):
            raise ValueError("a LeakyReLU whose negative_slope is not a float")
        return nn.LeakyReLU(slope)
    if kind == "PReLU":
        weight = _decode_array(body["weight"], budget)
        if weight.ndim != 1 or weight.size == 0 or weight.dtype.kind != "f":
            raise ValueError("a PReLU whose weight is not a 1-D float array")
        layer = nn.PReLU(weight.size, dtype=torch.from_numpy(weight).dtype)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(weight))
        return layer
    return getattr(nn, kind)()


def _linear(body, torch, budget):
    weight = _decode_array(body["weight"], budget)
    bias = None if body["bias"] is None else _decode_array(body["bias"], budget)
    out_features, in_features = weight.shape if weight.ndim == 2 else (0, 0)
    if weight.dtype.kind != "f" or min(out_features, in_features) < 1:
        raise ValueError("a Linear layer whose weight is not a 2-D float array")
    if bias is not None and (bias.shape != (out_features,) or bias.dtype != weight.dtype):
        raise ValueError("a Linear layer whose bias does not match its weight")
    dtype = torch.from_numpy(weight).dtype
    # skip_init: no random initialisation, so decoding leaves torch's random state alone
    layer = torch.nn.utils.skip_init(
        torch.nn.Linear, in_features, out_features, bias=bias is not None, dtype=dtype
    )
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(weight))
        if bias is not None:
            layer.bias.copy_(torch.from_numpy(bias))
    return layer


def fingerprint(data) -> str:
    """A stable digest of encoded data, to recognise the same input again.

    Example:
        >>> fingerprint(encode([0.0])) == fingerprint(encode([-0.0]))
        False
    """
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
