"""The forming-face explorer: what it draws is the model's, and its prompts' answers hold.

The chapter (chapters/reading-faces.md) asks four predict-first questions before
this explorer. These tests check that it opens without answering them, that each
answer is on the slider grid and is what the readout says there, and that the
drawn lines are the model's readings, written out independently here: paths that
start at bias·bound and stop on the bound they report, histograms that add up to
the readings that ended, and a neutral face whose readings end friendly as often
as a walk with no push does, (1 + bias)/2.
"""

from __future__ import annotations

import numpy as np
import pytest

from widgets.explorers import PathsExplorer
from widgets.explorers import paths as module
from widgets.models import Expression, Perceiver, evidence_paths


def drawn_as_one_line(paths):
    """Five readings as one line: each reading, then back along itself to the start."""
    times, values = [], []
    for i in range(paths.n_paths):
        t, x = paths.path(i)
        times += [t, t[::-1]]
        values += [x, x[::-1]]
    return np.concatenate(times[:-1]), np.concatenate(values[:-1])


def test_the_grid_is_within_the_issue_budget_and_the_defaults_give_nothing_away():
    explorer = PathsExplorer()
    assert explorer.grid_points() <= 300
    assert explorer.values["salience_gain"] == explorer.values["speedup"] == 0
    assert "changes nothing" in explorer.readout()
    assert explorer.claims(explorer.values, explorer.results) == {}
    results = explorer.results
    np.testing.assert_array_equal(results["path_placebo"], results["path_oxytocin"])
    np.testing.assert_array_equal(results["histogram_placebo"], results["histogram_oxytocin"])


@pytest.mark.parametrize("values", [
    {"valence": 0.5, "bias": -0.4, "salience_gain": 0.0, "speedup": 0.6},
    {"valence": -1.0, "bias": 0.4, "salience_gain": 2.0, "speedup": 0.2},
    {"valence": 0.0, "bias": 0.0, "salience_gain": 1.0, "speedup": 0.4},
])
def test_the_drawn_readings_are_the_models_and_stop_on_their_bounds(values):
    explorer = PathsExplorer(**values)
    results = explorer.results
    for condition, oxytocin in (("placebo", 0.0), ("oxytocin", 1.0)):
        gain = values["salience_gain"] if oxytocin else 0.0
        speedup = values["speedup"] if oxytocin else 0.0
        bound = 1.0 * (1 - speedup)
        model = evidence_paths(Perceiver(bias=values["bias"]),
                               Expression(values["valence"], onset=0.5), oxytocin=oxytocin,
                               salience_gain=gain, speedup=speedup, n_paths=5,
                               seed=PathsExplorer.seed)
        t, x = drawn_as_one_line(model)
        np.testing.assert_allclose(results[f"path_time_{condition}"], t)
        np.testing.assert_allclose(results[f"path_{condition}"], x, atol=5e-4)  # 3 decimals
        # What the reader sees: every reading starts at bias·bound, stays within the
        # bounds, and each decided one ends on the bound it reports.
        assert np.all(np.abs(results[f"path_{condition}"]) <= bound + 1e-9)
        for i in range(5):
            t, x = model.path(i)
            assert t[0] == 0 and x[0] == pytest.approx(values["bias"] * bound)
            if model.choices[i] != 0:
                assert (t[-1], x[-1]) == (model.times[i], model.choices[i] * bound)
            np.testing.assert_allclose(np.diff(t[:-1]), 0.05, atol=1e-9)
    # The dashed bounds are oxytocin's.
    bound_o = 1.0 * (1 - values["speedup"])
    assert sorted(set(np.round(results["bound_oxytocin"], 9))) == [-bound_o, bound_o]


def test_the_histograms_hold_every_reading_that_ends_on_the_chart():
    explorer = PathsExplorer(valence=0.5, bias=0.0, salience_gain=1.0, speedup=0.2)
    results = explorer.results
    edges = module.TIME_EDGES
    bins = len(edges) - 1
    for condition in ("placebo", "oxytocin"):
        heights = np.asarray(results[f"histogram_{condition}"])
        times = np.asarray(results["histogram_time"])
        assert heights.shape == times.shape == (3 * (bins + 2),)
        friendly, back, hostile = np.split(heights, 3)
        np.testing.assert_array_equal(back, friendly[::-1])  # the way back, on itself
        assert np.all(friendly >= 0) and np.all(hostile <= 0)
        assert friendly[0] == friendly[-1] == hostile[0] == hostile[-1] == 0
        summary = results[condition]
        # All readings on this chart end within 3 s, nearly: the bars add up to the
        # friendly and hostile shares, short only by readings slower than 3 s.
        assert 0 <= summary["friendly"] - friendly.sum() < 0.02
        assert 0 <= summary["hostile"] + hostile.sum() < 0.02
        np.testing.assert_allclose(np.split(times, 3)[0][1:-1],
                                   (edges[:-1] + edges[1:]) / 2)


@pytest.mark.parametrize("bias", [-0.4, 0.0, 0.4])
def test_a_neutral_face_ends_friendly_as_often_as_a_walk_with_no_push(bias):
    # Gambler's ruin: with no push, a walk from bias·a reaches +a first with chance
    # (1 + bias)/2, whatever a; and it takes (a² − (bias·a)²)/σ² on average.
    explorer = PathsExplorer(valence=0.0, bias=bias, salience_gain=2.0, speedup=0.6)
    for condition, bound in (("placebo", 1.0), ("oxytocin", 0.4)):
        summary = explorer.results[condition]
        share = summary["friendly_of_finished"].value
        # The 5-s deadline leaves about 0.3 % of placebo's readings unfinished
        # (the slowest mode decays as exp(−(π/2)²·t/(2a²))), and they are not
        # split evenly: allow for it there. Oxytocin's bound leaves none.
        tolerance = 2e-3 if condition == "placebo" else 1e-4
        assert share == pytest.approx((1 + bias) / 2, abs=tolerance)
        mean = summary["mean_time"].value
        exact = bound**2 * (1 - bias**2)
        # The deadline trims a few slow placebo readings: allow for it there.
        slack = 0.02 if condition == "placebo" else 1e-3
        assert exact - slack < mean < exact + 1e-3
    assert "about the same" in explorer.readout()


def test_the_predict_prompts_are_answered_where_the_chapter_says():
    mary_smile = {"valence": 0.5, "bias": -0.4}
    speed = PathsExplorer(**mary_smile, salience_gain=0.0, speedup=0.6).readout()
    assert "readings are faster" in speed and ", and less accurate" in speed
    assert "speed-up wins" in speed
    gain = PathsExplorer(**mary_smile, salience_gain=2.0, speedup=0.0).readout()
    assert "readings are faster" in gain and ", and more accurate" in gain
    assert "salience gain wins" in gain
    both = PathsExplorer(**mary_smile, salience_gain=2.0, speedup=0.2).readout()
    assert "readings are faster" in both and ", and more accurate" in both
    neutral = PathsExplorer(valence=0.0, bias=-0.4, salience_gain=2.0, speedup=0.6).readout()
    assert "readings are faster" in neutral and "is about the same" in neutral
    # The gain does nothing to a neutral face: the numbers are those without it.
    without = PathsExplorer(valence=0.0, bias=-0.4, salience_gain=0.0, speedup=0.6)
    with_gain = PathsExplorer(valence=0.0, bias=-0.4, salience_gain=2.0, speedup=0.6)
    np.testing.assert_array_equal(without.results["path_oxytocin"],
                                  with_gain.results["path_oxytocin"])
    np.testing.assert_array_equal(without.results["histogram_oxytocin"],
                                  with_gain.results["histogram_oxytocin"])


def test_placebo_does_not_depend_on_oxytocins_pulls():
    first = PathsExplorer(valence=-0.5, bias=0.4, salience_gain=0.0, speedup=0.2).results
    second = PathsExplorer(valence=-0.5, bias=0.4, salience_gain=2.0, speedup=0.6).results
    for key in ("path_placebo", "path_time_placebo", "histogram_placebo"):
        np.testing.assert_array_equal(first[key], second[key])


def test_a_reading_off_the_chart_is_mentioned():
    for values in ({"valence": 1.0, "bias": 0.0}, {"valence": 0.5, "bias": -0.4}):
        explorer = PathsExplorer(**values)
        model = evidence_paths(Perceiver(bias=values["bias"]),
                               Expression(values["valence"], onset=0.5), n_paths=5,
                               seed=PathsExplorer.seed)
        late = int(np.sum(~(model.times <= module.SHOWN_TIME)))
        assert ("off the chart" in explorer.readout()) == (late > 0)
