"""Theme settings and page assets: colour mode, header, launch buttons, icons, scripts.

- The book follows the reader's colour scheme on a first visit (``default_mode: auto``);
  figures are opaque PNGs, shown as light cards on the dark theme (``relulib-book.css``).
- The theme's header repeats the sidebar's search field on wide screens: it is dropped
  (``navbar_persistent``); narrow screens keep the search button of the article header.
- Launch buttons (Colab, Binder) and the repository, issue and edit links need the
  repository's address. ``repository.url`` in ``_config.yml`` gives it; when that is empty,
  the environment variable ``RELULIB_REPOSITORY_URL`` (set by the publishing workflow to the
  repository it runs in) does, with ``RELULIB_REPOSITORY_BRANCH``; without either, the
  buttons are off instead of failing the build. The substitution ``{{ launch_help }}`` says
  what this copy's buttons do, so that a page never promises a button that is not there.
- The theme loads Font Awesome twice: as a web font from its stylesheet, and as a 1.5 MB
  script that replaces each icon by an SVG. The page keeps the web font (only the glyph files
  its icons use are fetched) and drops the script (``_theme_templates``).
- Each page loads each script once, and no widget state: every interactive figure shows its
  kernel-free face, so the ipywidgets state MyST-NB embeds would never be read.
- MathJax is served by the book itself when ``npm ci`` has installed it, so math renders
  without a network. It is copied next to the pages through ``html_extra_path``: files under
  ``html_static_path`` would each be injected into every page.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

MATHJAX_ENTRY = "tex-mml-chtml.js"
LAUNCH_HELP = (
    "At the top of each chapter, the launch menu (the rocket) opens the chapter in Binder, "
    "with everything installed, or in Colab, where it needs the book's library first: run "
    '`!pip install "{requirement}"` in a new first cell. The notebook from the download menu '
    "has that cell already."
)
NO_LAUNCH_HELP = (
    "This copy of the book was built without its repository's address, so it has no launch "
    "buttons. The download menu at the top of each chapter gives its notebook, which runs in "
    "a clone of the repository."
)
STATIC = Path(__file__).parent / "static"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def theme_options(app, config) -> None:
    config.html_context = {"default_mode": "auto", **config.html_context}
    options = config.html_theme_options
    options["navbar_persistent"] = []
    configured = options.get("repository_url", "")
    url = configured or os.environ.get("RELULIB_REPOSITORY_URL", "")
    if url:
        options["repository_url"] = url.removesuffix(".git").rstrip("/")
        branch = os.environ.get("RELULIB_REPOSITORY_BRANCH")
        if branch and not configured:
            options["repository_branch"] = branch
        for button in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
            options[button] = True
        logger.info(f"relulib_book: launch buttons and links point to {url}")
        help_text = LAUNCH_HELP.format(requirement=f"relulib[book] @ git+{url}")
    else:
        help_text = NO_LAUNCH_HELP
        for button in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
            options[button] = False
        if options.get("launch_buttons"):
            options["launch_buttons"] = {}
            logger.info("relulib_book: repository.url is empty, so launch buttons are off")
    # {{ launch_help }} in a page: what this copy's launch and download buttons do
    config.myst_substitutions = {"launch_help": help_text, **config.myst_substitutions}


def serve_mathjax_locally(app, config) -> None:
    source = Path(app.confdir) / "node_modules" / "mathjax" / "es5"
    if not (source / MATHJAX_ENTRY).exists():
        logger.info(
            "relulib_book: node_modules/mathjax is missing (run `npm ci`), so pages load "
            "MathJax from a CDN and need a network to show math"
        )
        return
    # html_extra_path copies the *contents* of vendor/ into the output, so the files land in
    # _static/mathjax/, where Sphinx resolves a relative mathjax_path.
    vendor = Path(app.outdir).parent / "vendor"
    shutil.copytree(source, vendor / "_static" / "mathjax", dirs_exist_ok=True)
    config.html_extra_path = [*config.html_extra_path, os.fspath(vendor)]
    config.mathjax_path = f"mathjax/{MATHJAX_ENTRY}"
    logger.info("relulib_book: MathJax is served from the book (node_modules/mathjax)")


def theme_templates(app, config) -> None:
    """A copy of the theme's asset macros without the Font Awesome script, found first."""
    import pydata_sphinx_theme

    name = Path("static") / "webpack-macros.html"
    source = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / name
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "scripts/fontawesome.js" not in line]
    if len(kept) == len(lines):
        logger.warning("relulib_book: the theme no longer loads fontawesome.js; drop this step")
        return
    templates = Path(app.outdir).parent / "relulib_templates"
    (templates / name).parent.mkdir(parents=True, exist_ok=True)
    (templates / name).write_text("".join(kept), encoding="utf-8")
    config.templates_path = [os.fspath(templates), *config.templates_path]


def static_files(app, config) -> None:
    config.html_static_path = [*config.html_static_path, os.fspath(STATIC)]


def drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    # sphinx-thebe registers its inline config script once per read phase, and Jupyter Book
    # runs two; the second copy throws "Identifier 'THEBE_JS_URL' has already been declared".
    # The copies differ only in filename None versus "", so compare what reaches the page.
    seen, unique = set(), []
    for script in context.get("script_files", []):
        if script.attributes.get("type") == WIDGET_STATE:
            continue  # read by no one: every widget shows its kernel-free face
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


_BIBLIOGRAPHY_ENTRY = re.compile(r'(<div class="citation" id="[^"]*") role="doc-biblioentry"')


def bibliography_roles(app, pagename, templatename, context, doctree) -> None:
    # docutils marks the entries of a citation list with the deprecated role doc-biblioentry,
    # which leaves role="list" without list items (axe: aria-required-children, critical).
    body = context.get("body", "")
    if 'role="doc-biblioentry"' in body:
        context["body"] = _BIBLIOGRAPHY_ENTRY.sub(r'\1 role="listitem"', body)
