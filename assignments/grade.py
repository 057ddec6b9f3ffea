"""Grade a folder of submitted notebooks with otter-grader, without Docker.

Usage::

    python assignments/grade.py SUBMISSIONS --autograders _build/assignments --out OUT \
        [--timeout 120] [--assignment 01-definition]

Each ``*.ipynb`` under ``SUBMISSIONS`` is graded in its own subprocess, ``otter run -a <zip>
<submission>``, with a time limit. The assignment is read from the notebook's otter metadata
(``assignment_name``), else from its file name, else from ``--assignment``. Whatever happens
to one submission (an exception, an endless loop, a missing function, a renamed file, a file
that is not JSON), it gets a score and a reason, and the batch goes on.

Writes ``OUT/gradebook.csv`` (submission, assignment, question, points, max_points, message),
one row per question plus a ``TOTAL`` row per submission, appended and flushed after each
submission so that no result is lost, and ``OUT/feedback/<submission>.txt`` per submission.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

FIELDS = ["submission", "assignment", "question", "points", "max_points", "message"]
OTTER = Path(sys.executable).with_name("otter")


@dataclass(frozen=True)
class Autograder:
    """One assignment's autograder zip and its questions with their maximum points."""

    name: str  # the master's stem, e.g. 01-definition
    assignment_name: str  # the ``name`` in the master's ASSIGNMENT CONFIG
    zip_path: Path
    questions: dict[str, float]


def load_autograders(root: Path) -> dict[str, Autograder]:
    """Every ``<root>/<name>/autograder/<name>-autograder_*.zip`` made by ``otter assign``."""
    found = {}
    for zip_path in sorted(root.glob("*/autograder/*-autograder_*.zip")):
        name = zip_path.parent.parent.name
        with zipfile.ZipFile(zip_path) as archive:
            config = json.loads(archive.read("otter_config.json"))
            questions = {}
            for member in sorted(archive.namelist()):
                if member.startswith("tests/") and member.endswith(".py"):
                    test = _test_dict(archive.read(member).decode())
                    questions[test["name"]] = float(test.get("points") or 0)
        zip_path = zip_path.resolve()  # otter runs in a temporary directory
        found[name] = Autograder(name, config.get("assignment_name", name), zip_path, questions)
    return found


def _test_dict(source: str) -> dict:
    """The ``test = {...}`` literal of an OK-format test file, read without running it."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "test":
            return ast.literal_eval(node.value)
    raise ValueError("no `test = {...}` in an autograder test file")


def identify(path: Path, autograders: dict[str, Autograder], default: str | None):
    """(autograder or None, reason) for a submission file."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        assignment_name = notebook.get("metadata", {}).get("otter", {}).get("assignment_name")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        assignment_name = None
    for autograder in autograders.values():
        if assignment_name and assignment_name == autograder.assignment_name:
            return autograder, ""
    for autograder in autograders.values():
        if autograder.name in path.stem:
            return autograder, ""
    if default in autograders:
        return autograders[default], ""
    if len(autograders) == 1:
        return next(iter(autograders.values())), ""
    return None, "cannot tell which assignment this is (no otter metadata, unknown file name)"


def check_notebook(path: Path) -> str:
    """Empty when ``path`` is a readable notebook, else why not."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return f"not a valid notebook: the file is not JSON ({type(exc).__name__}: {exc})"
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return "not a valid notebook: no list of cells"
    return ""


def run_otter(path: Path, autograder: Autograder, timeout: float) -> tuple[dict | None, str]:
    """Run ``otter run`` on one submission; (results JSON or None, log or reason)."""
    workdir = Path(tempfile.mkdtemp(prefix="relu-grade-"))
    try:
        # otter derives names from the submission's file name: give it a plain copy
        submission = workdir / f"{autograder.name}.ipynb"
        shutil.copyfile(path, submission)
        command = [str(OTTER), "run", "--no-logo", "-a", str(autograder.zip_path)]
        command += ["-o", str(workdir), str(submission)]
        process = subprocess.Popen(
            command,
            cwd=workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # one process group: a timeout also ends otter's kernel
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        try:
            log, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return None, f"timed out: grading took longer than {timeout:g} s (an endless loop?)"
        results_path = workdir / "results.json"
        if not results_path.is_file():
            tail = "\n".join(log.strip().splitlines()[-5:])
            return None, f"otter run failed (exit {process.returncode}) without results: {tail}"
        return json.loads(results_path.read_text()), log
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def score(results: dict | None, autograder: Autograder, reason: str) -> list[dict]:
    """One row per question of the assignment: its points, or 0 and the reason."""
    by_name = {test.get("name"): test for test in (results or {}).get("tests", [])}
    rows = []
    for question, max_points in autograder.questions.items():
        test = by_name.get(question)
        if test is None or test.get("score") is None:
            points = 0.0
            message = reason or f"{question} was not graded (no result from otter)"
        else:
            points = float(test["score"])
            message = "passed" if points >= max_points else "see the feedback file"
        rows.append({"question": question, "points": points, "max_points": max_points,
                     "message": message})  # fmt: skip
    return rows


def feedback_text(path: Path, assignment: str, rows: list[dict], results, reason: str) -> str:
    total, maximum = sum(r["points"] for r in rows), sum(r["max_points"] for r in rows)
    lines = [f"Submission: {path.name}", f"Assignment: {assignment}"]
    lines += [f"Score: {total:g} / {maximum:g}", ""]
    lines += [f"  {r['question']}: {r['points']:g} / {r['max_points']:g}" for r in rows]
    if reason:
        lines += ["", f"Why: {reason}"]
    for test in (results or {}).get("tests", []):
        if test.get("name") == "Public Tests" and test.get("output"):
            lines += ["", "Public tests (what you saw in the notebook):", test["output"]]
    failed = [test for test in (results or {}).get("tests", []) if "score" in test]
    failed = [t for t in failed if t.get("score") is not None and t["score"] < t["max_score"]]
    if failed:
        # the errors only: hidden tests' code stays hidden, their assert messages explain
        lines += ["", "Questions that lost points, with the errors of their tests:"]
        for test in failed:
            errors = re.findall(r"^\s*(\w*(?:Error|Exception):.*)$", test.get("output", ""), re.M)
            lines += [f"  {test['name']}:"] + [f"    {e}" for e in dict.fromkeys(errors)]
    return "\n".join(lines) + "\n"


def grade_one(path: Path, autograders, default, timeout: float) -> tuple[str, list[dict], str]:
    """(assignment, rows, feedback) for one submission; never raises."""
    autograder, reason = identify(path, autograders, default)
    if autograder is None:
        rows = [{"question": "(all)", "points": 0.0, "max_points": "", "message": reason}]
        return "", rows, f"Submission: {path.name}\nScore: 0\n\nWhy: {reason}\n"
    results = None
    reason = check_notebook(path)
    if not reason:
        try:
            results, log = run_otter(path, autograder, timeout)
            if results is None:
                reason = log
        except Exception as exc:  # a grading error must not stop the batch
            reason = f"grading error: {type(exc).__name__}: {exc}"
    rows = score(results, autograder, reason)
    return autograder.name, rows, feedback_text(path, autograder.name, rows, results, reason)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", type=Path)
    parser.add_argument("--autograders", type=Path, default=Path("_build/assignments"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per submission")
    parser.add_argument("--assignment", default=None, help="for files that do not say")
    args = parser.parse_args(argv)
    autograders = load_autograders(args.autograders)
    if not autograders:
        print(f"no autograder zips under {args.autograders}: run `make assignments` first")
        return 2
    out = args.out or args.submissions / "graded"
    submissions = sorted(p for p in args.submissions.rglob("*.ipynb") if out not in p.parents)
    submissions = [p for p in submissions if ".ipynb_checkpoints" not in p.parts]
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    gradebook = out / "gradebook.csv"
    with gradebook.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for path in submissions:
            name = str(path.relative_to(args.submissions))
            assignment, rows, feedback = grade_one(path, autograders, args.assignment, args.timeout)
            total = sum(r["points"] for r in rows)
            maximum = sum(r["max_points"] for r in rows if r["max_points"] != "")
            rows.append({"question": "TOTAL", "points": total, "max_points": maximum,
                         "message": ""})  # fmt: skip
            for row in rows:
                writer.writerow({"submission": name, "assignment": assignment, **row})
            handle.flush()
            feedback_name = name.replace(os.sep, "__").removesuffix(".ipynb") + ".txt"
            (out / "feedback" / feedback_name).write_text(feedback)
            print(f"{name}: {total:g} / {maximum:g}")
    print(f"gradebook: {gradebook} ({len(submissions)} submissions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
