r"""Attention as a limited resource: what gains when faces become more salient.

Attention is shared among stimulus channels (faces, voices, objects, text…)
in proportion to their salience; oxytocin raises the salience of the social
channels (the social-salience account, shamaytsoory2016social). Because the
resource is fixed, what social channels gain the others lose: the
commenters' "which things get less attention?".

**Shares** (a softmax of salience). Channel :math:`i` has salience
:math:`s_i` (log units: a difference of ln 2 doubles the ratio of shares);
at oxytocin level :math:`o \in [0, 1]` social channels get
:math:`\beta o` more (``oxytocin_boost`` :math:`\beta`):

.. math::

    w_i = \frac{\exp(s_i + \beta o\,[i \text{ social}])}
               {\sum_j \exp(s_j + \beta o\,[j \text{ social}])},
    \qquad \sum_i w_i = 1 .

**Sensitivity.** A channel watched a fraction :math:`w_i` of the time
collects that fraction of the evidence, and an ideal observer's :math:`d'`
grows with the square root of the evidence collected (green1966signal):

.. math::

    d'_i = D\,\sqrt{w_i},

with ``full_d_prime`` :math:`D` the sensitivity under undivided attention.

**Read-out** (equal-variance Gaussian signal detection, green1966signal).
With ``criterion`` :math:`c` measured from the midpoint between the noise and
signal distributions (:math:`c > 0` conservative, :math:`c < 0` liberal),

.. math::

    H_i = \Phi(d'_i/2 - c), \qquad F_i = \Phi(-d'_i/2 - c),

the hit and false-alarm rates (:math:`\Phi`: the standard normal CDF,
``scipy.special.ndtr``). Raising :math:`d'` alone never turns a signal into
noise: sensitivity is not bias.

**Defaults.** Four channels, ``faces`` and ``voices`` social, ``objects``
and ``text`` not, all with salience 0 (equal shares of 1/4);
:data:`FULL_D_PRIME` = 2, so each channel starts at :math:`d' = 1`;
:data:`OXYTOCIN_BOOST` = 1 (one log unit at oxytocin 1), which takes the
social channels' share to 0.37 and their :math:`d'` to 1.21 (+0.21) while
objects and text fall to 0.73: a small gain in recognition, bought with a
loss elsewhere. Criterion 0 (neutral). *Small* is the only thing this default
borrows from the evidence: meta-analysis reports a small effect of oxytocin on
emotion recognition (Hedges g ≈ 0.29, shahrestani2013impact), but g and the
model's +0.21 in :math:`d'` are different quantities. Hedges g is a
standardised difference between groups' recognition scores (in units of the
spread of scores between people); :math:`d'` is one observer's sensitivity
(in units of the noise within a trial). Neither converts into the other
without a model of the task and of how much people differ, so the boost was
not fitted to g; it is a modelling choice of the same, small, order.

:func:`simulate_detection` turns the rates into counts of a finite
experiment (seeded), so the chapter can show sampling noise.

What the model leaves out: attention that moves within a trial, channels
that interfere rather than compete, and any effect of oxytocin on the
criterion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from ._random import make_rng
from ._validation import check_int, check_real

__all__ = [
    "Attention",
    "Detection",
    "attend",
    "simulate_detection",
    "DEFAULT_CHANNELS",
    "DEFAULT_SOCIAL",
    "OXYTOCIN_BOOST",
    "FULL_D_PRIME",
]

#: Channel names used when none are given.
DEFAULT_CHANNELS = ("faces", "voices", "objects", "text")
#: Channels whose salience oxytocin raises.
DEFAULT_SOCIAL = ("faces", "voices")
#: Salience added to social channels at oxytocin 1 [log units]. A modelling
#: choice that gives a small gain in d′ (+0.21 with the defaults). It is not
#: converted from the meta-analytic Hedges g ≈ 0.29 (shahrestani2013impact):
#: g is a standardised difference between groups' scores, d′ one observer's
#: sensitivity, and the two are in different units.
OXYTOCIN_BOOST = 1.0
#: d′ of a channel that receives all the attention [SD units].
FULL_D_PRIME = 2.0

_MAX_CHANNELS = 12


@dataclass(frozen=True, eq=False)
class Attention:
    """How attention is shared and what each channel can detect.

    channels : tuple of str
        Channel names.
    share : numpy.ndarray, shape (n_channels,)
        Fraction of attention on each channel (sums to 1).
    d_prime : numpy.ndarray, shape (n_channels,)
        Sensitivity d′ of each channel [SD units].
    hit_rate, false_alarm_rate : numpy.ndarray, shape (n_channels,)
        P("yes" | signal) and P("yes" | no signal) per channel.
    criterion : float
        The criterion c used [SD units].

    The arrays are read-only.
    """

    channels: tuple[str, ...]
    share: np.ndarray
    d_prime: np.ndarray
    hit_rate: np.ndarray
    false_alarm_rate: np.ndarray
    criterion: float

    def __post_init__(self) -> None:
        for array in (self.share, self.d_prime, self.hit_rate, self.false_alarm_rate):
            array.setflags(write=False)

    @property
    def proportion_correct(self) -> np.ndarray:
        """Proportion correct per channel with signal on half the trials."""
        return (self.hit_rate + 1.0 - self.false_alarm_rate) / 2.0

    def of(self, channel: str) -> dict[str, float]:
        """share, d_prime, hit_rate and false_alarm_rate of one channel, by name."""
        if channel not in self.channels:
            raise ValueError(f"channel = {channel!r} is not one of {self.channels}")
        i = self.channels.index(channel)
        return {
            "share": float(self.share[i]),
            "d_prime": float(self.d_prime[i]),
            "hit_rate": float(self.hit_rate[i]),
            "false_alarm_rate": float(self.false_alarm_rate[i]),
        }


def attend(
    salience: Sequence[float] | np.ndarray | None = None,
    *,
    channels: Sequence[str] = DEFAULT_CHANNELS,
    social: Sequence[str] = DEFAULT_SOCIAL,
    oxytocin: float = 0.0,
    oxytocin_boost: float = OXYTOCIN_BOOST,
    full_d_prime: float = FULL_D_PRIME,
    criterion: float = 0.0,
) -> Attention:
    """Share attention among channels and read out detection rates.

    salience : sequence of float, or None
        Baseline salience of each channel [log units], each in [-5, 5], one
        per channel; None means all 0.
    channels : sequence of str
        Distinct, non-empty channel names, 1 to 12 of them. Default
        ``("faces", "voices", "objects", "text")``.
    social : sequence of str
        The channels oxytocin boosts; each must be in ``channels`` (may be
        empty). Default ``("faces", "voices")``.
    oxytocin : float
        Oxytocin level [0 placebo … 1 largest effect], in [0, 1]. Default 0.
    oxytocin_boost : float
        Salience added to social channels at oxytocin 1 [log units], in
        [0, 5]. Default :data:`OXYTOCIN_BOOST` (1).
    full_d_prime : float
        d′ with undivided attention [SD units], in (0, 6]. Default 2.
    criterion : float
        Decision criterion c [SD units from the midpoint], in [-3, 3]. Default 0.
    """
    names = _check_channels(channels)
    social_names = _check_social(social, names)
    values = _check_salience(salience, len(names))
    oxytocin = check_real("oxytocin", oxytocin, 0.0, 1.0)
    oxytocin_boost = check_real("oxytocin_boost", oxytocin_boost, 0.0, 5.0)
    full_d_prime = check_real("full_d_prime", full_d_prime, 0.0, 6.0, low_open=True)
    criterion = check_real("criterion", criterion, -3.0, 3.0)

    is_social = np.array([name in social_names for name in names])
    boosted = values + oxytocin_boost * oxytocin * is_social
    # Softmax, shifted by the maximum so exp never overflows.
    weights = np.exp(boosted - boosted.max())
    share = weights / weights.sum()
    d_prime = full_d_prime * np.sqrt(share)
    return Attention(
        channels=names,
        share=share,
        d_prime=d_prime,
        hit_rate=special.ndtr(d_prime / 2.0 - criterion),
        false_alarm_rate=special.ndtr(-d_prime / 2.0 - criterion),
        criterion=criterion,
    )


@dataclass(frozen=True, eq=False)
class Detection:
    """Counts from a simulated detection experiment, per channel.

    channels : tuple of str
        Channel names.
    hits : numpy.ndarray of int64, shape (n_channels,)
        "Yes" answers on the ``n_signal`` signal trials of each channel.
    false_alarms : numpy.ndarray of int64, shape (n_channels,)
        "Yes" answers on the ``n_noise`` no-signal trials of each channel.
    n_signal, n_noise : int
        Trials with and without a signal, per channel.

    The arrays are read-only.
    """

    channels: tuple[str, ...]
    hits: np.ndarray
    false_alarms: np.ndarray
    n_signal: int
    n_noise: int

    def __post_init__(self) -> None:
        self.hits.setflags(write=False)
        self.false_alarms.setflags(write=False)

    @property
    def hit_rate(self) -> np.ndarray:
        """Observed hit rate per channel."""
        return self.hits / self.n_signal

    @property
    def false_alarm_rate(self) -> np.ndarray:
        """Observed false-alarm rate per channel."""
        return self.false_alarms / self.n_noise

    @property
    def d_prime_estimate(self) -> np.ndarray:
        """d′ = z(H) − z(F) per channel, with the log-linear correction.

        Rates are taken as (count + 0.5)/(trials + 1) so that a perfect or an
        empty score still gives a finite estimate (a standard correction in
        signal-detection practice).
        """
        hit = (self.hits + 0.5) / (self.n_signal + 1.0)
        false_alarm = (self.false_alarms + 0.5) / (self.n_noise + 1.0)
        return special.ndtri(hit) - special.ndtri(false_alarm)


def simulate_detection(
    attention: Attention,
    *,
    n_signal: int = 100,
    n_noise: int = 100,
    seed: int | None = None,
) -> Detection:
    """Draw hit and false-alarm counts for each channel of ``attention``.

    attention : Attention
        The rates to sample from (from :func:`attend`).
    n_signal, n_noise : int
        Trials with and without a signal per channel, each in [1, 10⁶].
        Defaults 100 and 100.
    seed : int or None
        None (fresh entropy) or a non-negative integer (reproducible).
    """
    if not isinstance(attention, Attention):
        raise TypeError(
            f"attention must be an Attention, got {attention!r} of type {type(attention).__name__}"
        )
    n_signal = check_int("n_signal", n_signal, 1, 10**6)
    n_noise = check_int("n_noise", n_noise, 1, 10**6)
    rng = make_rng(seed)
    hits = rng.binomial(n_signal, attention.hit_rate).astype(np.int64)
    false_alarms = rng.binomial(n_noise, attention.false_alarm_rate).astype(np.int64)
    return Detection(
        channels=attention.channels,
        hits=hits,
        false_alarms=false_alarms,
        n_signal=n_signal,
        n_noise=n_noise,
    )


def _check_channels(channels: object) -> tuple[str, ...]:
    allowed = f"1 to {_MAX_CHANNELS} distinct non-empty strings"
    if isinstance(channels, str) or not isinstance(channels, Sequence):
        raise TypeError(f"channels must be a sequence of {allowed}, got {channels!r}")
    names = tuple(channels)
    if not all(isinstance(name, str) and name for name in names):
        raise TypeError(f"channels must be a sequence of {allowed}, got {channels!r}")
    if not 1 <= len(names) <= _MAX_CHANNELS or len(set(names)) != len(names):
        raise ValueError(f"channels = {channels!r} is not allowed: need {allowed}")
    return names


def _check_social(social: object, names: tuple[str, ...]) -> frozenset[str]:
    if isinstance(social, str) or not isinstance(social, Sequence):
        raise TypeError(f"social must be a sequence of channel names from {names}, got {social!r}")
    unknown = [name for name in social if name not in names]
    if unknown:
        raise ValueError(
            f"social = {tuple(social)!r} names {unknown[0]!r}, which is not a channel; "
            f"allowed: names from {names}"
        )
    return frozenset(social)


def _check_salience(salience: object, n_channels: int) -> np.ndarray:
    if salience is None:
        return np.zeros(n_channels)
    if isinstance(salience, str | bytes) or not isinstance(salience, Sequence | np.ndarray):
        raise TypeError(
            f"salience must be a sequence of {n_channels} real numbers in [-5, 5], got {salience!r}"
        )
    if isinstance(salience, np.ndarray) and salience.ndim != 1:
        raise ValueError(
            f"salience has shape {salience.shape}; allowed: one dimension, {n_channels} values"
        )
    items = list(salience)
    if len(items) != n_channels:
        raise ValueError(
            f"salience = {salience!r} has {len(items)} values; allowed: exactly {n_channels}, "
            "one per channel"
        )
    return np.array([check_real(f"salience[{i}]", v, -5.0, 5.0) for i, v in enumerate(items)])
