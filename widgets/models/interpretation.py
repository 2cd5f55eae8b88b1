r"""Reading an unfolding expression: a drift-diffusion model.

A face changes from neutral to its intended expression over an onset time;
the perceiver accumulates noisy evidence about it until the evidence reaches
one of two bounds: "friendly" or "hostile". This is the diffusion decision
model (ratcliff2008diffusion) with a drift that grows
while the face forms.

**The model.** Evidence :math:`x` (dimensionless "evidence units") starts at
:math:`x_0 = \text{bias}\cdot a` and follows

.. math::

    dx = g\,v(t)\,dt + \sigma\,dW, \qquad
    v(t) = v \cdot \min(1, t / T_\text{onset}) \quad (v(t) = v \text{ if } T_\text{onset} = 0),

until it first reaches :math:`+a` (read as friendly) or :math:`-a` (read as
hostile); a trial that reaches neither by ``max_time`` is *undecided*.

* ``valence`` :math:`v \in [-1, 1]`: the expression the face is forming
  (−1 hostile, +1 friendly); it is also the drift at full gain, in evidence
  units per second.
* ``onset`` :math:`T_\text{onset} \in [0, 3]` s: time for the face to form
  fully. A reading made before then is made on an *inchoate* expression.
* ``bias`` :math:`\in [-1, 1]`: the perceiver's expectation about others, as
  the fraction of the way from the middle to a bound where evidence starts
  (+ friendly, − hostile). Default 0, no expectation.
* ``threshold`` :math:`\in [0.2, 3]` evidence units: how much evidence the
  perceiver wants before deciding. Default 1.
* ``noise`` :math:`\sigma \in [0.2, 3]` evidence units per √s. Default 1: with
  the drift and bound it sets the scale (the model is unchanged when
  :math:`v`, :math:`a`, :math:`\sigma` are rescaled together, so one of them
  can be fixed; ratcliff2008diffusion fix σ = 0.1 instead, which only rescales
  the other parameters).
* ``oxytocin`` :math:`o \in [0, 1]` (0 placebo, 1 the model's largest effect)
  acts twice, following the social-salience account (shamaytsoory2016social):

  .. math::

      a = \text{threshold}\cdot(1 - \text{speedup}\cdot o), \qquad
      g = 1 + \text{salience\_gain}\cdot o .

  ``salience_gain`` (default :data:`SALIENCE_GAIN` = 0.3) makes the face more
  salient, so evidence about it accumulates faster (the drift is 30 % faster
  at oxytocin 1). 0.3 is a modelling choice meant to be *small*, as oxytocin's
  meta-analytic effect on emotion recognition is small (Hedges g ≈ 0.29,
  shahrestani2013impact); it is not converted from that number. The two are
  in different units: the gain multiplies a rate (evidence per second within
  one reading), while g is a standardised difference between groups'
  recognition scores (in units of the spread between people), and none of
  the book's sources estimates oxytocin's effect on a drift rate. ``speedup`` (default
  :data:`SPEEDUP` = 0.3) lowers the bound, so readings come sooner, before the
  face has formed, and the starting expectation weighs more. No study has
  estimated an oxytocin effect on a diffusion bound; 0.3 is a modelling choice
  of the same size as the gain. Equal sizes are not a tie: for a formed face
  (onset 0, no deadline) the choice probabilities depend only on the bias and
  :math:`g v a / \sigma^2`, so oxytocin makes readings more accurate exactly
  when :math:`(1 + \text{salience\_gain}\cdot o)(1 - \text{speedup}\cdot o) > 1`,
  and at the defaults (1.3 × 0.7 = 0.91) the speed-up wins slightly; while a
  face forms it wins more easily.
  Earlier, less accurate calls are what anxious attachment looks like in
  perception of forming expressions (fraley2006adult: only its title and
  abstract have been verified, so it is not yet in the book's bibliography).

**Closed forms** (constant drift :math:`\mu = g v`, bias 0, no deadline;
bogacz2006physics): the probability of reading the opposite of the drift's
sign and the mean decision time are

.. math::

    P_\text{err} = \frac{1}{1 + e^{2\mu a/\sigma^2}}, \qquad
    \overline{T} = \frac{a}{\mu}\tanh\frac{\mu a}{\sigma^2},

and with zero drift a walk that starts at bias·a ends friendly with
probability :math:`(1 + \text{bias})/2` (gambler's ruin). The tests check the
simulation against all three, and the whole distribution of decision times
against the first-passage-time series for two absorbing bounds.

**Numerical scheme** (what was chosen, and why). A plain Euler walk checked
only at step ends misses crossings between steps and overshoots the bound by
about :math:`0.58\,\sigma\sqrt{\Delta t}`. Here instead:

1. *Exact increments.* The walk is advanced on a grid of internal steps
   :math:`h`; each increment is drawn exactly,
   :math:`\Delta x \sim N\bigl(g v \int_{t_0}^{t_1} \min(1, t/T_\text{onset})\,dt,\;
   \sigma^2 h\bigr)`, so the walk is exact at grid points.
2. *Brownian-bridge crossing check.* Between grid points the path is a
   Brownian bridge; given both ends inside the bounds it touched a bound with
   probability :math:`\exp(-2 (a - x_0)(a - x_1) / (\sigma^2 h))` (upper) and
   :math:`\exp(-2 (a + x_0)(a + x_1) / (\sigma^2 h))` (lower); a uniform draw
   decides. For constant drift this is exact for one bound; the two bounds
   are treated as exclusive, which errs only if one step can touch both:
   with :math:`\sigma\sqrt{h} \le a / 3` (``BRIDGE_MARGIN``) that needs a
   swing of :math:`2a`, six standard deviations of a step, within the step
   (chance below :math:`10^{-8}` per step).
3. *Crossing time.* The time of the first touch inside the step is drawn from
   its exact conditional law (not put at the step's end): with
   :math:`c = |a \mp x_0|/\sigma` and :math:`d = |a \mp x_1|/\sigma`, the
   variable :math:`s = \tau/(h - \tau)` is inverse Gaussian with mean
   :math:`c/d` and shape :math:`c^2/h` (derived from the first-passage
   density of a Brownian bridge), sampled by Michael–Schucany–Haas in a form
   that stays finite as :math:`d \to 0`.
4. *Reported times* are rounded *up* to the ``dt`` grid: a reading is
   recorded at the end of the ``dt`` tick in which the bound was reached,
   as a fixed-step clock would. This adds +dt/2 on average to ``mean_time``
   (0.5 ms at the default dt = 1 ms). The accuracy of the scheme does not
   depend on ``dt``; ``dt`` is the resolution of the reported times only.
5. *Step size.* After the face has formed (constant drift) steps 1–3 are
   exact whatever the step, so the step is as large as the two-bound
   condition allows: :math:`h = \min(0.1\,\text{s}, (a / (3\sigma))^2)`
   (``MAX_STEP``; 0.1 s at the defaults). While the face forms, the
   drift changes within a step and the mean path bends away from the straight
   bridge by up to :math:`g|v| h^2 / (8 T_\text{onset})`, which the crossing
   probability ignores; the ramp is therefore cut into equal steps, the last
   ending exactly at :math:`T_\text{onset}`, short enough that this bend is
   at most ``RAMP_TOLERANCE`` (0.3 %) of :math:`\sigma\sqrt{h}`:
   :math:`h \le (8 \cdot 0.003\, T_\text{onset}\sigma / (g|v|))^{2/3}`
   (0.071 s at the defaults: 7 steps over 0.5 s). An onset so short that the
   drift it withholds, at most :math:`g|v| T_\text{onset}/2`, is within the
   same tolerance gets no steps of its own (the increments in step 1 still
   integrate it exactly). Checked against the same scheme with 5 ms steps at
   4·10⁶ trials: reading probabilities agree within 0.0005 and mean times
   within 0.1 %. (Steps never go below ``MIN_STEP``, 1 ns, which only a
   sub-nanosecond ``max_time`` would reach.)

**Evidence paths** (:func:`evidence_paths`): the same walk, kept for a few
readings so that they can be drawn. Its internal steps are shorter (chosen for
the worst case over every oxytocin setting, so that placebo and oxytocin can
share their random numbers) and divide a regular sampling grid; steps 1–4 are
unchanged, so the choices and decision times have the same law as
:func:`read_expression`'s (the tests compare the two).

Arithmetic is float64 (with so few steps, float32 would save nothing worth
its rounding). Trials leave the computation as soon as they decide.

What the model leaves out: the face's other features, a perceiver who looks
away, decisions that change, and any learning; the oxytocin pulls are the
two the social-salience account suggests, not a fitted model.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from . import fokker_planck
from ._random import make_rng
from ._validation import check_int, check_real

__all__ = [
    "Perceiver",
    "Expression",
    "Readings",
    "read_expression",
    "Solution",
    "SolvedGrid",
    "solve_expression",
    "solve_expressions",
    "EvidencePaths",
    "evidence_paths",
    "MAX_PATH_VALUES",
    "SALIENCE_GAIN",
    "SPEEDUP",
]

#: Gain on the drift per unit of oxytocin (g = 1 + SALIENCE_GAIN·oxytocin). A
#: modelling choice meant to be small, as oxytocin's effect on emotion
#: recognition is small (Hedges g ≈ 0.29, shahrestani2013impact), but not
#: converted from it: the gain scales a rate of evidence within one reading, g
#: is a standardised difference between groups' scores (different units), and
#: none of the book's sources estimates an oxytocin effect on a drift rate.
SALIENCE_GAIN = 0.3
#: Fractional lowering of the bound per unit of oxytocin; a modelling choice
#: of the same size as the gain (no study has estimated it).
SPEEDUP = 0.3
#: Default time resolution of reported reading times [s].
DT = 0.001
#: Default deadline for a reading [s].
MAX_TIME = 5.0
#: Largest internal step of the walk [s].
MAX_STEP = 0.1
#: Shortest internal step [s]; only a sub-nanosecond deadline reaches it.
MIN_STEP = 1e-9
#: Internal steps satisfy noise·√h ≤ bound / BRIDGE_MARGIN.
BRIDGE_MARGIN = 3.0
#: Allowed bend of the mean path within a step, as a fraction of noise·√h.
RAMP_TOLERANCE = 0.003

_LIMITS = {
    "bias": (-1.0, 1.0),
    "threshold": (0.2, 3.0),
    "noise": (0.2, 3.0),
    "valence": (-1.0, 1.0),
    "onset": (0.0, 3.0),
}


def _set_checked(obj: object, name: str) -> None:
    low, high = _LIMITS[name]
    object.__setattr__(obj, name, check_real(name, getattr(obj, name), low, high))


@dataclass(frozen=True)
class Perceiver:
    """Someone reading faces; validated on construction.

    bias : float
        Expectation about others [fraction of the bound], in [-1, 1]: where
        evidence starts, + toward friendly, − toward hostile. Default 0.
    threshold : float
        Evidence wanted before deciding [evidence units], in [0.2, 3]. Default 1.
    noise : float
        Noise of the evidence [evidence units per √s], in [0.2, 3]. Default 1.
    """

    bias: float = 0.0
    threshold: float = 1.0
    noise: float = 1.0

    def __post_init__(self) -> None:
        for name in ("bias", "threshold", "noise"):
            _set_checked(self, name)


@dataclass(frozen=True)
class Expression:
    """A face forming an expression; validated on construction.

    valence : float
        The intended expression once complete [−1 hostile … +1 friendly], in
        [-1, 1]; also the drift at full gain [evidence units per s].
    onset : float
        Time for the face to form fully [s], in [0, 3]; 0 means instant.
    """

    valence: float
    onset: float = 0.0

    def __post_init__(self) -> None:
        for name in ("valence", "onset"):
            _set_checked(self, name)


@dataclass(frozen=True, eq=False)
class Readings:
    """Outcome of many independent readings of one expression.

    choices : numpy.ndarray of int8, shape (n_trials,)
        +1 read as friendly, −1 as hostile, 0 undecided by ``max_time``.
    times : numpy.ndarray of float64, shape (n_trials,)
        Decision time [s], rounded up to a multiple of ``dt`` (at most
        ``max_time``; 0 if the bias put the walk on a bound at the start); nan
        exactly where undecided.
    bound : float
        The effective bound a = threshold·(1 − speedup·oxytocin) [evidence units].
    drift_gain : float
        The gain g = 1 + salience_gain·oxytocin [dimensionless].

    The arrays are read-only.
    """

    choices: np.ndarray
    times: np.ndarray
    bound: float
    drift_gain: float

    def __post_init__(self) -> None:
        self.choices.setflags(write=False)
        self.times.setflags(write=False)

    @property
    def n_trials(self) -> int:
        """Number of readings."""
        return int(self.choices.size)

    @property
    def p_friendly(self) -> float:
        """Fraction of all trials read as friendly."""
        return float(np.count_nonzero(self.choices == 1)) / self.n_trials

    @property
    def p_hostile(self) -> float:
        """Fraction of all trials read as hostile."""
        return float(np.count_nonzero(self.choices == -1)) / self.n_trials

    @property
    def p_undecided(self) -> float:
        """Fraction of all trials with no decision by ``max_time``."""
        return float(np.count_nonzero(self.choices == 0)) / self.n_trials

    @property
    def mean_time(self) -> float:
        """Mean decision time over decided trials [s]; nan only if none decided."""
        decided = self.choices != 0
        if not decided.any():
            return math.nan
        return float(self.times[decided].mean())


@dataclass(frozen=True, eq=False)
class EvidencePaths:
    """A few readings of one expression, with the evidence sampled as it accumulates.

    sample_times : numpy.ndarray of float64, shape (n_samples,)
        The regular sampling grid [s]: 0, ``sample_every``, 2·``sample_every``, …
        up to ``max_time``.
    evidence : numpy.ndarray of float64, shape (n_paths, n_samples)
        The evidence of each reading at each sample time [evidence units],
        starting at ``start``, while the reading is undecided; nan at every
        sample time after it reached a bound.
    choices : numpy.ndarray of int8, shape (n_paths,)
        +1 friendly, −1 hostile, 0 undecided by ``max_time``, as in :class:`Readings`.
    times : numpy.ndarray of float64, shape (n_paths,)
        Decision times [s], rounded up to a multiple of ``dt`` as in
        :class:`Readings`; nan exactly where undecided.
    bound : float
        The effective bound a = threshold·(1 − speedup·oxytocin) [evidence units].
    drift_gain : float
        The gain g = 1 + salience_gain·oxytocin [dimensionless].
    start : float
        Where every path starts, bias·a [evidence units].

    :meth:`path` gives one reading as a line to draw. The arrays are read-only.
    """

    sample_times: np.ndarray
    evidence: np.ndarray
    choices: np.ndarray
    times: np.ndarray
    bound: float
    drift_gain: float
    start: float

    def __post_init__(self) -> None:
        for array in (self.sample_times, self.evidence, self.choices, self.times):
            array.setflags(write=False)

    @property
    def n_paths(self) -> int:
        """Number of readings."""
        return int(self.choices.size)

    def path(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """(time [s], evidence) of reading ``index``, ending where it ended.

        The samples made before the decision, then the decision itself: the
        point (decision time, ±bound). An undecided reading ends at its last
        sample. A reading decided at time 0 (a bias of ±1) is the one point
        (0, ±bound).
        """
        index = check_int("index", index, 0, self.n_paths - 1)
        values = self.evidence[index]
        time = self.times[index]
        if self.choices[index] == 0:
            keep = np.isfinite(values)
            return self.sample_times[keep].copy(), values[keep].copy()
        keep = np.isfinite(values) & (self.sample_times < time)
        return (np.append(self.sample_times[keep], time),
                np.append(values[keep], self.choices[index] * self.bound))


def read_expression(
    perceiver: Perceiver,
    expression: Expression,
    *,
    oxytocin: float = 0.0,
    n_trials: int = 2000,
    seed: int | None = None,
    dt: float = DT,
    max_time: float = MAX_TIME,
    salience_gain: float = SALIENCE_GAIN,
    speedup: float = SPEEDUP,
) -> Readings:
    """Simulate ``n_trials`` independent readings of ``expression``.

    perceiver : Perceiver
        Bias, threshold and noise of the reader.
    expression : Expression
        Valence and onset of the face.
    oxytocin : float
        Oxytocin level [0 placebo … 1 largest effect], in [0, 1]. Default 0.
    n_trials : int
        Number of independent readings, in [1, 10⁶]. Default 2000.
    seed : int or None
        None (fresh entropy) or a non-negative integer (reproducible).
    dt : float
        Time resolution of the reported times [s], in (0, 0.01]. Default 0.001.
    max_time : float
        Deadline [s], in (0, 60]; later readings are undecided. Default 5.
    salience_gain : float
        Drift gain per unit of oxytocin [dimensionless], in [0, 2].
        Default :data:`SALIENCE_GAIN`.
    speedup : float
        Fractional lowering of the bound per unit of oxytocin, in [0, 0.8].
        Default :data:`SPEEDUP`.

    See the module docstring for the equations and the numerical scheme.
    """
    oxytocin, dt, max_time, salience_gain, speedup = _check_reading(
        perceiver, expression, oxytocin, dt, max_time, salience_gain, speedup)
    n_trials = check_int("n_trials", n_trials, 1, 10**6)
    rng = make_rng(seed)

    bound, gain = _effective_bound_and_gain(
        perceiver.threshold, oxytocin, salience_gain=salience_gain, speedup=speedup
    )
    start = np.full(n_trials, perceiver.bias * bound)
    drift = np.full(n_trials, gain * expression.valence)
    choices, times = _diffuse(
        start,
        drift,
        bound=bound,
        noise=perceiver.noise,
        onset=expression.onset,
        dt=dt,
        max_time=max_time,
        rng=rng,
    )
    return Readings(choices=choices, times=times, bound=bound, drift_gain=gain)


@dataclass(frozen=True, eq=False)
class Solution:
    """The reading model solved for one setting: exact shares, no sampling noise.

    p_friendly, p_hostile, p_undecided : float
        Probability that a reading is friendly, hostile, or not made by the
        deadline (they sum to 1).
    mean_time_friendly, mean_time_hostile, mean_time : float
        Mean decision time [s] of friendly readings, of hostile ones, and of
        all decided readings; nan where that reading has probability 0.
        Continuous time: :func:`read_expression` rounds its times up to its
        ``dt``, which adds about dt/2 to its means.
    times : numpy.ndarray, shape (n_times,)
        The time grid [s]: 0, dt, 2·dt, … up to ``max_time``.
    density_friendly, density_hostile : numpy.ndarray, shape (n_times,)
        Density of each reading's decision time on that grid [1/s]: its
        integral over the grid is that reading's probability (a start on a
        bound, bias ±1, is decided at time 0 and is in the probabilities, not
        in the densities).
    bound, drift_gain : float
        a and g, as in :class:`Readings`.

    The arrays are read-only.
    """

    p_friendly: float
    p_hostile: float
    p_undecided: float
    mean_time_friendly: float
    mean_time_hostile: float
    mean_time: float
    times: np.ndarray
    density_friendly: np.ndarray
    density_hostile: np.ndarray
    bound: float
    drift_gain: float

    def __post_init__(self) -> None:
        for array in (self.times, self.density_friendly, self.density_hostile):
            array.setflags(write=False)


@dataclass(frozen=True, eq=False)
class SolvedGrid:
    """The reading model solved for many settings at once (arrays of one shape).

    Its six fields, ``p_friendly``, ``p_hostile``, ``p_undecided``,
    ``mean_time_friendly``, ``mean_time_hostile`` and ``mean_time``, are
    numpy arrays: as in :class:`Solution`, one value per setting, in the shape
    the arguments of :func:`solve_expressions` broadcast to. Read-only.
    """

    p_friendly: np.ndarray
    p_hostile: np.ndarray
    p_undecided: np.ndarray
    mean_time_friendly: np.ndarray
    mean_time_hostile: np.ndarray
    mean_time: np.ndarray

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            getattr(self, field.name).setflags(write=False)


def _check_array(name: str, value: object, low: float, high: float) -> np.ndarray:
    """``value`` as a float array, every element checked like :func:`check_real`."""
    array = np.asarray(value)
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer)
                                   or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must be real numbers in [{low:g}, {high:g}], got {value!r}")
    array = array.astype(float)
    bad = ~((array >= low) & (array <= high))  # also catches nan
    if bad.any():
        first = float(array[bad].flat[0])
        raise ValueError(
            f"{name} = {first!r} is outside the allowed range [{low:g}, {high:g}]"
            + ("" if array.ndim == 0 else f" (at {int(bad.sum())} of {array.size} settings)")
        )
    return array


def solve_expressions(
    *,
    valence: object,
    onset: object = 0.0,
    bias: object = 0.0,
    threshold: object = 1.0,
    noise: object = 1.0,
    oxytocin: object = 0.0,
    salience_gain: object = SALIENCE_GAIN,
    speedup: object = SPEEDUP,
    max_time: float = MAX_TIME,
) -> SolvedGrid:
    """Solve the reading model for a whole grid of settings in one call.

    Every argument but ``max_time`` may be a number or an array; they are
    broadcast together (numpy's rules) and each element is one setting, with
    the meanings, units and ranges of :class:`Perceiver`, :class:`Expression`
    and :func:`read_expression`. ``max_time`` (the deadline [s], in (0, 60])
    is one for the whole grid. Returns a :class:`SolvedGrid` of the broadcast
    shape. The method and its error are in :mod:`widgets.models.fokker_planck`.
    """
    arrays = {}
    for name, value, (low, high) in (
        ("valence", valence, _LIMITS["valence"]),
        ("onset", onset, _LIMITS["onset"]),
        ("bias", bias, _LIMITS["bias"]),
        ("threshold", threshold, _LIMITS["threshold"]),
        ("noise", noise, _LIMITS["noise"]),
        ("oxytocin", oxytocin, (0.0, 1.0)),
        ("salience_gain", salience_gain, (0.0, 2.0)),
        ("speedup", speedup, (0.0, 0.8)),
    ):
        arrays[name] = _check_array(name, value, low, high)
    max_time = check_real("max_time", max_time, 0.0, 60.0, low_open=True)
    shaped = dict(zip(arrays, np.broadcast_arrays(*arrays.values()), strict=True))
    shape = shaped["valence"].shape
    flat = {name: array.ravel() for name, array in shaped.items()}
    bound, gain = _effective_bound_and_gain(
        flat["threshold"], flat["oxytocin"],
        salience_gain=flat["salience_gain"], speedup=flat["speedup"],
    )
    solved = fokker_planck.solve_batch(
        flat["bias"], gain * flat["valence"] / bound, flat["noise"] ** 2 / (2 * bound**2),
        flat["onset"], max_time,
    )
    return SolvedGrid(**{name: value.reshape(shape) for name, value in _shares(solved).items()})


def _shares(solved: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Probabilities and mean times from the solver's masses and time moments."""
    friendly = np.clip(solved["up"], 0.0, 1.0)
    hostile = np.clip(solved["down"], 0.0, 1.0)
    decided = friendly + hostile
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "p_friendly": friendly,
            "p_hostile": hostile,
            # 1 − decided, never below 0 by rounding (it is a share of readings).
            "p_undecided": np.maximum(1.0 - decided, 0.0),
            "mean_time_friendly": np.where(friendly > 0, solved["up_moment"] / friendly, np.nan),
            "mean_time_hostile": np.where(hostile > 0, solved["down_moment"] / hostile, np.nan),
            "mean_time": np.where(decided > 0,
                                  (solved["up_moment"] + solved["down_moment"]) / decided, np.nan),
        }


def solve_expression(
    perceiver: Perceiver,
    expression: Expression,
    *,
    oxytocin: float = 0.0,
    dt: float = DT,
    max_time: float = MAX_TIME,
    salience_gain: float = SALIENCE_GAIN,
    speedup: float = SPEEDUP,
) -> Solution:
    """Solve the reading model for one setting: the same model as :func:`read_expression`.

    The same arguments, meanings, units and ranges as :func:`read_expression`
    without ``n_trials`` and ``seed``; ``dt`` is the step of the time grid
    the decision-time densities are given on. Returns a :class:`Solution`:
    each reading's probability, its mean time and its density in time, solved
    from the model's Fokker–Planck equation rather than sampled
    (:mod:`widgets.models.fokker_planck` gives the method and its error).
    For many settings, :func:`solve_expressions` is far faster than a loop.
    """
    oxytocin, dt, max_time, salience_gain, speedup = _check_reading(
        perceiver, expression, oxytocin, dt, max_time, salience_gain, speedup)
    bound, gain = _effective_bound_and_gain(
        perceiver.threshold, oxytocin, salience_gain=salience_gain, speedup=speedup
    )
    times = np.round(dt * np.arange(math.floor(max_time / dt + 1e-9) + 1), 12)
    solved = fokker_planck.solve_batch(
        np.array([perceiver.bias]), np.array([gain * expression.valence / bound]),
        np.array([perceiver.noise**2 / (2 * bound**2)]), np.array([expression.onset]),
        max_time, density_times=times,
    )
    shares = {name: float(value[0]) for name, value in _shares(solved).items()}
    return Solution(
        **shares,
        times=times,
        density_friendly=np.maximum(solved["up_density"][0], 0.0),
        density_hostile=np.maximum(solved["down_density"][0], 0.0),
        bound=bound,
        drift_gain=gain,
    )


#: evidence_paths stores at most this many sampled values (paths × samples).
MAX_PATH_VALUES = 10_000_000
# The largest salience gain and speed-up any function here accepts: the paths'
# internal step is chosen for the worst case over them (see evidence_paths).
_GAIN_LIMIT = 2.0
_SPEEDUP_LIMIT = 0.8
# Random numbers drawn at once, at most (paths × internal steps), to bound memory.
_CHUNK = 1 << 20


def evidence_paths(
    perceiver: Perceiver,
    expression: Expression,
    *,
    oxytocin: float = 0.0,
    n_paths: int = 5,
    seed: int | None = None,
    sample_every: float = 0.05,
    dt: float = DT,
    max_time: float = MAX_TIME,
    salience_gain: float = SALIENCE_GAIN,
    speedup: float = SPEEDUP,
) -> EvidencePaths:
    r"""Simulate ``n_paths`` readings of ``expression`` and keep their evidence over time.

    The same model and the same law as :func:`read_expression` (exact Gaussian
    increments, the Brownian-bridge crossing check and the exact crossing time
    within a step; see the module docstring), with the evidence also recorded
    on a regular grid every ``sample_every`` seconds. Each path stops at the
    bound it reaches.

    perceiver, expression, oxytocin, seed, dt, max_time, salience_gain, speedup
        As in :func:`read_expression` (same meanings, units and ranges).
    n_paths : int
        Number of readings, in [1, 100 000]. Default 5.
    sample_every : float
        Spacing of the sampling grid [s], in [0.001, 1]. Default 0.05. The
        paths × samples stored must not exceed :data:`MAX_PATH_VALUES`.

    **Common random numbers.** The internal step is chosen for the worst case
    over every oxytocin level, salience gain and speed-up the model accepts (a
    bound of threshold·(1 − 0.8) and a gain of 3 in the step conditions of the
    module docstring), so it depends only on the threshold, noise, valence and
    onset, and is then shortened to divide ``sample_every`` evenly. Every step
    draws one normal and one uniform number per path (decided or not), and
    each path's crossing time uses two numbers drawn before the walk. So two
    calls with the same seed that differ only in ``oxytocin``,
    ``salience_gain`` or ``speedup`` drive their paths with the same noise: a
    reader can watch the same readings on placebo and on oxytocin. Before
    either reading decides, the two differ by exactly
    :math:`(g_1 - g_0)\,v \int_0^t \min(1, s/T_\text{onset})\,ds` plus the
    difference of their starts.

    The shorter step costs time in proportion to (noise / threshold)²; the
    function is meant for a few paths to draw (use :func:`read_expression` for
    many readings).
    """
    oxytocin, dt, max_time, salience_gain, speedup = _check_reading(
        perceiver, expression, oxytocin, dt, max_time, salience_gain, speedup)
    n_paths = check_int("n_paths", n_paths, 1, 100_000)
    sample_every = check_real("sample_every", sample_every, 0.001, 1.0)
    n_samples = math.floor(max_time / sample_every + 1e-9) + 1
    if n_paths * n_samples > MAX_PATH_VALUES:
        raise ValueError(
            f"n_paths = {n_paths} with {n_samples} samples each (max_time / sample_every "
            f"+ 1) would store {n_paths * n_samples} values; the allowed range is "
            f"n_paths × samples ≤ {MAX_PATH_VALUES}: use fewer paths, a larger "
            f"sample_every or a shorter max_time"
        )
    rng = make_rng(seed)

    bound, gain = _effective_bound_and_gain(
        perceiver.threshold, oxytocin, salience_gain=salience_gain, speedup=speedup
    )
    noise, onset = perceiver.noise, expression.onset
    start = perceiver.bias * bound
    drift = gain * expression.valence
    sample_times = np.round(sample_every * np.arange(n_samples), 12)
    evidence = np.full((n_paths, n_samples), np.nan)
    evidence[:, 0] = start
    choices = np.zeros(n_paths, dtype=np.int8)
    times = np.full(n_paths, np.nan)
    if abs(start) >= bound:  # a bias of ±1: decided before any evidence
        choices[:] = 1 if start > 0 else -1
        times[:] = 0.0
        return EvidencePaths(sample_times, evidence, choices, times, bound, gain, start)

    # The worst-case step (see the docstring), the same for placebo and oxytocin.
    worst_bound = perceiver.threshold * (1.0 - _SPEEDUP_LIMIT)
    flat, ramp = _internal_steps(
        worst_bound, noise, onset, (1.0 + _GAIN_LIMIT) * abs(expression.valence)
    )
    longest_step = min(flat, ramp) if ramp > 0.0 else flat
    # Crossing times within a step: two numbers per path, drawn before the walk.
    crossing_normal = rng.standard_normal(n_paths)
    crossing_uniform = rng.random(n_paths)

    x = np.full(n_paths, start)
    active = np.ones(n_paths, dtype=bool)
    interval_ends = [*sample_times[1:]]
    if not interval_ends or interval_ends[-1] < max_time * (1.0 - 1e-12):
        interval_ends.append(max_time)  # the walk goes on to the deadline
    t_begin = 0.0
    for k, t_end in enumerate(interval_ends):
        length = t_end - t_begin
        substeps = max(1, math.ceil(length / longest_step - 1e-9))
        h = max(length / substeps, MIN_STEP)
        scale = 2.0 / (noise * noise * h)
        chunk = max(1, min(substeps, _CHUNK // n_paths))
        for first in range(0, substeps, chunk):
            size = min(chunk, substeps - first)
            edges = t_begin + h * np.arange(first, first + size + 1)
            pushes = drift * _ramp_integrals(edges, onset)
            # Drawn for every path, decided or not, so that the streams of two
            # calls stay aligned; used for the undecided ones only.
            normals = rng.standard_normal((n_paths, size))
            uniforms = rng.random((n_paths, size))
            walking = np.flatnonzero(active)
            steps = pushes + noise * math.sqrt(h) * normals[walking]
            ends = x[walking, None] + np.cumsum(steps, axis=1)
            begins = np.concatenate([x[walking, None], ends[:, :-1]], axis=1)
            up0, up1 = bound - begins, bound - ends
            low0, low1 = bound + begins, bound + ends
            # As in _diffuse; distances clipped at 0 only matter after a path's
            # first crossing, which is all that is used.
            p_up = np.exp(-scale * np.maximum(up0, 0.0) * np.maximum(up1, 0.0))
            p_low = np.exp(-scale * np.maximum(low0, 0.0) * np.maximum(low1, 0.0))
            u = uniforms[walking]
            hit_up = u < p_up
            hit = hit_up | (u < p_up + p_low)
            rows = np.flatnonzero(hit.any(axis=1))
            if rows.size:
                j = np.argmax(hit[rows], axis=1)
                up = hit_up[rows, j]
                gap0 = np.where(up, up0[rows, j], low0[rows, j]) / noise
                gap1 = np.abs(np.where(up, up1[rows, j], low1[rows, j])) / noise
                deciding = walking[rows]
                fraction = _hitting_fraction_from_draws(
                    gap0, gap1, h, crossing_normal[deciding], crossing_uniform[deciding]
                )
                tau = edges[j] + h * fraction
                times[deciding] = np.minimum(tau + np.remainder(-tau, dt), max_time)
                choices[deciding] = np.where(up, 1, -1)
                active[deciding] = False
            x[walking] = ends[:, -1]
            if not active.any():
                break
        if k + 1 < n_samples:
            evidence[active, k + 1] = x[active]
        if not active.any():
            break
        t_begin = t_end
    return EvidencePaths(sample_times, evidence, choices, times, bound, gain, start)


def _ramp_integrals(edges: np.ndarray, onset: float) -> np.ndarray:
    """∫ min(1, t/onset) dt over each interval between consecutive ``edges`` [s]."""
    if onset == 0.0:
        return np.diff(edges)
    antiderivative = np.where(edges <= onset, edges * edges / (2.0 * onset),
                              edges - onset / 2.0)
    return np.diff(antiderivative)


def _effective_bound_and_gain(
    threshold: float, oxytocin: float, *, salience_gain: float, speedup: float
) -> tuple[float, float]:
    """(a, g): the bound threshold·(1 − speedup·oxytocin) and gain 1 + salience_gain·oxytocin.

    Internal helper shared with :mod:`widgets.models.encounters`; inputs are
    assumed already validated.
    """
    return threshold * (1.0 - speedup * oxytocin), 1.0 + salience_gain * oxytocin


def _diffuse(
    start: np.ndarray,
    drift: np.ndarray,
    *,
    bound: float,
    noise: float,
    onset: float,
    dt: float,
    max_time: float,
    rng: np.random.Generator,
    want_times: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised first-passage simulation; the engine behind every reading.

    Internal (inputs assumed valid): ``start`` and ``drift`` are float arrays
    of one shape (n,), the starting evidence in [-bound, bound] and the full
    drift g·v of each trial [evidence units per s]. Returns ``(choices,
    times)`` as in :class:`Readings`. See the module docstring for the scheme.
    With ``want_times=False`` crossing times are not sampled (``times`` stays
    nan): the choices have the same law, only the random stream differs.
    """
    n = start.size
    choices = np.zeros(n, dtype=np.int8)
    times = np.full(n, np.nan)

    on_top = start >= bound
    on_bottom = start <= -bound
    choices[on_top] = 1
    choices[on_bottom] = -1
    times[on_top | on_bottom] = 0.0

    active = np.flatnonzero(~(on_top | on_bottom))
    x = start[active].astype(np.float64)
    mu = drift[active].astype(np.float64)
    if active.size == 0:
        return choices, times

    flat_step, ramp_step = _internal_steps(bound, noise, onset, float(np.max(np.abs(mu))))
    # A ramp with no steps of its own (no drift, or an onset too short to matter)
    # is walked in ordinary steps from time 0: a first step spanning the whole
    # onset would break the two-bound condition (σ√h ≤ a/3) and favour "friendly".
    ramp_end = min(onset, max_time) if ramp_step > 0.0 else 0.0
    n_ramp = math.ceil(ramp_end / ramp_step - 1e-9) if ramp_step > 0.0 else 0
    k = 0
    t0 = 0.0
    while active.size and t0 < max_time:
        if k < n_ramp:
            t1 = ramp_end * (k + 1) / n_ramp
        else:
            t1 = ramp_end + (k + 1 - n_ramp) * flat_step
        if t1 >= max_time * (1.0 - 1e-12):
            t1 = max_time
        duration = t1 - t0
        # Only a deadline below a nanosecond (or float residue at the deadline)
        # makes a step that short; treating it as 1 ns keeps 1/h finite.
        h = max(duration, MIN_STEP)
        m = active.size
        noise_sd = noise * math.sqrt(h)
        x1 = x + mu * _ramp_integral(t0, t1, onset) + noise_sd * rng.standard_normal(m)

        scale = 2.0 / (noise * noise * h)
        up0 = bound - x
        up1 = bound - x1
        low0 = bound + x
        low1 = bound + x1
        # Brownian-bridge probability of touching each bound during the step;
        # an end point on or beyond a bound gives exp(0) = 1.
        p_up = np.exp(-scale * up0 * np.maximum(up1, 0.0))
        p_low = np.exp(-scale * low0 * np.maximum(low1, 0.0))
        u = rng.random(m)
        hit_up = u < p_up
        done = hit_up | (u < p_up + p_low)
        if done.any():
            up_done = hit_up[done]
            which = active[done]
            choices[which] = np.where(up_done, 1, -1)
            if want_times:
                gap0 = np.where(up_done, up0[done], low0[done]) / noise
                gap1 = np.abs(np.where(up_done, up1[done], low1[done])) / noise
                tau = t0 + duration * _bridge_hitting_fraction(gap0, gap1, h, rng)
                # Round up to the dt grid; remainder() cannot overflow as tau / dt could.
                times[which] = np.minimum(tau + np.remainder(-tau, dt), max_time)
            keep = ~done
            active = active[keep]
            x = x1[keep]
            mu = mu[keep]
        else:
            x = x1
        t0 = t1
        k += 1
    return choices, times


def _internal_steps(
    bound: float, noise: float, onset: float, max_drift: float
) -> tuple[float, float]:
    """(flat, ramp): internal steps [s] after and while the face forms; see the docstring.

    ramp is 0 when the ramp needs no steps of its own: no onset, no drift, or
    an onset so short that the drift it withholds, at most max_drift·onset/2,
    is within the tolerance (the flat steps then integrate the ramp exactly).
    """
    flat = min(MAX_STEP, (bound / (BRIDGE_MARGIN * noise)) ** 2)
    tolerance = RAMP_TOLERANCE * noise * math.sqrt(flat)
    if onset == 0.0 or max_drift * onset / 2.0 <= tolerance:
        return flat, 0.0
    bend_limit = (8.0 * RAMP_TOLERANCE * onset * noise / max_drift) ** (2.0 / 3.0)
    return flat, min(flat, bend_limit)


def _ramp_integral(t0: float, t1: float, onset: float) -> float:
    """∫ min(1, t/onset) dt from t0 to t1 [s] (t1 − t0 when onset is 0)."""
    if onset == 0.0:
        return t1 - t0

    def antiderivative(t: float) -> float:
        return t * t / (2.0 * onset) if t <= onset else t - onset / 2.0

    return antiderivative(t1) - antiderivative(t0)


def _bridge_hitting_fraction(
    c: np.ndarray, d: np.ndarray, h: float, rng: np.random.Generator
) -> np.ndarray:
    """Where in a step of length h a Brownian bridge first touches a level, as a fraction.

    ``c`` > 0 and ``d`` ≥ 0 are the distances from the level to the step's
    start and end, in units of the noise σ (per √s). With τ the hitting time,
    s = τ/(h − τ) is inverse Gaussian with mean μ = c/d and shape λ = c²/h.
    Michael–Schucany–Haas, rewritten so that μ = ∞ (d = 0, a Lévy variable)
    needs no special case: x = (4λ/y) / (1 + √(1 + 4λ/(μy)))², y = ν²,
    accepted with probability μ/(μ + x) = c/(c + x d), else μ²/x.
    """
    nu = rng.standard_normal(c.size)
    u = rng.random(c.size)
    return _hitting_fraction_from_draws(c, d, h, nu, u)


def _hitting_fraction_from_draws(
    c: np.ndarray, d: np.ndarray, h: float, nu: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """:func:`_bridge_hitting_fraction` given its draws: ``nu`` standard normal, ``u`` uniform."""
    y = np.maximum(nu * nu, 1e-12)
    lam = c * c / h
    z = 4.0 * c * d / (h * y)
    s = (4.0 * lam / y) / (1.0 + np.sqrt(1.0 + z)) ** 2
    reject = u * (c + s * d) > c
    if reject.any():
        s[reject] = (c[reject] / d[reject]) ** 2 / s[reject]
    return s / (1.0 + s)


def _check_reading(perceiver: object, expression: object, oxytocin: object, dt: object,
                   max_time: object, salience_gain: object,
                   speedup: object) -> tuple[float, float, float, float, float]:
    """The checks every reading function shares: the two types, then (oxytocin, dt,
    max_time, salience_gain, speedup) as floats in their ranges."""
    _check_type("perceiver", perceiver, Perceiver)
    _check_type("expression", expression, Expression)
    return (check_real("oxytocin", oxytocin, 0.0, 1.0),
            check_real("dt", dt, 0.0, 0.01, low_open=True),
            check_real("max_time", max_time, 0.0, 60.0, low_open=True),
            check_real("salience_gain", salience_gain, 0.0, _GAIN_LIMIT),
            check_real("speedup", speedup, 0.0, _SPEEDUP_LIMIT))


def _check_type(name: str, value: object, kind: type) -> None:
    if not isinstance(value, kind):
        raise TypeError(
            f"{name} must be a {kind.__name__}, got {value!r} of type {type(value).__name__}"
        )
