"""What a screen reader hears from each explorer, and what a reader sees in either scheme.

Chromium's own accessibility tree (the Chrome DevTools Protocol's full AX tree,
which is what Playwright's ARIA snapshot is made from, with descriptions and
live regions as well) is read for every explorer on its page:

* every control has a name, and a slider's value text carries its unit;
* each chart is an image with its own title and its own description, distinct
  from every other chart's of that explorer (once, each chart was described by
  the text of all of them, so a screen reader read it twice);
* a slider move is announced once: the only live regions are the readout and
  the copy button's confirmation (the number beside each slider was an
  ``<output>``, a polite live region, that repeated the slider's value).

``test_the_checks_catch_the_old_markup`` puts the old markup back and shows that
each check fails. The colour tests read explorer.css: every line shade keeps
3:1 contrast against the chart's background in both schemes, text 4.5:1; and axe
finds no colour-contrast violation in explorers and self-checks, light or dark,
at phone and desktop widths (and does find one when a button is dark on dark).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from widgets.explorers import ALL_EXPLORERS, EXPLORER_PAGES
from widgets.explorers.framework import OKABE_ITO, OKABE_ITO_ON_WHITE

from .conftest import ROOT
from .test_browser import DESKTOP, open_page

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
EXPLORER_CSS = ROOT / "assets" / "explorer" / "explorer.css"
GALLERY = "chapters/explorer-gallery.html"
SELF_CHECK_CHAPTERS = ("hormesis", "attention", "reading-faces", "faces-side-by-side",
                       "attachment", "tom-and-mary", "evidence", "real-studies")
PLACES = [(cls, EXPLORER_PAGES[cls.name]) for cls in ALL_EXPLORERS]
IDS = [cls.name for cls in ALL_EXPLORERS]
#: Where a live region may be: the readout, and the copy button's confirmation.
ALLOWED_LIVE = {"explorer-readout", "explorer-copy-status"}


# -- contrast, from the stylesheets ------------------------------------------------

def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rgb or #rrggbb colour."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(2 * d for d in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def declarations(css: str, selector: str) -> dict[str, str]:
    """The custom properties declared in the rule(s) whose selector is exactly ``selector``."""
    found = {}
    for rule_selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if rule_selector.strip() == selector:
            found.update(re.findall(r"(--[\w-]+)\s*:\s*([^;]+?)\s*(?:;|$)", body))
    return found


@cache
def theme_colours(scheme: str) -> dict[str, str]:
    """pydata-sphinx-theme's colour variables for ``scheme``, from its installed stylesheet."""
    import pydata_sphinx_theme

    folder = Path(pydata_sphinx_theme.__file__).parent
    sheet = next(folder.rglob("pydata-sphinx-theme.css"))
    return declarations(sheet.read_text(), f"html[data-theme={scheme}]")


@cache
def explorer_colours(scheme: str) -> dict[str, str]:
    """explorer.css's variables in ``scheme``, each resolved to a #colour."""
    css = re.sub(r"/\*.*?\*/", "", EXPLORER_CSS.read_text(), flags=re.S)
    values = declarations(css, "div.explorer")
    if scheme == "dark":
        values.update(declarations(css, 'html[data-theme="dark"] div.explorer'))
    theme = theme_colours(scheme)

    def resolve(value: str) -> str:
        match = re.fullmatch(r"var\((--[\w-]+)\s*,\s*(.+)\)", value)
        if match is None:
            return value
        return resolve(theme[match[1]]) if match[1] in theme else resolve(match[2])

    return {name: resolve(value) for name, value in values.items()}


# Each variable as the page computes it (the book's theme overrides some of
# pydata-sphinx-theme's colours), as "rgb(r, g, b)".
COMPUTED_COLOURS = """names => {
  const root = document.querySelector('div.explorer');
  const probe = document.createElement('span');
  root.appendChild(probe);
  const colours = {};
  for (const name of names) {
    probe.style.color = 'var(' + name + ')';
    colours[name] = getComputedStyle(probe).color;
  }
  probe.remove();
  colours.background = getComputedStyle(root).backgroundColor;
  return colours;
}"""


def as_hex(rgb: str) -> str:
    channels = [int(float(c)) for c in re.findall(r"[\d.]+", rgb)]
    assert len(channels) == 3, f"{rgb} is not an opaque colour"
    return "#" + "".join(f"{c:02x}" for c in channels)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_line_colour_and_text_has_enough_contrast(browser, server, scheme):
    context, page, _ = open_in_scheme(browser, server, "chapters/hormesis.html", DESKTOP,
                                      scheme)
    names = [f"--explorer-{name}" for name in OKABE_ITO] + [
        "--explorer-background", "--explorer-text", "--explorer-notice",
        "--explorer-button-background", "--explorer-focus"]
    colours = {k: as_hex(v) for k, v in page.evaluate(COMPUTED_COLOURS, names).items()}
    context.close()
    # The chart's background is the page's own.
    background = colours["background"]
    assert background == colours["--explorer-background"]
    ratios = {name: contrast(colours[f"--explorer-{name}"], background) for name in OKABE_ITO}
    print(scheme, background, {n: f"{colours['--explorer-' + n]} {r:.2f}"
                               for n, r in ratios.items()})
    # Lines and dots: non-text contrast (WCAG 1.4.11), 3:1.
    assert {name: round(r, 2) for name, r in ratios.items() if r < 3} == {}
    for text in ("--explorer-text", "--explorer-notice"):
        assert contrast(colours[text], background) >= 4.5, text
    # The button's text on the button.
    assert contrast(colours["--explorer-text"], colours["--explorer-button-background"]) >= 4.5
    # Focus ring and slider: 3:1 on the page.
    assert contrast(colours["--explorer-focus"], background) >= 3


def test_the_contrast_check_can_fail_and_live_figures_use_the_light_shades():
    # Okabe–Ito's own orange and sky blue are too faint on white: the check above
    # would catch them, which is why explorer.css darkens them.
    assert contrast(OKABE_ITO["orange"], "#ffffff") < 3
    assert contrast(OKABE_ITO["sky"], "#ffffff") < 3
    # And black is invisible on a dark page.
    assert contrast(OKABE_ITO["black"], theme_colours("dark")["--pst-color-background"]) < 3
    assert contrast(OKABE_ITO["black"], "#121212") < 3
    # The live (matplotlib) figure is white: it draws the light scheme's shades.
    light = explorer_colours("light")
    assert {name: light[f"--explorer-{name}"].lower() for name in OKABE_ITO} == \
        {name: colour.lower() for name, colour in OKABE_ITO_ON_WHITE.items()}
    css = EXPLORER_CSS.read_text()
    for name in OKABE_ITO:
        assert f".explorer-colour-{name} {{ color: var(--explorer-{name}); }}" in css, name


# -- the accessibility tree ----------------------------------------------------------

def _property(node, name):
    for prop in node.get("properties", []):
        if prop["name"] == name:
            return prop["value"].get("value")
    return None


def _text(node, key):
    value = node.get(key)
    return (value or {}).get("value", "") if isinstance(value, dict) else ""


def accessibility_tree(page, selector):
    """The nodes of Chromium's accessibility tree inside ``selector`` (not ignored ones).

    Each node: role, name, description, value text, live (the live-region
    politeness, where it is a live region's root) and the DOM element's class.

    The value text is the element's ``aria-valuetext`` where it has one: the
    DevTools protocol reports a native slider's number there whatever its
    aria-valuetext (so does Playwright's ARIA snapshot), while the platform
    accessibility APIs that screen readers use take the aria-valuetext.
    """
    client = page.context.new_cdp_session(page)
    try:
        client.send("DOM.enable")
        client.send("Accessibility.enable")
        document = client.send("DOM.getDocument", {"depth": 0})
        found = client.send("DOM.querySelector", {"nodeId": document["root"]["nodeId"],
                                                  "selector": selector})
        assert found["nodeId"], f"no {selector} on the page"
        root = client.send("DOM.describeNode", {"nodeId": found["nodeId"]})["node"]
        nodes = client.send("Accessibility.getFullAXTree")["nodes"]
        by_id = {node["nodeId"]: node for node in nodes}
        start = [n for n in nodes if n.get("backendDOMNodeId") == root["backendNodeId"]]
        assert start, f"{selector} is not in the accessibility tree"
        inside, queue = [], [start[0]]
        while queue:
            node = queue.pop(0)
            inside.append(node)
            queue.extend(by_id[c] for c in node.get("childIds", []) if c in by_id)
        result = []
        for node in inside:
            if node.get("ignored"):
                continue
            role = _text(node, "role")
            if role in {"StaticText", "InlineTextBox"}:
                continue  # text inside an element, which is what is checked
            pairs, element_class = {}, ""
            if node.get("backendDOMNodeId"):
                described = client.send("DOM.describeNode",
                                        {"backendNodeId": node["backendDOMNodeId"]})["node"]
                attributes = described.get("attributes", [])
                pairs = dict(zip(attributes[::2], attributes[1::2], strict=True))
                element_class = pairs.get("class", "") or described.get("localName", "")
            valuetext = pairs.get("aria-valuetext") or str(_property(node, "valuetext") or "")
            result.append({
                "role": role,
                "name": _text(node, "name"),
                "description": _text(node, "description"),
                "valuetext": valuetext,
                "live": _property(node, "live") or "",
                "class": element_class,
            })
        return result
    finally:
        client.detach()


def aria_problems(page, explorer_class):
    """Everything a screen reader would get wrong in this explorer, as sentences."""
    name = explorer_class.name
    tree = accessibility_tree(page, f"div.explorer[data-explorer='{name}']")
    problems = []
    # Controls: each has a name; a slider says its value with its unit.
    controls = {c.label: c for c in explorer_class.controls}
    sliders = [n for n in tree if n["role"] == "slider"]
    if len(sliders) != len(controls):
        problems.append(f"{len(sliders)} sliders for {len(controls)} controls")
    for node in tree:
        if node["role"] in {"slider", "button", "textbox", "checkbox", "combobox"} \
                and not node["name"].strip():
            problems.append(f"a {node['role']} without a name")
    for slider in sliders:
        control = controls.get(slider["name"])
        if control is None:
            problems.append(f"slider named {slider['name']!r} is not a control's label")
            continue
        if not slider["valuetext"]:
            problems.append(f"slider {control.name} has no value text")
        elif control.unit and not control.labels and \
                not slider["valuetext"].endswith(" " + control.unit):
            problems.append(f"slider {control.name} says {slider['valuetext']!r}, "
                            f"without its unit {control.unit!r}")
    # Charts: one image per panel, named by its title, with its own description.
    charts = [n for n in tree if n["role"] in {"image", "img"}]
    titles = [panel.title for panel in explorer_class.panels]
    if [c["name"] for c in charts] != titles:
        problems.append(f"charts named {[c['name'] for c in charts]}, expected {titles}")
    # What each chart should say about itself, as declared with its panel.
    declared = explorer_class.chart_descriptions()
    descriptions = [chart["description"] for chart in charts]
    if len(set(descriptions)) < len(descriptions):
        problems.append("two charts have the same description")
    for i, chart in enumerate(charts):
        if len(chart["description"].split()) < 5:
            problems.append(f"chart {chart['name']!r} has no description")
        spoken = chart["name"] + " " + chart["description"]
        for j, other in enumerate(declared):
            if j != i and other in spoken:
                problems.append(f"chart {chart['name']!r} repeats the description of "
                                f"chart {titles[j]!r}")
    # Live regions: only the readout and the copy button's confirmation.
    for node in tree:
        if node["live"] not in ("", "off") or \
                node["role"] in {"status", "alert", "log", "timer", "marquee"}:
            if not set(node["class"].split()) & ALLOWED_LIVE:
                problems.append(f"a live region ({node['role']}, {node['class']!r}): "
                                "a slider move would be announced twice")
    return problems


@pytest.mark.browser
@pytest.mark.parametrize(("explorer_class", "path"), PLACES, ids=IDS)
def test_a_screen_reader_hears_each_control_and_chart_once(browser, server, explorer_class,
                                                           path):
    context, page, watch = open_in_scheme(browser, server, path, DESKTOP, "light")
    assert aria_problems(page, explorer_class) == []
    # After a move too: the value shown beside the slider is still not announced.
    first = explorer_class.controls[0]
    page.locator(f"#{explorer_class.name}-{first.name}").focus()
    page.keyboard.press("End")
    assert aria_problems(page, explorer_class) == []
    # And the chart descriptions are the ones declared in Python, in order.
    tree = accessibility_tree(page, f"div.explorer[data-explorer='{explorer_class.name}']")
    charts = [n["description"] for n in tree if n["role"] in {"image", "img"}]
    assert tuple(charts) == explorer_class.chart_descriptions()
    assert watch.problems() == {}
    context.close()


# The markup of before: the value beside each slider an <output> (a live region),
# each chart labelled with its title and the text of every chart, no description.
OLD_MARKUP = """name => {
  const root = document.querySelector(`div.explorer[data-explorer="${name}"]`);
  const all = [...root.querySelectorAll('svg.explorer-chart desc')].map(d => d.textContent);
  root.querySelectorAll('.explorer-value').forEach(span => {
    const output = document.createElement('output');
    output.setAttribute('for', span.dataset.for);
    output.textContent = span.textContent;
    span.replaceWith(output);
  });
  root.querySelectorAll('svg.explorer-chart').forEach(svg => {
    svg.setAttribute('aria-label', svg.getAttribute('aria-label') + '. ' + all.join(' '));
    svg.removeAttribute('aria-describedby');
    svg.querySelector('desc').remove();
  });
}"""

UNIT_DROPPED = """([name, control]) => {
  const slider = document.getElementById(name + '-' + control);
  slider.setAttribute('aria-valuetext', slider.getAttribute('aria-valuetext').split(' ')[0]);
}"""

LABEL_REMOVED = """([name, control]) => {
  document.querySelector(`label[for="${name}-${control}"]`).remove();
  document.getElementById(name + '-' + control).removeAttribute('title');
}"""


@pytest.mark.browser
def test_the_checks_catch_the_old_markup(browser, server):
    from widgets.explorers import HormesisExplorer

    context, page, _ = open_in_scheme(browser, server, "chapters/hormesis.html", DESKTOP,
                                      "light")
    assert aria_problems(page, HormesisExplorer) == []
    page.evaluate(OLD_MARKUP, "hormesis")
    problems = " | ".join(aria_problems(page, HormesisExplorer))
    assert "has no description" in problems
    assert "repeats the description" in problems
    assert problems.count("live region (status, 'output')") == len(HormesisExplorer.controls)
    page.evaluate(UNIT_DROPPED, ["hormesis", "dose"])
    page.evaluate(LABEL_REMOVED, ["hormesis", "slope"])
    problems = " | ".join(aria_problems(page, HormesisExplorer))
    assert "slider dose says '0', without its unit 'dose units'" in problems
    assert "a slider without a name" in problems
    context.close()


# -- colour contrast in the browser, light and dark ------------------------------------

def open_in_scheme(browser, server, path, viewport, scheme):
    context, page, watch = open_page(browser, server, path, viewport, color_scheme=scheme)
    # The theme follows the system's scheme by default.
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    return context, page, watch


CONTRAST = """async () => {
  const include = [...document.querySelectorAll('div.explorer, div.self-check')];
  if (!include.length) return null;
  const result = await axe.run({include: include}, {runOnly: {type: 'rule',
    values: ['color-contrast', 'non-text-contrast'].filter(id => axe.getRules().some(
      rule => rule.ruleId === id))}, resultTypes: ['violations']});
  return result.violations.flatMap(v => v.nodes.map(n => [v.id, n.target.join(' '),
    n.failureSummary.split('\\n').slice(-1)[0].trim()]));
}"""


def answer_some_questions(page):
    """Put self-checks in each state: a wrong choice, a right choice, a wrong number."""
    if not page.locator(".self-check").count():
        return
    page.wait_for_function(
        "[...document.querySelectorAll('.self-check')].every(b => b.dataset.ready)")
    quizzes = page.locator(".self-check .Quiz")
    wrong_done = right_done = number_done = False
    for q in range(quizzes.count()):
        quiz = quizzes.nth(q)
        box = quiz.locator("input.Input-text")
        if box.count():
            if not number_done:
                box.fill("123456789")
                box.press("Enter")
                number_done = True
            continue
        want = "false" if not wrong_done else "true" if not right_done else None
        if want is None:
            continue
        choice = quiz.locator(f"label.MCButton[data-correct='{want}']").first
        choice.scroll_into_view_if_needed()
        choice.click()
        if want == "false":
            wrong_done = True
        else:
            right_done = True


CONTRAST_PAGES = sorted({*EXPLORER_PAGES.values(), GALLERY,
                         *(f"chapters/{c}.html" for c in SELF_CHECK_CHAPTERS)})


@pytest.mark.browser
def test_the_contrast_audit_catches_a_dark_button_in_dark_mode(browser, server):
    """The copy button as it once was in dark mode, dark text on a dark button: caught."""
    context, page, _ = open_in_scheme(browser, server, "chapters/hormesis.html", DESKTOP,
                                      "dark")
    page.add_style_tag(content=".explorer-copy-link { color: #222832 !important; }")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(CONTRAST)
    assert any(rule == "color-contrast" and "explorer-copy-link" in target
               for rule, target, _ in violations), violations
    context.close()
