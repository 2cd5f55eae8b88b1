"""One service, greeting by greeting: the church feedback loop, one run at a time.

:func:`widgets.models.trace_service` follows a single simulated service: for
each of the 40 greeters, the expression they intended, the perceiver's answer
(a smile, a scowl or neutral: in the model, what a perceiver reads is what they
answer), the face the greeter finally showed after mimicking that answer, and
the perceiver's belief about the congregation afterwards. Tom (starting belief
+0.6) and Mary (−0.6) meet the same greeters: one seed, :data:`SEED`, for both.

This is one service, not an average: the readout describes what happened in
it, in numbers, and makes no comparison that would need a sampling error (the
Tom-and-Mary comparator, :mod:`widgets.explorers.tom_and_mary`, averages 1,000
services and follows the noise rule). Oxytocin's two pulls are the reading
model's defaults (the comparator's "balanced" regime).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from ..models import Perceiver, ServiceTrace, trace_service
from ..scenarios import MARY_BELIEF, TOM_BELIEF
from .framework import OKABE_ITO, Control, Explorer, Line, Panel, signed
from .tom_and_mary import GREETINGS

#: The one service shown: the year of the post, as in the comparator.
SEED = 2015
#: The model's learning rate (used, not changed, here): how far each face moves
#: the belief.
LEARNING_RATE = inspect.signature(trace_service).parameters["learning_rate"].default


@lru_cache(maxsize=512)
def _trace(bias: float, oxytocin: float, mimicry: float, congregation_mean: float,
           seed: int) -> ServiceTrace:
    """One perceiver's one service at one setting (the model's other defaults)."""
    return trace_service(Perceiver(bias=bias), oxytocin=oxytocin, mimicry=mimicry,
                         congregation_mean=congregation_mean, n_greetings=GREETINGS,
                         seed=seed)


def _panel(who: str, colour: str) -> Panel:
    key = who.lower()
    return Panel(
        title=f"{who}'s service",
        x_label="greeting number",
        y_label="valence (−1 hostile, +1 friendly)",
        x_range=(0, GREETINGS),
        y_range=(-1, 1),
        lines=(
            Line("greeting", "intention", "intended", OKABE_ITO["grey"], dashed=True),
            Line("greeting", f"{key}_face", "face seen", OKABE_ITO["blue"], markers=True),
            Line("step", f"{key}_belief", "belief", colour),
        ),
        references=((0, ""),),
        description=(
            f"{who}'s simulated service of {GREETINGS} greetings, against greeting number, "
            "from −1 hostile to +1 friendly: the expression each greeter intended (grey, "
            "dashed), the face the greeter finally showed after mimicking "
            f"{who}'s answer (blue dots), and {who}'s belief about the congregation after "
            "each greeting (solid line)."
        ),
    )


class ServiceTraceExplorer(Explorer):
    """One simulated service for Tom and for Mary, greeting by greeting."""

    name = "one-service"
    title = "One service, greeting by greeting"
    slow = True
    #: One run per setting: no readings to average, and no comparison in the
    #: readout that would need them (so the noise tests have nothing to check).
    readings = None
    seed = SEED
    controls = (
        Control("mimicry", "Greeters' mimicry (0 to 1)", 0, 1, 0.2, 0.6, "", decimals=1,
                help="how far a greeter's face moves toward the answer it gets"),
        Control("oxytocin", "Oxytocin (0 placebo, 1 the model's largest effect)", 0, 1, 1, 1,
                "", decimals=0),
        Control("congregation_mean", "Congregation's mean intention (−1 to +1)", -0.4, 0.6,
                0.2, 0.2, "", decimals=1),
    )
    panels = (_panel("Tom", OKABE_ITO["green"]), _panel("Mary", OKABE_ITO["vermillion"]))

    def compute(self, *, mimicry: float, oxytocin: float,
                congregation_mean: float) -> dict[str, Any]:
        common = (oxytocin, mimicry, congregation_mean, self.seed)
        tom, mary = _trace(TOM_BELIEF, *common), _trace(MARY_BELIEF, *common)
        # Same seed, same greeters: the intentions are one array for both (a
        # test checks it), so one is drawn.
        return {
            "greeting": np.arange(1, GREETINGS + 1),
            "step": np.arange(GREETINGS + 1),
            "intention": tom.intention,
            "tom_face": tom.face,
            "mary_face": mary.face,
            "tom_belief": tom.belief,
            "mary_belief": mary.belief,
            "tom_answers": tom.answer,
            "mary_answers": mary.answer,
        }

    def describe(self, values: Mapping[str, float],
                 results: Mapping[str, Any]) -> tuple[str, ...]:
        intention = results["intention"]
        sentences = [
            f"One service (seed {self.seed}), the same {GREETINGS} greeters for both: they "
            f"intended {signed(float(intention.mean()))} on average, from "
            f"{signed(float(intention.min()))} to {signed(float(intention.max()))}.",
            _perceiver("Tom", results["tom_answers"], results["tom_face"],
                       results["tom_belief"]),
            _perceiver("Mary", results["mary_answers"], results["mary_face"],
                       results["mary_belief"]),
        ]
        gap = results["tom_belief"][-1] - results["mary_belief"][-1]
        if values["mimicry"] == 0:
            sentences.append(
                "With no mimicry both saw exactly the intended faces, so only their "
                f"starting beliefs set them apart: the gap ends at {gap:.2f}, "
                f"{1 - LEARNING_RATE:g} to the power {GREETINGS} times the starting "
                f"{TOM_BELIEF - MARY_BELIEF:.2f}.")
        else:
            differ = np.flatnonzero(results["tom_answers"] != results["mary_answers"])
            if differ.size == 0:
                sentences.append(f"They gave the same answer to all {GREETINGS} greeters, so "
                                 f"they saw the same faces; their beliefs end {gap:.2f} apart.")
            else:
                k = int(differ[0])
                largest = float(np.max(np.abs(results["tom_face"] - results["mary_face"])))
                sentences.append(
                    f"They answered {differ.size} of the {GREETINGS} greeters differently, and "
                    f"there the faces they saw differed by up to {largest:.2f}. The first was "
                    f"greeting {k + 1}: intended {signed(float(intention[k]))}, Tom saw "
                    f"{signed(float(results['tom_face'][k]))}, Mary "
                    f"{signed(float(results['mary_face'][k]))}. Their beliefs end "
                    f"{gap:.2f} apart.")
        sentences.append("This is one service: another seed gives other numbers. The "
                         "Tom-and-Mary explorer averages 1,000 services.")
        return tuple(sentences)


def _perceiver(who: str, answers: np.ndarray, faces: np.ndarray, belief: np.ndarray) -> str:
    """One perceiver's service in numbers."""
    smiles = int(np.count_nonzero(answers == 1))
    scowls = int(np.count_nonzero(answers == -1))
    neutral = answers.size - smiles - scowls
    return (f"{who} answered {smiles} with a smile, {scowls} with a scowl and {neutral} "
            f"with a neutral face; the faces {who} saw averaged {signed(float(faces.mean()))}, "
            f"and {who}'s belief went from {signed(float(belief[0]))} to "
            f"{signed(float(belief[-1]))}.")
