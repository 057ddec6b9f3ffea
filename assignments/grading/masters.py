"""Read an otter-format master notebook: its set-up code, questions, solutions and tests.

The master is the one file an author writes (see the instructor guide). Its raw cells mark
the structure: ``# BEGIN QUESTION`` (with ``name:`` and ``points:``), ``# BEGIN SOLUTION``,
``# BEGIN TESTS`` and their ``# END`` cells. Code cells outside questions are the set-up
(imports); a test cell whose first line is ``# HIDDEN`` is hidden from students.

The *answers* of a question are the names its solution defines that its tests use
(``my_relu``); the grader binds them to the student's answers when it runs the tests.

Example:
    >>> master = read_master(Path(__file__).parents[1] / "01-definition.ipynb")
    >>> [(q.name, q.points, q.answers, len(q.tests)) for q in master.questions]
    [('q1_relu', 4.0, ('my_relu',), 3), ('q2_relu_grad', 4.0, ('my_relu_grad',), 3)]
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

import yaml


class MasterError(ValueError):
    """A master notebook that the grader cannot use, with the reason."""


@dataclass(frozen=True)
class Test:
    code: str
    hidden: bool


@dataclass(frozen=True)
class Question:
    name: str
    points: float
    solution: str
    answers: tuple[str, ...]  # names the solution defines and the tests use
    tests: tuple[Test, ...]

    @property
    def points_per_test(self) -> float:
        """otter's rule: the points of a question are shared equally by its tests."""
        return self.points / len(self.tests)


@dataclass(frozen=True)
class Master:
    name: str  # the file's stem, e.g. 01-definition: what ASSIGNMENT= names
    setup: tuple[str, ...]  # code cells outside questions, in order
    questions: tuple[Question, ...]

    @property
    def max_points(self) -> float:
        return sum(question.points for question in self.questions)

    @property
    def answers(self) -> tuple[str, ...]:
        return tuple(name for question in self.questions for name in question.answers)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _marker(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first.strip().upper()


def bound_names(code: str, imports: bool = True) -> set[str]:
    """Names a cell binds at top level: functions, classes, assignments (and imports)."""
    names = set()
    for node in ast.parse(code).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        elif imports and isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def used_names(code: str) -> set[str]:
    """Every name a piece of code reads."""
    return {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}


def read_master(path: Path) -> Master:
    """The master at ``path``; ``MasterError`` if its structure is not what otter expects."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MasterError(f"{path}: not a notebook ({exc})") from exc
    setup, questions, question = [], [], None
    block = None  # "solution" or "tests" inside a question
    for cell in cells:
        text, kind = _source(cell), cell.get("cell_type")
        if kind == "raw":
            question, block = _structure(path, text, question, block, questions)
        elif kind == "code" and question is None:
            setup.append(text)
        elif kind == "code" and block == "solution":
            question["solution"].append(text)
        elif kind == "code" and block == "tests":
            hidden = _marker(text).startswith("# HIDDEN")
            question["tests"].append(Test(text, hidden))
    if question is not None:
        raise MasterError(f"{path}: question {question['name']} has no # END QUESTION")
    master = Master(path.stem, tuple(setup), tuple(_question(path, q) for q in questions))
    _check(path, master)
    return master


def _structure(path, text, question, block, questions):
    """Follow one raw cell's marker; returns the current question and block."""
    marker = _marker(text)
    if marker.startswith("# BEGIN QUESTION"):
        config = yaml.safe_load(text.split("\n", 1)[1] if "\n" in text else "") or {}
        return {"config": config, "name": config.get("name"), "solution": [], "tests": []}, None
    if marker.startswith("# END QUESTION"):
        questions.append(question)
        return None, None
    for name in ("SOLUTION", "TESTS"):
        if marker.startswith(f"# BEGIN {name}") or marker.startswith(f"# END {name}"):
            if question is None:
                raise MasterError(f"{path}: {marker} outside a question")
            return question, name.lower() if marker.startswith("# BEGIN") else None
    return question, block  # ASSIGNMENT CONFIG and other raw cells


def _question(path, raw) -> Question:
    name, points = raw["name"], raw["config"].get("points")
    if not isinstance(name, str) or not name.isidentifier():
        raise MasterError(f"{path}: a question needs a name like q1_relu, got {name!r}")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
        raise MasterError(f"{path}: {name} needs one positive number of points, got {points!r}")
    if not raw["tests"]:
        raise MasterError(f"{path}: {name} has no tests")
    solution = "\n\n".join(raw["solution"])
    # what the tests read without binding it themselves
    used = set().union(*(used_names(t.code) - bound_names(t.code) for t in raw["tests"]))
    answers = tuple(sorted(bound_names(solution, imports=False) & used))
    if not answers:
        raise MasterError(f"{path}: the tests of {name} use nothing its solution defines")
    return Question(name, float(points), solution, answers, tuple(raw["tests"]))


def _check(path, master: Master) -> None:
    if not master.questions:
        raise MasterError(f"{path}: no questions")
    setup_names = set().union(*(bound_names(code) for code in master.setup))
    for question in master.questions:
        shadowed = setup_names & set(question.answers)
        if shadowed:
            # a student who left the answer out would be graded on the set-up's object
            raise MasterError(f"{path}: the set-up defines {sorted(shadowed)}, an answer")
    answers = master.answers
    if len(set(answers)) != len(answers):
        raise MasterError(f"{path}: two questions share an answer name: {answers}")


def read_masters(folder: Path) -> dict[str, Master]:
    """Every master ``folder/*.ipynb``, by name."""
    return {path.stem: read_master(path) for path in sorted(folder.glob("*.ipynb"))}
