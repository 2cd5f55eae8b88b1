"""Tom and Mary at church: the feedback loop, against what can be computed exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from widgets.models import Perceiver, ServiceTrace, simulate_service, trace_service

TOM = Perceiver(bias=0.6)
MARY = Perceiver(bias=-0.6)


def clipped_normal_mean(mean: float, spread: float) -> float:
    """E[clip(X, -1, 1)] for X ~ N(mean, spread²)."""
    lo, hi = (-1 - mean) / spread, (1 - mean) / spread
    inside = mean * (stats.norm.cdf(hi) - stats.norm.cdf(lo)) + spread * (
        stats.norm.pdf(lo) - stats.norm.pdf(hi)
    )
    return -stats.norm.cdf(lo) + stats.norm.sf(hi) + inside


def test_without_mimicry_beliefs_converge_to_the_mean_intention():
    n_greetings, rate = 200, 0.1
    kwargs = dict(mimicry=0.0, learning_rate=rate, n_greetings=n_greetings, n_runs=200, seed=7)
    tom = simulate_service(TOM, **kwargs)
    mary = simulate_service(MARY, **kwargs)
    target = clipped_normal_mean(0.2, 0.3)
    assert tom.final_belief.mean() == pytest.approx(target, abs=0.05)
    assert mary.final_belief.mean() == pytest.approx(target, abs=0.05)
    # Same seed, same greeters: the gap shrinks by exactly (1 - rate) per greeting,
    # in every run and at every step.
    gap = tom.belief - mary.belief
    expected = 1.2 * (1 - rate) ** np.arange(n_greetings + 1)
    assert np.allclose(gap, expected[None, :], rtol=1e-9, atol=1e-12)
    final_gap = tom.final_belief.mean() - mary.final_belief.mean()
    assert final_gap == pytest.approx(1.2 * (1 - rate) ** n_greetings, rel=1e-6, abs=1e-12)


def test_mimicry_keeps_tom_and_mary_apart():
    kwargs = dict(n_greetings=40, n_runs=200, seed=8)
    gap_plain = (
        simulate_service(TOM, mimicry=0.0, **kwargs).final_belief.mean()
        - simulate_service(MARY, mimicry=0.0, **kwargs).final_belief.mean()
    )
    gap_mimicry = (
        simulate_service(TOM, mimicry=0.8, **kwargs).final_belief.mean()
        - simulate_service(MARY, mimicry=0.8, **kwargs).final_belief.mean()
    )
    assert gap_plain == pytest.approx(1.2 * 0.9**40, rel=1e-6)
    assert gap_mimicry >= 10 * gap_plain


def test_the_congregation_does_not_depend_on_the_perceiver():
    # With mimicry 0 what is seen is what was intended, so anything about the
    # perceiver (threshold, noise, oxytocin) must leave the beliefs unchanged.
    kwargs = dict(mimicry=0.0, n_greetings=30, n_runs=50, seed=9)
    base = simulate_service(Perceiver(0.1), **kwargs)
    other = simulate_service(Perceiver(0.1, threshold=0.4, noise=2.5), oxytocin=1.0, **kwargs)
    assert np.allclose(base.belief, other.belief, rtol=0, atol=1e-15)
    assert not np.array_equal(base.smile_rate, other.smile_rate)


def test_a_uniform_congregation_gives_the_exact_geometric_path():
    mean, rate, start = 0.35, 0.25, -0.8
    service = simulate_service(
        Perceiver(start),
        mimicry=0.0,
        learning_rate=rate,
        congregation_mean=mean,
        congregation_spread=0.0,
        n_greetings=20,
        n_runs=10,
        seed=1,
    )
    expected = mean + (start - mean) * (1 - rate) ** np.arange(21)
    assert np.allclose(service.belief, expected[None, :], atol=1e-12)


def test_full_mimicry_and_learning_make_belief_the_last_answer():
    service = simulate_service(
        Perceiver(0.2), mimicry=1.0, learning_rate=1.0, n_greetings=15, n_runs=100, seed=2
    )
    assert set(np.unique(service.belief[:, 1:])) <= {-1.0, 0.0, 1.0}
    smiles = (service.belief[:, 1:] == 1.0).mean(axis=1)
    assert np.allclose(smiles, service.smile_rate)


def test_smiles_follow_the_smile_probability_of_a_reading():
    # First greeting, from the starting belief: the smile rate over runs is the
    # probability of a friendly reading of the congregation's first face.
    service = simulate_service(
        Perceiver(0.0),
        congregation_mean=0.0,
        congregation_spread=0.0,
        onset=0.0,
        n_greetings=1,
        n_runs=20_000,
        seed=3,
    )
    # Zero valence and zero bias: friendly or hostile with probability 1/2 each.
    assert service.smile_rate.mean() == pytest.approx(0.5, abs=4 * math.sqrt(0.25 / 20_000))


def test_service_shapes_ranges_and_reproducibility():
    a = simulate_service(Perceiver(-0.3), n_greetings=12, n_runs=30, seed=5)
    b = simulate_service(Perceiver(-0.3), n_greetings=12, n_runs=30, seed=5)
    c = simulate_service(Perceiver(-0.3), n_greetings=12, n_runs=30, seed=6)
    assert a.belief.shape == (30, 13)
    assert a.final_belief.shape == (30,) and a.smile_rate.shape == (30,)
    assert np.all(a.belief[:, 0] == -0.3)
    assert np.all(np.abs(a.belief) <= 1.0)
    assert np.all((a.smile_rate >= 0) & (a.smile_rate + a.scowl_rate <= 1))
    assert not np.isnan(a.belief).any()
    assert np.array_equal(a.belief, b.belief) and np.array_equal(a.smile_rate, b.smile_rate)
    assert not np.array_equal(a.belief, c.belief)
    assert a.n_runs == 30 and a.n_greetings == 12
    with pytest.raises(ValueError):
        a.belief[0, 0] = 0.0


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("oxytocin", 2.0, ValueError),
        ("mimicry", -0.1, ValueError),
        ("mimicry", math.nan, ValueError),
        ("belief_from_reading", -0.01, ValueError),
        ("belief_from_reading", 1.01, ValueError),
        ("belief_from_reading", math.inf, ValueError),
        ("belief_from_reading", "1", TypeError),
        ("learning_rate", 0.0, ValueError),
        ("learning_rate", 1.1, ValueError),
        ("congregation_mean", 1.5, ValueError),
        ("congregation_spread", -0.2, ValueError),
        ("congregation_spread", 1.2, ValueError),
        ("onset", 4.0, ValueError),
        ("n_greetings", 0, ValueError),
        ("n_greetings", 1001, ValueError),
        ("n_runs", 0, ValueError),
        ("n_runs", 10**5 + 1, ValueError),
        ("n_runs", 2.0, TypeError),
        ("salience_gain", -1.0, ValueError),
        ("speedup", 0.81, ValueError),
        ("seed", -5, ValueError),
        ("seed", "7", TypeError),
    ],
)
def test_simulate_service_rejects_bad_input(name, value, error):
    kwargs = {"n_greetings": 2, "n_runs": 2, name: value}
    with pytest.raises(error, match=name):
        simulate_service(Perceiver(), **kwargs)


def test_simulate_service_checks_the_perceiver_type():
    with pytest.raises(TypeError, match="perceiver"):
        simulate_service(0.6)


# -- one service, greeting by greeting (trace_service) ----------------------------

@pytest.mark.parametrize(
    ("n_runs", "run", "settings"),
    [
        (1, 0, dict(mimicry=0.6, oxytocin=1.0)),
        (25, 0, dict(mimicry=0.6, oxytocin=1.0)),
        (25, 13, dict(mimicry=1.0, oxytocin=1.0, salience_gain=0.0, speedup=0.8)),
        (25, 24, dict(mimicry=0.0, congregation_mean=-0.4)),
        (7, 3, dict(mimicry=0.3, learning_rate=0.5, onset=0.0, congregation_spread=0.8)),
    ],
)
def test_a_trace_is_exactly_one_row_of_simulate_service(n_runs, run, settings):
    # Same arguments, same seed, same n_runs: the trace of run i is row i, bit for
    # bit, because both run one simulation (a reading's time steps are shared by
    # the runs read together, so the row depends on n_runs too).
    kwargs = dict(n_greetings=30, n_runs=n_runs, seed=2015, **settings)
    for perceiver in (TOM, MARY):
        service = simulate_service(perceiver, **kwargs)
        trace = trace_service(perceiver, run=run, **kwargs)
        assert isinstance(trace, ServiceTrace)
        assert np.array_equal(trace.belief, service.belief[run])
        assert trace.final_belief == service.final_belief[run]
        assert trace.n_greetings == 30 and trace.belief.shape == (31,)
        assert np.count_nonzero(trace.answer == 1) == round(30 * service.smile_rate[run])
        assert np.count_nonzero(trace.answer == -1) == round(30 * service.scowl_rate[run])


def test_a_trace_obeys_the_model_step_by_step():
    mimicry, rate = 0.7, 0.2
    trace = trace_service(Perceiver(-0.3), mimicry=mimicry, learning_rate=rate, oxytocin=0.5,
                          n_greetings=50, seed=11)
    assert set(np.unique(trace.answer)) <= {-1, 0, 1}
    assert np.all(np.abs(trace.intention) <= 1.0)
    # The final face is the convex mix of intention and answer ...
    assert np.allclose(trace.face, (1 - mimicry) * trace.intention + mimicry * trace.answer,
                       rtol=0, atol=1e-15)
    # ... and each belief moves a fraction `rate` of the way to the face seen.
    expected = (1 - rate) * trace.belief[:-1] + rate * trace.face
    assert np.allclose(trace.belief[1:], expected, rtol=0, atol=1e-15)
    assert trace.belief[0] == -0.3
    with pytest.raises(ValueError):
        trace.face[0] = 0.0


def test_tom_and_mary_meet_the_same_greeters_and_their_gap_has_a_closed_form():
    # Same seed: the intentions are identical. They cancel in the difference of
    # the two beliefs, which leaves only the answers:
    #   g_{k+1} = (1 - η) g_k + η m (r_Tom,k - r_Mary,k),
    # so g_n = (1 - η)^n g_0 + η m Σ_k (1 - η)^(n-1-k) (r_Tom,k - r_Mary,k).
    mimicry, rate, n = 0.8, 0.1, 40
    kwargs = dict(mimicry=mimicry, learning_rate=rate, oxytocin=1.0, n_greetings=n, seed=2015)
    tom, mary = trace_service(TOM, **kwargs), trace_service(MARY, **kwargs)
    assert np.array_equal(tom.intention, mary.intention)
    difference = tom.answer.astype(float) - mary.answer
    weights = (1 - rate) ** (n - 1 - np.arange(n))
    closed = (1 - rate) ** n * 1.2 + rate * mimicry * np.sum(weights * difference)
    assert tom.final_belief - mary.final_belief == pytest.approx(closed, abs=1e-12)
    # Oxytocin can reach the gap only through answers that greeters mimic.
    assert np.any(difference != 0)


# -- the post's first path: the belief learns from the perceiver's own reading ----

def test_without_the_reading_path_each_belief_follows_the_faces_bit_for_bit():
    # w = 0 is the model with one path: the belief moves toward the face seen and
    # nothing else. Rebuilt from the trace with the model's step-4 arithmetic, in
    # the same order of operations, the beliefs must match bit for bit, at the
    # default w and when w = 0 is passed explicitly.
    rate = 0.15
    for settings in (dict(), dict(belief_from_reading=0.0)):
        trace = trace_service(MARY, mimicry=0.6, learning_rate=rate, oxytocin=1.0,
                              n_greetings=40, seed=31, **settings)
        rebuilt = [trace.belief[0]]
        for face in trace.face:
            rebuilt.append(min(1.0, max(-1.0, (1.0 - rate) * rebuilt[-1] + rate * face)))
        assert np.array_equal(trace.belief, np.array(rebuilt))


def test_a_trace_with_the_reading_path_obeys_the_model_step_by_step():
    mimicry, weight, rate = 0.3, 0.6, 0.2
    trace = trace_service(Perceiver(-0.3, threshold=2.0), mimicry=mimicry,
                          belief_from_reading=weight, learning_rate=rate, n_greetings=60,
                          seed=12)
    # The greeters' faces are the same mix as without the reading path ...
    assert np.allclose(trace.face, (1 - mimicry) * trace.intention + mimicry * trace.answer,
                       rtol=0, atol=1e-15)
    # ... and the belief moves toward (1 − w)·face + w·reading, an undecided reading
    # (answer 0) counting as a neutral one. Threshold 2 leaves some undecided.
    assert np.any(trace.answer == 0)
    target = (1 - weight) * trace.face + weight * trace.answer
    expected = (1 - rate) * trace.belief[:-1] + rate * target
    assert np.allclose(trace.belief[1:], expected, rtol=0, atol=1e-15)


def test_full_weight_on_the_reading_makes_the_belief_the_last_reading():
    # w = 1 and learning rate 1: the belief is what was just read, whatever the face.
    for mimicry in (0.0, 0.7):
        trace = trace_service(Perceiver(0.2), mimicry=mimicry, belief_from_reading=1.0,
                              learning_rate=1.0, n_greetings=25, seed=5)
        assert np.array_equal(trace.belief[1:], trace.answer.astype(float))


@pytest.mark.parametrize(("mimicry", "weight"), [(0.0, 0.5), (0.3, 0.4), (0.8, 1.0), (0.5, 0.0)])
def test_the_two_paths_act_on_the_belief_through_one_feedback_weight(mimicry, weight):
    # Target (1 − w)·[(1 − m)·v + m·r] + w·r = (1 − φ)·v + φ·r with φ = w + (1 − w)·m:
    # the beliefs at (m, w) equal those at mimicry φ without the reading path, run for
    # run (to rounding: the two sums are evaluated in different orders).
    feedback = weight + (1 - weight) * mimicry
    kwargs = dict(oxytocin=1.0, n_greetings=40, n_runs=300, seed=17)
    for perceiver in (TOM, MARY):
        both = simulate_service(perceiver, mimicry=mimicry, belief_from_reading=weight, **kwargs)
        one = simulate_service(perceiver, mimicry=feedback, belief_from_reading=0.0, **kwargs)
        assert np.allclose(both.belief, one.belief, rtol=0, atol=1e-12)
        assert np.array_equal(both.smile_rate, one.smile_rate)


def test_with_the_reading_path_the_gap_no_longer_closes_geometrically():
    # Without mimicry and w = 0 the gap shrinks by exactly (1 − η) per greeting. With
    # the belief learning from the reading (w = 1), each perceiver's misreadings feed
    # their own belief: the gap obeys g' = (1 − η)g + η(r_Tom − r_Mary) instead, and
    # ends far above the geometric value.
    rate, n = 0.1, 40
    kwargs = dict(mimicry=0.0, learning_rate=rate, n_greetings=n, n_runs=400, seed=23)
    geometric = 1.2 * (1 - rate) ** n
    tom = simulate_service(TOM, belief_from_reading=1.0, **kwargs)
    mary = simulate_service(MARY, belief_from_reading=1.0, **kwargs)
    gap = tom.final_belief - mary.final_belief
    assert not np.allclose(gap, geometric, rtol=1e-6)
    standard_error = gap.std(ddof=1) / math.sqrt(gap.size)
    assert gap.mean() - geometric > 10 * standard_error
    # The general gap equation, with φ = 1, holds run by run along a trace.
    tom_trace = trace_service(TOM, belief_from_reading=1.0, **{**kwargs, "n_runs": 1})
    mary_trace = trace_service(MARY, belief_from_reading=1.0, **{**kwargs, "n_runs": 1})
    weights = (1 - rate) ** (n - 1 - np.arange(n))
    closed = geometric + rate * np.sum(weights * (tom_trace.answer.astype(float)
                                                  - mary_trace.answer))
    assert tom_trace.final_belief - mary_trace.final_belief == pytest.approx(closed, abs=1e-12)


def test_the_trace_defaults_follow_one_run():
    trace = trace_service(Perceiver(0.1), seed=4)
    service = simulate_service(Perceiver(0.1), n_runs=1, seed=4)
    assert np.array_equal(trace.belief, service.belief[0])
    assert trace.n_greetings == service.n_greetings == 40


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("run", -1, ValueError),
        ("run", 3, ValueError),  # n_runs is 3 below: runs are numbered 0, 1, 2
        ("run", 1.0, TypeError),
        ("run", True, TypeError),
        ("mimicry", 1.5, ValueError),
        ("belief_from_reading", -0.5, ValueError),
        ("learning_rate", 0.0, ValueError),
        ("n_greetings", 0, ValueError),
        ("n_runs", 0, ValueError),
        ("seed", -1, ValueError),
        ("speedup", 0.9, ValueError),
    ],
)
def test_trace_service_rejects_bad_input(name, value, error):
    kwargs = {"n_greetings": 2, "n_runs": 3, name: value}
    with pytest.raises(error, match=name):
        trace_service(Perceiver(), **kwargs)


def test_trace_service_names_the_allowed_runs():
    with pytest.raises(ValueError, match=r"run = 5 is outside the allowed range \[0, 4\]"):
        trace_service(Perceiver(), n_runs=5, run=5, n_greetings=2)
    with pytest.raises(TypeError, match="perceiver"):
        trace_service(-0.6)


@pytest.mark.parametrize(("mimicry", "weight"), [(0.4, 0.5), (0.0, 1.0), (1.0, 0.5), (0.6, 0.0)])
def test_the_church_explorer_runs_each_feedback_weight_as_the_model_would(mimicry, weight):
    # The explorer runs each feedback weight φ once (mimicry φ, w = 0) and serves every
    # (m, w) with that φ from it; the literal runs at (m, w) must agree, run for run.
    from widgets.explorers import tom_and_mary as church
    from widgets.scenarios import CHURCH_REGIMES

    _, gain, speedup = CHURCH_REGIMES[0]
    feedback = church.feedback_weight(mimicry, weight)
    shared = church.service_runs(-0.6, 1.0, feedback, 0.4, gain, speedup, 150, 2015)
    literal = simulate_service(Perceiver(-0.6), oxytocin=1.0, mimicry=mimicry,
                               belief_from_reading=weight, congregation_mean=0.4,
                               n_greetings=church.GREETINGS, n_runs=150, seed=2015,
                               salience_gain=gain, speedup=speedup)
    assert np.allclose(shared.final_belief, literal.final_belief, rtol=0, atol=1e-12)
    assert np.allclose(shared.mean_belief, literal.belief.mean(axis=0), rtol=0, atol=1e-12)
