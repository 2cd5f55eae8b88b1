"""The book's shared scenarios, and the way its pages write numbers.

The chapters and the explorers come back again and again to the same people and the same
settings: Tom, who expects friendliness, and Mary, who expects hostility; a smile and a frown
read while they form; a secure and an anxious person; oxytocin's two pulls set so that
salience wins, the two balance, or speed wins. Each is defined here, once, and imported by
every chapter and explorer that uses it, so that a page and the explorer beside it cannot
drift apart. A chapter that needs one of these never types the number itself.

Scenarios
---------

* :data:`TOM_BIAS`, :data:`MARY_BIAS`: Tom and Mary *reading a face*: the expectation
  (the reading model's ``bias``, −1 hostile … +1 friendly) each brings to it.
* :data:`TOM_BELIEF`, :data:`MARY_BELIEF`, :data:`START_GAP`: Tom and Mary *at church*:
  their belief about the congregation when a service starts (the church model's
  perceiver ``bias``).
* :data:`TOM_ATTACHMENT`, :data:`MARY_ATTACHMENT`: Tom and Mary as points
  ``(anxiety, avoidance)`` on the attachment plane.
* :data:`SMILE`, :data:`FROWN`, :data:`ONSET`: the faces the readouts report (intended
  valence) and the time a face takes to form.
* :data:`SECURE_PERSON`, :data:`ANXIOUS_PERSON`: the two people of the toy
  person × context model (security, −1 … +1).
* :class:`Regime`, :data:`CHURCH_REGIMES`, :data:`ATTACHMENT_REGIMES`: oxytocin's two
  pulls, "salience wins", "balanced" and "speed wins".

Numbers on the page
-------------------

:func:`pct`, :func:`num` and :func:`compact` write numbers as the book prints them, with a
true minus sign (U+2212, which screen readers say as "minus"), never "−0.00". A number from a
*sampled* model is written with :func:`sampled`, which adds its standard error and refuses an
estimate that has none:

>>> pct(0.437), num(-0.6), num(0.6, sign=True), num(-0.004, sign=True), compact(-2.5)
('44', '−0.60', '+0.60', '0.00', '−2.5')

Extending this module
---------------------

Add a scenario here when a second chapter or explorer needs it, with a comment saying what
it stands for and in which units, and import it where it was defined before (keeping the
old name as an alias if tests or chapters use it). Only plain values and pure functions
belong here: this module imports nothing but :mod:`widgets.models`, so the explorers'
results cache (:func:`widgets.explorers.framework.results_fingerprint`) follows it.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from .models.interpretation import SALIENCE_GAIN, SPEEDUP

__all__ = [
    "TOM_BIAS",
    "MARY_BIAS",
    "TOM_BELIEF",
    "MARY_BELIEF",
    "START_GAP",
    "TOM_ATTACHMENT",
    "MARY_ATTACHMENT",
    "SMILE",
    "FROWN",
    "ONSET",
    "SECURE_PERSON",
    "ANXIOUS_PERSON",
    "Regime",
    "CHURCH_REGIMES",
    "ATTACHMENT_REGIMES",
    "MINUS",
    "pct",
    "num",
    "compact",
    "sampled",
]

# -- Tom and Mary ----------------------------------------------------------------------

#: Tom and Mary reading a face: their expectations (bias, in [−1, 1]). Tom expects
#: friendliness, Mary hostility (the faces, forming-face and reading-faces pages).
TOM_BIAS = 0.4
MARY_BIAS = -0.4

#: Tom and Mary at church: their beliefs about the congregation when a service starts
#: (belief units, −1 hostile … +1 friendly), and the gap between them.
TOM_BELIEF = 0.6
MARY_BELIEF = -0.6
START_GAP = TOM_BELIEF - MARY_BELIEF

#: Tom and Mary on the attachment plane, as (anxiety, avoidance): Tom in the secure
#: corner, Mary anxious (high anxiety, average avoidance).
TOM_ATTACHMENT = (-1.0, -1.0)
MARY_ATTACHMENT = (1.0, 0.0)

# -- Faces -------------------------------------------------------------------------------

#: The faces the readouts report (intended valence, −1 hostile … +1 friendly): a smile
#: forming, the post's example, and a frown forming.
SMILE = 0.5
FROWN = -0.5
#: How long a face takes to form [s]: a reading made sooner reads an inchoate face.
ONSET = 0.5

# -- A secure and an anxious person (the toy person × context model) --------------------

#: Security on the toy model's −1..1 scale. Nearer 0 than the ends of the setting
#: scale (±1), so that the settings in which both people move the same way are wide
#: stretches of the hormesis explorer's right panel, easy to see.
SECURE_PERSON = 0.5
ANXIOUS_PERSON = -0.5

# -- Oxytocin's two pulls -----------------------------------------------------------------


class Regime(NamedTuple):
    """A setting of oxytocin's two pulls, by name: a gain on the evidence
    (``salience_gain``: faces become clearer) and a lower bound (``speedup``: readings
    come sooner). A plain tuple too: ``name, salience_gain, speedup = regime``."""

    name: str
    salience_gain: float
    speedup: float


#: The church's three regimes (the Tom-and-Mary explorer and chapter). "Balanced" is
#: the reading model's default pair; the other two let one pull act alone.
CHURCH_REGIMES = (
    Regime("salience wins", 2.0, 0.0),
    Regime("balanced", SALIENCE_GAIN, SPEEDUP),
    Regime("speed wins", 0.0, 0.8),
)

#: The attachment plane's three regimes (the attachment explorer and chapter). Here
#: ``salience_gain`` is a *base* gain: a perceiver gets it times their social-salience
#: weight. "Balanced" is the reading model's default pair.
ATTACHMENT_REGIMES = (
    Regime("salience wins", 1.0, 0.0),
    Regime("balanced", SALIENCE_GAIN, SPEEDUP),
    Regime("speed wins", 0.0, 0.8),
)

# -- Numbers on the page --------------------------------------------------------------------

#: The true minus sign the book prints ("−0.4", not "-0.4").
MINUS = "\u2212"


def pct(value: float) -> str:
    """A share as a whole percentage, without the "%" (the page adds " %"): 0.437 -> '44'."""
    return f"{100 * value:.0f}"


def num(value: float, decimals: int = 2, *, sign: bool = False) -> str:
    """``value`` to ``decimals`` places with a true minus sign: '0.37', '−1.25'.

    With ``sign=True`` a positive number shows its plus too: '+0.60', '−0.60'. A value
    that rounds to zero is written without a sign either way ('0.00', never '−0.00' or
    '+0.00').
    """
    rounded = round(value, decimals) + 0.0  # + 0.0 turns −0.0 into 0.0
    if sign and rounded != 0:
        return f"{value:+.{decimals}f}".replace("-", MINUS)
    return f"{rounded:.{decimals}f}".replace("-", MINUS)


def compact(value: float, *, sign: bool = False) -> str:
    """``value`` as short as it goes (Python's general format) with a true minus sign:
    '3', '2.5', '−0.4'; with ``sign=True`` '+2.5' too."""
    return f"{value:{'+' if sign else ''}g}".replace("-", MINUS)


def sampled(estimate, decimals: int = 2, *, sign: bool = False, scale: float = 1.0) -> str:
    """A sampled estimate with its standard error, as the book prints it: '0.43 ± 0.02'.

    ``estimate`` has ``value`` and ``se`` (an :class:`~widgets.explorers.framework.Estimate`);
    both are multiplied by ``scale`` (100 for a share in percent). Raises ValueError when the
    standard error is not a positive finite number, so that a sampled number cannot reach
    the page without one (an exact number is written with :func:`num` instead).

    >>> from types import SimpleNamespace as E
    >>> sampled(E(value=0.4321, se=0.0123)), sampled(E(value=-0.2, se=0.01), sign=True)
    ('0.43 ± 0.01', '−0.20 ± 0.01')
    >>> sampled(E(value=0.2, se=0.0042))
    '0.20 ± 0.004'
    """
    se = float(estimate.se)
    if not (se > 0 and se < float("inf")):
        raise ValueError(f"sampled: standard error = {se!r} must be a positive finite number; "
                         f"write an exact value with num()")
    value = num(scale * float(estimate.value), decimals, sign=sign)
    error = scale * se
    # An error that rounds to zero at the value's precision is shown to one significant
    # figure ('0.20 ± 0.004'), never as '± 0.00'.
    shown = decimals if round(error, decimals) > 0 else -int(math.floor(math.log10(error)))
    return f"{value} ± {num(error, shown)}"
