"""End to end: otter assign every master, check for leaks, grade submissions in the sandbox.

The submissions are made from the student notebook of the first assignment, as a student
would fill it in: a correct one, a partly wrong one (it passes the public test but not the
hidden ones), a blank one, broken ones (an exception and a missing function, a file that is
not JSON) and a renamed one. The solution notebook of every master is graded too, in a
folder named after its assignment: each must get full marks, hidden tests included.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from grading.masters import read_masters
from grading.replay import PlanError, plan

from tests.assignments.conftest import ASSIGNMENTS, grade, gradebook, points, row, totals

pytest.importorskip("otter", reason="otter-grader is an instructor dependency")

MASTERS = sorted(ASSIGNMENTS.glob("*.ipynb"))
FIRST = "01-definition"

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


ASSIGN = """
import sys
from pathlib import Path

import otter.assign

out = Path(sys.argv[1])
for master in map(Path, sys.argv[2:]):
    otter.assign.main(str(master), str(out / master.stem), no_run_tests=True)
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """``otter assign`` of every master (one process: importing otter is most of the cost).

    The solutions are not run here: ``plan`` runs every test on them (see below), and
    ``make assignments`` runs otter's own check.
    """
    out = tmp_path_factory.mktemp("assignments")
    command = [sys.executable, "-c", ASSIGN, out, *MASTERS]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, f"otter assign failed:\n{done.stdout}\n{done.stderr}"
    leaks = [sys.executable, ASSIGNMENTS / "check_leaks.py", ASSIGNMENTS, out]
    subprocess.run(leaks, check=True)
    return out


CHAPTERS = ["01-definition", "02-properties", "03-advantages", "04-disadvantages"]
CHAPTERS += ["05-depth-and-folding", "06-variants"]


def test_every_chapter_has_a_master():
    names = {master.stem for master in MASTERS}
    assert set(CHAPTERS) <= names, f"no master for {sorted(set(CHAPTERS) - names)}"


@pytest.mark.parametrize("name", [m.stem for m in MASTERS])
def test_every_solution_passes_its_own_tests(name):
    """The plan runs each test on the master's solution and records the inputs."""
    recorded = plan(read_masters(ASSIGNMENTS)[name])
    assert recorded.functions or recorded.values
    for calls in recorded.functions.values():
        assert calls, "every answer function is called by some test"


def test_a_failing_solution_is_refused(tmp_path):
    master = json.loads((ASSIGNMENTS / f"{FIRST}.ipynb").read_text())
    for cell in master["cells"]:
        if "".join(cell["source"]).startswith("def my_relu("):
            cell["source"] = "def my_relu(x):\n    return x  # SOLUTION\n"
    (tmp_path / f"{FIRST}.ipynb").write_text(json.dumps(master))
    with pytest.raises(PlanError, match="the solution fails test 1 of q1_relu"):
        plan(read_masters(tmp_path)[FIRST])


def test_leak_check_catches_a_leak(built, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(built, copy)
    student = copy / FIRST / "student" / f"{FIRST}.ipynb"
    notebook = json.loads(student.read_text())
    notebook["cells"].append(
        {"cell_type": "markdown", "metadata": {}, "source": "(x > 0).astype(x.dtype)"}
    )
    student.write_text(json.dumps(notebook))
    leaks = [sys.executable, ASSIGNMENTS / "check_leaks.py", ASSIGNMENTS, copy]
    result = subprocess.run(leaks, capture_output=True, text=True)
    assert result.returncode == 1
    assert "solution line leaked" in result.stdout


def test_grading(built, tmp_path, sandbox):
    student = json.loads((built / FIRST / "student" / f"{FIRST}.ipynb").read_text())
    subs = tmp_path / "submissions"
    (subs / FIRST).mkdir(parents=True)

    def write(name: str, notebook) -> None:
        text = notebook if isinstance(notebook, str) else json.dumps(notebook, indent=1)
        (subs / FIRST / f"{name}.ipynb").write_text(text)

    write("correct", _fill(student, CORRECT))
    write("partly_wrong", _fill(student, PARTLY_WRONG))
    write("blank", student)
    raises = _fill(student, {"my_relu": CORRECT["my_relu"]}, ["raise RuntimeError('oops')"])
    write("broken_raises", raises)  # and my_relu_grad is left as the stub
    write("broken_json", '{"cells": [')
    write("my final version (2)", _fill(student, CORRECT))
    for master in MASTERS:  # each master's own solutions, in its assignment's folder
        (subs / master.stem).mkdir(exist_ok=True)
        solution = built / master.stem / "autograder" / f"{master.stem}.ipynb"
        shutil.copy(solution, subs / master.stem / "solution.ipynb")

    out = tmp_path / "graded"
    done = grade(subs, out, "--jobs", "2", "--timeout", "60")
    assert "Graded" in done.stdout
    rows = gradebook(out)
    total = totals(rows)
    got = points(rows)
    correct = f"{FIRST}/correct.ipynb"
    assert total[correct] == 8
    assert total[f"{FIRST}/my final version (2).ipynb"] == 8
    assert got[f"{FIRST}/partly_wrong.ipynb", "q1_relu"] == pytest.approx(8 / 3, abs=1e-4)
    assert got[f"{FIRST}/partly_wrong.ipynb", "q2_relu_grad"] == 0
    assert total[f"{FIRST}/blank.ipynb"] == 0
    assert got[f"{FIRST}/broken_raises.ipynb", "q1_relu"] == 4  # cells run on after an error
    assert got[f"{FIRST}/broken_raises.ipynb", "q2_relu_grad"] == 0  # the missing function
    assert total[f"{FIRST}/broken_json.ipynb"] == 0
    assert "not JSON" in row(rows, f"{FIRST}/broken_json.ipynb")["message"]
    for master in MASTERS:
        solution = row(rows, f"{master.stem}/solution.ipynb")
        assert float(solution["max_points"]) > 0
        assert float(solution["points"]) == float(solution["max_points"]), master.stem
    assert len(total) == 6 + len(MASTERS)  # every submission has a result
    assert row(rows, correct)["sha256"] == hashlib.sha256((subs / correct).read_bytes()).hexdigest()

    feedback = (out / "feedback" / f"{FIRST}%2Fpartly_wrong.txt").read_text()
    assert "Score: 2.66667 / 8" in feedback
    assert "kink" in feedback  # the teaching message of relulib.checks reaches the student
    assert "ValueError (raised by your my_relu" in feedback  # the kind of error, not its text
    assert "np.linspace(-2.0, 2.0, 24)" not in feedback  # no hidden test's code
    broken = (out / "feedback" / f"{FIRST}%2Fbroken_raises.txt").read_text()
    assert "3 (RuntimeError)" in broken  # which cell failed, and how; not its message
    assert "oops" not in broken
