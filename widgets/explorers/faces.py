"""Reading faces: psychometric curves for Tom and Mary, placebo against oxytocin (level 1).

For each intended valence on a grid, the drift-diffusion model gives the
probability that a forming face is read as friendly; the curve is that share.
Tom expects friendliness (bias +0.4), Mary hostility (bias −0.4). Oxytocin
pulls two ways (see the model's docstring): a gain on the evidence
(``salience_gain``: faces become clearer) and a lower bound (``speedup``:
readings come sooner, before the face has formed, so expectations weigh more).
Which pull wins decides whether oxytocin widens or narrows the gap between
them: the explorer lets readers set both rather than choosing for them.

A reading has three outcomes: friendly, hostile, or still undecided at the
model's deadline (5 s). The charts show the friendly and the undecided shares,
and the gap between Tom and Mary is a gap in *net warmth*, the share read
friendly minus the share read hostile (friendly +1, hostile −1, undecided 0:
the mean answer, scored as the church model scores it). An undecided reading
counts as neither friendly nor hostile, so a slow reader is not counted as a
hostile one. For expectations symmetric about neutral, as Tom's and Mary's
are, the gap has a ceiling, the difference between the two expectations (0.8,
or 80 points, for bias ±0.4), which it reaches only if expectations decide
every reading (for a formed face without a deadline the gap is
2 sinh(bu)/sinh(u) ≤ 2b with u = 2gva/σ²; lopsided expectations have
no such ceiling).

Every number is solved from the model's Fokker–Planck equation
(:func:`widgets.models.solve_expressions`), not sampled, so the curves and the
readout carry no sampling noise. The readout's verdict on the gap at the
forming smile ("narrows", "barely changes", "widens": a change of
:data:`GAP_CHANGE` or more) is exact except within the solver's error
(:data:`SOLVER_ERROR`) of that line, where the readout says so instead of
choosing a word.

Neither pull has been measured: no source estimates oxytocin's effect on a
drift rate or a decision bound, so the controls' ranges and defaults are
illustrative, and the readout says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from ..models import solve_expressions
from ..models.interpretation import MAX_TIME
from ..scenarios import MARY_BIAS, SMILE, TOM_BIAS
from .framework import OKABE_ITO, Control, Estimate, Explorer, Line, Panel, Verdict, signed

#: Intended valences on the x axis (−1 hostile … +1 friendly).
VALENCES = np.round(np.linspace(-1.0, 1.0, 9), 10)
# The two perceivers' expectations: TOM_BIAS and MARY_BIAS (widgets.scenarios).
#: The face the readout describes: a smile, read while it forms (the post's example).
REPORTED_VALENCE = SMILE
REPORTED_INDEX = int(np.flatnonzero(np.isclose(VALENCES, REPORTED_VALENCE))[0])
#: Oxytocin level compared with placebo: the model's largest effect.
OXYTOCIN = 1.0
#: Bound on the solver's error in the gap's change: eight shares (friendly and
#: hostile, two people, placebo and oxytocin), each within about 1e-4
#: (widgets.models.fokker_planck). The readout names no direction for a change
#: this close to the GAP_CHANGE line: it says the change is at the line.
SOLVER_ERROR = 8e-4
#: What the readout calls a change in the gap (net warmth, 0.06 = 6 points: three
#: readings in a hundred moving from one answer to the other).
GAP_CHANGE = 0.06
GAP_VERDICT = Verdict(
    thresholds=(-GAP_CHANGE, GAP_CHANGE),
    words=("narrows", "barely changes", "widens"),
    margin=1.0,
)


@lru_cache(maxsize=1024)
def _curves(threshold: float, onset: float, oxytocin: float, salience_gain: float,
            speedup: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares friendly and hostile, and the mean time of decided readings [s], each of
    shape (2, len(VALENCES)): Tom, then Mary.

    Solved, not sampled (:func:`widgets.models.solve_expressions`): both
    perceivers at every valence in one call. Cached: placebo's curves depend on
    the threshold and onset only, so the grid solves them 12 times, not 300
    (the arrays are read-only).
    """
    solved = solve_expressions(
        valence=VALENCES[None, :], bias=np.array([[TOM_BIAS], [MARY_BIAS]]),
        threshold=threshold, onset=onset, oxytocin=oxytocin,
        salience_gain=salience_gain, speedup=speedup,
    )
    return solved.p_friendly, solved.p_hostile, solved.mean_time


def _people_lines(measure: str) -> tuple[Line, ...]:
    """Tom's and Mary's lines for one measure (result keys ``tom_<measure>placebo`` …):
    green for Tom, vermillion for Mary, placebo dashed, oxytocin solid with dots."""
    return tuple(
        Line("valence", f"{who.lower()}_{measure}{drug}", f"{who}, {drug}", OKABE_ITO[colour],
             dashed=drug == "placebo", markers=drug == "oxytocin")
        for who, colour in (("Tom", "green"), ("Mary", "vermillion"))
        for drug in ("placebo", "oxytocin")
    )


class FacesExplorer(Explorer):
    """Psychometric curves from the drift-diffusion reading model."""

    name = "reading-faces"
    title = "Tom and Mary read the same faces: placebo and oxytocin"
    slow = True
    #: Points with one threshold and onset share their placebo curves.
    grid_blocks_by = ("threshold", "onset")
    controls = (
        Control("threshold", "Evidence needed to decide (0.5 to 2.5)", 0.5, 2.5, 1.0, 1.5, "",
                decimals=1, help="the perceiver's threshold on placebo (evidence units)"),
        Control("onset", "Time for the face to form (0 to 1.5 s)", 0, 1.5, 0.5, 0.5, "s",
                decimals=1),
        Control("salience_gain", "Oxytocin's salience gain (0 to 2)", 0, 2, 0.5, 0.5, "",
                decimals=1, help="how much clearer oxytocin makes the face (illustrative: "
                                 "no study has measured it)"),
        Control("speedup", "Oxytocin's speed-up (0 to 0.8)", 0, 0.8, 0.2, 0.4, "", decimals=1,
                help="how much oxytocin lowers the evidence needed to decide (illustrative: "
                     "no study has measured it)"),
    )
    panels = (
        Panel(
            title="Share of readings that are friendly",
            x_label="intended expression (−1 hostile, +1 friendly)",
            y_label="read as friendly (share)",
            x_range=(-1, 1),
            y_range=(0, 1),
            lines=_people_lines(""),
            references=((0.5, "chance"),),
            description=(
                "For each intended expression from hostile (−1) to friendly (+1), the share of "
                "readings that come out friendly, for Tom (green, who expects friendliness) and "
                "Mary (vermillion, who expects hostility), on placebo (dashed) and on oxytocin "
                "(solid with dots), with a dotted line at chance, 0.5. Both people's curves rise "
                "from hostile to friendly faces; Tom's lies above Mary's."
            ),
        ),
        Panel(
            title=f"Still undecided at the {MAX_TIME:g} s deadline",
            x_label="intended expression (−1 hostile, +1 friendly)",
            y_label="undecided (share)",
            x_range=(-1, 1),
            y_range=(0, 0.6),
            lines=_people_lines("undecided_"),
            description=(
                "For each intended expression from hostile (−1) to friendly (+1), the share of "
                f"readings that reach neither answer by the {MAX_TIME:g}-second deadline, for "
                "Tom (green) and Mary (vermillion), on placebo (dashed) and on oxytocin (solid "
                "with dots). It is near zero when the evidence needed is small and grows with "
                "it, most for faces near neutral."
            ),
        ),
        Panel(
            title="Gap between Tom and Mary",
            x_label="intended expression (−1 hostile, +1 friendly)",
            y_label="Tom minus Mary (friendly minus hostile)",
            x_range=(-1, 1),
            y_range=(-0.1, 0.9),
            lines=(
                Line("valence", "gap_placebo", "placebo", OKABE_ITO["grey"], dashed=True),
                Line("valence", "gap_oxytocin", "oxytocin", OKABE_ITO["blue"], markers=True),
            ),
            references=((TOM_BIAS - MARY_BIAS, "ceiling"),),
            description=(
                "The gap in net warmth (the share of friendly readings minus the share of "
                "hostile ones) between Tom and Mary, at each intended expression from hostile "
                "(−1) to friendly (+1): on placebo (grey, dashed) and on oxytocin (blue, with "
                "dots), with a dotted line at its ceiling, the difference between their "
                "expectations. Where the oxytocin line lies above the placebo line, oxytocin "
                "widens the gap between them."
            ),
        ),
    )

    def compute(self, *, threshold: float, onset: float, salience_gain: float,
                speedup: float) -> dict[str, Any]:
        # On placebo the two pulls do nothing: pass 0 so placebo's curves are
        # the same numbers whatever the pulls are set to.
        friendly, hostile, _ = _curves(threshold, onset, 0.0, 0.0, 0.0)
        friendly_o, hostile_o, drugged_time = _curves(threshold, onset, OXYTOCIN,
                                                      salience_gain, speedup)
        undecided, undecided_o = 1.0 - friendly - hostile, 1.0 - friendly_o - hostile_o
        # Net warmth: friendly +1, hostile −1, undecided 0 (the mean answer).
        warmth, warmth_o = friendly - hostile, friendly_o - hostile_o
        gap_placebo, gap_oxytocin = warmth[0] - warmth[1], warmth_o[0] - warmth_o[1]
        change = gap_oxytocin[REPORTED_INDEX] - gap_placebo[REPORTED_INDEX]
        return {
            "valence": VALENCES,
            "tom_placebo": friendly[0], "tom_oxytocin": friendly_o[0],
            "mary_placebo": friendly[1], "mary_oxytocin": friendly_o[1],
            "tom_hostile_placebo": hostile[0], "tom_hostile_oxytocin": hostile_o[0],
            "mary_hostile_placebo": hostile[1], "mary_hostile_oxytocin": hostile_o[1],
            "tom_undecided_placebo": undecided[0], "tom_undecided_oxytocin": undecided_o[0],
            "mary_undecided_placebo": undecided[1], "mary_undecided_oxytocin": undecided_o[1],
            "gap_placebo": gap_placebo, "gap_oxytocin": gap_oxytocin,
            "tom_time": drugged_time[0], "mary_time": drugged_time[1],
            # The readout's comparison: solved, so its only error is the solver's.
            "gap_change": Estimate(float(change), SOLVER_ERROR),
        }

    def claims(self, values: Mapping[str, float],
               results: Mapping[str, Any]) -> dict[str, tuple[Verdict, Estimate]]:
        return {"gap_change": (GAP_VERDICT, results["gap_change"])}

    def describe(self, values: Mapping[str, float], results: Mapping[str, Any]) -> str:
        # Report a smile read while it forms (the post's example). At a neutral
        # face the model has no drift, so of the readings that finish the share
        # "friendly" is (1 + bias)/2 whatever the bound: little to see there.
        at = REPORTED_INDEX

        def outcomes(who: str, drug: str) -> str:
            friendly = results[f"{who}_{drug}"][at]
            hostile = results[f"{who}_hostile_{drug}"][at]
            undecided = results[f"{who}_undecided_{drug}"][at]
            return (f"{100 * friendly:.0f} % friendly, {100 * hostile:.0f} % hostile, "
                    f"{100 * undecided:.0f} % undecided")

        gap_placebo = results["gap_placebo"][at]
        gap_oxytocin = results["gap_oxytocin"][at]
        change = results["gap_change"]
        amount = f"{signed(100 * change.value, 1)} points"
        line = f"{100 * GAP_CHANGE:.0f}-point"
        low, high = GAP_VERDICT.span(change)
        if low != high:
            verdict = (
                f"Oxytocin changes their disagreement by {amount}: within the solver's error "
                f"of the {line} line between "
                f"{GAP_VERDICT.words[low]!r} and {GAP_VERDICT.words[high]!r}."
            )
        elif GAP_VERDICT.words[low] == "barely changes":
            verdict = (f"Oxytocin barely changes their disagreement ({amount}; under "
                       f"{100 * GAP_CHANGE:.0f} points counts as barely).")
        else:
            verdict = f"Oxytocin {GAP_VERDICT.words[low]} their disagreement ({amount})."
        mary_shift = results["mary_oxytocin"][at] - results["mary_placebo"][at]
        return (
            f"A face forming a smile (intended {REPORTED_VALENCE:+.1f}), on oxytocin, by the "
            f"{MAX_TIME:g} s deadline: Tom {outcomes('tom', 'oxytocin')}; Mary "
            f"{outcomes('mary', 'oxytocin')} (on placebo: Mary "
            f"{outcomes('mary', 'placebo')}). "
            f"The gap in net warmth (friendly minus hostile, Tom minus Mary) is "
            f"{100 * gap_oxytocin:.0f} points (on placebo: {100 * gap_placebo:.0f}; "
            f"expectations alone would give {100 * (TOM_BIAS - MARY_BIAS):.0f}). "
            f"{verdict} "
            f"Mean time of a decided reading on oxytocin: Tom {results['tom_time'][at]:.2f} s, "
            f"Mary {results['mary_time'][at]:.2f} s. "
            f"Both pulls are illustrative (we found no study that measured oxytocin's effect "
            f"on a drift or a bound): here they move Mary's share of friendly readings by "
            f"{signed(100 * mary_shift, 0)} points."
        )


def gap_verdicts(grid: Mapping[tuple[float, ...], Mapping[str, Any]]
                 ) -> dict[tuple[float, ...], str]:
    """The readout's verdict on the gap at every setting of ``grid`` (the explorer's
    :meth:`~Explorer.grid_results`, keyed (threshold, onset, salience_gain, speedup)):
    "narrows", "barely changes", "widens", or "at the line" when the change lies within
    the solver's error of a line."""
    verdicts = {}
    for point, results in grid.items():
        low, high = GAP_VERDICT.span(results["gap_change"])
        verdicts[point] = GAP_VERDICT.words[low] if low == high else "at the line"
    return verdicts


def widening_needs(grid: Mapping[tuple[float, ...], Mapping[str, Any]]) -> float:
    """The smallest speed-up at which the readout says oxytocin widens the gap anywhere
    on ``grid`` (the explorers' settings are (threshold, onset, gain, speed-up))."""
    return min(point[3] for point, word in gap_verdicts(grid).items() if word == "widens")
