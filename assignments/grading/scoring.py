"""Points and feedback for one submission, computed outside the sandbox.

:func:`read_results` validates what the sandbox reported (everything in it may be forged;
a malformed line is dropped) and :func:`score` runs each test of the master on the
student's answers as data (see :mod:`grading.replay`). A test passes when it raises
nothing; its share of the question's points is then the student's.

Feedback holds only text the grader or the author wrote: the author's assert messages,
the explanations of the ``relulib.checks`` that the public tests call, and the grader's
own words. The student's printed output and error messages never reach it (they are in
the instructor's log); names of exceptions do, when they are Python's own.
"""

from __future__ import annotations

import builtins
import json
import re
from dataclasses import dataclass, field

from grading.replay import NoAnswer, NotAFunction, Plan, Replay, StudentError, time_limit
from grading.sandbox import Limits, Run
from grading.sandboxed import codec

MAX_MESSAGE = 1500  # characters of one test's message in the feedback


@dataclass
class Outcome:
    """What the sandbox's run tells about one submission, validated."""

    status: str  # completed, timed out, stopped, too much output
    detail: str  # the grader's sentence about the run, for the feedback
    functions: dict = field(default_factory=dict)  # name -> last valid record
    values: dict = field(default_factory=dict)
    cell_errors: dict = field(default_factory=dict)  # cell index -> builtin exception name
    last_cell: int = -1
    malformed: int = 0


def _exception_name(name) -> str:
    kind = getattr(builtins, name, None) if isinstance(name, str) else None
    is_exception = isinstance(kind, type) and issubclass(kind, BaseException)
    return name if is_exception else "Exception"


def read_results(run: Run, plan: Plan, limits: Limits) -> Outcome:
    """The sandbox's results stream, line by line, checked against the plan."""
    outcome, done = Outcome("", ""), False
    for line in run.results.splitlines():
        try:
            record = json.loads(line)
            done |= _take(record, outcome, plan)
        except (ValueError, TypeError, KeyError, RecursionError):
            outcome.malformed += 1
    cell = f"cell {outcome.last_cell + 1}" if outcome.last_cell >= 0 else "its first cell"
    if run.results_dropped:  # a flood, whatever records came before it
        outcome.status = "too much output"
        outcome.detail = f"Its answers took more than {limits.result_bytes >> 20} MiB: stopped."
    elif run.timed_out:
        outcome.status = "timed out"
        outcome.detail = (
            f"The notebook ran longer than {limits.wall_seconds:g} s and was stopped in {cell} "
            "(an endless loop?). Answers defined before then were graded."
        )
    elif done:
        outcome.status, outcome.detail = "completed", "The notebook ran to the end."
    else:
        outcome.status = "stopped"
        outcome.detail = (
            f"The notebook stopped in {cell} before its end (it exited, crashed, or ran out "
            "of memory or time). Answers defined before then were graded."
        )
    return outcome


def _take(record: dict, outcome: Outcome, plan: Plan) -> bool:
    """File one record into ``outcome``; True for the end-of-run record."""
    if record == {"done": True}:
        return True
    if set(record) == {"cell"} and type(record["cell"]) is int:
        outcome.last_cell = record["cell"]
    elif set(record) == {"cell_error", "error"} and type(record["cell_error"]) is int:
        outcome.cell_errors[record["cell_error"]] = _exception_name(record["error"])
    elif record.get("function") in plan.functions and _valid_function(record, plan):
        outcome.functions[record["function"]] = record
    elif record.get("value") in plan.values and _valid_value(record):
        outcome.values[record["value"]] = record
    else:
        raise ValueError("not a record of this plan")
    return False


def _valid_function(record: dict, plan: Plan) -> bool:
    kind = set(record) - {"function", "after_cell", "final"}
    if kind in ({"missing"}, {"not_callable"}):
        return True
    calls = record.get("calls")
    expected = len(plan.functions[record["function"]])
    return (
        kind == {"calls"}
        and isinstance(calls, list)
        and len(calls) == expected
        and all(isinstance(call, dict) for call in calls)
    )


def _valid_value(record: dict) -> bool:
    kind = set(record) - {"value", "after_cell", "final"}
    return kind in ({"missing"}, {"unreadable"}, {"data"})


class Unreadable:
    """Stands in for a value answer that the grader cannot read."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"(your {self.name}, which the grader cannot read)"


def bindings(plan: Plan, outcome: Outcome, limits: Limits) -> dict:
    """The student's answers, as the tests will see them; absent names stay undefined."""
    answers = {}
    for name, calls in plan.functions.items():
        record = outcome.functions.get(name, {"missing": True})
        if record.get("not_callable"):
            answers[name] = NotAFunction(name)
        elif "calls" in record:
            answers[name] = Replay(
                name, dict(zip(calls, record["calls"], strict=True)), limits.call_seconds
            )
    for name in plan.values:
        record = outcome.values.get(name, {"missing": True})
        if "data" in record:
            try:
                answers[name] = codec.decode(record["data"])
            except (ValueError, TypeError):
                answers[name] = Unreadable(name)
        elif record.get("unreadable"):
            answers[name] = Unreadable(name)
    return answers


@dataclass
class QuestionResult:
    name: str
    points: float
    max_points: float
    failures: list[str]  # "public test: ..." / "hidden test 2: ..."


def score(plan: Plan, outcome: Outcome, limits: Limits, seconds_per_test: float = 30.0):
    """One :class:`QuestionResult` per question of the master, in order."""
    results = []
    for question in plan.master.questions:
        points, failures, hidden = 0.0, [], 0
        for test in question.tests:
            hidden += test.hidden
            label = f"hidden test {hidden}" if test.hidden else "public test"
            message = _run_test(plan, test, outcome, limits, seconds_per_test)
            if message is None:
                points += question.points_per_test
            else:
                failures.append(f"{label}: {message}")
        results.append(QuestionResult(question.name, points, question.points, failures))
    return results


def _run_test(plan: Plan, test, outcome: Outcome, limits: Limits, seconds: float):
    """None if the test passes on the student's answers, else why not (grader's words)."""
    namespace = plan.namespace() | bindings(plan, outcome, limits)
    try:
        with time_limit(seconds):
            exec(compile(test.code, f"<{plan.master.name} test>", "exec"), namespace)
    except AssertionError as exc:  # the author's message, or a relulib check's explanation
        text = str(exc).strip() or "a test of this question failed"
        return clean(text)
    except NameError as exc:
        if exc.name in plan.master.answers:
            return f"{exc.name} is not defined in your notebook" + (
                "" if outcome.status == "completed" else " when it stopped"
            )
        return f"the test could not run ({type(exc).__name__})"
    except (NoAnswer, StudentError) as exc:
        return clean(str(exc))
    except TimeoutError as exc:
        return clean(str(exc))
    except Exception as exc:  # whatever the student's data made the test code do
        if getattr(exc, "args", ()) and str(exc.args[0]).startswith("(raised by your"):
            return clean(f"{type(exc).__name__} {exc.args[0]}")
        return (
            f"{type(exc).__name__} while checking your answer: does it return the type, "
            "shape and dtype the question asks for?"
        )
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` without control characters (terminal escapes), at most ``limit`` characters."""
    text = _CONTROL.sub("?", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."
