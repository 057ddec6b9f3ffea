"""The book's text keeps its promises: provenance, chapter shape, and plumbing out of sight.

These read the notebooks' sources (no execution), so they are fast and run with the unit tests.
"""

import ast
import json
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parent.parent / "book"
CHAPTERS = sorted(BOOK.glob("[0-9][0-9]-*.ipynb"))
PAGES = [*CHAPTERS, BOOK / "overview.ipynb"]
HIDDEN = {"remove-input", "hide-input", "remove-cell", "hide-cell"}
KINDS = {"derive", "predict", "implement"}


def cells(path, kind):
    notebook = json.loads(path.read_text())
    return [c for c in notebook["cells"] if c["cell_type"] == kind]


def text(path):
    return "\n".join("".join(c["source"]) for c in cells(path, "markdown"))


def test_there_are_chapters():
    assert len(CHAPTERS) >= 6


@pytest.mark.parametrize("path", [*PAGES, *BOOK.glob("*.md")], ids=lambda p: p.name)
def test_no_number_is_attributed_to_internal_notes(path):
    content = path.read_text() if path.suffix == ".md" else text(path)
    for phrase in ("design notes", "verified notes", "as quoted"):
        assert phrase not in content.lower(), f"{path.name} says {phrase!r}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_opens_with_objectives_and_closes_with_key_ideas_and_reading(path):
    content = text(path)
    head = content[: content.index("\n## ")] if "\n## " in content else content
    assert "Learning objectives" in head
    assert "**Prerequisites:**" in head and "**Time:**" in head
    for heading in ("## Key ideas", "## Exercises", "## Further reading"):
        assert re.search(rf"^{heading}\s*$", content, re.M), f"{path.name} lacks {heading}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_has_five_exercises_of_the_three_kinds(path):
    found = re.findall(r"`{3,}\{exercise\}[^\n]*\n((?::[^\n]*\n)*)", text(path))
    kinds = [re.search(r":class:\s*(\w+)", options) for options in found]
    kinds = [k.group(1) if k else None for k in kinds]
    assert len(kinds) >= 5, f"{path.name}: {len(kinds)} exercises"
    assert set(kinds) == KINDS, f"{path.name}: kinds {kinds}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_headings_carry_no_hand_typed_numbers(path):
    numbered = re.findall(r"^#+ +\d+(?:\.\d+)*\.? .*$", text(path), re.M)
    assert not numbered, f"{path.name}: {numbered} (numbers come from the table of contents)"


BOOKKEEPING = {"glue", "glue_numbers", "glue_percents", "markdown_table"}


def _only_bookkeeping(source):
    """True if every statement of a code cell is an assert or a glue/table call."""
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython magics: not bookkeeping
        return False

    def is_bookkeeping(node):
        if isinstance(node, ast.Assert):
            return True
        call = node.value if isinstance(node, ast.Expr) else None
        if not isinstance(call, ast.Call):
            return False
        name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
        return name in BOOKKEEPING

    return bool(body) and all(is_bookkeeping(node) for node in body)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_no_visible_cell_only_glues_asserts_or_builds_a_table(path):
    shown = [
        "".join(c["source"])
        for c in cells(path, "code")
        if not HIDDEN & set(c["metadata"].get("tags", []))
    ]
    offending = [source for source in shown if _only_bookkeeping(source)]
    assert not offending, f"{path.name}: visible bookkeeping cells:\n" + "\n---\n".join(offending)


def test_bibliography_parses_and_every_citation_has_an_entry():
    from pybtex.database import parse_file

    entries = parse_file(BOOK / "references.bib").entries
    sources = [text(path) for path in BOOK.glob("*.ipynb")]
    sources += [path.read_text() for path in BOOK.glob("*.md")]
    cited = set()
    for source in sources:
        for keys in re.findall(r"\{cite(?::[a-z]+)?\}`([^`]+)`", source):
            cited.update(key.strip() for key in keys.split(","))
    missing = sorted(key for key in cited if key not in entries)
    assert not missing, f"cited but not in references.bib: {missing}"
