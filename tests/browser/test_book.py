"""The built book as a reader's browser sees it: no network, no errors, math, figures."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SCREENSHOTS, book_pages, chapter_pages

MATH = ".math, .MathJax_Preview, div.math, span.math"


def wait_for_mathjax(page):
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")


def has_math(page):
    return page.locator(MATH).count() > 0


@pytest.mark.parametrize("path", book_pages())
def test_page_loads_without_errors_or_network(visited, path):
    page = visited(path)
    assert page.response.status == 200
    log = page.log
    assert not log.external_requests, f"requests leaving the machine: {log.external_requests}"
    assert not log.failed_requests, f"failed requests: {log.failed_requests}"
    assert not log.page_errors, f"script errors: {log.page_errors}"
    assert not log.console_errors, f"console errors: {log.console_errors}"


@pytest.mark.parametrize("path", book_pages())
def test_math_is_rendered(visited, path):
    page = visited(path)
    if not has_math(page):
        return  # nothing to typeset on this page
    wait_for_mathjax(page)
    unrendered = page.evaluate(
        """sel => Array.from(document.querySelectorAll(sel))
                  .filter(el => !el.querySelector('mjx-container'))
                  .map(el => el.textContent.slice(0, 60))""",
        MATH,
    )
    assert not unrendered, f"math left as source: {unrendered}"


@pytest.mark.parametrize("path", book_pages())
def test_every_image_has_alt_text(visited, path):
    page = visited(path)
    missing = page.evaluate(
        """() => Array.from(document.querySelectorAll('main img'))
                  .filter(img => !(img.getAttribute('alt') || '').trim())
                  .map(img => img.src.slice(0, 80))"""
    )
    assert not missing, f"images without alt text: {missing}"


FRAME_SHOWN = """c => {
  const img = c.closest('.relulib-figure').querySelector('img');
  return img.complete && img.naturalWidth > 0;
}"""


def interactive_controls(page):
    return page.locator(".relulib-figure [data-param]")


def figure_state(control):
    """The image source and alt text of the figure a control belongs to."""
    return control.evaluate(
        "c => { const img = c.closest('.relulib-figure').querySelector('img');"
        " return [img.src, img.alt]; }"
    )


def is_range(control):
    return control.get_attribute("type") == "range"


def at_end(control):
    if is_range(control):
        return control.input_value() == control.get_attribute("max")
    return control.evaluate("c => c.selectedIndex === c.options.length - 1")


def move_by_keyboard(control):
    control.focus()
    if is_range(control):
        control.press("ArrowLeft" if at_end(control) else "ArrowRight")
    else:
        control.press("ArrowUp" if at_end(control) else "ArrowDown")


def move_by_mouse(control):
    if is_range(control):
        box = control.bounding_box()
        x = box["x"] + (3 if at_end(control) else box["width"] - 3)
        control.page.mouse.click(x, box["y"] + box["height"] / 2)
    else:
        current = control.evaluate("c => c.selectedIndex")
        control.select_option(index=0 if at_end(control) else current + 1)


@pytest.mark.parametrize("path", chapter_pages())
def test_kernel_free_controls_change_the_figure_by_keyboard_and_mouse(visited, path):
    page = visited(path)
    controls = interactive_controls(page)
    for i in range(controls.count()):
        control = controls.nth(i)
        name = control.get_attribute("data-param")
        control.scroll_into_view_if_needed()
        for move in (move_by_keyboard, move_by_mouse):
            before = figure_state(control)
            move(control)
            after = figure_state(control)
            assert after[0] != before[0], f"control {i} ({name}) did not change the figure"
            assert after[1] != before[1], f"control {i} ({name}): alt text did not follow"
            # the new frame is a file fetched on demand: it arrives and decodes
            page.wait_for_function(FRAME_SHOWN, arg=control.element_handle())
    assert not page.log.failed_requests, f"missing frames: {page.log.failed_requests}"


@pytest.mark.parametrize("path", chapter_pages())
def test_save_full_page_screenshot(visited, path):
    page = visited(path)
    if has_math(page):
        wait_for_mathjax(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # JPEG: a chapter is a 1280 x 20 000 px image, which PNG takes seconds to compress
    target = SCREENSHOTS / (path.replace("/", "_").removesuffix(".html") + ".jpg")
    page.screenshot(path=target, full_page=True, type="jpeg", quality=80)
    assert target.stat().st_size > 0
