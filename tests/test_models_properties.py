"""Property-based tests: across the documented ranges, only documented errors and no stray NaN.

Sizes are kept small and examples few so the file runs in seconds; the
example database is off so nothing is written into the tree.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.models import (
    Expression,
    Perceiver,
    attachment_profile,
    attend,
    read_expression,
    simulate_detection,
    simulate_literature,
    simulate_service,
)

FEW = settings(max_examples=40, deadline=None, database=None)


def reals(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def open_reals(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, exclude_min=True, allow_nan=False, allow_infinity=False)


perceivers = st.builds(Perceiver, bias=reals(-1, 1), threshold=reals(0.2, 3), noise=reals(0.2, 3))
expressions = st.builds(Expression, valence=reals(-1, 1), onset=reals(0, 3))
seeds = st.none() | st.integers(0, 2**64)


def outside(low: float, high: float) -> st.SearchStrategy[float]:
    """Values a range refuses: below, above, NaN, or infinite."""
    return st.one_of(
        st.floats(max_value=low, allow_nan=False, allow_infinity=False).filter(lambda v: v < low),
        st.floats(min_value=high, allow_nan=False, allow_infinity=False).filter(lambda v: v > high),
        st.just(math.nan),
        st.just(math.inf),
        st.just(-math.inf),
    )


# --- reading --------------------------------------------------------------------------


@FEW
@given(
    perceiver=perceivers,
    expression=expressions,
    oxytocin=reals(0, 1),
    n_trials=st.integers(1, 40),
    seed=seeds,
    dt=open_reals(0, 0.01),
    max_time=open_reals(0, 60),
    salience_gain=reals(0, 2),
    speedup=reals(0, 0.8),
)
def test_read_expression_is_well_formed(
    perceiver, expression, oxytocin, n_trials, seed, dt, max_time, salience_gain, speedup
):
    readings = read_expression(
        perceiver,
        expression,
        oxytocin=oxytocin,
        n_trials=n_trials,
        seed=seed,
        dt=dt,
        max_time=max_time,
        salience_gain=salience_gain,
        speedup=speedup,
    )
    undecided = readings.choices == 0
    assert readings.choices.shape == readings.times.shape == (n_trials,)
    assert np.array_equal(np.isnan(readings.times), undecided)
    decided_times = readings.times[~undecided]
    assert np.all((decided_times >= 0) & (decided_times <= max_time))
    probabilities = (readings.p_friendly, readings.p_hostile, readings.p_undecided)
    assert all(0 <= p <= 1 for p in probabilities)
    assert sum(probabilities) == pytest.approx(1.0)
    assert math.isnan(readings.mean_time) == bool(undecided.all())
    assert readings.bound > 0 and readings.drift_gain >= 1


@FEW
@given(
    name=st.sampled_from(["oxytocin", "dt", "max_time", "salience_gain", "speedup"]),
    data=st.data(),
)
def test_read_expression_rejects_values_outside_their_range(name, data):
    low, high = {
        "oxytocin": (0, 1),
        "dt": (0, 0.01),
        "max_time": (0, 60),
        "salience_gain": (0, 2),
        "speedup": (0, 0.8),
    }[name]
    bad = (
        outside(low, high)
        if name not in ("dt", "max_time")
        else st.one_of(outside(low, high), st.just(0.0))
    )
    value = data.draw(bad)
    with pytest.raises(ValueError, match=name):
        read_expression(Perceiver(), Expression(0.3), n_trials=5, **{name: value})


@FEW
@given(
    name=st.sampled_from(["bias", "threshold", "noise"]),
    data=st.data(),
)
def test_perceiver_rejects_values_outside_their_range(name, data):
    low, high = {"bias": (-1, 1), "threshold": (0.2, 3), "noise": (0.2, 3)}[name]
    with pytest.raises(ValueError, match=name):
        Perceiver(**{name: data.draw(outside(low, high))})


@FEW
@given(
    name=st.sampled_from(["oxytocin", "n_trials", "seed", "dt"]),
    value=st.one_of(st.text(max_size=3), st.none(), st.booleans(), st.just([1])),
)
def test_wrong_types_are_type_errors_naming_the_parameter(name, value):
    if name == "seed" and value is None:
        return  # None is a valid seed
    with pytest.raises(TypeError, match=name):
        read_expression(Perceiver(), Expression(0.3), n_trials=5, **{name: value})


@FEW
@given(n_trials=st.one_of(st.integers(max_value=0), st.integers(min_value=10**6 + 1)))
def test_n_trials_out_of_range(n_trials):
    with pytest.raises(ValueError, match="n_trials"):
        read_expression(Perceiver(), Expression(0.3), n_trials=n_trials)


# --- service --------------------------------------------------------------------------


@FEW
@given(
    perceiver=perceivers,
    oxytocin=reals(0, 1),
    mimicry=reals(0, 1),
    learning_rate=open_reals(0, 1),
    congregation_mean=reals(-1, 1),
    congregation_spread=reals(0, 1),
    onset=reals(0, 3),
    n_greetings=st.integers(1, 4),
    n_runs=st.integers(1, 6),
    seed=seeds,
)
def test_simulate_service_is_well_formed(
    perceiver,
    oxytocin,
    mimicry,
    learning_rate,
    congregation_mean,
    congregation_spread,
    onset,
    n_greetings,
    n_runs,
    seed,
):
    service = simulate_service(
        perceiver,
        oxytocin=oxytocin,
        mimicry=mimicry,
        learning_rate=learning_rate,
        congregation_mean=congregation_mean,
        congregation_spread=congregation_spread,
        onset=onset,
        n_greetings=n_greetings,
        n_runs=n_runs,
        seed=seed,
    )
    assert service.belief.shape == (n_runs, n_greetings + 1)
    assert np.all(service.belief[:, 0] == perceiver.bias)
    assert np.isfinite(service.belief).all()
    assert np.all(np.abs(service.belief) <= 1)
    rates = service.smile_rate + service.scowl_rate
    assert np.all((service.smile_rate >= 0) & (rates <= 1))


@FEW
@given(
    name=st.sampled_from(
        [
            "oxytocin",
            "mimicry",
            "learning_rate",
            "congregation_mean",
            "congregation_spread",
            "onset",
        ]
    ),
    data=st.data(),
)
def test_simulate_service_rejects_values_outside_their_range(name, data):
    low, high = {
        "oxytocin": (0, 1),
        "mimicry": (0, 1),
        "learning_rate": (0, 1),
        "congregation_mean": (-1, 1),
        "congregation_spread": (0, 1),
        "onset": (0, 3),
    }[name]
    value = data.draw(
        outside(low, high)
        if name != "learning_rate"
        else st.one_of(outside(low, high), st.just(0.0))
    )
    with pytest.raises(ValueError, match=name):
        simulate_service(Perceiver(), n_greetings=1, n_runs=1, **{name: value})


# --- literature -----------------------------------------------------------------------


@FEW
@given(
    true_effect=reals(-2, 2),
    n_per_group=st.integers(2, 60),
    n_studies=st.integers(1, 60),
    alpha=open_reals(0, 0.5),
    publish_nonsignificant=reals(0, 1),
    opposite_fraction=reals(0, 1),
    seed=seeds,
)
def test_simulate_literature_is_well_formed(
    true_effect, n_per_group, n_studies, alpha, publish_nonsignificant, opposite_fraction, seed
):
    literature = simulate_literature(
        true_effect,
        n_per_group,
        n_studies=n_studies,
        alpha=alpha,
        publish_nonsignificant=publish_nonsignificant,
        opposite_fraction=opposite_fraction,
        seed=seed,
    )
    for array in (
        literature.effects,
        literature.p_values,
        literature.treated_variance,
        literature.control_variance,
        literature.treated_mean,
    ):
        assert array.shape == (n_studies,)
        assert np.isfinite(array).all()
    assert np.all((literature.p_values >= 0) & (literature.p_values <= 1))
    assert np.all(literature.published[literature.significant])
    assert 0 <= literature.power <= 1
    none_published = not literature.published.any()
    assert math.isnan(literature.mean_published_effect) == none_published


@FEW
@given(
    name=st.sampled_from(["true_effect", "alpha", "publish_nonsignificant", "opposite_fraction"]),
    data=st.data(),
)
def test_simulate_literature_rejects_values_outside_their_range(name, data):
    low, high = {
        "true_effect": (-2, 2),
        "alpha": (0, 0.5),
        "publish_nonsignificant": (0, 1),
        "opposite_fraction": (0, 1),
    }[name]
    value = data.draw(
        outside(low, high) if name != "alpha" else st.one_of(outside(low, high), st.just(0.0))
    )
    kwargs = {"true_effect": 0.3, "n_per_group": 10, "n_studies": 5, name: value}
    with pytest.raises(ValueError, match=name):
        simulate_literature(**kwargs)


# --- attention and attachment ---------------------------------------------------------


@FEW
@given(
    salience=st.lists(reals(-5, 5), min_size=4, max_size=4),
    social=st.sets(st.sampled_from(["faces", "voices", "objects", "text"])),
    oxytocin=reals(0, 1),
    oxytocin_boost=reals(0, 5),
    full_d_prime=open_reals(0, 6),
    criterion=reals(-3, 3),
    seed=seeds,
)
def test_attend_is_well_formed(
    salience, social, oxytocin, oxytocin_boost, full_d_prime, criterion, seed
):
    attention = attend(
        salience,
        social=tuple(sorted(social)),
        oxytocin=oxytocin,
        oxytocin_boost=oxytocin_boost,
        full_d_prime=full_d_prime,
        criterion=criterion,
    )
    assert attention.share.sum() == pytest.approx(1.0)
    assert np.all(attention.share >= 0)
    assert np.all(attention.d_prime <= full_d_prime * (1 + 1e-12))
    assert np.all(attention.hit_rate >= attention.false_alarm_rate)
    for array in (
        attention.share,
        attention.d_prime,
        attention.hit_rate,
        attention.false_alarm_rate,
    ):
        assert np.isfinite(array).all()
    detection = simulate_detection(attention, n_signal=20, n_noise=20, seed=seed)
    assert np.isfinite(detection.d_prime_estimate).all()


@FEW
@given(anxiety=reals(-1, 1), avoidance=reals(-1, 1), threshold=reals(0.4, 2), noise=reals(0.2, 3))
def test_attachment_profile_always_gives_valid_parameters(anxiety, avoidance, threshold, noise):
    profile = attachment_profile(anxiety, avoidance, threshold=threshold, noise=noise)
    assert -1 <= profile.perceiver.bias <= 1
    assert 0.2 <= profile.perceiver.threshold <= 3
    assert 0 <= profile.salience_gain <= 2
    assert 0 <= profile.oxytocin_boost <= 5
    assert profile.style in {"secure", "preoccupied", "dismissing", "fearful"}


@FEW
@given(name=st.sampled_from(["anxiety", "avoidance"]), data=st.data())
def test_attachment_profile_rejects_values_outside_their_range(name, data):
    with pytest.raises(ValueError, match=name):
        attachment_profile(**{name: data.draw(outside(-1, 1))})
