"""The literature explorer: power against the noncentral t, the winner's curse, cancellation.

Expected values are computed here from closed forms (the normal approximation to
power, the algebra of the moderator) or from the definitions, never copied from
the explorer's output. The prompts in the evidence chapter rely on the last tests.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from widgets.explorers import ALL_EXPLORERS, EXPLORER_PAGES, LiteratureExplorer
from widgets.explorers import literature as module
from widgets.explorers.framework import MAX_GRID_POINTS, Estimate

SIZE = {n: i for i, n in enumerate(module.SAMPLE_SIZES)}


def test_it_is_registered_with_its_page():
    assert LiteratureExplorer in ALL_EXPLORERS
    assert EXPLORER_PAGES["literature"] == "chapters/evidence.html"
    assert LiteratureExplorer().grid_points() <= MAX_GRID_POINTS


@pytest.mark.parametrize("alpha", [0.05, 0.01])
def test_formula_power_is_alpha_with_no_effect(alpha):
    assert module.formula_power(0.0, 25, alpha) == pytest.approx(alpha, rel=1e-9)


@pytest.mark.parametrize(("d", "n"), [(0.3, 320), (0.5, 160), (0.2, 2000)])
def test_formula_power_approaches_the_normal_approximation_for_large_samples(d, n):
    z = stats.norm.ppf(0.975)
    shift = d * math.sqrt(n / 2)
    normal = stats.norm.cdf(shift - z) + stats.norm.cdf(-shift - z)
    assert module.formula_power(d, n) == pytest.approx(normal, abs=0.005)


def test_formula_power_is_symmetric_and_finite_where_scipy_struggles():
    for n in module.SAMPLE_SIZES:
        for d in np.linspace(0, 2, 41):
            power = module.formula_power(d, n)
            assert math.isfinite(power) and 0 <= power <= 1
            assert module.formula_power(-d, n) == pytest.approx(power, rel=1e-12)
    # grows with the effect and with the sample
    assert module.formula_power(0.4, 20) < module.formula_power(0.6, 20)
    assert module.formula_power(0.4, 20) < module.formula_power(0.4, 40)


@pytest.mark.parametrize("size", list(module.SAMPLE_SIZES))
def test_simulated_power_matches_the_formula_without_a_moderator(size):
    explorer = LiteratureExplorer(effect=0.4, size=SIZE[size], publish=1, opposite=0)
    power = explorer.results["power"]
    expected = module.formula_power(0.4, size)
    assert abs(power.value - expected) < 4 * power.se
    # and the whole simulated curve on the right panel
    studies = LiteratureExplorer.readings
    for d, simulated in zip(module.POWER_EFFECTS, explorer.results["power_simulated"],
                            strict=True):
        p = module.formula_power(d, size)
        assert abs(simulated - p) < 4 * math.sqrt(p * (1 - p) / studies) + 0.001


def test_histograms_are_shares_and_publication_only_removes_studies():
    explorer = LiteratureExplorer(effect=0.4, size=SIZE[20], publish=0, opposite=0)
    everything = np.asarray(explorer.results["all_studies"])
    published = np.asarray(explorer.results["published_studies"])
    assert everything.sum() <= 1 + 1e-9 and everything.sum() > 0.95
    assert np.all(published <= everything + 1e-9)
    # With no filter, the published histogram is the whole one.
    open_access = LiteratureExplorer(effect=0.4, size=SIZE[20], publish=1, opposite=0)
    np.testing.assert_array_equal(open_access.results["published_studies"],
                                  open_access.results["all_studies"])


def test_only_significant_studies_inflate_the_published_effect():
    # The winner's curse: a significant study with n per group must have
    # |d̂| > t_crit · sqrt(2/n), so the published mean is at least that bound.
    n = 20
    explorer = LiteratureExplorer(effect=0.4, size=SIZE[n], publish=0, opposite=0)
    bound = stats.t.ppf(0.975, 2 * n - 2) * math.sqrt(2 / n)
    mean = explorer.results["mean_published"]
    assert mean.value > 0.4 + 3 * mean.se
    assert explorer.results["mean_size"] >= bound
    assert "larger than the true effect" in explorer.readout()
    assert "winner's curse" in explorer.readout()


def test_opposite_effects_average_to_one_minus_two_f_times_d():
    for f in (0.1, 0.3, 0.5):
        explorer = LiteratureExplorer(effect=0.8, size=SIZE[320], publish=1, opposite=f)
        average = (1 - 2 * f) * 0.8
        assert explorer.results["average"] == pytest.approx(average)
        # Cohen's d divides by a pooled SD enlarged by the treated group's extra
        # spread, 1 + 4f(1 − f)d²; the mean effect is the average over that SD.
        pooled = math.sqrt((1 + (1 + 4 * f * (1 - f) * 0.64)) / 2)
        mean = explorer.results["mean_published"]
        assert mean.value == pytest.approx(average / pooled, abs=4 * mean.se + 0.01)


def test_half_opposite_makes_a_null_literature():
    explorer = LiteratureExplorer(effect=0.8, size=SIZE[20], publish=1, opposite=0.5)
    power = explorer.results["power"]
    assert abs(power.value - 0.05) < 4 * power.se + 0.005
    assert "cancel" in explorer.readout()
    assert "power" not in explorer.claims(explorer.values, explorer.results)


def test_the_start_does_not_give_the_prompts_away():
    start = LiteratureExplorer()
    assert start.values["publish"] == 1 and start.values["opposite"] == 0
    assert module.SAMPLE_SIZES[round(start.values["size"])] == 20
    assert "winner's curse" not in start.readout()


def test_the_power_prompt_is_answered_on_the_grid():
    needed = next(n for n in range(2, 2000) if module.formula_power(0.4, n) >= 0.8)
    below = max(n for n in module.SAMPLE_SIZES if n < needed)
    above = min(n for n in module.SAMPLE_SIZES if n >= needed)
    assert "below the usual 80 % target" in LiteratureExplorer(
        effect=0.4, size=SIZE[below], publish=1, opposite=0).readout()
    assert "above the usual 80 % target" in LiteratureExplorer(
        effect=0.4, size=SIZE[above], publish=1, opposite=0).readout()


def test_the_readout_hedges_when_the_noise_is_too_large():
    explorer = LiteratureExplorer(effect=0.0, size=SIZE[10], publish=0, opposite=0)
    difference = explorer.claims(explorer.values, explorer.results)["versus_individual"][1]
    low, high = module.EFFECT_VERDICT.span(difference)
    if low != high:
        assert "too close to call" in explorer.readout()
        assert "three standard errors" in explorer.readout()
    else:  # pragma: no cover - depends on the seed; the verdict then names one word
        assert module.EFFECT_VERDICT.words[low] in explorer.readout()


def rule_sentences(sentences) -> list[str]:
    """The sentences that explain the three-standard-error rule."""
    return [s for s in sentences if "three standard errors" in s]


def voiced_claims(explorer):
    """The claims the readout puts into words: power when there is an average effect to
    power, the published mean against the individual effect, and against the average
    effect too when some people respond oppositely."""
    claims = explorer.claims(explorer.values, explorer.results)
    if explorer.values["effect"] == 0 or explorer.values["opposite"] == 0:
        claims.pop("versus_average")
    return claims


@pytest.mark.parametrize("values", [
    {},
    {"effect": 0.0, "size": SIZE[10], "publish": 0, "opposite": 0},
    {"effect": 0.4, "size": SIZE[40], "publish": 1, "opposite": 0},
    {"effect": 0.8, "size": SIZE[20], "publish": 0.5, "opposite": 0.2},
])
def test_the_readout_explains_the_rule_exactly_when_it_holds_a_word_back(values):
    explorer = LiteratureExplorer(**values)
    claims = voiced_claims(explorer)
    held_back = any(low != high for low, high in
                    (verdict.span(estimate) for verdict, estimate in claims.values()))
    rule = rule_sentences(explorer.describe(explorer.values, explorer.results))
    assert len(rule) == held_back
    if held_back:
        assert f"{explorer.readings} simulated studies" in rule[0]
        assert "p < 0.05" in rule[0] and "not settled" in rule[0]


def test_a_power_too_close_to_the_target_brings_the_rule():
    explorer = LiteratureExplorer(effect=0.4, size=SIZE[160], publish=1, opposite=0)
    assert rule_sentences(explorer.describe(explorer.values, explorer.results)) == []
    # Both verdicts use the three standard errors the sentence names.
    assert module.POWER_VERDICT.margin == module.EFFECT_VERDICT.margin == 3.0
    near = dict(explorer.results, power=Estimate(module.POWER_TARGET + 0.01, 0.01))
    sentences = explorer.describe(explorer.values, near)
    assert "too close to the usual 80 % target" in " ".join(sentences)
    assert len(rule_sentences(sentences)) == 1
