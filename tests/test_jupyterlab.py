"""The live explorer in a real JupyterLab, as a Binder or laptop reader meets it.

A JupyterLab server (from requirements.txt) runs on 127.0.0.1 over a copy of a
chapter; Chromium opens the MyST file as a notebook through jupytext, runs all
cells, moves a slider with the keyboard, and checks that the figure and the
readout change, and that the readout is the one the Python model gives. Every
other chapter with an explorer is also opened and run to its end: each explorer
shows a live figure and words, and no cell writes an error. The chapters are opened one
after another in one JupyterLab page, each closed with its kernel shut down before the next.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
import uuid
from pathlib import Path

import pytest

from booktools.browser import refuse_outside
from widgets.explorers import EXPLORER_PAGES, HormesisExplorer

from .conftest import NBGRADER_LAB_EXTENSION, ROOT

#: Every chapter that shows an explorer of its own (the gallery repeats them).
CHAPTERS_WITH_EXPLORERS = sorted({Path(page).stem for page in EXPLORER_PAGES.values()})

pytestmark = [pytest.mark.binder, pytest.mark.browser]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory, start_jupyter, live_kernel_environment):
    """JupyterLab over copies of the chapters. Its kernels read the explorers' whole grids
    from the build's results, as the Binder path's and the student notebooks' do: the grids'
    cold computation in a kernel is the build's, and what is tested here is JupyterLab's
    path (the notebook, the live widgets, a slider answered by the kernel)."""
    folder = tmp_path_factory.mktemp("lab")
    for name in CHAPTERS_WITH_EXPLORERS:
        shutil.copy(ROOT / "chapters" / f"{name}.md", folder / f"{name}.md")
    options = ("--expose-app-in-browser", "--LabApp.news_url=",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    with start_jupyter("jupyterlab", folder, tmp_path_factory.mktemp("lab-state"),
                       *options, environment=live_kernel_environment) as (base, token):
        yield base, token


@pytest.fixture(scope="module")
def lab(browser, jupyterlab):
    """One JupyterLab page for the module's tests, as a reader keeps one open: each test
    opens its chapter in it and closes it (its kernel shut down) at the end.

    JupyterLab starts in a fresh, empty workspace: the server keeps workspaces, and with
    the default one a new page restored the notebooks earlier pages had opened (each with a
    kernel), which on a loaded machine came to the front after the new notebook opened.
    Requests to any other host are refused and collected in ``outside``.
    """
    base, token = jupyterlab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    outside = refuse_outside(page, base)
    page.goto(f"{base}/lab/workspaces/book-{uuid.uuid4().hex[:8]}?reset&token={token}",
              wait_until="domcontentloaded")
    page.wait_for_function("window.jupyterapp && window.jupyterapp.started !== undefined",
                           timeout=90000)
    page.evaluate("window.jupyterapp.started")
    yield page, outside
    context.close()


#: The notebook in front, closed without a prompt (running it changed its outputs) and its
#: kernel shut down, so that the next test's page shows only its own chapter.
CLOSE_NOTEBOOK = """async () => {
    const widget = window.jupyterapp.shell.currentWidget;
    if (!widget || !widget.sessionContext) return;
    await widget.sessionContext.shutdown();
    widget.dispose();
}"""


@contextlib.contextmanager
def open_and_run(lab, chapter):
    """Open ``chapter``.md in JupyterLab as a notebook, as Binder readers do with
    "Open With > Jupytext Notebook", and run every cell; yield the page and the requests to
    other hosts so far. Closes the notebook afterwards."""
    page, outside = lab
    assert page.locator(".jp-Notebook").count() == 0, "an earlier notebook is still open"
    outside.clear()
    page.evaluate("""async path => {
        const app = window.jupyterapp;
        const widget = await app.commands.execute('docmanager:open',
                                                  {path, factory: 'Jupytext Notebook'});
        app.shell.activateById(widget.id);
    }""", f"{chapter}.md")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120000)
    page.wait_for_function(
        "document.querySelector('.jp-Notebook') && "
        "!document.querySelector('.jp-Notebook-ExecutionIndicator[data-status=busy]')")
    # Run only once the notebook's kernel is connected and idle: running earlier raced the
    # kernel's start (one failure in a clean CI run), and a fixed wait is either too short on
    # a loaded machine or wasted on an idle one.
    page.wait_for_function("""() => {
        const context = window.jupyterapp.shell.currentWidget?.sessionContext;
        const kernel = context?.session?.kernel;
        return Boolean(context?.isReady && kernel && kernel.connectionStatus === "connected"
                       && kernel.status === "idle");
    }""", timeout=120000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    try:
        yield page, outside
    finally:
        page.evaluate(CLOSE_NOTEBOOK)
        page.wait_for_function("!document.querySelector('.jp-Notebook')")


def test_the_hormesis_explorer_is_live_in_jupyterlab(lab, jupyterlab):
    with open_and_run(lab, "hormesis") as (page, outside):
        check_the_hormesis_explorer(page, outside, jupyterlab)


def check_the_hormesis_explorer(page, outside, jupyterlab):
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
    wait_until_run(page)
    answer_self_checks(page, "hormesis")
    assert outside == []
    # nbgrader's extensions are off, as in a reader's JupyterLab (conftest's
    # without_nbgrader).
    plugins = page.evaluate("[...window.jupyterapp.listPlugins()]")
    assert not [plugin for plugin in plugins if plugin.startswith(NBGRADER_LAB_EXTENSION)]
    base, token = jupyterlab
    answer = page.request.get(f"{base}/formgrader", headers={"Authorization": f"token {token}"})
    assert answer.status == 404, "nbgrader's formgrader is served"


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS_WITH_EXPLORERS if c != "hormesis"])
def test_every_chapter_runs_in_jupyterlab_with_live_explorers(lab, chapter):
    """Each chapter opens as a notebook, runs to the end, and shows live explorers."""
    with open_and_run(lab, chapter) as (page, outside):
        check_the_chapter(page, outside, chapter)


def check_the_chapter(page, outside, chapter):
    page.locator(".widget-vbox").first.wait_for(timeout=120000)
    wait_until_run(page)
    boxes = page.locator(".widget-vbox:has(.widget-image)")
    assert boxes.count() >= 1
    for i in range(boxes.count()):
        box = boxes.nth(i)
        box.scroll_into_view_if_needed()
        assert box.locator(".widget-slider, .widget-hslider").count() >= 1
        deadline = time.monotonic() + 30
        while not box.locator("p[role=status]").inner_text().strip():
            assert time.monotonic() < deadline, f"explorer {i} of {chapter} shows no words"
            page.wait_for_timeout(250)
        assert (box.locator(".widget-image img, img.widget-image").first
                .get_attribute("src") or "").startswith(("data:", "blob:"))
    answer_self_checks(page, chapter)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
                          " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    assert errors.count() == 0, errors.first.inner_text() if errors.count() else ""
    assert outside == []


def wait_until_run(page):
    """Run to the end: the last cell has an execution count once the kernel reaches it."""
    page.wait_for_function(
        """() => { const prompts = [...document.querySelectorAll(
                     '.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
                   return prompts.length && /\\[\\d+\\]/.test(prompts.at(-1).textContent); }""",
        timeout=300000)


def answer_self_checks(page, chapter):
    """The chapter's self-checks work in JupyterLab too: each is drawn, and a
    right and a wrong choice of its first multiple-choice question answer."""
    blocks = page.locator(".jp-OutputArea .self-check")
    assert blocks.count() >= 1, f"{chapter} shows no self-check in JupyterLab"
    for i in range(blocks.count()):
        block = blocks.nth(i)
        block.scroll_into_view_if_needed()
        page.wait_for_function("(el) => el.dataset.ready === 'true'", arg=block.element_handle())
        quiz = block.locator(".Quiz:has(label.MCButton)").first
        for correct, word in (("false", "Not quite."), ("true", "Right.")):
            quiz.locator(f"label.MCButton[data-correct='{correct}']").first.click()
            assert quiz.locator(".Feedback").inner_text().startswith(word), chapter
