"""Points and feedback for one submission, computed outside the sandbox, in a process of its own.

:func:`read_results` validates what the sandbox reported (everything in it may be forged;
a malformed line is dropped) and :func:`score` runs each test of the master on the
student's answers as data (see :mod:`grading.replay`). A test passes when it raises
nothing; its share of the question's points is then the student's.

Scoring runs the author's trusted code on the student's data, which can still make it do
a great deal of work (a network with millions of linear pieces) or change what it was
given (a function that writes into its input makes the replay write into the test's
array). So every submission is scored in a fresh process, forked from a server that has
already imported what the tests need (:func:`prepare`): nothing one submission does can
reach the next one's scores, whatever the order or the number of jobs. That process has
an address-space cap (``Limits.score_memory_bytes`` above what it starts with); each test
a time limit (``Limits.test_seconds``), and the submission's tests together another
(``Limits.score_seconds``). A test that breaks a limit fails with a message saying that
the answer was too expensive to check, and the tests after it run on in a new process.

Feedback holds text the grader or the author wrote: the author's assert messages, the
explanations of the ``relulib.checks`` that the public tests call, and the grader's own
words. Where a message shows a student's value, strings among them are shown escaped on one
line and capped (:class:`grading.text.StudentText`), and every control or format character
of a message is escaped (:func:`grading.text.visible`). The student's printed output and
error messages never reach it (they are in the instructor's log); names of exceptions do,
when they are Python's own.
"""

from __future__ import annotations

import builtins
import json
import multiprocessing
import os
import re
import resource
import sys
import time
from dataclasses import dataclass, field

from grading.replay import (
    CheckTimeout,
    NoAnswer,
    NotAFunction,
    Plan,
    Replay,
    StudentError,
    time_limit,
)
from grading.sandbox import Limits, Run
from grading.sandboxed import codec
from grading.text import capped, student_values, visible

MAX_MESSAGE = 1500  # characters of one test's message in the feedback
GRACE_SECONDS = 5.0  # after a test's own time limit, before its process is killed
STARTUP_SECONDS = 60.0  # for a scoring process to start (forked: it takes milliseconds)
_CONTEXT = multiprocessing.get_context("forkserver")


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
                answers[name] = student_values(codec.decode(record["data"]))
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


def prepare(plans) -> None:
    """Have the scoring processes start with what the plans' tests import already imported.

    Call before the first :func:`score`; the server that forks them starts then.
    """
    modules = set().union(*(plan.master.imports for plan in plans))
    _CONTEXT.set_forkserver_preload(["grading.scoring", *sorted(modules)])
    first = _CONTEXT.Process(target=_started, daemon=True)  # the server starts, and imports
    first.start()
    first.join()


def _started() -> None:
    """Nothing: the first process that :func:`prepare` starts, to start the server."""


def score(plan: Plan, outcome: Outcome, limits: Limits) -> list[QuestionResult]:
    """One :class:`QuestionResult` per question of the master, in order.

    Each test runs in a scoring process of this submission's own (see the module's
    docstring); a test that breaks a limit costs that test, and the next run in a new one.
    """
    tests = [test for question in plan.master.questions for test in question.tests]
    messages: list[str | None] = []
    deadline = time.monotonic() + limits.score_seconds
    while len(messages) < len(tests):
        if time.monotonic() >= deadline:
            left = len(tests) - len(messages)
            messages += [_not_checked(limits)] * left
            break
        messages += _score_from(plan, outcome, limits, len(messages), deadline)
    return _results(plan, messages)


def _results(plan: Plan, messages: list) -> list[QuestionResult]:
    results, index = [], 0
    for question in plan.master.questions:
        points, failures, hidden = 0.0, [], 0
        for test in question.tests:
            hidden += test.hidden
            label = f"hidden test {hidden}" if test.hidden else "public test"
            message = messages[index]
            index += 1
            if message is None:
                points += question.points_per_test
            else:
                failures.append(f"{label}: {message}")
        results.append(QuestionResult(question.name, points, question.points, failures))
    return results


def _not_checked(limits: Limits) -> str:
    return (
        f"not checked: checking this notebook's answers took more than "
        f"{limits.score_seconds:g} s in all, the most the grader spends on one notebook"
    )


def _score_from(plan, outcome, limits, first: int, deadline: float) -> list:
    """The messages of the tests from ``first`` on, in one process, until one breaks a limit.

    Returns at least one message: the tests that finished, then, if the process stopped
    before the end, why the test it was on fails.
    """
    receive, send = _CONTEXT.Pipe(duplex=False)
    seconds = deadline - time.monotonic()
    process = _CONTEXT.Process(
        target=_scoring_process, args=(plan, outcome, limits, first, seconds, send), daemon=True
    )
    process.start()
    send.close()
    messages, total = [], sum(len(q.tests) for q in plan.master.questions)
    why = ""
    try:
        if not receive.poll(STARTUP_SECONDS):
            raise RuntimeError(f"no scoring process started within {STARTUP_SECONDS} s")
        receive.recv_bytes()  # it has started: the tests' time counts from here
        while first + len(messages) < total:
            wait = min(limits.test_seconds, deadline - time.monotonic()) + GRACE_SECONDS
            if not receive.poll(max(wait, 0)):
                why = "time"
                break
            try:
                messages.append(json.loads(receive.recv_bytes())["message"])
            except EOFError:
                why = "died"
                break
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join()
    if why:
        messages.append(_too_expensive(why, limits))
    return messages


def _too_expensive(why: str, limits: Limits) -> str:
    if why == "time":
        return (
            f"checking your answer took longer than {limits.test_seconds:g} s and was "
            "stopped: it is too expensive to check (much larger than the question asks for?)"
        )
    if why == "memory":
        return (
            f"checking your answer needed more than {limits.score_memory_bytes >> 20} MiB of "
            "memory: it is too expensive to check (much larger than the question asks for?)"
        )
    return (
        "checking your answer stopped the grader's checking process (more than "
        f"{limits.score_memory_bytes >> 20} MiB of memory?): it is too expensive to check "
        "(much larger than the question asks for?)"
    )


def _scoring_process(plan, outcome, limits, first: int, seconds: float, send) -> None:
    """In a fresh process: run the tests from ``first`` on, send each verdict as it comes."""
    deadline = time.monotonic() + seconds
    quiet = os.open(os.devnull, os.O_WRONLY)  # warnings would garble the progress bar
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    _cap_memory(limits.score_memory_bytes)
    if "torch" in sys.modules:  # jobs share the cores
        sys.modules["torch"].set_num_threads(1)
    send.send_bytes(b"ready")
    tests = [test for question in plan.master.questions for test in question.tests]
    for test in tests[first:]:
        seconds = min(limits.test_seconds, deadline - time.monotonic())
        if seconds <= 0:
            message = _not_checked(limits)
        else:
            message = _checked(plan, test, outcome, limits, seconds)
        send.send_bytes(json.dumps({"message": message}).encode())
    send.close()


def _checked(plan: Plan, test, outcome: Outcome, limits: Limits, seconds: float):
    """:func:`_run_test`, with whatever goes wrong around the test a failure of that test."""
    try:
        return _run_test(plan, test, outcome, limits, seconds)
    except MemoryError:
        return _too_expensive("memory", limits)
    except Exception as exc:
        return f"the grader could not run this test on your answers ({type(exc).__name__})"


def _cap_memory(extra: int) -> None:
    """Cap this process's address space at what it uses now plus ``extra`` bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        used = int(re.search(r"VmSize:\s+(\d+) kB", status.read()).group(1)) * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = used + extra if hard == resource.RLIM_INFINITY else min(used + extra, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


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
    except CheckTimeout:
        return _too_expensive("time", limits)
    except TimeoutError as exc:  # a replayed call that timed out in the sandbox
        return clean(str(exc))
    except MemoryError:
        return _too_expensive("memory", limits)
    except Exception as exc:  # whatever the student's data made the test code do
        if getattr(exc, "args", ()) and str(exc.args[0]).startswith("(raised by your"):
            return clean(f"{type(exc).__name__} {exc.args[0]}")
        if isinstance(exc, RuntimeError) and "allocate" in str(exc):  # torch's MemoryError
            return _too_expensive("memory", limits)
        return (
            f"{type(exc).__name__} while checking your answer: does it return the type, "
            "shape and dtype the question asks for?"
        )
    return None


def clean(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` with control and format characters escaped (line breaks kept), capped."""
    return capped(visible(text, keep="\n"), limit)
