"""Author-year bibliography: labels that match the citations in the text.

sphinxcontrib-bibtex cites "Arora et al. [2018]" in the text but labels the entry [ABMM18] in
the list, with accents mangled ([MontufarPCB14]). The ``relulib`` pybtex style labels each
entry the way the text cites it ("Arora et al., 2018", "Montúfar et al., 2014") and sorts by
author and year. Two papers whose citations would read the same get years 2019a and 2019b,
in the text and in the list alike.
"""

from __future__ import annotations

import itertools
import string

import pybtex.plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle

STYLE = "relulib"


def cited_authors(entry) -> str:
    """The names an author-year citation of ``entry`` shows: "Hanin and Rolnick", "Lu et al."."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    surnames = [_surname(person) for person in persons]
    if not surnames:
        return entry.fields.get("title", entry.key)
    if len(surnames) == 1:
        return surnames[0]
    if len(surnames) == 2:
        return f"{surnames[0]} and {surnames[1]}"
    return f"{surnames[0]} et al."


def _surname(person) -> str:
    parts = person.rich_prelast_names + person.rich_last_names
    return " ".join(part.render_as("text") for part in parts)


class AuthorYearLabels(BaseLabelStyle):
    """Labels "Authors, year", as the author-year citations print them."""

    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield f"{cited_authors(entry)}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearStyle(UnsrtStyle):
    """pybtex's ``unsrt`` entries, sorted by author, year and title, labelled author-year."""

    default_label_style = "relulib_author_year"
    default_sorting_style = "author_year_title"


def register() -> None:
    """Make the style known to pybtex (sphinxcontrib-bibtex looks it up by name)."""
    pybtex.plugin.register_plugin("pybtex.style.labels", "relulib_author_year", AuthorYearLabels)
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE, AuthorYearStyle)


def disambiguate_years(app) -> None:
    """Give same-author, same-year entries years "2019a", "2019b" (ordered by title).

    Runs after sphinxcontrib-bibtex has parsed the .bib files (``builder-inited``); the
    parsed data is cached between builds, so entries that already carry a letter are left.
    """
    if "cite" not in app.env.domains:  # sphinxcontrib.bibtex not loaded: no bibliography
        return
    entries = app.env.get_domain("cite").bibdata.data.entries.values()
    fresh = [entry for entry in entries if entry.fields.get("year", "").isdigit()]

    def citation(entry):
        return (cited_authors(entry), entry.fields["year"])

    for _, group in itertools.groupby(sorted(fresh, key=citation), key=citation):
        same = sorted(group, key=lambda entry: entry.fields.get("title", "").lower())
        if len(same) > 1:
            for letter, entry in zip(string.ascii_lowercase, same, strict=False):
                entry.fields["year"] += letter
