"""The live explorer in a real JupyterLab, as a Binder or laptop reader meets it.

A JupyterLab server (from requirements.txt) runs on 127.0.0.1 over a copy of a
chapter; Chromium opens the MyST file as a notebook through jupytext, runs all
cells, moves a slider with the keyboard, and checks that the figure and the
readout change, and that the readout is the one the Python model gives.
"""

from __future__ import annotations

import re
import shutil
import time

import pytest

from widgets.explorers import HormesisExplorer

from .conftest import ROOT, jupyter_app

pytestmark = [pytest.mark.binder, pytest.mark.browser]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "chapters" / "hormesis.md", folder / "hormesis.md")
    options = ("--expose-app-in-browser", "--LabApp.news_url=",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    with jupyter_app("jupyterlab", folder, tmp_path_factory.mktemp("lab-state"),
                     *options) as (base, token):
        yield base, token


def test_the_hormesis_explorer_is_live_in_jupyterlab(browser, jupyterlab):
    base, token = jupyterlab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    outside = []
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith((base, "data:", "blob:"))
               else (outside.append(route.request.url), route.abort()))
    page.goto(f"{base}/lab?token={token}", wait_until="domcontentloaded")
    page.wait_for_function("window.jupyterapp && window.jupyterapp.started !== undefined",
                           timeout=90000)
    page.evaluate("window.jupyterapp.started")
    # Open the MyST chapter as a notebook, as Binder readers do with
    # "Open With > Jupytext Notebook", then run every cell.
    page.evaluate("""() => window.jupyterapp.commands.execute('docmanager:open',
                     {path: 'hormesis.md', factory: 'Jupytext Notebook'})""")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
    page.wait_for_function(
        "document.querySelector('.jp-Notebook') && "
        "!document.querySelector('.jp-Notebook-ExecutionIndicator[data-status=busy]')")
    page.wait_for_timeout(2000)  # the kernel connects
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    box = page.locator(".widget-vbox").first
    box.wait_for(timeout=120000)
    box.scroll_into_view_if_needed()
    image = box.locator(".widget-image")
    readout = box.locator("p[role=status]")
    readout.wait_for()
    # The HTML widget can be attached a moment before its text arrives: poll.
    expected = HormesisExplorer().readout()
    deadline = time.monotonic() + 30
    while readout.inner_text() != expected and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    before_image, before_text = image.get_attribute("src"), readout.inner_text()
    assert before_text == expected

    handle = box.locator(".widget-slider .noUi-handle").first  # low-dose stimulation f
    handle.focus()
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    # The kernel answers each key press in turn; poll until the words shown are
    # the model's for the slider's final value (the HTML widget replaces its <p>
    # on each update, so the locator is read afresh each time).
    def shown_value():
        return float(re.sub(r"[^0-9.]", "", box.locator(".widget-readout").first.inner_text()))

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        expected = HormesisExplorer(hormesis=shown_value()).readout()
        if readout.inner_text() == expected:
            break
        page.wait_for_timeout(250)
    assert shown_value() > HormesisExplorer.controls[0].default
    assert readout.inner_text() == HormesisExplorer(hormesis=shown_value()).readout()
    assert image.get_attribute("src") != before_image
    errors = box.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0  # the explorer's callback errors would show here
    assert outside == []
    context.close()
