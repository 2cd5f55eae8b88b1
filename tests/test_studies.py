"""The simulated literature against the noncentral t, raw-data simulation and algebra."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from widgets.models import simulate_literature


def noncentral_t_power(d: float, n: int, alpha: float) -> float:
    df = 2 * n - 2
    critical = stats.t.ppf(1 - alpha / 2, df)
    noncentrality = d * math.sqrt(n / 2)
    return float(
        stats.nct.sf(critical, df, noncentrality) + stats.nct.cdf(-critical, df, noncentrality)
    )


@pytest.mark.parametrize(
    ("d", "n", "alpha"),
    [
        (0.5, 20, 0.05),
        (0.3, 50, 0.05),
        (0.8, 10, 0.05),
        (-0.4, 30, 0.05),
        (0.2, 200, 0.01),
        (1.0, 2, 0.05),
    ],
)
def test_power_matches_the_noncentral_t(d, n, alpha):
    # 40,000 studies: the 0.01 tolerance is at least 4 standard errors wide
    # (at 20,000 it would be under 3 for powers near one half).
    studies = 40_000
    expected = noncentral_t_power(d, n, alpha)
    assert 0.01 >= 4 * math.sqrt(expected * (1 - expected) / studies)
    literature = simulate_literature(d, n, n_studies=studies, alpha=alpha, seed=1)
    assert literature.power == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("alpha", [0.05, 0.01, 0.2])
def test_power_is_alpha_without_an_effect(alpha):
    literature = simulate_literature(0.0, 25, n_studies=40_000, alpha=alpha, seed=2)
    assert literature.power == pytest.approx(alpha, abs=0.01)
    # and the p-values are uniform: the fraction below any level is that level
    assert np.mean(literature.p_values < 0.5) == pytest.approx(0.5, abs=0.015)


def test_statistics_agree_with_each_other():
    n = 15
    literature = simulate_literature(0.4, n, n_studies=2000, seed=3, opposite_fraction=0.2)
    pooled = np.sqrt((literature.treated_variance + literature.control_variance) / 2)
    d_hat = (literature.treated_mean - literature.control_mean) / pooled
    assert np.allclose(literature.effects, d_hat, rtol=1e-12)
    t = literature.effects * math.sqrt(n / 2)
    p = 2 * stats.t.sf(np.abs(t), 2 * n - 2)
    assert np.allclose(literature.p_values, p, rtol=1e-9, atol=1e-15)
    assert np.array_equal(literature.significant, literature.p_values < 0.05)


def test_matches_a_participant_by_participant_simulation():
    # The model draws group means and sums of squares directly; drawing every
    # participant and running scipy's t-test must give the same distribution.
    d, n, f, studies = 0.8, 10, 0.3, 20_000
    rng = np.random.default_rng(123)
    signs = np.where(rng.random((studies, n)) < f, -1.0, 1.0)
    treated = d * signs + rng.standard_normal((studies, n))
    control = rng.standard_normal((studies, n))
    raw_p = stats.ttest_ind(treated, control, axis=1).pvalue
    raw_power = float(np.mean(raw_p < 0.05))
    raw_var = treated.var(axis=1, ddof=1)

    literature = simulate_literature(d, n, n_studies=studies, opposite_fraction=f, seed=4)
    se_power = math.sqrt(2 * raw_power * (1 - raw_power) / studies)
    assert abs(literature.power - raw_power) < 4 * se_power
    se_var = math.sqrt(2) * raw_var.std() / math.sqrt(studies)
    assert abs(literature.treated_variance.mean() - raw_var.mean()) < 4 * se_var
    se_effect = math.sqrt(2) * literature.effects.std() / math.sqrt(studies)
    raw_d = (treated.mean(1) - control.mean(1)) / np.sqrt((raw_var + control.var(1, ddof=1)) / 2)
    assert abs(literature.mean_effect - raw_d.mean()) < 4 * se_effect


def test_publication_filter_inflates_published_effects():
    literature = simulate_literature(0.3, 20, n_studies=5000, publish_nonsignificant=0.0, seed=5)
    assert np.array_equal(literature.published, literature.significant)
    assert literature.mean_published_effect > literature.mean_effect
    everything = simulate_literature(0.3, 20, n_studies=500, publish_nonsignificant=1.0, seed=6)
    assert everything.published.all()
    assert everything.mean_published_effect == pytest.approx(everything.mean_effect)


def test_partial_publication_keeps_that_share_of_null_results():
    literature = simulate_literature(0.0, 20, n_studies=20_000, publish_nonsignificant=0.3, seed=7)
    kept = literature.published[~literature.significant].mean()
    assert kept == pytest.approx(0.3, abs=4 * math.sqrt(0.21 / 19_000))


@pytest.mark.parametrize(("f", "d"), [(0.1, 1.0), (0.25, 0.8), (0.5, 1.5), (1.0, 0.6)])
def test_opposite_effects_widen_the_treated_group(f, d):
    n, studies = 30, 20_000
    literature = simulate_literature(d, n, n_studies=studies, opposite_fraction=f, seed=8)
    variance = literature.treated_variance
    expected = 1 + 4 * f * (1 - f) * d**2
    assert abs(variance.mean() - expected) < 4 * variance.std() / math.sqrt(studies)
    control = literature.control_variance
    assert abs(control.mean() - 1.0) < 4 * control.std() / math.sqrt(studies)
    mean = literature.treated_mean
    assert abs(mean.mean() - (1 - 2 * f) * d) < 4 * mean.std() / math.sqrt(studies)


def test_opposite_effects_in_equal_shares_average_to_a_null():
    studies = 20_000
    literature = simulate_literature(0.8, 40, n_studies=studies, opposite_fraction=0.5, seed=9)
    assert abs(literature.mean_effect) < 4 * literature.effects.std() / math.sqrt(studies)
    # while without the moderator the same d is plainly there
    plain = simulate_literature(0.8, 40, n_studies=studies, seed=10)
    assert plain.mean_effect > 0.7


def test_tiny_groups_give_finite_results():
    literature = simulate_literature(2.0, 2, n_studies=5000, opposite_fraction=0.5, seed=11)
    for array in (literature.effects, literature.p_values, literature.treated_variance):
        assert np.isfinite(array).all()
    assert ((literature.p_values >= 0) & (literature.p_values <= 1)).all()


def test_mean_published_effect_is_nan_only_when_nothing_is_published():
    nothing = simulate_literature(
        0.0, 10, n_studies=1, alpha=1e-12, publish_nonsignificant=0.0, seed=12
    )
    assert nothing.n_published == 0
    assert math.isnan(nothing.mean_published_effect)
    assert not math.isnan(nothing.mean_effect)


def test_same_seed_same_literature():
    a = simulate_literature(0.3, 25, n_studies=300, opposite_fraction=0.2, seed=13)
    b = simulate_literature(0.3, 25, n_studies=300, opposite_fraction=0.2, seed=13)
    c = simulate_literature(0.3, 25, n_studies=300, opposite_fraction=0.2, seed=14)
    assert np.array_equal(a.effects, b.effects) and np.array_equal(a.published, b.published)
    assert not np.array_equal(a.effects, c.effects)
    with pytest.raises(ValueError):
        a.effects[0] = 0.0


@pytest.mark.parametrize(
    ("args", "kwargs", "name", "error"),
    [
        ((2.5, 20), {}, "true_effect", ValueError),
        ((math.nan, 20), {}, "true_effect", ValueError),
        (("big", 20), {}, "true_effect", TypeError),
        ((0.3, 1), {}, "n_per_group", ValueError),
        ((0.3, 10_001), {}, "n_per_group", ValueError),
        ((0.3, 20.0), {}, "n_per_group", TypeError),
        ((0.3, 20), {"n_studies": 0}, "n_studies", ValueError),
        ((0.3, 20), {"alpha": 0.0}, "alpha", ValueError),
        ((0.3, 20), {"alpha": 0.6}, "alpha", ValueError),
        ((0.3, 20), {"publish_nonsignificant": 1.5}, "publish_nonsignificant", ValueError),
        ((0.3, 20), {"opposite_fraction": -0.1}, "opposite_fraction", ValueError),
        ((0.3, 20), {"opposite_fraction": math.inf}, "opposite_fraction", ValueError),
        ((0.3, 20), {"seed": -1}, "seed", ValueError),
    ],
)
def test_simulate_literature_rejects_bad_input(args, kwargs, name, error):
    with pytest.raises(error, match=name):
        simulate_literature(*args, **kwargs)
