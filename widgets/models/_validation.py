"""Input checks shared by every model.

Each check raises ``TypeError`` for a value of the wrong type and ``ValueError``
for a value outside its allowed range, and the message always names the
parameter, the value it got and the range it allows, e.g.::

    ValueError: threshold = 5.0 is outside the allowed range [0.2, 3]

Nothing is clipped: a model either gets a value it can use or refuses it.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["check_int", "check_real", "check_reals"]


def _format_range(low: float, high: float, low_open: bool, high_open: bool) -> str:
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    return f"{left}{low:g}, {high:g}{right}"


def check_real(
    name: str,
    value: object,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a float if it is a finite real number in range.

    ``low_open`` / ``high_open`` exclude the end point (an open interval).
    Booleans are refused: ``True`` is an int in Python but never a sensible
    threshold or dose.
    """
    allowed = _format_range(low, high, low_open, high_open)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number in {allowed}, got {value!r} "
            f"of type {type(value).__name__}"
        )
    number = float(value)
    if math.isnan(number):
        raise ValueError(f"{name} = nan is not a number; allowed range is {allowed}")
    too_low = number <= low if low_open else number < low
    too_high = number >= high if high_open else number > high
    if too_low or too_high or math.isinf(number):
        raise ValueError(f"{name} = {value!r} is outside the allowed range {allowed}")
    return number


def check_int(name: str, value: object, low: int, high: int) -> int:
    """Return ``value`` as an int if it is an integer in ``[low, high]``."""
    allowed = f"[{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer in {allowed}, got {value!r} "
            f"of type {type(value).__name__}"
        )
    number = int(value)
    if not low <= number <= high:
        raise ValueError(f"{name} = {value!r} is outside the allowed range {allowed}")
    return number


def check_reals(name: str, value, low: float, high: float, *,
                low_open: bool = False) -> np.ndarray:
    """``value`` (a number or an array of numbers) as a float array if every element is a
    finite number in range; the error names the parameter, the first bad value and the
    allowed range, as :func:`check_real` does."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}") \
            from None
    if np.asarray(value).dtype == bool:
        raise TypeError(f"{name} must be a number or an array of numbers, got booleans")
    flat = array.reshape(-1)
    above_low = flat > low if low_open else flat >= low
    good = np.isfinite(flat) & above_low & (flat <= high)
    if not good.all():
        check_real(name, float(flat[~good][0]), low, high, low_open=low_open)  # raises
    return array
