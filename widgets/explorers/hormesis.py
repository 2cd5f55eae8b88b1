"""The hormesis explorer: one dose curve for everyone versus one dose, two people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..models.dose_response import BrainCousens, context_effect
from .framework import OKABE_ITO, Control, Explorer, Line, Panel

#: Doses drawn on both panels (dose units); 81 points are smooth at phone width.
DOSES = np.linspace(0.0, 10.0, 81)

#: The two people of the right-hand panel (security on the toy model's -1..1 scale).
SECURE_PERSON = 0.8
ANXIOUS_PERSON = -0.8

#: The dose the readout reports the context effect at (dose units).
REPORTED_DOSE = 5.0


class HormesisExplorer(Explorer):
    """Brain–Cousens hormesis (left) against a person × context effect (right)."""

    name = "hormesis"
    title = "Hormesis versus context-dependence"
    controls = (
        Control("hormesis", "Low-dose stimulation f", 0, 150, 10, 50, "% per dose unit",
                decimals=0, help="f in the Brain–Cousens curve; 0 means no hormesis"),
        Control("slope", "Steepness of the fall b", 1.5, 6, 0.5, 3, "", decimals=1,
                help="b must exceed 1 or high doses never bring the response down"),
        Control("context", "How safe the setting feels (−1 to +1)", -1, 1, 0.25, 0, "",
                decimals=2, help="−1 threatening, 0 ambiguous, +1 safe"),
    )
    panels = (
        Panel(
            title="Hormesis: one dose curve",
            x_label="dose (arbitrary units)",
            y_label="response (% of control)",
            x_range=(0, 10),
            y_range=(0, 250),
            lines=(Line("dose", "response", "Brain–Cousens curve", OKABE_ITO["blue"]),),
            references=((100, "control (no dose)"),),
        ),
        Panel(
            title="Context: one dose, two people",
            x_label="dose (arbitrary units)",
            y_label="change in affiliation (%)",
            x_range=(0, 10),
            y_range=(-40, 40),
            lines=(
                Line("dose", "secure", "secure person", OKABE_ITO["green"]),
                Line("dose", "anxious", "anxious person", OKABE_ITO["vermillion"], dashed=True),
            ),
            references=((0, "no change"),),
        ),
    )
    alt_text = (
        "Two charts. Left: response, in percent of the untreated control, against dose; "
        "with hormesis the curve first rises above the control line at low doses, then "
        "falls towards zero at high doses. Right: change in affiliative behaviour against "
        "dose for a secure and an anxious person; the two curves move in opposite "
        "directions as the dose grows, except in a setting that feels clearly safe or "
        "threatening, which pushes both the same way."
    )

    def compute(self, *, hormesis: float, slope: float, context: float) -> dict[str, Any]:
        curve = BrainCousens(hormesis=hormesis, slope=slope)
        peak_dose, peak_response = curve.peak()
        return {
            "dose": DOSES,
            "response": curve.response(DOSES),
            "secure": context_effect(DOSES, security=SECURE_PERSON, context=context),
            "anxious": context_effect(DOSES, security=ANXIOUS_PERSON, context=context),
            "peak_dose": peak_dose,
            "peak_stimulation": curve.peak_stimulation(),
            "secure_at_dose": float(context_effect(REPORTED_DOSE, security=SECURE_PERSON,
                                                   context=context)),
            "anxious_at_dose": float(context_effect(REPORTED_DOSE, security=ANXIOUS_PERSON,
                                                    context=context)),
        }

    def describe(
        self, values: Mapping[str, float], results: Mapping[str, Any]
    ) -> tuple[str, str]:
        stimulation = results["peak_stimulation"]
        if stimulation < 0.5:
            left = "Left: no hormesis; the response only falls as the dose grows."
        else:
            left = (
                f"Left: the response peaks {stimulation:.0f} % above control at dose "
                f"{results['peak_dose']:.1f}, then falls."
            )
            if stimulation > 60:
                # calabrese2002defining: usually 30-60 % above control at most.
                left += " That peak is higher than real hormetic peaks, usually 30–60 %."
        setting = values["context"]
        right = (
            f"Right, in a setting rated {setting:+.2f} and at dose {REPORTED_DOSE:g}: "
            f"the secure person's affiliation changes by "
            f"{_signed(results['secure_at_dose'])} and the anxious person's by "
            f"{_signed(results['anxious_at_dose'])}."
        )
        return left, right


def _signed(percent: float) -> str:
    """'+12 %', '−7 %' (true minus sign) or '0 %'."""
    rounded = round(percent)
    if rounded == 0:
        return "0 %"
    sign = "+" if rounded > 0 else "−"
    return f"{sign}{abs(rounded)} %"
