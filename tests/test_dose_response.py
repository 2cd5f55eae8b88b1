"""The Brain–Cousens curve and the toy context model, within their valid ranges."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.models.dose_response import MAX_DOSE, BrainCousens, context_effect

valid_curves = st.builds(
    BrainCousens,
    control=st.floats(50, 500),
    floor=st.floats(0, 40),
    # (b close to 1 makes the hormetic bump too small and too near dose 0 for
    # float64 to see; the closed-form tests below cover b = 2 exactly.)
    slope=st.floats(1.5, 20),
    scale=st.floats(0.1, 100),
    # f = 0 exactly, or large enough that the bump exceeds float rounding near the control.
    hormesis=st.one_of(st.just(0.0), st.floats(0.5, 500)),
)


@settings(deadline=None, max_examples=60)
@given(valid_curves)
def test_dose_zero_gives_the_control(curve):
    assert curve.response(0.0) == pytest.approx(curve.control, rel=1e-12)


@settings(deadline=None, max_examples=60)
@given(valid_curves)
def test_high_doses_approach_the_floor(curve):
    # y - c = (d - c + f x) / (1 + (x/e)^b) <= (d - c + f x) (e/x)^b: an explicit bound
    # that goes to 0 because b > 1; check the curve sits between c and the bound.
    x = MAX_DOSE
    bound = (curve.control - curve.floor + curve.hormesis * x) * (curve.scale / x) ** curve.slope
    y = float(curve.response(x))
    assert curve.floor <= y <= curve.floor + bound * (1 + 1e-9)


def test_floor_is_reached_in_the_limit():
    curve = BrainCousens(floor=20.0, slope=2.0, scale=1.0, hormesis=10.0)
    doses = np.array([1e1, 1e2, 1e3])
    excess = curve.response(doses) - curve.floor
    assert np.all(np.diff(excess) < 0)
    assert excess[-1] < 0.02  # ~ f e^b / x^(b-1) = 10 / 1000


@settings(deadline=None, max_examples=60)
@given(valid_curves)
def test_peak_above_control_exactly_when_hormesis_is_positive(curve):
    doses = np.linspace(0, min(20 * curve.scale, MAX_DOSE), 4001)
    best = float(np.max(curve.response(doses)))
    if curve.hormesis > 0:
        # Near 0, y - d ≈ f x - (d - c)(x/e)^b, which is positive once
        # x^(b-1) < f e^b / (d - c); at half that bound y - d ≈ f x / 2 > 0.
        d_minus_c = curve.control - curve.floor
        bound = 0.5 * curve.hormesis * curve.scale**curve.slope / d_minus_c
        small = min(bound ** (1.0 / (curve.slope - 1.0)), curve.scale)
        assert float(curve.response(small)) > curve.control
        assert curve.peak()[1] > curve.control
        assert curve.peak()[1] >= best - 1e-6 * abs(best)
    else:
        assert best == pytest.approx(curve.control)
        assert curve.peak() == (0.0, curve.control)
        assert np.all(np.diff(curve.response(doses)) <= 0)


def test_peak_matches_the_calculus_closed_form():
    # d = 100, c = 0, b = 2, e = 2, f: y = (100 + f x) / (1 + x^2/4). Setting y' = 0
    # gives f x^2 + 200 x - 4 f = 0, so x* = (-200 + sqrt(200^2 + 16 f^2)) / (2 f).
    for f in (10.0, 75.0, 300.0):
        curve = BrainCousens(slope=2.0, scale=2.0, hormesis=f)
        expected_dose = (-200 + math.sqrt(200**2 + 16 * f**2)) / (2 * f)
        dose, top = curve.peak()
        assert dose == pytest.approx(expected_dose, rel=1e-6)
        assert top == pytest.approx((100 + f * expected_dose) / (1 + expected_dose**2 / 4))


def test_default_curve_is_a_realistic_hormetic_curve():
    # Hormetic stimulation is modest: usually 30-60 % above control
    # (calabrese2002defining, its proponents); in plants and algae 9-16 % for growth
    # rates and 38-43 % for dry weight (cedergreen2006occurrence).
    stimulation = BrainCousens().peak_stimulation()
    assert 30 <= stimulation <= 43


@pytest.mark.parametrize(
    ("kwargs", "name", "allowed"),
    [
        ({"slope": 1.0}, "slope", "(1, 20]"),
        ({"slope": 0.5}, "slope", "(1, 20]"),
        ({"hormesis": -1.0}, "hormesis", "[0, 1000]"),
        ({"scale": 0.0}, "scale", "(0, 1000]"),
        ({"floor": 100.0}, "floor", "[0, 100)"),
        ({"floor": 120.0, "control": 100.0}, "floor", "[0, 100)"),
        ({"control": float("nan")}, "control", "(0, 1000]"),
    ],
)
def test_bad_parameters_are_refused_with_name_value_and_range(kwargs, name, allowed):
    with pytest.raises(ValueError) as error:
        BrainCousens(**kwargs)
    message = str(error.value)
    assert name in message
    assert allowed in message
    value = kwargs[name]
    assert (repr(value) in message) or ("nan" in message and math.isnan(value))


def test_wrong_types_are_refused():
    with pytest.raises(TypeError, match="slope"):
        BrainCousens(slope="3")
    with pytest.raises(TypeError, match="hormesis"):
        BrainCousens(hormesis=True)


@pytest.mark.parametrize("dose", [-0.1, MAX_DOSE * 2, float("nan")])
def test_bad_doses_are_refused(dose):
    with pytest.raises(ValueError, match="dose"):
        BrainCousens().response(np.array([1.0, dose]))


def test_context_effect_is_antisymmetric_and_saturates():
    doses = np.linspace(0, 50, 11)
    for context in (-0.5, 0.0, 0.3):
        secure = context_effect(doses, security=0.8, context=context)
        anxious = context_effect(doses, security=-0.8, context=-context)
        np.testing.assert_allclose(secure, -anxious, atol=1e-12)
    at_zero = context_effect(0.0, security=1.0, context=1.0)
    assert at_zero == 0.0
    # s(x) = x / (x + h) -> 1: the effect approaches max_effect * (security + context) / 2.
    large = context_effect(1e3, security=1.0, context=0.0, max_effect=40.0, half_dose=2.0)
    assert large == pytest.approx(20.0 * 1e3 / (1e3 + 2.0))


def test_same_dose_opposite_signs_in_an_ambiguous_setting():
    secure = context_effect(5.0, security=0.8, context=0.0)
    anxious = context_effect(5.0, security=-0.8, context=0.0)
    assert secure > 0 > anxious


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"security": 1.5}, "security"), ({"context": -2.0}, "context"),
     ({"max_effect": 101.0}, "max_effect"), ({"half_dose": 0.0}, "half_dose")],
)
def test_context_effect_refuses_bad_parameters(kwargs, name):
    arguments = {"security": 0.0, "context": 0.0, **kwargs}
    with pytest.raises(ValueError, match=name):
        context_effect(1.0, **arguments)
