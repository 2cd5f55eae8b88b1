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
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from ..models import Expression, Perceiver, read_expression
from .framework import OKABE_ITO, Control, Explorer, Line, Panel

#: Intended valences on the x axis (−1 hostile … +1 friendly).
VALENCES = np.round(np.linspace(-1.0, 1.0, 9), 10)
#: The two perceivers' expectations (bias, in [-1, 1]).
TOM_BIAS = 0.4
MARY_BIAS = -0.4
#: The face the readout describes: a smile, read while it forms (the post's example).
REPORTED_VALENCE = 0.5
#: Oxytocin level compared with placebo: the model's largest effect.
OXYTOCIN = 1.0
#: Readings per point: the standard error of a share near 0.5 is 0.02.
TRIALS = 600


@lru_cache(maxsize=4096)
def _share_friendly(bias: float, valence_index: int, threshold: float, onset: float,
                    oxytocin: float, salience_gain: float,
                    speedup: float) -> tuple[float, float]:
    """(share read friendly, mean reading time in s) for one point of one curve.

    The seed depends only on the perceiver and the valence (common random
    numbers): moving a control changes the curves because the setting
    changed, not because the noise was redrawn.
    """
    seed = 1000 * valence_index + (1 if bias > 0 else 2)
    readings = read_expression(
        Perceiver(bias=bias, threshold=threshold),
        Expression(float(VALENCES[valence_index]), onset=onset),
        oxytocin=oxytocin, salience_gain=salience_gain, speedup=speedup,
        n_trials=TRIALS, seed=seed,
    )
    return readings.p_friendly, readings.mean_time


def _curve(bias, threshold, onset, oxytocin, salience_gain, speedup):
    points = [_share_friendly(bias, i, threshold, onset, oxytocin, salience_gain, speedup)
              for i in range(len(VALENCES))]
    shares = np.array([p for p, _ in points])
    times = np.array([t for _, t in points])
    return shares, times


class FacesExplorer(Explorer):
    """Psychometric curves from the drift-diffusion reading model."""

    name = "reading-faces"
    title = "Reading a face as it forms: Tom and Mary, placebo and oxytocin"
    slow = True
    controls = (
        Control("threshold", "Evidence needed to decide", 0.5, 2.5, 1.0, 1.5, "", decimals=1,
                help="the perceiver's threshold on placebo (evidence units)"),
        Control("onset", "Time for the face to form", 0, 1.5, 0.5, 0.5, "s", decimals=1),
        Control("salience_gain", "Oxytocin's salience gain", 0, 2, 0.5, 0.5, "",
                decimals=1, help="how much clearer oxytocin makes the face"),
        Control("speedup", "Oxytocin's speed-up", 0, 0.8, 0.2, 0.4, "", decimals=1,
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
        ),
    )
    alt_text = (
        "Left: for each intended expression from hostile to friendly, the share of "
        "readings that come out friendly, for Tom (who expects friendliness) and Mary "
        "(who expects hostility), on placebo (dashed) and on oxytocin (solid with dots). "
        "Both curves rise from hostile to friendly faces; Tom's lies above Mary's. Right: "
        "the gap between Tom and Mary at each expression, on placebo and on oxytocin."
    )

    def compute(self, *, threshold: float, onset: float, salience_gain: float,
                speedup: float) -> dict[str, Any]:
        args = (threshold, onset)
        tom_p, _ = _curve(TOM_BIAS, *args, 0.0, salience_gain, speedup)
        mary_p, _ = _curve(MARY_BIAS, *args, 0.0, salience_gain, speedup)
        tom_o, tom_o_time = _curve(TOM_BIAS, *args, OXYTOCIN, salience_gain, speedup)
        mary_o, mary_o_time = _curve(MARY_BIAS, *args, OXYTOCIN, salience_gain, speedup)
        return {
            "valence": VALENCES,
            "tom_placebo": tom_p, "tom_oxytocin": tom_o,
            "mary_placebo": mary_p, "mary_oxytocin": mary_o,
            "gap_placebo": tom_p - mary_p, "gap_oxytocin": tom_o - mary_o,
            "tom_time": tom_o_time, "mary_time": mary_o_time,
        }

    def describe(self, values: Mapping[str, float], results: Mapping[str, Any]) -> str:
        # Report a smile read while it forms (the post's example). At a neutral
        # face the model has no drift, so of the readings that finish the share
        # "friendly" is (1 + bias)/2 whatever the bound: little to see there.
        at = int(np.flatnonzero(np.isclose(VALENCES, REPORTED_VALENCE))[0])
        tom, mary = results["tom_oxytocin"][at], results["mary_oxytocin"][at]
        gap_placebo = results["gap_placebo"][at]
        gap_oxytocin = results["gap_oxytocin"][at]
        if gap_oxytocin > gap_placebo + 0.03:
            change = "Oxytocin widens their disagreement."
        elif gap_oxytocin < gap_placebo - 0.03:
            change = "Oxytocin narrows their disagreement."
        else:
            change = "Oxytocin barely changes their disagreement."
        return (
            f"A face forming a smile (intended {REPORTED_VALENCE:+.1f}), on oxytocin: Tom "
            f"reads it as friendly "
            f"{100 * tom:.0f} % of the time and Mary {100 * mary:.0f} %, a gap of "
            f"{100 * gap_oxytocin:.0f} points (on placebo: {100 * gap_placebo:.0f}). "
            f"{change} Mean reading time on oxytocin: Tom {results['tom_time'][at]:.2f} s, "
            f"Mary {results['mary_time'][at]:.2f} s."
        )
