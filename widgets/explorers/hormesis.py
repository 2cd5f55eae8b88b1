"""The hormesis explorer: one dose curve for everyone versus one dose, two people.

Left, the Brain–Cousens curve: the response to a dose, the same for everyone;
the dose can flip the *direction* of the effect (up at low doses, down at high
ones). Right, the toy person × context model at the chosen dose, across every
setting: the dose only scales each person's change, and its direction comes
from the person and the setting. The explorer opens at dose 0, so the right
panel gives nothing away before the reader has made a prediction.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from ..models.dose_response import BrainCousens, context_effect
from ..scenarios import ANXIOUS_PERSON, SECURE_PERSON
from .framework import OKABE_ITO, Control, Explorer, Line, Panel

#: Doses drawn on the left panel (dose units); 81 points are smooth at phone width.
DOSES = np.linspace(0.0, 10.0, 81)

#: Settings drawn on the right panel (−1 threatening … +1 safe).
SETTINGS = np.round(np.linspace(-1.0, 1.0, 41), 10)

# The two people of the right-hand panel: SECURE_PERSON and ANXIOUS_PERSON
# (widgets.scenarios: security on the toy model's −1..1 scale).


@lru_cache(maxsize=64)
def _people_across_settings(dose: float) -> tuple[np.ndarray, np.ndarray]:
    """(secure, anxious) change in affiliation [%] at ``dose``, for every setting."""
    secure = np.array([float(context_effect(dose, security=SECURE_PERSON, context=c))
                       for c in SETTINGS])
    anxious = np.array([float(context_effect(dose, security=ANXIOUS_PERSON, context=c))
                        for c in SETTINGS])
    return secure, anxious


class HormesisExplorer(Explorer):
    """Brain–Cousens hormesis (left) against a person × context effect (right)."""

    name = "hormesis"
    title = "Hormesis versus context-dependence"
    controls = (
        Control("hormesis", "Low-dose stimulation f", 0, 150, 10, 50, "% per dose unit",
                decimals=0, help="f in the Brain–Cousens curve; 0 means no hormesis"),
        Control("slope", "Steepness of the fall b", 1.5, 6, 0.5, 3, "", decimals=1,
                help="b must exceed 1 or high doses never bring the response down"),
        Control("dose", "Dose given (both panels)", 0, 10, 1, 0, "dose units", decimals=0,
                help="the same dose for everyone; 0 is no dose"),
    )
    panels = (
        Panel(
            title="Hormesis: one dose curve for everyone",
            x_label="dose (arbitrary units)",
            y_label="response (% of control)",
            x_range=(0, 10),
            y_range=(0, 300),
            lines=(Line("dose_axis", "response", "Brain–Cousens curve", OKABE_ITO["blue"]),),
            references=((100, "control (no dose)"),),
            description=(
                "Response, in percent of the untreated control, against dose from 0 to 10. "
                "With low-dose stimulation the curve first rises above the dotted control "
                "line at 100 %, then falls towards zero at high doses, so the dose decides "
                "the direction of the effect."
            ),
        ),
        Panel(
            title="Context: the chosen dose, two people",
            x_label="setting (−1 threatening, +1 safe)",
            y_label="change in affiliation (%)",
            x_range=(-1, 1),
            y_range=(-30, 30),
            lines=(
                Line("setting", "secure", "secure person", OKABE_ITO["green"]),
                Line("setting", "anxious", "anxious person", OKABE_ITO["vermillion"],
                     dashed=True),
            ),
            references=((0, "no change"),),
            description=(
                "At the chosen dose, the change in affiliative behaviour of a secure person "
                "(solid line) and an anxious person (dashed line) in every setting from "
                "threatening (−1) to safe (+1). At dose 0 both lines lie on zero; a larger "
                "dose moves them further from zero without changing their direction."
            ),
        ),
    )

    def compute(self, *, hormesis: float, slope: float, dose: float) -> dict[str, Any]:
        curve = BrainCousens(hormesis=hormesis, slope=slope)
        peak_dose, _ = curve.peak()
        secure, anxious = _people_across_settings(float(dose))
        ambiguous = int(np.flatnonzero(SETTINGS == 0.0)[0])
        return {
            "dose_axis": DOSES,
            "response": curve.response(DOSES),
            "setting": SETTINGS,
            "secure": secure,
            "anxious": anxious,
            "peak_dose": peak_dose,
            "peak_stimulation": curve.peak_stimulation(),
            "response_at_dose": float(curve.response(dose)),
            "secure_ambiguous": float(secure[ambiguous]),
            "anxious_ambiguous": float(anxious[ambiguous]),
        }

    def describe(
        self, values: Mapping[str, float], results: Mapping[str, Any]
    ) -> tuple[str, str, str]:
        stimulation = results["peak_stimulation"]
        if stimulation == 0:
            shape = "Left: no hormesis; the response only falls as the dose grows."
        elif stimulation < 0.5:
            # A bump too small to see at the chart's resolution: say it is there.
            shape = (
                f"Left: the response rises only {stimulation:.1f} % above control, by dose "
                f"{results['peak_dose']:.1f}, then falls: a bump too small to see here."
            )
        else:
            shape = (
                f"Left: the response peaks {stimulation:.0f} % above control at dose "
                f"{results['peak_dose']:.1f}, then falls."
            )
            if stimulation > 60:
                # calabrese2002defining: usually 30-60 % above control at most.
                shape += (" That peak is higher than the 30–60 % above control that "
                          "Calabrese and Baldwin call usual.")
        dose = values["dose"]
        response = results["response_at_dose"]
        if dose == 0:
            at_dose = "At dose 0 everyone's response is the control, 100 %."
        else:
            rounded = round(response)
            side = "above" if rounded > 100 else "below" if rounded < 100 else "level with"
            at_dose = (
                f"At dose {_number(dose)} everyone's response is {rounded} % of "
                f"control, {side} it."
            )
        return shape, at_dose, _right_sentence(dose, results)


def _right_sentence(dose: float, results: Mapping[str, Any]) -> str:
    if dose == 0:
        return "Right: at dose 0 neither person changes, in any setting."
    secure, anxious = results["secure_ambiguous"], results["anxious_ambiguous"]
    gap = round(secure) - round(anxious)  # the gap as the two shown numbers give it
    return (
        f"Right, at dose {_number(dose)}: in an ambiguous setting (0) the secure "
        f"person's affiliation changes by {_signed(secure)} and the anxious person's by "
        f"{_signed(anxious)}. The gap between them, {gap} points, is the same "
        f"in every setting. Both change the same way only where the setting is further "
        f"from 0 than the people's security ({_plus_minus(SECURE_PERSON)}): in settings "
        f"safer than {_setting(-ANXIOUS_PERSON)} both rise, in settings more threatening "
        f"than {_setting(-SECURE_PERSON)} both fall."
    )


def _setting(value: float) -> str:
    """A setting as shown: '+0.50', '−0.50' (true minus sign)."""
    return f"{value:+.2f}".replace("-", "−")


def _plus_minus(value: float) -> str:
    """'±0.50'."""
    return f"±{abs(value):.2f}"


def _number(value: float) -> str:
    """A control value as shown: '3', '2.5' (no trailing zeros)."""
    return f"{value:g}"


def _signed(percent: float) -> str:
    """'+12 %', '−7 %' (true minus sign) or '0 %'."""
    rounded = round(percent)
    if rounded == 0:
        return "0 %"
    sign = "+" if rounded > 0 else "−"
    return f"{sign}{abs(rounded)} %"
