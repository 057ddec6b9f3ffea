"""Sphinx glue for the ReLU book.

1. The book's notebooks run in kernels started by this Sphinx process, so they inherit its
   environment. Setting ``RELULIB_HTML_FRAMES=all`` here makes every
   ``relulib.widgets.interactive_figure`` in those kernels build all of its frames into its
   kernel-free HTML face; a live notebook keeps the default (current frame only) and pays
   nothing for the book. ``figures`` then moves the frames out of the page into image files.
2. ``theme``: colour mode, header, launch buttons and repository links, icons, one copy of
   each script, local MathJax.
3. ``static/relulib-book.css`` and ``.js``: accessibility, narrow screens, dark mode and
   print, where the theme falls short (each rule says why).
4. ``bibliography``: author-year labels in the reference list, 2019a/2019b.
5. ``notebooks``: the downloadable notebooks install relulib outside the repository; the
   status page is read again on every build.
6. ``pdf``: the ``{book-pdf}`` role, and the script ``make pdf`` runs.
"""

import os

from . import bibliography, figures, notebooks, pdf, theme


def setup(app):
    os.environ["RELULIB_HTML_FRAMES"] = "all"
    bibliography.register()
    app.connect("config-inited", theme.theme_options)
    app.connect("config-inited", theme.serve_mathjax_locally)
    app.connect("config-inited", theme.theme_templates)
    app.connect("config-inited", theme.static_files)
    app.add_css_file("relulib-book.css")
    app.add_js_file("relulib-book.js", defer="defer")
    app.connect("builder-inited", bibliography.disambiguate_years, priority=600)
    app.connect("doctree-resolved", figures.frames_to_files)
    app.connect("doctree-resolved", figures.lazy_images)
    app.connect("html-page-context", theme.drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", theme.bibliography_roles)
    app.connect("build-finished", notebooks.install_relulib_in_downloads)
    app.connect("env-get-outdated", notebooks.forced_notebooks)
    app.add_node(pdf.book_pdf)
    app.add_role("book-pdf", pdf.book_pdf_role)
    app.connect("doctree-read", pdf.note_pdf_link)
    app.connect("env-purge-doc", pdf.purge_pdf_link)
    app.connect("env-merge-info", pdf.merge_pdf_links)
    app.connect("env-get-outdated", pdf.pages_with_pdf_link)
    app.connect("doctree-resolved", pdf.resolve_book_pdf)
    app.connect("build-finished", pdf.copy_pdf)
    app.connect("builder-inited", pdf.singlehtml_like_html)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
