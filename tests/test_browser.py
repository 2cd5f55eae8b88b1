"""Built pages in real Chromium: how the tests open them, and page-specific checks.

``open_page`` opens a page as a reader's browser would, fully offline, with a
``PageWatch`` that records console errors outside the short allow-list below, uncaught
page errors, requests to any host other than the local server and local files that are
missing (HTTP >= 400). The checks every page gets at every width and scheme are in
``test_pages.py``, on one load each.
"""

from __future__ import annotations

import pytest

from booktools.browser import refuse_outside

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Console errors tolerated, each named. A stock Jupyter Book 1 page logs two,
# both fixed at their source here, so none is allowed:
# - "Identifier 'THEBE_JS_URL' has already been declared": _ext/book_assets.py
#   drops the duplicated (and unused) Thebe script;
# - "Got invalid theme mode": _config.yml sets html_context.default_mode.
ALLOWED_CONSOLE_ERRORS: tuple[str, ...] = ()


def built_pages(site):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if "_static" not in p.parts and "reports" not in p.parts)
    assert pages, f"no pages found under {site}"
    return pages


class PageWatch:
    """Records what a page does: console errors, outside requests, failed files."""

    def __init__(self, page, base_url):
        self.console_errors = []
        self.page_errors = []
        self.failed = []
        self.requested = []  # every URL the page asked for, from its first request
        page.on("request", lambda request: self.requested.append(request.url))
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", self._on_response)
        self.outside_requests = refuse_outside(page, base_url)  # never let it out

    def _on_console(self, message):
        if message.type == "error" and not any(a in message.text
                                                for a in ALLOWED_CONSOLE_ERRORS):
            self.console_errors.append(message.text)

    def _on_response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def problems(self):
        return {name: value for name, value in {
            "console errors": self.console_errors,
            "page errors": self.page_errors,
            "requests to other hosts": self.outside_requests,
            "missing files": self.failed,
        }.items() if value}


#: Explorers fetch their results when the reader scrolls near them; most tests want them all.
START_EXPLORERS = "() => window.bookExplorers ? window.bookExplorers.startAll() : null"
SELF_CHECKS_READY = ("() => [...document.querySelectorAll('.self-check')]"
                     ".every(box => box.dataset.ready)")
#: Pages that send the reader on at once (Jupyter Book's front page), and where to.
REDIRECTS = {"index.html": "intro.html"}


def open_page(browser, server, path, viewport, color_scheme="light", start_explorers=True):
    """``path`` in a new browser context at ``viewport``, the system set to ``color_scheme``.

    With ``start_explorers`` every explorer on the page is started, wherever it is.

    The theme follows the system's scheme (html_context.default_mode "auto"), as a reader's
    browser would.
    """
    context = browser.new_context(viewport=viewport, color_scheme=color_scheme)
    page = context.new_page()
    watch = PageWatch(page, server)
    if path in REDIRECTS:  # a page that only sends the reader on: wait for where it goes
        with page.expect_navigation(url=f"{server}/{REDIRECTS[path]}", wait_until="load"):
            page.goto(f"{server}/{path}", wait_until="commit")
    else:
        page.goto(f"{server}/{path}", wait_until="load")
    # Ready when the page says so, not after a guessed quiet time on the network: every
    # explorer has its results (START_EXPLORERS resolves then) and every self-check is drawn.
    if start_explorers:
        page.evaluate(START_EXPLORERS)
    else:  # a test of lazy starts: the explorers near the screen have started by then
        page.wait_for_load_state("networkidle")
    page.wait_for_function(SELF_CHECKS_READY)
    return context, page, watch


def test_hormesis_page_shows_its_explorer_and_no_dead_widget(browser, server):
    context, page, watch = open_page(browser, server, "chapters/hormesis.html", DESKTOP)
    explorer = page.locator("div.explorer[data-explorer='hormesis']")
    explorer.wait_for()
    # The default figure is drawn: every line has points.
    points = page.eval_on_selector_all(
        "div.explorer polyline.explorer-line", "els => els.map(e => e.getAttribute('points'))")
    assert len(points) == 3 and all(p and p.count(",") > 10 for p in points)
    assert page.locator("div.explorer .explorer-readout").inner_text().startswith("Left:")
    # No ipywidgets: no widget state in the page, no widget manager, no saved sliders.
    html = page.content()
    assert "application/vnd.jupyter.widget-state+json" not in html
    assert "html-manager" not in html and "embed-amd" not in html
    assert page.locator(".jupyter-widgets, .widget-slider").count() == 0
    assert watch.problems() == {}
    context.close()


def test_a_request_for_another_place_is_refused_and_reported(browser, server):
    """The watch lets the page's own files through (the page loads) and stops the rest."""
    context, page, watch = open_page(browser, server, "intro.html", DESKTOP)
    reached = page.evaluate("""async () => {
        try { await fetch("https://cdn.example.org/lib.js"); return true; }
        catch (error) { return false; }
    }""")
    assert reached is False
    assert watch.outside_requests == ["https://cdn.example.org/lib.js"]
    assert watch.problems()["requests to other hosts"] == watch.outside_requests
    context.close()


def test_pages_without_explorers_do_not_load_the_explorer_script(browser, server):
    context, page, watch = open_page(browser, server, "intro.html", DESKTOP)
    scripts = page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert not any("explorer.js" in s for s in scripts)
    assert not any("html-manager" in s for s in scripts)
    context.close()


#: Records the page's colour theme when the body starts, before the theme's deferred script.
THEME_AT_FIRST_PAINT = """
new MutationObserver((changes, observer) => {
  if (document.body) {
    window.__themeAtBody = document.documentElement.dataset.theme;
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_colour_scheme_is_set_before_the_page_is_drawn(browser, server, scheme):
    """With no stored choice the theme wrote data-theme="auto", which no stylesheet rule
    matches, until its deferred script ran: a light flash in dark mode, and every bordered
    element changing size after the first paint (a layout shift of 0.10 on the model
    reference). _templates/layout.html resolves the system's scheme in the head."""
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    page.add_init_script(THEME_AT_FIRST_PAINT)
    page.goto(f"{server}/chapters/model-reference.html", wait_until="load")
    assert page.evaluate("window.__themeAtBody") == scheme
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    assert page.evaluate("document.documentElement.dataset.mode") == "auto"
    context.close()
