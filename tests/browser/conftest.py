"""Browser tests: the built book and a live JupyterLab, driven by Debian's Chromium.

Without a browser these tests are skipped with a reason, except on CI (``CI`` set), where a
missing browser or an unbuilt book is a failure. Every request that would leave the machine
is blocked and recorded, so a page that needs the network fails instead of hanging.

One browser and one local server serve the whole session, and each page is loaded once
(``visited``) for every test that only looks at it, at a desktop's width or, resized,
a phone's (``narrowed``). What the tests
measure (page weights, load times, axe-core violations) goes into ``REPORT`` at the end of the
session, which the book's status page shows.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book" / "_ext"))
# the Chromium that prints the PDF (`make pdf`) is the one the tests drive
from relulib_book.pdf import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
REPORT = ROOT / "_build" / "browser-report.json"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
NARROW = {"width": 390, "height": 844}  # a phone
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (on CI the browser tests must run)", pytrace=False)
    pytest.skip(reason)


def book_pages() -> list[str]:
    """Every HTML page of the built book, as paths relative to its root."""
    if not BOOK.is_dir():
        return []
    return sorted(
        p.relative_to(BOOK).as_posix()
        for p in BOOK.rglob("*.html")
        if "_static" not in p.parts and "_sources" not in p.parts
    )


def chapter_pages() -> list[str]:
    """The pages made from the book's chapter notebooks."""
    return [page for page in book_pages() if (ROOT / page).with_suffix(".ipynb").exists()]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def book_url():
    if not (BOOK / "index.html").exists():
        _unavailable(f"the book is not built ({BOOK}); run `make book` first")
    handler = functools.partial(_QuietHandler, directory=os.fspath(BOOK))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@dataclass
class PageLog:
    """What a page did besides rendering: console errors, script errors, blocked requests,
    and the local files it fetched."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)

    arrival: list[str] = field(default_factory=list)  # ``fetched`` once the page settled

    def fetched_files(self, urls=None) -> list[Path]:
        """The files of the built book the page fetched (or ``urls``), each once."""
        urls = self.fetched if urls is None else urls
        paths = (BOOK / unquote(urlparse(url).path).lstrip("/") for url in urls)
        return [path for path in dict.fromkeys(paths) if path.is_file()]


def new_page(browser, viewport=None, color_scheme="light"):
    """A page whose requests may not leave this machine; ``page.log`` records the rest."""
    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 900}, color_scheme=color_scheme
    )
    log = PageLog()

    def keep_local(route):
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            log.external_requests.append(route.request.url)
            route.abort()

    context.route("**/*", keep_local)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and log.console_errors.append(m.text))
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    page.on(
        "response",
        lambda r: r.status >= 400 and log.failed_requests.append(f"{r.status} {r.url}"),
    )
    page.on("response", lambda r: r.url.startswith("http") and log.fetched.append(r.url))
    page.log = log
    return page


@pytest.fixture
def page(browser):
    """A fresh page, for tests that change what it shows."""
    page = new_page(browser)
    yield page
    page.context.close()


def selected_pages(request) -> list[str]:
    """The pages the session's selected tests ask for by their ``path`` parameter."""
    params = (getattr(item, "callspec", None) for item in request.session.items)
    return list(dict.fromkeys(p.params["path"] for p in params if p and "path" in p.params))


@pytest.fixture(scope="session")
def visited(request, browser, book_url):
    """``visited(path)``: the book page at ``path``, loaded once per session and shared by the
    tests (they may scroll and move its controls, not load another page in it).

    The first call loads, side by side, every page the session's selected tests ask for by
    their ``path`` parameter, so that the pages' network and rendering overlap."""
    pages = {}

    def load(paths):
        arriving = {}
        for path in paths:  # each page starts loading without waiting for the others
            page = new_page(browser)
            page.response = page.goto(f"{book_url}/{path}", wait_until="commit")
            arriving[path] = page
        for path, page in arriving.items():
            page.wait_for_load_state("load")
            page.wait_for_load_state("networkidle")
            page.log.arrival = list(page.log.fetched)  # before any test scrolls or clicks
            page.timing = page.evaluate(
                "() => { const t = performance.getEntriesByType('navigation')[0];"
                " return {dom: t.domContentLoadedEventEnd, load: t.loadEventEnd}; }"
            )
            pages[path] = page

    def visit(path):
        if not pages:
            load(selected_pages(request))
        if path not in pages:
            load([path])
        return pages[path]

    yield visit
    for page in pages.values():
        page.context.close()


@contextlib.contextmanager
def narrowed(page):
    """``page`` resized to a phone's viewport (390 x 844 CSS px) inside the block: media
    queries and layout follow (a script reading them forces the new layout), without loading
    the page again."""
    wide = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        yield page
    finally:
        page.set_viewport_size(wide)


@pytest.fixture(scope="session")
def report():
    """``report[page][measure] = value``: written to ``REPORT`` when the session ends, with
    the time and the commit, for the status page."""
    measures = defaultdict(dict)
    yield measures
    if not measures:
        return
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {
                "measured": datetime.datetime.now(datetime.timezone.utc).isoformat(
                    timespec="seconds"
                ),
                "commit": _commit(),
                "pages": dict(sorted(measures.items())),
            },
            indent=1,
        )
    )


def _commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return ""
    return result.stdout.strip()
