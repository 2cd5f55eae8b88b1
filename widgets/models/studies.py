r"""The literature: many small two-group studies, a significance test, a filter.

Each simulated study compares a treated group (oxytocin) with a control group
(placebo), ``n_per_group`` participants each, on an outcome in standard-
deviation units.

**Participants.** Control: :math:`y \sim N(0, 1)`. Treated:
:math:`y \sim N(\delta_i, 1)` where each participant's own effect is
:math:`\delta_i = +d` with probability :math:`1 - f` and :math:`-d` with
probability :math:`f` (``true_effect`` :math:`d \in [-2, 2]` SD units,
``opposite_fraction`` :math:`f \in [0, 1]`). :math:`f` stands for a moderator
such as attachment style: the same dose helps some people and hurts others
(bartz2011social). The treated group's mean is :math:`(1 - 2f)d` and its
variance :math:`1 + 4f(1 - f)d^2`, so at :math:`f = 0.5` opposite effects
average to a null while the treated variance grows.

**Each study** computes the standardised mean difference with the pooled SD
(Cohen's d) and a two-sided Student two-sample t-test with pooled variance,

.. math::

    s_p^2 = \frac{SS_t + SS_c}{2n - 2}, \quad
    \hat d = \frac{\bar y_t - \bar y_c}{s_p}, \quad
    t = \hat d \sqrt{n/2}, \quad
    p = 2\,P(T_{2n-2} > |t|),

and is *significant* if :math:`p <` ``alpha``. Significant studies are always
*published*; others each with probability ``publish_nonsignificant``. With no
moderator the power is
:math:`P(|T'| > t_{1-\alpha/2,\,2n-2})` with :math:`T'` noncentral t,
:math:`2n - 2` degrees of freedom and noncentrality :math:`d\sqrt{n/2}`; the
tests check the simulation against it (scipy.stats.nct).

**Sampling.** Within each group (and within each moderator subgroup) the
data are normal, so a study's group mean and sum of squares are drawn from
their exact joint law instead of simulating each participant: the mean is
normal, the sum of squares an independent :math:`\chi^2` with size − 1
degrees of freedom. For the treated group, the number with the opposite
effect is :math:`K \sim \text{Binomial}(n, f)`; the two subgroups (sizes
:math:`n - K` and :math:`K`) are drawn so, and combined,
:math:`SS_t = SS_+ + SS_- + \frac{(n-K)K}{n}(\bar y_+ - \bar y_-)^2`. This is
identical in distribution to drawing every participant, and costs the same
for n = 10 or n = 10 000.

Defaults: 1000 studies, alpha 0.05, every study published
(``publish_nonsignificant`` 1), no moderator. Typical intranasal-oxytocin
studies are small and underpowered (walum2016statistical); a plausible upper
range for true effects is d ≈ 0.3 (bakermanskranenburg2013sniffing), and the
trust effect is about zero (declerck2020registered; nave2015does).

What the model leaves out: flexible analyses, multiple outcomes, unequal
groups, and publication bias that depends on the direction of the effect.

**A real study's power** (:func:`study_power`). For a study that reports an
effect with standard error :math:`s`, the power to detect a true effect
:math:`\delta` with a two-sided z-test at level :math:`\alpha` is

.. math::

    1 - \Phi\left(z_{1-\alpha/2} - \frac{|\delta|}{s}\right)
      + \Phi\left(-z_{1-\alpha/2} - \frac{|\delta|}{s}\right),

as metameta computes it (quintana2022guide): the study's estimate is taken
to be normal around :math:`\delta` with standard deviation :math:`s`. Where a
source gives only a 95 % interval, :func:`ci_to_standard_error` recovers
:math:`s` as (upper − lower) / (2 × 1.96), metameta's ``ci_to_se``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from ._random import make_rng
from ._validation import check_int, check_real, check_reals

__all__ = ["Literature", "ci_to_standard_error", "simulate_literature", "study_power"]


@dataclass(frozen=True, eq=False)
class Literature:
    """A simulated literature of ``n_studies`` two-group studies.

    effects : numpy.ndarray of float64, shape (n_studies,)
        Cohen's d of each study (treated − control, pooled SD) [SD units].
    p_values : numpy.ndarray of float64, shape (n_studies,)
        Two-sided p of the Student two-sample t-test (pooled variance).
    significant : numpy.ndarray of bool, shape (n_studies,)
        p < alpha.
    published : numpy.ndarray of bool, shape (n_studies,)
        Significant studies, and each other one with probability
        ``publish_nonsignificant``.
    treated_mean, control_mean : numpy.ndarray of float64, shape (n_studies,)
        Group means [SD units].
    treated_variance, control_variance : numpy.ndarray of float64, shape (n_studies,)
        Group sample variances (n − 1 denominator) [SD units²].
    true_effect : float
        The true effect d used [SD units].
    n_per_group : int
        Participants per group.
    alpha : float
        Significance level used.

    The arrays are read-only.
    """

    effects: np.ndarray
    p_values: np.ndarray
    significant: np.ndarray
    published: np.ndarray
    treated_mean: np.ndarray
    control_mean: np.ndarray
    treated_variance: np.ndarray
    control_variance: np.ndarray
    true_effect: float
    n_per_group: int
    alpha: float

    def __post_init__(self) -> None:
        for array in (
            self.effects,
            self.p_values,
            self.significant,
            self.published,
            self.treated_mean,
            self.control_mean,
            self.treated_variance,
            self.control_variance,
        ):
            array.setflags(write=False)

    @property
    def n_studies(self) -> int:
        """Number of studies run."""
        return int(self.effects.size)

    @property
    def power(self) -> float:
        """Fraction of studies that were significant."""
        return float(np.count_nonzero(self.significant)) / self.n_studies

    @property
    def n_published(self) -> int:
        """Number of studies published."""
        return int(np.count_nonzero(self.published))

    @property
    def mean_effect(self) -> float:
        """Mean Cohen's d over all studies run [SD units]."""
        return float(self.effects.mean())

    @property
    def mean_published_effect(self) -> float:
        """Mean Cohen's d over published studies [SD units]; nan only if none published."""
        if not self.published.any():
            return math.nan
        return float(self.effects[self.published].mean())


def simulate_literature(
    true_effect: float,
    n_per_group: int,
    *,
    n_studies: int = 1000,
    alpha: float = 0.05,
    publish_nonsignificant: float = 1.0,
    opposite_fraction: float = 0.0,
    seed: int | None = None,
) -> Literature:
    """Simulate ``n_studies`` independent two-group studies and a publication filter.

    true_effect : float
        True effect d [SD units], in [-2, 2].
    n_per_group : int
        Participants per group, in [2, 10⁴].
    n_studies : int
        Number of studies, in [1, 10⁶]. Default 1000.
    alpha : float
        Significance level, in (0, 0.5]. Default 0.05.
    publish_nonsignificant : float
        Probability a non-significant study is published, in [0, 1]. Default 1.
    opposite_fraction : float
        Fraction of treated participants whose effect is −d, in [0, 1]. Default 0.
    seed : int or None
        None (fresh entropy) or a non-negative integer (reproducible).
    """
    d = check_real("true_effect", true_effect, -2.0, 2.0)
    n = check_int("n_per_group", n_per_group, 2, 10**4)
    n_studies = check_int("n_studies", n_studies, 1, 10**6)
    alpha = check_real("alpha", alpha, 0.0, 0.5, low_open=True)
    publish_nonsignificant = check_real("publish_nonsignificant", publish_nonsignificant, 0.0, 1.0)
    f = check_real("opposite_fraction", opposite_fraction, 0.0, 1.0)
    rng = make_rng(seed)

    control_mean, control_ss = _normal_group(rng, 0.0, np.full(n_studies, n))
    opposite = rng.binomial(n, f, size=n_studies)
    same = n - opposite
    plus_mean, plus_ss = _normal_group(rng, d, same)
    minus_mean, minus_ss = _normal_group(rng, -d, opposite)
    treated_mean = (same * plus_mean + opposite * minus_mean) / n
    between = same * opposite / n * (plus_mean - minus_mean) ** 2
    treated_ss = plus_ss + minus_ss + between

    pooled_sd = np.sqrt((treated_ss + control_ss) / (2 * n - 2))
    effects = (treated_mean - control_mean) / pooled_sd
    t = effects * math.sqrt(n / 2.0)
    p_values = 2.0 * special.stdtr(2 * n - 2, -np.abs(t))
    significant = p_values < alpha
    published = significant | (rng.random(n_studies) < publish_nonsignificant)
    return Literature(
        effects=effects,
        p_values=p_values,
        significant=significant,
        published=published,
        treated_mean=treated_mean,
        control_mean=control_mean,
        treated_variance=treated_ss / (n - 1),
        control_variance=control_ss / (n - 1),
        true_effect=d,
        n_per_group=n,
        alpha=alpha,
    )


def _normal_group(
    rng: np.random.Generator, mean: float, sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sample mean and sum of squares of N(mean, 1) samples of the given sizes.

    A size of 0 gives mean 0 (it carries no weight) and sum of squares 0;
    a size of 1 gives sum of squares 0. Always draws one normal and one gamma
    per study, so the stream does not depend on the sizes.
    """
    safe = np.maximum(sizes, 1)
    sample_mean = mean + rng.standard_normal(sizes.size) / np.sqrt(safe)
    sample_mean = np.where(sizes > 0, sample_mean, 0.0)
    sum_squares = 2.0 * rng.standard_gamma((safe - 1) / 2.0)
    return sample_mean, sum_squares


def study_power(standard_error, true_effect, alpha: float = 0.05) -> np.ndarray | float:
    """Two-sided power of a z-test for a study with this standard error.

    standard_error : float or array of float
        The study's standard error [effect-size units], each in (0, 10].
    true_effect : float or array of float
        The true effect [same units], each in [-5, 5]; only its size matters.
    alpha : float
        Significance level, in (0, 0.5]. Default 0.05.

    Arrays broadcast against each other (numpy rules); a float comes back for two
    scalars. Power is alpha at a true effect of 0 and tends to 1 as the standard error
    tends to 0.
    """
    alpha = check_real("alpha", alpha, 0.0, 0.5, low_open=True)
    se = check_reals("standard_error", standard_error, 0.0, 10.0, low_open=True)
    effect = check_reals("true_effect", true_effect, -5.0, 5.0)
    critical = stats.norm.isf(alpha / 2)
    shift = np.abs(effect) / se
    # Both tails as upper tails (sf), so that a power near 1 keeps its digits.
    power = stats.norm.sf(critical - shift) + stats.norm.sf(critical + shift)
    return float(power) if np.ndim(power) == 0 else power


def ci_to_standard_error(lower, upper) -> np.ndarray | float:
    """Standard error from a 95 % interval: (upper − lower) / (2 × 1.96) (metameta's
    ``ci_to_se``). ``upper`` must exceed ``lower``, elementwise."""
    low = check_reals("lower", lower, -10.0, 10.0)
    high = check_reals("upper", upper, -10.0, 10.0)
    width = high - low
    if np.any(width <= 0):
        bad = np.argwhere(np.broadcast_to(width <= 0, width.shape))[0]
        raise ValueError(
            f"upper must exceed lower; at index {tuple(int(i) for i in bad)} lower = "
            f"{float(np.broadcast_to(low, width.shape)[tuple(bad)])!r} and upper = "
            f"{float(np.broadcast_to(high, width.shape)[tuple(bad)])!r}")
    se = width / (2 * 1.96)
    return float(se) if np.ndim(se) == 0 else se

