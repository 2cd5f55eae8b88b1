r"""Real studies' power: pick a meta-analysis and a true effect, see what its studies could find.

The studies are the 40 of metameta's three datasets (:func:`widgets.models.load_meta_analyses`).
For each, :func:`widgets.models.study_power` gives the chance its two-sided test at
:math:`\alpha = 0.05` reaches significance if the true effect were :math:`\delta` in every
study (metameta's method, quintana2022guide). The expected number of studies reaching
:math:`p < 0.05` is the sum of their powers: exact, nothing is sampled, so the readout needs no
noise rule.

Left panel: each study's power against its standard error, on the curve every study of that
precision shares. Right panel: the median power of each meta-analysis's studies against the
true effect (metameta's "firepower"), with the chosen setting marked.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from ..models import load_meta_analyses, study_power
from ..scenarios import pct
from .framework import OKABE_ITO, Control, Explorer, Line, Panel

#: Significance level of every test, as in metameta.
ALPHA = 0.05
#: The power most study planners aim for (a convention, not a law).
POWER_TARGET = 0.8
#: Standard errors along the left panel's curve (0.03 to 0.75: every study's lies inside).
CURVE_ERRORS = np.round(np.linspace(0.03, 0.75, 73), 10)
#: True effects on the right panel: metameta's default range, 0.1 to 1 in steps of 0.1.
FIREPOWER_EFFECTS = np.round(np.linspace(0.1, 1.0, 10), 10)
#: Short names for the control's positions (phone width).
SHORT_NAMES = ("Ooi 2017: autism, 9", "Keech 2018: 12", "Bakermans-Kranenburg 2013: 19")
#: The right panel's legend: first author and year, short enough for a phone.
LEGEND_NAMES = ("Ooi 2017", "Keech 2018", "Bakermans-K. 2013")
#: One colour per meta-analysis on the right panel.
COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["green"])


@lru_cache(maxsize=1)
def _firepower() -> tuple[np.ndarray, ...]:
    """Median power of each meta-analysis's studies at each of FIREPOWER_EFFECTS."""
    return tuple(np.array([float(np.median(study_power(meta.standard_errors, effect)))
                           for effect in FIREPOWER_EFFECTS])
                 for meta in load_meta_analyses())


def _percent(share: float) -> str:
    """'9 %': a share as the book prints it (widgets.scenarios.pct), with its sign."""
    return f"{pct(share)} %"


class StudyPowerExplorer(Explorer):
    """Each real study's power at a chosen true effect, and each meta-analysis's median."""

    name = "study-power"
    title = "Real oxytocin studies: what could each one find?"
    controls = (
        Control("analysis", "Meta-analysis (and its number of studies)", 0, 2, 1, 0, "",
                decimals=0, labels=SHORT_NAMES,
                help="which meta-analysis's studies to show"),
        Control("effect", "True effect in every study (0.1 to 1 SD)", 0.1, 1.0, 0.05, 0.2,
                "SD", decimals=2,
                help="the standardised difference oxytocin would really make; 0.2 is "
                     "'small', 0.5 'medium' and 0.8 'large' by the usual rule of thumb"),
    )
    panels = (
        Panel(
            title="Each study's power at this true effect",
            x_label="study's standard error (smaller = more precise)",
            y_label="power (chance of p < 0.05)",
            x_range=(0, 0.75),
            y_range=(0, 1),
            lines=(
                Line("curve_errors", "curve_power", "any study with this standard error",
                     OKABE_ITO["grey"], dashed=True),
                Line("study_errors", "study_power", "the studies of this meta-analysis",
                     OKABE_ITO["vermillion"], markers=True),
            ),
            references=((POWER_TARGET, "80 % target"), (ALPHA, "α = 0.05")),
            description=(
                "Power, the chance of reaching p < 0.05, against a study's standard error "
                "from 0 to 0.75, at the chosen true effect: a grey dashed curve for any study "
                "of that precision, falling as the standard error grows, and vermillion dots "
                "on it for the chosen meta-analysis's studies, with dotted lines at the 80 % "
                "power target and at 0.05."
            ),
        ),
        Panel(
            title="Median power of each meta-analysis",
            x_label="true effect (SD units)",
            y_label="median power of its studies",
            x_range=(0.1, 1.0),
            y_range=(0, 1),
            lines=tuple(
                Line("firepower_effects", f"firepower_{i}", LEGEND_NAMES[i], COLOURS[i],
                     markers=True, dashed=i == 1)
                for i, meta in enumerate(load_meta_analyses())
            ) + (
                Line("this_effect", "this_median", "this setting", OKABE_ITO["vermillion"],
                     markers=True),
            ),
            references=((POWER_TARGET, "80 % target"),),
            description=(
                "For each of the three meta-analyses, the median power of its studies against "
                "the true effect from 0.1 to 1 SD: three rising lines with dots (Ooi et al. "
                "2017 blue, Keech et al. 2018 orange and dashed, Bakermans-Kranenburg and van "
                "IJzendoorn 2013 green), a vermillion dot at the chosen setting, and a dotted "
                "line at the 80 % target."
            ),
        ),
    )

    def compute(self, *, analysis: float, effect: float) -> dict[str, Any]:
        index = round(analysis)
        meta = load_meta_analyses()[index]
        order = np.argsort(meta.standard_errors, kind="stable")
        errors = meta.standard_errors[order]
        powers = study_power(errors, effect)
        firepower = _firepower()
        results: dict[str, Any] = {
            "curve_errors": CURVE_ERRORS,
            "curve_power": np.round(study_power(CURVE_ERRORS, effect), 4),
            "study_errors": errors,
            "study_power": np.round(powers, 4),
            "firepower_effects": FIREPOWER_EFFECTS,
            "this_effect": np.array([effect]),
            "this_median": np.array([round(float(np.median(powers)), 4)]),
            "index": index,
            "expected": float(powers.sum()),
            "lowest": float(powers.min()),
            "highest": float(powers.max()),
            "median": float(np.median(powers)),
            "at_target": int(np.count_nonzero(powers >= POWER_TARGET)),
            "observed": int(np.count_nonzero(meta.significant)),
            "observed_for": int(np.count_nonzero(meta.significant & (meta.effects > 0))),
        }
        for i, curve in enumerate(firepower):
            results[f"firepower_{i}"] = np.round(curve, 4)
        return results

    def describe(self, values: Mapping[str, float],
                 results: Mapping[str, Any]) -> tuple[str, str, str]:
        meta = load_meta_analyses()[results["index"]]
        effect = values["effect"]
        k = meta.n_studies
        errors = meta.standard_errors
        who = (f"{meta.label}: {meta.samples}, on {meta.topic} ({meta.effect_measure}), with "
               f"standard errors from {errors.min():.2f} to {errors.max():.2f}.")
        target = results["at_target"]
        reach = ("none of them has" if target == 0 else
                 f"{target} of them {'has' if target == 1 else 'have'}")
        power = (f"If the true effect were {effect:.2f} SD in every study, their power would "
                 f"run from {_percent(results['lowest'])} to {_percent(results['highest'])} "
                 f"(median {_percent(results['median'])}); {reach} the usual 80 %.")
        observed, in_favour = results["observed"], results["observed_for"]
        against = observed - in_favour
        if observed == 0:
            direction = ""
        elif against == 0:
            whom = {1: "", 2: "both "}.get(observed, "all ")
            direction = f"; {whom}in favour of oxytocin"
        else:
            direction = f"; {in_favour} in favour of oxytocin, {against} against"
        count = (f"Expected to reach p < 0.05: {results['expected']:.1f} of {k} studies (the "
                 f"sum of their powers, exact). In the data, {observed} of {k} did (their 95 % "
                 f"intervals exclude zero{direction}); with no true effect, chance alone "
                 f"would give about {ALPHA * k:.1f}.")
        return who, power, count
