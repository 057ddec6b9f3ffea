"""Sphinx glue for the ReLU book.

1. The book's notebooks run in kernels started by this Sphinx process, so they inherit its
   environment. Setting ``RELULIB_HTML_FRAMES=all`` here makes every
   ``relulib.widgets.interactive_figure`` in those kernels embed all of its precomputed frames
   in its kernel-free HTML face; a live notebook keeps the default (current frame only) and
   pays nothing for the book.
2. Launch buttons (Colab, Binder) need the repository's address. Until ``repository.url`` is
   set in ``_config.yml`` they are switched off here, instead of failing the build (the theme
   cannot build a launch link without a repository).
"""

import os

from sphinx.util import logging

logger = logging.getLogger(__name__)


def _launch_buttons_need_a_repository(app, config):
    theme_options = config.html_theme_options
    if not theme_options.get("repository_url") and theme_options.get("launch_buttons"):
        theme_options["launch_buttons"] = {}
        logger.info("relulib_book: repository.url is empty, so launch buttons are off")


def setup(app):
    os.environ["RELULIB_HTML_FRAMES"] = "all"
    app.connect("config-inited", _launch_buttons_need_a_repository)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
