r"""Tom and Mary at church: readings that feed back on what is read.

A perceiver walks through a service and is greeted ``n_greetings`` times.
Each greeting is one reading of :mod:`widgets.models.interpretation`, and the
perceiver's belief about the congregation is the bias of the next reading.

**One greeting** :math:`k` (in each of ``n_runs`` independent runs):

1. The greeter intends a valence
   :math:`v_k = \operatorname{clip}(N(\bar v, s^2), -1, 1)`, with
   ``congregation_mean`` :math:`\bar v \in [-1, 1]` and
   ``congregation_spread`` :math:`s \in [0, 1]` (valence units). The
   clipping keeps intentions on the valence scale.
2. The perceiver reads the forming expression (valence :math:`v_k`,
   ``onset`` in seconds) by the drift-diffusion model, with bias
   :math:`b_k` (the current belief) and the perceiver's threshold and noise,
   at the given ``oxytocin`` level (bound and gain as in
   :func:`~widgets.models.interpretation.read_expression`, default deadline
   5 s and time resolution 1 ms), and answers
   :math:`r_k = +1` (a smile) if read friendly, :math:`-1` (a scowl) if
   hostile, 0 (neutral) if undecided.
3. The greeter's final expression mimics the answer (dimberg2000unconscious:
   people's faces match expressions they see, even unconsciously), with
   ``mimicry`` :math:`m \in [0, 1]`:
   :math:`e_k = (1 - m)\,v_k + m\,r_k`.
4. The belief moves toward a blend of what the perceiver finally saw and
   what they read, with ``belief_from_reading`` :math:`w \in [0, 1]` (the
   weight of their own reading) and ``learning_rate`` :math:`\eta \in (0, 1]`:
   :math:`b_{k+1} = b_k + \eta\,(t_k - b_k)` with target
   :math:`t_k = (1 - w)\,e_k + w\,r_k`, a convex combination, so the belief
   stays in [-1, 1]. What was read is coded as the answer is: +1 friendly,
   −1 hostile, and 0 for a reading still undecided at the deadline (the
   perceiver answered with a neutral face, so the reading counts as a neutral
   one). With :math:`w = 0` the belief follows the faces alone; with
   :math:`w = 1` it follows the perceiver's own readings alone, and the
   greeters' faces, mimicry included, drop out of it.

These are the post's two paths from a misreading to a bias: the misreading
itself feeds the belief (:math:`w`), and the answer changes the face that is
then seen (:math:`m`). Substituting :math:`e_k` into the target,

.. math:: t_k = (1 - \varphi)\,v_k + \varphi\,r_k, \qquad
          \varphi = 1 - (1 - w)(1 - m) = w + (1 - w)\,m,

so the beliefs depend on the two paths only through the *feedback weight*
:math:`\varphi`: learning from one's own reading with weight :math:`w` acts on
the belief exactly as mimicry of strength :math:`w` would. The paths differ
in what the greeters show (:math:`e_k`), not in what the perceiver comes to
believe.

``perceiver.bias`` is the starting belief :math:`b_0`.

**What to expect.** With :math:`\varphi = 0` (no mimicry, beliefs from faces
alone) what is seen does not depend on the perceiver, so two perceivers
meeting the same congregation (same ``seed``) end with beliefs whose gap is
exactly :math:`(1 - \eta)^{n}` times the starting gap, both near the mean
intention. With :math:`\varphi > 0` the answers come back into the belief:
:math:`g_{k+1} = (1 - \eta)\,g_k + \eta\,\varphi\,(r^{\rm T}_k - r^{\rm M}_k)`
for the gap :math:`g` between two perceivers, so it closes only at about
:math:`\eta\,(1 - \varphi\beta)` per greeting (β: the slope of the
smile-minus-scowl rate against belief), and within one service the two can
end far apart: a self-fulfilling prophecy within the service, not a
permanent one.

Defaults: mimicry 0.5 (the strength is unknown, dimberg2000unconscious shows
only that it exists; the chapter sweeps it), belief from reading 0 (the
belief follows the faces seen; we found no study that measured the weight, and the
chapter sweeps it too), learning rate 0.1 (each greeting
moves the belief a tenth of the way: roughly the last ten greetings count),
a mildly friendly congregation (mean 0.2, spread 0.3), faces that take half a
second to form, 40 greetings in a service, 200 runs. The oxytocin pulls
``salience_gain`` and ``speedup`` default to those of the reading model; the
chapter must show both regimes rather than tune them.

**Seeds.** ``seed`` is split into two independent streams: one draws the
congregation's intentions (the same for every perceiver, oxytocin level or
mimicry), the other the perceiver's reading noise. So Tom and Mary, given the
same seed, meet the same greeters intending the same expressions.

**One service, greeting by greeting.** :func:`trace_service` takes the same
arguments plus ``run`` (which of the ``n_runs`` runs to follow) and returns,
for that run, each greeter's intention :math:`v_k`, the perceiver's answer
:math:`r_k` (in the model what a perceiver reads is what they answer), the
greeter's final face :math:`e_k` and the belief :math:`b_{k+1}` after it
(which moved toward :math:`(1 - w)\,e_k + w\,r_k`). It
runs exactly the simulation :func:`simulate_service` runs, so the trace of run
``i`` equals row ``i`` of ``simulate_service(...).belief`` for the same
arguments (``n_runs`` included: a reading's time steps are shared by the runs
read together, so run ``i`` of 1,000 runs is not the single run of
``n_runs=1``).

What the model leaves out: who greets whom (every greeting is a new,
independent greeter), the greeter's own reading of the perceiver, any memory
beyond the running belief, and any difference between how a perceiver learns
from a friendly and from a hostile reading (one weight :math:`w` serves both;
a rule that weighed hostile readings more would tell the two paths apart). An
illustration, not data: no study has tested oxytocin in such a loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._random import make_streams
from ._validation import check_int, check_real
from .interpretation import (
    DT,
    MAX_TIME,
    SALIENCE_GAIN,
    SPEEDUP,
    Perceiver,
    _check_type,
    _diffuse,
    _effective_bound_and_gain,
)

__all__ = ["Service", "ServiceTrace", "simulate_service", "trace_service"]


@dataclass(frozen=True, eq=False)
class Service:
    """Beliefs through a service, for each of ``n_runs`` independent runs.

    belief : numpy.ndarray of float64, shape (n_runs, n_greetings + 1)
        Belief about the congregation [valence units, in [-1, 1]] before
        each greeting and after the last; column 0 is the starting belief.
    smile_rate : numpy.ndarray of float64, shape (n_runs,)
        Fraction of greetings the perceiver answered with a smile.
    scowl_rate : numpy.ndarray of float64, shape (n_runs,)
        Fraction of greetings answered with a scowl (the rest were neutral).

    The arrays are read-only.
    """

    belief: np.ndarray
    smile_rate: np.ndarray
    scowl_rate: np.ndarray

    def __post_init__(self) -> None:
        for array in (self.belief, self.smile_rate, self.scowl_rate):
            array.setflags(write=False)

    @property
    def final_belief(self) -> np.ndarray:
        """Belief after the last greeting, shape (n_runs,)."""
        return self.belief[:, -1]

    @property
    def n_runs(self) -> int:
        """Number of independent runs."""
        return int(self.belief.shape[0])

    @property
    def n_greetings(self) -> int:
        """Number of greetings per run."""
        return int(self.belief.shape[1] - 1)


@dataclass(frozen=True, eq=False)
class ServiceTrace:
    r"""One run of a service, greeting by greeting (see :func:`trace_service`).

    intention : numpy.ndarray of float64, shape (n_greetings,)
        Valence each greeter intended, :math:`v_k` [valence units, in [-1, 1]].
    answer : numpy.ndarray of int8, shape (n_greetings,)
        The perceiver's reading of each forming face, which is also their
        answer: +1 a smile (read friendly), -1 a scowl (read hostile), 0
        neutral (undecided by the deadline).
    face : numpy.ndarray of float64, shape (n_greetings,)
        The greeter's final face after mimicking the answer,
        :math:`e_k = (1 - m)\,v_k + m\,r_k` [valence units].
    belief : numpy.ndarray of float64, shape (n_greetings + 1,)
        Belief before the first greeting (the perceiver's bias) and after each
        greeting, :math:`b_0, b_1, \ldots, b_n` [valence units, in [-1, 1]].

    The arrays are read-only.
    """

    intention: np.ndarray
    answer: np.ndarray
    face: np.ndarray
    belief: np.ndarray

    def __post_init__(self) -> None:
        for array in (self.intention, self.answer, self.face, self.belief):
            array.setflags(write=False)

    @property
    def final_belief(self) -> float:
        """Belief after the last greeting."""
        return float(self.belief[-1])

    @property
    def n_greetings(self) -> int:
        """Number of greetings in the service."""
        return int(self.intention.size)


def simulate_service(
    perceiver: Perceiver,
    *,
    oxytocin: float = 0.0,
    mimicry: float = 0.5,
    belief_from_reading: float = 0.0,
    learning_rate: float = 0.1,
    congregation_mean: float = 0.2,
    congregation_spread: float = 0.3,
    onset: float = 0.5,
    n_greetings: int = 40,
    n_runs: int = 200,
    seed: int | None = None,
    salience_gain: float = SALIENCE_GAIN,
    speedup: float = SPEEDUP,
) -> Service:
    """Simulate ``n_runs`` services of ``n_greetings`` greetings each.

    perceiver : Perceiver
        ``bias`` is the starting belief; threshold and noise serve every reading.
    oxytocin : float
        Oxytocin level [0 placebo … 1 largest effect], in [0, 1]. Default 0.
    mimicry : float
        How far a greeter's final expression moves toward the answer
        [fraction], in [0, 1]. Default 0.5.
    belief_from_reading : float
        Weight of the perceiver's own reading in what the belief moves toward
        [fraction], in [0, 1]; the rest goes to the face finally seen.
        Default 0 (the belief follows the faces alone).
    learning_rate : float
        How far the belief moves toward its target at each greeting
        [fraction], in (0, 1]. Default 0.1.
    congregation_mean, congregation_spread : float
        Mean in [-1, 1] and spread (SD) in [0, 1] of the intended valences
        [valence units]. Defaults 0.2 and 0.3.
    onset : float
        Time for a greeter's face to form [s], in [0, 3]. Default 0.5.
    n_greetings : int
        Greetings per service, in [1, 1000]. Default 40.
    n_runs : int
        Independent runs, in [1, 10⁵]. Default 200. Memory for ``belief`` is
        8·n_runs·(n_greetings + 1) bytes (800 MB at both maxima).
    seed : int or None
        None (fresh entropy) or a non-negative integer (reproducible; see
        the module docstring for the two streams).
    salience_gain, speedup : float
        Oxytocin's pulls, as in ``read_expression``: in [0, 2] and [0, 0.8].
    """
    belief, smiles, scowls, _ = _run_services(
        perceiver, oxytocin=oxytocin, mimicry=mimicry,
        belief_from_reading=belief_from_reading, learning_rate=learning_rate,
        congregation_mean=congregation_mean, congregation_spread=congregation_spread,
        onset=onset, n_greetings=n_greetings, n_runs=n_runs, seed=seed,
        salience_gain=salience_gain, speedup=speedup, traced_run=None,
    )
    return Service(
        belief=belief,
        smile_rate=smiles / n_greetings,
        scowl_rate=scowls / n_greetings,
    )


def trace_service(
    perceiver: Perceiver,
    *,
    oxytocin: float = 0.0,
    mimicry: float = 0.5,
    belief_from_reading: float = 0.0,
    learning_rate: float = 0.1,
    congregation_mean: float = 0.2,
    congregation_spread: float = 0.3,
    onset: float = 0.5,
    n_greetings: int = 40,
    n_runs: int = 1,
    run: int = 0,
    seed: int | None = None,
    salience_gain: float = SALIENCE_GAIN,
    speedup: float = SPEEDUP,
) -> ServiceTrace:
    r"""Follow one run of :func:`simulate_service` greeting by greeting.

    Takes the arguments of :func:`simulate_service` (``n_runs`` defaults to
    1 here) and ``run``, which of the ``n_runs`` runs to follow, an integer in
    [0, n_runs − 1]. Simulates all ``n_runs`` runs exactly as
    :func:`simulate_service` does and keeps, for run ``run``, each greeter's
    intention :math:`v_k`, the perceiver's answer :math:`r_k`, the greeter's
    final face :math:`e_k = (1 - m)\,v_k + m\,r_k` and the beliefs
    :math:`b_0, \ldots, b_n` (see the module docstring). So::

        trace_service(p, run=i, n_runs=N, seed=s, **kw).belief
            == simulate_service(p, n_runs=N, seed=s, **kw).belief[i]

    exactly, bit for bit. Each greeting's reading is one drift-diffusion
    reading, as in :func:`~widgets.models.interpretation.read_expression`.
    """
    _, _, _, trace = _run_services(
        perceiver, oxytocin=oxytocin, mimicry=mimicry,
        belief_from_reading=belief_from_reading, learning_rate=learning_rate,
        congregation_mean=congregation_mean, congregation_spread=congregation_spread,
        onset=onset, n_greetings=n_greetings, n_runs=n_runs, seed=seed,
        salience_gain=salience_gain, speedup=speedup, traced_run=run,
    )
    return trace


def _run_services(
    perceiver: Perceiver,
    *,
    oxytocin: float,
    mimicry: float,
    belief_from_reading: float,
    learning_rate: float,
    congregation_mean: float,
    congregation_spread: float,
    onset: float,
    n_greetings: int,
    n_runs: int,
    seed: int | None,
    salience_gain: float,
    speedup: float,
    traced_run: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, ServiceTrace | None]:
    """The engine behind both public functions: validate, then simulate.

    Returns (belief, smiles, scowls, trace): belief of shape (n_runs,
    n_greetings + 1), smile and scowl counts per run, and the trace of run
    ``traced_run`` (None when ``traced_run`` is None).
    """
    _check_type("perceiver", perceiver, Perceiver)
    oxytocin = check_real("oxytocin", oxytocin, 0.0, 1.0)
    mimicry = check_real("mimicry", mimicry, 0.0, 1.0)
    belief_from_reading = check_real("belief_from_reading", belief_from_reading, 0.0, 1.0)
    learning_rate = check_real("learning_rate", learning_rate, 0.0, 1.0, low_open=True)
    congregation_mean = check_real("congregation_mean", congregation_mean, -1.0, 1.0)
    congregation_spread = check_real("congregation_spread", congregation_spread, 0.0, 1.0)
    onset = check_real("onset", onset, 0.0, 3.0)
    n_greetings = check_int("n_greetings", n_greetings, 1, 1000)
    n_runs = check_int("n_runs", n_runs, 1, 10**5)
    if traced_run is not None:
        traced_run = check_int("run", traced_run, 0, n_runs - 1)
    salience_gain = check_real("salience_gain", salience_gain, 0.0, 2.0)
    speedup = check_real("speedup", speedup, 0.0, 0.8)
    congregation, reader = make_streams(seed, 2)

    bound, gain = _effective_bound_and_gain(
        perceiver.threshold, oxytocin, salience_gain=salience_gain, speedup=speedup
    )
    belief = np.empty((n_runs, n_greetings + 1))
    belief[:, 0] = perceiver.bias
    smiles = np.zeros(n_runs, dtype=np.int64)
    scowls = np.zeros(n_runs, dtype=np.int64)
    if traced_run is not None:
        intentions = np.empty(n_greetings)
        answers = np.empty(n_greetings, dtype=np.int8)
        faces = np.empty(n_greetings)
    for k in range(n_greetings):
        drawn = congregation.normal(congregation_mean, congregation_spread, n_runs)
        intended = np.clip(drawn, -1.0, 1.0)
        current = belief[:, k]
        answer, _ = _diffuse(
            current * bound,
            gain * intended,
            bound=bound,
            noise=perceiver.noise,
            onset=onset,
            dt=DT,
            max_time=MAX_TIME,
            rng=reader,
            want_times=False,
        )
        smiles += answer == 1
        scowls += answer == -1
        seen = (1.0 - mimicry) * intended + mimicry * answer
        # What the belief moves toward: the face seen, blended with the reading
        # (coded like the answer, 0 when undecided). With belief_from_reading 0
        # this is `seen` exactly (1.0 * x + 0.0 == x), so w = 0 is the model
        # without the reading path, bit for bit.
        target = (1.0 - belief_from_reading) * seen + belief_from_reading * answer
        # A convex combination of numbers in [-1, 1] (exactly the answer when
        # learning_rate and the feedback weight are 1); the clip only absorbs a
        # last-bit rounding excess, it never moves a real value.
        updated = (1.0 - learning_rate) * current + learning_rate * target
        belief[:, k + 1] = np.clip(updated, -1.0, 1.0)
        if traced_run is not None:
            intentions[k] = intended[traced_run]
            answers[k] = answer[traced_run]
            faces[k] = seen[traced_run]
    trace = None
    if traced_run is not None:
        trace = ServiceTrace(intention=intentions, answer=answers, face=faces,
                             belief=belief[traced_run].copy())
    return belief, smiles, scowls, trace
