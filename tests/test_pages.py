"""Every built page, loaded once per width and colour scheme, and every page check on that load.

A reader meets each page at a phone's width or a desktop's, with the system in light or dark
mode. For each of those four, every page of the site is opened once in headless Chromium,
fully offline, and on that one load the test checks:

* **offline and clean**: no console error, no uncaught page error, no request to another
  host, no local file missing, and no ipywidgets state or widget manager (explorers are
  static on the site);
* **text alternatives**: every image and chart has one;
* **no sideways scrolling** at phone width (a long formula or table scrolls in its own box);
* **the colour scheme**: the theme follows the system's;
* **formulas** (on the pages whose sources have them): MathML drawn by the browser, every
  formula of some size, display formulas as blocks and inline ones inline, no raw TeX, and
  no MathJax requested;
* **accessibility**: an axe-core audit of the whole page (no WCAG A/AA violation, no serious
  or critical one of any other rule: see ``test_accessibility.py``);
* **contrast in every state**: on pages with explorers or self-checks, some questions are
  then answered (wrong choice, right choice, wrong number) and axe's contrast rules run again
  on the explorers and self-checks.

Each of those checks was a test that loaded every page itself (up to four loads per page,
width and scheme); the tests that show each check can fail stay beside the check's helpers.
"""

from __future__ import annotations

import re

import pytest

from .conftest import ROOT
from .test_accessibility import audit
from .test_browser import DESKTOP, PHONE, REDIRECTS, built_pages, open_page
from .test_explorer_aria import CONTRAST, CONTRAST_PAGES, answer_some_questions

pytestmark = pytest.mark.browser

#: The four loads share only session fixtures (the build, its server, the browser), so
#: pytest-xdist may run them on different workers (tests/conftest.py, work_unit).
EACH_SLOW_TEST_ALONE = True


def math_pages() -> list[str]:
    """Pages with formulas, found from the sources (a "$" formula outside code, or the model
    reference's docstrings), so a page whose formulas were lost is not skipped."""
    pages = ["chapters/model-reference.html"]
    for source in sorted([ROOT / "intro.md", *(ROOT / "chapters").glob("*.md")]):
        prose = re.sub(r"```.*?```", "", source.read_text(encoding="utf-8"), flags=re.S)
        if re.search(r"\$[^$\s]", prose):
            pages.append(source.relative_to(ROOT).with_suffix(".html").as_posix())
    return pages


MISSING_TEXT_ALTERNATIVES = """() => {
  const bad = [];
  for (const img of document.querySelectorAll('img:not([aria-hidden="true"])')) {
    const alt = img.getAttribute('alt');
    if (alt === null || alt.trim() === '') bad.push(img.outerHTML.slice(0, 120));
  }
  // Icons hidden from assistive technology (aria-hidden) are decorative.
  for (const svg of document.querySelectorAll('svg[role="img"]:not([aria-hidden="true"])')) {
    const label = svg.getAttribute('aria-label') || svg.getAttribute('aria-labelledby');
    if (!label) bad.push(svg.outerHTML.slice(0, 120));
  }
  return bad;
}"""

SIDEWAYS_SCROLL = ("() => document.documentElement.scrollWidth - "
                   "document.documentElement.clientWidth")

FORMULAS = r"""() => {
  const shown = e => e.checkVisibility();
  const maths = [...document.querySelectorAll("math")].filter(shown);
  const size = m => m.getBoundingClientRect();
  // Visible text outside code: raw TeX would be a "$", "\(", "\[" or "\frac".
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const parent = node.parentElement;
    if (parent.closest("pre, code, script, style, annotation, .highlight")) continue;
    if (!shown(parent)) continue;
    const hit = node.textContent.match(/\$[^\s$]|\\\(|\\\[|\\frac/);
    if (hit) raw.push(node.textContent.trim().slice(0, 80));
  }
  const display = [...document.querySelectorAll('div.math > math')].filter(shown);
  return {
    count: maths.length,
    empty: maths.filter(m => size(m).width < 1 || size(m).height < 1)
      .map(m => m.textContent.slice(0, 60)),
    raw: raw,
    blocks: display.length,
    notBlock: display.filter(m => getComputedStyle(m).display !== "block math" ||
                                  m.getAttribute("display") !== "block")
      .map(m => m.textContent.slice(0, 60)),
    notInline: maths.filter(m => !m.closest("div.math") &&
                                 getComputedStyle(m).display !== "math")
      .map(m => m.textContent.slice(0, 60)),
    assets: [...document.querySelectorAll("script[src], link[href]")]
      .map(e => e.src || e.href),
  };
}"""


def formula_problems(page, requested: list[str]) -> tuple[dict, int]:
    """What is wrong with the page's formulas, and how many display formulas it shows."""
    state = page.evaluate(FORMULAS)
    return {
        "no formula shown": state["count"] == 0,
        "formulas of no size": state["empty"],
        "raw TeX": state["raw"],
        "display formulas not blocks": state["notBlock"],
        "inline formulas not inline": state["notInline"],
        "MathJax": [u for u in requested + state["assets"] if "mathjax" in u.lower()],
    }, state["blocks"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_at_every_width_and_scheme(browser, server, site, viewport, scheme,
                                              server_failures):
    server_failures.clear()
    pages, with_math = built_pages(site), math_pages()
    assert len(with_math) > 1 and set(with_math) <= set(pages)
    assert set(CONTRAST_PAGES) <= set(pages)
    report, display_formulas = {}, 0
    for path in pages:
        context, page, watch = open_page(browser, server, path, viewport, color_scheme=scheme)
        problems = {}
        if path not in REDIRECTS and page.evaluate(
                "document.documentElement.dataset.theme") != scheme:
            problems["the theme did not follow the system's scheme"] = True
        problems["images without alt text"] = page.evaluate(MISSING_TEXT_ALTERNATIVES)
        html = page.content()
        if "application/vnd.jupyter.widget-state+json" in html or "html-manager" in html:
            problems["ipywidgets on a static page"] = True
        if viewport is PHONE:
            problems["horizontal scroll (px)"] = max(0, page.evaluate(SIDEWAYS_SCROLL) - 1)
        if path in with_math:
            found, blocks = formula_problems(page, watch.requested)
            problems.update(found)
            display_formulas += blocks
        problems["accessibility"] = [(f["rule"], f["impact"], f["target"], f["summary"])
                                     for f in audit(page)]
        if path in CONTRAST_PAGES:
            answer_some_questions(page)
            contrast = page.evaluate(CONTRAST)  # axe is on the page since the audit
            problems["no explorer or self-check"] = contrast is None
            problems["contrast after answering"] = contrast
        problems.update(watch.problems())  # everything the page did, answers included
        if any(problems.values()):
            report[path] = {k: v for k, v in problems.items() if v}
        context.close()
    assert report == {}
    assert display_formulas > 0
    assert server_failures == []  # includes the browser's own requests, e.g. favicon.ico
