"""The instructors' page in Chromium: every link to an explorer setting restores it exactly,
with no notice, and shows the readout the page's answer key quotes; every in-page anchor it
links to exists; its tables scroll inside their boxes on a phone, not the page.
"""

from __future__ import annotations

import html.parser
from urllib.parse import unquote, urlsplit

import pytest

from booktools.course import check_permalink

from .test_browser import DESKTOP, PHONE, open_page

pytestmark = pytest.mark.browser

PAGE = "chapters/instructors.html"

STATE = """() => [...document.querySelectorAll('div.explorer[data-explorer]')].map(root => {
  const ex = root.explorer, notice = root.querySelector('.explorer-notice');
  return {name: root.dataset.explorer, started: Boolean(ex),
    notice: notice && notice.checkVisibility() ? notice.textContent : null,
    values: ex ? Object.fromEntries(ex.data.controls.map((c, i) => [c.name, ex.valueOf(i)]))
               : null,
    readout: ex ? root.querySelector('.explorer-readout').textContent : null};
})"""

# Each answer-key item: the link, then ". ", then the readout computed at build time.
ANSWER_KEYS = """() => [...document.querySelectorAll('article details li')]
  .filter(li => li.querySelector('a[href*="?"]'))
  .map(li => {
    const a = li.querySelector('a');
    return {href: a.getAttribute('href'),
            text: li.textContent.slice(li.textContent.indexOf(a.textContent)
                                       + a.textContent.length).replace(/^\\.\\s*/, '').trim()};
  })"""


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])


def parse(path):
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def explorer_links(site) -> list[str]:
    """Every link on the built page to an explorer setting (``page.html#name?...``)."""
    links = [href for href in parse(site / PAGE).hrefs
             if not urlsplit(href).scheme and "?" in urlsplit(href).fragment]
    return list(dict.fromkeys(links))  # each once, in page order


def test_the_page_links_to_explorer_settings_on_explorer_pages(site):
    links = explorer_links(site)
    assert len(links) >= 15, links
    for href in links:
        check_permalink(href)  # every control given, every value on its grid
        assert (site / "chapters" / urlsplit(href).path).is_file(), href


def test_every_explorer_link_restores_its_setting_with_no_notice(browser, server, site):
    links = explorer_links(site)
    context, page, watch = open_page(browser, server, PAGE, DESKTOP)
    keys = {item["href"]: item["text"] for item in page.evaluate(ANSWER_KEYS)}
    assert set(keys) <= set(links) and len(keys) >= len(links) - 2, sorted(set(links) - set(keys))
    page.close()
    wrong = []
    for href in links:
        name, expected = check_permalink(href)
        page = context.new_page()
        page.goto(f"{server}/chapters/{href}", wait_until="load")
        page.wait_for_function(
            "name => document.querySelector(`div.explorer[data-explorer='${name}']`)?.explorer",
            arg=name)
        states = {state["name"]: state for state in page.evaluate(STATE)}
        state = states[name]
        if state["values"] != expected:
            wrong.append(f"{href}: shows {state['values']}")
        notices = {n: s["notice"] for n, s in states.items() if s["notice"]}
        if notices:
            wrong.append(f"{href}: notices {notices}")
        if href in keys and keys[href] != state["readout"].strip():
            wrong.append(f"{href}: the answer key says {keys[href]!r}, "
                         f"the explorer {state['readout']!r}")
        page.close()
    # PageWatch saw only the first page; each later page is checked by what it shows.
    assert watch.problems() == {}
    context.close()
    assert wrong == []


def test_a_wrong_setting_would_be_caught(browser, server):
    """The check above can fail: a value off the grid shows a notice and moves the slider."""
    context, page, _ = open_page(browser, server, "chapters/hormesis.html#hormesis?"
                                 "hormesis=55&slope=3&dose=4", DESKTOP)
    page.wait_for_function("document.querySelector('div.explorer')?.explorer")
    state = page.evaluate(STATE)[0]
    assert state["notice"] and state["values"]["hormesis"] != 55
    context.close()


def test_every_anchor_the_page_links_to_exists(site):
    missing = []
    for href in parse(site / PAGE).hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.fragment or "?" in parts.fragment:
            continue  # other sites, explorer settings (checked above), plain files
        target = (site / PAGE).parent / unquote(parts.path) if parts.path else site / PAGE
        if target.suffix != ".html":
            continue
        if not target.is_file() or unquote(parts.fragment) not in parse(target).ids:
            missing.append(href)
    assert missing == []


OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  unboxed: [...document.querySelectorAll('article table')].filter(table => {
    for (let box = table.parentElement; box; box = box.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) return false;
    }
    return table.scrollWidth > table.parentElement.clientWidth + 1;
  }).map(table => table.className),
  tables: document.querySelectorAll('article table').length,
})"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_wide_tables_scroll_in_their_boxes(browser, server, scheme):
    context, page, watch = open_page(browser, server, PAGE, PHONE)
    page.emulate_media(color_scheme=scheme)
    result = page.evaluate(OVERFLOW)
    assert result["tables"] >= 5
    assert result["page"] <= 1, f"the page scrolls sideways by {result['page']} px"
    assert result["unboxed"] == []
    assert watch.problems() == {}
    context.close()
