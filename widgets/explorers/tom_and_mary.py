"""Tom and Mary at church: two perceivers, one congregation, the feedback loop.

Two runs of :func:`widgets.models.simulate_service` with the same seed, so Tom
(starting belief +0.6) and Mary (−0.6) meet the same greeters with the same
intentions; only their readings, and the answers the greeters mimic, differ.

The post's two paths from a misreading to a bias are two controls: the
greeters' mimicry ``m`` (the answer changes the face seen) and the weight of
the perceiver's own reading in their belief, ``w`` (the misreading feeds the
belief directly). In the model the beliefs depend on the two only through the
feedback weight φ = w + (1 − w)·m (see :mod:`widgets.models.encounters`), so
the explorer runs each φ once (:func:`feedback_weight`) and a test checks that
runs at the literal (m, w) agree.

Oxytocin pulls two ways in the reading model (a salience gain that makes faces
clearer, a speed-up that lets expectations decide), and we found no study that
measured either, so the explorer offers three named regimes rather than one tuned pair.
The readout compares the gap with its start, with placebo and with no feedback
(no mimicry and beliefs from faces alone), each only as far as the sampling
noise of the simulated services allows, and says when a control has no effect
at the current setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from ..models import Perceiver, simulate_service
from ..scenarios import CHURCH_REGIMES, MARY_BELIEF, START_GAP, TOM_BELIEF, num
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

# Tom's and Mary's beliefs when a service starts: TOM_BELIEF, MARY_BELIEF and
# START_GAP (widgets.scenarios).
GREETINGS = 40
#: Histogram bins for the final beliefs (belief units).
BIN_EDGES = np.linspace(-1.0, 1.0, 21)
BIN_CENTRES = (BIN_EDGES[:-1] + BIN_EDGES[1:]) / 2

#: Oxytocin's two pulls, as (name, salience_gain, speedup). "Balanced" is the
#: reading model's default pair; the other two let one pull act alone.
REGIMES = CHURCH_REGIMES

#: What the readout calls a change in the gap made by oxytocin (belief units).
GAP_CHANGE = 0.05
START_VERDICT = Verdict(thresholds=(0.0,), words=("down from", "up from"))
OXYTOCIN_VERDICT = Verdict(thresholds=(-GAP_CHANGE, GAP_CHANGE),
                           words=("narrows", "barely changes", "widens"))
#: Each perceiver's verdict on the church, from the mean final belief. The
#: ±0.3 lines are a modelling choice (a third of the way to either pole), not
#: a measured boundary.
CHURCH_VERDICT = Verdict(thresholds=(-0.3, 0.3),
                         words=("unwelcoming", "undecided", "welcoming"))
#: Which moves the gap more here: the feedback loop or oxytocin (sign of the
#: difference between the size of the loop's effect and the size of oxytocin's).
DRIVER_VERDICT = Verdict(thresholds=(0.0,), words=("oxytocin", "the loop"))


def feedback_weight(mimicry: float, belief_from_reading: float) -> float:
    """The feedback weight φ = w + (1 − w)·m through which the two paths act on the
    belief (:mod:`widgets.models.encounters`), rounded so that equal weights reached
    from different (m, w) pairs share one cache entry."""
    return round(belief_from_reading + (1.0 - belief_from_reading) * mimicry, 12)


class ServiceRuns(NamedTuple):
    """One perceiver's simulated services at one setting (see :func:`service_runs`)."""

    #: The belief after each greeting, averaged over the runs (``GREETINGS + 1`` values).
    mean_belief: np.ndarray
    #: The belief at the end of each run (one value per run).
    final_belief: np.ndarray
    #: The share of greetings answered with a smile, over all runs.
    smile_rate: float


def service_runs(bias: float, oxytocin: float, feedback: float, congregation_mean: float,
                 salience_gain: float, speedup: float, runs: int, seed: int) -> ServiceRuns:
    """``runs`` services of :data:`GREETINGS` greetings for a perceiver starting at belief
    ``bias``, at feedback weight ``feedback`` (φ, see :func:`feedback_weight`), as the
    explorer simulates them (on placebo the pulls do nothing).

    The services are run with mimicry φ and beliefs from faces alone (w = 0), which
    gives the beliefs of every (m, w) with w + (1 − w)·m = φ. Cached: the explorer and a
    chapter asking for the same setting share one run (do not modify the arrays). With
    the explorer's ``readings`` and ``seed`` these are the explorer's own services, run
    for run.
    """
    if oxytocin == 0:
        salience_gain = speedup = 0.0  # on placebo the pulls do nothing
    return _service_runs(bias, oxytocin, round(feedback, 12), congregation_mean,
                         salience_gain, speedup, runs, seed)


@lru_cache(maxsize=2048)
def _service_runs(bias: float, oxytocin: float, feedback: float, congregation_mean: float,
                  salience_gain: float, speedup: float, runs: int, seed: int) -> ServiceRuns:
    service = simulate_service(
        Perceiver(bias=bias), oxytocin=oxytocin, mimicry=feedback, belief_from_reading=0.0,
        congregation_mean=congregation_mean, n_greetings=GREETINGS, n_runs=runs,
        seed=seed, salience_gain=salience_gain, speedup=speedup,
    )
    return ServiceRuns(service.belief.mean(axis=0), np.array(service.final_belief),
                       float(service.smile_rate.mean()))


class TomAndMaryExplorer(Explorer):
    """The church feedback loop for two perceivers, side by side."""

    name = "tom-and-mary"
    title = "Tom and Mary at church: one congregation, two services"
    slow = True
    #: Simulated services per setting, and their seed (the year of the post; any
    #: fixed seed keeps neighbouring settings comparable).
    readings = 1000
    seed = 2015
    #: Points with one congregation share their placebo and no-feedback services.
    grid_blocks_by = ("congregation_mean",)
    controls = (
        Control("mimicry", "Greeters' mimicry (0 to 1)", 0, 1, 0.2, 0.6, "", decimals=1,
                help="how far a greeter's face moves toward the answer it gets"),
        Control("belief_from_reading", "Belief from their own reading (0 to 1)", 0, 1, 0.5,
                0, "", decimals=1,
                help="how much of what the belief moves toward is what they read, "
                     "rather than the face they finally saw"),
        Control("oxytocin", "Oxytocin (0 placebo, 1 the model's largest effect)", 0, 1, 1, 1,
                "", decimals=0),
        Control("congregation_mean", "Congregation's mean intention (−0.4 to +0.6)", -0.4, 0.6,
                0.2, 0.2, "", decimals=1),
        Control("regime", "Oxytocin's two pulls", 0, 2, 1, 1, "", decimals=0,
                labels=tuple(name for name, _, _ in REGIMES),
                help="salience wins: faces clearer (gain 2, no speed-up); balanced: "
                     "gain 0.3 and speed-up 0.3; speed wins: quicker, less evidence "
                     "(no gain, speed-up 0.8)"),
    )
    panels = (
        Panel(
            title="Belief about the congregation",
            x_label="greeting number",
            y_label="mean belief (−1 hostile, +1 friendly)",
            x_range=(0, GREETINGS),
            y_range=(-1, 1),
            lines=(
                Line("greeting", "tom_belief", "Tom", OKABE_ITO["green"]),
                Line("greeting", "mary_belief", "Mary", OKABE_ITO["vermillion"], dashed=True),
                Line("ends", "intention", "mean intention", OKABE_ITO["grey"], dashed=True),
            ),
            references=((0, ""),),
            description=(
                "Tom's (green, solid) and Mary's (vermillion, dashed) average belief about the "
                "congregation over 40 greetings, from −1 hostile to +1 friendly, starting at +0.6 "
                "and −0.6, with a grey dashed line at the congregation's mean intention."
            ),
        ),
        Panel(
            title=f"Final beliefs ({readings} services)",
            x_label="final belief (−1 hostile, +1 friendly)",
            y_label="share of services",
            x_range=(-1, 1),
            y_range=(0, 0.6),
            lines=(
                Line("belief_bins", "tom_final", "Tom", OKABE_ITO["green"], markers=True),
                Line("belief_bins", "mary_final", "Mary", OKABE_ITO["vermillion"],
                     dashed=True, markers=True),
            ),
            description=(
                "How Tom's (green, solid) and Mary's (vermillion, dashed) beliefs at the end of a "
                f"service are spread over {readings} simulated services: the share of services "
                "ending at each final belief, from −1 hostile to +1 friendly."
            ),
        ),
    )

    def _pair(self, oxytocin: float, feedback: float, congregation_mean: float,
              regime: float):
        _, gain, speedup = REGIMES[round(regime)]
        common = (oxytocin, feedback, congregation_mean, gain, speedup, self.readings,
                  self.seed)
        return service_runs(TOM_BELIEF, *common), service_runs(MARY_BELIEF, *common)

    def compute(self, *, mimicry: float, belief_from_reading: float, oxytocin: float,
                congregation_mean: float, regime: float) -> dict[str, Any]:
        feedback = feedback_weight(mimicry, belief_from_reading)
        tom, mary = self._pair(oxytocin, feedback, congregation_mean, regime)
        # The same seed means the same greeters in every run, so the runs pair up
        # one to one across perceivers, oxytocin levels and feedback weights:
        # compare run by run, then average.
        gap_runs = tom[1] - mary[1]
        placebo_tom, placebo_mary = self._pair(0.0, feedback, congregation_mean, regime)
        oxytocin_runs = gap_runs - (placebo_tom[1] - placebo_mary[1])
        still_tom, still_mary = self._pair(oxytocin, 0.0, congregation_mean, regime)
        loop_runs = gap_runs - (still_tom[1] - still_mary[1])
        oxytocin_effect = Estimate.mean(oxytocin_runs)
        # How much more the loop moves the gap than oxytocin does (sizes, not signs).
        driver_runs = (np.sign(Estimate.mean(loop_runs).value) * loop_runs
                       - np.sign(oxytocin_effect.value) * oxytocin_runs)

        def shares(final):
            counts, _ = np.histogram(final, bins=BIN_EDGES)
            return counts / len(final)

        return {
            "greeting": np.arange(GREETINGS + 1),
            "tom_belief": tom[0],
            "mary_belief": mary[0],
            "ends": np.array([0, GREETINGS]),
            "intention": np.array([congregation_mean, congregation_mean]),
            "belief_bins": BIN_CENTRES,
            "tom_final": shares(tom[1]),
            "mary_final": shares(mary[1]),
            "tom_smiles": tom[2],
            "mary_smiles": mary[2],
            "gap": Estimate.mean(gap_runs),
            "tom_final_belief": Estimate.mean(tom[1]),
            "mary_final_belief": Estimate.mean(mary[1]),
            "feedback": feedback,
            "gap_without_feedback": Estimate.mean(still_tom[1] - still_mary[1]),
            "oxytocin_effect": oxytocin_effect,
            "loop_effect": Estimate.mean(loop_runs),
            "driver": Estimate.mean(driver_runs),
        }

    def claims(self, values: Mapping[str, float],
               results: Mapping[str, Any]) -> dict[str, tuple[Verdict, Estimate]]:
        gap = results["gap"]
        claims = {
            "gap_vs_start": (START_VERDICT, Estimate(gap.value - START_GAP, gap.se)),
            "tom_church": (CHURCH_VERDICT, results["tom_final_belief"]),
            "mary_church": (CHURCH_VERDICT, results["mary_final_belief"]),
        }
        if values["oxytocin"] > 0:
            claims["oxytocin_effect"] = (OXYTOCIN_VERDICT, results["oxytocin_effect"])
            if results["feedback"] > 0:
                claims["driver"] = (DRIVER_VERDICT, results["driver"])
        return claims

    def describe(self, values: Mapping[str, float],
                 results: Mapping[str, Any]) -> tuple[str, ...]:
        claims = self.claims(values, results)
        # Whether any word below was held back by the noise rule: then the readout says why.
        held_back = [not _decided(claims[key])
                     for key in ("gap_vs_start", "tom_church", "mary_church")]
        tom, mary = results["tom_belief"][-1], results["mary_belief"][-1]
        gap = results["gap"].value
        verdict, estimate = claims["gap_vs_start"]
        low, high = verdict.span(estimate)
        if low == high:
            versus = f"{verdict.words[low]} {START_GAP:.2f} at the start"
        else:
            versus = f"too close to its start ({START_GAP:.2f}) to say whether it grew or shrank"
        sentences = [
            f"After {GREETINGS} greetings Tom's belief averages {signed(tom)} and Mary's "
            f"{signed(mary)}: a gap of {num(gap)} ({_gap_error(results)}), {versus}.",
            f"Verdicts on the church: Tom leaves {church_verdict(claims['tom_church'])}, "
            f"Mary {church_verdict(claims['mary_church'])}.",
            f"Tom answered {100 * results['tom_smiles']:.0f} % of greetings with a smile, "
            f"Mary {100 * results['mary_smiles']:.0f} %.",
        ]
        feedback = results["feedback"]
        if feedback == 0:
            sentences.append("With no mimicry and beliefs from the faces alone, they learn "
                             "from the same faces whatever they read, so in this model "
                             "oxytocin cannot change their beliefs, only their smiles.")
        elif values["oxytocin"] == 0:
            sentences.append(f"Without the loop (no mimicry, beliefs from the faces alone) "
                             f"the gap would end at "
                             f"{num(results['gap_without_feedback'].value)}.")
        else:
            verdict, effect = claims["oxytocin_effect"]
            low, high = verdict.span(effect)
            amount = f"{signed(effect.value)}, give or take {effect.se:.2f} for sampling noise"
            if low == high:
                change = f"oxytocin {verdict.words[low]} the gap ({amount})"
            else:
                change = f"oxytocin changes the gap by {amount}: {undecided_change(low, high)}"
            verdict, driver = claims["driver"]
            low, high = verdict.span(driver)
            if low == high == 1:
                who = "in this model the loop, not oxytocin, does most to keep them apart"
            elif low == high == 0:
                who = "here oxytocin moves the gap more than the loop does"
            else:
                who = (f"the loop and oxytocin move it by amounts too close to tell apart "
                       f"(they differ by {abs(driver.value):.2f}, give or take "
                       f"{driver.se:.2f})")
            held_back += [not _decided(claims["oxytocin_effect"]),
                          not _decided(claims["driver"])]
            sentences.append(
                f"Compared with placebo at the same settings, {change}. Without the loop (no "
                f"mimicry, beliefs from the faces alone) it would end at "
                f"{num(results['gap_without_feedback'].value)}: {who}."
            )
        if any(held_back):
            sentences.append(noise_rule(self.readings, "services"))
        sentences.extend(idle_controls(values))
        return tuple(sentences)


def _decided(claim: tuple[Verdict, Estimate]) -> bool:
    """Whether the verdict names one word (the estimate is clear of every line by its
    margin of standard errors), rather than holding back."""
    low, high = claim[0].span(claim[1])
    return low == high


def undecided_change(low: int, high: int) -> str:
    """What the readout says of oxytocin's change to the gap when the noise rule holds its
    word back: which of :data:`OXYTOCIN_VERDICT`'s words it lies between, each line named
    as a size of change in the gap (one line at a time: "0.05" alone reads like a p-value)."""
    size = f"{GAP_CHANGE:.2f}"
    if (low, high) == (1, 2):
        return (f"whether that is a widening (the gap growing by more than {size}) or barely "
                f"a change is too close to call")
    if (low, high) == (0, 1):
        return (f"whether that is a narrowing (the gap shrinking by more than {size}) or "
                f"barely a change is too close to call")
    return "whether it narrows the gap, barely changes it or widens it is too close to call"



def church_verdict(claim: tuple[Verdict, Estimate]) -> str:
    """A perceiver's verdict on the church, in the readout's words ("finding it
    welcoming", "undecided about the church", or "on the edge between ..." when the
    mean belief is within the noise of a line). ``claim`` is one of the explorer's
    :meth:`~TomAndMaryExplorer.claims`, ``"tom_church"`` or ``"mary_church"``."""
    verdict, belief = claim
    low, high = verdict.span(belief)
    if low == high:
        word = verdict.words[low]
        return "undecided about the church" if word == "undecided" else f"finding it {word}"
    if high - low == 1:
        where = f"too close to the {signed(verdict.thresholds[low], 1)} line to call"
    else:  # pragma: no cover - needs a standard error of about 0.1 belief units
        where = "too close to both lines to call"
    return (f"on the edge between {verdict.words[low]} and {verdict.words[high]} (mean "
            f"belief {signed(belief.value)}, give or take {belief.se:.2f}: {where})")


def _gap_error(results: Mapping[str, Any]) -> str:
    """The gap's sampling error in words: none without feedback (the same faces, so the
    same gap in every service), else give or take its standard error, to one significant
    figure when it is under 0.005."""
    if results["feedback"] == 0:
        return "exactly, in every service: they learn from the same faces"
    se = results["gap"].se
    return f"give or take {se:.2f}" if se >= 0.005 else f"give or take {se:.1g}"


def idle_controls(values: Mapping[str, float]) -> list[str]:
    """Sentences naming each control that has no effect at ``values``, and why, so that
    a reader can tell a control that does nothing here from one that is broken."""
    idle = []
    if values["oxytocin"] == 0:
        idle.append("On placebo the regime control does nothing: the regimes are oxytocin's "
                    "two pulls, and placebo has none.")
    if values["belief_from_reading"] == 1:
        idle.append("With beliefs from their own readings alone, mimicry does nothing to "
                    "what they believe: it changes the faces the greeters show, and the "
                    "beliefs no longer follow faces.")
    return idle


class Settings(NamedTuple):
    """Where on the explorer's grid something happens, as the chapters state it."""

    #: Names of the regimes (oxytocin's pulls) at which it happens.
    regimes: tuple[str, ...]
    #: The smallest feedback weight φ at which it happens.
    lowest_feedback: float
    #: The congregation means at which it happens, in increasing order.
    means: tuple[float, ...]


def driver_verdicts(grid: Mapping[tuple[float, ...], Mapping[str, Any]]
                    ) -> dict[tuple[int, float, float], str]:
    """The readout's verdict on what moves the gap more, at every setting of ``grid``
    (the explorer's :meth:`~Explorer.grid_results`) with oxytocin and some feedback:
    ``"the loop"``, ``"oxytocin"`` or ``"too close"``, keyed by (regime index, feedback
    weight φ, congregation mean). Settings with the same φ share one entry."""
    explorer = TomAndMaryExplorer()
    names = [control.name for control in explorer.controls]
    verdicts = {}
    for point, results in grid.items():
        values = dict(zip(names, point, strict=True))
        if values["oxytocin"] == 0 or results["feedback"] == 0:
            continue
        verdict, driver = explorer.claims(values, results)["driver"]
        low, high = verdict.span(driver)
        key = (round(values["regime"]), results["feedback"], values["congregation_mean"])
        verdicts[key] = verdict.words[low] if low == high else "too close"
    return verdicts


def where_oxytocin_leads(grid: Mapping[tuple[float, ...], Mapping[str, Any]]
                         ) -> Settings | None:
    """Where on ``grid`` the readout finds oxytocin moving the gap more than the loop
    does (None if nowhere)."""
    leads = [key for key, word in driver_verdicts(grid).items() if word == "oxytocin"]
    if not leads:
        return None
    return Settings(regimes=tuple(REGIMES[i].name for i in sorted({k[0] for k in leads})),
                    lowest_feedback=min(k[1] for k in leads),
                    means=tuple(sorted({k[2] for k in leads})))
