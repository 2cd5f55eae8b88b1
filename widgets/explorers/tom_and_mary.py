"""Tom and Mary at church: two perceivers, one congregation, the feedback loop.

Two runs of :func:`widgets.models.simulate_service` with the same seed, so Tom
(starting belief +0.6) and Mary (−0.6) meet the same greeters with the same
intentions; only their readings, and the answers the greeters mimic, differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..models import Perceiver, simulate_service
from .framework import OKABE_ITO, Control, Explorer, Line, Panel

TOM_BELIEF = 0.6
MARY_BELIEF = -0.6
GREETINGS = 40
RUNS = 200
SEED = 2015  # the year of the post; any fixed seed keeps neighbouring settings comparable
#: Histogram bins for the final beliefs (belief units).
BIN_EDGES = np.linspace(-1.0, 1.0, 21)
BIN_CENTRES = (BIN_EDGES[:-1] + BIN_EDGES[1:]) / 2


class TomAndMaryExplorer(Explorer):
    """The church feedback loop for two perceivers, side by side."""

    name = "tom-and-mary"
    title = "Tom and Mary at church: one congregation, two services"
    slow = True
    controls = (
        Control("mimicry", "Greeters' mimicry (0 to 1)", 0, 1, 0.2, 0.6, "", decimals=1,
                help="how far a greeter's face moves toward the answer it gets"),
        Control("oxytocin", "Oxytocin level (0 = placebo)", 0, 1, 0.5, 0, "", decimals=1),
        Control("congregation_mean", "Congregation's mean intention (−1 to +1)", -0.4, 0.6,
                0.2, 0.2, "", decimals=1),
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
        ),
        Panel(
            title=f"Beliefs after {GREETINGS} greetings ({RUNS} services)",
            x_label="final belief (−1 hostile, +1 friendly)",
            y_label="share of services",
            x_range=(-1, 1),
            y_range=(0, 0.6),
            lines=(
                Line("belief_bins", "tom_final", "Tom", OKABE_ITO["green"], markers=True),
                Line("belief_bins", "mary_final", "Mary", OKABE_ITO["vermillion"],
                     dashed=True, markers=True),
            ),
        ),
    )
    alt_text = (
        "Left: Tom's and Mary's average belief about the congregation over 40 greetings, "
        "starting at +0.6 and −0.6, with a dashed line at the congregation's mean "
        "intention. Right: how their beliefs at the end of the service are spread over "
        "200 simulated services."
    )

    def compute(self, *, mimicry: float, oxytocin: float,
                congregation_mean: float) -> dict[str, Any]:
        common = {"oxytocin": oxytocin, "mimicry": mimicry,
                  "congregation_mean": congregation_mean, "n_greetings": GREETINGS,
                  "n_runs": RUNS, "seed": SEED}
        tom = simulate_service(Perceiver(bias=TOM_BELIEF), **common)
        mary = simulate_service(Perceiver(bias=MARY_BELIEF), **common)

        def shares(final):
            counts, _ = np.histogram(final, bins=BIN_EDGES)
            return counts / len(final)

        return {
            "greeting": np.arange(GREETINGS + 1),
            "tom_belief": tom.belief.mean(axis=0),
            "mary_belief": mary.belief.mean(axis=0),
            "ends": np.array([0, GREETINGS]),
            "intention": np.array([congregation_mean, congregation_mean]),
            "belief_bins": BIN_CENTRES,
            "tom_final": shares(tom.final_belief),
            "mary_final": shares(mary.final_belief),
            "tom_smiles": float(tom.smile_rate.mean()),
            "mary_smiles": float(mary.smile_rate.mean()),
        }

    def describe(self, values: Mapping[str, float], results: Mapping[str, Any]) -> str:
        tom, mary = results["tom_belief"][-1], results["mary_belief"][-1]
        start_gap = TOM_BELIEF - MARY_BELIEF
        return (
            f"After {GREETINGS} greetings Tom's belief averages {tom:+.2f} and Mary's "
            f"{mary:+.2f}: a gap of {tom - mary:.2f}, down from {start_gap:.2f}. "
            f"Tom answered {100 * results['tom_smiles']:.0f} % of greetings with a smile, "
            f"Mary {100 * results['mary_smiles']:.0f} %."
        )
