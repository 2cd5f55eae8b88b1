"""Static explorers in real Chromium: controls move, charts and words follow the model."""

from __future__ import annotations

import pytest

from widgets.explorers import ALL_EXPLORERS, EXPLORER_PAGES, HormesisExplorer

from .test_browser import DESKTOP, PHONE, open_page
from .test_explorers import decode_point

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


def back_to_default(page, name, control):
    """Move a control back to its default with the keyboard (Home, then steps)."""
    slider = page.locator(f"#{name}-{control.name}")
    slider.focus()
    page.keyboard.press("Home")
    for _ in range(round((control.default - control.min) / control.step)):
        page.keyboard.press("ArrowRight")


def stored_results(page, name):
    """The results the build stored for the explorer, as the page received them."""
    return page.evaluate(
        "name => document.querySelector(`div.explorer[data-explorer=\"${name}\"]`)"
        ".explorer.data", name)


def assert_matches_model(page, explorer_class, stored=None):
    """The readout is the build's stored readout for the controls' values: looked up in
    Python from the stored results (which tests/test_explorers.py checks against the
    model), not computed again at every key press."""
    stored = stored or stored_results(page, explorer_class.name)
    values = current_values(page, explorer_class.name)
    _, expected = decode_point(stored, values)
    assert readout(page, explorer_class.name) == expected, values


@pytest.mark.parametrize(("explorer_class", "path"), PLACES, ids=IDS)
def test_keyboard_moves_every_labelled_control_across_its_range(browser, server,
                                                                explorer_class, path):
    context, page, watch = open_page(browser, server, path, DESKTOP)
    name = explorer_class.name
    stored = stored_results(page, name)
    assert_matches_model(page, explorer_class, stored)
    for control in explorer_class.controls:
        # Labelled with its name, and announced with its value and unit (not its index).
        slider = page.locator(f"#{name}-{control.name}")
        assert slider.get_attribute("type") == "range"
        assert page.locator(f"label[for='{name}-{control.name}']").inner_text() == control.label
        assert slider.get_attribute("aria-valuetext") == control.format(control.default)
    for control in explorer_class.controls:
        slider = page.locator(f"#{name}-{control.name}")
        slider.focus()
        seen_charts, seen_texts = set(), set()
        for key in ("Home", "ArrowRight", "ArrowRight", "End", "ArrowLeft"):
            slider.press(key)
            seen_charts.add(chart_state(page, name))
            seen_texts.add(readout(page, name))
            assert_matches_model(page, explorer_class, stored)
        page.keyboard.press("Home")
        assert current_values(page, name)[control.name] == control.min
        page.keyboard.press("End")
        assert current_values(page, name)[control.name] == control.max
        assert len(seen_charts) > 1 or len(seen_texts) > 1, control.name
        # Put it back so each control is tested from the defaults of the others.
        back_to_default(page, name, control)
    assert watch.problems() == {}
    context.close()


@pytest.mark.parametrize(("explorer_class", "path"), PLACES, ids=IDS)
def test_mouse_moves_every_control_and_the_chart_follows(browser, server, explorer_class,
                                                         path):
    context, page, watch = open_page(browser, server, path, PHONE)
    name = explorer_class.name
    stored = stored_results(page, name)
    for control in explorer_class.controls:
        slider = page.locator(f"#{name}-{control.name}")
        states = []
        for fraction in (0.02, 0.5, 0.98):
            # locator.click scrolls the slider into view and fails if anything
            # (a sticky header, say) would take the click instead.
            box = slider.bounding_box()
            slider.click(position={"x": fraction * box["width"], "y": box["height"] / 2})
            states.append((chart_state(page, name), readout(page, name)))
            assert_matches_model(page, explorer_class, stored)
        # Three positions, three different pictures or texts (two for a control with
        # only two positions). Not always both: in the church model with no
        # mimicry, oxytocin cannot change what is seen.
        expected = min(3, len(control.grid))
        assert len(set(states)) == expected, f"{control.name}: the chart did not follow the mouse"
        box = slider.bounding_box()
        slider.click(position={"x": 1, "y": box["height"] / 2})
        assert current_values(page, name)[control.name] == control.min
        back_to_default(page, name, control)
        assert current_values(page, name)[control.name] == control.default
    assert watch.problems() == {}
    context.close()


def a_setting_off_the_defaults(explorer_class):
    """A grid point where every control differs from its default."""
    setting = {}
    for control in explorer_class.controls:
        grid = list(control.grid)
        index = grid.index(control.default)
        setting[control.name] = float(grid[index - 1] if index > 0 else grid[index + 1])
    return setting


@pytest.mark.parametrize(("explorer_class", "path"), PLACES, ids=IDS)
def test_a_permalink_restores_its_setting(browser, server, explorer_class, path):
    name = explorer_class.name
    setting = a_setting_off_the_defaults(explorer_class)
    query = "&".join(f"{k}={v:g}" for k, v in setting.items())
    context, page, watch = open_page(browser, server, f"{path}#{name}?{query}", DESKTOP)
    page.locator(f"div.explorer[data-explorer='{name}'] svg").first.wait_for()
    assert current_values(page, name) == setting
    assert readout(page, name) == decode_point(stored_results(page, name), setting)[1]
    # Moving a control writes the new setting back into the address.
    first = explorer_class.controls[0]
    page.locator(f"#{name}-{first.name}").focus()
    page.keyboard.press("Home")
    moved = {**setting, first.name: first.min}
    expected = "#" + name + "?" + "&".join(f"{k}={v:g}" for k, v in moved.items())
    assert page.evaluate("decodeURIComponent(location.hash)") == expected
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


def test_the_copy_link_button_puts_the_setting_in_the_address(browser, server):
    context, page, watch = open_page(browser, server, "chapters/hormesis.html", DESKTOP)
    explorer = page.locator("div.explorer[data-explorer='hormesis']")
    explorer.locator("button.explorer-copy-link").click()
    defaults = {c.name: c.default for c in HormesisExplorer.controls}
    expected = "#hormesis?" + "&".join(f"{k}={v:g}" for k, v in defaults.items())
    assert page.evaluate("decodeURIComponent(location.hash)") == expected
    status = explorer.locator(".explorer-copy-status")
    status.wait_for()
    assert status.inner_text() in {"Link copied.",
                                   "Copy the page address: it now holds this setting."}
    assert watch.problems() == {}
    context.close()
