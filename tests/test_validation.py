"""The validation page's comparisons: their closed forms, their verdicts, and the PyDDM file.

The closed forms in booktools/validation.py are checked here against limits,
symmetries and brute-force computations written in the test; the verdicts are
checked to flag a deliberately wrong model (the page would show the failure);
and the committed PyDDM data file is checked against PyDDM itself and against
the current model.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate

from booktools import validation
from widgets.models import BrainCousens, Expression, read_expression, simulate_literature

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pyddm_reference.py"

# --- closed forms -----------------------------------------------------------------------


@pytest.mark.parametrize(("drift", "bound", "noise"), [(0.5, 1.0, 1.0), (1.0, 0.6, 1.5)])
def test_error_probability_and_mean_time_limits_and_symmetry(drift, bound, noise):
    p = validation.error_probability(drift, bound, noise)
    assert 0 < p < 0.5
    assert validation.error_probability(-drift, bound, noise) == p  # the wrong side, mirrored
    # Weak drift: a fair coin, and the driftless mean exit time a²/σ².
    assert validation.error_probability(1e-9, bound, noise) == pytest.approx(0.5)
    assert validation.mean_decision_time(1e-6, bound, noise) == pytest.approx(
        bound**2 / noise**2, rel=1e-6)
    assert validation.mean_decision_time(0.0, bound, noise) == bound**2 / noise**2
    # Strong drift: the walk goes straight to the bound at speed μ, so T ≈ a/μ.
    assert validation.mean_decision_time(50.0, bound, noise) == pytest.approx(bound / 50.0)


@pytest.mark.parametrize(("drift", "bias"), [(0.5, 0.3), (-0.7, -0.2), (0.0, 0.4)])
def test_first_passage_cdf_totals_and_shape(drift, bias):
    kwargs = dict(drift=drift, bound=1.0, noise=1.0, start=bias)
    upper = [validation.first_passage_cdf(t, upper=True, **kwargs) for t in (0.01, 0.5, 2.0, 40.0)]
    lower = [validation.first_passage_cdf(t, upper=False, **kwargs) for t in (0.01, 0.5, 2.0, 40.0)]
    assert np.all(np.diff(upper) >= 0) and np.all(np.diff(lower) >= 0)
    assert upper[0] < 1e-3 and lower[0] < 1e-3  # no time to get there yet
    assert upper[-1] + lower[-1] == pytest.approx(1.0, abs=1e-9)  # everyone decides
    if drift == 0:
        assert upper[-1] == pytest.approx((1 + bias) / 2)  # gambler's ruin
    else:  # the no-bias error rate of bogacz2006physics, from the other closed form
        no_bias = validation.first_passage_cdf(40.0, upper=drift < 0, drift=drift, bound=1.0,
                                               noise=1.0, start=0.0)
        assert no_bias == pytest.approx(validation.error_probability(drift, 1.0, 1.0))


def test_first_passage_cdf_gives_the_mean_time():
    # ∫ (1 − F_up(t) − F_low(t)) dt is the mean exit time, which has its own closed form.
    def survival(t):
        return 1 - sum(validation.first_passage_cdf(t, drift=0.8, bound=1.2, noise=0.9,
                                                    start=0.0, upper=u) for u in (True, False))

    mean, _ = integrate.quad(survival, 1e-9, 60, limit=200)
    assert mean == pytest.approx(validation.mean_decision_time(0.8, 1.2, 0.9), rel=1e-5)


def test_power_closed_form_limits():
    assert validation.noncentral_t_power(0.0, 20, 0.05) == pytest.approx(0.05)
    assert validation.noncentral_t_power(0.5, 20, 0.05) == pytest.approx(
        validation.noncentral_t_power(-0.5, 20, 0.05))
    assert validation.noncentral_t_power(2.0, 200, 0.05) > 0.9999
    # Large samples: the t-test becomes a z-test, power ≈ Φ(d√(n/2) − 1.96).
    z = 0.3 * math.sqrt(1000 / 2) - 1.959964
    assert validation.noncentral_t_power(0.3, 1000, 0.05) == pytest.approx(
        0.5 * math.erfc(-z / math.sqrt(2)), abs=1e-3)


@pytest.mark.parametrize(("effect", "fraction"), [(0.5, 0.1), (1.5, 0.5), (0.8, 1.0)])
def test_treated_variance_is_the_mixture_variance(effect, fraction):
    # δ = +d with probability 1 − f, −d with f; variance = 1 + E[δ²] − E[δ]².
    mean = (1 - fraction) * effect - fraction * effect
    expected = 1 + effect**2 - mean**2
    assert validation.treated_variance(effect, fraction) == pytest.approx(expected)


@pytest.mark.parametrize("hormesis", [10.0, 75.0, 300.0])
def test_slope_two_peak_is_the_top_of_the_curve(hormesis):
    curve = BrainCousens(slope=2.0, scale=3.0, floor=10.0, hormesis=hormesis)
    peak = validation.peak_dose_slope_two(curve)
    doses = np.linspace(0.0, 30.0, 300_001)
    assert peak == pytest.approx(doses[np.argmax(curve.response(doses))], abs=2e-4)
    assert abs(validation.brain_cousens_slope(curve, peak)) < 1e-9 * hormesis


def test_brain_cousens_slope_is_the_derivative():
    curve = BrainCousens(slope=3.5, scale=2.0, hormesis=40.0)
    for dose in (0.3, 1.0, 4.0):
        h = 1e-6
        numeric = float(curve.response(dose + h) - curve.response(dose - h)) / (2 * h)
        assert validation.brain_cousens_slope(curve, dose) == pytest.approx(numeric, rel=1e-6)


def test_slope_two_closed_form_refuses_other_curves():
    with pytest.raises(ValueError, match="slope"):
        validation.peak_dose_slope_two(BrainCousens(slope=3.0))


# --- the verdict ------------------------------------------------------------------------


def test_a_check_reads_its_difference_in_standard_errors():
    check = validation.Check("x", model=1.3, expected=1.0, standard_error=0.1)
    assert check.difference_in_se == pytest.approx(3.0)
    assert check.agrees and check.verdict == "agrees"
    far = validation.Check("x", model=0.5, expected=1.0, standard_error=0.1)
    assert far.difference_in_se == pytest.approx(-5.0)
    assert not far.agrees and far.verdict == "DIFFERS"
    exact = validation.Check("x", model=2.0 + 1e-9, expected=2.0)
    assert exact.agrees and math.isnan(exact.difference_in_se)
    assert not validation.Check("x", model=2.001, expected=2.0).agrees
    table = validation.markdown_table([check, far, exact])
    assert table.count("\n") == 4 and "DIFFERS" in table and "−5.0 SE" in table


def test_the_right_model_agrees():
    checks = (validation.closed_form_checks((0.3, 1.0), (0.5, 1.5), n_trials=10_000, seed=1)
              + validation.gamblers_ruin_checks((-0.6, 0.3), n_trials=10_000, seed=2)
              + validation.distribution_checks((0.2, 0.6, 1.5), drift=0.5, bias=0.3,
                                               n_trials=10_000, seed=3))
    assert all(check.agrees for check in checks), [c for c in checks if not c.agrees]


def _too_strong_reader(perceiver, expression, **options):
    """A deliberately wrong model: the drift is 50 % stronger than the face's valence."""
    stronger = Expression(max(-1.0, min(1.0, 1.5 * expression.valence)), expression.onset)
    return read_expression(perceiver, stronger, **options)


def _lopsided_reader(perceiver, expression, **options):
    """A deliberately wrong model: every reader starts a little toward friendly."""
    shifted = type(perceiver)(min(1.0, perceiver.bias + 0.1), perceiver.threshold,
                              perceiver.noise)
    return read_expression(shifted, expression, **options)


def test_the_closed_form_comparison_flags_a_wrong_model():
    checks = validation.closed_form_checks((0.3, 0.6), (1.0,), n_trials=10_000, seed=1,
                                           read=_too_strong_reader)
    assert validation.largest_difference_in_se(checks) > 10
    assert not all(check.agrees for check in checks)


def test_the_gamblers_ruin_and_distribution_comparisons_flag_a_wrong_model():
    ruin = validation.gamblers_ruin_checks((0.0, 0.3), n_trials=10_000, seed=2,
                                           read=_lopsided_reader)
    assert validation.largest_difference_in_se(ruin) > 8
    distribution = validation.distribution_checks((0.3, 1.0), drift=0.5, n_trials=10_000, seed=3,
                                                  read=_too_strong_reader)
    assert validation.largest_difference_in_se(distribution) > 8


def test_the_pyddm_comparison_flags_a_wrong_model():
    reference = validation.load_pyddm_reference()
    rows = validation.pyddm_checks(reference, n_trials=50_000, seed=4, read=_too_strong_reader)
    worst = validation.largest_difference_in_se([c for row in rows for c in row])
    assert worst > 10


def test_the_power_and_variance_comparisons_flag_a_wrong_model():
    def wrong_alpha(effect, n, **options):  # tests at 0.1 while claiming 0.05
        return simulate_literature(effect, n, **{**options, "alpha": 0.1})

    def no_moderator(effect, n, **options):  # ignores the opposite fraction
        return simulate_literature(effect, n, **{**options, "opposite_fraction": 0.0})

    power = validation.power_checks(((0.5, 20),), n_studies=10_000, simulate=wrong_alpha)
    variance = validation.variance_checks(((1.0, 0.25),), n_studies=10_000, simulate=no_moderator)
    assert abs(power[0].difference_in_se) > 10
    assert abs(variance[0].difference_in_se) > 10


def test_the_church_and_peak_checks_flag_a_wrong_model():
    from widgets.models import simulate_service

    def forgetful(perceiver, **options):  # learns at half the rate it was given
        return simulate_service(perceiver, **{**options,
                                              "learning_rate": options["learning_rate"] / 2})

    assert validation.church_gap_check().agrees
    assert not validation.church_gap_check(simulate=forgetful).agrees

    def faces_only(perceiver, **options):  # ignores the reading path
        return simulate_service(perceiver, **{**options, "belief_from_reading": 0.0})

    assert validation.church_feedback_check(0.2, 0.5).agrees
    assert not validation.church_feedback_check(0.2, 0.5, simulate=faces_only).agrees
    assert all(check.agrees for check in validation.peak_checks())


# --- the numerical scheme ---------------------------------------------------------------


def test_the_bridge_scheme_is_exact_at_coarse_steps_and_euler_is_not():
    result = validation.scheme_bias((0.1,), n_trials=20_000, seed=5)
    assert all(check.agrees for check in result["bridge"])
    euler_p, euler_time = result["euler"]
    assert euler_p.difference_in_se < -4  # misses crossings: fewer wrong readings
    assert euler_time.difference_in_se > 10  # and dates them late


def test_fixed_step_walk_refuses_bad_input():
    with pytest.raises(ValueError, match="step"):
        validation.fixed_step_walk(1.0, 1.0, 1.0, 0.0, bridge=True, n_trials=10, seed=1)
    with pytest.raises(ValueError, match="bound"):
        validation.fixed_step_walk(1.0, 5.0, 1.0, 0.01, bridge=False, n_trials=10, seed=1)


# --- the PyDDM data file -------------------------------------------------------------------


def test_the_pyddm_file_covers_the_settings_and_the_model_constants():
    reference = validation.load_pyddm_reference()
    assert [entry["setting"] for entry in reference["settings"]] == [
        dict(s) for s in validation.PYDDM_SETTINGS]
    assert any(s["onset"] > 0 for s in validation.PYDDM_SETTINGS)  # a forming face
    assert any(s["max_time"] < 3 for s in validation.PYDDM_SETTINGS)  # a deadline
    for entry in reference["settings"]:
        s = entry["setting"]
        bound, gain = validation.pyddm_bound_and_gain(s["threshold"], s["oxytocin"])
        assert (entry["bound"], entry["drift_gain"]) == (bound, gain)
        total = sum(entry["pyddm"][k] for k in ("p_friendly", "p_hostile", "p_undecided"))
        assert total == pytest.approx(1.0, abs=1e-6)


def test_the_pyddm_file_is_what_pyddm_computes():
    # No skip: requirements-test.txt pins pyddm, so CI always runs this.
    import pyddm

    spec = importlib.util.spec_from_file_location("pyddm_reference", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    reference = validation.load_pyddm_reference()
    assert reference["pyddm_version"] == pyddm.__version__
    # A formed face (PyDDM's analytic solution) and a forming one with oxytocin (its
    # numerical solver), at the file's grid.
    for index in (1, 3):
        entry = reference["settings"][index]
        fresh = script.solve(entry["setting"], reference["grid_dx_dt"])
        for key, value in entry["pyddm"].items():
            assert fresh["pyddm"][key] == pytest.approx(value, rel=1e-9, abs=1e-12), key


@pytest.mark.parametrize("index", [0, 2, 5, 7])
def test_the_model_matches_the_pyddm_file(index):
    reference = validation.load_pyddm_reference()
    one = {**reference, "settings": [reference["settings"][index]]}
    (row,) = validation.pyddm_checks(one, n_trials=100_000, seed=40 + index)
    assert all(check.agrees for check in row), row


def test_a_stale_pyddm_file_is_refused():
    reference = validation.load_pyddm_reference()
    entry = dict(reference["settings"][3])
    entry["bound"] *= 1.01  # as if the model's speed-up had changed since the file was written
    with pytest.raises(ValueError, match="re-run scripts/pyddm_reference.py"):
        validation.pyddm_checks({**reference, "settings": [entry]}, n_trials=100)
