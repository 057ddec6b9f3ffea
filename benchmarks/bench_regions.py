"""Exact activation regions against the dense-grid estimate, on random 2-D-input ReLU nets.

Run: .venv/bin/python benchmarks/bench_regions.py [--seed 0] [--resolution 1000] [--repeat 5]

For a 2 -> 64 -> 64 -> 1 ReLU net with torch's default initialisation (``torch.manual_seed``)
on the box [-1, 1]^2, times ``count_activation_regions`` (exact, float64 polygon splitting)
and ``count_patterns_on_grid`` on a ``resolution x resolution`` grid, and prints both counts,
both times (min and median of ``--repeat`` runs after a warm-up; the grid runs once after
its warm-up unless ``--repeat-grid``), the time ratio grid / exact and the fraction of
regions the grid found. A second table does the same for a few other shapes. The grid can
only find fewer regions: those without a grid point are missed. Hanin & Rolnick (NeurIPS
2019): at initialisation the count grows like (#neurons)^2 for 2-D input, so
regions / neurons^2 is printed too.
"""

import argparse
import platform
import statistics
import time

import torch
from torch import nn

from relulib.regions import count_activation_regions, count_patterns_on_grid

BOX = (-1.0, 1.0, -1.0, 1.0)
TARGET_SECONDS = 1.0  # "well under a second" for the 2-64-64-1 net


def mlp(widths, seed):
    """A ReLU MLP 2 -> widths -> 1 with torch's default init under ``manual_seed(seed)``."""
    torch.manual_seed(seed)
    layers, fan_in = [], 2
    for width in widths:
        layers += [nn.Linear(fan_in, width), nn.ReLU()]
        fan_in = width
    return nn.Sequential(*layers, nn.Linear(fan_in, 1))


def timed(func, repeat):
    """(result, [seconds...]) of ``repeat`` calls after one warm-up call."""
    result = func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return result, times


def row(name, widths, seed, resolution, repeat, repeat_grid):
    net = mlp(widths, seed)
    exact, t_exact = timed(lambda: count_activation_regions(net, BOX), repeat)
    grid, t_grid = timed(lambda: count_patterns_on_grid(net, BOX, resolution), repeat_grid)
    neurons = sum(widths)
    ratio = min(t_grid) / min(t_exact)
    print(
        f"{name:<18} {exact:>7} {min(t_exact):>8.3f} {statistics.median(t_exact):>8.3f} "
        f"{grid:>7} {min(t_grid):>8.3f} {ratio:>7.1f}x {grid / exact:>7.1%} "
        f"{exact / neurons**2:>8.3f}"
    )
    return exact, min(t_exact)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resolution", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--repeat-grid", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(1)  # numpy does the work; keep torch from competing for the 2 cores
    print(f"{platform.processor() or platform.machine()}, torch {torch.__version__}")
    print(f"box [-1, 1]^2, grid {args.resolution} x {args.resolution}, seed {args.seed}\n")
    header = (
        f"{'net 2-...-1':<18} {'exact':>7} {'min s':>8} {'median s':>8} "
        f"{'grid':>7} {'grid s':>8} {'grid/ex':>8} {'found':>7} {'reg/n^2':>8}"
    )
    print(header)
    print("-" * len(header))
    cases = {"64-64": [64, 64], "32-32": [32, 32], "128": [128], "32-32-32-32": [32] * 4}
    results = {
        name: row(name, widths, args.seed, args.resolution, args.repeat, args.repeat_grid)
        for name, widths in cases.items()
    }
    exact, seconds = results["64-64"]
    verdict = "meets" if seconds < TARGET_SECONDS else "MISSES"
    print(
        f"\n2-64-64-1: {exact} regions exactly in {seconds:.3f} s ({verdict} < {TARGET_SECONDS} s)"
    )


if __name__ == "__main__":
    main()
