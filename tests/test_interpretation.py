"""The drift-diffusion reading model against its closed forms, symmetries and limits.

Every expected value is computed here from a formula, never copied from the
model's output. Sample sizes make each tolerance several standard errors wide.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from booktools.validation import first_passage_cdf
from widgets.models import Expression, Perceiver, Readings, evidence_paths, read_expression


def _se_proportion(p: float, n: int) -> float:
    return math.sqrt(max(p * (1 - p), 1e-12) / n)


# --- closed forms (bogacz2006physics) -------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "noise", "drift"),
    [(1.0, 1.0, 0.5), (0.5, 1.5, 0.8), (1.5, 0.5, 0.3), (1.5, 1.5, 1.0), (0.5, 0.5, 1.0)],
)
def test_constant_drift_matches_closed_forms(threshold, noise, drift):
    n = 40_000
    readings = read_expression(
        Perceiver(bias=0.0, threshold=threshold, noise=noise),
        Expression(drift, onset=0.0),
        n_trials=n,
        seed=11,
        max_time=60.0,
    )
    k = drift * threshold / noise**2
    p_error = 1.0 / (1.0 + math.exp(2.0 * k))
    mean_time = threshold / drift * math.tanh(k)

    assert readings.p_undecided < 0.001
    assert 0.01 > 4 * _se_proportion(p_error, n)  # the tolerance is several SE wide
    assert readings.p_hostile == pytest.approx(p_error, abs=0.01)
    assert readings.mean_time == pytest.approx(mean_time, rel=0.03)


@pytest.mark.parametrize(
    ("threshold", "noise", "drift", "bias"),
    [(1.0, 1.0, 0.5, 0.3), (0.6, 1.4, -0.7, -0.2), (1.5, 0.8, 0.2, 0.0)],
)
def test_decision_time_distribution_matches_the_series(threshold, noise, drift, bias):
    # Checks the within-step crossing times, not just their mean: the CDF at
    # times between internal grid points.
    n = 40_000
    readings = read_expression(
        Perceiver(bias, threshold, noise), Expression(drift), n_trials=n, seed=61, max_time=60.0
    )
    x0 = bias * threshold
    for t in (0.12, 0.33, 0.77, 1.41):
        # The series is checked against limits and brute force in tests/test_validation.py.
        hostile = first_passage_cdf(t, drift=drift, bound=threshold, noise=noise, start=x0,
                                    upper=False)
        friendly = first_passage_cdf(t, drift=drift, bound=threshold, noise=noise, start=x0,
                                     upper=True)
        for choice, expected in ((-1, hostile), (1, friendly)):
            observed = np.mean((readings.choices == choice) & (readings.times <= t))
            assert abs(observed - expected) < 4 * _se_proportion(expected, n) + 1e-4


@pytest.mark.parametrize("threshold", [0.5, 1.5])
@pytest.mark.parametrize("bias", [-0.6, 0.3, 0.8])
def test_zero_valence_is_gamblers_ruin(threshold, bias):
    n = 20_000
    readings = read_expression(
        Perceiver(bias=bias, threshold=threshold, noise=1.0),
        Expression(0.0),
        n_trials=n,
        seed=12,
        max_time=30.0,
    )
    assert readings.p_undecided < 0.001
    assert readings.p_friendly == pytest.approx((1 + bias) / 2, abs=0.015)
    # Mean exit time of a driftless walk from x0 in (-a, a): (a² - x0²)/σ².
    x0 = bias * threshold
    assert readings.mean_time == pytest.approx(threshold**2 - x0**2, rel=0.04)


# --- symmetry and the mechanism -------------------------------------------------------


@pytest.mark.parametrize(
    ("bias", "valence", "onset", "threshold", "oxytocin"),
    [(0.3, 0.4, 0.5, 1.0, 0.0), (-0.5, 0.2, 0.0, 0.6, 0.5), (0.7, -0.8, 1.5, 2.0, 1.0)],
)
def test_mirror_symmetry_in_distribution(bias, valence, onset, threshold, oxytocin):
    n = 20_000
    kwargs = dict(n_trials=n, oxytocin=oxytocin, max_time=10.0)
    plain = read_expression(
        Perceiver(bias, threshold), Expression(valence, onset), seed=1, **kwargs
    )
    mirror = read_expression(
        Perceiver(-bias, threshold), Expression(-valence, onset), seed=2, **kwargs
    )
    for p, q in [
        (plain.p_friendly, mirror.p_hostile),
        (plain.p_hostile, mirror.p_friendly),
        (plain.p_undecided, mirror.p_undecided),
    ]:
        se = math.sqrt(2) * _se_proportion((p + q) / 2, n)
        assert abs(p - q) < 4 * se + 1e-9
    sd = np.nanstd(plain.times)
    assert abs(plain.mean_time - mirror.mean_time) < 4 * math.sqrt(2) * sd / math.sqrt(n)


def test_faster_reading_lets_expectations_decide():
    n = 10_000
    gaps, variances = {}, {}
    for threshold in (0.5, 2.0):
        p = [
            read_expression(
                Perceiver(bias, threshold),
                Expression(0.6, onset=0.5),
                n_trials=n,
                seed=seed,
                max_time=20.0,
            ).p_friendly
            for seed, bias in [(21, 0.4), (22, -0.4)]
        ]
        gaps[threshold] = p[0] - p[1]
        variances[threshold] = sum(q * (1 - q) / n for q in p)
    se = math.sqrt(variances[0.5] + variances[2.0])
    assert gaps[0.5] - gaps[2.0] > 5 * se


def test_oxytocin_bound_equals_a_lower_threshold():
    n = 20_000
    threshold, speedup = 1.5, 0.5
    expression = Expression(0.4, onset=0.5)
    dosed = read_expression(
        Perceiver(0.2, threshold),
        expression,
        oxytocin=1.0,
        salience_gain=0.0,
        speedup=speedup,
        n_trials=n,
        seed=31,
    )
    lower = read_expression(
        Perceiver(0.2, threshold * (1 - speedup)), expression, n_trials=n, seed=32
    )
    undosed = read_expression(Perceiver(0.2, threshold), expression, n_trials=n, seed=33)
    assert dosed.bound == pytest.approx(threshold * (1 - speedup))
    assert dosed.drift_gain == 1.0

    def close(a: Readings, b: Readings) -> bool:
        se_p = math.sqrt(2) * _se_proportion(a.p_friendly, n)
        se_t = math.sqrt(2) * np.nanstd(a.times) / math.sqrt(n)
        return (
            abs(a.p_friendly - b.p_friendly) < 4 * se_p
            and abs(a.mean_time - b.mean_time) < 4 * se_t
        )

    assert close(dosed, lower)
    assert not close(dosed, undosed)  # the comparison can tell the bounds apart


def test_salience_gain_equals_a_stronger_expression():
    n = 20_000
    dosed = read_expression(
        Perceiver(-0.3),
        Expression(0.4),
        oxytocin=1.0,
        salience_gain=0.5,
        speedup=0.0,
        n_trials=n,
        seed=41,
    )
    stronger = read_expression(Perceiver(-0.3), Expression(0.6), n_trials=n, seed=42)
    assert dosed.drift_gain == pytest.approx(1.5)
    se = math.sqrt(2) * _se_proportion(dosed.p_friendly, n)
    assert abs(dosed.p_friendly - stronger.p_friendly) < 4 * se


def test_dt_is_only_the_clock_resolution():
    n = 20_000
    fine = read_expression(Perceiver(0.2), Expression(0.5, 0.5), n_trials=n, seed=51, dt=0.0005)
    coarse = read_expression(Perceiver(0.2), Expression(0.5, 0.5), n_trials=n, seed=52, dt=0.01)
    decided = coarse.choices != 0
    ticks = coarse.times[decided] / 0.01
    assert np.allclose(ticks, np.round(ticks), atol=1e-6)
    se = math.sqrt(2) * _se_proportion(fine.p_friendly, n)
    assert abs(fine.p_friendly - coarse.p_friendly) < 4 * se
    # Rounding up to the tick adds half a tick on average.
    se_t = math.sqrt(2) * np.nanstd(fine.times) / math.sqrt(n)
    assert abs(coarse.mean_time - fine.mean_time - (0.01 - 0.0005) / 2) < 4 * se_t


# --- result object and edge cases -----------------------------------------------------


def test_readings_are_consistent():
    readings = read_expression(Perceiver(), Expression(0.5, onset=0.5), n_trials=500, seed=3)
    assert readings.choices.dtype == np.int8
    assert readings.times.dtype == np.float64
    assert set(np.unique(readings.choices)) <= {-1, 0, 1}
    assert np.array_equal(np.isnan(readings.times), readings.choices == 0)
    decided = readings.times[readings.choices != 0]
    assert np.all((decided >= 0) & (decided <= 5.0))
    total = readings.p_friendly + readings.p_hostile + readings.p_undecided
    assert total == pytest.approx(1.0)
    assert readings.n_trials == 500
    with pytest.raises(ValueError):
        readings.choices[0] = 1  # read-only
    with pytest.raises(dataclasses.FrozenInstanceError):
        readings.bound = 2.0


def test_nothing_decided_gives_nan_mean_time_only():
    readings = read_expression(
        Perceiver(0.0, threshold=3.0, noise=0.2), Expression(0.0), n_trials=50, max_time=0.01
    )
    assert readings.p_undecided == 1.0
    assert math.isnan(readings.mean_time)
    assert readings.p_friendly == 0.0 and readings.p_hostile == 0.0


@pytest.mark.parametrize("bias", [-1.0, 1.0])
def test_bias_on_a_bound_decides_at_once(bias):
    readings = read_expression(Perceiver(bias), Expression(-bias), n_trials=100, seed=4)
    assert np.all(readings.choices == int(bias))
    assert np.all(readings.times == 0.0)


def test_same_seed_same_output_and_fresh_entropy_otherwise():
    args = (Perceiver(0.1, 0.8, 1.2), Expression(0.3, 0.7))
    a = read_expression(*args, n_trials=300, seed=99, oxytocin=0.4)
    b = read_expression(*args, n_trials=300, seed=99, oxytocin=0.4)
    assert np.array_equal(a.choices, b.choices)
    assert np.array_equal(a.times, b.times, equal_nan=True)
    c = read_expression(*args, n_trials=300, seed=100, oxytocin=0.4)
    assert not np.array_equal(a.times, c.times, equal_nan=True)
    d = read_expression(*args, n_trials=300)
    e = read_expression(*args, n_trials=300)
    assert not np.array_equal(d.times, e.times, equal_nan=True)


# --- validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bias", 1.5),
        ("bias", math.nan),
        ("threshold", 0.1),
        ("threshold", 3.5),
        ("noise", 0.0),
        ("noise", math.inf),
    ],
)
def test_perceiver_rejects_out_of_range(field, value):
    with pytest.raises(ValueError, match=field):
        Perceiver(**{field: value})


@pytest.mark.parametrize(
    ("field", "value"), [("valence", -1.01), ("valence", math.nan), ("onset", -0.1), ("onset", 3.5)]
)
def test_expression_rejects_out_of_range(field, value):
    kwargs = {"valence": 0.0, field: value}
    with pytest.raises(ValueError, match=field):
        Expression(**kwargs)


def test_dataclasses_are_frozen_and_typed():
    with pytest.raises(TypeError, match="bias"):
        Perceiver(bias="0.5")
    with pytest.raises(TypeError, match="valence"):
        Expression(True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Perceiver().bias = 0.5


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("oxytocin", 1.2, ValueError),
        ("oxytocin", -0.1, ValueError),
        ("oxytocin", math.nan, ValueError),
        ("oxytocin", "high", TypeError),
        ("n_trials", 0, ValueError),
        ("n_trials", 10**6 + 1, ValueError),
        ("n_trials", 10.0, TypeError),
        ("dt", 0.0, ValueError),
        ("dt", 0.02, ValueError),
        ("max_time", 0.0, ValueError),
        ("max_time", 61.0, ValueError),
        ("salience_gain", 2.5, ValueError),
        ("speedup", 0.9, ValueError),
        ("speedup", None, TypeError),
        ("seed", -1, ValueError),
        ("seed", 1.5, TypeError),
        ("seed", True, TypeError),
    ],
)
def test_read_expression_rejects_bad_input(name, value, error):
    kwargs = {"n_trials": 10, name: value}
    with pytest.raises(error, match=name) as caught:
        read_expression(Perceiver(), Expression(0.5), **kwargs)
    if error is ValueError and name != "seed":
        assert "allowed range" in str(caught.value)


def test_read_expression_checks_argument_types():
    with pytest.raises(TypeError, match="perceiver"):
        read_expression(0.5, Expression(0.5))
    with pytest.raises(TypeError, match="expression"):
        read_expression(Perceiver(), 0.5)


# --- a neutral face read with a small bound while the face forms -------------------------


@pytest.mark.parametrize(
    ("threshold", "bias", "onset", "oxytocin", "speedup"),
    [(0.2, 0.0, 0.5, 0.0, 0.3), (0.3, -0.4, 1.5, 0.0, 0.3), (1.0, 0.4, 0.5, 1.0, 0.8),
     (0.5, -0.4, 1.0, 1.0, 0.8)],
)
def test_zero_valence_with_an_onset_is_still_gamblers_ruin(threshold, bias, onset, oxytocin,
                                                           speedup):
    # With no drift the onset changes nothing, whatever the bound: the walk is a
    # driftless Brownian motion from bias·a. (A first step spanning the whole
    # onset once broke the two-bound condition here and favoured "friendly".)
    n = 20_000
    readings = read_expression(Perceiver(bias=bias, threshold=threshold), Expression(0.0, onset),
                               oxytocin=oxytocin, speedup=speedup, n_trials=n, seed=5,
                               max_time=30.0)
    bound = threshold * (1 - speedup * oxytocin)
    x0 = bias * bound
    expected = (1 + bias) / 2
    assert readings.p_undecided == 0
    assert abs(readings.p_friendly - expected) < 4 * _se_proportion(expected, n)
    # Mean exit time (a² − x0²)/σ², plus half a clock tick for the rounding up.
    assert readings.mean_time == pytest.approx(bound**2 - x0**2 + 0.0005, rel=0.04)


# --- evidence paths: the same law as read_expression, drawn as lines ---------------------


def _ramp_area(t: float, onset: float) -> float:
    """∫0^t min(1, s/onset) ds, written out here."""
    if onset == 0 or t >= onset:
        return t - onset / 2
    return t * t / (2 * onset)


@pytest.mark.parametrize(
    ("valence", "bias", "onset", "oxytocin", "salience_gain", "speedup", "threshold"),
    [
        (0.5, -0.4, 0.5, 0.0, 0.3, 0.3, 1.0),
        (0.5, -0.4, 0.5, 1.0, 2.0, 0.0, 1.0),
        (-0.7, 0.3, 1.0, 1.0, 0.0, 0.6, 1.0),
        (0.0, 0.4, 0.5, 1.0, 1.0, 0.4, 1.5),
        (1.0, 0.0, 0.0, 0.5, 0.3, 0.3, 0.6),
    ],
)
def test_paths_have_the_law_of_read_expression(valence, bias, onset, oxytocin, salience_gain,
                                               speedup, threshold):
    n_paths, n_reads = 10_000, 40_000
    common = dict(oxytocin=oxytocin, salience_gain=salience_gain, speedup=speedup)
    perceiver, expression = Perceiver(bias=bias, threshold=threshold), Expression(valence, onset)
    paths = evidence_paths(perceiver, expression, n_paths=n_paths, seed=21, **common)
    reads = read_expression(perceiver, expression, n_trials=n_reads, seed=22, **common)
    assert paths.bound == reads.bound and paths.drift_gain == reads.drift_gain

    def close(a: float, b: float) -> bool:
        p = (a * n_paths + b * n_reads) / (n_paths + n_reads)
        se = math.sqrt(max(p * (1 - p), 1e-12) * (1 / n_paths + 1 / n_reads))
        return abs(a - b) < 4 * se + 1e-4

    for choice in (1, -1, 0):
        assert close(np.mean(paths.choices == choice), np.mean(reads.choices == choice)), choice
    # The whole distribution of decision times, through each choice's CDF at the
    # quartiles of read_expression's times.
    quartiles = np.quantile(reads.times[reads.choices != 0], [0.25, 0.5, 0.75])
    for choice in (1, -1):
        for t in quartiles:
            by_paths = np.mean((paths.choices == choice) & (paths.times <= t))
            by_reads = np.mean((reads.choices == choice) & (reads.times <= t))
            assert close(by_paths, by_reads), (choice, t)
    decided_p, decided_r = paths.times[paths.choices != 0], reads.times[reads.choices != 0]
    se = math.sqrt(decided_p.var() / decided_p.size + decided_r.var() / decided_r.size)
    assert abs(decided_p.mean() - decided_r.mean()) < 4 * se


@pytest.mark.parametrize(
    ("valence", "bias", "onset", "oxytocin", "threshold", "max_time"),
    [(0.5, -0.4, 0.5, 1.0, 1.0, 5.0), (-1.0, 0.6, 0.0, 0.0, 0.4, 5.0),
     (0.2, 0.0, 1.0, 0.0, 3.0, 0.73)],
)
def test_paths_start_at_the_bias_stay_inside_and_end_on_the_bound_they_report(
        valence, bias, onset, oxytocin, threshold, max_time):
    paths = evidence_paths(Perceiver(bias=bias, threshold=threshold), Expression(valence, onset),
                           oxytocin=oxytocin, speedup=0.5, n_paths=300, seed=3,
                           sample_every=0.05, max_time=max_time)
    bound = threshold * (1 - 0.5 * oxytocin)
    assert paths.bound == pytest.approx(bound)
    assert paths.start == pytest.approx(bias * bound)
    assert np.all(paths.evidence[:, 0] == paths.start)
    expected_grid = 0.05 * np.arange(math.floor(max_time / 0.05 + 1e-9) + 1)
    np.testing.assert_allclose(paths.sample_times, expected_grid, atol=1e-12)
    finite = np.isfinite(paths.evidence)
    assert np.all(np.abs(paths.evidence[finite]) < bound)
    decided = paths.choices != 0
    assert np.array_equal(np.isnan(paths.times), ~decided)
    ticks = paths.times[decided] / 0.001
    np.testing.assert_allclose(ticks, np.round(ticks), atol=1e-6)  # rounded up to dt
    for i in range(paths.n_paths):
        t, x = paths.path(i)
        assert t[0] == 0 and x[0] == pytest.approx(paths.start)
        assert np.all(np.diff(t) > 0)
        if decided[i]:
            assert (t[-1], x[-1]) == (paths.times[i], paths.choices[i] * paths.bound)
            assert np.all(np.abs(x[:-1]) < bound)
            # Evidence is kept at the sample times before the decision (which lies
            # within one clock tick, dt = 0.001 s, before the reported time), not after.
            assert np.all(finite[i, paths.sample_times < paths.times[i] - 0.001 - 1e-12])
            assert not np.any(finite[i, paths.sample_times >= paths.times[i]])
        else:
            assert np.all(finite[i]) and t[-1] == paths.sample_times[-1]
    if max_time < 1:
        assert (~decided).any()  # a high bound and a short deadline leave some undecided


def test_paths_on_placebo_and_oxytocin_share_their_noise():
    perceiver, face = Perceiver(bias=0.0, threshold=1.5), Expression(0.6, onset=0.5)
    placebo = evidence_paths(perceiver, face, n_paths=50, seed=8)
    # Pulls of zero: oxytocin is placebo, draw for draw.
    same = evidence_paths(perceiver, face, oxytocin=1.0, salience_gain=0.0, speedup=0.0,
                          n_paths=50, seed=8)
    np.testing.assert_array_equal(placebo.evidence, same.evidence)
    np.testing.assert_array_equal(placebo.times, same.times)
    # A gain alone adds exactly gain·valence·∫ramp while neither has decided.
    gain = evidence_paths(perceiver, face, oxytocin=1.0, salience_gain=1.5, speedup=0.0,
                          n_paths=50, seed=8)
    both = np.isfinite(placebo.evidence) & np.isfinite(gain.evidence)
    shift = np.array([1.5 * 0.6 * _ramp_area(t, 0.5) for t in placebo.sample_times])
    difference = gain.evidence - placebo.evidence
    assert both[:, 3:].any()
    np.testing.assert_allclose(difference[both], np.broadcast_to(shift, both.shape)[both],
                               atol=1e-9)
    # A speed-up alone (bias 0.5) moves only the start: bias·a·(1 − speedup) vs bias·a.
    biased = Perceiver(bias=0.5, threshold=1.5)
    slow = evidence_paths(biased, face, n_paths=50, seed=8)
    fast = evidence_paths(biased, face, oxytocin=1.0, salience_gain=0.0, speedup=0.4,
                          n_paths=50, seed=8)
    both = np.isfinite(slow.evidence) & np.isfinite(fast.evidence)
    np.testing.assert_allclose((fast.evidence - slow.evidence)[both], 0.5 * 1.5 * (0.6 - 1),
                               atol=1e-9)


def test_paths_far_from_the_bounds_are_brownian_motion_with_the_ramp_drift():
    # A bound 10 noise-widths away is never reached: x(t) is normal with mean
    # x0 + g·v·∫ramp and variance σ²t, exactly, at every sample time.
    n, noise, valence, onset, bias, gain = 20_000, 0.2, 0.8, 0.5, 0.1, 1.5
    paths = evidence_paths(Perceiver(bias=bias, threshold=3.0, noise=noise),
                           Expression(valence, onset), oxytocin=1.0, salience_gain=0.5,
                           speedup=0.0, n_paths=n, seed=4, sample_every=0.25, max_time=1.0)
    assert np.all(paths.choices == 0)
    for k, t in enumerate(paths.sample_times[1:], start=1):
        x = paths.evidence[:, k]
        mean = bias * 3.0 + gain * valence * _ramp_area(t, onset)
        variance = noise**2 * t
        assert abs(x.mean() - mean) < 4 * math.sqrt(variance / n)
        assert abs(x.var() - variance) < 4 * variance * math.sqrt(2 / (n - 1))


@pytest.mark.parametrize("bias", [-1.0, 1.0])
def test_paths_with_a_bias_on_a_bound_decide_at_once(bias):
    paths = evidence_paths(Perceiver(bias=bias), Expression(0.5), n_paths=3, seed=1)
    assert np.all(paths.choices == bias) and np.all(paths.times == 0)
    t, x = paths.path(2)
    assert list(t) == [0.0] and list(x) == [bias * paths.bound]


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("oxytocin", 1.2, ValueError),
        ("n_paths", 0, ValueError),
        ("n_paths", 100_001, ValueError),
        ("n_paths", 5.0, TypeError),
        ("sample_every", 0.0, ValueError),
        ("sample_every", 2.0, ValueError),
        ("dt", 0.02, ValueError),
        ("max_time", 0.0, ValueError),
        ("max_time", 61.0, ValueError),
        ("salience_gain", 2.5, ValueError),
        ("speedup", 0.9, ValueError),
        ("speedup", math.nan, ValueError),
        ("seed", -1, ValueError),
    ],
)
def test_evidence_paths_rejects_bad_input(name, value, error):
    with pytest.raises(error, match=name) as caught:
        evidence_paths(Perceiver(), Expression(0.5), **{name: value})
    if error is ValueError and name != "seed":
        assert "allowed range" in str(caught.value)
        if not (isinstance(value, float) and math.isnan(value)):
            assert f"{value!r}" in str(caught.value) or f"{value:g}" in str(caught.value)


def test_evidence_paths_refuses_more_values_than_it_may_store_and_bad_indices():
    with pytest.raises(ValueError, match=r"n_paths = 100000 .*allowed range"):
        evidence_paths(Perceiver(), Expression(0.5), n_paths=100_000, sample_every=0.001)
    with pytest.raises(TypeError, match="perceiver"):
        evidence_paths(Expression(0.5), Expression(0.5))
    paths = evidence_paths(Perceiver(), Expression(0.5), n_paths=5, seed=0)
    with pytest.raises(ValueError, match=r"index = 5 .*\[0, 4\]"):
        paths.path(5)
    with pytest.raises(ValueError):
        paths.evidence[0, 0] = 1.0  # read-only
