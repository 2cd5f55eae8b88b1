r"""Dose–response curves: real hormesis versus context-dependence.

Two toy models, kept side by side so the hormesis chapter can contrast them.

**1. The Brain–Cousens curve** (brain1989equation: P. Brain and R. Cousens,
"An equation to describe dose responses where there is stimulation of growth
at low doses", Weed Research, 1989), a standard way to describe a hormetic
dose–response in toxicology and plant science:

.. math::

    y(x) = c + \frac{d - c + f\,x}{1 + \exp\bigl(b\,(\ln x - \ln e)\bigr)}
         = c + \frac{d - c + f\,x}{1 + (x/e)^{b}}

* ``dose`` :math:`x \ge 0` (arbitrary dose units; 0 is the untreated control);
* ``control`` :math:`d`: the response at dose 0 (percent of control, so 100 by
  default);
* ``floor`` :math:`c < d`: the response that high doses approach (percent);
* ``slope`` :math:`b > 1`: how steeply the response falls; it must exceed 1 or
  the :math:`f\,x` term would keep pace with (b = 1) or outgrow (b < 1) the
  denominator at high doses and the curve would never fall to the floor;
* ``scale`` :math:`e > 0` (dose units): sets where the fall happens (with
  :math:`f = 0` it is the dose that halves the way from control to floor);
* ``hormesis`` :math:`f \ge 0` (percent per dose unit): the low-dose
  stimulation. With :math:`f = 0` the curve falls monotonically from :math:`d`
  to :math:`c`; with :math:`f > 0` it first rises above the control, because
  :math:`y'(0) = f` when :math:`b > 1`.

How large real hormetic peaks are: "usually 30–60 %" above control at most,
in the summary of the idea's main proponents (calabrese2002defining). In one
group's database of 687 curves of four plant and alga species exposed to
herbicides and a fungicide (cedergreen2006occurrence), only part of the curves rose above
control, and the size depended on what was measured: fitted with "a
dose-response model including a parameter for hormesis" (the abstract does
not say which), the average increase was 9–16 % of the control for relative
growth rates and 38–43 % for dry weight in the two terrestrial species. The
defaults below (``slope=3``, ``scale=2``, ``hormesis=50``) give a peak about a
third above control, at a dose near 1: inside the proponents' 30–60 %
(``tests/test_dose_response.py`` checks it).

**2. Context-dependence** (bartz2011social): the effect of one dose differs
in sign between people and settings. In this toy model a dose raises the
*salience* of social cues, :math:`s(x) = x / (x + h)` (a saturating curve,
``half_dose`` :math:`h` in dose units), and the sign of the effect comes from
what the person expects in this setting:

.. math::

    \Delta(x) = A \, s(x) \, \frac{\text{security} + \text{context}}{2}

with ``security`` and ``context`` in [-1, 1] (−1: anxious person / threatening
setting; +1: secure person / safe setting) and ``max_effect`` :math:`A`
(percent change in affiliative behaviour). Person and setting carry equal
weight (one half each); a setting can override a person only by being
further from 0 than the person's security. That opposite signs for opposite
people are possible at one dose is written into the equation, not found by
it: the model illustrates the *idea* in bartz2011social and is not fitted to
any data. There is no dose that is "good" or "bad" here: the same dose
amplifies whatever the person and the setting already lean towards. It
leaves out dose-dependence beyond saturation, individual receptor
differences and everything about how much intranasal oxytocin reaches the
brain, which is disputed (leng2016intranasal against striepens2013elevated
and quintana2016intranasal).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar

from ._validation import check_real

__all__ = [
    "BrainCousens",
    "context_effect",
    "MAX_DOSE",
]

#: Largest dose the models accept (dose units). Doses are on an arbitrary
#: scale; the explorers use 0–10.
MAX_DOSE = 1000.0


@dataclass(frozen=True)
class BrainCousens:
    """Parameters of a Brain–Cousens hormetic curve, validated on construction.

    Parameters (units in brackets; allowed ranges enforced):

    control : float
        Response at dose 0 [percent of control], in (floor, 1000]. Default 100.
    floor : float
        Response approached at high doses [percent], in [0, control). Default 0.
    slope : float
        Steepness b of the fall [dimensionless], in (1, 20]. Default 3.
    scale : float
        Dose scale e [dose units], in (0, 1000]. Default 2.
    hormesis : float
        Low-dose stimulation f [percent per dose unit], in [0, 1000]. Default 50.
    """

    control: float = 100.0
    floor: float = 0.0
    slope: float = 3.0
    scale: float = 2.0
    hormesis: float = 50.0

    def __post_init__(self) -> None:
        check_real("control", self.control, 0.0, 1000.0, low_open=True)
        check_real("floor", self.floor, 0.0, 1000.0)
        if not self.floor < self.control:
            raise ValueError(
                f"floor = {self.floor!r} must be below control = {self.control!r}: "
                f"allowed range for floor is [0, {self.control:g})"
            )
        check_real("slope", self.slope, 1.0, 20.0, low_open=True)
        check_real("scale", self.scale, 0.0, 1000.0, low_open=True)
        check_real("hormesis", self.hormesis, 0.0, 1000.0)

    def response(self, dose: float | np.ndarray) -> np.ndarray:
        """The response y(dose) [percent]; ``dose`` in [0, MAX_DOSE] dose units."""
        x = _check_doses(dose)
        # (x/e)^b written as exp(b (ln x - ln e)) would warn at x = 0; the power
        # form gives exactly 0 there, so y(0) = d with no special case.
        ratio = np.power(x / self.scale, self.slope)
        return self.floor + (self.control - self.floor + self.hormesis * x) / (1.0 + ratio)

    def peak(self) -> tuple[float, float]:
        """(dose, response) at the curve's maximum.

        With ``hormesis == 0`` the maximum is the control at dose 0. Otherwise
        the curve rises from the control (slope f at dose 0) and has one
        interior maximum, found numerically below ``scale · 10``: past a few
        scales the denominator grows like x^b with b > 1 and the curve only falls.
        """
        if self.hormesis == 0:
            return 0.0, float(self.control)
        result = minimize_scalar(
            lambda x: -float(self.response(x)),
            bounds=(0.0, min(10.0 * self.scale, MAX_DOSE)),
            method="bounded",
            options={"xatol": 1e-9 * self.scale},
        )
        return float(result.x), float(-result.fun)

    def peak_stimulation(self) -> float:
        """Height of the peak above the control, as percent of the control."""
        _, top = self.peak()
        return 100.0 * (top - self.control) / self.control


def context_effect(
    dose: float | np.ndarray,
    *,
    security: float,
    context: float,
    max_effect: float = 40.0,
    half_dose: float = 2.0,
) -> np.ndarray:
    """Toy person × context model: change in affiliative behaviour [percent].

    dose in [0, MAX_DOSE] dose units; security and context in [-1, 1];
    max_effect in [0, 100] percent; half_dose in (0, 1000] dose units.
    See the module docstring for the equation and what it leaves out.
    """
    x = _check_doses(dose)
    security = check_real("security", security, -1.0, 1.0)
    context = check_real("context", context, -1.0, 1.0)
    max_effect = check_real("max_effect", max_effect, 0.0, 100.0)
    half_dose = check_real("half_dose", half_dose, 0.0, 1000.0, low_open=True)
    salience = x / (x + half_dose)
    return max_effect * salience * (security + context) / 2.0


def _check_doses(dose: float | np.ndarray) -> np.ndarray:
    """Doses as a float array, refusing NaN, negatives and doses above MAX_DOSE."""
    if isinstance(dose, bool):
        raise TypeError(f"dose must be a number or array of numbers, got {dose!r}")
    try:
        x = np.asarray(dose, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"dose must be a number or array of numbers, got {dose!r}") from error
    if np.isnan(x).any():
        raise ValueError(f"dose contains nan; allowed range is [0, {MAX_DOSE:g}]")
    bad = (x < 0) | (x > MAX_DOSE)
    if bad.any():
        first = x[bad].flat[0]
        raise ValueError(f"dose = {first!r} is outside the allowed range [0, {MAX_DOSE:g}]")
    return x
