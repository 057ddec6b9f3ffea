"""Submissions that attack the grader, as students did, each with the honest result asserted.

All attacks are graded in one batch (assignment 01, two jobs, small limits) next to honest
submissions, and each test below checks one kind: the forgery gets 0, the victim keeps its
marks, the limit holds, the grader survives, and no file outside the results folder changes.
An attack that *succeeds* defines the correct answers, so success would show as points.

Every attack is harmless to the machine even if the sandbox were missing: allocations and
files just above the small caps used here, a bounded number of short-lived processes,
connections to a listener this test opens on 127.0.0.1 only, writes only into this test's
temporary folders, signals only to processes of this grading run, and the one file it may
create elsewhere is an inert text file that the test removes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.assignments.conftest import (
    ASSIGNMENTS,
    ROOT,
    grade,
    gradebook,
    notebook,
    points,
    row,
    totals,
)

ASSIGNMENT = "01-definition"
MARK = f"relu-attack-{uuid.uuid4().hex[:12]}"  # in every attack's processes and messages
TIMEOUT = 8  # seconds per notebook: the time attacks must be stopped by then
LIMITS = ["--timeout", str(TIMEOUT), "--memory", "512", "--file-size", "16", "--disk", "32"]
LIMITS += ["--processes", "32", "--log-size", "64", "--jobs", "2"]

IMPORTS = "import numpy as np"
RELU = "def my_relu(x):\n    return np.maximum(x, 0)"
GRAD = "def my_relu_grad(x):\n    return (x > 0).astype(x.dtype)"
CORRECT = [IMPORTS, RELU, GRAD]


def if_succeeded(condition: str) -> str:
    """Code that defines the correct answers when ``condition`` holds: success shows as points."""
    return f"if {condition}:\n    exec({RELU!r})\n    exec({GRAD!r})"


def attacks(paths: dict) -> dict[str, list[str] | str]:
    """Attack name -> notebook cells (or a notebook's text); ``paths`` are this run's folders."""
    subs, out, instructor = paths["subs"], paths["out"], paths["instructor"]
    canary = f"{MARK}-canary.txt"
    outside = outside_files()
    gradebook_path = str(out / "gradebook.csv")
    later = (
        f"import pathlib, time; time.sleep(3); "
        f"pathlib.Path({gradebook_path!r}).write_text('hacked')  # {MARK}"
    )
    return {
        # honest controls
        "honest.ipynb": CORRECT,
        "zz_blank.ipynb": [IMPORTS],
        # namespace forgery: replace the checks, numpy, the runner's own functions
        "forge_namespace.ipynb": [
            IMPORTS,
            "import relulib.checks as checks\n"
            "passed = lambda fn: checks.Report('relu', 8, ())\n"
            "checks.check_relu = checks.check_relu_grad = passed\n"
            "check_relu = check_relu_grad = passed\n"
            "np.array_equal = np.allclose = lambda *a, **k: True\n"
            "np.asarray = lambda x, *a, **k: x\n"
            "import builtins\nbuiltins.AssertionError = type('Nothing', (Exception,), {})\n"
            "import __main__\n"
            "for name in ('call_outcome', 'exception_name'):\n"
            "    setattr(__main__, name, lambda *a, **k: {'value': None})\n"
            "def my_relu(x):\n    return None\n"
            "def my_relu_grad(x):\n    return None",
        ],
        "forge_results.ipynb": [
            IMPORTS,
            "import os, pickle\n"
            "zeros = {'value': {'array': {'dtype': '<f8', 'shape': [3], "
            "'data': 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'}}}\n"
            "lines = [{'function': 'my_relu', 'after_cell': 9, 'final': True, "
            "'calls': [zeros] * 10}, {'score': 8, 'passed': True}, {'done': True}]\n"
            "data = b''.join(__import__('json').dumps(l).encode() + b'\\n' for l in lines)\n"
            "data += pickle.dumps(os.system) + b'\\n' + b'[' * 100000 + b'\\n'\n"
            "for fd in range(3, 40):\n"
            "    try:\n        os.write(fd, data)\n    except OSError:\n        pass",
            "for fd in range(3, 40):\n"
            "    try:\n        os.write(fd, b'x' * (34 << 20))\n    except OSError:\n        pass",
        ],
        # on-disk tampering: the venv, relulib, the runner, the masters
        "tamper.ipynb": [
            IMPORTS,
            "import glob, os, sys\n"
            "targets = glob.glob(sys.prefix + '/lib/python3*/site-packages/otter/**/*.py', "
            "recursive=True)\n"
            "import relulib, relulib.checks\n"
            "targets += [relulib.checks.__file__, relulib.__file__, '/grader/runner.py']\n"
            f"targets += glob.glob({str(ASSIGNMENTS)!r} + '/*')\n"
            "opened = 0\n"
            "for path in targets:\n"
            "    try:\n"
            "        os.close(os.open(path, os.O_WRONLY | os.O_APPEND))  # writes nothing\n"
            "        opened += 1\n"
            "    except OSError:\n"
            "        pass\n"
            "created = 0\n"
            "for folder in {os.path.dirname(p) for p in targets} | {sys.prefix}:\n"
            "    try:\n"
            f"        open(os.path.join(folder, {canary!r}), 'x').close()\n"
            "        created += 1\n"
            "    except OSError:\n"
            "        pass",
            if_succeeded("opened or created"),
        ],
        # background processes that outlive the notebook and rewrite the results later
        "daemon.ipynb": [
            IMPORTS,
            "import os, subprocess, sys\n"
            f"later = {later!r}\n"
            "subprocess.Popen([sys.executable, '-c', later], start_new_session=True)\n"
            "if os.fork() == 0:\n"
            "    os.setsid()\n"
            "    if os.fork() == 0:\n"
            f"        os.execv('/bin/sh', ['/bin/sh', '-c', 'sleep 30; :', {MARK!r}])\n"
            "    os._exit(0)",
        ],
        # classmates: overwrite a victim, plant a submission, rewrite results, kill the grader
        "attack_classmates.ipynb": [
            IMPORTS,
            "import os, signal\n"
            "done = 0\n"
            f"for path, text in [({str(subs / 'victim.ipynb')!r}, '{{}}'),\n"
            f"                   ({str(subs / 'planted.ipynb')!r}, '{{}}'),\n"
            f"                   ({str(out / 'gradebook.csv')!r}, 'hacked'),\n"
            f"                   ({str(instructor / canary)!r}, 'hacked')]:\n"
            "    try:\n        open(path, 'w').write(text)\n        done += 1\n"
            "    except OSError:\n        pass\n"
            "for pid in filter(str.isdigit, os.listdir('/proc')):\n"
            "    try:\n"
            "        cmd = open(f'/proc/{pid}/cmdline', 'rb').read()\n"
            f"        if {str(subs).encode()!r} in cmd:  # this run's grader, nothing else\n"
            "            os.kill(int(pid), signal.SIGKILL)\n"
            "            done += 1\n"
            "    except OSError:\n"
            "        pass\n"
            "try:\n    os.kill(os.getppid(), signal.SIGKILL)\nexcept OSError:\n    pass",
            if_succeeded("done"),
        ],
        "victim.ipynb": CORRECT,
        "zz_victim_after.ipynb": CORRECT,
        # leaks: look for the hidden tests and solutions; echo inputs into errors and prints
        "leak_hunt.ipynb": [
            IMPORTS,
            "import os, sys\n"
            "skip = {'proc', 'sys', 'dev', 'usr', 'site-packages', '__pycache__',\n"
            "        f'python{sys.version_info.major}.{sys.version_info.minor}'}\n"
            "own = os.path.abspath('submission.ipynb')\n"
            "found = []\n"
            "for folder, subfolders, files in os.walk('/'):\n"
            "    subfolders[:] = [s for s in subfolders if s not in skip]\n"
            "    for name in files:\n"
            "        path = os.path.join(folder, name)\n"
            "        if name.endswith(('.ipynb', '.zip')) and path != own:\n"
            "            found.append(path)\n"
            "        elif name.endswith(('.py', '.json', '.txt')):\n"
            "            try:\n"
            "                text = open(path, errors='ignore').read()\n"
            "            except OSError:\n"
            "                continue\n"
            "            if '# HIDDEN' in text or 'BEGIN SOLUTION' in text:\n"
            "                found.append(path)\n"
            "for pid in filter(str.isdigit, os.listdir('/proc')):\n"
            "    try:\n"
            "        command = open(f'/proc/{pid}/cmdline', 'rb').read()\n"
            "    except OSError:\n"
            "        continue\n"
            "    if b'.ipynb' in command or b'grade.py' in command:\n"
            "        found.append(pid)\n"
            "print('found', found)",
            if_succeeded("found"),
        ],
        "leak_echo.ipynb": [
            IMPORTS,
            f"print({MARK!r}, 'printed'); import sys; print({MARK!r}, file=sys.stderr)",
            "def my_relu(x):\n"
            f"    raise ValueError({MARK!r} + repr(x) + open('/grader/runner.py').read())",
        ],
        # limits: time, memory, output, disk, processes
        "time_c_loop.ipynb": [*CORRECT, "import re\nre.match(r'(a*)*b', 'a' * 40)"],
        "time_no_signals.ipynb": [
            IMPORTS,
            "import signal\n"
            "for sig in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGXCPU):\n"
            "    signal.signal(sig, signal.SIG_IGN)\n"
            "while True:\n    pass",
            RELU,
            GRAD,
        ],
        "time_no_shutdown.ipynb": [
            *CORRECT,
            "import atexit, threading, time\n"
            "atexit.register(lambda: time.sleep(3600))\n"
            "threading.Thread(target=lambda: time.sleep(3600)).start()",
        ],
        "answer_hangs.ipynb": [
            IMPORTS,
            "def my_relu(x):\n    while x.ndim == 3:\n        pass\n    return np.maximum(x, 0)",
            GRAD,
        ],
        "memory.ipynb": [
            IMPORTS,
            "big = np.ones((600 << 20) // 8)  # 600 MiB, above the 512 MiB cap\nallocated = True",
            if_succeeded("'allocated' in globals()"),
        ],
        "output_flood.ipynb": [
            *CORRECT,
            "import os, sys\n"
            "print('x' * (4 << 20))\n"
            "os.write(1, b'y' * (4 << 20))\n"
            "os.write(2, b'z' * (4 << 20))",
        ],
        "disk_file.ipynb": [
            IMPORTS,
            "written = 0\n"
            "try:\n"
            "    with open('big.bin', 'wb') as handle:\n"
            "        for _ in range(17):  # 17 MiB, above the 16 MiB file cap\n"
            "            written += handle.write(b'0' * (1 << 20))\n"
            "except OSError as exc:\n"
            "    print('stopped:', exc)",
            if_succeeded("written >= 17 << 20"),
        ],
        "disk_fill.ipynb": [
            IMPORTS,
            "import os\n"
            "written = 0\n"
            f"for path in ['a.bin', 'b.bin', 'c.bin', *{[str(p) for p in outside]!r}]:\n"
            "    try:\n"
            "        with open(path, 'wb') as handle:\n"
            "            for _ in range(15):\n"
            "                written += handle.write(b'0' * (1 << 20))\n"
            "    except OSError as exc:\n"
            "        print(path, exc)",
            if_succeeded("written > 40 << 20"),
        ],
        "processes.ipynb": [
            IMPORTS,
            "import subprocess\n"
            "started = []\n"
            f"command = ['/bin/sh', '-c', 'sleep 20; :', {MARK!r}]\n"
            "try:\n"
            "    for _ in range(48):  # the cap here is 32 processes and threads\n"
            "        started.append(subprocess.Popen(command))\n"
            "except OSError as exc:\n"
            "    print('stopped after', len(started), exc)",
            if_succeeded("len(started) >= 40"),
        ],
        # network: a listener of this test on the machine's loopback
        "network.ipynb": [
            IMPORTS,
            "import socket\n"
            "reached = False\n"
            "for host in ('127.0.0.1', 'localhost'):\n"
            "    try:\n"
            f"        socket.create_connection((host, {paths['port']}), timeout=2).close()\n"
            "        reached = True\n"
            "    except OSError as exc:\n"
            "        print(host, exc)",
            if_succeeded("reached"),
        ],
        # metadata, kernel names, exits: honest students who must keep full marks
        "metadata_claims_02.ipynb": notebook(
            CORRECT, metadata={"otter": {"assignment_name": "relu-02-properties"}}
        ),
        "kernel_conda.ipynb": notebook(CORRECT, kernel="conda-env-ml-py"),
        "kernel_r.ipynb": notebook(CORRECT, kernel="ir"),
        "exit_os.ipynb": [*CORRECT, "import os\nos._exit(0)", "raise RuntimeError('never')"],
        "exit_sigkill.ipynb": [*CORRECT, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"],
        "exit_builtin.ipynb": [*CORRECT, "exit()", "raise SystemExit(3)"],
        # names that collide, and names that a spreadsheet would run
        "sub/x.ipynb": CORRECT,
        "sub__x.ipynb": [IMPORTS],
        "Case.ipynb": CORRECT,
        "case.ipynb": [IMPORTS],
        '=HYPERLINK("example.invalid","x").ipynb': [IMPORTS],
        "+SUM(1,1).ipynb": [IMPORTS],
        "-1+1.ipynb": [IMPORTS],
        "@SUM(A1).ipynb": [IMPORTS],
    }


def outside_files() -> list[Path]:
    """Where the disk attack also writes: shared memory, the root and /dev (removed after)."""
    return [Path(f"/dev/shm/{MARK}.bin"), Path(f"/{MARK}.bin"), Path(f"/dev/{MARK}.bin")]


def _tree(folders: list[Path], hashed: bool) -> dict[str, tuple]:
    """Every file under ``folders`` (not bytecode caches): size, mtime, and maybe a hash."""
    state = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if "__pycache__" in path.parts or not path.is_file() or path.is_symlink():
                continue
            info = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if hashed else ""
            state[str(path)] = (info.st_size, info.st_mtime_ns, digest)
    return state


def _marked_processes() -> list[str]:
    """Processes on this machine whose command line carries this run's mark."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if MARK.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            pass
    return found


class _Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port, self.accepted, self.running = self.server.getsockname()[1], 0, True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                self.server.accept()[0].close()
                self.accepted += 1
            except OSError:
                pass

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory, sandbox):
    """Grade every attack in one run; record the machine's state around it."""
    base = tmp_path_factory.mktemp("attacks")
    subs, out, instructor, tmp = (
        base / "submissions",
        base / "graded",
        base / "instructor",
        base / "tmp",
    )
    for folder in (subs, instructor, tmp):
        folder.mkdir()
    listener = _Listener()
    paths = {"subs": subs, "out": out, "instructor": instructor, "port": listener.port}
    for name, cells in attacks(paths).items():
        path = subs / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(cells if isinstance(cells, str) else notebook(cells))
    solution = instructor / "solution.ipynb"  # a correct notebook outside the folder
    solution.write_text(notebook(CORRECT))
    (instructor / "folder").mkdir()
    (instructor / "folder" / "inside.ipynb").write_text(notebook(CORRECT))
    (subs / "link_to_solution.ipynb").symlink_to(solution)
    (subs / "linked_folder").symlink_to(instructor / "folder")
    os.mkfifo(subs / "fifo.ipynb")
    Path(os.fsdecode(os.fsencode(subs) + b"/latin-\xe9t\xe9.ipynb")).write_text(notebook(CORRECT))
    os.link(solution, subs / "hardlink.ipynb")

    watched = [subs, instructor, ASSIGNMENTS, ROOT / "relulib"]

    def state():  # the venv is large: its files are compared by size and time only
        return _tree(watched, hashed=True) | _tree([Path(sys.prefix)], hashed=False)

    before = state()
    env = {**os.environ, "TMPDIR": str(tmp)}
    started = time.monotonic()
    command = [sys.executable, str(ASSIGNMENTS / "grade.py"), str(subs), "--out", str(out)]
    command += ["--assignment", ASSIGNMENT, *LIMITS]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    seconds = time.monotonic() - started
    assert done.returncode == 0, f"the grader did not survive:\n{done.stdout}\n{done.stderr}"
    book_after_run = (out / "gradebook.csv").read_bytes()
    time.sleep(4)  # the daemon's delayed write would have happened by now
    yield {
        "rows": gradebook(out),
        "out": out,
        "subs": subs,
        "instructor": instructor,
        "tmp": tmp,
        "stdout": done.stdout,
        "seconds": seconds,
        "changed": _changes(before, state()),
        "book_after_run": book_after_run,
        "book_later": (out / "gradebook.csv").read_bytes(),
        "marked": _marked_processes(),
        "accepted": listener.accepted,
    }
    listener.close()
    for folder in (ASSIGNMENTS, ROOT / "relulib", Path(sys.prefix)):  # in case one got through
        for canary in folder.rglob(f"{MARK}-canary.txt"):
            canary.unlink()
    for path in outside_files():
        path.unlink(missing_ok=True)


def _changes(before: dict, after: dict) -> list[str]:
    keys = before.keys() | after.keys()
    return sorted(key for key in keys if before.get(key) != after.get(key))


def _status(batch, name: str) -> str:
    return row(batch["rows"], name)["status"]


def test_honest_controls(batch):
    total = totals(batch["rows"])
    assert total["honest.ipynb"] == 8
    assert total["zz_blank.ipynb"] == 0


def test_namespace_forgery_gets_nothing(batch):
    assert totals(batch["rows"])["forge_namespace.ipynb"] == 0


def test_forged_and_flooded_results_get_nothing(batch):
    assert totals(batch["rows"])["forge_results.ipynb"] == 0
    assert _status(batch, "forge_results.ipynb") == "too much output"


def test_tampering_changes_no_file(batch):
    assert totals(batch["rows"])["tamper.ipynb"] == 0
    assert batch["changed"] == []  # venv, relulib, masters, runner, submissions, instructor's


def test_marked_processes_are_found():
    """The check below would see a surviving attack process: here is one of our own."""
    control = subprocess.Popen(["/bin/sh", "-c", "sleep 30; :", MARK])
    try:
        time.sleep(0.2)
        assert str(control.pid) in _marked_processes()
    finally:
        control.kill()
        control.wait()


def test_background_processes_die_with_their_sandbox(batch):
    assert batch["marked"] == []
    assert batch["book_later"] == batch["book_after_run"]  # nobody rewrote the gradebook
    assert totals(batch["rows"])["processes.ipynb"] == 0  # and the process cap held


def test_classmates_keep_their_marks(batch):
    total = totals(batch["rows"])
    assert total["attack_classmates.ipynb"] == 0
    assert total["victim.ipynb"] == 8
    assert total["zz_victim_after.ipynb"] == 8
    assert not (batch["subs"] / "planted.ipynb").exists()
    assert "planted.ipynb" not in total
    assert batch["changed"] == []


def test_hidden_tests_and_solutions_are_out_of_reach(batch):
    assert totals(batch["rows"])["leak_hunt.ipynb"] == 0


def test_feedback_holds_no_student_text_and_no_hidden_test(batch):
    feedback = {p.name: p.read_text() for p in (batch["out"] / "feedback").iterdir()}
    echo = feedback["leak_echo.txt"]
    assert "ValueError (raised by your my_relu" in echo
    for text in feedback.values():
        assert MARK not in text
        assert "np.linspace(-2.0, 2.0, 24)" not in text  # a hidden test's code
        assert "def call_outcome" not in text  # the runner's source
        assert len(text) < 20_000
    log = (batch["out"] / "logs" / "leak_echo.log").read_text()
    assert MARK in log  # what it printed is kept, for the instructor only


def test_time_limit_kills_the_whole_sandbox(batch):
    for name in ("time_c_loop.ipynb", "time_no_signals.ipynb"):
        stopped = row(batch["rows"], name)
        assert stopped["status"] == "timed out"
        assert float(stopped["seconds"]) < TIMEOUT + 5
    assert totals(batch["rows"])["time_c_loop.ipynb"] == 8  # answered before the loop
    assert totals(batch["rows"])["time_no_signals.ipynb"] == 0  # the loop came first
    finished = row(batch["rows"], "time_no_shutdown.ipynb")
    assert finished["status"] == "completed" and float(finished["points"]) == 8
    assert float(finished["seconds"]) < TIMEOUT


def test_an_answer_that_hangs_loses_only_that_input(batch):
    got = points(batch["rows"])
    assert got["answer_hangs.ipynb", "q1_relu"] == pytest.approx(8 / 3, abs=1e-4)
    assert got["answer_hangs.ipynb", "q2_relu_grad"] == 4
    feedback = (batch["out"] / "feedback" / "answer_hangs.txt").read_text()
    assert "took longer than" in feedback


def test_memory_cap_holds(batch):
    assert totals(batch["rows"])["memory.ipynb"] == 0
    assert "MemoryError" in (batch["out"] / "feedback" / "memory.txt").read_text()


def test_output_is_capped(batch):
    log = batch["out"] / "logs" / "output_flood.log"
    assert log.stat().st_size < 64 * 1024 + 200
    assert "more bytes of output were dropped" in log.read_text()
    assert totals(batch["rows"])["output_flood.ipynb"] == 8  # printing costs no marks


def test_file_size_and_disk_caps_hold(batch):
    assert totals(batch["rows"])["disk_file.ipynb"] == 0
    assert totals(batch["rows"])["disk_fill.ipynb"] == 0
    assert not [path for path in outside_files() if path.exists()]


def test_network_is_unreachable(batch):
    assert totals(batch["rows"])["network.ipynb"] == 0
    assert batch["accepted"] == 0


def test_links_and_special_files_are_rejected(batch):
    rows = batch["rows"]
    for name, reason in [
        ("link_to_solution.ipynb", "symbolic link"),
        ("linked_folder/", "symbolic link to a folder"),
        ("fifo.ipynb", "not a regular file"),
        ("hardlink.ipynb", "hard link"),
        ("latin-\\xe9t\\xe9.ipynb", "not valid UTF-8"),
    ]:
        rejected = row(rows, name)
        assert rejected["status"] == "rejected" and float(rejected["points"]) == 0, name
        assert reason in rejected["message"], name
    assert not any(r["submission"].startswith("linked_folder/inside") for r in rows)


def test_the_instructor_chooses_the_assignment(batch):
    claims = row(batch["rows"], "metadata_claims_02.ipynb")
    assert claims["assignment"] == ASSIGNMENT
    assert float(claims["points"]) == 8


def test_any_kernel_name_runs_python(batch):
    total = totals(batch["rows"])
    assert total["kernel_conda.ipynb"] == 8
    assert total["kernel_r.ipynb"] == 8


def test_credit_survives_a_notebook_that_exits(batch):
    total = totals(batch["rows"])
    for name in ("exit_os.ipynb", "exit_sigkill.ipynb", "exit_builtin.ipynb"):
        assert total[name] == 8, name
    assert _status(batch, "exit_os.ipynb") == "stopped"
    assert _status(batch, "exit_builtin.ipynb") == "completed"


def test_colliding_names_get_their_own_feedback(batch):
    feedback = batch["out"] / "feedback"
    assert "Score: 8 / 8" in (feedback / "sub%2Fx.txt").read_text()
    assert "Score: 0 / 8" in (feedback / "sub__x.txt").read_text()
    case = sorted(p.name for p in feedback.iterdir() if p.name.lower().startswith("case"))
    assert len(case) == 2 and case[0].lower() != case[1].lower()
    scores = {"Score: 8 / 8" in (feedback / name).read_text() for name in case}
    assert scores == {True, False}


def test_csv_cells_never_start_a_formula(batch):
    with (batch["out"] / "gradebook.csv").open(newline="", encoding="utf-8") as handle:
        cells = [cell for line in csv.reader(handle) for cell in line]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    names = {r["submission"] for r in batch["rows"]}
    assert '\'=HYPERLINK("example.invalid","x").ipynb' in names
    assert "'-1+1.ipynb" in names


def test_nothing_is_left_behind(batch):
    assert list(batch["tmp"].iterdir()) == []  # no payloads, copies or tests in TMPDIR
    assert batch["changed"] == []


def test_every_submission_has_a_result_and_a_summary(batch):
    names = {r["submission"] for r in batch["rows"]}
    expected = set(attacks({"subs": Path(), "out": Path(), "instructor": Path(), "port": 0}))
    expected = {name if name[:1] not in "=+-@" else "'" + name for name in expected}
    expected |= {"link_to_solution.ipynb", "linked_folder/", "fifo.ipynb", "hardlink.ipynb"}
    expected |= {"latin-\\xe9t\\xe9.ipynb"}
    assert names == expected
    assert "timed out" in batch["stdout"] and "rejected" in batch["stdout"]


def test_refuses_to_grade_without_the_sandbox(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "honest.ipynb").write_text(notebook(CORRECT))
    env = {**os.environ, "PATH": str(tmp_path / "no-such-folder")}  # no bwrap to be found
    command = [sys.executable, str(ASSIGNMENTS / "grade.py"), str(subs), "--assignment"]
    done = subprocess.run([*command, ASSIGNMENT], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert "refusing to grade" in done.stderr and "--unsafe-no-sandbox" in done.stderr
    assert not (tmp_path / "subs-graded").exists()


def test_unsafe_flag_grades_loudly(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "honest.ipynb").write_text(notebook(CORRECT))
    done = grade(subs, tmp_path / "out", "--assignment", ASSIGNMENT, "--unsafe-no-sandbox")
    assert "UNSAFE" in done.stderr and "UNSAFE" in done.stdout
    assert totals(gradebook(tmp_path / "out"))["honest.ipynb"] == 8


def test_results_must_lie_outside_the_submissions(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    done = grade(subs, subs / "graded", "--assignment", ASSIGNMENT, check=False)
    assert done.returncode == 2 and "outside the submissions folder" in done.stderr


def test_the_assignment_must_be_named(tmp_path, sandbox):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "loose.ipynb").write_text(notebook(CORRECT, metadata={"otter": {}}))
    grade(subs, tmp_path / "out")
    loose = row(gradebook(tmp_path / "out"), "loose.ipynb", "(all)")
    assert loose["status"] == "rejected" and "ASSIGNMENT=" in loose["message"]


def test_kept_json_is_what_was_graded(batch):
    honest = row(batch["rows"], "honest.ipynb")
    data = (batch["subs"] / "honest.ipynb").read_bytes()
    assert honest["sha256"] == hashlib.sha256(data).hexdigest()
    assert json.loads(data)["cells"]
