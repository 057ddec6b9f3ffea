"""Live update latency of every interactive figure in every chapter, against the 100 ms budget.

Run: .venv/bin/python benchmarks/bench_chapter_widgets.py [book/01-definition.ipynb ...]

Each chapter runs in a fresh kernel (as a learner's would); then every InteractiveFigure it
created is moved through random grid points, timing ``update`` (compute + Agg render + PNG):
the update a slider drag triggers in a live kernel. The plain render of one frame in the same
kernel is printed as the baseline, since absolute times depend on the machine's load.
"""

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

BUDGET_MS = 100.0
PROBE = r"""
import json, time
import numpy as np
from relulib.widgets import InteractiveFigure

def _latencies(fig, n=40, seed=0):
    rng = np.random.default_rng(seed)
    times = []
    for _ in range(n):
        point = {k: v[rng.integers(len(v))] for k, v in fig.grid.items()}
        start = time.perf_counter()
        fig.update(**point)
        times.append((time.perf_counter() - start) * 1e3)
    return np.percentile(times, [50, 95]).tolist()

_figures = {
    k: v for k, v in dict(globals()).items()
    if isinstance(v, InteractiveFigure) and not k.startswith("_")  # not Out[] copies
}
print(json.dumps({k: _latencies(v) for k, v in _figures.items()}))
"""


def widget_latencies(path: Path) -> dict[str, list[float]]:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    return json.loads(nb.cells[-1].outputs[-1]["text"])


def main(paths):
    print(
        f"{'chapter':28s} {'figure':18s} {'p50 ms':>8s} {'p95 ms':>8s}  budget {BUDGET_MS:.0f} ms"
    )
    over = []
    for path in paths:
        for name, (p50, p95) in widget_latencies(path).items():
            verdict = "ok" if p95 <= BUDGET_MS else "OVER"
            print(f"{path.stem:28s} {name:18s} {p50:8.1f} {p95:8.1f}  {verdict}")
            if p95 > BUDGET_MS:
                over.append(f"{path.stem}:{name}")
    print("all within budget" if not over else f"over budget: {', '.join(over)}")


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]] or sorted(Path("book").glob("0*.ipynb"))
    main(args)
