"""The tests of a master, run by the trusted grader on the student's answers as data.

A test is the author's code: ``check_relu(my_relu).raise_if_failed()``, or asserts on
``my_relu(x)``. It never runs in the sandbox. Instead:

1. :func:`plan` runs every test on the master's own solution, here, with each answer
   function wrapped in a :class:`Recorder`. That yields the *inputs* each function is called
   on, and proves that the solution passes its tests.
2. The sandbox runs the student's notebook, calls the student's functions on exactly those
   inputs, and reports the outcomes as data (``sandboxed/runner.py``).
3. :func:`bindings` turns those outcomes into :class:`Replay` objects, which stand in for
   the student's functions: called on an input of step 1, a replay returns the student's
   output (or raises the student's exception, or modifies its arguments as the student's
   function did). Each test then runs again, here, on the replays.

So the expected results and the tests' code never enter the sandbox, and a test's verdict
cannot be forged from inside it: the student controls only the outputs.

Tests must call answer functions on inputs that do not depend on earlier answers, and on
values the codec carries (numbers, arrays, tensors, ...); :func:`plan` says when they do not.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import inspect
import signal
from dataclasses import dataclass, field

import numpy as np

from grading.masters import Master
from grading.sandboxed import codec


class NoAnswer(RuntimeError):
    """A replayed function has no usable answer for an input."""


class StudentError(Exception):
    """The student's function raised an exception that is not one of Python's own."""


class NotAFunction:
    """Stands in for an answer that should be a function but is not."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"(your {self.name} is not a function)"


def is_function(value) -> bool:
    """Answers that are called (functions), as opposed to answers that are read (values)."""
    return (
        inspect.isfunction(value)
        or inspect.isbuiltin(value)
        or isinstance(value, functools.partial)
    )


class Recorder:
    """Wraps the master's solution function and records every input it is called on."""

    def __init__(self, name: str, fn, calls: dict):
        self.name, self.fn, self.calls = name, fn, calls

    def __call__(self, *args, **kwargs):
        try:
            data = codec.encode((args, kwargs))  # before the call, which may change them
        except ValueError as exc:
            message = f"a test calls {self.name} on an input the sandbox cannot get: {exc}"
            raise PlanError(message) from exc
        self.calls.setdefault(codec.fingerprint(data), data)
        return self.fn(*args, **kwargs)


class PlanError(ValueError):
    """A master whose tests cannot be split into inputs and checks, or that fail."""


@dataclass
class Plan:
    """What the sandbox must call, and how to run the tests afterwards, for one master."""

    master: Master
    functions: dict[str, dict[str, object]] = field(default_factory=dict)  # name -> fp -> call
    values: list[str] = field(default_factory=list)

    def payload(self) -> dict:
        """The answers part of the sandbox's payload: no expected results, no test code."""
        functions = {name: list(calls.values()) for name, calls in self.functions.items()}
        return {"functions": functions, "values": list(self.values)}

    def namespace(self) -> dict:
        """A fresh namespace with the master's set-up run in it (its imports)."""
        namespace = {"__name__": f"grading.{self.master.name}"}
        for code in self.master.setup:
            exec(compile(code, f"<{self.master.name} set-up>", "exec"), namespace)
        return namespace


def plan(master: Master) -> Plan:
    """Run every test on the master's solution, recording the inputs of answer functions.

    Raises ``PlanError`` when a solution fails one of its own tests, when a test calls an
    answer on an input that the codec cannot carry, or when two runs of the tests make
    different calls (the tests must be deterministic: seed them).
    """
    first, second = _record(master), _record(master)
    for name in first.functions:
        if list(first.functions[name]) != list(second.functions[name]):
            raise PlanError(f"{master.name}: the tests call {name} on different inputs each run")
    return first


def _record(master: Master) -> Plan:
    result = Plan(master)
    solutions = result.namespace()
    for question in master.questions:
        exec(compile(question.solution, f"<{question.name} solution>", "exec"), solutions)
    answers = {}
    for name in master.answers:
        if is_function(solutions[name]):
            result.functions[name] = {}
            answers[name] = Recorder(name, solutions[name], result.functions[name])
        else:
            result.values.append(name)
            answers[name] = solutions[name]
    for question in master.questions:
        for number, test in enumerate(question.tests, 1):
            namespace = result.namespace() | answers
            try:
                exec(compile(test.code, f"<{question.name} test {number}>", "exec"), namespace)
            except PlanError:
                raise
            except Exception as exc:
                raise PlanError(
                    f"{master.name}: the solution fails test {number} of {question.name}: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
    return result


class Replay:
    """Stands in for a student's function: answers each recorded input from the sandbox's data.

    Example:
        >>> import numpy as np
        >>> x = np.array([-1.0, 2.0])
        >>> key = codec.fingerprint(codec.encode(((x,), {})))
        >>> relu = Replay("relu", {key: {"value": codec.encode(np.array([0.0, 2.0]))}}, 5)
        >>> relu(x)
        array([0., 2.])
        >>> relu(np.array([3.0]))
        Traceback (most recent call last):
        ...
        grading.replay.NoAnswer: your relu was not run on this input
    """

    def __init__(self, name: str, outcomes: dict[str, dict], call_seconds: float):
        self.name, self.outcomes, self.call_seconds = name, outcomes, call_seconds

    def __repr__(self) -> str:
        return f"(your function {self.name})"

    def __call__(self, *args, **kwargs):
        try:
            outcome = self.outcomes.get(codec.fingerprint(codec.encode((args, kwargs))))
        except ValueError:
            outcome = None
        if outcome is None:
            raise NoAnswer(f"your {self.name} was not run on this input")
        try:
            _apply(outcome.get("mutated", {}), args, kwargs)
            if "value" in outcome:
                return codec.decode(outcome["value"])
        except (ValueError, TypeError, IndexError) as exc:
            raise NoAnswer(f"the grader could not read what your {self.name} returned") from exc
        if "raised" in outcome:
            raise student_exception(outcome["raised"], self.name)
        if outcome.get("timeout"):
            raise TimeoutError(f"your {self.name} took longer than {self.call_seconds:g} s")
        raise NoAnswer(f"your {self.name} returned something the grader cannot read")


def student_exception(kind: str, name: str) -> Exception:
    """An exception like the one the student's function raised, with the grader's message.

    The student's own message is not copied: it is text the student controls.
    """
    message = f"(raised by your {name}; run your notebook to see its message)"
    cls = getattr(builtins, kind, None) if isinstance(kind, str) else None
    if isinstance(cls, type) and issubclass(cls, Exception):
        with contextlib.suppress(TypeError):  # e.g. UnicodeDecodeError wants five arguments
            return cls(message)
    return StudentError(message)


def _apply(mutated: dict, args: tuple, kwargs: dict) -> None:
    """Change the test's own arguments as the student's function changed its copies."""
    if not isinstance(mutated, dict):
        raise ValueError("malformed mutations")
    for key, data in mutated.items():
        target = args[int(key)] if key.isdigit() else kwargs.get(key)
        new = codec.decode(data)
        if isinstance(target, np.ndarray) and isinstance(new, np.ndarray):
            if target.shape == new.shape and target.flags.writeable:
                np.copyto(target, new, casting="unsafe")
        elif type(target).__name__ == "Tensor" and type(new).__name__ == "Tensor":
            if target.shape == new.shape:
                target.data.copy_(new)
        elif isinstance(target, list) and isinstance(new, list):
            target[:] = new
        elif isinstance(target, dict) and isinstance(new, dict):
            target.clear()
            target.update(new)


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise ``TimeoutError`` in the main thread if the block runs longer than ``seconds``."""

    def _expired(signum, frame):
        raise TimeoutError(f"the test took longer than {seconds:g} s on this answer")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
