"""Shared helpers for the assignment tests: notebooks made in code, the grader as a command.

The grading tests need the sandbox (bubblewrap). Without it they are skipped with the
reason, except on CI (``CI`` set), where a missing sandbox is a failure: ``.ci/run``
installs it.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from grading.sandbox import Limits, Sandbox

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ROOT / "assignments"

GRADE = ASSIGNMENTS / "grade.py"


@pytest.fixture(scope="session")
def sandbox() -> None:
    """Skip (fail on CI) when the sandbox cannot run on this machine."""
    problem = Sandbox(Limits()).probe()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"{problem} (on CI the sandbox must work)", pytrace=False)
        pytest.skip(problem)


def notebook(cells: list[str], kernel: str = "python3", metadata: dict | None = None) -> str:
    """A minimal nbformat-4 notebook of code cells, as JSON text."""
    code = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    meta = {"kernelspec": {"name": kernel, "display_name": kernel, "language": "python"}}
    body = {
        "cells": [code | {"source": source} for source in cells],
        "metadata": meta | (metadata or {}),
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(body, indent=1)


def grade(submissions: Path, out: Path, *options: str, check: bool = True):
    """Run ``grade.py`` as an instructor would; returns the finished process."""
    command = [sys.executable, str(GRADE), str(submissions), "--out", str(out), *options]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if check and done.returncode != 0:
        raise AssertionError(f"grade.py failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def gradebook(out: Path) -> list[dict]:
    with (out / "gradebook.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def totals(rows: list[dict]) -> dict[str, float]:
    return {row["submission"]: float(row["points"]) for row in rows if row["question"] == "TOTAL"}


def points(rows: list[dict]) -> dict[tuple[str, str], float]:
    return {(row["submission"], row["question"]): float(row["points"]) for row in rows}


def row(rows: list[dict], submission: str, question: str = "TOTAL") -> dict:
    (found,) = [r for r in rows if r["submission"] == submission and r["question"] == question]
    return found
