"""End to end: otter assign every master, check for leaks, grade fake submissions.

The fake submissions are made from the student notebook of the first assignment: a correct
one, a partly wrong one (it passes a public test but not the hidden ones), a blank one, and
broken ones (an exception and a missing function, an endless loop, a file that is not JSON,
a renamed file). The solution notebooks of the other assignments are graded too: each must get
full marks, hidden tests included.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("otter", reason="otter-grader is an instructor dependency")

ROOT = Path(__file__).resolve().parents[2]
MASTERS = sorted((ROOT / "assignments").glob("*.ipynb"))
BIN = Path(sys.executable).parent
FIRST = "01-definition"
TIMEOUT = 25  # seconds per submission; a normal one takes about 7 s here

CORRECT = {
    "my_relu": "def my_relu(x):\n    return np.maximum(x, 0)",
    "my_relu_grad": "def my_relu_grad(x):\n    return (x > 0).astype(x.dtype)",
}
PARTLY_WRONG = {
    # right for 1-D and 2-D arrays, so the public check passes; the hidden 3-D test fails
    "my_relu": "def my_relu(x):\n    return np.maximum(x, 0).reshape(x.shape[:2])",
    # torch.clamp's convention at the kink: fails the public check and the hidden tests
    "my_relu_grad": "def my_relu_grad(x):\n    return (x >= 0).astype(x.dtype)",
}


def _fill(student: dict, answers: dict[str, str], extra: list[str] = ()) -> dict:
    notebook = json.loads(json.dumps(student))
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        for name, code in answers.items():
            if cell["cell_type"] == "code" and source.startswith(f"def {name}("):
                cell["source"] = code
    for code in extra:  # code cells put right after the imports
        cell = {"cell_type": "code", "metadata": {}, "source": code, "outputs": []}
        notebook["cells"].insert(3, {**cell, "execution_count": None})
    return notebook


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("assignments")
    for master in MASTERS:
        subprocess.run([BIN / "otter", "assign", master, out / master.stem], check=True)
    leaks = [sys.executable, ROOT / "assignments" / "check_leaks.py", ROOT / "assignments", out]
    subprocess.run(leaks, check=True)
    return out


def test_there_are_four_masters():
    assert len(MASTERS) >= 4


def test_leak_check_catches_a_leak(built, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(built, copy)
    student = copy / FIRST / "student" / f"{FIRST}.ipynb"
    notebook = json.loads(student.read_text())
    notebook["cells"].append(
        {"cell_type": "markdown", "metadata": {}, "source": "(x > 0).astype(x.dtype)"}
    )
    student.write_text(json.dumps(notebook))
    leaks = [sys.executable, ROOT / "assignments" / "check_leaks.py", ROOT / "assignments", copy]
    result = subprocess.run(leaks, capture_output=True, text=True)
    assert result.returncode == 1
    assert "solution line leaked" in result.stdout


def test_grading(built, tmp_path):
    student = json.loads((built / FIRST / "student" / f"{FIRST}.ipynb").read_text())
    subs = tmp_path / "submissions"
    subs.mkdir()

    def write(name: str, notebook) -> None:
        text = notebook if isinstance(notebook, str) else json.dumps(notebook, indent=1)
        (subs / f"{name}.ipynb").write_text(text)

    write("correct", _fill(student, CORRECT))
    write("partly_wrong", _fill(student, PARTLY_WRONG))
    write("blank", student)
    raises = _fill(student, {"my_relu": CORRECT["my_relu"]}, ["raise RuntimeError('oops')"])
    write("broken_raises", raises)  # and my_relu_grad is never defined
    write("broken_loops", _fill(student, CORRECT, ["while True:\n    pass"]))
    write("broken_json", '{"cells": [')
    write("my final version (2)", _fill(student, CORRECT))  # renamed file, metadata says which
    for master in MASTERS[1:]:
        shutil.copy(built / master.stem / "autograder" / f"{master.stem}.ipynb",
                    subs / f"solution-{master.stem}.ipynb")  # fmt: skip

    out = tmp_path / "graded"
    command = [sys.executable, ROOT / "assignments" / "grade.py", subs, "--autograders", built]
    command += ["--out", out, "--timeout", str(TIMEOUT), "--assignment", FIRST]
    subprocess.run(command, check=True)

    with (out / "gradebook.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    totals = {r["submission"]: float(r["points"]) for r in rows if r["question"] == "TOTAL"}
    points = {(r["submission"], r["question"]): float(r["points"]) for r in rows}
    messages = {(r["submission"], r["question"]): r["message"] for r in rows}

    assert totals["correct.ipynb"] == 8
    assert totals["my final version (2).ipynb"] == 8
    assert points["partly_wrong.ipynb", "q1_relu"] == pytest.approx(8 / 3, abs=1e-4)  # hidden test
    assert points["partly_wrong.ipynb", "q2_relu_grad"] == 0
    assert totals["blank.ipynb"] == 0
    assert points["broken_raises.ipynb", "q1_relu"] == 4  # otter runs on after an error
    assert points["broken_raises.ipynb", "q2_relu_grad"] == 0  # the missing function
    assert totals["broken_loops.ipynb"] == 0
    assert "timed out" in messages["broken_loops.ipynb", "q1_relu"]
    assert totals["broken_json.ipynb"] == 0
    assert "not JSON" in messages["broken_json.ipynb", "q1_relu"]
    for master in MASTERS[1:]:
        name = f"solution-{master.stem}.ipynb"
        maximum = [float(r["max_points"]) for r in rows if r["submission"] == name][-1]
        assert maximum > 0 and totals[name] == maximum, name
    assert len(totals) == 7 + len(MASTERS) - 1  # every submission has a result

    feedback = (out / "feedback" / "partly_wrong.txt").read_text()
    assert "Score: 2.66667 / 8" in feedback
    assert "kink" in feedback  # the teaching message of relulib.checks reaches the student
    assert "ValueError: cannot reshape" in feedback  # the hidden test's error, not its code
    assert "np.linspace(-2.0, 2.0, 24)" not in feedback
    assert "timed out" in (out / "feedback" / "broken_loops.txt").read_text()
