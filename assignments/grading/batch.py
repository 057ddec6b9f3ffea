"""Grade a folder of submissions: snapshots, sandboxed runs in parallel, trusted scores.

1. Every master's tests are run on its own solution (:func:`grading.replay.plan`): the
   inputs each answer function is called on, and proof that the solution passes.
2. The submissions folder is snapshotted (:func:`grading.submissions.collect`).
3. ``--jobs`` sandboxes run at a time (:class:`grading.sandbox.Sandbox`), each on one
   submission with the inputs of its assignment; a progress bar shows the ETA.
4. As each finishes, this process scores it (:func:`grading.scoring.score`) and appends its
   rows to ``OUT/gradebook.csv``, writes ``OUT/feedback/<name>.txt`` for the student and
   ``OUT/logs/<name>.log`` (what the notebook printed, capped) for the instructor.
5. The gradebook is rewritten in name order, and a summary printed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import queue
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from grading.masters import MasterError, read_masters
from grading.replay import PlanError, plan
from grading.sandbox import Limits, Sandbox, Unsandboxed, kill_all
from grading.scoring import Outcome, QuestionResult, clean, read_results, score
from grading.submissions import Submission, code_cells, collect, csv_safe, result_names

FIELDS = ["submission", "assignment", "question", "points", "max_points", "message"]
FIELDS += ["sha256", "status", "seconds"]
UNSAFE_FLAG = "--unsafe-no-sandbox"
MASTERS = Path(__file__).resolve().parents[1]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="grade.py", description="Grade submitted notebooks, each in its own sandbox."
    )
    parser.add_argument("submissions", type=Path, help="folder of submitted notebooks")
    parser.add_argument(
        "--assignment",
        help="grade every notebook as this assignment (else: one folder per assignment)",
    )
    parser.add_argument("--out", type=Path, help="results folder (default: SUBMISSIONS-graded)")
    parser.add_argument("--masters", type=Path, default=MASTERS, help="folder of masters")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per notebook")
    parser.add_argument("--memory", type=int, default=2048, help="MiB of address space")
    parser.add_argument("--file-size", type=int, default=64, help="MiB, largest file")
    parser.add_argument("--disk", type=int, default=128, help="MiB of files in all")
    parser.add_argument("--processes", type=int, default=64, help="processes and threads")
    parser.add_argument("--log-size", type=int, default=256, help="KiB of printed output kept")
    parser.add_argument(
        "--uid-base", type=int, default=2_000_000_000, help="as root, job k runs as uid + k"
    )
    parser.add_argument(
        UNSAFE_FLAG,
        action="store_true",
        dest="unsafe",
        help="DANGEROUS: run student code unisolated, with your own rights",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return args


def limits_from(args) -> Limits:
    mib = 1 << 20
    return Limits(
        wall_seconds=args.timeout,
        cpu_seconds=int(args.timeout) + 10,  # a backstop: the wall clock stops it first
        call_seconds=min(10.0, args.timeout / 4),
        memory_bytes=args.memory * mib,
        file_bytes=args.file_size * mib,
        tmp_bytes=args.disk * mib,
        processes=args.processes,
        log_bytes=args.log_size * 1024,
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    root = args.submissions.resolve()
    out = (args.out or root.parent / f"{root.name}-graded").resolve()
    problem = _check_folders(root, out)
    if problem:
        print(f"grade: {problem}", file=sys.stderr)
        return 2
    limits = limits_from(args)
    sandbox = (Unsandboxed if args.unsafe else Sandbox)(limits, args.uid_base)
    exposed = [p for p in (args.masters, root, out) if sandbox.exposes(p)]
    if args.unsafe:
        print(UNSAFE_WARNING, file=sys.stderr)
    elif exposed:
        where = "the Python installation, the virtual environment or relulib's folder"
        print(f"grade: {exposed[0]} lies in {where}: the sandbox would show it", file=sys.stderr)
        return 2
    elif problem := sandbox.probe():
        print(REFUSAL.format(problem=problem), file=sys.stderr)
        return 2
    try:
        masters = read_masters(args.masters)
        if args.assignment and args.assignment not in masters:
            raise MasterError(f"no master {args.assignment}.ipynb in {args.masters}")
        submissions = collect(root, sorted(masters), args.assignment)
        needed = sorted({s.assignment for s in submissions} - {""})
        plans = {name: plan(masters[name]) for name in needed}
    except (MasterError, PlanError) as exc:
        print(f"grade: {exc}", file=sys.stderr)
        return 2
    _prepare(out)
    started = time.monotonic()
    try:
        summary = _grade_all(submissions, plans, sandbox, args.jobs, out)
    except KeyboardInterrupt:
        print(f"grade: interrupted; {out / 'gradebook.csv'} holds what was graded", file=sys.stderr)
        return 130
    print(summary.text(time.monotonic() - started, args.jobs, out, args.unsafe))
    return 0


def _check_folders(root: Path, out: Path) -> str:
    if not root.is_dir():
        return f"{root} is not a folder"
    if out == root or out.is_relative_to(root) or root.is_relative_to(out):
        return f"the results folder {out} must lie outside the submissions folder {root}"
    ours = {"gradebook.csv", "gradebook.csv.tmp", "feedback", "logs"}
    if out.exists() and not {path.name for path in out.iterdir()} <= ours:
        return f"{out} holds other files than a previous grading's: choose another OUT"
    return ""


def _prepare(out: Path) -> None:
    """A results folder with empty ``feedback/`` and ``logs/``; only our own files go."""
    for sub, suffix in (("feedback", ".txt"), ("logs", ".log")):
        folder = out / sub
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"*{suffix}"):
            old.unlink()


def _grade_all(submissions, plans, sandbox, jobs: int, out: Path) -> Summary:
    """Grade every submission, ``jobs`` sandboxes at a time; score each as it finishes."""
    from tqdm import tqdm

    writer = Writer(out, plans, sandbox.limits, [s.name for s in submissions])
    slots, stopping = queue.Queue(), threading.Event()
    for slot in range(jobs):  # a slot is a uid of its own when the grader runs as root
        slots.put(slot)

    def run(submission):
        slot = slots.get()
        try:
            if stopping.is_set():
                raise KeyboardInterrupt
            payload = _payload(submission, plans[submission.assignment], sandbox.limits)
            return sandbox.run(payload, slot)
        finally:
            slots.put(slot)

    for submission in submissions:
        if submission.problem:
            writer.record(submission, None)
    gradable = [s for s in submissions if not s.problem]
    bar = tqdm(total=len(gradable), unit="nb", desc="grading", dynamic_ncols=True, disable=None)
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = {pool.submit(run, s): s for s in gradable}
        for future in as_completed(futures):
            writer.record(futures[future], future)
            bar.update()
    except KeyboardInterrupt:  # stop now: no new sandbox, the running ones killed
        stopping.set()
        pool.shutdown(wait=False, cancel_futures=True)
        kill_all()
        raise
    finally:
        pool.shutdown(wait=True)
        bar.close()
        writer.close()
    return writer.summary


def _payload(submission: Submission, plan, limits: Limits) -> bytes:
    """What the sandbox reads on stdin: the notebook, and the inputs to call answers on."""
    body = {
        "notebook": submission.data.decode("utf-8"),
        "cells": code_cells(submission.data),
        "call_seconds": limits.call_seconds,
        **plan.payload(),
    }
    return json.dumps(body).encode()


class Writer:
    """Scores finished submissions and writes their rows, feedback and logs."""

    def __init__(self, out: Path, plans: dict, limits: Limits, names: list[str]):
        self.out, self.plans, self.limits = out, plans, limits
        self.names = result_names(names)
        self.book, self.summary = Gradebook(out / "gradebook.csv"), Summary()

    def record(self, submission: Submission, future) -> None:
        """Score one finished (or rejected: no ``future``) submission and write it all."""
        plan = self.plans.get(submission.assignment)
        outcome, results, seconds, log = self._score(submission, plan, future)
        if results is None and plan is not None:
            results = [QuestionResult(q.name, 0.0, q.points, []) for q in plan.master.questions]
        self.book.add(_rows(submission, outcome, results, seconds))
        name = self.names[submission.name]
        text = feedback_text(submission, outcome, results or [])
        (self.out / "feedback" / f"{name}.txt").write_text(text, encoding="utf-8")
        if log:
            (self.out / "logs" / f"{name}.log").write_bytes(log)
        self.summary.add(submission, outcome, results)

    def _score(self, submission, plan, future):
        if submission.problem:
            return Outcome("rejected", f"Not graded: {submission.problem}."), None, "", b""
        try:
            run = future.result()
            outcome = read_results(run, plan, self.limits)
            results = score(plan, outcome, self.limits)
        except Exception as exc:  # a grader bug costs one submission its row, not the batch
            detail = f"The grader failed on it ({type(exc).__name__})."
            return Outcome("grading error", detail), None, "", b""
        log = run.log
        if run.log_dropped:
            log += f"\n[{run.log_dropped} more bytes of output were dropped]\n".encode()
        return outcome, results, f"{run.seconds:.2f}", log

    def close(self) -> None:
        self.book.close()


def _rows(submission, outcome: Outcome, results, seconds) -> list[dict]:
    """The gradebook rows of one submission: one per question, then its TOTAL."""
    common = {
        "submission": submission.name,
        "assignment": submission.assignment,
        "sha256": submission.sha256,
        "status": outcome.status,
        "seconds": seconds,
    }
    if not results:
        return [common | _row("(all)", 0.0, "", outcome.detail)]
    rows = [common | _row(r.name, r.points, r.max_points, _summary(r, outcome)) for r in results]
    total, maximum = sum(r.points for r in results), sum(r.max_points for r in results)
    message = "" if outcome.status == "completed" else outcome.detail
    return [*rows, common | _row("TOTAL", total, maximum, message)]


def _row(question: str, points: float, max_points, message: str) -> dict:
    points = round(points, 6)
    return {"question": question, "points": points, "max_points": max_points, "message": message}


def _summary(result: QuestionResult, outcome: Outcome) -> str:
    """A question's message in the gradebook: "passed", or the first line of its first failure."""
    if result.points >= result.max_points:
        return "passed"
    return result.failures[0].splitlines()[0][:200] if result.failures else outcome.detail


def feedback_text(submission: Submission, outcome: Outcome, results) -> str:
    """The student's report: score, each question, why points were lost. Grader's words only."""
    total = sum(r.points for r in results)
    maximum = sum(r.max_points for r in results)
    lines = [f"Submission: {clean(submission.name, 300)}", f"Assignment: {submission.assignment}"]
    if submission.sha256:
        lines.append(f"SHA-256 of the graded file: {submission.sha256}")
    lines += [f"Score: {total:g} / {maximum:g}", ""]
    lines += [f"  {r.name}: {r.points:g} / {r.max_points:g}" for r in results]
    lines += ["", outcome.detail]
    if outcome.cell_errors:
        errors = ", ".join(f"{i + 1} ({kind})" for i, kind in sorted(outcome.cell_errors.items()))
        lines += [f"Cells that raised an error (counting code cells from 1): {errors}."]
    lost = [r for r in results if r.failures]
    if lost:
        lines += ["", "What lost points:"]
        for result in lost:
            for failure in result.failures:
                first, *rest = failure.splitlines()
                lines += [f"  {result.name}, {first}"] + [f"      {line}" for line in rest]
    return "\n".join(lines) + "\n"


class Gradebook:
    """``gradebook.csv``: rows appended and flushed as submissions finish, sorted at the end."""

    def __init__(self, path: Path):
        self.path, self.rows = path, []
        self.handle = path.open("w", newline="", encoding="utf-8")
        self.writer = csv.DictWriter(self.handle, fieldnames=FIELDS)
        self.writer.writeheader()

    def add(self, rows: list[dict]) -> None:
        rows = [{key: csv_safe(value) for key, value in row.items()} for row in rows]
        self.rows += rows
        self.writer.writerows(rows)
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()
        temporary = self.path.with_suffix(".csv.tmp")
        with temporary.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(sorted(self.rows, key=lambda r: (r["submission"], r["assignment"])))
        os.replace(temporary, self.path)


class Summary:
    """Counts by status and the distribution of totals, per assignment."""

    def __init__(self):
        self.status = defaultdict(Counter)
        self.totals = defaultdict(list)
        self.maximum = {}

    def add(self, submission, outcome: Outcome, results) -> None:
        key = submission.assignment or "(unknown assignment)"
        self.status[key][outcome.status] += 1
        if results and outcome.status != "rejected":
            self.totals[key].append(sum(r.points for r in results))
            self.maximum[key] = sum(r.max_points for r in results)

    def text(self, seconds: float, jobs: int, out: Path, unsafe: bool) -> str:
        count = sum(sum(c.values()) for c in self.status.values())
        each = f" ({seconds / count:.2f} s each)" if count else ""
        lines = [f"Graded {count} submissions in {seconds:.0f} s with {jobs} jobs{each}."]
        for name in sorted(self.status):
            counts = ", ".join(f"{n} {status}" for status, n in sorted(self.status[name].items()))
            lines.append(f"{name}: {counts}")
            totals, top = self.totals.get(name), self.maximum.get(name)
            if totals:
                lines.append(
                    f"  scores of {top:g}: min {min(totals):g}, median "
                    f"{statistics.median(totals):g}, mean {statistics.fmean(totals):.2f}, "
                    f"max {max(totals):g}"
                )
                lines += _histogram(totals, top)
        lines.append(f"gradebook: {out / 'gradebook.csv'}")
        lines.append(f"feedback for students: {out / 'feedback'}/")
        lines.append(f"logs, for you only (they hold what the notebooks printed): {out / 'logs'}/")
        if unsafe:
            lines.append(UNSAFE_WARNING)
        return "\n".join(lines)


def _histogram(totals, top, width: int = 30) -> list[str]:
    bins = {
        "0": lambda f: f == 0,
        "below half": lambda f: 0 < f < 0.5,
        "half or more": lambda f: 0.5 <= f < 1,
        "full marks": lambda f: f >= 1,
    }
    fractions = [t / top if top else 0.0 for t in totals]
    counts = {label: sum(map(test, fractions)) for label, test in bins.items()}
    scale = width / max(max(counts.values()), 1)
    return [
        f"    {label:>12} | {'#' * round(n * scale):<{width}} {n}" for label, n in counts.items()
    ]


REFUSAL = """\
grade: refusing to grade: the sandbox does not work on this machine.
  {problem}
Every submission runs in a bubblewrap sandbox (see "Grading safely" in the instructor guide).
Install it (Debian/Ubuntu: sudo apt-get install bubblewrap) and check that unprivileged user
namespaces are allowed. To grade anyway, with student code running as YOU, with your files,
your network and your other students' notebooks within its reach, pass --unsafe-no-sandbox
(make grade UNSAFE_NO_SANDBOX=1). Do not do that with submissions you do not trust."""

UNSAFE_WARNING = """\
************************************************************************************
*  UNSAFE: grading WITHOUT the sandbox (--unsafe-no-sandbox). Student code runs as  *
*  you, can read and change your files, other submissions and these results, and   *
*  can reach the network. Use only for notebooks you trust.                         *
************************************************************************************"""
