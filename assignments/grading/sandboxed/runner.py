"""Run one submission inside the sandbox and report its answers as data.

Usage (the grader starts it; nobody else should): ``python -I runner.py RESULTS_FD``

Reads one JSON payload from stdin: the submission's code cells, the names of its answers,
and the inputs to call each answer function on (the inputs of the public and hidden tests,
never their expected results). Runs the cells in order in an IPython shell, the way a
kernel would (magics work; an error in one cell does not stop the next), and writes JSON
lines to ``RESULTS_FD``:

* ``{"cell": i}`` when cell ``i`` starts, ``{"cell_error": i, "error": "NameError"}`` when it
  fails;
* after every cell that (re)defines an answer, ``{"function": name, "after_cell": i,
  "calls": [...]}`` with one outcome per input (``value``, ``raised``, ``timeout`` or
  ``unreadable``, and the inputs the call modified), or ``{"value": name, "after_cell": i,
  "data": ...}``; ``missing`` or ``not_callable`` when the name is not a usable answer;
* once more for every answer after the last cell (``"final": true``), then ``{"done": true}``.

Answers are reported as soon as they exist so that a notebook that later crashes, exits
or hangs keeps the credit of what it had answered. Nothing here is trusted: the grader
validates every line and compares the answers with the expected results itself.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import signal
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "stubs")]  # -I leaves the script's folder out

import codec  # noqa: E402

MISSING = object()


class CallTimeout(BaseException):
    """Raised in an answer function that runs longer than its time per call."""


def exception_name(exc: BaseException) -> str:
    """The name of the first of Python's own exception classes that ``exc`` is an instance of.

    numpy's ``_ArrayMemoryError`` is reported as ``MemoryError``, a student's subclass of
    ``ValueError`` as ``ValueError``.
    """
    for kind in type(exc).__mro__:
        if getattr(builtins, kind.__name__, None) is kind:
            return kind.__name__
    return "BaseException"


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise ``CallTimeout`` in the block after ``seconds`` (if the code returns to Python)."""
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def call_outcome(fn, call_data, seconds: float) -> dict:
    """Call ``fn`` on one encoded ``(args, kwargs)`` and describe what happened, as data.

    Reading the result may run the student's code too (methods of a subclass of ``int``,
    ``list``, ``ndarray``...): it runs under the same time limit, and whatever goes wrong
    there makes the outcome ``unreadable``, never stops the runner.
    """
    args, kwargs = codec.decode(call_data)
    try:
        with time_limit(seconds):
            try:
                result = fn(*args, **kwargs)
            except CallTimeout:
                raise
            except BaseException as exc:  # the student's error, whatever it is, is an outcome
                outcome = {"raised": exception_name(exc)}
            else:
                outcome = {"value": codec.encode(result)}
            mutated = _mutated(call_data, args, kwargs)
    except CallTimeout:
        return {"timeout": True}
    except BaseException:
        return {"unreadable": True}
    return {**outcome, "mutated": mutated} if mutated else outcome


def _mutated(call_data, args, kwargs) -> dict:
    """The arguments the call changed in place: position or keyword -> new encoded value."""
    encoded_args, encoded_kwargs = call_data["tuple"]
    before = {str(i): data for i, data in enumerate(encoded_args["tuple"])}
    before.update((codec.decode(k), data) for k, data in encoded_kwargs["dict"])
    after = {str(i): value for i, value in enumerate(args)} | kwargs
    changed = {}
    for key, value in after.items():
        try:
            now = codec.encode(value)
        except ValueError:
            continue  # the argument became something the codec does not carry: not reported
        if now != before[key]:
            changed[key] = now
    return changed


class Answers:
    """Reports each answer when it first appears or changes, and all of them at the end."""

    def __init__(self, functions: dict, values: list, emit, call_seconds: float):
        self.functions, self.values = functions, values
        self.emit, self.call_seconds = emit, call_seconds
        self.seen = {}  # name -> the object last reported (kept alive so its id stays unique)

    def update(self, namespace: dict, after_cell: int, final: bool = False) -> None:
        signal.signal(signal.SIGALRM, _on_alarm)  # in case a cell replaced the handler
        for name, calls in self.functions.items():
            fn = namespace.get(name, MISSING)
            if final or self.seen.get(name, None) is not fn:
                self.seen[name] = fn
                record = {"function": name, "after_cell": after_cell, "final": final}
                self.emit(record | self._calls(fn, calls))
        for name in self.values:
            record = {"value": name, "after_cell": after_cell, "final": final}
            record.update(self._value(namespace.get(name, MISSING)))
            key = json.dumps({k: v for k, v in record.items() if k not in ("after_cell", "final")})
            if final or self.seen.get(name) != key:
                self.seen[name] = key
                self.emit(record)

    def _calls(self, fn, calls) -> dict:
        if fn is MISSING:
            return {"missing": True}
        if not callable(fn):
            return {"not_callable": True}
        return {"calls": [call_outcome(fn, call, self.call_seconds) for call in calls]}

    def _value(self, value) -> dict:
        if value is MISSING:
            return {"missing": True}
        try:
            with time_limit(self.call_seconds):
                return {"data": codec.encode(value)}
        except BaseException:  # not carried by the codec, or a subclass that misbehaves
            return {"unreadable": True}


def make_shell():
    """An IPython shell with no history file, no colours, no output cache, no event loop."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class GradingShell(InteractiveShell):
        def enable_gui(self, gui=None):
            """Figures are drawn off-screen: there is no event loop to start."""

        def ask_exit(self):
            """``exit()`` ends the notebook here, as it ends a kernel."""
            self.exit_now = True

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.cache_size = 0
    return GradingShell.instance(config=config)


def _on_alarm(signum, frame):
    raise CallTimeout


def main(results_fd: int) -> None:
    payload = json.loads(sys.stdin.buffer.read())
    sys.stdin.close()
    results = os.fdopen(results_fd, "w", buffering=1, encoding="utf-8")

    def emit(record: dict) -> None:
        results.write(json.dumps(record, separators=(",", ":")) + "\n")

    with contextlib.suppress(OSError):  # the notebook's own copy, for code that reads it
        Path("submission.ipynb").write_text(payload["notebook"], encoding="utf-8")
    answers = Answers(payload["functions"], payload["values"], emit, payload["call_seconds"])
    shell = make_shell()
    last = -1
    for last, source in enumerate(payload["cells"]):
        emit({"cell": last})
        result = shell.run_cell(source, store_history=False)
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            emit({"cell_error": last, "error": exception_name(error)})
        answers.update(shell.user_ns, last)
        if shell.exit_now:
            break
    answers.update(shell.user_ns, last, final=True)
    emit({"done": True})
    results.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # no atexit handlers, no waiting for the notebook's threads


if __name__ == "__main__":
    main(int(sys.argv[1]))
