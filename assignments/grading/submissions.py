"""The submissions folder, read once and safely, and the names the results go under.

:func:`collect` walks the folder before any student code runs and keeps a snapshot of each
notebook: its bytes and their SHA-256, which the gradebook records. Only regular files are
read. Symbolic links (to files or folders) and other special files are rejected with a
reason, and so are hard links, whose other name may be a file the student should not
have. The assignment of a submission is the instructor's choice: ``ASSIGNMENT=``, or the
name of the folder it sits in; never what the notebook's metadata says.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

MAX_BYTES = 32 << 20  # a notebook larger than this is rejected
SKIPPED_FOLDERS = {".ipynb_checkpoints", "__MACOSX"}


@dataclass(frozen=True)
class Submission:
    name: str  # the path under the submissions folder, with "/"
    assignment: str  # "" when it cannot be told
    data: bytes = b""
    sha256: str = ""
    problem: str = ""  # why it cannot be graded; empty when it can


def collect(root: Path, masters: list[str], chosen: str | None) -> list[Submission]:
    """Every ``*.ipynb`` under ``root``, and every link to a folder there, in name order."""
    found = []
    for folder, subfolders, files in os.walk(root):  # never follows links to folders
        here = Path(folder)
        for name in list(subfolders):
            path = here / name
            if name in SKIPPED_FOLDERS:
                subfolders.remove(name)
            elif path.is_symlink():
                relative = _shown(path.relative_to(root).as_posix()) + "/"
                why = "a symbolic link to a folder: not followed"
                found.append(
                    Submission(relative, _assignment(relative, masters, chosen), problem=why)
                )
        for name in files:
            if name.lower().endswith(".ipynb"):
                found.append(snapshot(root, here / name, masters, chosen))
    return sorted(found, key=lambda s: s.name)


def _shown(name: str) -> str:
    """``name`` with bytes that are not UTF-8 escaped (``\\xe9``), so it can be written."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _assignment(relative: str, masters: list[str], chosen: str | None) -> str:
    if chosen:
        return chosen
    top = relative.split("/", 1)[0]
    return top if "/" in relative and top in masters else ""


def snapshot(root: Path, path: Path, masters: list[str], chosen: str | None) -> Submission:
    """One file's bytes and SHA-256, read without following links, or why it cannot be."""
    name = path.relative_to(root).as_posix()
    assignment = _assignment(name, masters, chosen)
    if _shown(name) != name:
        return Submission(_shown(name), assignment, problem="a file name that is not valid UTF-8")
    if not assignment:
        folders = ", ".join(masters)
        why = f"not in a folder named after an assignment ({folders}), and no ASSIGNMENT= given"
        return Submission(name, "", problem=why)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if os.path.islink(path):
            return Submission(name, assignment, problem="a symbolic link: submit the file itself")
        return Submission(name, assignment, problem=f"cannot be read ({exc.strerror})")
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return Submission(name, assignment, problem="not a regular file")
        if info.st_nlink > 1:
            return Submission(
                name, assignment, problem=f"a hard link (the file has {info.st_nlink} names)"
            )
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return Submission(name, assignment, problem=f"larger than {MAX_BYTES >> 20} MiB")
    digest = hashlib.sha256(data).hexdigest()
    return Submission(name, assignment, data, digest, notebook_problem(data))


def notebook_problem(data: bytes) -> str:
    """Empty if ``data`` is a notebook the grader can run, else what is wrong with it."""
    try:
        notebook = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return f"not a valid notebook: the file is not JSON ({type(exc).__name__})"
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
        return "not a valid notebook: no list of cells (nbformat 4 is expected)"
    return ""


def code_cells(data: bytes) -> list[str]:
    """The sources of a notebook's code cells, in order (a checked notebook)."""
    cells = json.loads(data.decode("utf-8"))["cells"]
    sources = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(part for part in source if isinstance(part, str))
            sources.append(source if isinstance(source, str) else "")
    return sources


def result_names(names: list[str]) -> dict[str, str]:
    """A distinct file name for each submission's feedback, even where names only differ in case.

    Every character but letters, digits, ``_``, ``.`` and ``-`` is percent-encoded, so that
    ``sub/x.ipynb`` and ``sub__x.ipynb`` stay apart; names that would still meet on a
    case-insensitive disk get a short hash of the full name.

    Example:
        >>> result_names(["sub/x.ipynb", "sub__x.ipynb", "A.ipynb", "a.ipynb"])["sub/x.ipynb"]
        'sub%2Fx'
    """
    stems = {}
    for name in names:
        stem = quote(name.removesuffix("/").removesuffix(".ipynb"), safe="")
        if stem[:1] in (".", "-", ""):  # no hidden files, nothing that looks like an option
            stem = f"%{ord(stem[0]):02X}{stem[1:]}" if stem else "%00"
        stems[name] = stem[:150]
    counts = Counter(stem.casefold() for stem in stems.values())
    for name, stem in stems.items():
        if counts[stem.casefold()] > 1 or len(stem) == 150:
            stems[name] = f"{stem}-{hashlib.sha256(name.encode()).hexdigest()[:10]}"
    return stems


def csv_safe(value):
    """A CSV cell that a spreadsheet will not run: text starting ``= + - @`` gets a quote.

    Example:
        >>> csv_safe('=HYPERLINK("http://x")'), csv_safe(-1.5), csv_safe("ok")
        ('\\'=HYPERLINK("http://x")', -1.5, 'ok')
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
