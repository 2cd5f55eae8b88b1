"""Attachment styles as perceivers: a point on the anxiety × avoidance plane.

Two controls place a person on the two dimensions of adult attachment,
anxiety and avoidance (each standardised, −1 … +1, 0 average).
:func:`widgets.models.attachment_profile` turns that point into a perceiver
for the reading model (a starting expectation, a threshold, and a weight on
oxytocin's boost to social salience); the left panel draws that perceiver's
psychometric curve (the share of readings that come out friendly, against the
face's intended expression) on placebo and on oxytocin; three more panels show
the three parameters the point sets, each on its own axis (they have different
units), along the anxiety axis at the chosen avoidance.

Oxytocin pulls two ways in the reading model, and we found no study that measured
either pull, so a third control offers the same three named regimes as the Tom and
Mary explorer: the salience gain alone, the model's default pair, or the
speed-up alone. The salience gain is scaled by the perceiver's weight (that is
what the weight is for); the base gain of "salience wins" is 1.0, not the Tom
and Mary explorer's 2.0, because the most vigilant corner of the plane has a
weight of 1.8 and the reading model accepts gains up to 2 only.

The readout compares oxytocin with placebo for a forming smile and a forming
frown (intended ±0.5). Every share is solved from the reading model's
equation (:func:`widgets.models.solve_expressions`), not sampled, so the
curves and the readout carry no sampling noise; the readout says "lowers" or
"raises" unless the change lies within the solver's error
(:data:`SHARE_ERROR`) of zero, where it says so. Placebo curves, which do not
depend on the regime, are solved once and cached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..models import Perceiver, attachment_profile, solve_expressions
from ..scenarios import ATTACHMENT_REGIMES, FROWN, ONSET, SMILE, num
from .framework import OKABE_ITO, Control, Estimate, Explorer, Line, Panel, Verdict

#: Intended valences on the x axis (−1 hostile … +1 friendly), as in the faces explorer.
VALENCES = np.round(np.linspace(-1.0, 1.0, 9), 10)
# ONSET (widgets.scenarios): how long the face takes to form [s]: readings made sooner
# are made on an inchoate (half-formed) expression.
# The two faces the readout reports: a forming smile and a forming frown (SMILE, FROWN).
SMILE_INDEX = int(np.flatnonzero(np.isclose(VALENCES, SMILE))[0])
FROWN_INDEX = int(np.flatnonzero(np.isclose(VALENCES, FROWN))[0])
#: The solver's error on a change in a share: two shares, each within 1e-4
#: (widgets.models.fokker_planck).
SHARE_ERROR = 2e-4
#: Oxytocin level compared with placebo: the model's largest effect.
OXYTOCIN = 1.0

#: Oxytocin's two pulls, as (name, base salience gain, speed-up). The gain a
#: perceiver gets is the base gain × their social-salience weight. "Balanced"
#: is the reading model's default pair.
REGIMES = ATTACHMENT_REGIMES

#: The readout's verdict on oxytocin's change to a share: its direction, said
#: unless the change is within the solver's error of zero. (The chapter asks
#: about direction, so there is no "barely changes" band.)
CHANGE_VERDICT = Verdict(thresholds=(0.0,), words=("lowers it", "raises it"), margin=1.0)
#: What the readout and the tallies say of a change within the solver's error of zero.
AT_ZERO = "within the solver's error of zero"


@lru_cache(maxsize=4096)
def _outcomes(bias: float, threshold: float, oxytocin: float, salience_gain: float,
              speedup: float) -> tuple[np.ndarray, np.ndarray]:
    """The solved shares of friendly and of undecided readings (still undecided at the
    model's deadline) at every valence of :data:`VALENCES`.

    Read-only (cached: do not modify).
    """
    solved = solve_expressions(valence=VALENCES, onset=ONSET, bias=bias, threshold=threshold,
                               oxytocin=oxytocin, salience_gain=salience_gain,
                               speedup=speedup)
    return solved.p_friendly, solved.p_undecided



def _where(anxiety: float, avoidance: float) -> str:
    """Where the point lies among the quadrants' names (labels, not types)."""
    if anxiety == 0 and avoidance == 0:
        return "the centre of the plane, where all four labelled quadrants meet"
    if anxiety == 0 or avoidance == 0:
        # On an axis: name the two quadrants the point lies between.
        if anxiety == 0:
            names = ("fearful", "dismissing") if avoidance > 0 else ("preoccupied", "secure")
        else:
            names = ("fearful", "preoccupied") if anxiety > 0 else ("dismissing", "secure")
        return f"on the border between the regions labelled “{names[0]}” and “{names[1]}”"
    style = attachment_profile(anxiety, avoidance).style
    return f"in the region usually labelled “{style}”"


def change_sentence(face: str, placebo: float, oxytocin: float, change: Estimate,
                    undecided: tuple[float, float] = (0.0, 0.0)) -> str:
    """One reported face: its shares, and the direction of the change (exact but for the solver).

    ``undecided`` is the share still undecided at the deadline, on placebo and on
    oxytocin; the sentence names it when either reaches 1 %, since a friendly share can
    then change because readings finish, not only because they change sides."""
    amount = f"{num(100 * change.value, 1, sign=True)} points"
    low, high = CHANGE_VERDICT.span(change)
    if low == high:
        verdict = f"oxytocin {CHANGE_VERDICT.words[low]} ({amount})"
    else:
        verdict = f"oxytocin changes it by {amount}, {AT_ZERO}"
    still = ""
    if max(undecided) >= 0.01:
        still = (f" ({100 * undecided[0]:.0f} % and {100 * undecided[1]:.0f} % of readings are "
                 f"still undecided at the deadline)")
    return (f"{face} is read as friendly {100 * placebo:.0f} % of the time on placebo and "
            f"{100 * oxytocin:.0f} % on oxytocin{still}: {verdict}.")


def _parameter_panel(title: str, y_label: str, y_range: tuple[float, float], key: str,
                     label: str, colour: str, *, dashed: bool,
                     reference: tuple[float, str], what: str, reference_text: str) -> Panel:
    """A panel for one number the point on the plane sets: its line along the
    anxiety axis (results ``{key}_line``) and this perceiver's value (``cursor_{key}``),
    on an axis of its own, since the three numbers have different units. The y range
    leaves room above the lines for the legend, top left; the x range runs a little past
    the plane's edges, so that a dot at an edge is drawn whole."""
    return Panel(
        title=title,
        x_label="attachment anxiety (−1 low, +1 high)",
        y_label=y_label,
        x_range=(-1.1, 1.1),
        y_range=y_range,
        lines=(
            Line("anxiety_axis", f"{key}_line", label, colour, dashed=dashed),
            Line("cursor_x", f"cursor_{key}", "this perceiver", OKABE_ITO["grey"],
                 markers=True),
        ),
        references=(reference,),
        description=(
            f"Along the attachment-anxiety axis from −1 (low) to +1 (high): {what}, with a "
            f"grey dot at this perceiver's value and a dotted line at {reference_text}."
        ),
    )


class AttachmentExplorer(Explorer):
    """One perceiver, set by a point on the attachment plane, on placebo and oxytocin."""

    name = "attachment-plane"
    title = "Attachment as a perceiver: a point on the anxiety × avoidance plane"
    slow = True
    controls = (
        Control("anxiety", "Attachment anxiety (−1 low to +1 high)", -1, 1, 0.5, 0, "",
                decimals=1, help="worry about rejection; 0 is average"),
        Control("avoidance", "Attachment avoidance (−1 low to +1 high)", -1, 1, 0.5, 0, "",
                decimals=1, help="discomfort with closeness; 0 is average"),
        Control("regime", "Oxytocin's two pulls", 0, 2, 1, 1, "", decimals=0,
                labels=tuple(name for name, _, _ in REGIMES),
                help="salience wins: faces clearer (base gain 1.0 × the salience weight, "
                     "no speed-up); balanced: base gain 0.3 and speed-up 0.3; speed "
                     "wins: quicker, less evidence (no gain, speed-up 0.8)"),
    )
    panels = (
        Panel(
            title="Share of readings that are friendly",
            x_label="intended expression (−1 hostile, +1 friendly)",
            y_label="read as friendly (share)",
            x_range=(-1, 1),
            y_range=(0, 1),
            lines=(
                Line("valence", "placebo", "placebo", OKABE_ITO["blue"], dashed=True),
                Line("valence", "oxytocin", "oxytocin", OKABE_ITO["vermillion"],
                     markers=True),
                Line("ends", "expectation", "expectation alone, (1 + bias)/2",
                     OKABE_ITO["grey"]),
            ),
            references=((0.5, "chance"),),
            description=(
                "For each intended expression from hostile (−1) to friendly (+1), the share of "
                "readings that come out friendly for the perceiver set by the two attachment "
                "sliders, on placebo (blue, dashed) and on oxytocin (vermillion, solid with dots), "
                "with a flat grey line at the share their expectation alone would give and a "
                "dotted line at chance, 0.5."
            ),
        ),
        # The three numbers the point sets, each on its own axis and in its own units.
        _parameter_panel(
            "Starting expectation (bias)", "bias (−1 hostile, +1 friendly)", (-1, 1.25),
            "bias", "at this avoidance", OKABE_ITO["purple"], dashed=False,
            reference=(0.0, "neutral"),
            what="at the chosen avoidance, the perceiver's starting expectation, or bias, "
                 "from −1 (expects hostility) to +1 (expects friendliness), as a purple line",
            reference_text="0, neutral"),
        _parameter_panel(
            "Threshold", "threshold (evidence units)", (0, 2),
            "threshold", "at any avoidance", OKABE_ITO["orange"], dashed=True,
            reference=(1.0, "average"),
            what="how much evidence the perceiver needs before a reading is decided, in "
                 "evidence units, as an orange dashed line (avoidance does not move it)",
            reference_text="1, the average"),
        _parameter_panel(
            "Social-salience weight", "weight (1 = average)", (0, 2.2),
            "salience", "at this avoidance", OKABE_ITO["green"], dashed=False,
            reference=(1.0, ""),
            what="at the chosen avoidance, the weight on oxytocin's boost to social "
                 "salience, as a multiple of the average perceiver's, as a green line",
            reference_text="1, the average"),
    )

    def _curve(self, perceiver: Perceiver, oxytocin: float, salience_gain: float,
               speedup: float) -> tuple[np.ndarray, Estimate, Estimate, np.ndarray]:
        """Share friendly at every valence, the two reported faces' shares, and the share
        undecided at every valence."""
        if oxytocin == 0:
            # On placebo the pulls do nothing: one cache entry for every regime.
            salience_gain = speedup = 0.0
        shares, undecided = _outcomes(perceiver.bias, perceiver.threshold, oxytocin,
                                      salience_gain, speedup)
        return (shares, Estimate(float(shares[SMILE_INDEX]), SHARE_ERROR / 2),
                Estimate(float(shares[FROWN_INDEX]), SHARE_ERROR / 2), undecided)

    def compute(self, *, anxiety: float, avoidance: float, regime: float) -> dict[str, Any]:
        profile = attachment_profile(anxiety, avoidance)
        perceiver = profile.perceiver
        _, base_gain, speedup = REGIMES[round(regime)]
        salience_gain = base_gain * profile.social_salience
        placebo, smile_placebo, frown_placebo, undecided = self._curve(perceiver, 0.0, 0.0,
                                                                       0.0)
        oxytocin, smile_oxytocin, frown_oxytocin, undecided_o = self._curve(
            perceiver, OXYTOCIN, salience_gain, speedup)
        # The mapping is linear in anxiety, so its two ends draw each line.
        ends = [attachment_profile(a, avoidance) for a in (-1.0, 1.0)]
        return {
            "valence": VALENCES,
            "placebo": placebo,
            "oxytocin": oxytocin,
            "ends": np.array([-1.0, 1.0]),
            "expectation": np.full(2, (1.0 + perceiver.bias) / 2.0),
            "anxiety_axis": np.array([-1.0, 1.0]),
            "bias_line": np.array([p.perceiver.bias for p in ends]),
            "threshold_line": np.array([p.perceiver.threshold for p in ends]),
            "salience_line": np.array([p.social_salience for p in ends]),
            "cursor_x": np.array([anxiety]),
            "cursor_bias": np.array([perceiver.bias]),
            "cursor_threshold": np.array([perceiver.threshold]),
            "cursor_salience": np.array([profile.social_salience]),
            "bias": perceiver.bias,
            "threshold": perceiver.threshold,
            "salience_weight": profile.social_salience,
            "bound_oxytocin": perceiver.threshold * (1.0 - speedup * OXYTOCIN),
            "gain_oxytocin": 1.0 + salience_gain * OXYTOCIN,
            "smile": (smile_placebo.value, smile_oxytocin.value),
            "frown": (frown_placebo.value, frown_oxytocin.value),
            "smile_undecided": (float(undecided[SMILE_INDEX]),
                                float(undecided_o[SMILE_INDEX])),
            "frown_undecided": (float(undecided[FROWN_INDEX]),
                                float(undecided_o[FROWN_INDEX])),
            # The readout's comparisons, with the solver's error.
            "smile_change": smile_oxytocin - smile_placebo,
            "frown_change": frown_oxytocin - frown_placebo,
        }

    def claims(self, values: Mapping[str, float],
               results: Mapping[str, Any]) -> dict[str, tuple[Verdict, Estimate]]:
        return {"smile_change": (CHANGE_VERDICT, results["smile_change"]),
                "frown_change": (CHANGE_VERDICT, results["frown_change"])}

    def describe(self, values: Mapping[str, float],
                 results: Mapping[str, Any]) -> tuple[str, ...]:
        anxiety, avoidance = values["anxiety"], values["avoidance"]
        name = REGIMES[round(values["regime"])][0]
        threshold, bound = results["threshold"], results["bound_oxytocin"]
        faster = 100 * (results["gain_oxytocin"] - 1.0)
        if bound < threshold:
            bound_text = f"the evidence needed falls from {threshold:.2f} to {bound:.2f}"
        else:
            bound_text = f"the evidence needed stays at {threshold:.2f}"
        if faster > 0:
            gain_text = f"evidence about a face arrives {faster:.0f} % faster"
        else:
            gain_text = "evidence about a face arrives no faster"
        return (
            f"Anxiety {num(anxiety, 1, sign=True)}, avoidance {num(avoidance, 1, sign=True)}: "
            f"{_where(anxiety, avoidance)}.",
            f"The mapping gives this perceiver a starting expectation (bias) of "
            f"{num(results['bias'], sign=True)} (−1 hostile, +1 friendly), a threshold of "
            f"{threshold:.2f} evidence units (average 1.00) and a social-salience weight "
            f"of {results['salience_weight']:.2f} (average 1.00).",
            f"On oxytocin ({name}) {bound_text} and {gain_text}.",
            change_sentence(f"A face forming a smile (intended {num(SMILE, 1, sign=True)})",
                            *results["smile"], results["smile_change"],
                            undecided=results["smile_undecided"]),
            change_sentence(f"A face forming a frown (intended {num(FROWN, 1, sign=True)})",
                            *results["frown"], results["frown_change"],
                            undecided=results["frown_undecided"]),
        )

def direction_counts(explorer_class: type[AttachmentExplorer] = AttachmentExplorer,
                     ) -> dict[str, dict[str, dict[str, int]]]:
    """How many points of the plane get each verdict, per regime and per reported face.

    ``counts[regime][face][word]``, with ``face`` "smile" or "frown" and
    ``word`` one of the verdict's words or :data:`AT_ZERO`. Runs the
    model at every grid point (cached: after the explorer has been shown in the
    same kernel this costs nothing).
    """
    explorer = explorer_class()
    anxieties, avoidances, regimes = (c.grid for c in explorer_class.controls)
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for regime in regimes:
        name = REGIMES[round(regime)][0]
        counts[name] = {face: dict.fromkeys((*CHANGE_VERDICT.words, AT_ZERO), 0)
                        for face in ("smile", "frown")}
        for anxiety in anxieties:
            for avoidance in avoidances:
                results = explorer.compute(anxiety=float(anxiety), avoidance=float(avoidance),
                                           regime=float(regime))
                for face in ("smile", "frown"):
                    low, high = CHANGE_VERDICT.span(results[f"{face}_change"])
                    word = CHANGE_VERDICT.words[low] if low == high else AT_ZERO
                    counts[name][face][word] += 1
    return counts


#: The pairs of pulls that :func:`pulls_map` sweeps. Base salience gains run to 1.1,
#: the largest that keeps the most vigilant corner's gain (weight 1.8 × base) within
#: the reading model's limit of 2; speed-ups run to the explorer's largest, 0.8.
MAP_BASE_GAINS = np.round(np.arange(0.0, 1.1001, 0.1), 10)
MAP_SPEEDUPS = np.round(np.arange(0.0, 0.8001, 0.1), 10)


@dataclass(frozen=True)
class PullsMap:
    """Oxytocin's change to one face's friendly share, at every point of the plane,
    for every pair of pulls: ``changes[gain, speedup, anxiety, avoidance]`` (a share,
    oxytocin minus placebo; solved, so exact but for :data:`SHARE_ERROR`)."""

    base_gains: np.ndarray
    speedups: np.ndarray
    anxieties: np.ndarray
    avoidances: np.ndarray
    changes: np.ndarray

    @property
    def rises_somewhere(self) -> np.ndarray:
        """Per pair of pulls: some point of the plane rises by more than the solver's error."""
        return (self.changes > SHARE_ERROR).any(axis=(2, 3))

    @property
    def falls_somewhere(self) -> np.ndarray:
        """Per pair of pulls: some point of the plane falls by more than the solver's error."""
        return (self.changes < -SHARE_ERROR).any(axis=(2, 3))

    @property
    def turns(self) -> np.ndarray:
        """Per pair of pulls: the direction turns across the plane (both of the above)."""
        return self.rises_somewhere & self.falls_somewhere

    @property
    def turn_size(self) -> np.ndarray:
        """Per pair of pulls: how far the direction turns, as the lesser of the largest
        rise and the largest fall on the plane (a share); 0 where it does not turn."""
        rise = self.changes.max(axis=(2, 3))
        fall = -self.changes.min(axis=(2, 3))
        return np.where(self.turns, np.minimum(rise, fall), 0.0)

    def at(self, base_gain: float, speedup: float) -> np.ndarray:
        """The plane's changes at one pair of pulls: ``[anxiety, avoidance]``."""
        i = int(np.flatnonzero(np.isclose(self.base_gains, base_gain))[0])
        j = int(np.flatnonzero(np.isclose(self.speedups, speedup))[0])
        return self.changes[i, j]


def pulls_map(valence: float = SMILE, base_gains: np.ndarray = MAP_BASE_GAINS,
              speedups: np.ndarray = MAP_SPEEDUPS) -> PullsMap:
    """Sweep oxytocin's two pulls beyond the explorer's three named pairs.

    For each pair (a base salience gain, scaled by each perceiver's weight as in
    the explorer, and a speed-up), oxytocin's change to the share of friendly
    readings of a forming face of intended ``valence``, at every point of the
    explorer's plane. One vectorised solve; a few seconds.
    """
    anxieties, avoidances = (control.grid for control in AttachmentExplorer.controls[:2])
    profiles = [[attachment_profile(float(a), float(v)) for v in avoidances]
                for a in anxieties]
    bias = np.array([[p.perceiver.bias for p in row] for row in profiles])
    threshold = np.array([[p.perceiver.threshold for p in row] for row in profiles])
    weight = np.array([[p.social_salience for p in row] for row in profiles])
    gains = np.asarray(base_gains, dtype=float)[:, None, None, None] * weight
    speeds = np.asarray(speedups, dtype=float)[None, :, None, None]
    placebo = solve_expressions(valence=valence, onset=ONSET, bias=bias,
                                threshold=threshold, oxytocin=0.0).p_friendly
    dosed = solve_expressions(valence=valence, onset=ONSET, bias=bias, threshold=threshold,
                              oxytocin=OXYTOCIN, salience_gain=gains,
                              speedup=speeds).p_friendly
    return PullsMap(np.asarray(base_gains, dtype=float), np.asarray(speedups, dtype=float),
                    np.asarray(anxieties, dtype=float), np.asarray(avoidances, dtype=float),
                    dosed - placebo)
