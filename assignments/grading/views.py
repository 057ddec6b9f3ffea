"""What relulib and torch look like inside an assignment's sandbox.

The sandbox shows the real relulib (read-only) with two changes, made by mounting files of
this module's making over parts of it:

* ``relulib.checks`` is a stub whose every ``check_*`` does nothing. The checks run in the
  trusted scorer; inside, the notebook's ``grader.check`` cells do nothing anyway, and the
  checks' source (expected values, explanations) stays out of the student's reach.
* What a question forbids is not there at all. A question's config may say
  ``forbid: [relulib]``, ``forbid: [torch]``, ``forbid: [relulib.regions]`` (a module) or
  ``forbid: [relulib.regions.tent_network]`` (a top-level function or class, removed from
  its module's source). The whole assignment's sandbox is built without the union of its
  questions' forbidden names, so a notebook cannot score by importing the answer; the
  feedback says what was missing.

Removing a source is a real block: the files are not in the sandbox, where a runtime hook
(an import filter, a deleted attribute) could be undone by the student's own code.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
from pathlib import Path

from grading.masters import Master

CHECKS_STUB = '''"""relulib.checks while a notebook is graded: the checks run outside."""


class _Nothing:
    """Any attribute, any call: itself. ``check_x(f).raise_if_failed()`` does nothing."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __bool__(self):
        return True

    def __repr__(self):
        return "(relulib's checks do not run while the notebook is graded)"


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _Nothing()
'''
MODULE_STUB = '''"""A module that is not available while this notebook is graded."""

raise ImportError({message!r})
'''
PACKAGE_STUB = '''"""relulib while this notebook is graded: not there (a question forbids it)."""


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError({message!r}.format(name=name))
'''


class ViewError(ValueError):
    """A ``forbid`` entry that cannot be honoured, with the reason."""


def relulib_folder() -> Path:
    import relulib

    return Path(os.path.realpath(Path(relulib.__file__).parent))


def torch_folder() -> Path:
    spec = importlib.util.find_spec("torch")  # without importing it
    if spec is None or spec.origin is None:
        raise ViewError("torch is not installed")
    return Path(os.path.realpath(spec.origin)).parent


def build(master: Master, folder: Path) -> list[tuple[Path, Path]]:
    """Write the assignment's replacement files under ``folder``.

    Returns ``(replacement, real path)`` pairs: each replacement is to be mounted wherever
    the real path appears in the sandbox. Raises :class:`ViewError` for a forbidden name
    that does not exist or cannot be removed alone.
    """
    forbidden = set(master.forbidden)
    relulib = relulib_folder()
    folder.mkdir(mode=0o755, parents=True, exist_ok=True)
    mounts = []
    if "relulib" in forbidden:
        package = folder / "relulib"
        message = "relulib.{name} is not available while this notebook is graded: " + _why(
            master, "relulib"
        )
        _write(package / "__init__.py", PACKAGE_STUB.format(message=message))
        _checks(relulib, package / "checks")
        mounts.append((package, relulib))
    else:
        mounts.append((_checks(relulib, folder / "checks"), relulib / "checks"))
        mounts += _removed(master, relulib, folder)
    if "torch" in forbidden:
        package = folder / "torch"
        message = "torch is not available while this notebook is graded: " + _why(master, "torch")
        _write(package / "__init__.py", MODULE_STUB.format(message=message))
        mounts.append((package, torch_folder()))
    return mounts


def _why(master: Master, name: str) -> str:
    questions = [q.name for q in master.questions if name in q.forbid]
    return f"{', '.join(questions)} of {master.name} forbid{'s' * (len(questions) == 1)} it"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o644)  # the sandbox's unprivileged user reads it
    return path


def _checks(relulib: Path, stub: Path) -> Path:
    """A stub ``relulib.checks`` package with one stub module per real one."""
    for module in [relulib / "checks" / "__init__.py", *sorted((relulib / "checks").glob("*.py"))]:
        _write(stub / module.name, CHECKS_STUB)
    return stub


def _removed(master: Master, relulib: Path, folder: Path) -> list[tuple[Path, Path]]:
    """Replacements for the relulib modules that lose a forbidden module or name."""
    by_module: dict[str, set[str] | None] = {}
    for name in master.forbidden:
        parts = name.split(".")
        if parts[0] != "relulib" or len(parts) == 1:
            continue
        if len(parts) > 3 or not (relulib / f"{parts[1]}.py").is_file():
            raise ViewError(f"{master.name}: cannot forbid {name}: no module relulib.{parts[1]}")
        if parts[1] == "checks":
            raise ViewError(f"{master.name}: relulib.checks never runs in the sandbox")
        if len(parts) == 2:
            by_module[parts[1]] = None
        elif by_module.get(parts[1], set()) is not None:
            by_module.setdefault(parts[1], set()).add(parts[2])
    mounts = []
    for module, names in sorted(by_module.items()):
        original = relulib / f"{module}.py"
        if names is None:
            message = f"relulib.{module} is not available while this notebook is graded"
            text = MODULE_STUB.format(message=f"{message}: {_why(master, f'relulib.{module}')}")
        else:
            text = without(original.read_text(encoding="utf-8"), names, f"relulib.{module}")
            _check_unused(relulib, module, names)
        mounts.append((_write(folder / "modules" / f"{module}.py", text), original))
    if mounts and (relulib / "__pycache__").is_dir():  # compiled copies of the originals
        empty = folder / "empty"
        empty.mkdir(mode=0o755, exist_ok=True)
        mounts.append((empty, relulib / "__pycache__"))
    return mounts


def without(source: str, names: set[str], module: str) -> str:
    """``source`` without its top-level functions or classes ``names`` (and their ``__all__``).

    Example:
        >>> print(without("def a():\\n    pass\\n\\ndef b():\\n    return 1\\n__all__ = ['a', 'b']",
        ...               {"a"}, "m"))
        def b():
            return 1
        __all__ = ['b']
    """
    tree = ast.parse(source)
    defined = {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    if names - defined:
        raise ViewError(
            f"cannot forbid {sorted(names - defined)}: not defined at the top of {module}"
        )
    tree.body = [node for node in tree.body if getattr(node, "name", None) not in names]
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if [getattr(t, "id", None) for t in targets] == ["__all__"] and isinstance(
            node.value, (ast.List, ast.Tuple)
        ):
            node.value.elts = [e for e in node.value.elts if getattr(e, "value", None) not in names]
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    if used & names:
        raise ViewError(
            f"cannot forbid {sorted(names)}: the rest of {module} uses {sorted(used & names)} "
            "(forbid those users too)"
        )
    return ast.unparse(tree) + "\n"


def _check_unused(relulib: Path, module: str, names: set[str]) -> None:
    """No other relulib module (the checks aside) imports a removed name."""
    for path in sorted(relulib.rglob("*.py")):
        if "checks" in path.relative_to(relulib).parts or path.stem == module:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == f"relulib.{module}":
                clash = names & {alias.name for alias in node.names}
                if clash:
                    raise ViewError(
                        f"cannot forbid relulib.{module}.{sorted(clash)[0]}: "
                        f"{path.relative_to(relulib.parent)} imports it"
                    )


def carries_torch(payload: dict) -> bool:
    """Whether the inputs in a plan's payload hold tensors or layers (torch must be there)."""
    text = json.dumps(payload)
    return '{"tensor":' in text or '{"layer":' in text
