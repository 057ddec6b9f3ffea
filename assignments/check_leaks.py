"""Fail if a student notebook made by ``otter assign`` shows a solution or a hidden test.

Usage: ``python assignments/check_leaks.py MASTERS_DIR OUTPUT_DIR``

For every master ``MASTERS_DIR/<name>.ipynb`` it reads the student notebook
``OUTPUT_DIR/<name>/student/<name>.ipynb`` and collects every string in it (cell sources,
outputs, metadata, including the public tests otter stores there). It then looks in that text for

- each solution line of the master: the lines marked ``# SOLUTION`` and the lines between
  ``# BEGIN SOLUTION`` and ``# END SOLUTION`` comments (the unmarked lines of a solution cell,
  like ``def hat(x):``, are the stub students get and are not secrets);
- each line of code of each ``# HIDDEN`` test;
- otter's markers themselves (``BEGIN SOLUTION``, ``# HIDDEN``, ...).

It also checks that the student notebook has a public test for every question, that the
autograder notebook and zip exist, and prints what it checked. Exit status 1 on any leak.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

MARKERS = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "# SOLUTION",
    "# HIDDEN",
    "BEGIN TESTS",
    "BEGIN QUESTION",
)
MIN_LENGTH = 8  # shorter lines (``else:``, ``return x``) are not distinctive


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _strings(value) -> list[str]:
    """Every string anywhere in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def _normal(line: str) -> str:
    """A line as otter may rewrite it: no doctest prompt, single quotes, no spaces."""
    line = re.sub(r"^\s*(>>>|\.\.\.)\s?", "", line)
    return re.sub(r"\s+", "", line.replace('"', "'"))


def _master_secrets(master: dict) -> tuple[list[str], list[str]]:
    """The solution lines and the hidden-test lines of a master notebook."""
    solutions, hidden = [], []
    in_solution = in_tests = False
    for cell in master["cells"]:
        text = _source(cell)
        first = text.strip().splitlines()[0].strip().upper() if text.strip() else ""
        if cell["cell_type"] == "raw":
            if first.startswith("# BEGIN SOLUTION"):
                in_solution = True
            elif first.startswith("# END SOLUTION"):
                in_solution = False
            elif first.startswith("# BEGIN TESTS"):
                in_tests = True
            elif first.startswith("# END TESTS"):
                in_tests = False
            continue
        if cell["cell_type"] != "code":
            continue
        lines = text.splitlines()
        if in_tests and first.startswith("# HIDDEN"):
            hidden += [line for line in lines[1:] if line.strip()]
        elif in_solution or "# SOLUTION" in text:
            block = False
            for line in lines:
                stripped = line.strip()
                if re.match(r"#\s*BEGIN SOLUTION", stripped):
                    block = True
                elif re.match(r"#\s*END SOLUTION", stripped):
                    block = False
                elif block or stripped.endswith("# SOLUTION"):
                    solutions.append(re.sub(r"#\s*SOLUTION\s*$", "", line))
    return solutions, hidden


def check(master_path: Path, output_dir: Path) -> list[str]:
    """Problems found for one master; an empty list when the student version is clean."""
    name = master_path.stem
    student_path = output_dir / name / "student" / f"{name}.ipynb"
    autograder_dir = output_dir / name / "autograder"
    if not student_path.is_file():
        return [f"{name}: no student notebook at {student_path}"]
    problems = []
    if not list(autograder_dir.glob(f"{name}-autograder_*.zip")):
        problems.append(f"{name}: no autograder zip in {autograder_dir}")
    master = json.loads(master_path.read_text())
    student = json.loads(student_path.read_text())
    student_text = "\n".join(_strings(student))
    student_flat = _normal(student_text)
    solutions, hidden = _master_secrets(master)
    if not solutions or not hidden:
        problems.append(f"{name}: found {len(solutions)} solution and {len(hidden)} hidden lines")
    for kind, lines in (("solution", solutions), ("hidden test", hidden)):
        for line in lines:
            # the whole line, and the expression after ``return`` or ``name =``
            expression = re.sub(r"^\s*(return\b|[\w.\[\], ]+=(?!=))", "", line)
            keys = {_normal(line), _normal(expression)}
            keys = {key for key in keys if len(key) >= MIN_LENGTH}  # ``else:`` is no secret
            if any(key in student_flat for key in keys):
                problems.append(f"{name}: {kind} line leaked into {student_path}: {line.strip()}")
    for marker in MARKERS:
        if marker in student_text.upper():
            problems.append(f"{name}: otter marker {marker!r} left in {student_path}")
    questions = re.findall(r"^name:\s*(q\S+)", "\n".join(map(_source, master["cells"])), re.M)
    for question in questions:
        if f'grader.check("{question}")' not in student_text:
            problems.append(f"{name}: no public check for {question} in {student_path}")
    print(
        f"{name}: {len(questions)} questions, {len(solutions)} solution lines and "
        f"{len(hidden)} hidden-test lines checked against the student notebook"
    )
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    masters_dir, output_dir = map(Path, argv)
    masters = sorted(masters_dir.glob("*.ipynb"))
    if not masters:
        print(f"no masters in {masters_dir}")
        return 1
    problems = [problem for master in masters for problem in check(master, output_dir)]
    for problem in problems:
        print("LEAK:", problem)
    print("leak check:", "FAILED" if problems else f"{len(masters)} student notebooks clean")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
