"""The downloadable notebooks install relulib themselves when they run outside the repository.

The book offers each chapter as an ``.ipynb`` (the theme's download button, a copy under
``_sources/``). Run in a fresh Colab or Jupyter session, its first import, ``relulib``, would
fail. At the end of the build every downloadable notebook gets a first code cell that installs
relulib from the book's repository when it cannot be imported, and does nothing where it can
(in the repository's ``.venv``, or once installed). Without a repository URL the cell says
where relulib comes from instead. The notebooks in ``book/`` are not touched.
"""

from __future__ import annotations

import json
from pathlib import Path

MARKER = "relulib-install"


def install_cell_source(repository_url: str, branch: str) -> str:
    """The code of the first cell, for a book published at ``repository_url``."""
    head = (
        "# Run outside the book's repository (in Colab, say), this installs relulib, the\n"
        "# book's library; where relulib is already importable it does nothing.\n"
        "import importlib.util\n"
    )
    if not repository_url:
        return head + (
            "\n"
            'if importlib.util.find_spec("relulib") is None:\n'
            "    raise ModuleNotFoundError(\n"
            '        "this notebook needs relulib: run it in a clone of the book\'s "\n'
            '        "repository, after `make book` (see its README)"\n'
            "    )\n"
        )
    requirement = f"relulib[book] @ git+{repository_url}@{branch or 'main'}"
    return head + (
        "import subprocess\n"
        "import sys\n"
        "\n"
        f'RELULIB = "{requirement}"\n'
        "\n"
        'if importlib.util.find_spec("relulib") is None:\n'
        '    pip = [sys.executable, "-m", "pip", "install", "-q", RELULIB]\n'
        "    subprocess.run(pip, check=True)\n"
        "    importlib.invalidate_caches()  # this kernel sees the new package\n"
    )


def add_install_cell(path: Path, source: str) -> bool:
    """Put the install cell first in the notebook at ``path`` (once); True if it changed."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    if cells and MARKER in cells[0].get("metadata", {}).get("tags", []):
        if "".join(cells[0]["source"]) == source:
            return False
        cells.pop(0)
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": MARKER,
        "metadata": {"tags": [MARKER]},
        "outputs": [],
        "source": source.splitlines(keepends=True),
    }
    if notebook.get("nbformat_minor", 0) < 5:
        del cell["id"]
    cells.insert(0, cell)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def install_relulib_in_downloads(app, exception) -> None:
    """``build-finished``: every notebook under ``_sources`` that imports relulib."""
    if exception is not None or app.builder.format != "html":
        return
    options = app.config.html_theme_options
    source = install_cell_source(
        options.get("repository_url", ""), options.get("repository_branch", "")
    )
    for path in sorted((Path(app.outdir) / "_sources").rglob("*.ipynb")):
        if "relulib" in path.read_text(encoding="utf-8"):
            add_install_cell(path, source)


def forced_notebooks(app, env, added, changed, removed) -> list[str]:
    """``env-get-outdated``: notebooks that ask to run on every build (``mystnb:
    execution_mode: force`` in their metadata, e.g. the status page, which reports on the
    latest tests) are read again even when their source did not change."""
    forced = []
    for docname in env.found_docs - set(removed):
        path = Path(env.doc2path(docname))
        if path.suffix == ".ipynb":
            metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
            if metadata.get("mystnb", {}).get("execution_mode") == "force":
                forced.append(docname)
    return forced
