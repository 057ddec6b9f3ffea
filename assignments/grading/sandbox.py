"""Run one submission's code in a bubblewrap sandbox, with limits, and collect what it says.

The sandbox is `bubblewrap <https://github.com/containers/bubblewrap>`_ (Debian's
``bubblewrap`` package, the tool Flatpak uses), in three layers, outside in:

1. *root only*: an outer ``bwrap`` builds a view of the machine that holds only the paths
   below, with world-readable parent folders, and ``setpriv`` switches to an unprivileged
   uid of the job's own (``uid_base + slot``), with no capabilities. Run as another user,
   step 2 runs as that user directly.
2. the sandbox: ``bwrap`` as that unprivileged user, in new user (nested user namespaces
   disabled), pid, network (loopback only), IPC, UTS, cgroup and mount namespaces. Visible,
   read-only: ``/usr`` and the library folders, a few files of ``/etc`` (the dynamic
   linker's), the Python installation, the virtual environment, relulib's source and the
   runner (at ``/grader``). Writable: a size-capped tmpfs at ``/tmp`` (the notebook's copy
   and working folder) and one at ``/dev/shm``; everything else is read-only. A fresh
   ``/proc`` shows only the sandbox's processes. ``--die-with-parent``: killing the
   outermost process kills the pid namespace's init, and with it every process inside.
3. ``prlimit``: address space, file size, processes, CPU seconds, open files, no core dumps.

The grader writes the payload to an unnamed file that becomes the sandbox's stdin, reads
the runner's output (stdout and stderr, a log) and its results (a pipe) up to size caps, and
kills the whole sandbox at the wall-clock limit.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

RUNNER_DIR = Path(__file__).resolve().parent / "sandboxed"
# isolated mode; unbuffered, so the log keeps what a notebook printed before it died
PYTHON_FLAGS = ["-I", "-u", "-B"]
INSIDE = Path("/grader")  # where the runner's folder appears in the sandbox
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime")
MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; the defaults suit a class on a laptop or a lab server."""

    wall_seconds: float = 120.0  # then the whole sandbox is killed
    cpu_seconds: int = 120  # per process
    call_seconds: float = 10.0  # one call of an answer function, on one input
    memory_bytes: int = 2048 * MiB  # address space per process
    file_bytes: int = 64 * MiB  # largest file it may write
    tmp_bytes: int = 128 * MiB  # all files it may write (the /tmp tmpfs)
    processes: int = 64  # processes and threads
    open_files: int = 256
    log_bytes: int = 256 * 1024  # what it prints, kept for the instructor
    result_bytes: int = 32 * MiB  # its answers, as data


@dataclass
class Run:
    """What came out of one sandboxed run."""

    results: bytes
    results_dropped: int  # bytes beyond the cap
    log: bytes
    log_dropped: int
    returncode: int | None
    timed_out: bool
    seconds: float


VENV = Path(sys.prefix)  # the paths of the grader's own Python, as it sees them


def _mounts() -> list[tuple[Path, Path]]:
    """(host folder, where it appears) for what the runner needs besides the system's.

    The Python installation, the virtual environment and relulib's source folder each
    appear both where the grader's Python sees them and at their real path (they differ
    when a parent folder is a symbolic link); the runner's folder appears at ``/grader``.
    """
    import relulib  # its source folder, when installed in development mode

    pairs = {(RUNNER_DIR, INSIDE)}
    for path in (Path(sys.base_prefix), VENV, Path(relulib.__file__).parent):
        real = Path(os.path.realpath(path))
        pairs |= {(real, real), (real, path)}
    kept = []
    for source, target in sorted(pairs, key=lambda pair: str(pair[1])):
        covered = [*map(Path, SYSTEM), *(t for _, t in kept)]  # already visible
        if not any(target.is_relative_to(folder) for folder in covered):
            kept.append((source, target))
    return kept


def _system_binds() -> list[str]:
    """``/usr`` and the library folders (or their links into ``/usr``), the linker's files."""
    args = []
    for path in SYSTEM:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for name in ETC:
        if os.path.exists(f"/etc/{name}"):
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    return args


class Sandbox:
    """Builds the command line that runs the runner in the sandbox, and runs it."""

    def __init__(self, limits: Limits, uid_base: int = 2_000_000_000):
        self.limits, self.uid_base = limits, uid_base
        self.mounts = _mounts()
        self.as_root = os.geteuid() == 0

    def exposes(self, path: Path) -> bool:
        """Whether ``path`` (the masters, submissions, results) would be visible inside."""
        path = Path(os.path.realpath(path))
        visible = [*map(Path, SYSTEM), *(source for source, _ in self.mounts)]
        return any(path.is_relative_to(folder) for folder in visible)

    def inner(self, command: list[str]) -> list[str]:
        """``bwrap`` and ``prlimit`` around ``command``, as the unprivileged user runs them."""
        lim = self.limits
        args = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns"]
        args += ["--die-with-parent", "--new-session", "--hostname", "grading"]
        args += _system_binds()
        for source, target in self.mounts:
            args += ["--ro-bind", str(source), str(target)]
        args += ["--proc", "/proc", "--dev", "/dev"]
        args += ["--size", str(lim.tmp_bytes // 4), "--tmpfs", "/dev/shm", "--remount-ro", "/dev"]
        args += ["--size", str(lim.tmp_bytes), "--tmpfs", "/tmp"]
        args += ["--dir", "/tmp/work", "--dir", "/tmp/home", "--remount-ro", "/"]
        args += ["--chdir", "/tmp/work", "--clearenv"]
        for name, value in self.environment().items():
            args += ["--setenv", name, value]
        prlimit = shutil.which("prlimit") or "/usr/bin/prlimit"
        return [*args, "--", prlimit, *self.rlimits(), "--", *command]

    def outer(self, slot: int, inner: list[str]) -> list[str]:
        """As root: a view in which the unprivileged user reaches every mount, then setpriv."""
        binds = _system_binds()
        for source, _ in self.mounts:  # the inner layer binds from these paths
            binds += ["--ro-bind", str(source), str(source)]
        args, made = ["bwrap", "--die-with-parent"], set()
        for target in binds[2::3]:  # parent folders world-readable, whatever they are outside
            for parent in reversed(Path(target).parents[:-1]):  # /work, /work/wt, ... not /
                if parent not in made:
                    args += ["--perms", "0755", "--dir", str(parent)]
                    made.add(parent)
        args += [*binds, "--bind", "/proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--"]
        uid = str(self.uid_base + slot)
        args += [shutil.which("setpriv") or "/usr/bin/setpriv", "--reuid", uid, "--regid", uid]
        args += ["--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--"]
        return args + inner

    def environment(self, home: str = "/tmp/home", tmp: str = "/tmp") -> dict[str, str]:
        """The runner's whole environment: nothing of the grader's is passed on."""
        return {
            "HOME": home,
            "USER": "student",
            "LANG": "C.UTF-8",
            "PATH": f"{VENV}/bin:/usr/bin:/bin",
            "TMPDIR": tmp,
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": f"{home}/.matplotlib",
            "IPYTHONDIR": f"{home}/.ipython",
            # one thread each: parallel jobs share the cores, and threads count as processes
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }

    def rlimits(self) -> list[str]:
        lim = self.limits
        return [
            f"--as={lim.memory_bytes}",
            f"--fsize={lim.file_bytes}",
            f"--nproc={lim.processes}",
            f"--cpu={lim.cpu_seconds}",
            f"--nofile={lim.open_files}",
            "--core=0",
        ]

    def command(self, slot: int, results_fd: int) -> list[str]:
        """The full command that runs the runner for the job in ``slot``."""
        python = str(VENV / "bin" / "python")
        inner = self.inner([python, *PYTHON_FLAGS, str(INSIDE / "runner.py"), str(results_fd)])
        return self.outer(slot, inner) if self.as_root else inner

    def run(self, payload: bytes, slot: int = 0) -> Run:
        """Run the runner on ``payload`` in a fresh sandbox; never raises for what it does."""
        return _run(lambda fd: self.command(slot, fd), payload, self.limits, cwd=None)

    def probe(self) -> str:
        """Empty if the sandbox works on this machine, else what went wrong and what to do."""
        if shutil.which("bwrap") is None:
            return "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
        if self.as_root and shutil.which("setpriv") is None:
            return "setpriv (util-linux) is not installed"
        python = str(VENV / "bin" / "python")
        inner = self.inner([python, *PYTHON_FLAGS, "-c", "import numpy; print('sandbox ok')"])
        command = self.outer(0, inner) if self.as_root else inner
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"the sandbox did not start: {exc}"
        if done.returncode != 0 or "sandbox ok" not in done.stdout:
            return f"the sandbox did not start: {(done.stderr or done.stdout).strip()[-500:]}"
        return ""


class Unsandboxed(Sandbox):
    """The runner with limits but WITHOUT isolation: student code has the grader's rights."""

    def run(self, payload: bytes, slot: int = 0) -> Run:
        python = str(VENV / "bin" / "python")
        with tempfile.TemporaryDirectory(prefix="relu-unsafe-") as work:
            home = Path(work) / "home"
            home.mkdir()

            def command(fd):
                prlimit = [shutil.which("prlimit") or "/usr/bin/prlimit", *self.rlimits(), "--"]
                return [*prlimit, python, *PYTHON_FLAGS, str(RUNNER_DIR / "runner.py"), str(fd)]

            env = self.environment(home=str(home), tmp=work)
            return _run(command, payload, self.limits, cwd=work, env=env)

    def probe(self) -> str:
        return ""


_LIVE: set[subprocess.Popen] = set()  # running sandboxes, for kill_all
_LIVE_LOCK = threading.Lock()


def kill_all() -> None:
    """Kill every sandbox still running (the grader is being interrupted)."""
    with _LIVE_LOCK:
        for process in list(_LIVE):
            _kill(process)


class _Capped:
    """The first ``cap`` bytes of a stream; the rest is counted and dropped."""

    def __init__(self, cap: int):
        self.cap, self.chunks, self.size, self.dropped = cap, [], 0, 0

    def add(self, chunk: bytes) -> None:
        keep = chunk[: max(0, self.cap - self.size)]
        self.chunks.append(keep)
        self.size += len(keep)
        self.dropped += len(chunk) - len(keep)

    def value(self) -> bytes:
        return b"".join(self.chunks)


def _run(command, payload: bytes, limits: Limits, cwd, env=None) -> Run:
    start = time.monotonic()
    results_r, results_w = os.pipe()
    log_r, log_w = os.pipe()
    try:
        with tempfile.TemporaryFile() as stdin:  # unnamed: nothing left behind on disk
            stdin.write(payload)
            stdin.seek(0)
            process = subprocess.Popen(
                command(results_w),
                stdin=stdin,
                stdout=log_w,
                stderr=log_w,
                pass_fds=(results_w,),  # every other descriptor of the grader is closed
                start_new_session=True,
                cwd=cwd,
                env=env,
            )
    finally:
        os.close(results_w)
        os.close(log_w)
    with _LIVE_LOCK:
        _LIVE.add(process)
    streams = {results_r: _Capped(limits.result_bytes), log_r: _Capped(limits.log_bytes)}
    try:
        timed_out = _collect(process, streams, start + limits.wall_seconds)
    finally:
        with _LIVE_LOCK:
            _LIVE.discard(process)
    return Run(
        results=streams[results_r].value(),
        results_dropped=streams[results_r].dropped,
        log=streams[log_r].value(),
        log_dropped=streams[log_r].dropped,
        returncode=process.returncode,
        timed_out=timed_out,
        seconds=time.monotonic() - start,
    )


def _collect(process, streams: dict, deadline: float) -> bool:
    """Read both pipes until they close and the sandbox exits; kill it at the deadline.

    Returns True if the deadline killed it. Answers beyond their cap kill it at once.
    """
    selector = selectors.DefaultSelector()
    for fd in streams:
        selector.register(fd, selectors.EVENT_READ)
    results = next(iter(streams.values()))
    timed_out = False
    try:
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0 and timed_out:
                break  # killed, yet a pipe stays open: stop reading rather than hang
            if left <= 0:
                timed_out = True
                _kill(process)
                deadline = time.monotonic() + 5  # for the pipes to close
                continue
            for key, _ in selector.select(timeout=left):
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    selector.unregister(key.fd)
                    continue
                streams[key.fd].add(chunk)
                if results.dropped:
                    _kill(process)
        if not timed_out:  # pipes closed, but the notebook may run on without them
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                timed_out = True
    finally:
        selector.close()
        for fd in streams:
            os.close(fd)
        if process.poll() is None:
            _kill(process)
        process.wait()
    return timed_out


def _kill(process) -> None:
    """SIGKILL the sandbox's process group; its pid namespace then dies with its init."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
