"""A face forming, read a few times: evidence paths and decision times, placebo and oxytocin.

First chart: when readings of one face end, as the share of all readings in
each 0.15 s (solved, not sampled: :func:`widgets.models.solve_expression`),
friendly readings above the zero line and hostile ones below, on placebo and
on oxytocin. Second chart: five of the
readings, drawn as the evidence accumulates
(:func:`widgets.models.evidence_paths`, sampled every 0.05 s): on placebo, and
the same five readings, driven by the same noise, on oxytocin. Each stops at
the bound it reaches. Only these five drawn readings are sampled: they are
single readings, and showing single readings is their point.

A reading still undecided at the model's 5 s deadline is neither friendly nor
hostile; at this explorer's bound at most 0.3 % of readings are (a test checks
it), so the two shares shown nearly add up to 1, and the readout names the
undecided share whenever it reaches 1 %.

The readout compares oxytocin with placebo from the solved model, so it has
no sampling noise: how fast readings come, and how often they match the face
(or, for a neutral face that nothing can match, how often the finished ones
are friendly). A change within the solver's error of a verdict's line
(:data:`SHARE_ERROR`, :data:`TIME_ERROR`) says so instead of choosing a word.

Drawing: the framework draws one polyline per line. The five readings of one
condition are one line that, after each reading, runs back along that same
reading to the common start before the next begins; the way back lies exactly on
the way out, so nothing extra shows. The histograms use the same device: the
friendly half, back along itself to (0, 0), then the hostile half.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from ..models import Expression, Perceiver, evidence_paths, solve_expression, solve_expressions
from ..scenarios import MARY_BIAS, ONSET, TOM_BIAS
from .framework import OKABE_ITO, Control, Estimate, Explorer, Line, Panel, Verdict, signed

#: The perceiver's threshold on placebo (the model's default) [evidence units].
THRESHOLD = 1.0
# ONSET (widgets.scenarios): time for the face to form fully [s]; readings before
# then read an inchoate face.
#: How many readings are drawn, and how often their evidence is sampled [s].
PATHS = 5
SAMPLE_EVERY = 0.05
#: The time axis of both panels [s]; readings go on to the model's deadline.
SHOWN_TIME = 3.0
#: Histogram of decision times: 20 bins of 0.15 s over the time axis.
TIME_EDGES = np.round(np.linspace(0.0, SHOWN_TIME, 21), 10)
TIME_CENTRES = np.round((TIME_EDGES[:-1] + TIME_EDGES[1:]) / 2, 10)

#: What the readout calls a change: 0.05 s in mean time, 3 points in a share.
TIME_CHANGE = 0.05
SHARE_CHANGE = 0.03
#: The solver's error on a change in a share (two shares, each within 1e-4) and
#: in a mean time [s] (two means, each within 1 ms): see widgets.models.fokker_planck.
SHARE_ERROR = 2e-4
TIME_ERROR = 2e-3
TIME_VERDICT = Verdict(thresholds=(-TIME_CHANGE, TIME_CHANGE),
                       words=("faster", "about as fast", "slower"), margin=1.0)
ACCURACY_VERDICT = Verdict(thresholds=(-SHARE_CHANGE, SHARE_CHANGE),
                           words=("less accurate", "about as accurate", "more accurate"),
                           margin=1.0)
FRIENDLY_VERDICT = Verdict(thresholds=(-SHARE_CHANGE, SHARE_CHANGE),
                           words=("lower", "about the same", "higher"), margin=1.0)

_FACES = {-1.0: "a clearly hostile face", -0.5: "a frown, forming",
          0.0: "a neutral face", 0.5: "a smile, forming", 1.0: "a clearly friendly face"}
_EXPECTATIONS = {MARY_BIAS: "someone who expects hostility, like Mary",
                 0.0: "someone with no expectation either way",
                 TOM_BIAS: "someone who expects friendliness, like Tom"}


@lru_cache(maxsize=1024)
def reading_summary(valence: float, bias: float, salience_gain: float,
                    speedup: float) -> dict[str, Any]:
    """A forming face (``valence``, onset :data:`ONSET`) read by a perceiver with ``bias``
    and the explorer's threshold, solved. Placebo when the gain and the speed-up are
    both 0, else oxytocin at level 1 with these pulls.

    Returns ``friendly`` and ``hostile`` (shares of all readings), ``early`` (share
    decided before the face has formed), ``histogram`` (shares decided in each 0.15 s,
    drawn two-sided), ``mean_time``, ``accuracy`` (share read as the face was meant)
    and ``friendly_of_finished`` (share friendly of those decided), the last three as
    :class:`~widgets.explorers.framework.Estimate` whose error is the solver's. Cached:
    the explorer and a chapter asking for the same setting share one solve (do not
    modify the result).
    """
    oxytocin = 0.0 if salience_gain == speedup == 0 else 1.0
    perceiver, face = Perceiver(bias=bias, threshold=THRESHOLD), Expression(valence, onset=ONSET)
    pulls = {"oxytocin": oxytocin, "salience_gain": salience_gain, "speedup": speedup}
    solved = solve_expression(perceiver, face, **pulls)
    by_onset = solve_expressions(valence=valence, onset=ONSET, bias=bias, threshold=THRESHOLD,
                                 max_time=ONSET, **pulls)
    up, down = (_per_bin(solved.times, density)
                for density in (solved.density_friendly, solved.density_hostile))
    matching = (solved.p_friendly if valence > 0 else solved.p_hostile if valence < 0
                else 0.0)
    decided = solved.p_friendly + solved.p_hostile
    return {
        "friendly": solved.p_friendly,
        "hostile": solved.p_hostile,
        "early": float(by_onset.p_friendly + by_onset.p_hostile),
        "histogram": _two_sided(up, down),
        "mean_time": Estimate(solved.mean_time, TIME_ERROR / 2),
        "accuracy": Estimate(matching, SHARE_ERROR / 2),
        "friendly_of_finished": Estimate(solved.p_friendly / decided, SHARE_ERROR / 2),
    }


def _per_bin(times: np.ndarray, density: np.ndarray) -> np.ndarray:
    """The share decided in each bin of TIME_EDGES: the density integrated (trapezoid)."""
    cumulative = np.concatenate([[0.0], np.cumsum(np.diff(times) * (density[1:] + density[:-1])
                                                  / 2)])
    return np.diff(np.interp(TIME_EDGES, times, cumulative))


@lru_cache(maxsize=1024)
def _paths(valence: float, bias: float, salience_gain: float, speedup: float,
           seed: int) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Five readings as one drawable line (see the module docstring), the bound, and
    how many of the five end after the time axis (or not at all)."""
    oxytocin = 0.0 if salience_gain == speedup == 0 else 1.0
    paths = evidence_paths(
        Perceiver(bias=bias, threshold=THRESHOLD), Expression(valence, onset=ONSET),
        oxytocin=oxytocin, salience_gain=salience_gain, speedup=speedup,
        n_paths=PATHS, seed=seed, sample_every=SAMPLE_EVERY,
    )
    times, values = [], []
    for i in range(paths.n_paths):
        t, x = paths.path(i)
        times += [t, t[::-1]]
        values += [x, x[::-1]]
    # The last reading needs no way back.
    time = np.concatenate(times[:-1])
    evidence = np.round(np.concatenate(values[:-1]), 3)
    off_chart = int(np.count_nonzero(~(paths.times <= SHOWN_TIME)))  # nan: undecided
    return time, evidence, paths.bound, off_chart


def _two_sided(up: np.ndarray, down: np.ndarray) -> np.ndarray:
    """Friendly shares above zero, back along themselves, then hostile below (see above)."""
    friendly = np.concatenate([[0.0], up, [0.0]])
    hostile = np.concatenate([[0.0], -down, [0.0]])
    return np.round(np.concatenate([friendly, friendly[::-1], hostile]), 4)


# The times under _two_sided's heights: out and back (friendly), then out (hostile).
_HISTOGRAM_TIMES = np.concatenate([
    np.concatenate([[0.0], TIME_CENTRES, [SHOWN_TIME]]),
    np.concatenate([[SHOWN_TIME], TIME_CENTRES[::-1], [0.0]]),
    np.concatenate([[0.0], TIME_CENTRES, [SHOWN_TIME]]),
])


class PathsExplorer(Explorer):
    """Single readings of a forming face, and when many readings end."""

    name = "forming-face"
    title = "One face as it forms: five readings, and when readings end"
    slow = True
    #: Points with one face and expectation share their placebo reading.
    grid_blocks_by = ("valence", "bias")
    controls = (
        Control("valence", "Intended expression (−1 hostile to +1 friendly)", -1, 1, 0.5,
                0.5, "", decimals=1,
                help="what the face will show once it has formed, after 0.5 s"),
        Control("bias", "Expectation (−0.4 hostile to +0.4 friendly)", -0.4, 0.4, 0.4, -0.4,
                "", decimals=1,
                help="where the evidence starts, as a fraction of the way to a bound"),
        Control("salience_gain", "Oxytocin's salience gain (0 to 2)", 0, 2, 1, 0, "",
                decimals=0, help="how much faster evidence about the face builds up"),
        Control("speedup", "Oxytocin's speed-up (0 to 0.6)", 0, 0.6, 0.2, 0, "",
                decimals=1, help="how much oxytocin lowers the evidence needed to decide"),
    )
    # The histograms come first. Besides giving the whole picture before five
    # single readings, their lines have a fixed length, which the framework's
    # live-control test compares first (the path lines change length).
    panels = (
        Panel(
            title="When readings end (hostile below 0)",
            x_label="decision time (s)",
            y_label="share of readings per 0.15 s",
            x_range=(0, SHOWN_TIME),
            y_range=(-0.6, 0.75),
            lines=(
                Line("histogram_time", "histogram_placebo", "placebo", OKABE_ITO["blue"]),
                Line("histogram_time", "histogram_oxytocin", "oxytocin",
                     OKABE_ITO["vermillion"], markers=True),
            ),
            references=((0, ""),),
            description=(
                "When readings of the chosen face end, as the share of readings in each "
                "0.15 s of time, friendly readings above the zero line and hostile ones below, on "
                "placebo (blue) and on oxytocin (vermillion, with dots)."
            ),
        ),
        Panel(
            title="Five of the readings, as the face forms",
            x_label="time since the face began to change (s)",
            y_label="evidence",
            x_range=(0, SHOWN_TIME),
            y_range=(-1.2, 1.9),
            lines=(
                Line("path_time_placebo", "path_placebo", "placebo: five readings",
                     OKABE_ITO["blue"]),
                Line("path_time_oxytocin", "path_oxytocin", "oxytocin: the same five",
                     OKABE_ITO["vermillion"]),
                Line("bound_time", "bound_oxytocin", "oxytocin's bounds",
                     OKABE_ITO["vermillion"], dashed=True),
                Line("formed_time", "formed_evidence", "face fully formed", OKABE_ITO["grey"],
                     dashed=True),
            ),
            references=((THRESHOLD, "friendly (placebo)"), (-THRESHOLD, "hostile (placebo)")),
            description=(
                "Five of the readings, evidence against time. Blue: on placebo, each rising or "
                "falling until it reaches +1 (read as friendly) or −1 (read as hostile), the "
                "dotted lines. Vermillion: the same five readings, driven by the same noise, on "
                "oxytocin, each stopping at oxytocin's bounds (dashed). A dashed grey vertical "
                "line marks when the face has fully formed, at 0.5 s."
            ),
        ),
    )

    #: The seed of the five drawn readings (the only sampled part: the
    #: histograms and the readout are solved).
    seed = 2015

    def compute(self, *, valence: float, bias: float, salience_gain: float,
                speedup: float) -> dict[str, Any]:
        placebo = reading_summary(valence, bias, 0.0, 0.0)
        oxytocin = reading_summary(valence, bias, salience_gain, speedup)
        path_time_p, path_p, bound_p, off_p = _paths(valence, bias, 0.0, 0.0, self.seed)
        path_time_o, path_o, bound_o, off_o = _paths(valence, bias, salience_gain, speedup,
                                                     self.seed)
        beyond = SHOWN_TIME + 0.5  # outside the axis: the bounds' joining stroke is hidden
        return {
            "path_time_placebo": path_time_p, "path_placebo": path_p,
            "path_time_oxytocin": path_time_o, "path_oxytocin": path_o,
            "bound_time": np.array([0.0, beyond, beyond, 0.0]),
            "bound_oxytocin": np.array([bound_o, bound_o, -bound_o, -bound_o]),
            "formed_time": np.array([ONSET, ONSET]),
            "formed_evidence": np.array([-2.0, 3.0]),
            "histogram_time": _HISTOGRAM_TIMES,
            "histogram_placebo": placebo["histogram"],
            "histogram_oxytocin": oxytocin["histogram"],
            "placebo": placebo, "oxytocin": oxytocin, "bound_placebo": bound_p,
            "off_chart_placebo": off_p, "off_chart_oxytocin": off_o,
            "time_change": oxytocin["mean_time"] - placebo["mean_time"],
            "accuracy_change": oxytocin["accuracy"] - placebo["accuracy"],
            "friendly_change": (oxytocin["friendly_of_finished"]
                                - placebo["friendly_of_finished"]),
        }

    def claims(self, values: Mapping[str, float],
               results: Mapping[str, Any]) -> dict[str, tuple[Verdict, Estimate]]:
        if values["salience_gain"] == values["speedup"] == 0:
            return {}  # oxytocin is placebo here, exactly: nothing to compare
        claims = {"time": (TIME_VERDICT, results["time_change"])}
        if values["valence"] == 0:
            claims["friendly"] = (FRIENDLY_VERDICT, results["friendly_change"])
        else:
            claims["accuracy"] = (ACCURACY_VERDICT, results["accuracy_change"])
        return claims

    def describe(self, values: Mapping[str, float],
                 results: Mapping[str, Any]) -> tuple[str, ...]:
        valence, bias = values["valence"], values["bias"]
        placebo, oxytocin = results["placebo"], results["oxytocin"]
        face = _FACES.get(valence, f"a face of valence {_number(valence)}")
        who = _EXPECTATIONS.get(bias, f"someone with bias {_number(bias)}")
        sentences = [
            f"{face[0].upper()}{face[1:]} (valence {_number(valence)}, fully formed after "
            f"{ONSET:g} s), read by {who}. {_summary('On placebo', placebo)}"
            f"{_off_chart(results['off_chart_placebo'], 'placebo')}",
        ]
        if values["salience_gain"] == values["speedup"] == 0:
            sentences.append("With both of oxytocin's pulls at 0, oxytocin changes nothing "
                             "in this model: the readings on oxytocin are the same readings.")
            return tuple(sentences)
        pulls = (f"salience gain {values['salience_gain']:g}, speed-up {values['speedup']:g}, "
                 f"so the bounds are at ±{THRESHOLD * (1 - values['speedup']):.1f}")
        sentences.append(_summary(f"On oxytocin ({pulls})", oxytocin)
                         + _off_chart(results["off_chart_oxytocin"], "oxytocin"))
        claims = self.claims(values, results)
        time_words = _verdict_words(*claims["time"])
        time = claims["time"][1]
        speed = f"Oxytocin's readings are {time_words} ({signed(time.value)} s on average)"
        if valence == 0:
            verdict, change = claims["friendly"]
            share = (f"the share of finished readings that are friendly is "
                     f"{_verdict_words(verdict, change)} "
                     f"({100 * placebo['friendly_of_finished'].value:.0f} % on placebo, "
                     f"{100 * oxytocin['friendly_of_finished'].value:.0f} % on oxytocin)")
            sentences.append(
                f"{speed}, and {share}. A neutral face gives no evidence either way, so no "
                f"reading of it is right or wrong: where the evidence starts decides, "
                f"and oxytocin changes how soon readings finish."
            )
            return tuple(sentences)
        verdict, change = claims["accuracy"]
        words = _verdict_words(verdict, change)
        low, high = verdict.span(change)
        matches = "friendly" if valence > 0 else "hostile"
        accuracy = (f"{words}: the share read as {matches}, as the face intends, changes by "
                    f"{signed(100 * change.value, 1)} points")
        if low == high == 0:
            winner = (" Here the speed-up wins: readings come so early that the expectation, "
                      "not the face, decides many of them.")
        elif low == high == 2:
            winner = (" Here the salience gain wins: the face's own evidence builds up "
                      "faster than the bound comes down.")
        else:
            winner = ""
        sentences.append(f"{speed}, and {accuracy}.{winner}")
        return tuple(sentences)


def _summary(condition: str, summary: Mapping[str, Any]) -> str:
    undecided = 1.0 - summary["friendly"] - summary["hostile"]
    still = (f" ({100 * undecided:.0f} % are still undecided at the deadline)"
             if undecided >= 0.01 else "")
    return (f"{condition}: {100 * summary['friendly']:.0f} % of readings are friendly and "
            f"{100 * summary['hostile']:.0f} % hostile{still}, after "
            f"{summary['mean_time'].value:.2f} s on average; "
            f"{100 * summary['early']:.0f} % are made before the face has fully formed.")


def _off_chart(count: int, condition: str) -> str:
    """A note when some of the five drawn readings end beyond the time axis."""
    if count == 0:
        return ""
    which = "One" if count == 1 else f"{count}"
    verb = "ends" if count == 1 else "end"
    return (f" {which} of the five {condition} readings drawn {verb} after "
            f"{SHOWN_TIME:g} s, off the chart.")


def _number(value: float) -> str:
    """A control value with its sign: "+0.5", "−0.4", "0"."""
    return "0" if round(value, 1) == 0 else signed(value, 1)


def _verdict_words(verdict: Verdict, estimate: Estimate) -> str:
    """The verdict's word, or "at the line between A and B" within the solver's error."""
    low, high = verdict.span(estimate)
    if low == high:
        return verdict.words[low]
    return (f"at the line between {verdict.words[low]} and {verdict.words[high]}, "
            f"within the solver's error")

