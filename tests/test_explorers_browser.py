"""Static explorers in real Chromium: controls move, charts and words follow the model."""

from __future__ import annotations

import pytest

from widgets.explorers import ALL_EXPLORERS, EXPLORER_PAGES, HormesisExplorer

from .test_browser import DESKTOP, PHONE, open_page

pytestmark = pytest.mark.browser

PLACES = [(cls, EXPLORER_PAGES[cls.name]) for cls in ALL_EXPLORERS]
IDS = [cls.name for cls in ALL_EXPLORERS]


def current_values(page, name):
    return page.evaluate(
        """name => {
          const ex = document.querySelector(`div.explorer[data-explorer="${name}"]`).explorer;
          const values = {};
          ex.data.controls.forEach((c, i) => { values[c.name] = ex.valueOf(i); });
          return values;
        }""",
        name,
    )


def chart_state(page, name):
    return page.eval_on_selector_all(
        f"div.explorer[data-explorer='{name}'] polyline.explorer-line",
        "els => els.map(e => e.getAttribute('points')).join('|')",
    )


def readout(page, name):
    return page.locator(f"div.explorer[data-explorer='{name}'] .explorer-readout").inner_text()


def assert_matches_model(page, explorer_class):
    values = current_values(page, explorer_class.name)
    expected = explorer_class(**values).readout()
    assert readout(page, explorer_class.name) == expected, values


@pytest.mark.parametrize(("explorer_class", "path"), PLACES, ids=IDS)
def test_keyboard_moves_every_control_across_its_range(browser, server, explorer_class,
                                                       path):
    context, page, watch = open_page(browser, server, path, DESKTOP)
    name = explorer_class.name
    assert_matches_model(page, explorer_class)
    for control in explorer_class.controls:
        slider = page.locator(f"#{name}-{control.name}")
        slider.focus()
        seen_charts, seen_texts = set(), set()
        for key in ("Home", "ArrowRight", "ArrowRight", "End", "ArrowLeft"):
            slider.press(key)
            seen_charts.add(chart_state(page, name))
            seen_texts.add(readout(page, name))
            assert_matches_model(page, explorer_class)
        page.keyboard.press("Home")
        assert current_values(page, name)[control.name] == control.min
        page.keyboard.press("End")
        assert current_values(page, name)[control.name] == control.max
        assert len(seen_charts) > 1 or len(seen_texts) > 1, control.name
        # Put it back so each control is tested from the defaults of the others.
        page.evaluate(f"""() => {{
            const input = document.getElementById('{name}-{control.name}');
            input.value = {round((control.default - control.min) / control.step)};
            input.dispatchEvent(new Event('input'));
        }}""")
    assert watch.problems() == {}
    context.close()


@pytest.mark.parametrize(("explorer_class", "path"), PLACES, ids=IDS)
def test_mouse_moves_every_control_and_the_chart_follows(browser, server, explorer_class,
                                                         path):
    context, page, watch = open_page(browser, server, path, PHONE)
    name = explorer_class.name
    for control in explorer_class.controls:
        slider = page.locator(f"#{name}-{control.name}")
        slider.scroll_into_view_if_needed()
        box = slider.bounding_box()
        charts = []
        for fraction in (0.02, 0.5, 0.98):
            page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)
            charts.append(chart_state(page, name))
            assert_matches_model(page, explorer_class)
        assert len(set(charts)) == 3, f"{control.name}: the chart did not follow the mouse"
        page.mouse.click(box["x"] + 1, box["y"] + box["height"] / 2)
        assert current_values(page, name)[control.name] == control.min
    assert watch.problems() == {}
    context.close()


def test_controls_are_labelled_with_name_value_and_unit(browser, server):
    context, page, _ = open_page(browser, server, "chapters/hormesis.html", DESKTOP)
    for control in HormesisExplorer.controls:
        slider = page.locator(f"#hormesis-{control.name}")
        assert slider.get_attribute("type") == "range"
        label = page.locator(f"label[for='hormesis-{control.name}']").inner_text()
        assert label == control.label
        valuetext = slider.get_attribute("aria-valuetext")
        assert valuetext == control.format(control.default)
    context.close()


def test_a_permalink_restores_its_setting(browser, server):
    setting = {"hormesis": 80.0, "slope": 2.0, "context": -0.5}
    query = "&".join(f"{k}={v:g}" for k, v in setting.items())
    context, page, watch = open_page(browser, server,
                                     f"chapters/hormesis.html#hormesis?{query}", DESKTOP)
    page.locator("div.explorer[data-explorer='hormesis'] svg").first.wait_for()
    assert current_values(page, "hormesis") == setting
    assert readout(page, "hormesis") == HormesisExplorer(**setting).readout()
    # Moving a control writes the new setting back into the address.
    page.locator("#hormesis-context").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("location.hash") == "#hormesis?hormesis=80&slope=2&context=-0.25"
    assert watch.problems() == {}
    context.close()


def test_a_permalink_out_of_range_is_reported_not_silently_changed(browser, server):
    context, page, _ = open_page(browser, server,
                                 "chapters/hormesis.html#hormesis?slope=40", DESKTOP)
    notice = page.locator("div.explorer[data-explorer='hormesis'] .explorer-notice")
    assert notice.is_visible()
    assert "40" in notice.inner_text()
    assert current_values(page, "hormesis")["slope"] == HormesisExplorer().values["slope"]
    context.close()
