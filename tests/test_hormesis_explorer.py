"""The hormesis explorer: what its prompts ask is reachable, visible and not given away.

The chapter asks three predict-first questions before this explorer (does the
curve rise with f = 0; what does a larger dose do to the two people; is there a
setting that moves both the same way). These tests check, against closed forms
written out here, that the explorer opens without showing the answers, that each
answer is on the slider grid, that the panels' fixed axes show it, and that the
readout's words say what the numbers are.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from widgets.explorers import HormesisExplorer
from widgets.explorers import hormesis as module
from widgets.explorers.framework import MAX_GRID_POINTS

# The toy context model's defaults, written out: Δ = A · x/(x + h) · (security + setting)/2.
A, H = 40.0, 2.0


def closed_form(dose, security, setting):
    return A * dose / (dose + H) * (security + setting) / 2


def grid(name):
    return [float(v) for v in HormesisExplorer.control(HormesisExplorer, name).grid]


def panel(index):
    return HormesisExplorer.panels[index]


def test_the_controls_the_other_tests_and_the_chapter_rely_on():
    names = [c.name for c in HormesisExplorer.controls]
    assert names[0] == "hormesis"  # the JupyterLab test moves the first slider
    slope = HormesisExplorer.control(HormesisExplorer, "slope")
    assert (slope.min, slope.max) == (1.5, 6)
    assert HormesisExplorer().grid_points() <= MAX_GRID_POINTS


def test_it_opens_at_dose_zero_so_the_right_panel_gives_nothing_away():
    explorer = HormesisExplorer()
    assert explorer.values["dose"] == 0
    assert np.all(explorer.results["secure"] == 0)
    assert np.all(explorer.results["anxious"] == 0)
    words = explorer.readout()
    assert "neither person changes" in words
    assert "both rise" not in words and "gap" not in words


def test_the_right_panel_matches_the_closed_form_at_every_grid_dose():
    for dose in grid("dose"):
        results = HormesisExplorer(dose=dose).results
        settings = np.asarray(results["setting"])
        np.testing.assert_allclose(
            results["secure"], closed_form(dose, module.SECURE_PERSON, settings), atol=1e-12)
        np.testing.assert_allclose(
            results["anxious"], closed_form(dose, module.ANXIOUS_PERSON, settings), atol=1e-12)


def test_a_larger_dose_never_flips_a_persons_direction_only_its_size():
    settings = np.asarray(HormesisExplorer().results["setting"])
    previous = None
    for dose in grid("dose")[1:]:
        results = HormesisExplorer(dose=dose).results
        for security, key in ((module.SECURE_PERSON, "secure"),
                              (module.ANXIOUS_PERSON, "anxious")):
            change = np.asarray(results[key])
            lean = security + settings
            assert np.all(np.sign(np.round(change, 9)) == np.sign(np.round(lean, 9)))
        size = np.abs(np.asarray(results["secure"]))
        if previous is not None:
            assert np.all(size >= previous - 1e-12)  # grows (or stays 0) with the dose
        previous = size


def test_the_gap_between_the_two_people_is_the_same_in_every_setting():
    # Person and setting have equal weights: the setting never outweighs the person.
    for dose in grid("dose"):
        results = HormesisExplorer(dose=dose).results
        gap = np.asarray(results["secure"]) - np.asarray(results["anxious"])
        expected = A * dose / (dose + H) * (module.SECURE_PERSON - module.ANXIOUS_PERSON) / 2
        np.testing.assert_allclose(gap, expected, atol=1e-12)


def test_settings_that_move_both_people_the_same_way_are_reachable_and_visible():
    top_dose = grid("dose")[-1]
    results = HormesisExplorer(dose=top_dose).results
    settings = np.asarray(results["setting"])
    secure, anxious = np.asarray(results["secure"]), np.asarray(results["anxious"])
    both_up = (secure > 0) & (anxious > 0)
    both_down = (secure < 0) & (anxious < 0)
    # Closed form: both rise exactly where the setting is safer than the anxious
    # person is anxious, and both fall where it is more threatening than the
    # secure person is secure.
    np.testing.assert_array_equal(both_up, settings > -module.ANXIOUS_PERSON + 1e-9)
    np.testing.assert_array_equal(both_down, settings < -module.SECURE_PERSON - 1e-9)
    # Several plotted points on each side, not one stop at the end of the axis...
    assert both_up.sum() >= 5 and both_down.sum() >= 5
    # ...and the smaller of the two changes there is a visible share of the axis.
    low, high = panel(1).y_range
    assert anxious[both_up].max() >= 0.1 * (high - low)
    # The axes hold every curve on the grid: nothing is clipped.
    for dose in grid("dose"):
        r = HormesisExplorer(dose=dose).results
        for key in ("secure", "anxious"):
            assert low <= np.min(r[key]) and np.max(r[key]) <= high


def test_the_left_panel_shows_the_flip_with_dose_and_holds_every_curve():
    low, high = panel(0).y_range
    for f, b in itertools.product(grid("hormesis"), grid("slope")):
        response = np.asarray(HormesisExplorer(hormesis=f, slope=b).results["response"])
        assert low <= response.min() and response.max() <= high, (f, b)
    # With f = 0 no dose rises above the control; with the default f some grid dose
    # is above it and a larger grid dose below it (the dose flips the direction).
    doses = grid("dose")
    flat = [HormesisExplorer(hormesis=0, dose=d).results["response_at_dose"] for d in doses]
    assert max(flat) <= 100 + 1e-9
    default = [HormesisExplorer(dose=d).results["response_at_dose"] for d in doses]
    above = [d for d, y in zip(doses, default, strict=True) if y > 100.5]
    below = [d for d, y in zip(doses, default, strict=True) if y < 99.5]
    assert above and below and min(above) < max(below)


@pytest.mark.parametrize("dose", [0.0, 1.0, 2.0, 5.0, 10.0, 2.3])
def test_the_readout_says_what_the_numbers_are(dose):
    explorer = HormesisExplorer(dose=dose)
    words = explorer.readout()
    response = explorer.results["response_at_dose"]
    if dose == 0:
        assert "everyone's response is the control, 100 %" in words
        return
    shown = round(response)
    assert f"At dose {dose:g} everyone's response is {shown} % of control" in words
    side = "above" if shown > 100 else "below" if shown < 100 else "level with"
    assert f"{side} it." in words
    secure = closed_form(dose, module.SECURE_PERSON, 0.0)
    anxious = closed_form(dose, module.ANXIOUS_PERSON, 0.0)
    assert f"changes by +{round(secure)} %" in words
    assert f"by −{round(-anxious)} %" in words
    gap = int(re.search(r"The gap between them, (\d+) points", words).group(1))
    assert gap == round(secure) - round(anxious)
    threshold = f"{-module.ANXIOUS_PERSON:.2f}"
    assert f"safer than +{threshold} both rise" in words
    assert f"more threatening than −{threshold} both fall" in words


def test_the_live_mode_reads_out_a_dose_between_the_static_steps():
    explorer = HormesisExplorer()
    explorer.set(dose=2.25)
    assert "At dose 2.25 " in explorer.readout()


def test_the_readout_says_no_hormesis_only_when_there_is_none():
    """Any f > 0 gives a bump (the slope at dose 0 is f); at the smallest f and b it is too
    small to see on the chart, and the readout says it is there rather than deny it."""
    for f, b in itertools.product(grid("hormesis"), grid("slope")):
        explorer = HormesisExplorer(hormesis=f, slope=b)
        words = explorer.readout()
        assert ("no hormesis" in words) == (f == 0), (f, b)
        if 0 < explorer.results["peak_stimulation"] < 0.5:
            assert "too small to see" in words
    assert "too small to see" in HormesisExplorer(hormesis=10, slope=1.5).readout()
