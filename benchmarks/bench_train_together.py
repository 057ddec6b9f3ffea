"""train_together against one train call per model: the same histories, in how much CPU time.

Run: .venv/bin/python benchmarks/bench_train_together.py [--models 5] [--epochs 300] [--repeat 3]

Trains ``--models`` networks 2 -> 64 -> 64 -> 2 (ReLU, He initialisation, one seed each) on
the two spirals with Adam, once with ``relulib.train.train`` per model and once with
``relulib.train.train_together``, both with held-out data, on one thread. Prints the CPU
time of each (the fastest of ``--repeat`` runs, after a warm-up), the ratio together / one by
one, and the largest difference between the two ways' final losses (they should agree to
rounding). CPU time rather than wall-clock time, as the machine may be shared.
"""

import argparse
import platform
import time

import torch

from relulib.data import two_spirals
from relulib.train import mlp, train, train_together

SIZES = [2, 64, 64, 2]


def cpu_seconds(func, repeat):
    """(result of the last call, fastest CPU time of ``repeat`` calls after a warm-up)."""
    result, best = func(), float("inf")
    for _ in range(repeat):
        start = time.process_time()
        result = func()
        best = min(best, time.process_time() - start)
    return result, best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    X, y = two_spirals(800, noise=0.05, seed=0)
    data, test = (X[:400], y[:400]), (X[400:], y[400:])
    options = {"optimizer": "adam", "lr": 0.01, "epochs": args.epochs, "test_data": test}

    def one_by_one():
        return [train(mlp(SIZES, seed=s), *data, **options) for s in range(args.models)]

    def together():
        models = [mlp(SIZES, seed=s) for s in range(args.models)]
        return train_together(models, *data, **options)

    alone, t_alone = cpu_seconds(one_by_one, args.repeat)
    joint, t_joint = cpu_seconds(together, args.repeat)
    gap = max(abs(a.loss[-1] - j.loss[-1]) for a, j in zip(alone, joint, strict=True))
    print(f"torch {torch.__version__}, {platform.processor() or platform.machine()}, 1 thread")
    print(f"{args.models} models x {args.epochs} epochs, Adam, spirals 400 + 400 held out")
    print(f"one train call per model: {t_alone:8.3f} s CPU")
    print(f"train_together:           {t_joint:8.3f} s CPU")
    print(f"ratio together / one by one: {t_joint / t_alone:.2f}")
    print(f"largest difference of the final losses: {gap:.1e}")


if __name__ == "__main__":
    main()
