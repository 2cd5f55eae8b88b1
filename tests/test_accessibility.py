"""An axe-core accessibility audit (WCAG 2.1 A and AA rules) of every built page.

axe-core is vendored for the tests only (tests/vendor/axe-core, from npm by
scripts/vendor_frontend.sh) and injected into each page; the site never
serves it. A violation fails the test unless it is one of the few named below,
which come from markup the book does not write (the theme, myst-nb, Sphinx).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_browser import DESKTOP, PHONE, built_pages, open_page

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# (rule, a piece of the failing element's selector): upstream markup, named so
# that nothing the book itself writes can hide here.
UPSTREAM = {
    # pydata-sphinx-theme's search button: aria-label "Search", visible text
    # "Search Ctrl+K".
    ("label-content-name-mismatch", "search-button"),
    # myst-nb's folded code cells: the <summary> says "Show code cell source"
    # while its aria-label says "Toggle hidden content".
    ("label-content-name-mismatch", "summary"),
    # Sphinx's citation list uses the deprecated doc-biblioentry role inside a
    # list whose children axe then does not accept.
    ("aria-deprecated-role", "#id"),
    ("aria-required-children", ".citation-list"),
}

AUDIT = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.flatMap(v => v.nodes.map(n => [v.id, n.target.join(' ')]));
}"""


def is_upstream(rule, target):
    return any(rule == known_rule and piece in target for known_rule, piece in UPSTREAM)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_passes_the_accessibility_audit(browser, server, site, viewport):
    report = {}
    for path in built_pages(site):
        context, page, _ = open_page(browser, server, path, viewport)
        page.add_script_tag(path=str(AXE))
        violations = [(rule, target) for rule, target in page.evaluate(AUDIT, WCAG_TAGS)
                      if not is_upstream(rule, target)]
        if violations:
            report[path] = violations
        context.close()
    assert report == {}


def test_the_audit_can_fail(browser, server):
    """A slider without a label is caught: the audit is really running."""
    context, page, _ = open_page(browser, server, "chapters/hormesis.html", DESKTOP)
    page.evaluate("""() => {
        document.querySelector("label[for='hormesis-slope']").remove();
        document.getElementById('hormesis-slope').removeAttribute('title');
    }""")
    page.add_script_tag(path=str(AXE))
    rules = {rule for rule, _ in page.evaluate(AUDIT, WCAG_TAGS)}
    assert "label" in rules
    context.close()
