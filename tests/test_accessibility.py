"""An axe-core accessibility audit of every built page, at both widths, in both colour schemes
(run by ``test_pages.py`` on its one load of each page; here, the audit and its own tests).

axe-core is vendored for the tests only (tests/vendor/axe-core, from npm by
scripts/vendor_frontend.sh) and injected into each page; the site never serves it.

Allowed: nothing. No violation of any impact from the WCAG 2.x A and AA rules, and no serious
or critical violation of axe's other rules (its best practices). Markup that upstream packages
get wrong is fixed in the book itself (_ext/every_reader.py, _templates/), not allow-listed.
Dark mode is audited as a reader meets it: the browser set to dark, the theme following it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_browser import DESKTOP, PHONE, open_page

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_A_AA = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"}
SERIOUS = {"serious", "critical"}

# Every rule axe runs by default (WCAG and best practice); each finding with its tags and
# impact, so that the test, not the page, decides what counts. Only violations are reported
# in full: axe still runs every rule on every element, but no longer works out a selector
# for each element that passed, which the test never reads.
AUDIT = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.flatMap(v => v.nodes.map(n => ({
    rule: v.id, impact: n.impact || v.impact, tags: v.tags,
    target: n.target.join(' '), summary: (n.failureSummary || '').slice(0, 200)})));
}"""


def counts(finding) -> bool:
    """A WCAG A/AA violation of any impact, or a serious or critical one of any other rule."""
    return bool(WCAG_A_AA & set(finding["tags"])) or finding["impact"] in SERIOUS


def audit(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return [f for f in page.evaluate(AUDIT) if counts(f)]


def theme_of(page) -> str:
    return page.evaluate("() => document.documentElement.dataset.theme")


def test_the_audit_can_fail(browser, server):
    """A slider without a label is caught: the audit is really running."""
    context, page, _ = open_page(browser, server, "chapters/hormesis.html", DESKTOP)
    page.evaluate("""() => {
        document.querySelector("label[for='hormesis-slope']").remove();
        document.getElementById('hormesis-slope').removeAttribute('title');
    }""")
    rules = {f["rule"] for f in audit(page)}
    assert "label" in rules
    context.close()


# Text that is fine on a light page and unreadable on a dark one: the mistake a stylesheet
# makes when it sets a colour for light mode only.
LIGHT_ONLY_COLOUR = """() => {
  const note = document.createElement('p');
  note.id = 'light-only-colour';
  note.textContent = 'A note styled for light mode only.';
  note.style.color = '#333333';
  document.querySelector('main').prepend(note);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_dark_mode_contrast_failure_fails_the_audit(browser, server, scheme):
    """The same dark-grey text passes on the light page and fails on the dark one."""
    context, page, _ = open_page(browser, server, "chapters/hormesis.html", PHONE,
                                 color_scheme=scheme)
    assert theme_of(page) == scheme
    page.evaluate(LIGHT_ONLY_COLOUR)
    failing = {f["target"] for f in audit(page) if f["rule"] == "color-contrast"}
    assert ("#light-only-colour" in failing) == (scheme == "dark")
    context.close()


def test_the_audit_counts_best_practice_findings_by_impact():
    best_practice = {"tags": ["cat.semantics", "best-practice"]}
    assert counts({**best_practice, "impact": "serious"})
    assert counts({**best_practice, "impact": "critical"})
    assert not counts({**best_practice, "impact": "moderate"})
    assert counts({"tags": ["wcag2aa"], "impact": "minor"})
