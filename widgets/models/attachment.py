r"""Attachment style as model parameters: the anxiety × avoidance plane.

Adult attachment is described by two dimensions, attachment *anxiety* (worry
about rejection; hyperactivating strategies) and *avoidance* (discomfort with
closeness; deactivating strategies) (fraley2000adult; background in
bowlby1969attachment and hazan1987romantic). Both are given here on a
standardised scale in [-1, 1]: 0 is average, −1 very low, +1 very high.

**The mapping** (a toy: the directions come from the literature, the sizes
are choices, stated below):

.. math::

    \text{bias} &= -(0.5\,\text{anxiety} + 0.2\,\text{avoidance}) \\
    \text{threshold} &= \text{threshold}_0\,(1 - 0.4\,\text{anxiety}) \\
    \text{social\_salience} &= 1 + 0.3\,\text{anxiety} - 0.5\,\text{avoidance}

* **bias** (expectation, the start of the evidence in the reading model):
  socially anxious people read ambiguous social material negatively
  (chen2020interpretation: g ≈ 0.83, possibly inflated). That meta-analysis
  is about *social* anxiety, a related trait, not attachment anxiety: that
  attachment anxiety lowers the expectation in the same way is this
  mapping's assumption, and so is the smaller pull of avoidance. (That
  oxytocin's effects turn with attachment anxiety, bartz2010effects and
  bartz2011oxytocin, is why the book maps attachment at all; those studies
  measured memories, trust and cooperation, not expectations about faces.)
  Anxiety counts most
  (:data:`ANXIETY_BIAS` = 0.5), avoidance a little (:data:`AVOIDANCE_BIAS` =
  0.2): the secure corner (−1, −1) expects +0.7, the fearful corner (+1, +1)
  −0.7.
* **threshold** (evidence wanted before deciding): anxiously attached people
  perceive expressions appearing and disappearing earlier and are less
  accurate when they judge quickly (fraley2006adult; only its title and
  abstract have been verified, so it is not yet in the book's bibliography),
  i.e. a lower bound. Until that source is verified the direction is this
  mapping's assumption;
  :data:`ANXIETY_THRESHOLD` = 0.4 moves it ±40 % at the extremes.
  ``threshold`` :math:`\text{threshold}_0` is the average person's, in
  [0.4, 2] evidence units (so the result stays in the reading model's
  [0.2, 3]).
* **social_salience** (a dimensionless weight, 1 = average, range [0.2, 1.8]):
  hyperactivation makes anxious people vigilant to social cues, deactivation
  turns avoidant people's attention away from them (the mapping's reading of
  the two dimensions, fraley2000adult; no study here measured this weight).
  It scales how much oxytocin raises social salience; the profile gives the
  scaled values ready to use:
  ``salience_gain`` = SALIENCE_GAIN × weight for
  :func:`~widgets.models.interpretation.read_expression` and
  ``oxytocin_boost`` = OXYTOCIN_BOOST × weight for
  :func:`~widgets.models.attention.attend`.

The four regions of the plane carry the usual names: *secure* (both ≤ 0),
*preoccupied* (anxious, not avoidant), *dismissing* (avoidant, not anxious),
*fearful* (both > 0) (fraley2000adult). The dimensions are continuous; the
names are labels for the quadrants, not types.

What the mapping leaves out: everything attachment means beyond reading faces,
any correlation of the dimensions with oxytocin levels (the one reported is
positive, r = 0.30 between plasma oxytocin and attachment anxiety in 45
people, marazziti2006relationship), and relationship-specific styles. The
sizes of all five coefficients are choices, not estimates.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._validation import check_real
from .attention import OXYTOCIN_BOOST
from .interpretation import SALIENCE_GAIN, Perceiver

__all__ = [
    "AttachmentProfile",
    "attachment_profile",
    "ANXIETY_BIAS",
    "AVOIDANCE_BIAS",
    "ANXIETY_THRESHOLD",
    "ANXIETY_SALIENCE",
    "AVOIDANCE_SALIENCE",
]

#: Expectation lost per unit of anxiety [fraction of the bound].
ANXIETY_BIAS = 0.5
#: Expectation lost per unit of avoidance [fraction of the bound].
AVOIDANCE_BIAS = 0.2
#: Fractional lowering of the threshold per unit of anxiety.
ANXIETY_THRESHOLD = 0.4
#: Social-salience weight gained per unit of anxiety.
ANXIETY_SALIENCE = 0.3
#: Social-salience weight lost per unit of avoidance.
AVOIDANCE_SALIENCE = 0.5


@dataclass(frozen=True)
class AttachmentProfile:
    """A point on the anxiety × avoidance plane and what it means for the models.

    anxiety, avoidance : float
        Attachment anxiety and avoidance [standardised, −1 … +1].
    perceiver : Perceiver
        Bias, threshold and noise for the reading model.
    social_salience : float
        Weight on oxytocin's boost to social salience [dimensionless, 1 = average].
    """

    anxiety: float
    avoidance: float
    perceiver: Perceiver
    social_salience: float

    @property
    def style(self) -> str:
        """Quadrant name: "secure", "preoccupied", "dismissing" or "fearful"."""
        anxious = self.anxiety > 0
        avoidant = self.avoidance > 0
        if anxious and avoidant:
            return "fearful"
        if anxious:
            return "preoccupied"
        if avoidant:
            return "dismissing"
        return "secure"

    @property
    def salience_gain(self) -> float:
        """SALIENCE_GAIN × social_salience: pass as ``salience_gain`` to read_expression."""
        return SALIENCE_GAIN * self.social_salience

    @property
    def oxytocin_boost(self) -> float:
        """OXYTOCIN_BOOST × social_salience: pass as ``oxytocin_boost`` to attend."""
        return OXYTOCIN_BOOST * self.social_salience


def attachment_profile(
    anxiety: float = 0.0,
    avoidance: float = 0.0,
    *,
    threshold: float = 1.0,
    noise: float = 1.0,
) -> AttachmentProfile:
    """Map a point on the anxiety × avoidance plane to model parameters.

    anxiety, avoidance : float
        Attachment anxiety and avoidance [standardised: 0 average, ±1
        extreme], each in [-1, 1]. Defaults 0.
    threshold : float
        The average person's threshold [evidence units], in [0.4, 2]. Default 1.
    noise : float
        Noise of the evidence [evidence units per √s], in [0.2, 3]; not
        changed by attachment. Default 1.

    See the module docstring for the equations and their sources.
    """
    anxiety = check_real("anxiety", anxiety, -1.0, 1.0)
    avoidance = check_real("avoidance", avoidance, -1.0, 1.0)
    threshold = check_real("threshold", threshold, 0.4, 2.0)
    noise = check_real("noise", noise, 0.2, 3.0)
    perceiver = Perceiver(
        bias=-(ANXIETY_BIAS * anxiety + AVOIDANCE_BIAS * avoidance),
        threshold=threshold * (1.0 - ANXIETY_THRESHOLD * anxiety),
        noise=noise,
    )
    weight = 1.0 + ANXIETY_SALIENCE * anxiety - AVOIDANCE_SALIENCE * avoidance
    return AttachmentProfile(
        anxiety=anxiety, avoidance=avoidance, perceiver=perceiver, social_salience=weight
    )
