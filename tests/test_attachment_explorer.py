"""The attachment-plane explorer: the perceiver it shows, its curves and its words.

The framework-wide checks (budgets, static lookup against the model, every
control moving the chart, words surviving many more readings) run on every
registered explorer in test_explorers.py and test_noise.py; these check what
is particular to this one, against the mapping's equations and the reading
model's limits rather than numbers copied from the explorer's output.
"""

from __future__ import annotations

import numpy as np
import pytest

from widgets.explorers import AttachmentExplorer
from widgets.explorers import attachment as module
from widgets.explorers.attachment import (
    CHANGE_VERDICT,
    FROWN_INDEX,
    REGIMES,
    SMILE_INDEX,
    VALENCES,
    change_sentence,
)
from widgets.explorers.framework import Estimate
from widgets.models import attachment as mapping
from widgets.models.interpretation import SALIENCE_GAIN, SPEEDUP

SALIENCE_WINS, BALANCED, SPEED_WINS = 0.0, 1.0, 2.0


@pytest.fixture(scope="module")
def explorer():
    return AttachmentExplorer()


def test_the_shown_perceiver_follows_the_mapping_equations(explorer):
    for anxiety, avoidance in ((-1.0, 0.5), (0.5, -1.0), (1.0, 1.0)):
        results = explorer.compute(anxiety=anxiety, avoidance=avoidance, regime=BALANCED)
        bias = -(mapping.ANXIETY_BIAS * anxiety + mapping.AVOIDANCE_BIAS * avoidance)
        threshold = 1.0 - mapping.ANXIETY_THRESHOLD * anxiety
        weight = (1.0 + mapping.ANXIETY_SALIENCE * anxiety
                  - mapping.AVOIDANCE_SALIENCE * avoidance)
        np.testing.assert_allclose([results["cursor_bias"][0], results["cursor_threshold"][0],
                                    results["cursor_salience"][0]], [bias, threshold, weight])
        np.testing.assert_allclose(results["cursor_x"], anxiety)
        np.testing.assert_allclose(results["expectation"], (1 + bias) / 2)
        # Each parameter's line passes through its dot: the mapping is linear in
        # anxiety, so interpolate between the line's two ends.
        t = (anxiety + 1) / 2
        for key, value in (("bias_line", bias), ("threshold_line", threshold),
                           ("salience_line", weight)):
            ends = results[key]
            assert ends[0] + t * (ends[1] - ends[0]) == pytest.approx(value)


#: The three numbers a point on the plane sets, as the results name their lines, and a word
#: each panel's axis label must carry for its units.
PARAMETERS = {"bias_line": "hostile", "threshold_line": "evidence units",
              "salience_line": "average"}


def test_each_parameter_has_its_own_panel_and_axis():
    """Bias, threshold and salience weight have different units: no two share an axis, and
    each axis says its units (the issue was one 'parameter value' axis for all three)."""
    holding = {key: [panel for panel in AttachmentExplorer.panels
                     if any(line.y == key for line in panel.lines)]
               for key in PARAMETERS}
    for key, word in PARAMETERS.items():
        assert len(holding[key]) == 1, key
        panel = holding[key][0]
        assert word in panel.y_label, (key, panel.y_label)
        assert [line.y for line in panel.lines if line.y in PARAMETERS] == [key]
    assert len({id(panels[0]) for panels in holding.values()}) == 3
    labels = [panels[0].y_label for panels in holding.values()]
    assert len(set(labels)) == 3 and "parameter value" not in labels


def test_every_parameter_and_its_dot_fit_on_their_axis_with_room_for_the_legend():
    """At every point of the plane the line and this perceiver's dot lie inside the panel,
    the dot whole (not on the clipped edge), below the top tenth and, in the left half,
    below the top sixth: the legend's two rows are drawn there (explorer.js)."""
    explorer = AttachmentExplorer()
    anxieties, avoidances, _ = (control.grid for control in AttachmentExplorer.controls)
    for anxiety in anxieties:
        for avoidance in avoidances:
            results = explorer.compute(anxiety=float(anxiety), avoidance=float(avoidance),
                                       regime=1.0)
            for panel in AttachmentExplorer.panels[1:]:
                low, high = panel.y_range
                left, right = panel.x_range
                for line in panel.lines:
                    xs, ys = np.asarray(results[line.x]), np.asarray(results[line.y])
                    assert ((xs > left) & (xs < right)).all(), panel.title
                    assert ((ys > low) & (ys < high - 0.1 * (high - low))).all(), panel.title
                    left_half = xs < (left + right) / 2
                    assert (ys[left_half] < high - (high - low) / 6).all(), panel.title


@pytest.mark.parametrize("regime", [SALIENCE_WINS, BALANCED, SPEED_WINS])
def test_oxytocin_pulls_are_scaled_by_the_salience_weight(explorer, regime):
    _, base_gain, speedup = REGIMES[round(regime)]
    results = explorer.compute(anxiety=0.5, avoidance=-0.5, regime=regime)
    weight = 1.0 + mapping.ANXIETY_SALIENCE * 0.5 + mapping.AVOIDANCE_SALIENCE * 0.5
    assert results["gain_oxytocin"] == pytest.approx(1.0 + base_gain * weight)
    assert results["bound_oxytocin"] == pytest.approx(results["threshold"] * (1 - speedup))


def test_balanced_is_the_reading_models_default_pair_and_every_gain_is_allowed():
    assert REGIMES[round(BALANCED)][1:] == (SALIENCE_GAIN, SPEEDUP)
    # read_expression accepts salience gains up to 2: the most vigilant corner of
    # the plane (anxious, not avoidant) has the largest weight.
    largest_weight = 1.0 + mapping.ANXIETY_SALIENCE + mapping.AVOIDANCE_SALIENCE
    assert max(gain for _, gain, _ in REGIMES) * largest_weight <= 2.0


def test_placebo_curves_do_not_depend_on_oxytocins_pulls(explorer):
    curves = [explorer.compute(anxiety=1.0, avoidance=0.0, regime=r)["placebo"]
              for r in (SALIENCE_WINS, BALANCED, SPEED_WINS)]
    np.testing.assert_array_equal(curves[0], curves[1])
    np.testing.assert_array_equal(curves[0], curves[2])


def test_a_neutral_face_is_read_from_expectation_alone(explorer):
    # With no drift the walk ends friendly with probability (1 + bias)/2, whatever
    # the bound (gambler's ruin), so oxytocin's speed-up cannot move it either.
    middle = int(np.flatnonzero(VALENCES == 0)[0])
    for anxiety, avoidance in ((-1.0, -1.0), (1.0, 0.0), (0.0, 1.0)):
        results = explorer.compute(anxiety=anxiety, avoidance=avoidance, regime=SPEED_WINS)
        expected = results["expectation"][0]
        for key in ("placebo", "oxytocin"):
            share = results[key][middle]
            assert abs(share - expected) < 4 * np.sqrt(0.25 / 400) + 0.01, (key, share)


@pytest.mark.parametrize("anxiety, avoidance", [(-1.0, -1.0), (0.0, 0.0), (1.0, 0.0),
                                                (1.0, 1.0)])
def test_the_speed_up_pulls_readings_towards_expectation_and_the_gain_away(
        explorer, anxiety, avoidance):
    # A lower bound leaves the drift less time to act, so a reading's share moves
    # towards (1 + bias)/2; a stronger drift moves it away, towards the face.
    speed = explorer.compute(anxiety=anxiety, avoidance=avoidance, regime=SPEED_WINS)
    gain = explorer.compute(anxiety=anxiety, avoidance=avoidance, regime=SALIENCE_WINS)
    expected = speed["expectation"][0]
    for index in (SMILE_INDEX, FROWN_INDEX):
        placebo = speed["placebo"][index]
        assert abs(speed["oxytocin"][index] - expected) < abs(placebo - expected)
        assert abs(gain["oxytocin"][index] - expected) > abs(placebo - expected)


def where(readout: str) -> str:
    """The readout's first sentence: where the point lies."""
    return readout.split(" The mapping gives")[0]


@pytest.mark.parametrize("anxiety, avoidance, names", [
    (0.0, 0.0, ("centre",)),
    (0.5, 0.0, ("fearful", "preoccupied")),
    (-0.5, 0.0, ("dismissing", "secure")),
    (0.0, 1.0, ("fearful", "dismissing")),
    (0.0, -0.5, ("preoccupied", "secure")),
    (1.0, -1.0, ("preoccupied",)),
    (-0.5, 0.5, ("dismissing",)),
    (-1.0, -0.5, ("secure",)),
    (0.5, 1.0, ("fearful",)),
])
def test_the_readout_names_regions_as_labels_and_borders_as_borders(anxiety, avoidance,
                                                                    names):
    text = where(AttachmentExplorer(anxiety=anxiety, avoidance=avoidance).readout())
    others = {"secure", "preoccupied", "dismissing", "fearful"} - set(names)
    for name in names:
        assert name in text
    for name in others:
        assert name not in text
    if len(names) == 2:
        assert "border" in text
    # Scores with a true minus sign (read "minus"), zero without a sign.
    position = text.split(":")[0]
    assert "-" not in position
    assert ("−" in position) == (anxiety < 0 or avoidance < 0)
    assert ("0.0" in position) == (anxiety == 0 or avoidance == 0)


def test_the_readout_says_what_each_regime_does_to_the_bound_and_the_gain():
    salience = AttachmentExplorer(regime=SALIENCE_WINS).readout()
    speed = AttachmentExplorer(regime=SPEED_WINS).readout()
    assert "stays at 1.00" in salience and "arrives 100 % faster" in salience
    assert "falls from 1.00 to 0.20" in speed and "arrives no faster" in speed


@pytest.mark.parametrize("value, expected", [
    (-0.05, "oxytocin lowers it (−5.0 points)"),
    (0.05, "oxytocin raises it (+5.0 points)"),
    (0.0001, "changes it by 0.0 points, within the solver's error of zero"),
    (0.0, "changes it by 0.0 points, within the solver's error of zero"),
])
def test_the_direction_is_said_unless_within_the_solvers_error(value, expected):
    change = Estimate(value, module.SHARE_ERROR)
    assert expected in change_sentence("A face", 0.5, 0.5 + value, change)


def test_the_verdict_is_a_direction_outside_the_solvers_error():
    assert CHANGE_VERDICT.thresholds == (0.0,)
    assert CHANGE_VERDICT.margin == 1.0
    assert CHANGE_VERDICT.says(Estimate(-0.0003, 0.0002)) == "lowers it"
    assert "too close" in CHANGE_VERDICT.says(Estimate(-0.0001, 0.0002))


def test_undecided_readings_are_named_when_they_reach_one_percent():
    change = Estimate(0.05, module.SHARE_ERROR)
    quiet = change_sentence("A face", 0.5, 0.55, change, undecided=(0.004, 0.0))
    loud = change_sentence("A face", 0.5, 0.55, change, undecided=(0.03, 0.001))
    assert "undecided" not in quiet
    assert "(3 % and 0 % of readings are still undecided at the deadline)" in loud
    # And the explorer reports them from the model: the three outcomes add up to 1.
    explorer = AttachmentExplorer(anxiety=-1.0, avoidance=1.0, regime=SPEED_WINS)
    placebo_undecided, _ = explorer.results["smile_undecided"]
    assert placebo_undecided >= 0.01
    assert "still undecided at the deadline" in explorer.readout()


# -- The sweep of oxytocin's two pulls (the chapter's map) -------------------------------

@pytest.fixture(scope="module")
def smile_map():
    return module.pulls_map()


def test_the_map_at_the_named_settings_is_what_the_explorer_says(explorer, smile_map):
    """The sweep and the explorer solve the same model: at each named setting the map's
    change at every point of the plane is the explorer's smile change there."""
    for index, (_, base_gain, speedup) in enumerate(REGIMES):
        plane = smile_map.at(base_gain, speedup)
        for i, anxiety in enumerate(smile_map.anxieties):
            for j, avoidance in enumerate(smile_map.avoidances):
                results = explorer.compute(anxiety=float(anxiety), avoidance=float(avoidance),
                                           regime=float(index))
                assert plane[i, j] == pytest.approx(results["smile_change"].value, abs=1e-12)


def test_without_either_pull_oxytocin_changes_nothing_anywhere(smile_map):
    assert np.abs(smile_map.at(0.0, 0.0)).max() < module.SHARE_ERROR / 10
    assert not smile_map.rises_somewhere[0, 0] and not smile_map.falls_somewhere[0, 0]


def test_each_pull_alone_moves_every_perceiver_its_own_way(smile_map):
    # The gain alone steepens every curve away from the expectation (a smile reads
    # friendlier everywhere); a speed-up alone flattens it (less friendly everywhere).
    gain_only = smile_map.changes[1:, 0]
    speed_only = smile_map.changes[0, 1:]
    assert (gain_only > module.SHARE_ERROR).all()
    assert (speed_only < -module.SHARE_ERROR).all()
    assert not smile_map.turns[:, 0].any() and not smile_map.turns[0, :].any()


def test_turns_means_a_rise_and_a_fall_each_beyond_the_solvers_error():
    changes = np.zeros((1, 3, 2, 2))
    changes[0, 0] = [[3e-4, 0.0], [-3e-4, 0.0]]   # rises at one point, falls at another
    changes[0, 1] = [[3e-4, 1e-4], [-1e-4, 0.0]]  # the fall is within the error
    changes[0, 2] = [[-3e-4, -1e-3], [0.0, 0.0]]  # falls only
    sweep = module.PullsMap(np.zeros(1), np.arange(3.0), np.arange(2.0), np.arange(2.0),
                            changes)
    assert sweep.turns.tolist() == [[True, False, False]]
    assert sweep.rises_somewhere.tolist() == [[True, True, False]]
    assert sweep.falls_somewhere.tolist() == [[True, False, True]]


def test_the_sweep_stays_within_the_reading_models_limits():
    # The largest base gain times the largest salience weight on the plane must be an
    # allowed gain (the reading model refuses gains above 2).
    weights = [mapping.attachment_profile(a, v).social_salience
               for a in (-1.0, 1.0) for v in (-1.0, 1.0)]
    assert module.MAP_BASE_GAINS.max() * max(weights) <= 2.0
    assert module.MAP_SPEEDUPS.max() == max(speedup for _, _, speedup in REGIMES)


def test_where_the_direction_turns_it_turns_by_a_few_points_only(smile_map):
    """The gallery, the instructors' rubric and the chapter's summary repeat that the
    direction turns only where the pulls nearly cancel, "by a few points". Check it here
    too, so that a model change that breaks it fails a test and not only the build."""
    named = [(base_gain, speedup) for _, base_gain, speedup in REGIMES]
    for base_gain, speedup in named:
        plane = smile_map.at(base_gain, speedup)
        assert (plane > module.SHARE_ERROR).all() or (plane < -module.SHARE_ERROR).all()
    assert smile_map.turns.any()
    assert 0 < smile_map.turn_size.max() < 0.05
    # turn_size is the lesser side: at a pair that turns, some point rises and some point
    # falls by at least that much.
    i, j = np.unravel_index(np.argmax(smile_map.turn_size), smile_map.turn_size.shape)
    size = smile_map.turn_size[i, j]
    assert smile_map.changes[i, j].max() >= size and -smile_map.changes[i, j].min() >= size
