"""Activations: relulib's throughput in its two worlds, NumPy arrays and torch tensors.

Run: .venv/bin/python benchmarks/bench_activations.py [--size 10000000] [--repeat 15]
     [--part numpy|tensor|all]

NumPy world: for each activation, on 10^7 float32 numbers, times relulib, the textbook NumPy
expression and torch.nn.functional on the same buffer (``torch.from_numpy``, no copy). NumPy's
elementwise ufuncs run on one thread, so the baseline torch runs with
``torch.set_num_threads(1)``; torch on its default thread count is shown too but is not a
baseline. The ratio is relulib's time over the fastest baseline of the same run.

Tensor world: on a float32 tensor of 10^7 numbers that requires grad, times the forward pass
(which records the graph) and the backward pass of relulib's function and of
torch.nn.functional's, at torch's default thread count; the hand-written
``torch.autograd.Function`` of ``relulib.nn`` is shown beside them where there is one. The
ratio is relulib's time over torch's.

Candidates are timed in turn, ``--repeat`` rounds after a warm-up; the tables give min and
median times and the ratios of both, against the target.
"""

import argparse
import platform
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

import relulib

SLOPE, ALPHA, WEIGHT = 0.01, 1.0, 0.25
TARGETS = {"relu": 1.3, "leaky_relu": 1.3, "prelu": 1.3, "prelu/channel": 1.3}
TARGETS |= {"elu": 1.5, "selu": 1.5}
TENSOR_TARGETS = {"relu": 1.5, "leaky_relu": 1.5, "elu": 1.5}


def cases(x, t):
    """name -> (relulib, NumPy expression, torch), each a zero-argument callable."""
    channels = x.reshape(100, 100, -1)  # (N, C, L): prelu with one weight per channel
    tc = torch.from_numpy(channels)
    w = np.linspace(0.1, 0.4, 100, dtype=np.float32)
    wt = torch.from_numpy(w)
    w1 = torch.tensor([WEIGHT])
    a, s = relulib.SELU_ALPHA, relulib.SELU_SCALE
    return {
        "relu": (
            lambda: relulib.relu(x),
            lambda: np.maximum(x, 0),
            lambda: F.relu(t),
        ),
        "leaky_relu": (
            lambda: relulib.leaky_relu(x, SLOPE),
            lambda: np.where(x > 0, x, SLOPE * x),
            lambda: F.leaky_relu(t, SLOPE),
        ),
        "prelu": (
            lambda: relulib.prelu(x, WEIGHT),
            lambda: np.where(x > 0, x, WEIGHT * x),
            lambda: F.prelu(t, w1),
        ),
        "prelu/channel": (
            lambda: relulib.prelu(channels, w),
            lambda: np.where(channels > 0, channels, w[:, None] * channels),
            lambda: F.prelu(tc, wt),
        ),
        "elu": (
            lambda: relulib.elu(x, ALPHA),
            lambda: np.where(x > 0, x, ALPHA * np.expm1(x)),
            lambda: F.elu(t, ALPHA),
        ),
        "selu": (
            lambda: relulib.selu(x),
            lambda: s * np.where(x > 0, x, a * np.expm1(x)),
            lambda: F.selu(t),
        ),
        "maxout(2)": (
            lambda: relulib.maxout(x, 2),
            lambda: x.reshape(-1, 2).max(axis=-1),
            lambda: t.unflatten(-1, (-1, 2)).amax(dim=-1),
        ),
    }


def timed_round_robin(candidates, repeat, default_threads):
    """Times (ms) per candidate: every round runs each candidate once, in turn."""
    names = ["relulib", "numpy", "torch-1", f"torch-{default_threads}"]
    fns = [*candidates, candidates[2]]
    times = {name: [] for name in names}
    for round_ in range(repeat + 1):  # round 0 warms up
        for name, fn in zip(names, fns, strict=True):
            torch.set_num_threads(default_threads if name == names[-1] else 1)
            start = time.perf_counter()
            fn()
            elapsed = (time.perf_counter() - start) * 1e3
            if round_:
                times[name].append(elapsed)
    torch.set_num_threads(1)
    return times


def check_agreement(candidates):
    ours, expression, theirs = (np.asarray(fn()) for fn in candidates)
    np.testing.assert_allclose(ours, expression, rtol=2e-6)
    np.testing.assert_allclose(ours, np.asarray(theirs), rtol=2e-6)


def tensor_cases():
    """name -> (relulib, torch.nn.functional, relulib.nn Function or None), on a tensor."""
    from relulib import nn as rnn

    w1 = torch.tensor([WEIGHT])
    return {
        "relu": (relulib.relu, F.relu, rnn.ReLUFunction.apply),
        "leaky_relu": (
            lambda t: relulib.leaky_relu(t, SLOPE),
            lambda t: F.leaky_relu(t, SLOPE),
            lambda t: rnn.LeakyReLUFunction.apply(t, SLOPE),
        ),
        "elu": (
            lambda t: relulib.elu(t, ALPHA),
            lambda t: F.elu(t, ALPHA),
            lambda t: rnn.ELUFunction.apply(t, ALPHA),
        ),
        "prelu": (
            lambda t: relulib.prelu(t, w1),
            lambda t: F.prelu(t, w1),
            lambda t: rnn.PReLUFunction.apply(t, w1),
        ),
        "selu": (relulib.selu, F.selu, rnn.SELUFunction.apply),
        "gelu": (relulib.gelu, F.gelu, None),
        "silu": (relulib.silu, F.silu, None),
        "maxout(2)": (
            lambda t: relulib.maxout(t, 2),
            lambda t: t.unflatten(-1, (-1, 2)).max(dim=-1).values,
            None,
        ),
    }


def timed_passes(candidates, x, repeat):
    """Forward and backward times (ms) per candidate, in turn, one round after another."""
    with torch.no_grad():
        gradients = {name: torch.ones_like(fn(x)) for name, fn in candidates.items()}
    times = {name: {"forward": [], "backward": []} for name in candidates}
    for round_ in range(repeat + 1):  # round 0 warms up
        for name, fn in candidates.items():
            x.grad = None  # a fresh gradient each time: accumulating would add a pass
            start = time.perf_counter()
            y = fn(x)
            middle = time.perf_counter()
            y.backward(gradients[name])
            end = time.perf_counter()
            if round_:
                times[name]["forward"].append((middle - start) * 1e3)
                times[name]["backward"].append((end - middle) * 1e3)
            del y
    x.grad = None
    return times


def tensor_world(size, repeat):
    threads = torch.get_num_threads()
    x = torch.from_numpy(np.random.default_rng(0).standard_normal(size).astype(np.float32))
    x.requires_grad_()
    print(
        f"\nTensor world: {size:.0e} float32 that require grad, torch {torch.__version__} on "
        f"{threads} threads; times in ms, min / median; ratio = relulib / torch.nn.functional"
    )
    header = (
        f"{'activation':<12}{'pass':<10}{'relulib':>15}{'torch F':>15}{'relulib.nn Fn':>15}"
        f"{'ratio min':>11}{'ratio med':>11}{'target':>10}"
    )
    print(header)
    print("-" * len(header))
    failures = []
    for name, (ours, theirs, scratch) in tensor_cases().items():
        with torch.no_grad():
            assert torch.equal(ours(x), theirs(x)), f"{name}: relulib is not torch's to the bit"
        candidates = {"relulib": ours, "torch": theirs}
        if scratch is not None:
            candidates["scratch"] = scratch
        times = timed_passes(candidates, x, repeat)
        for pass_ in ("forward", "backward"):
            mins = {k: min(v[pass_]) for k, v in times.items()}
            meds = {k: statistics.median(v[pass_]) for k, v in times.items()}
            ratio_min = mins["relulib"] / mins["torch"]
            ratio_med = meds["relulib"] / meds["torch"]
            target = TENSOR_TARGETS.get(name)
            verdict = ""
            if target is not None:
                verdict = f"{target:.1f}x " + ("ok" if ratio_min <= target else "MISS")
                if ratio_min > target:
                    failures.append(f"{name} {pass_}")
            cells = "".join(
                f"{mins[k]:7.1f} /{meds[k]:6.1f}" if k in mins else f"{'-':>15}"
                for k in ("relulib", "torch", "scratch")
            )
            label = name if pass_ == "forward" else ""
            print(f"{label:<12}{pass_:<10}{cells}{ratio_min:>11.2f}{ratio_med:>11.2f}{verdict:>10}")
    print("all targets met" if not failures else f"targets missed: {', '.join(failures)}")


def numpy_world(size, repeat):
    default_threads = torch.get_num_threads()
    x = np.random.default_rng(0).standard_normal(size).astype(np.float32)
    t = torch.from_numpy(x)
    cpu = platform.processor() or platform.machine()
    print(
        f"NumPy world: {size:.0e} float32, {repeat} rounds on {cpu}; numpy {np.__version__} "
        f"(ufuncs: 1 thread), torch {torch.__version__} (1 and {default_threads} threads)"
    )
    header = (
        f"{'activation':<14}{'relulib':>15}{'numpy expr':>15}{'torch 1 thr':>15}"
        f"{f'torch {default_threads} thr':>15}{'ratio min':>11}{'ratio med':>11}{'target':>10}"
    )
    print("times in ms, min / median; ratio = relulib / fastest baseline (numpy expr, torch 1 thr)")
    print(header)
    print("-" * len(header))
    failures = []
    for name, candidates in cases(x, t).items():
        torch.set_num_threads(1)
        check_agreement(candidates)
        times = timed_round_robin(candidates, repeat, default_threads)
        mins = {k: min(v) for k, v in times.items()}
        meds = {k: statistics.median(v) for k, v in times.items()}
        base_min = min(mins["numpy"], mins["torch-1"])
        base_med = min(meds["numpy"], meds["torch-1"])
        ratio_min, ratio_med = mins["relulib"] / base_min, meds["relulib"] / base_med
        target = TARGETS.get(name)
        verdict = (
            "" if target is None else f"{target:.1f}x " + ("ok" if ratio_min <= target else "MISS")
        )
        if target is not None and ratio_min > target:
            failures.append(name)
        cells = "".join(f"{mins[k]:7.1f} /{meds[k]:6.1f}" for k in times)
        print(f"{name:<14}{cells}{ratio_min:>11.2f}{ratio_med:>11.2f}{verdict:>10}")
    torch.set_num_threads(default_threads)
    print("all targets met" if not failures else f"targets missed: {', '.join(failures)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10**7)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--part", choices=["numpy", "tensor", "all"], default="all")
    args = parser.parse_args()
    if args.part in ("numpy", "all"):
        numpy_world(args.size, args.repeat)
    if args.part in ("tensor", "all"):
        tensor_world(args.size, args.repeat)


if __name__ == "__main__":
    main()
