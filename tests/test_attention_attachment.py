"""Attention (softmax shares, signal detection) and the attachment mapping."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from widgets.models import (
    DEFAULT_CHANNELS,
    Expression,
    Perceiver,
    attachment_profile,
    attend,
    read_expression,
    simulate_detection,
)
from widgets.models.attention import FULL_D_PRIME, OXYTOCIN_BOOST
from widgets.models.interpretation import SALIENCE_GAIN

# --- attention ------------------------------------------------------------------------


def softmax(values):
    e = [math.exp(v) for v in values]
    return [x / sum(e) for x in e]


def test_default_shares_are_equal_and_sensitivities_follow():
    attention = attend()
    assert attention.channels == DEFAULT_CHANNELS
    assert np.allclose(attention.share, 0.25)
    assert np.allclose(attention.d_prime, FULL_D_PRIME * 0.5)


@pytest.mark.parametrize("oxytocin", [0.0, 0.3, 1.0])
def test_shares_are_a_softmax_with_a_social_boost(oxytocin):
    salience = [0.5, -0.2, 1.0, 0.0]
    attention = attend(salience, oxytocin=oxytocin)
    boosted = [s + OXYTOCIN_BOOST * oxytocin * (i < 2) for i, s in enumerate(salience)]
    expected = softmax(boosted)
    assert np.allclose(attention.share, expected, rtol=1e-12)
    assert attention.share.sum() == pytest.approx(1.0)
    assert np.allclose(attention.d_prime, FULL_D_PRIME * np.sqrt(expected))


def test_oxytocin_moves_attention_from_other_things_to_faces():
    placebo, dosed = attend(oxytocin=0.0), attend(oxytocin=1.0)
    for name in ("faces", "voices"):
        assert dosed.of(name)["d_prime"] > placebo.of(name)["d_prime"]
        assert dosed.of(name)["hit_rate"] > placebo.of(name)["hit_rate"]
    for name in ("objects", "text"):
        assert dosed.of(name)["share"] < placebo.of(name)["share"]
        assert dosed.of(name)["d_prime"] < placebo.of(name)["d_prime"]
    # the default effect stays small (|Δd′| ≲ 0.3, like g ≈ 0.29 for recognition)
    assert 0 < dosed.of("faces")["d_prime"] - placebo.of("faces")["d_prime"] < 0.3


def test_signal_detection_rates_invert_to_d_prime_and_criterion():
    for criterion in (-0.8, 0.0, 0.5):
        attention = attend([0.3, 0.0, -0.4, 1.2], oxytocin=0.6, criterion=criterion)
        z_hit = stats.norm.ppf(attention.hit_rate)
        z_false_alarm = stats.norm.ppf(attention.false_alarm_rate)
        assert np.allclose(z_hit - z_false_alarm, attention.d_prime)
        assert np.allclose(-(z_hit + z_false_alarm) / 2, criterion)
        pc = (attention.hit_rate + 1 - attention.false_alarm_rate) / 2
        assert np.allclose(attention.proportion_correct, pc)


def test_shifting_every_salience_changes_nothing():
    a = attend([0.1, 0.2, 0.3, 0.4], oxytocin=0.5)
    b = attend([2.1, 2.2, 2.3, 2.4], oxytocin=0.5)
    assert np.allclose(a.share, b.share)


def test_without_social_channels_oxytocin_does_nothing():
    a = attend(channels=("a", "b", "c"), social=(), oxytocin=0.0)
    b = attend(channels=("a", "b", "c"), social=(), oxytocin=1.0)
    assert np.allclose(a.share, b.share)


def test_simulated_detection_is_binomial_and_reproducible():
    attention = attend(oxytocin=1.0, criterion=0.2)
    big = simulate_detection(attention, n_signal=10**6, n_noise=10**6, seed=1)
    se = np.sqrt(attention.hit_rate * (1 - attention.hit_rate) / 10**6)
    assert np.all(np.abs(big.hit_rate - attention.hit_rate) < 5 * se)
    se = np.sqrt(attention.false_alarm_rate * (1 - attention.false_alarm_rate) / 10**6)
    assert np.all(np.abs(big.false_alarm_rate - attention.false_alarm_rate) < 5 * se)
    assert np.allclose(big.d_prime_estimate, attention.d_prime, atol=0.02)

    a = simulate_detection(attention, n_signal=50, seed=2)
    b = simulate_detection(attention, n_signal=50, seed=2)
    assert np.array_equal(a.hits, b.hits) and np.array_equal(a.false_alarms, b.false_alarms)
    assert np.all((a.hits >= 0) & (a.hits <= 50))
    perfect = simulate_detection(
        attend(full_d_prime=6.0, channels=("x",), social=()), n_signal=1, n_noise=1, seed=3
    )
    assert np.isfinite(perfect.d_prime_estimate).all()


@pytest.mark.parametrize(
    ("kwargs", "name", "error"),
    [
        ({"salience": [0.0, 0.0, 0.0]}, "salience", ValueError),
        ({"salience": [0.0, 0.0, 9.0, 0.0]}, "salience", ValueError),
        ({"salience": [0.0, math.nan, 0.0, 0.0]}, "salience", ValueError),
        ({"salience": [0.0, "x", 0.0, 0.0]}, "salience", TypeError),
        ({"salience": np.zeros((2, 2))}, "salience", ValueError),
        ({"salience": 0.5}, "salience", TypeError),
        ({"channels": ("a", "a")}, "channels", ValueError),
        ({"channels": ()}, "channels", ValueError),
        ({"channels": "faces"}, "channels", TypeError),
        ({"social": ("eyes",)}, "social", ValueError),
        ({"oxytocin": 1.5}, "oxytocin", ValueError),
        ({"oxytocin_boost": -1.0}, "oxytocin_boost", ValueError),
        ({"full_d_prime": 0.0}, "full_d_prime", ValueError),
        ({"criterion": 4.0}, "criterion", ValueError),
    ],
)
def test_attend_rejects_bad_input(kwargs, name, error):
    with pytest.raises(error, match=name):
        attend(**kwargs)


def test_simulate_detection_rejects_bad_input():
    with pytest.raises(TypeError, match="attention"):
        simulate_detection("attention")
    with pytest.raises(ValueError, match="n_signal"):
        simulate_detection(attend(), n_signal=0)
    with pytest.raises(ValueError, match="seed"):
        simulate_detection(attend(), seed=-2)


# --- attachment -----------------------------------------------------------------------


def test_average_person_is_the_default_perceiver():
    profile = attachment_profile(0.0, 0.0)
    assert profile.perceiver == Perceiver()
    assert profile.social_salience == 1.0
    assert profile.salience_gain == SALIENCE_GAIN
    assert profile.oxytocin_boost == OXYTOCIN_BOOST
    assert profile.style == "secure"


@pytest.mark.parametrize(
    ("anxiety", "avoidance", "style"),
    [
        (-0.5, -0.5, "secure"),
        (0.7, -0.2, "preoccupied"),
        (-0.3, 0.9, "dismissing"),
        (0.4, 0.4, "fearful"),
    ],
)
def test_quadrants_are_named(anxiety, avoidance, style):
    assert attachment_profile(anxiety, avoidance).style == style


def test_directions_of_the_mapping():
    low, high = attachment_profile(-0.5, 0.0), attachment_profile(0.5, 0.0)
    assert high.perceiver.bias < 0 < low.perceiver.bias  # anxiety expects hostility
    assert high.perceiver.threshold < low.perceiver.threshold  # and decides sooner
    assert high.social_salience > low.social_salience  # and watches social cues
    near, far = attachment_profile(0.0, -0.5), attachment_profile(0.0, 0.5)
    assert far.social_salience < near.social_salience  # avoidance looks away
    assert far.perceiver.bias < near.perceiver.bias


def test_the_whole_plane_maps_to_valid_parameters():
    grid = np.linspace(-1, 1, 9)
    for anxiety, avoidance in itertools.product(grid, grid):
        for threshold in (0.4, 2.0):
            profile = attachment_profile(anxiety, avoidance, threshold=threshold, noise=3.0)
            assert isinstance(profile.perceiver, Perceiver)
            assert 0 <= profile.salience_gain <= 2
            assert 0 <= profile.oxytocin_boost <= 5
    corner = attachment_profile(1.0, 1.0, threshold=0.4)
    readings = read_expression(
        corner.perceiver,
        Expression(0.2, onset=0.5),
        oxytocin=1.0,
        salience_gain=corner.salience_gain,
        n_trials=20,
        seed=1,
    )
    assert readings.n_trials == 20
    attend(oxytocin=1.0, oxytocin_boost=corner.oxytocin_boost)


@pytest.mark.parametrize(
    ("kwargs", "name", "error"),
    [
        ({"anxiety": 1.5}, "anxiety", ValueError),
        ({"anxiety": math.nan}, "anxiety", ValueError),
        ({"avoidance": -2.0}, "avoidance", ValueError),
        ({"avoidance": "high"}, "avoidance", TypeError),
        ({"threshold": 0.3}, "threshold", ValueError),
        ({"threshold": 2.5}, "threshold", ValueError),
        ({"noise": 0.1}, "noise", ValueError),
    ],
)
def test_attachment_profile_rejects_bad_input(kwargs, name, error):
    with pytest.raises(error, match=name):
        attachment_profile(**kwargs)
