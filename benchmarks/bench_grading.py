"""Grading throughput: honest submissions graded end to end, against the old pipeline.

Run: .venv/bin/python benchmarks/bench_grading.py [--submissions 300] [--jobs N]
     [--assignment 01-definition] [--baseline 8]

Makes ``--submissions`` honest notebooks for an assignment (the master's set-up and
solution cells, a ``grader.check`` cell after each question, as a student's notebook looks;
each copy differs by one comment), grades them all with ``assignments/grade.py`` (sandboxed,
``--jobs`` at a time) and reports the wall time, the CPU time of the grader and everything it
started, and both per submission. Every submission must get full marks, or the run is void.

The baseline is measured in the same run: the old pipeline graded each submission with
``otter run -a <autograder zip>`` in a subprocess, one after the other (it had no parallel
option); this script times that command on the first ``--baseline`` submissions (it needs
otter-grader, ``make assignments`` installs it) and projects it to the whole class. Without
otter it falls back to the 8-11 s per submission measured when the pipeline was attacked.

Goal (issue 17): 300 submissions in at most 15 minutes on this 2-core machine. The machine
may be shared: the load average is printed, and wall times are noisy; CPU times less so.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ROOT / "assignments"
sys.path.insert(0, str(ASSIGNMENTS))

from grading.masters import read_master  # noqa: E402
from grading.sandbox import Limits, Sandbox  # noqa: E402

GOAL_SECONDS = 15 * 60
REPORTED_OLD = (8.0, 11.0)  # seconds per submission, issue 17


def otter_name(master_path: Path) -> str:
    """The ``name`` of the master's ASSIGNMENT CONFIG, which otter run checks."""
    config = "".join(json.loads(master_path.read_text())["cells"][0]["source"])
    return yaml.safe_load(config.split("\n", 1)[1])["name"]


def honest_notebook(master, otter_assignment: str, number: int) -> str:
    """A filled-in student notebook: set-up, each solution and its ``grader.check`` cell."""
    cells = [f'# submission {number}\nimport otter\ngrader = otter.Notebook("{master.name}.ipynb")']
    cells += list(master.setup)
    for question in master.questions:
        cells += [question.solution, f'grader.check("{question.name}")']
    code = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return json.dumps(
        {
            "cells": [code | {"id": f"c{i}", "source": s} for i, s in enumerate(cells)],
            "metadata": {"kernelspec": kernel, "otter": {"assignment_name": otter_assignment}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


class Measured:
    """Runs commands and adds up their wall and CPU time, sandboxes included.

    ``getrusage`` misses the CPU time spent inside a pid namespace (bubblewrap's init does
    not pass it on), so where it can, this puts each command in a cgroup (v2) of its own and
    reads the cgroup's ``cpu.stat``; elsewhere it falls back to ``getrusage``.
    """

    def __init__(self):
        self.group = self._cgroup()
        self.wall = self.cpu = 0.0

    @staticmethod
    def _cgroup() -> Path | None:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
        roots = [Path(m[1]) for m in mounts if m[2] == "cgroup2"]
        mine = [line[3:] for line in Path("/proc/self/cgroup").read_text().splitlines()]
        mine = [path for path in mine if path.startswith("/")][:1]  # the "0::/path" line
        if not roots or not mine:
            return None
        group = roots[0] / mine[0].lstrip("/") / f"bench-grading-{os.getpid()}"
        try:
            group.mkdir()
        except OSError:
            return None
        return group

    def _usage(self) -> float:
        if self.group is None:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime
        stat = dict(line.split() for line in (self.group / "cpu.stat").read_text().splitlines())
        return int(stat["usage_usec"]) / 1e6

    def run(self, command: list, **options) -> subprocess.CompletedProcess:
        if self.group is not None:  # the command joins the group before it starts
            join = f'echo $$ > "{self.group / "cgroup.procs"}" && exec "$@"'
            command = ["/bin/sh", "-c", join, "sh", *map(str, command)]
        cpu, start = self._usage(), time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, **options)
        self.wall += time.perf_counter() - start
        self.cpu += self._usage() - cpu
        return done

    def close(self) -> None:
        if self.group is not None:
            self.group.rmdir()


def run_new(subs: Path, out: Path, assignment: str, jobs: int) -> tuple[float, float, list]:
    command = [sys.executable, str(ASSIGNMENTS / "grade.py"), str(subs), "--out", str(out)]
    command += ["--assignment", assignment, "--jobs", str(jobs)]
    meter = Measured()
    try:
        done = meter.run(command)
    finally:
        meter.close()
    wall, cpu = meter.wall, meter.cpu
    if done.returncode != 0:
        raise SystemExit(f"grade.py failed:\n{done.stdout}\n{done.stderr}")
    with (out / "gradebook.csv").open(newline="") as handle:
        totals = [row for row in csv.DictReader(handle) if row["question"] == "TOTAL"]
    return wall, cpu, totals


def run_old(subs: list[Path], master: Path, work: Path) -> tuple[float, float] | None:
    """Mean wall and CPU seconds of ``otter run`` per submission, as the old grade.py ran it."""
    otter = Path(sys.executable).with_name("otter")
    if not otter.exists():
        return None
    built = work / "assigned"
    subprocess.run([otter, "assign", "--no-run-tests", master, built], capture_output=True)
    (zip_path,) = (built / "autograder").glob("*-autograder_*.zip")
    meter = Measured()
    for path in subs:
        results = work / f"old-{path.stem}"
        results.mkdir()
        shutil.copy(path, results / f"{master.stem}.ipynb")  # the old driver's plain copy
        command = [otter, "run", "--no-logo", "-a", zip_path, "-o", results]
        command.append(results / f"{master.stem}.ipynb")
        meter.run(command, cwd=results, timeout=600)
        score = json.loads((results / "results.json").read_text())
        if any(t.get("score") != t.get("max_score") for t in score["tests"] if "score" in t):
            raise SystemExit(f"the old pipeline did not give {path.name} full marks")
    meter.close()
    return meter.wall / len(subs), meter.cpu / len(subs)


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--assignment", default="01-definition")
    parser.add_argument("--baseline", type=int, default=8, help="submissions for otter run")
    args = parser.parse_args()
    if importlib.util.find_spec("tqdm") is None:
        print("bench_grading: SKIPPED, the instructor requirements are missing (make assignments)")
        return
    problem = Sandbox(Limits()).probe()
    if problem:
        print(f"bench_grading: SKIPPED, the sandbox does not work here: {problem}")
        return
    master_path = ASSIGNMENTS / f"{args.assignment}.ipynb"
    master = read_master(master_path)
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Grading {args.submissions} honest submissions of {args.assignment} with "
        f"{args.jobs} jobs on {os.cpu_count()} cores ({platform.python_version()}); load "
        f"average {load} (a shared machine: wall times are noisy, CPU times less so)."
    )
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as work:
        work = Path(work)
        subs = work / "submissions"
        subs.mkdir()
        for number in range(args.submissions):
            text = honest_notebook(master, otter_name(master_path), number)
            (subs / f"student{number:04d}.ipynb").write_text(text)
        wall, cpu, totals = run_new(subs, work / "graded", args.assignment, args.jobs)
        full = sum(float(r["points"]) == float(r["max_points"]) for r in totals)
        if full != args.submissions:
            raise SystemExit(f"only {full} of {args.submissions} got full marks: run void")
        sample = sorted(subs.iterdir())[: args.baseline]
        old = run_old(sample, master_path, work) if args.baseline else None
    per = wall / args.submissions
    print(
        f"  sandboxed grade.py: {minutes(wall)} wall for {args.submissions} "
        f"({per:.2f} s per submission), CPU {cpu / args.submissions:.2f} s per submission; "
        f"all {full} full marks"
    )
    if old:
        old_wall, old_cpu = old
        source = f"otter run, measured now on {len(sample)} submissions"
    else:
        old_wall, old_cpu = sum(REPORTED_OLD) / 2, float("nan")
        source = "otter run, 8-11 s as reported in issue 17 (otter-grader not installed)"
    print(
        f"  old pipeline ({source}): {old_wall:.2f} s per submission wall, CPU "
        f"{old_cpu:.2f} s; {args.submissions} would take {minutes(old_wall * args.submissions)}"
    )
    verdict = "met" if wall <= GOAL_SECONDS * args.submissions / 300 else "NOT met"
    print(
        f"  per submission, old / new: {old_wall / per:.1f}x wall"
        + (f", {old_cpu / (cpu / args.submissions):.1f}x CPU" if old else "")
        + f"; goal 300 in <= 15 min (scaled to {args.submissions}): {verdict}"
    )


if __name__ == "__main__":
    main()
