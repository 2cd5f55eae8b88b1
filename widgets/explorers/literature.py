r"""The literature simulator: power, the winner's curse, and opposite effects that cancel.

Each grid point runs :func:`widgets.models.simulate_literature`: ``readings``
two-group studies (oxytocin against placebo, ``n`` participants per group), each
tested at α = 0.05; significant studies are always published, others with the
chosen probability. A fraction :math:`f` of treated participants respond with
:math:`-d` instead of :math:`+d` (a moderator such as attachment style), so the
*average* effect is :math:`(1 - 2f)\,d`.

Left panel: where the studies' estimated effects fall (all studies run, and the
published ones, both as shares of all studies run), with the individual effect
:math:`d`, the average effect and the mean published effect as vertical lines.
Right panel: power against the individual effect at this sample size and
moderator, simulated (dots) and from the noncentral t at the average effect
(dashed; exact with no moderator, since then every participant has the average
effect; with a moderator the treated group is also more spread out, which the
formula ignores).

Every comparison in the readout ("below the 80 % target", "larger than d") is
chosen by a :class:`~widgets.explorers.framework.Verdict` from an
:class:`~widgets.explorers.framework.Estimate` with its Monte Carlo standard
error, and only when it holds by three standard errors. All settings share one
seed (common random numbers): moving a control changes the studies because the
setting changed, not because the noise was redrawn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import stats

from ..models import simulate_literature
from .framework import (
    OKABE_ITO,
    Control,
    Estimate,
    Explorer,
    Line,
    Panel,
    Verdict,
    noise_rule,
    signed,
)

#: Participants per group at each position of the sample-size control.
SAMPLE_SIZES = (10, 20, 40, 80, 160, 320)
#: Significance level of every simulated study.
ALPHA = 0.05
#: The power most study planners aim for (a convention, not a law).
POWER_TARGET = 0.8
#: Histogram of estimated effects (SD units): bins 0.125 wide.
BIN_EDGES = np.linspace(-1.25, 2.5, 31)
BIN_CENTRES = (BIN_EDGES[:-1] + BIN_EDGES[1:]) / 2
HISTOGRAM_TOP = 0.6
#: Individual effects on the power panel: the simulated dots, and the formula's curve.
POWER_EFFECTS = np.round(np.linspace(0.0, 0.8, 9), 10)
FORMULA_EFFECTS = np.round(np.linspace(0.0, 0.8, 41), 10)
#: How far the mean published effect may sit from a true value and still be
#: called "close to" it (SD units). A modelling choice: a quarter of a small effect.
CLOSE = 0.05
EFFECT_VERDICT = Verdict(thresholds=(-CLOSE, CLOSE),
                         words=("smaller than", "close to", "larger than"))
POWER_VERDICT = Verdict(thresholds=(POWER_TARGET,), words=("below", "above"))


def formula_power(effect: float, n: int, alpha: float = ALPHA) -> float:
    r"""Power of a two-sided two-sample t-test from the noncentral t distribution.

    :math:`P(|T'| > t_{1-\alpha/2,\,2n-2})`, :math:`T'` noncentral t with
    :math:`2n - 2` degrees of freedom and noncentrality :math:`\delta\sqrt{n/2}`.
    """
    df = 2 * n - 2
    critical = stats.t.ppf(1 - alpha / 2, df)
    nc = abs(effect) * math.sqrt(n / 2)
    # P(T' < -c | δ) = P(T' > c | -δ): two upper tails, since scipy's nct.cdf
    # returns nan for some tiny lower tails at large noncentralities.
    return float(stats.nct.sf(critical, df, nc) + stats.nct.sf(critical, df, -nc))


@lru_cache(maxsize=4096)
def _literature(effect: float, n: int, opposite: float, publish: float, studies: int,
                seed: int):
    """One simulated literature (cached: settings share them).

    The same seed everywhere: the publication draws come last in the model's
    random stream, so the studies' effects do not depend on ``publish``.
    """
    return simulate_literature(effect, n, n_studies=studies, alpha=ALPHA,
                               publish_nonsignificant=publish, opposite_fraction=opposite,
                               seed=seed)


@lru_cache(maxsize=256)
def _formula_curve(n: int, opposite: float) -> np.ndarray:
    return np.array([formula_power((1 - 2 * opposite) * e, n) for e in FORMULA_EFFECTS])


def _error(se: float) -> str:
    """A standard error with two useful digits."""
    return f"{se:.2f}" if se >= 0.01 else f"{se:.3f}"


def _percent(value: float) -> str:
    return f"{100 * value:.0f} %" if value >= 0.01 else f"{100 * value:.1f} %"


class LiteratureExplorer(Explorer):
    """Many simulated two-group studies, a significance test and a publication filter."""

    name = "literature"
    title = "A simulated literature: power, the winner's curse and opposite effects"
    slow = True
    #: Studies simulated per setting, and their seed (shared by every setting).
    readings = 4000
    seed = 2016
    controls = (
        Control("effect", "True effect d in each responder (0 to 0.8 SD)", 0, 0.8, 0.2, 0.4,
                "SD", decimals=1,
                help="how far oxytocin moves each participant who responds, in standard "
                     "deviations of the outcome"),
        Control("size", "Participants per group (10 to 320)", 0, len(SAMPLE_SIZES) - 1, 1, 1,
                "", decimals=0, labels=tuple(str(n) for n in SAMPLE_SIZES),
                help="each study has this many on oxytocin and this many on placebo"),
        Control("publish", "Chance a non-significant study is published (0 to 1)", 0, 1, 0.5,
                1, "", decimals=1,
                help="significant studies (p < 0.05) are always published; 1 means every "
                     "study is, 0 means only significant ones"),
        Control("opposite", "Share of people who respond oppositely, f (0 to 0.5)", 0, 0.5,
                0.1, 0, "", decimals=1,
                help="a moderator such as attachment style: these people move by −d "
                     "instead of +d"),
    )
    panels = (
        Panel(
            title="Effects the studies found",
            x_label="estimated effect (Cohen's d, SD units)",
            y_label="share of all studies run",
            x_range=(-1.25, 2.5),
            y_range=(0, HISTOGRAM_TOP),
            lines=(
                Line("bins", "all_studies", "all studies run", OKABE_ITO["grey"]),
                Line("bins", "published_studies", "published", OKABE_ITO["blue"],
                     markers=True),
                Line("effect_x", "marker_y", "individual effect d", OKABE_ITO["green"],
                     dashed=True),
                Line("average_x", "marker_y", "average effect (1 − 2f)·d", OKABE_ITO["black"],
                     dashed=True),
                Line("published_x", "marker_y", "mean published effect",
                     OKABE_ITO["vermillion"]),
            ),
            description=(
                "A histogram, drawn as lines, of the effects estimated by the simulated studies: "
                "grey for all studies run, blue with dots for those published, both as shares of "
                "all studies run; vertical lines mark the individual effect d (green, dashed), the "
                "average effect (1 − 2f)·d (dashed, in the text colour) and the mean published "
                "effect (vermillion)."
            ),
        ),
        Panel(
            title="Power at this sample size",
            x_label="true effect d in each responder (SD units)",
            y_label="share of studies with p < 0.05",
            x_range=(0, 0.8),
            y_range=(0, 1),
            lines=(
                Line("power_effects", "power_simulated", "simulated", OKABE_ITO["blue"],
                     markers=True),
                Line("formula_effects", "power_formula",
                     "noncentral t at the average effect", OKABE_ITO["orange"], dashed=True),
                Line("this_effect", "this_power", "this setting", OKABE_ITO["vermillion"],
                     markers=True),
            ),
            references=((POWER_TARGET, "80 % target"), (ALPHA, "α = 0.05")),
            description=(
                "The share of studies reaching p < 0.05 against the true effect in each responder, "
                "at the chosen sample size: simulated (blue dots) and from the noncentral-t "
                "formula at the average effect (orange, dashed), with the chosen setting marked by "
                "a vermillion dot and dotted lines at the 80 % power target and at 0.05."
            ),
        ),
    )

    def compute(self, *, effect: float, size: float, publish: float,
                opposite: float) -> dict[str, Any]:
        n = SAMPLE_SIZES[round(size)]
        studies, seed = self.readings, self.seed
        literature = _literature(effect, n, opposite, publish, studies, seed)
        effects = literature.effects
        published = effects[literature.published]
        all_counts, _ = np.histogram(effects, bins=BIN_EDGES)
        published_counts, _ = np.histogram(published, bins=BIN_EDGES)
        # Shares rounded to 0.001: finer than a chart can show, shorter on the page.
        power_simulated = np.array([_literature(e, n, opposite, 1.0, studies, seed).power
                                    for e in POWER_EFFECTS])
        average = (1 - 2 * opposite) * effect
        mean_published = Estimate.mean(published) if published.size >= 2 else None
        marker = mean_published.value if mean_published is not None else 0.0
        return {
            "bins": BIN_CENTRES,
            "all_studies": np.round(all_counts / studies, 3),
            "published_studies": np.round(published_counts / studies, 3),
            "marker_y": np.array([0.0, HISTOGRAM_TOP]),
            "effect_x": np.array([effect, effect]),
            "average_x": np.array([average, average]),
            "published_x": np.array([marker, marker]),
            "power_effects": POWER_EFFECTS,
            "power_simulated": np.round(power_simulated, 3),
            "formula_effects": FORMULA_EFFECTS,
            "power_formula": np.round(_formula_curve(n, opposite), 3),
            "this_effect": np.array([effect]),
            "this_power": np.array([literature.power]),
            "n": n,
            "average": average,
            "power": Estimate.share(int(np.count_nonzero(literature.significant)), studies),
            "formula": formula_power(average, n),
            "n_published": int(published.size),
            "mean_published": mean_published,
            "mean_size": float(np.abs(published).mean()) if published.size else 0.0,
        }

    def claims(self, values: Mapping[str, float],
               results: Mapping[str, Any]) -> dict[str, tuple[Verdict, Estimate]]:
        claims: dict[str, tuple[Verdict, Estimate]] = {}
        if results["average"] != 0:
            claims["power"] = (POWER_VERDICT, results["power"])
        published = results["mean_published"]
        if published is not None:
            claims["versus_individual"] = (
                EFFECT_VERDICT, Estimate(published.value - values["effect"], published.se))
            claims["versus_average"] = (
                EFFECT_VERDICT, Estimate(published.value - results["average"], published.se))
        return claims

    def describe(self, values: Mapping[str, float],
                 results: Mapping[str, Any]) -> tuple[str, ...]:
        claims = self.claims(values, results)
        # The claims the sentences below put into words: if the noise rule holds back the
        # word of any of them, the readout says why.
        spoken = []
        d, f, n = values["effect"], values["opposite"], results["n"]
        average, power = results["average"], results["power"]
        studies = self.readings
        if f == 0:
            setting = (f"{studies} studies with {n} participants per group; oxytocin moves "
                       f"every treated participant by d = {d:.1f} SD.")
        else:
            setting = (f"{studies} studies with {n} participants per group; oxytocin moves "
                       f"{100 * (1 - f):.0f} % of treated participants by +{d:.1f} SD and "
                       f"{100 * f:.0f} % by −{d:.1f} SD, an average effect of "
                       f"(1 − 2f)·d = {signed(average)} SD.")
        share = (f"{_percent(power.value)} of studies (give or take {100 * power.se:.1f} "
                 f"points) reach p < 0.05")
        formula = _percent(results["formula"])
        if d == 0:
            power_text = (f"With no true effect, {share}: these are false positives, at the "
                          f"rate α = 0.05 allows.")
        elif average == 0:
            power_text = (f"The opposite effects cancel on average, so {share}, about the "
                          f"false-positive rate: a null literature although every "
                          f"participant responds.")
        else:
            verdict, estimate = claims["power"]
            spoken.append(claims["power"])
            low, high = verdict.span(estimate)
            if low == high:
                where = f"{verdict.words[low]} the usual 80 % target"
            else:
                where = "too close to the usual 80 % target to say which side it is on"
            source = ("the noncentral-t formula gives" if f == 0 else
                      "the formula for a study in which everyone had the average effect "
                      "gives")
            power_text = (f"Power: {share} ({source} {formula}), {where}.")
        sentences = [setting, power_text]
        published = results["mean_published"]
        if published is None:  # pragma: no cover - needs almost no significant studies
            sentences.append("Too few studies were published to say anything about them.")
            return tuple(sentences + _rule(spoken, studies))
        kept = results["n_published"]
        head = (f"Published: {kept} of {studies} studies ({_percent(kept / studies)}), with a "
                f"mean effect of {signed(published.value)} SD, give or take "
                f"{_error(published.se)} for sampling noise")
        _, individual = claims["versus_individual"]
        _, on_average = claims["versus_average"]
        spoken.append(claims["versus_individual"])
        if d == 0 or f == 0:
            truth = "the true effect of zero" if d == 0 else f"the true effect d = {d:.1f}"
            compared = f"{head}: {_compare(individual)} {truth}."
        else:
            spoken.append(claims["versus_average"])
            compared = (f"{head}: {_compare(individual)} the individual effect d = {d:.1f}, "
                        f"and {_compare(on_average)} the average effect "
                        f"{signed(average)}.")
        sentences.append(compared)
        verdict_low, verdict_high = EFFECT_VERDICT.span(on_average)
        if verdict_low == verdict_high == 2 and values["publish"] < 1:
            sentences.append("Keeping mostly the significant studies inflates the published "
                             "effect: the winner's curse.")
        if d == 0 and values["publish"] < 1:
            sentences.append(f"Signs cancel in the mean, but the published effects average "
                             f"{results['mean_size']:.2f} SD in size, every one of them "
                             f"spurious.")
        return tuple(sentences + _rule(spoken, studies))


def _rule(spoken: list[tuple[Verdict, Estimate]], studies: int) -> list[str]:
    """The noise rule's sentence, if the readout held back the word of any claim it
    put into words; else nothing."""
    held_back = any(low != high for low, high in (verdict.span(estimate)
                                                  for verdict, estimate in spoken))
    return [noise_rule(studies, "studies")] if held_back else []


def _compare(difference: Estimate) -> str:
    """'larger than', 'close to', 'smaller than', or a hedge within the noise."""
    low, high = EFFECT_VERDICT.span(difference)
    if low == high:
        return EFFECT_VERDICT.words[low]
    return (f"too close to call between “{EFFECT_VERDICT.words[low]}” and "
            f"“{EFFECT_VERDICT.words[high]}”")
