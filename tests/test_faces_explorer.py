"""The reading-faces explorer (chapters/faces-side-by-side.md): three outcomes per reading,
and a gap in net warmth."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.explorers import FacesExplorer
from widgets.explorers import faces as module
from widgets.models import Expression, Perceiver, solve_expression
from widgets.scenarios import MARY_BIAS, TOM_BIAS

AT = module.REPORTED_INDEX


@pytest.mark.parametrize("values", [dict(), dict(threshold=2.5, onset=0.0),
                                    dict(threshold=0.5, salience_gain=2.0, speedup=0.0)])
def test_the_gap_is_net_warmth_and_undecided_readings_count_as_neither(values):
    results = FacesExplorer(**values).results
    threshold, onset = (FacesExplorer(**values).values[k] for k in ("threshold", "onset"))
    # Against the model directly, one reading situation at a time.
    for who, bias in (("tom", TOM_BIAS), ("mary", MARY_BIAS)):
        solved = solve_expression(Perceiver(bias=bias, threshold=threshold),
                                  Expression(module.REPORTED_VALENCE, onset=onset))
        assert results[f"{who}_placebo"][AT] == pytest.approx(solved.p_friendly, abs=1e-9)
        assert results[f"{who}_hostile_placebo"][AT] == pytest.approx(solved.p_hostile,
                                                                     abs=1e-9)
        assert results[f"{who}_undecided_placebo"][AT] == pytest.approx(solved.p_undecided,
                                                                       abs=1e-9)
    for drug in ("placebo", "oxytocin"):
        warmth = {who: results[f"{who}_{drug}"] - results[f"{who}_hostile_{drug}"]
                  for who in ("tom", "mary")}
        np.testing.assert_allclose(results[f"gap_{drug}"], warmth["tom"] - warmth["mary"])


@pytest.mark.slow  # the explorer's whole grid: about 6 s
def test_the_gap_never_exceeds_the_difference_between_the_expectations():
    # Driftless readings end friendly with chance (1 + bias)/2, so net warmth is at most
    # the bias; evidence and the deadline can only pull the two together.
    ceiling = TOM_BIAS - MARY_BIAS
    for results in FacesExplorer().grid_results().values():
        assert results["gap_placebo"].max() <= ceiling + 1e-3
        assert results["gap_oxytocin"].max() <= ceiling + 1e-3
    neutral = int(np.flatnonzero(np.isclose(module.VALENCES, 0.0))[0])
    quick = FacesExplorer(threshold=0.5).results  # nearly every reading finishes
    assert quick["gap_placebo"][neutral] == pytest.approx(ceiling, abs=1e-3)


def test_a_slow_reader_is_not_counted_as_a_hostile_one():
    # At the largest bound many of Mary's readings of a formed smile are undecided; the
    # friendly-share gap would count them as hostile, net warmth does not.
    results = FacesExplorer(threshold=2.5, onset=0.0).results
    assert results["mary_undecided_placebo"][AT] > 0.3
    friendly_gap = results["tom_placebo"][AT] - results["mary_placebo"][AT]
    assert results["gap_placebo"][AT] < 2 * friendly_gap
    readout = FacesExplorer(threshold=2.5, onset=0.0).readout()
    assert f"{100 * results['mary_undecided_placebo'][AT]:.0f} % undecided" in readout


def test_the_readout_calls_the_pulls_illustrative():
    readout = FacesExplorer().readout()
    assert "illustrative" in readout and "we found no study that measured" in readout
    assert all("no study has measured it" in c.help
               for c in FacesExplorer.controls if c.name in ("salience_gain", "speedup"))


@pytest.mark.slow  # the explorer's whole grid: about 6 s
def test_each_pull_alone_moves_the_gap_one_way_over_the_grid():
    verdicts = module.gap_verdicts(FacesExplorer().grid_results())
    assert {w for (_, _, _, s), w in verdicts.items() if s == 0} <= {"narrows",
                                                                    "barely changes"}
    assert {w for (_, _, g, _), w in verdicts.items() if g == 0} <= {"widens",
                                                                    "barely changes"}
    assert module.widening_needs(FacesExplorer().grid_results()) > 0


@pytest.mark.parametrize("valence", [0.25, 0.5, 1.0])
def test_for_a_formed_face_the_gap_has_its_closed_form_below_the_ceiling(valence):
    # Net warmth at start b with scaled push mu = g·v·a/σ², no deadline: the gap between
    # +b and −b is 2 sinh(b·u)/sinh(u) with u = 2·mu, never more than 2b.
    import math

    gaps = []
    for bias in (TOM_BIAS, MARY_BIAS):
        solved = solve_expression(Perceiver(bias=bias), Expression(valence, onset=0.0),
                                  max_time=60.0)
        gaps.append(solved.p_friendly - solved.p_hostile)
    u = 2 * valence
    closed = 2 * math.sinh(TOM_BIAS * u) / math.sinh(u)
    assert gaps[0] - gaps[1] == pytest.approx(closed, abs=1e-6)
    assert closed < TOM_BIAS - MARY_BIAS
