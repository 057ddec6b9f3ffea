"""The live face in the client learners use: JupyterLab runs the Definition chapter's set-up
and its hinge widget, and moving the widget's slider redraws the figure.

Only those two cells run here: every cell of every chapter runs under nbval already, and a
whole chapter would make this test the slowest of the browser stage."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, new_page

NOTEBOOK = ROOT / "book" / "01-definition.ipynb"
TOKEN = "relulib-browser-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with code {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"jupyter lab did not answer at {url} within {timeout} s")


def run_all_until_widget(page, slider, timeout: float = 90) -> None:
    """Run every cell and wait for the widget.

    JupyterLab can drop the cells of a "Run All" given while the kernel is still connecting
    (only the last one runs, and fails), and may ask "Select Kernel" when the notebook opens
    before the kernel specs have loaded. So: accept dialogs, and when no cell has run or an
    error shows, ask again, the second time on a restarted kernel.
    """
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    started = page.locator(".jp-InputPrompt").filter(has_text=re.compile(r"\[(\d+|\*)\]"))
    error = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
    commands = iter(["runmenu:run-all", *["runmenu:restart-and-run-all"] * 3])
    deadline, last_request = time.monotonic() + timeout, -float("inf")
    while time.monotonic() < deadline:
        if accept.count() and accept.first.is_visible():
            accept.first.click()
        if slider.count() and slider.is_visible():
            return
        stalled = not started.count() or error.count()
        if stalled and time.monotonic() - last_request > 10:
            page.get_by_role("menuitem", name="Run").click()
            page.locator(f"[data-command='{next(commands)}']").click()
            last_request = time.monotonic()
        page.wait_for_timeout(250)
    raise TimeoutError(f"no widget slider within {timeout} s")


def start_kernel_session(url: str, path: str) -> None:
    """Start the notebook's kernel through the REST API, so the page opens on an existing
    session instead of asking which kernel to start."""
    body = json.dumps({"path": path, "type": "notebook", "kernel": {"name": "python3"}})
    request = urllib.request.Request(
        f"{url}/api/sessions?token={TOKEN}", data=body.encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    urllib.request.urlopen(request, timeout=30).close()


def quiet_settings(folder: Path) -> Path:
    """User settings for a test: no news (no fetching), and every cell kept in the page
    (JupyterLab otherwise drops cells scrolled out of view, the widget among them)."""
    settings = {
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "notebook-extension/tracker": {"windowingMode": "none"},
    }
    for name, values in settings.items():
        path = folder / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return folder


def lean_copy(notebook: Path, target: Path) -> None:
    """``notebook`` with its first code cell (the imports) and its first interactive figure
    only, without outputs."""
    content = json.loads(notebook.read_text(encoding="utf-8"))
    code = [cell for cell in content["cells"] if cell["cell_type"] == "code"]
    widget = next(cell for cell in code if "interactive_figure(" in "".join(cell["source"]))
    content["cells"] = [code[0], widget]
    for cell in content["cells"]:
        cell.update(outputs=[], execution_count=None)
    target.write_text(json.dumps(content), encoding="utf-8")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 over a scratch copy of the chapter (so the run's
    outputs never reach the committed notebook)."""
    work = tmp_path_factory.mktemp("lab")
    lean_copy(NOTEBOOK, work / NOTEBOOK.name)
    port = free_port()
    settings = quiet_settings(work / "settings")
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={work}",
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={work / 'ws'}",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (work / "lab.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/api/status?token={TOKEN}", process)
        start_kernel_session(url, NOTEBOOK.name)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_hinge_slider_redraws_the_figure_live(browser, lab):
    page = new_page(browser)
    page.goto(f"{lab}/lab/tree/{NOTEBOOK.name}?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    slider = page.locator(".widget-slider").first
    try:
        run_all_until_widget(page, slider)
    finally:
        page.screenshot(path=ROOT / "_build" / "jupyterlab-run-all.png")
    figure = page.locator(".jupyter-widgets img").first
    figure.wait_for(timeout=30_000)
    slider.scroll_into_view_if_needed()
    before = figure.get_attribute("src")

    slider.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "before => document.querySelector('.jupyter-widgets img').src !== before",
        arg=before,
        timeout=20_000,
    )
    assert figure.get_attribute("src") != before
    # page.log is not checked: a kernel restart makes JupyterLab itself log cancelled requests.
    page.context.close()
