"""The attention budget: what faces and voices gain, objects and text lose.

Four channels share a fixed amount of attention (a softmax of salience,
:func:`widgets.models.attend`); oxytocin adds ``boost × level`` to the salience
of the social channels (faces, voices). Each panel plots one quantity against
the oxytocin level from 0 (placebo) to 1, one line per channel: the share of
attention, the sensitivity d′ = D·√share, and the hit and false-alarm rates at
the chosen criterion (equal-variance signal detection, green1966signal).

The model uses the boost and the level only through their product, so the
level is the x axis and the boost a control; the criterion is the other
control. Everything is a closed form: the explorer is deterministic, so no
readout word rests on sampling noise.

The model gives all four channels the same baseline salience, so faces and
voices always lie on one line and objects and text on another; voices and
text are drawn dashed, over faces and objects, so both colours show.

The explorer opens at a boost of 0 (oxytocin does nothing, every line is
flat), so the chart gives nothing away before the reader has predicted what a
boost will do.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from ..models.attention import DEFAULT_CHANNELS, attend
from ..scenarios import num
from .framework import OKABE_ITO, Control, Explorer, Line, Panel

#: Oxytocin levels on the x axis (0 placebo … 1 the model's largest effect).
LEVELS = np.round(np.linspace(0.0, 1.0, 21), 10)

#: How each channel is drawn: (colour, dashed). Social channels in blues, the
#: others in oranges. Voices and text are dashed and drawn after faces and
#: objects, which they always coincide with in this model.
CHANNEL_STYLE = {
    "faces": (OKABE_ITO["blue"], False),
    "voices": (OKABE_ITO["sky"], True),
    "objects": (OKABE_ITO["vermillion"], False),
    "text": (OKABE_ITO["orange"], True),
}

#: The quantities plotted, as (result-key prefix, Attention attribute).
QUANTITIES = (
    ("share", "share"),
    ("d_prime", "d_prime"),
    ("hits", "hit_rate"),
    ("false_alarms", "false_alarm_rate"),
)


#: How the lines of every chart are drawn, as a screen reader hears it.
_LINES_NOTE = (
    "one line per channel: faces (blue) and voices (sky, dashed), which the model treats "
    "alike and so share one line, and objects (vermillion) and text (orange, dashed), which "
    "share another. With a boost of 0 every line is flat. "
)


def _lines(prefix: str) -> tuple[Line, ...]:
    return tuple(
        Line("level", f"{prefix}_{channel}", channel, color, dashed=dashed)
        for channel, (color, dashed) in CHANNEL_STYLE.items()
    )


@lru_cache(maxsize=512)
def _curves(boost: float, criterion: float) -> dict[str, np.ndarray]:
    """Every plotted quantity of every channel at every oxytocin level (closed forms)."""
    runs = [attend(oxytocin=float(level), oxytocin_boost=boost, criterion=criterion)
            for level in LEVELS]
    curves = {}
    for prefix, attribute in QUANTITIES:
        table = np.array([getattr(run, attribute) for run in runs])  # (levels, channels)
        for i, channel in enumerate(DEFAULT_CHANNELS):
            curves[f"{prefix}_{channel}"] = table[:, i]
    return curves


class AttentionExplorer(Explorer):
    """Shares, d′, hits and false alarms of four channels against the oxytocin level."""

    name = "attention-budget"
    title = "The attention budget: what faces gain, other things lose"
    controls = (
        Control("boost", "Oxytocin's boost to faces and voices (0 to 3)", 0, 3, 0.25, 0,
                "log units", decimals=2,
                help="salience added to the social channels at oxytocin level 1"),
        Control("criterion", "Criterion c (−1.5 liberal to +1.5 conservative)", -1.5, 1.5, 0.25,
                0, "SD", decimals=2,
                help="where the observer starts saying yes, from the midpoint"),
    )
    panels = (
        Panel(title="Share of attention", x_label="oxytocin level (0 placebo, 1 largest)",
              y_label="share of attention", x_range=(0, 1), y_range=(0, 0.6),
              lines=_lines("share"), references=((0.25, "equal shares"),),
              description=(
                  "Each channel's share of attention against the oxytocin level from 0 "
                  "(placebo) to 1, " + _LINES_NOTE + "With a boost above 0, as the level "
                  "rises faces and voices take a larger share and objects and text a smaller "
                  "one, because the shares add up to 1. A dotted line marks equal shares, "
                  "0.25.")),
        Panel(title="Sensitivity d′", x_label="oxytocin level (0 placebo, 1 largest)",
              y_label="d′ (SD units)", x_range=(0, 1), y_range=(0, 2),
              lines=_lines("d_prime"), references=((1.0, "placebo"),),
              description=(
                  "Sensitivity d′ of each channel against the oxytocin level from 0 "
                  "(placebo) to 1, " + _LINES_NOTE + "With a boost above 0, d′ follows the "
                  "shares of attention: up for faces and voices, down for objects and text, "
                  "from the dotted line at the placebo value, 1.")),
        Panel(title="Hit rate", x_label="oxytocin level (0 placebo, 1 largest)",
              y_label="P(yes | signal)", x_range=(0, 1), y_range=(0, 1),
              lines=_lines("hits"),
              description=(
                  "The hit rate of each channel, the chance of saying yes when the signal is "
                  "there, against the oxytocin level from 0 (placebo) to 1, " + _LINES_NOTE
                  + "With a boost above 0 it rises for faces and voices and falls for objects "
                  "and text; a more liberal criterion moves every line up.")),
        Panel(title="False-alarm rate", x_label="oxytocin level (0 placebo, 1 largest)",
              y_label="P(yes | no signal)", x_range=(0, 1), y_range=(0, 1),
              lines=_lines("false_alarms"),
              description=(
                  "The false-alarm rate of each channel, the chance of saying yes when there "
                  "is no signal, against the oxytocin level from 0 (placebo) to 1, "
                  + _LINES_NOTE + "With a boost above 0 it falls for faces and voices and "
                  "rises for objects and text; a more liberal criterion moves every line up.")),
    )

    def compute(self, *, boost: float, criterion: float) -> dict[str, Any]:
        curves = _curves(float(boost), float(criterion))
        return {"level": LEVELS, **curves}

    def describe(
        self, values: Mapping[str, float], results: Mapping[str, Any]
    ) -> tuple[str, str, str]:
        boost, criterion = values["boost"], values["criterion"]
        first, last = 0, -1  # placebo and oxytocin level 1
        faces_share = results["share_faces"]
        objects_share = results["share_objects"]
        faces_d, objects_d = results["d_prime_faces"], results["d_prime_objects"]
        if boost == 0:
            budget = (
                f"With a boost of 0 oxytocin changes nothing: at every level each channel "
                f"keeps {_percent(faces_share[first])} of the attention and a d′ of "
                f"{faces_d[first]:.2f}."
            )
        else:
            budget = (
                f"At oxytocin 1 with a boost of {boost:.2f}, faces and voices (one line: the "
                f"model treats them alike) each get {_percent(faces_share[last])} of the "
                f"attention, up from {_percent(faces_share[first])} on placebo, and objects "
                f"and text {_percent(objects_share[last])} each. Faces' d′ goes from "
                f"{faces_d[first]:.2f} to {faces_d[last]:.2f}, objects' from "
                f"{objects_d[first]:.2f} to {objects_d[last]:.2f}."
            )
        hits_f, alarms_f = results["hits_faces"], results["false_alarms_faces"]
        hits_o, alarms_o = results["hits_objects"], results["false_alarms_objects"]
        if boost == 0:
            rates = (
                f"At criterion {num(criterion, sign=True)} every channel's hit rate is "
                f"{_percent(hits_f[first])} and its false-alarm rate "
                f"{_percent(alarms_f[first])}, at every level."
            )
        else:
            rates = (
                f"At criterion {num(criterion, sign=True)}, from placebo to oxytocin 1, faces' hit "
                f"rate goes from {_percent(hits_f[first])} to {_percent(hits_f[last])} and "
                f"their false-alarm rate from {_percent(alarms_f[first])} to "
                f"{_percent(alarms_f[last])}; objects' hit rate goes to "
                f"{_percent(hits_o[last])} and their false-alarm rate to "
                f"{_percent(alarms_o[last])}."
            )
        if criterion < 0:
            lean = "a liberal criterion: yes comes easily, so hits and false alarms are both high"
        elif criterion > 0:
            lean = "a conservative criterion: yes comes hard, so hits and false alarms are both low"
        else:
            lean = "a neutral criterion, midway between no signal and signal"
        bias = (
            f"Criterion {num(criterion, sign=True)} is {lean}. Moving it shifts hits and false "
            f"alarms the same way (bias); more d′ pulls them apart (sensitivity)."
        )
        return budget, rates, bias


def _percent(share: float) -> str:
    """'37 %': a share as a whole percentage."""
    return f"{100 * share:.0f} %"

