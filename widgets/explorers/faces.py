"""Reading faces: psychometric curves for Tom and Mary, placebo against oxytocin (level 1).

For each intended valence on a grid, the drift-diffusion model
(:func:`widgets.models.read_expression`) reads a forming face many times; the
curve is the share read as friendly. Tom expects friendliness (bias +0.4),
Mary hostility (bias −0.4). Oxytocin pulls two ways (see the model's
docstring): a gain on the evidence (``salience_gain``: faces become clearer)
and a lower bound (``speedup``: readings come sooner, before the face has
formed, so expectations weigh more). Which pull wins decides whether oxytocin
widens or narrows the gap between them: the explorer lets readers set both
rather than choosing for them.

The curves rest on 600 readings per point (a chart can show no finer); the
readout's face, a forming smile at +0.5, on ``FacesExplorer.readings``
(20,000) per perceiver and condition, and its verdict on the gap ("narrows",
"barely changes", "widens": a change of 3 points or more) is given only when
it holds by three standard errors; otherwise the readout says it is too close
to call (see :class:`~widgets.explorers.framework.Verdict`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from ..models import Expression, Perceiver, read_expression
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
#: Readings per point of the curves: the standard error of a share near 0.5 is
#: 0.02, fine for a chart. The readout's face gets ``FacesExplorer.readings``.
CURVE_TRIALS = 600
#: What the readout calls a change in the gap (share friendly, 0.03 = 3 points).
GAP_CHANGE = 0.03
GAP_VERDICT = Verdict(
    thresholds=(-GAP_CHANGE, GAP_CHANGE),
    words=("narrows", "barely changes", "widens"),
)


@lru_cache(maxsize=8192)
def _reading(bias: float, valence_index: int, threshold: float, onset: float,
             oxytocin: float, salience_gain: float, speedup: float, trials: int,
             seed: int) -> tuple[int, float]:
    """(readings friendly, mean reading time in s) for one point of one curve.

    The seed depends only on the perceiver and the valence (common random
    numbers): moving a control changes the curves because the setting
    changed, not because the noise was redrawn.
    """
    readings = read_expression(
        Perceiver(bias=bias, threshold=threshold),
        Expression(float(VALENCES[valence_index]), onset=onset),
        oxytocin=oxytocin, salience_gain=salience_gain, speedup=speedup,
        n_trials=trials, seed=seed + 1000 * valence_index + (1 if bias > 0 else 2),
    )
    return int(np.count_nonzero(readings.choices == 1)), readings.mean_time


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

    #: Readings of the face the readout reports (valence +0.5), per perceiver and
    #: condition: enough that the change in the gap has a standard error of
    #: about half a point, well under the 3 points the readout calls a change.
    readings = 20_000
    seed = 0

    def _curve(self, bias: float, oxytocin: float, threshold: float, onset: float,
               salience_gain: float, speedup: float) -> tuple[np.ndarray, np.ndarray, Estimate]:
        """Share friendly and mean time at every valence, and the reported face's share."""
        if oxytocin == 0:
            # On placebo the two pulls do nothing: one cache entry, not one per pull.
            salience_gain = speedup = 0.0
        shares, times = [], []
        for i in range(len(VALENCES)):
            trials = self.readings if i == REPORTED_INDEX else CURVE_TRIALS
            friendly, time = _reading(bias, i, threshold, onset, oxytocin, salience_gain,
                                      speedup, trials, self.seed)
            shares.append(friendly / trials)
            times.append(time)
            if i == REPORTED_INDEX:
                reported = Estimate.share(friendly, trials)
        return np.array(shares), np.array(times), reported

    def compute(self, *, threshold: float, onset: float, salience_gain: float,
                speedup: float) -> dict[str, Any]:
        setting = (threshold, onset, salience_gain, speedup)
        tom_p, _, tom_p_at = self._curve(TOM_BIAS, 0.0, *setting)
        mary_p, _, mary_p_at = self._curve(MARY_BIAS, 0.0, *setting)
        tom_o, tom_o_time, tom_o_at = self._curve(TOM_BIAS, OXYTOCIN, *setting)
        mary_o, mary_o_time, mary_o_at = self._curve(MARY_BIAS, OXYTOCIN, *setting)
        return {
            "valence": VALENCES,
            "tom_placebo": tom_p, "tom_oxytocin": tom_o,
            "mary_placebo": mary_p, "mary_oxytocin": mary_o,
            "gap_placebo": tom_p - mary_p, "gap_oxytocin": tom_o - mary_o,
            "tom_time": tom_o_time, "mary_time": mary_o_time,
            # The readout's comparison, with its sampling error.
            "gap_change": (tom_o_at - mary_o_at) - (tom_p_at - mary_p_at),
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
        amount = (f"{signed(100 * change.value, 1)} points, give or take "
                  f"{100 * change.se:.1f} for sampling noise")
        low, high = GAP_VERDICT.span(change)
        if low != high:
            verdict = (
                f"Oxytocin changes their disagreement by {amount}: too close to the "
                f"{100 * GAP_CHANGE:.0f}-point line to say whether it "
                f"{GAP_VERDICT.words[low]} it or {GAP_VERDICT.words[high]} it."
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
