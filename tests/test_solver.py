"""The solved reading model against closed forms, the series, sampling and PyDDM.

Every expected value is computed here from a formula, from the sampled model
or from PyDDM's stored solves, never copied from the solver's output. Each
comparison has a negative control: the same check on a deliberately wrong
model (drift or bound off by a little) must fail, so the tolerances can fail.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from booktools.validation import first_passage_cdf, load_pyddm_reference
from widgets.models import (
    Expression,
    Perceiver,
    read_expression,
    solve_expression,
    solve_expressions,
)
from widgets.models.fokker_planck import solve_batch


def _closed_forms(drift: float, bound: float, noise: float) -> tuple[float, float]:
    """(P(error), mean time): constant drift, bias 0, no deadline (bogacz2006physics)."""
    k = drift * bound / noise**2
    return 1.0 / (1.0 + math.exp(2.0 * k)), bound / drift * math.tanh(k)


CLOSED = [(1.0, 1.0, 0.5), (0.5, 1.5, 0.8), (1.5, 0.5, 0.3), (0.5, 0.5, 1.0), (3.0, 0.2, 1.0),
          (2.0, 1.0, 0.3)]


@pytest.mark.parametrize(("threshold", "noise", "valence"), CLOSED)
def test_constant_drift_matches_the_closed_forms(threshold, noise, valence):
    solved = solve_expression(Perceiver(0.0, threshold, noise), Expression(valence), max_time=60.0)
    p_error, mean_time = _closed_forms(valence, threshold, noise)
    assert solved.p_undecided < 1e-5  # the 60-s deadline is as good as none
    assert solved.p_hostile == pytest.approx(p_error, abs=1e-4)
    assert solved.mean_time == pytest.approx(mean_time, abs=1e-4)


def test_the_closed_form_check_catches_a_wrong_drift_or_bound():
    # Negative control: 2 % more drift, or a bound 2 % lower, moves the answer
    # well past the 1e-4 the check above allows.
    threshold, noise, valence = 1.0, 1.0, 0.5
    p_error, mean_time = _closed_forms(valence, threshold, noise)
    for wrong in (Expression(valence * 1.02), Expression(valence)):
        perceiver = Perceiver(0.0, threshold * (0.98 if wrong.valence == valence else 1.0), noise)
        solved = solve_expression(perceiver, wrong, max_time=60.0)
        assert (abs(solved.p_hostile - p_error) > 1e-3
                or abs(solved.mean_time - mean_time) > 1e-3)


@pytest.mark.parametrize("bias", [-0.6, 0.3, 0.8])
def test_zero_valence_is_gamblers_ruin(bias):
    solved = solve_expression(Perceiver(bias, 1.2, 0.9), Expression(0.0), max_time=60.0)
    assert solved.p_friendly == pytest.approx((1 + bias) / 2, abs=1e-6)


@pytest.mark.parametrize(
    ("threshold", "noise", "valence", "bias", "deadline"),
    [(1.0, 1.0, 0.5, 0.3, 0.5), (0.6, 1.4, -0.7, -0.2, 0.3), (2.5, 1.0, 0.3, 0.4, 5.0),
     (1.5, 0.8, 0.2, 0.0, 1.41)],
)
def test_deadline_shares_match_the_first_passage_series(threshold, noise, valence, bias,
                                                        deadline):
    solved = solve_expression(Perceiver(bias, threshold, noise), Expression(valence),
                              max_time=deadline)
    for upper, got in ((True, solved.p_friendly), (False, solved.p_hostile)):
        expected = first_passage_cdf(deadline, drift=valence, bound=threshold, noise=noise,
                                     start=bias * threshold, upper=upper)
        assert got == pytest.approx(expected, abs=1e-4)


def test_the_density_is_the_derivative_of_the_series():
    threshold, noise, valence, bias = 1.0, 1.0, 0.6, -0.2
    solved = solve_expression(Perceiver(bias, threshold, noise), Expression(valence),
                              max_time=3.0, dt=0.001)
    for upper, density in ((True, solved.density_friendly), (False, solved.density_hostile)):
        # By t = 0.3 s and 1.2 s: the integral of the density against the series.
        for t in (0.3, 1.2):
            upto = solved.times <= t + 1e-12
            integral = np.trapezoid(density[upto], solved.times[upto])
            expected = first_passage_cdf(t, drift=valence, bound=threshold, noise=noise,
                                         start=bias * threshold, upper=upper)
            assert integral == pytest.approx(expected, abs=2e-4)


def test_shares_sum_to_one_and_densities_integrate_to_the_shares():
    solved = solve_expression(Perceiver(-0.4, 2.0, 1.0), Expression(0.3, onset=1.0),
                              oxytocin=1.0, max_time=2.0)
    total = solved.p_friendly + solved.p_hostile + solved.p_undecided
    assert total == pytest.approx(1.0, abs=1e-12)
    assert solved.p_undecided > 0.3  # a deadline that leaves many readings unmade
    assert np.trapezoid(solved.density_friendly, solved.times) == pytest.approx(
        solved.p_friendly, abs=1e-4)
    assert np.trapezoid(solved.density_hostile, solved.times) == pytest.approx(
        solved.p_hostile, abs=1e-4)


def test_halving_the_grid_changes_little():
    # The error estimate the docstring states: halve the cells and the ramp's
    # pieces; the settings span the explorers' ranges, ramps included.
    rng = np.random.default_rng(3)
    n = 200
    threshold = rng.uniform(0.1, 2.5, n)
    noise = np.ones(n)
    drift = rng.uniform(-3, 3, n)
    settings = (rng.uniform(-0.9, 0.9, n), drift / threshold, noise**2 / (2 * threshold**2),
                rng.uniform(0, 1.5, n))
    coarse = solve_batch(*settings, 5.0)
    fine = solve_batch(*settings, 5.0, n_cells=400, ramp_pieces=128)
    for end in ("up", "down"):
        assert np.max(np.abs(coarse[end] - fine[end])) < 1e-4
        decided = fine[end] > 0.01
        times = np.abs(coarse[f"{end}_moment"] / coarse[end] - fine[f"{end}_moment"] / fine[end])
        assert np.max(times[decided]) < 1e-3


def test_the_fallback_for_strong_drift_agrees_with_the_closed_forms():
    # 2·g·|v|·a/σ² = 2·1·3/0.3² ≫ 20: stepped in time, not through the eigenbasis.
    solved = solve_expression(Perceiver(0.0, 3.0, 0.3), Expression(-1.0), max_time=10.0)
    p_error, mean_time = _closed_forms(1.0, 3.0, 0.3)
    assert solved.p_friendly == pytest.approx(p_error, abs=1e-4)
    assert solved.mean_time == pytest.approx(mean_time, abs=2e-3)


def test_both_methods_agree_where_both_apply(monkeypatch):
    from widgets.models import fokker_planck

    settings = (np.array([0.4, -0.4, 0.0]), np.array([1.5, -0.8, 2.0]),
                np.array([0.5, 0.2, 0.08]), np.array([0.5, 1.0, 1.5]))
    spectral = solve_batch(*settings, 3.0)
    monkeypatch.setattr(fokker_planck, "SPECTRAL_LIMIT", -1.0)
    stepped = solve_batch(*settings, 3.0)
    for end in ("up", "down"):
        np.testing.assert_allclose(spectral[end], stepped[end], atol=1e-4)


def test_a_bias_of_one_decides_at_once():
    solved = solve_expression(Perceiver(1.0, 1.0, 1.0), Expression(-0.5))
    assert solved.p_friendly == 1.0 and solved.p_hostile == 0.0


# Settings spread over every control's range, with onsets and deadlines that
# leave many readings undecided (the last four leave ≥ 30 %).
SAMPLED = [
    # bias, threshold, noise, valence, onset, oxytocin, gain, speedup, max_time
    (0.0, 1.0, 1.0, 0.5, 0.5, 0.0, 0.3, 0.3, 5.0),
    (0.4, 1.0, 1.0, 0.5, 0.5, 1.0, 0.3, 0.3, 5.0),
    (-0.4, 1.0, 1.0, 0.5, 0.5, 1.0, 0.3, 0.3, 5.0),
    (-0.4, 1.5, 1.0, 0.5, 1.0, 1.0, 2.0, 0.0, 5.0),
    (0.4, 2.5, 1.0, -1.0, 1.5, 1.0, 0.0, 0.8, 5.0),
    (-0.9, 0.2, 0.2, 1.0, 3.0, 0.5, 1.0, 0.4, 5.0),
    (0.9, 3.0, 3.0, -0.2, 0.0, 0.0, 0.3, 0.3, 5.0),
    (0.2, 0.5, 2.0, 0.8, 0.2, 1.0, 1.5, 0.6, 2.0),
    (-0.2, 1.2, 0.6, -0.6, 2.0, 0.7, 0.5, 0.2, 4.0),
    (0.6, 0.8, 1.5, 0.0, 0.0, 1.0, 0.3, 0.3, 3.0),
    (-0.7, 2.0, 0.9, 0.3, 0.8, 0.3, 0.9, 0.5, 6.0),
    (0.1, 1.8, 1.2, -0.4, 1.2, 1.0, 0.3, 0.3, 5.0),
    (0.0, 0.4, 0.5, 0.9, 0.6, 0.0, 0.3, 0.3, 1.0),
    (-1.0, 1.0, 1.0, 0.5, 0.5, 0.0, 0.3, 0.3, 5.0),
    (0.3, 2.2, 0.8, 0.7, 2.5, 1.0, 1.2, 0.1, 8.0),
    (-0.5, 1.4, 1.0, -0.9, 0.4, 0.9, 0.6, 0.7, 5.0),
    (0.0, 3.0, 1.0, 0.2, 1.0, 0.0, 0.3, 0.3, 2.0),
    (0.4, 2.5, 1.0, 0.1, 1.5, 0.0, 0.3, 0.3, 1.5),
    (-0.3, 2.8, 0.7, -0.3, 3.0, 0.5, 0.3, 0.3, 2.0),
    (0.2, 2.0, 0.5, 0.0, 0.5, 1.0, 0.3, 0.0, 3.0),
]
N_READINGS = 200_000


def _sampled_against_solved(setting, *, drift_factor=1.0):
    bias, threshold, noise, valence, onset, oxytocin, gain, speedup, max_time = setting
    readings = read_expression(
        Perceiver(bias, threshold, noise), Expression(valence * drift_factor, onset),
        oxytocin=oxytocin, salience_gain=gain, speedup=speedup, max_time=max_time,
        n_trials=N_READINGS, seed=21, dt=1e-4,
    )
    solved = solve_expression(
        Perceiver(bias, threshold, noise), Expression(valence, onset),
        oxytocin=oxytocin, salience_gain=gain, speedup=speedup, max_time=max_time, dt=0.01,
    )
    worst = 0.0
    for sampled, exact in ((readings.p_friendly, solved.p_friendly),
                           (readings.p_hostile, solved.p_hostile),
                           (readings.p_undecided, solved.p_undecided)):
        se = math.sqrt(max(exact * (1 - exact), 1e-12) / N_READINGS)
        worst = max(worst, abs(sampled - exact) / se if abs(sampled - exact) > 1e-9 else 0.0)
    for choice, exact in ((1, solved.mean_time_friendly), (-1, solved.mean_time_hostile)):
        times = readings.times[readings.choices == choice]
        if times.size > 100 and times.std() > 0:  # (a bias of ±1 decides all at time 0)
            # Sampled times are rounded up to dt = 0.1 ms: +dt/2 on average.
            se = times.std(ddof=1) / math.sqrt(times.size)
            worst = max(worst, abs(times.mean() - 0.5e-4 - exact) / se)
    return worst, solved.p_undecided


@pytest.mark.parametrize("setting", SAMPLED, ids=[f"setting{i}" for i in range(len(SAMPLED))])
def test_sampling_agrees_within_four_standard_errors(setting):
    worst, _ = _sampled_against_solved(setting)
    assert worst < 4.0


def test_the_sampled_settings_include_many_undecided():
    undecided = solve_expressions(
        bias=[s[0] for s in SAMPLED], threshold=[s[1] for s in SAMPLED],
        noise=[s[2] for s in SAMPLED], valence=[s[3] for s in SAMPLED],
        onset=[s[4] for s in SAMPLED], oxytocin=[s[5] for s in SAMPLED],
        salience_gain=[s[6] for s in SAMPLED], speedup=[s[7] for s in SAMPLED],
        max_time=1.0,
    ).p_undecided
    assert np.sum(undecided >= 0.3) >= 3


def test_the_sampling_check_catches_a_slightly_wrong_drift():
    # Negative control: the sampled model with 10 % more drift fails the same check.
    worst, _ = _sampled_against_solved(SAMPLED[1], drift_factor=1.10)
    assert worst > 4.0


def test_the_solver_matches_pyddm():
    reference = load_pyddm_reference()
    for entry in reference["settings"]:
        s = entry["setting"]
        solved = solve_expression(Perceiver(s["bias"], s["threshold"], s["noise"]),
                                  Expression(s["valence"], s["onset"]), oxytocin=s["oxytocin"],
                                  max_time=s["max_time"], dt=0.01)
        assert solved.bound == pytest.approx(entry["bound"], rel=1e-12)
        assert solved.drift_gain == pytest.approx(entry["drift_gain"], rel=1e-12)
        pyddm = entry["pyddm"]
        assert solved.p_friendly == pytest.approx(pyddm["p_friendly"], abs=0.002)
        assert solved.p_hostile == pytest.approx(pyddm["p_hostile"], abs=0.002)
        assert solved.mean_time == pytest.approx(pyddm["mean_time"], abs=0.002)


def test_the_pyddm_check_catches_a_wrong_bound():
    reference = load_pyddm_reference()
    entry = reference["settings"][0]
    s = entry["setting"]
    solved = solve_expression(Perceiver(s["bias"], s["threshold"] * 0.97, s["noise"]),
                              Expression(s["valence"], s["onset"]), oxytocin=s["oxytocin"],
                              max_time=s["max_time"])
    pyddm = entry["pyddm"]
    assert (abs(solved.p_friendly - pyddm["p_friendly"]) > 0.002
            or abs(solved.mean_time - pyddm["mean_time"]) > 0.002)


def test_a_grid_equals_its_settings_one_by_one():
    grid = solve_expressions(valence=np.array([-0.5, 0.5])[:, None], bias=[-0.4, 0.4],
                             onset=0.5, oxytocin=1.0, threshold=1.5)
    assert grid.p_friendly.shape == (2, 2)
    for i, valence in enumerate((-0.5, 0.5)):
        for j, bias in enumerate((-0.4, 0.4)):
            one = solve_expression(Perceiver(bias, 1.5), Expression(valence, 0.5), oxytocin=1.0)
            assert grid.p_friendly[i, j] == pytest.approx(one.p_friendly, abs=1e-12)
            assert grid.mean_time[i, j] == pytest.approx(one.mean_time, abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"oxytocin": 1.5}, "oxytocin"), ({"max_time": 0.0}, "max_time"),
     ({"salience_gain": -0.1}, "salience_gain"), ({"speedup": 0.9}, "speedup"),
     ({"dt": 0.02}, "dt")],
)
def test_bad_input_names_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name} = .* allowed range"):
        solve_expression(Perceiver(), Expression(0.5), **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"valence": [0.2, 1.5]}, "valence"), ({"valence": 0.2, "bias": np.nan}, "bias"),
     ({"valence": 0.2, "threshold": [0.1]}, "threshold"),
     ({"valence": 0.2, "onset": 4.0}, "onset"), ({"valence": 0.2, "noise": 5}, "noise")],
)
def test_bad_grid_input_names_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name} = .* allowed range"):
        solve_expressions(**kwargs)


def test_wrong_types_are_refused():
    with pytest.raises(TypeError, match="perceiver"):
        solve_expression("Tom", Expression(0.5))
    with pytest.raises(TypeError, match="valence"):
        solve_expressions(valence="smile")
