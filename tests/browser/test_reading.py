"""Reading online: light pages, accessible in light and dark mode, nothing wider than a phone,
figure text a phone can read, solution toggles a keyboard can find.

The measurements (weights, load times, axe-core counts) also go into the session's report,
which the book's status page shows.
"""

from __future__ import annotations

import contextlib
import json
import re

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from relulib.plotting import style
from tests.browser.conftest import (
    AXE,
    BOOK,
    ROOT,
    book_pages,
    chapter_pages,
    narrowed,
    new_page,
    selected_pages,
)

CHAPTER_BUDGET_BYTES = 3 * 1024 * 1024  # a chapter as served, before its frames are fetched
HTML_BUDGET_BYTES = 300 * 1024
FRAMES = "/_images/relulib/"  # where the build puts the frames of interactive figures
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Rules whose outcome depends on colours: the only ones run again in dark mode (a whole run of
# axe on the API page's 20 000 elements takes seconds).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
BLOCKING = {"serious", "critical"}
MIN_TEXT_PX = 11

# MathJax's output is left out (not its containers, which may scroll): a third of the API
# page's elements, all drawn in the colour of the text around them, which axe checks. It is
# left out by its few top elements (`mjx-container > *`, whose subtrees go with them): axe
# compares every node with each excluded one, and `mjx-container *` names thousands, which
# made this fixture three times slower. No CSS
# selectors either (a third of the time): a violation names its element by its HTML. Each
# page runs its light pass (WCAG 2.1 A and AA rules), then its dark pass (the rules about
# colours), on its own: START_AXE returns at once, FINISH_AXE waits, so the pages' renderers
# work side by side.
START_AXE = """([tags, colourRules]) => {
  const run = rules => axe.run({exclude: [["mjx-container > *"]]}, {
    runOnly: rules, resultTypes: ["violations"], selectors: false
  }).then(result => result.violations.map(v => ({
    id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map(n => n.html.slice(0, 120)),
    count: v.nodes.length
  })));
  const theme = mode => {
    document.documentElement.dataset.mode = mode;
    document.documentElement.dataset.theme = mode;
  };
  window.relulibAxe = (async () => {
    theme("light");
    const light = await run({type: "tag", values: tags});
    theme("dark");
    const dark = await run({type: "rule", values: colourRules});
    theme("light");
    return {light, dark};
  })();
}"""
FINISH_AXE = "() => window.relulibAxe"

# The theme's own switch, as a reader's click would leave it, with colour transitions off so
# that axe never sees a colour half-way.
SET_THEME = """mode => {
  if (!document.getElementById("no-transitions")) {
    const style = document.createElement("style");
    style.id = "no-transitions";
    style.textContent = "*, *::before, *::after { transition: none !important; }";
    document.head.append(style);
  }
  document.documentElement.dataset.mode = mode;
  document.documentElement.dataset.theme = mode;
}"""

# The theme's rule: a code block or output that scrolls takes a tab stop, one that does not has
# none. True once every such element follows it.
TAB_STOPS_SETTLED = """() => Array.from(document.querySelectorAll(
  "pre, .cell_output > .output, .pst-scrollable-table-container"
)).every(e => (e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight)
  === (e.tabIndex === 0))"""

WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll("body *"))
    .filter(e => e.getBoundingClientRect().right > width + 1 && !scrolls(e))
    .filter(e => getComputedStyle(e).visibility !== "hidden")
    .slice(-5)
    .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.textContent.slice(0, 40)}`);
}"""

FIGURE_TEXT_PX = """() => Array.from(document.querySelectorAll(".relulib-figure img")).map(img => {
  const source = img.parentElement.querySelector("source");
  const shown = source && matchMedia(source.media).matches ? source : img;
  const natural = Number(shown.getAttribute("width"));
  return Number(shown.dataset.textPx) * img.clientWidth / natural;
})"""


@pytest.fixture(scope="session")
def axe_violations(request, visited):
    """``{path: {"light": [...], "dark": [...]}}``: axe-core's violations on every page the
    session's tests select, in light mode (the WCAG 2.1 A and AA rules) and dark mode (the
    rules about colours), all pages at once."""
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}); run `npm ci`")
    pages = {path: visited(path) for path in selected_pages(request)}
    for page in pages.values():
        page.add_script_tag(path=AXE)
    for page in pages.values():
        # as a reader finds the page: no hover or focus left by other tests' clicks
        page.mouse.move(0, 0)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
    # and settled after the tests' resizing: the theme sets code blocks' tab stops 0.3 s after
    # a resize (later on a loaded machine), from the layout it then sees; ask it once more,
    # now that the layout is final, and wait. A block still wrong after 5 s is axe's to report.
    for page in pages.values():
        page.evaluate("() => window.dispatchEvent(new Event('resize'))")
    for page in pages.values():
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(TAB_STOPS_SETTLED, timeout=5000)
    for page in pages.values():
        page.evaluate(SET_THEME, "light")  # turns colour transitions off
        page.evaluate(START_AXE, [AXE_TAGS, COLOUR_RULES])
    return {path: page.evaluate(FINISH_AXE) for path, page in pages.items()}


@pytest.mark.parametrize("path", book_pages())
def test_no_serious_accessibility_violations_in_light_or_dark_mode(axe_violations, report, path):
    found = axe_violations[path]
    report[path]["axe"] = {
        mode: {v["id"]: [v["impact"], v["count"]] for v in violations}
        for mode, violations in found.items()
    }
    blocking = [
        f"{mode}: {v['id']} ({v['impact']}, {v['count']}x) at {v['nodes']}"
        for mode, violations in found.items()
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert not blocking, "\n".join(blocking)


# Every kind of box the book's extensions draw (admonitions, sphinx-proof's tinted proofs,
# sphinx-exercise, sphinx-design dropdowns, sidebars, margins, topics), each with a
# cross-reference link in its title and in its text: the theme's link colour must contrast
# with every tint, including boxes no chapter uses yet.
LINKS = (
    '<a class="reference internal" href="#"><span class="std std-numref">Exercise 9.9</span></a>'
    ' and <a class="reference internal" href="#"><span class="doc">Properties</span></a>'
)
ADMONITIONS = ["note", "tip", "hint", "important", "warning", "caution", "attention",
               "danger", "error", "seealso"]  # fmt: skip
PROOFS = ["theorem", "axiom", "criterion", "lemma", "definition", "remark", "conjecture",
          "corollary", "example", "property", "observation", "proposition", "assumption",
          "notation", "algorithm"]  # fmt: skip


def _box(classes, tag="div", title="p", title_class="admonition-title", body_class=""):
    heading = f'<{title} class="{title_class}">See {LINKS}</{title}>'
    body = f'<section class="{body_class}"><p>Text with {LINKS}, in a sentence.</p></section>'
    return f'<{tag} class="{classes}" open>{heading}{body}</{tag}>'


EVERY_BOX = "\n".join(
    [_box(f"{kind} admonition") for kind in ADMONITIONS]
    + [_box("admonition")]
    + [_box(f"proof {kind} admonition") for kind in PROOFS]
    + [_box("proof admonition")]
    + [_box(f"exercise {kind} admonition") for kind in ("predict", "implement", "derive")]
    + [_box("solution admonition"), _box("solution dropdown admonition")]
    + [_box("admonition hide above-input", tag="details", title="summary")]
    + [
        _box(
            "sd-sphinx-override sd-dropdown sd-card",
            tag="details",
            title="summary",
            title_class="sd-summary-title sd-card-header",
            body_class="sd-card-body",
        )
    ]
    + [
        _box(kind, tag="aside", title_class="sidebar-title")
        for kind in ("sidebar", "margin sidebar")
    ]
    + [_box("topic", tag=tag, title_class="topic-title") for tag in ("aside", "div")]
    + [f"<table><tr><td>{LINKS}</td></tr></table><blockquote><p>{LINKS}</p></blockquote>"]
)
AXE_ON_COLOURS = """async ([box, colourRules]) => {
  document.querySelector("article.bd-article").innerHTML = box;
  const found = {};
  for (const mode of ["light", "dark"]) {
    document.documentElement.dataset.mode = mode;
    document.documentElement.dataset.theme = mode;
    const result = await axe.run("article.bd-article", {
      runOnly: {type: "rule", values: colourRules}, resultTypes: ["violations"]
    });
    found[mode] = result.violations.map(v => `${v.id}: ${v.nodes.map(n =>
      `${n.html.slice(0, 80)} in ${n.target} (${n.any.map(c => c.message).join("; ")})`
    ).join(" | ")}`);
  }
  return found;
}"""


def test_links_contrast_with_every_box_in_light_and_dark_mode(page, book_url):
    """Cross-reference links in every kind of box, on a page made of all of them."""
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}); run `npm ci`")
    page.goto(f"{book_url}/book/intro.html", wait_until="load")  # the theme, little else
    page.add_script_tag(path=AXE)
    page.evaluate(SET_THEME, "light")  # turns colour transitions off
    found = page.evaluate(AXE_ON_COLOURS, [EVERY_BOX, COLOUR_RULES])
    assert not any(found.values()), json.dumps(found, indent=1)


@pytest.mark.parametrize("path", book_pages())
def test_page_weight_as_served(visited, report, path):
    """A chapter, as the browser fetches it on arrival (HTML, styles, scripts, fonts, the
    images in view; not the frames its interactive figures fetch later), fits the budget."""
    page = visited(path)
    files = page.log.fetched_files(page.log.arrival)
    served = sum(f.stat().st_size for f in files if FRAMES not in "/" + f.as_posix())
    html = (BOOK / path).stat().st_size
    frames = set(re.findall(r"\.\./_images/relulib/[0-9a-f]+\.png", (BOOK / path).read_text()))
    report[path].update(
        html_bytes=html,
        served_bytes=served,
        requests=len(files),
        frame_files=len(frames),
        frame_bytes=sum((BOOK / path).parent.joinpath(f).stat().st_size for f in frames),
        load_ms=round(page.timing["load"]),
    )
    if path in chapter_pages():
        assert html <= HTML_BUDGET_BYTES, f"{path}: HTML {html / 1024:.0f} KB"
        assert served <= CHAPTER_BUDGET_BYTES, f"{path}: {served / 2**20:.2f} MB as served"


@pytest.fixture(scope="session")
def on_a_phone(visited):
    """``on_a_phone(path)``: the page at ``path`` at a phone's width, resized once for all
    that is measured there: ``(document width, viewport width, the widest elements)``, and
    the text size of its interactive figures in dark and light mode."""
    measured = {}

    def measure(path):
        if path not in measured:
            with narrowed(visited(path)) as page:
                scroll, client = page.evaluate(
                    "() => [document.documentElement.scrollWidth,"
                    " document.documentElement.clientWidth]"
                )
                widest = page.evaluate(WIDEST) if scroll > client else []
                text_px = {}
                # dark too: the dark theme's cards must not take the figures' width
                for mode in ("dark", "light") if page.locator(".relulib-figure").count() else ():
                    page.evaluate(SET_THEME, mode)
                    text_px[mode] = page.evaluate(FIGURE_TEXT_PX)
            measured[path] = (scroll, client, widest), text_px
        return measured[path]

    return measure


@pytest.mark.parametrize("path", book_pages())
def test_nothing_is_wider_than_a_phone(on_a_phone, path):
    (scroll, client, widest), _ = on_a_phone(path)
    assert scroll <= client, f"{scroll} px wide at {client} px: {widest}"


@pytest.mark.parametrize("path", chapter_pages())
def test_interactive_figure_text_is_readable_on_a_phone(on_a_phone, path):
    _, sizes = on_a_phone(path)
    small = {
        mode: [round(s, 1) for s in found if s < MIN_TEXT_PX - 0.05]
        for mode, found in sizes.items()
    }
    assert not any(small.values()), f"smallest text of these figures, CSS px at 390 px: {small}"


@pytest.mark.parametrize("path", chapter_pages())
def test_solution_toggles_are_named_after_their_exercise(visited, path):
    names = visited(path).evaluate(
        "() => Array.from(document.querySelectorAll('.solution button.toggle-button'))"
        ".map(b => b.getAttribute('aria-label'))"
    )
    pattern = re.compile(r"Show solution to Exercise \d+\.\d+")
    wrong = [name for name in names if not pattern.fullmatch(name or "")]
    assert not wrong, f"toggles named {wrong}"


def test_solution_toggle_shows_keyboard_focus_and_opens_by_keyboard(page, book_url):
    chapter = next(p for p in chapter_pages() if "solution" in (BOOK / p).read_text())
    page.goto(f"{book_url}/{chapter}", wait_until="load")
    toggle = page.locator(".solution button.toggle-button").first
    toggle.scroll_into_view_if_needed()
    # reach the toggle with the keyboard: from the link just before it, one Tab
    toggle.evaluate("b => b.closest('.admonition-title').querySelector('a').focus()")
    page.keyboard.press("Tab")
    assert toggle.evaluate("b => b === document.activeElement")
    style, width = toggle.evaluate(
        "b => [getComputedStyle(b).outlineStyle, parseFloat(getComputedStyle(b).outlineWidth)]"
    )
    assert style != "none" and width >= 2, f"focus outline: {style} {width}px"
    label = toggle.get_attribute("aria-label")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert toggle.get_attribute("aria-label") == label.replace("Show", "Hide", 1)


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_first_visit_follows_the_readers_colour_scheme(browser, book_url, scheme):
    page = new_page(browser, color_scheme=scheme)
    page.goto(f"{book_url}/book/intro.html", wait_until="load")
    page.wait_for_function("() => document.documentElement.dataset.theme !== 'auto'")
    assert page.evaluate("() => document.documentElement.dataset.theme") == scheme
    page.context.close()


@pytest.mark.parametrize("path", chapter_pages())
def test_the_html_carries_no_frames_widget_state_or_icon_script(path):
    html = (BOOK / path).read_text(encoding="utf-8")
    assert "data:image/png;base64" not in html, "frames belong in image files"
    assert "application/vnd.jupyter.widget-state+json" not in html, "unused widget state"
    assert "fontawesome.js" not in html, "the theme's icon font is enough"


def test_reference_labels_read_as_the_citations_do():
    html = (BOOK / "book" / "references.html").read_text(encoding="utf-8")
    labels = re.findall(r'fn-bracket">\[</span>(.*?)<span class="fn-bracket">', html)
    author_year = re.compile(r"[^\W\d][\w\-' ]*( et al\.| and [^\W\d][\w\-' ]*)?, \d{4}[a-z]?")
    assert labels and all(author_year.fullmatch(label) for label in labels), labels
    assert "Montúfar et al., 2014" in labels
    years = [label[-5:] for label in labels if label.startswith("Hanin and Rolnick")]
    assert years == ["2019a", "2019b"], labels


def test_downloadable_notebooks_install_relulib_first():
    for path in chapter_pages():
        download = BOOK / "_sources" / path.replace(".html", ".ipynb")
        cell = json.loads(download.read_text(encoding="utf-8"))["cells"][0]
        source = "".join(cell["source"])
        assert "relulib-install" in cell["metadata"]["tags"], download
        assert 'importlib.util.find_spec("relulib") is None' in source
        compile(source, str(download), "exec")


@pytest.mark.parametrize("path", chapter_pages())
def test_static_figures_in_the_book_style_are_hidpi_and_readable_on_a_phone(path):
    """Chapters that draw with ``use_book_style()`` show HiDPI figures no wider than the
    style's readable width (their text is the style's, at least ``FONT_SIZE`` points)."""
    if "use_book_style()" not in (ROOT / path).with_suffix(".ipynb").read_text():
        pytest.skip(f"{path} does not call use_book_style() yet")
    html = (BOOK / path).read_text(encoding="utf-8")
    widest = style.readable_width() * style.CSS_PX_PER_INCH
    problems = []
    for src, width in re.findall(r'<img[^>]*src="([^"]+\.png)"[^>]*style="width: (\d+)px', html):
        with Image.open((BOOK / path).parent / src) as image:
            pixels = image.width
        if int(width) > widest + 1 or pixels < 1.9 * int(width):
            problems.append(f"{src}: {width} CSS px wide, {pixels} pixels")
    assert not problems, problems


def test_intro_mentions_the_rocket_only_when_chapters_have_launch_buttons():
    intro = (BOOK / "book" / "intro.html").read_text(encoding="utf-8")
    chapter = (BOOK / chapter_pages()[0]).read_text(encoding="utf-8")
    has_buttons = "dropdown-launch-buttons" in chapter
    assert ("rocket" in intro) == has_buttons, f"launch buttons: {has_buttons}"


def test_intro_offers_the_book_as_one_pdf():
    intro = (BOOK / "book" / "intro.html").read_text(encoding="utf-8")
    if (BOOK / "relu-executable.pdf").exists():
        assert re.search(r'href="[./]*relu-executable\.pdf"', intro), "no link to the PDF"
    else:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", intro))
        assert "make pdf makes it" in text, "neither the PDF nor how to make it"
