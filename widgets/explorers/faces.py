"""Reading faces: psychometric curves for Tom and Mary, placebo against oxytocin (level 1).

For each intended valence on a grid, the drift-diffusion model gives the
probability that a forming face is read as friendly; the curve is that share.
Tom expects friendliness (bias +0.4), Mary hostility (bias −0.4). Oxytocin
pulls two ways (see the model's docstring): a gain on the evidence
(``salience_gain``: faces become clearer) and a lower bound (``speedup``:
readings come sooner, before the face has formed, so expectations weigh more).
Which pull wins decides whether oxytocin widens or narrows the gap between
them: the explorer lets readers set both rather than choosing for them.

Every number is solved from the model's Fokker–Planck equation
(:func:`widgets.models.solve_expressions`), not sampled, so the curves and the
readout carry no sampling noise. The readout's verdict on the gap at the
forming smile ("narrows", "barely changes", "widens": a change of 3 points
or more) is exact except within the solver's error (:data:`SOLVER_ERROR`,
0.04 points) of the 3-point line, where the readout says so instead of
choosing a word.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from ..models import solve_expressions
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
#: Bound on the solver's error in the gap's change: four shares, each within
#: about 1e-4 (widgets.models.fokker_planck); measured over this explorer's 300
#: settings against a 4× finer grid, the change is within 2.2e-5. The readout
#: names no direction for a change this close to the 3-point line: it says the
#: change is at the line.
SOLVER_ERROR = 4e-4
#: What the readout calls a change in the gap (share friendly, 0.03 = 3 points).
GAP_CHANGE = 0.03
GAP_VERDICT = Verdict(
    thresholds=(-GAP_CHANGE, GAP_CHANGE),
    words=("narrows", "barely changes", "widens"),
    margin=1.0,
)


@lru_cache(maxsize=1024)
def _curves(threshold: float, onset: float, oxytocin: float, salience_gain: float,
            speedup: float) -> tuple[np.ndarray, np.ndarray]:
    """Share friendly and mean reading time [s], shape (2, len(VALENCES)): Tom, then Mary.

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
    return solved.p_friendly, solved.mean_time


class FacesExplorer(Explorer):
    """Psychometric curves from the drift-diffusion reading model."""

    name = "reading-faces"
    title = "Reading a face as it forms: Tom and Mary, placebo and oxytocin"
    slow = True
    controls = (
        Control("threshold", "Evidence needed to decide (0.5 to 2.5)", 0.5, 2.5, 1.0, 1.5, "",
                decimals=1, help="the perceiver's threshold on placebo (evidence units)"),
        Control("onset", "Time for the face to form (0 to 1.5 s)", 0, 1.5, 0.5, 0.5, "s",
                decimals=1),
        Control("salience_gain", "Oxytocin's salience gain (0 to 2)", 0, 2, 0.5, 0.5, "",
                decimals=1, help="how much clearer oxytocin makes the face"),
        Control("speedup", "Oxytocin's speed-up (0 to 0.8)", 0, 0.8, 0.2, 0.4, "", decimals=1,
                help="how much oxytocin lowers the evidence needed to decide"),
    )
    panels = (
        Panel(
            title="Share of readings that are friendly",
            x_label="intended expression (−1 hostile, +1 friendly)",
            y_label="read as friendly (share)",
            x_range=(-1, 1),
            y_range=(0, 1),
            lines=(
                Line("valence", "tom_placebo", "Tom, placebo", OKABE_ITO["green"],
                     dashed=True),
                Line("valence", "tom_oxytocin", "Tom, oxytocin", OKABE_ITO["green"],
                     markers=True),
                Line("valence", "mary_placebo", "Mary, placebo", OKABE_ITO["vermillion"],
                     dashed=True),
                Line("valence", "mary_oxytocin", "Mary, oxytocin", OKABE_ITO["vermillion"],
                     markers=True),
            ),
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
            title="Gap between Tom and Mary",
            x_label="intended expression (−1 hostile, +1 friendly)",
            y_label="Tom minus Mary (share friendly)",
            x_range=(-1, 1),
            y_range=(-0.1, 0.8),
            lines=(
                Line("valence", "gap_placebo", "placebo", OKABE_ITO["grey"], dashed=True),
                Line("valence", "gap_oxytocin", "oxytocin", OKABE_ITO["blue"], markers=True),
            ),
            description=(
                "Tom's share of friendly readings minus Mary's, at each intended expression from "
                "hostile (−1) to friendly (+1): on placebo (grey, dashed) and on oxytocin (blue, "
                "with dots). Where the oxytocin line lies above the placebo line, oxytocin widens "
                "the gap between them."
            ),
        ),
    )

    def compute(self, *, threshold: float, onset: float, salience_gain: float,
                speedup: float) -> dict[str, Any]:
        # On placebo the two pulls do nothing: pass 0 so placebo's curves are
        # the same numbers whatever the pulls are set to.
        placebo, _ = _curves(threshold, onset, 0.0, 0.0, 0.0)
        drugged, drugged_time = _curves(threshold, onset, OXYTOCIN, salience_gain, speedup)
        (tom_p, mary_p), (tom_o, mary_o) = placebo, drugged
        gap_placebo, gap_oxytocin = tom_p - mary_p, tom_o - mary_o
        change = gap_oxytocin[REPORTED_INDEX] - gap_placebo[REPORTED_INDEX]
        return {
            "valence": VALENCES,
            "tom_placebo": tom_p, "tom_oxytocin": tom_o,
            "mary_placebo": mary_p, "mary_oxytocin": mary_o,
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
        tom, mary = results["tom_oxytocin"][at], results["mary_oxytocin"][at]
        gap_placebo = results["gap_placebo"][at]
        gap_oxytocin = results["gap_oxytocin"][at]
        change = results["gap_change"]
        amount = f"{signed(100 * change.value, 1)} points"
        low, high = GAP_VERDICT.span(change)
        if low != high:
            verdict = (
                f"Oxytocin changes their disagreement by {amount}: within the solver's error "
                f"of the {100 * GAP_CHANGE:.0f}-point line between "
                f"{GAP_VERDICT.words[low]!r} and {GAP_VERDICT.words[high]!r}."
            )
        elif GAP_VERDICT.words[low] == "barely changes":
            verdict = (f"Oxytocin barely changes their disagreement ({amount}; under "
                       f"{100 * GAP_CHANGE:.0f} points counts as barely).")
        else:
            verdict = f"Oxytocin {GAP_VERDICT.words[low]} their disagreement ({amount})."
        return (
            f"A face forming a smile (intended {REPORTED_VALENCE:+.1f}), on oxytocin: Tom "
            f"reads it as friendly "
            f"{100 * tom:.0f} % of the time and Mary {100 * mary:.0f} %, a gap of "
            f"{100 * gap_oxytocin:.0f} points (on placebo: {100 * gap_placebo:.0f}). "
            f"{verdict} "
            f"Mean reading time on oxytocin: Tom {results['tom_time'][at]:.2f} s, "
            f"Mary {results['mary_time'][at]:.2f} s."
        )
