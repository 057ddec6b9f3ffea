"""The whole book as one PDF, printed by the Chromium the browser tests use.

``make pdf`` builds the book as a single HTML page (Sphinx's ``singlehtml`` builder, from the
same execution cache as the HTML book) and prints it with Playwright's ``page.pdf``: the
book's print stylesheet wraps code and hides the controls, and every interactive figure prints
the frame it shows first. Jupyter Book's own ``pdfhtml`` builder would download a Chromium
(pyppeteer), which this project never does.

In the HTML book, the role ``{book-pdf}`text``` links ``text`` to the PDF when one was made
(``_build/pdf/``, copied next to the pages); otherwise it says how to make it.

Run as a script: ``python pdf.py SINGLEHTML_DIR OUTPUT.pdf``.
"""

from __future__ import annotations

import functools
import http.server
import os
import posixpath
import re
import shutil
import sys
import threading
from pathlib import Path

from docutils import nodes

PDF_NAME = "relu-executable.pdf"
CHROMIUM = os.environ.get("RELULIB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def built_pdf(app) -> Path:
    return Path(app.outdir).parent / "pdf" / PDF_NAME


class book_pdf(nodes.Inline, nodes.TextElement):
    """Where the role ``{book-pdf}`` stands, until the page is written."""


def book_pdf_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [book_pdf(rawtext, text)], []


def resolve_book_pdf(app, doctree, docname) -> None:
    exists = built_pdf(app).exists() and app.builder.name == "html"
    for node in list(doctree.findall(book_pdf)):
        if exists:
            page_dir = posixpath.dirname(app.builder.get_target_uri(docname))
            href = posixpath.relpath(PDF_NAME, page_dir or ".")
            link = nodes.reference("", node.astext(), refuri=href)
            node.replace_self(link)
        else:
            note = [nodes.Text(" (not part of this build: "), nodes.literal("", "make pdf")]
            note.append(nodes.Text(" makes it)"))
            node.replace_self(nodes.inline("", node.astext(), *note))


def pages_with_pdf_link(app, env, added, changed, removed):
    # whether the PDF exists can change between builds without a source changing
    return sorted(_pdf_docs(env) - set(removed))


def note_pdf_link(app, doctree) -> None:
    if any(True for _ in doctree.findall(book_pdf)):
        _pdf_docs(app.env).add(app.env.docname)


def purge_pdf_link(app, env, docname) -> None:
    _pdf_docs(env).discard(docname)


def merge_pdf_links(app, env, docnames, other) -> None:
    _pdf_docs(env).update(_pdf_docs(other))


def _pdf_docs(env) -> set:
    if not hasattr(env, "relulib_book_pdf_docs"):
        env.relulib_book_pdf_docs = set()
    return env.relulib_book_pdf_docs


def singlehtml_like_html(app) -> None:
    """``builder-inited``: extensions register how their nodes look in ``html`` only
    (sphinx-proof, sphinx-exercise, sphinx-jupyterbook-latex): the single page that
    ``make pdf`` prints renders them the same way."""
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    handlers["singlehtml"] = {**handlers.get("html", {}), **handlers.get("singlehtml", {})}


def copy_pdf(app, exception) -> None:
    if exception is None and app.builder.name == "html" and built_pdf(app).exists():
        shutil.copy2(built_pdf(app), Path(app.outdir) / PDF_NAME)


def print_book(site: Path, output: Path) -> None:
    """Print the single-page book under ``site`` to ``output``."""
    from playwright.sync_api import sync_playwright

    index = _book_page(site)
    handler = functools.partial(_QuietHandler, directory=os.fspath(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{index.relative_to(site).as_posix()}"
    output.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(color_scheme="light")
        page.goto(url, wait_until="load")
        page.evaluate(
            "() => document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
        )
        page.wait_for_load_state("networkidle")
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
        page.wait_for_function("() => !window.MathJax || !!(MathJax.startup || {}).promise")
        page.evaluate("() => window.MathJax ? MathJax.startup.promise : null")
        page.emulate_media(media="print")
        page.pdf(
            path=os.fspath(output),
            format="A4",
            margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
            print_background=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=(
                '<div style="font-size:8px;width:100%;text-align:center">'
                '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
            ),
        )
        browser.close()
    server.shutdown()


def _book_page(site: Path) -> Path:
    """The single page, copied to the top of ``site``.

    Sphinx writes it where the root document lives (``book/intro.html``, which
    ``index.html`` redirects to) but links its styles, scripts and images as if it were at
    the top, where the copy works.
    """
    redirect = re.search(r'url=([^"]+)"', (site / "index.html").read_text(encoding="utf-8"))
    page = site / (redirect.group(1) if redirect else "index.html")
    top = site / "relu-executable.html"
    shutil.copyfile(page, top)
    return top


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    print_book(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())
    print(f"PDF written: {sys.argv[2]}")
