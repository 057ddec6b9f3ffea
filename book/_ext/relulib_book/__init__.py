"""Sphinx glue for the ReLU book.

1. The book's notebooks run in kernels started by this Sphinx process, so they inherit its
   environment. Setting ``RELULIB_HTML_FRAMES=all`` here makes every
   ``relulib.widgets.interactive_figure`` in those kernels embed all of its precomputed frames
   in its kernel-free HTML face; a live notebook keeps the default (current frame only) and
   pays nothing for the book.
2. Theme options: the book opens in light mode (its figures are drawn on white), and launch
   buttons (Colab, Binder) need the repository's address. Until ``repository.url`` is
   set in ``_config.yml`` they are switched off here, instead of failing the build (the theme
   cannot build a launch link without a repository).
3. Each page loads each script once (see ``_drop_duplicate_scripts``).
4. MathJax is served by the book itself when ``npm ci`` has installed it into
   ``node_modules``, so math renders without a network. It is copied next to the pages
   through ``html_extra_path``: files under ``html_static_path`` would each be injected into
   every page.
"""

import os
import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

MATHJAX_ENTRY = "tex-mml-chtml.js"


def _theme_options(app, config):
    # Figures are drawn on white, so the book opens in light mode. Left empty, the theme
    # logs "Got invalid theme mode" on every page.
    config.html_context = {"default_mode": "light", **config.html_context}
    theme_options = config.html_theme_options
    if not theme_options.get("repository_url") and theme_options.get("launch_buttons"):
        theme_options["launch_buttons"] = {}
        logger.info("relulib_book: repository.url is empty, so launch buttons are off")


def _serve_mathjax_locally(app, config):
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


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    # sphinx-thebe registers its inline config script once per read phase, and Jupyter Book
    # runs two; the second copy throws "Identifier 'THEBE_JS_URL' has already been declared".
    # The copies differ only in filename None versus "", so compare what reaches the page.
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    os.environ["RELULIB_HTML_FRAMES"] = "all"
    app.connect("config-inited", _theme_options)
    app.connect("config-inited", _serve_mathjax_locally)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
