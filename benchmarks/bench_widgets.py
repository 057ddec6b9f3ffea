"""Interactive figures: live update latency, and what the kernel-free HTML face costs.

Run: .venv/bin/python benchmarks/bench_widgets.py

Prints (1) the latency of one live update (compute + Agg render + PNG), p50 and p95, for the
Definition chapter's hinge figure, against the budget of 100 ms; and (2) the time to display
the figure in a live notebook (snapshot HTML face) and in the book's build (all frames), as
ratios against a plain matplotlib render of one frame measured in the same run.
"""

import os
import statistics
import time

import numpy as np

from relulib.plotting import draw_hinge
from relulib.widgets import FRAMES_ENV, interactive_figure

GRID = {"w": [-2.0, -1.0, 0.0, 1.0, 2.0], "b": [-2.0, -1.0, 0.0, 1.0, 2.0]}
BUDGET_MS = 100.0


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return np.array(times)


def update_latency(repeats=200):
    fig = interactive_figure(draw_hinge, GRID)
    _ = fig.widget  # the live face exists, so updates also push the PNG into its Image
    rng = np.random.default_rng(0)
    points = [{name: rng.choice(values) for name, values in GRID.items()} for _ in range(repeats)]
    points = iter(points)
    return timed(lambda: fig.update(**next(points)), repeats)


def display_cost(frames_env, repeats):
    if frames_env is None:
        os.environ.pop(FRAMES_ENV, None)
    else:
        os.environ[FRAMES_ENV] = frames_env
    return timed(lambda: interactive_figure(draw_hinge, GRID)._repr_mimebundle_(), repeats)


def plain_render(repeats):
    fig = interactive_figure(draw_hinge, GRID)
    return timed(lambda: fig.render(w=1.0, b=1.0), repeats)


def main():
    latency = update_latency()
    p50, p95 = np.percentile(latency, [50, 95])
    print(
        f"live update latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms (budget {BUDGET_MS:.0f} ms p95)"
    )

    baseline = statistics.median(plain_render(30))
    snapshot = statistics.median(display_cost(None, 15))
    book = statistics.median(display_cost("all", 5))
    print(f"baseline: one plain render {baseline:.1f} ms")
    print(f"{'display in':28s} {'median ms':>10s} {'x render':>9s}")
    print(f"{'live notebook (snapshot)':28s} {snapshot:10.1f} {snapshot / baseline:9.2f}")
    print(f"{'book build (all frames)':28s} {book:10.1f} {book / baseline:9.2f}")
    print(f"verdict: p95 {'within' if p95 <= BUDGET_MS else 'OVER'} budget")


if __name__ == "__main__":
    main()
