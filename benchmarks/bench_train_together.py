"""train_together against one train call per model: the CPU time of a comparison of activations.

Run: .venv/bin/python benchmarks/bench_train_together.py [--epochs 300] [--seeds 5] [--repeat 3]

The workload is the Variants chapter's: MLPs with two hidden layers of 16 units on 200 points
of two spirals, full-batch Adam, held-out accuracy after every epoch. Two cases:

- one activation (ELU), ``--seeds`` models;
- five activations (ReLU, Leaky ReLU, PReLU, ELU, SELU) times ``--seeds`` models, trained in
  one call, which :func:`relulib.train.train_together` allows since its models may differ in
  their activations.

The baseline is ``train(model, ...)`` on each model in turn, in the same run. Baseline and
candidate alternate within every round (round robin), so a burst of load on this shared
machine hits both; the table gives the min and median over ``--repeat`` rounds of the CPU time
(user + system of this process, ``time.process_time``) and of the wall time, and the ratio
candidate / baseline of each. Both compute the same losses up to rounding (asserted for the
first 50 epochs; over hundreds of Adam steps the rounding differences grow).
"""

import argparse
import platform
import statistics
import time

import torch
from torch import nn

from relulib.data import two_spirals
from relulib.train import mlp, train, train_together

ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "prelu": lambda: nn.PReLU(16, init=0.25),
    "elu": nn.ELU,
    "selu": nn.SELU,
}


def build(names, seeds):
    return [mlp([2, 16, 16, 2], ACTIVATIONS[n], seed=s) for n in names for s in range(seeds)]


def timed(function):
    cpu, wall = time.process_time(), time.perf_counter()
    result = function()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)  # the chapters' setting: tiny networks
    X_all, y_all = two_spirals(400, noise=0.05, seed=0)
    X, y, test = X_all[:200], y_all[:200], (X_all[200:], y_all[200:])
    kwargs = dict(optimizer="adam", lr=0.01, epochs=args.epochs, test_data=test)
    cases = {
        f"elu, {args.seeds} seeds": ["elu"],
        f"5 activations x {args.seeds} seeds": list(ACTIVATIONS),
    }
    print(f"{platform.processor() or platform.machine()}, torch {torch.__version__}, 1 thread")
    print(f"{args.epochs} epochs, {args.repeat} rounds; times in seconds (min / median)\n")
    train_together(build(["elu"], 2), X, y, **kwargs | {"epochs": 5})  # warm-up
    header = f"{'case':28s} {'models':>6s} {'train each: cpu':>16s} {'together: cpu':>14s}"
    print(header + f" {'ratio cpu':>10s} {'ratio wall':>11s}")
    for label, names in cases.items():
        times = {"each": ([], []), "together": ([], [])}
        for _ in range(args.repeat):
            models = build(names, args.seeds)
            alone, cpu, wall = timed(
                lambda models=models: [train(m, X, y, **kwargs) for m in models]
            )
            times["each"][0].append(cpu)
            times["each"][1].append(wall)
            models = build(names, args.seeds)
            fused, cpu, wall = timed(lambda models=models: train_together(models, X, y, **kwargs))
            times["together"][0].append(cpu)
            times["together"][1].append(wall)
            for a, f in zip(alone, fused, strict=True):  # rounding grows over many steps
                early = zip(a.loss[:50], f.loss[:50], strict=True)
                assert all(abs(p - q) <= 1e-5 * max(1.0, abs(p)) for p, q in early)
        each_cpu, each_wall = times["each"]
        tog_cpu, tog_wall = times["together"]
        ratio_cpu = (
            min(tog_cpu) / min(each_cpu),
            statistics.median(tog_cpu) / statistics.median(each_cpu),
        )
        ratio_wall = min(tog_wall) / min(each_wall)
        print(
            f"{label:28s} {len(names) * args.seeds:6d} "
            f"{min(each_cpu):7.2f} / {statistics.median(each_cpu):5.2f} "
            f"{min(tog_cpu):6.2f} / {statistics.median(tog_cpu):5.2f} "
            f"{ratio_cpu[0]:5.2f} / {ratio_cpu[1]:4.2f} {ratio_wall:11.2f}"
        )


if __name__ == "__main__":
    main()
