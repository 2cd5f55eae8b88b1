r"""How we know the models are right: the comparisons behind ``chapters/validation.md``.

Each function here runs one of the book's models and compares it with something
*independent* of its code: a closed form from the literature, an exact law, or
another program (PyDDM, a published solver of the same diffusion). A comparison
is a :class:`Check`: what the model gave, what it should give, and, for a
simulation, the standard error (SE) of the model's number, so that the
difference can be read in standard errors. A check *agrees* when the difference
is within :data:`AGREEMENT_SE` standard errors (or, for a deterministic number,
within a tiny tolerance).

The reading-model checks take the simulator as an argument (``read``, with the
signature of :func:`~widgets.models.read_expression`), and the literature checks
take ``simulate``; the tests pass a deliberately wrong model there and check
that the verdict says so.

The closed forms are written out here from their sources, never taken from the
models' code:

* diffusion with constant drift :math:`\mu`, bounds :math:`\pm a`, noise
  :math:`\sigma`, no bias (bogacz2006physics):
  :math:`P_\text{err} = 1 / (1 + e^{2\mu a/\sigma^2})`,
  :math:`\overline{T} = (a/\mu)\tanh(\mu a/\sigma^2)`;
* zero drift from :math:`x_0 = \text{bias}\cdot a`: friendly with probability
  :math:`(1 + \text{bias})/2`, after a mean time :math:`(a^2 - x_0^2)/\sigma^2`
  (gambler's ruin);
* the whole distribution of decision times: the large-time series of the
  first-passage density between two absorbing bounds (:func:`first_passage_cdf`);
* power of a two-sided two-sample t-test: the noncentral t (scipy.stats.nct);
* a treated group in which a fraction f has effect −d and the rest +d has
  variance :math:`1 + 4f(1 - f)d^2`;
* Brain–Cousens with slope b = 2: the peak is at
  :math:`x^* = (\sqrt{(d-c)^2 + f^2e^2} - (d-c))/f`.

:func:`fixed_step_walk` is a *reference* implementation, not the book's model:
a walk in fixed steps, either the naive Euler scheme (check the bound only at
step ends) or the Brownian-bridge scheme the reading model uses, so the page
can show the bias of each against the step size.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from widgets.models import (
    SALIENCE_GAIN,
    SPEEDUP,
    BrainCousens,
    Expression,
    Perceiver,
    read_expression,
    simulate_literature,
    simulate_service,
)
from widgets.models._validation import check_int, check_real
from widgets.models.interpretation import _bridge_hitting_fraction

#: A simulated number agrees with its expected value when they differ by at
#: most this many standard errors (about 6 in 100,000 by chance for one check).
AGREEMENT_SE = 4.0
#: Where scripts/pyddm_reference.py writes PyDDM's solutions.
PYDDM_REFERENCE = Path(__file__).resolve().parent / "data" / "pyddm_reference.json"
#: The settings compared with PyDDM: formed and forming faces, biases, oxytocin,
#: noise, thresholds, and two tight deadlines. Names as in Perceiver/Expression.
PYDDM_SETTINGS = (
    dict(valence=0.5, onset=0.0, bias=0.0, threshold=1.0, noise=1.0, oxytocin=0.0, max_time=5.0),
    dict(valence=-0.8, onset=0.0, bias=0.3, threshold=1.0, noise=1.0, oxytocin=0.0, max_time=5.0),
    dict(valence=0.4, onset=0.5, bias=-0.4, threshold=1.0, noise=1.0, oxytocin=0.0, max_time=5.0),
    dict(valence=0.4, onset=0.5, bias=-0.4, threshold=1.0, noise=1.0, oxytocin=1.0, max_time=5.0),
    dict(valence=0.6, onset=1.5, bias=0.2, threshold=1.5, noise=1.0, oxytocin=0.5, max_time=5.0),
    dict(valence=0.3, onset=0.5, bias=0.0, threshold=1.0, noise=0.7, oxytocin=0.0, max_time=1.0),
    dict(valence=1.0, onset=0.0, bias=-0.2, threshold=0.6, noise=1.5, oxytocin=1.0, max_time=5.0),
    dict(valence=-0.5, onset=2.0, bias=0.5, threshold=1.0, noise=0.5, oxytocin=0.0, max_time=2.0),
)

#: The reading simulator's signature: read_expression(perceiver, expression, **options).
Reader = Callable[..., object]


@dataclass(frozen=True)
class Check:
    """One comparison of a model's number with what it should be.

    quantity : str
        What is compared, in words.
    model : float
        The model's number.
    expected : float
        The independent value (a closed form, an exact law, or PyDDM).
    standard_error : float or None
        Standard error of ``model`` for a simulated number; None for a
        deterministic one, which must then match within ``tolerance``.
    tolerance : float
        For a deterministic check: allowed |model − expected| relative to
        max(1, |expected|). Default 1e-6.
    """

    quantity: str
    model: float
    expected: float
    standard_error: float | None = None
    tolerance: float = 1e-6

    @property
    def difference(self) -> float:
        """model − expected."""
        return self.model - self.expected

    @property
    def difference_in_se(self) -> float:
        """The difference in standard errors (nan for a deterministic check)."""
        if self.standard_error is None:
            return math.nan
        if self.standard_error == 0:
            return 0.0 if self.difference == 0 else math.copysign(math.inf, self.difference)
        return self.difference / self.standard_error

    @property
    def agrees(self) -> bool:
        """Within AGREEMENT_SE standard errors, or within the tolerance if deterministic."""
        if self.standard_error is None:
            return abs(self.difference) <= self.tolerance * max(1.0, abs(self.expected))
        return abs(self.difference_in_se) <= AGREEMENT_SE

    @property
    def verdict(self) -> str:
        """'agrees' or 'DIFFERS', for a table."""
        return "agrees" if self.agrees else "DIFFERS"


def largest_difference_in_se(checks: Sequence[Check]) -> float:
    """The largest |difference| in standard errors among simulated checks."""
    values = [abs(c.difference_in_se) for c in checks if c.standard_error is not None]
    return max(values) if values else 0.0


def markdown_table(checks: Sequence[Check], *, decimals: int = 3) -> str:
    """A Markdown table: quantity, model ± SE, expected, difference in SE, verdict."""

    def number(value: float) -> str:
        # Tiny non-zero values (a slope of 1e-9 at a peak) in scientific notation, not -0.000.
        text = (f"{value:.1e}" if 0 < abs(value) < 10.0**-decimals
                else f"{value:.{decimals}f}")
        return text.replace("-", "−")

    rows = ["| compared | model | expected | difference | verdict |", "|---|---|---|---|---|"]
    for c in checks:
        if c.standard_error is None:
            model = number(c.model)
            difference = f"{c.difference:.1e}".replace("-", "−")
        else:
            model = f"{number(c.model)} ± {number(c.standard_error)}"
            z = c.difference_in_se
            difference = "0.0 SE" if round(z, 1) == 0 else f"{z:+.1f} SE".replace("-", "−")
        quantity = c.quantity.replace("-", "−")  # a true minus in "bias -0.6"
        rows.append(f"| {quantity} | {model} | {number(c.expected)} | {difference} "
                    f"| {c.verdict} |")
    return "\n".join(rows)


# --- closed forms -------------------------------------------------------------------------


def error_probability(drift: float, bound: float, noise: float) -> float:
    """P(the walk ends at the bound opposite the drift's sign), no bias (bogacz2006physics)."""
    return 1.0 / (1.0 + math.exp(2.0 * abs(drift) * bound / noise**2))


def mean_decision_time(drift: float, bound: float, noise: float) -> float:
    """Mean time to either bound [s], no bias (bogacz2006physics); a²/σ² at zero drift."""
    if drift == 0:
        return bound**2 / noise**2
    return bound / abs(drift) * math.tanh(abs(drift) * bound / noise**2)


def first_passage_cdf(
    t: float, *, drift: float, bound: float, noise: float, start: float, upper: bool
) -> float:
    """P(the walk leaves (−bound, bound) through the upper (or lower) bound by time t).

    The large-time series for two absorbing bounds, with the lower bound moved
    to 0 and the upper to A = 2·bound, the start at z = start + bound. The
    first-passage density through 0 is
    (π σ²/A²) e^{−μz/σ² − μ²t/(2σ²)} Σ k e^{−k²π²σ²t/(2A²)} sin(kπz/A);
    its integral from t to ∞ is subtracted from the total probability of
    leaving through 0. The upper bound is the lower one of the mirrored walk.
    """
    if upper:
        drift, start = -drift, -start
    width, z, var = 2.0 * bound, start + bound, noise**2
    if drift == 0:
        total = 1.0 - z / width
    else:
        total = (math.exp(-2 * drift * z / var) - math.exp(-2 * drift * width / var)) / (
            1.0 - math.exp(-2 * drift * width / var)
        )
    tail = 0.0
    for k in range(1, 200):
        rate = drift**2 / (2 * var) + (k * math.pi / width) ** 2 * var / 2
        tail += k * math.sin(k * math.pi * z / width) * math.exp(-rate * t) / rate
    return total - math.pi * var / width**2 * math.exp(-drift * z / var) * tail


def noncentral_t_power(effect: float, n_per_group: int, alpha: float) -> float:
    """Power of a two-sided Student two-sample t-test, by the noncentral t."""
    df = 2 * n_per_group - 2
    critical = stats.t.ppf(1 - alpha / 2, df)
    noncentrality = effect * math.sqrt(n_per_group / 2)
    return float(stats.nct.sf(critical, df, noncentrality)
                 + stats.nct.cdf(-critical, df, noncentrality))


def treated_variance(effect: float, opposite_fraction: float) -> float:
    """Variance of a treated group where a fraction f has effect −d, the rest +d: 1 + 4f(1−f)d²."""
    return 1.0 + 4.0 * opposite_fraction * (1.0 - opposite_fraction) * effect**2


def peak_dose_slope_two(curve: BrainCousens) -> float:
    """Dose of a Brain–Cousens curve's peak when b = 2: (√((d−c)² + f²e²) − (d−c))/f."""
    if curve.slope != 2.0 or curve.hormesis == 0:
        raise ValueError(f"slope = {curve.slope!r}, hormesis = {curve.hormesis!r}: the closed "
                         "form needs slope 2 and hormesis > 0")
    fall, f, e = curve.control - curve.floor, curve.hormesis, curve.scale
    return (math.sqrt(fall**2 + (f * e) ** 2) - fall) / f


def brain_cousens_slope(curve: BrainCousens, dose: float) -> float:
    """y′(dose) of a Brain–Cousens curve [percent per dose unit], by the quotient rule.

    With r = (x/e)^b: y = c + (d − c + f x)/(1 + r), so
    y′ = [f (1 + r) − (d − c + f x) b r / x] / (1 + r)².
    """
    r = (dose / curve.scale) ** curve.slope
    top = curve.control - curve.floor + curve.hormesis * dose
    return (curve.hormesis * (1 + r) - top * curve.slope * r / dose) / (1 + r) ** 2


# --- standard errors --------------------------------------------------------------------------


def proportion_se(p: float, n: int) -> float:
    """Standard error of a proportion p estimated from n independent trials."""
    return math.sqrt(max(p * (1 - p), 0.0) / n)


def mean_se(values: np.ndarray) -> float:
    """Standard error of the mean of ``values`` (nan ignored)."""
    values = values[np.isfinite(values)]
    return float(values.std(ddof=1) / math.sqrt(values.size))


# --- the reading model ---------------------------------------------------------------------


def closed_form_checks(
    drifts: Sequence[float],
    bounds: Sequence[float],
    *,
    noise: float = 1.0,
    n_trials: int = 20_000,
    seed: int = 1,
    read: Reader = read_expression,
) -> list[Check]:
    """Error rate and mean decision time against bogacz2006physics, for each drift × bound.

    A formed face (onset 0) with valence = drift, no bias, no oxytocin, a 60 s
    deadline (so undecided readings are negligible) and a 0.1 ms clock (so the
    rounding up of reported times, +0.05 ms on average, is negligible).
    Two checks per setting: P(hostile) and the mean decision time.
    """
    checks = []
    for i, bound in enumerate(bounds):
        for j, drift in enumerate(drifts):
            readings = read(Perceiver(0.0, bound, noise), Expression(drift), n_trials=n_trials,
                            seed=seed + 100 * i + j, max_time=60.0, dt=1e-4)
            p = error_probability(drift, bound, noise)
            checks.append(Check(f"P(hostile), drift {drift:g}, bound {bound:g}",
                                readings.p_hostile, p, proportion_se(p, n_trials)))
            checks.append(Check(f"mean time (s), drift {drift:g}, bound {bound:g}",
                                readings.mean_time, mean_decision_time(drift, bound, noise),
                                mean_se(readings.times)))
    return checks


def gamblers_ruin_checks(
    biases: Sequence[float],
    *,
    bound: float = 1.0,
    noise: float = 1.0,
    n_trials: int = 20_000,
    seed: int = 2,
    read: Reader = read_expression,
) -> list[Check]:
    """A neutral face (valence 0): P(friendly) = (1 + bias)/2, mean time (a² − x0²)/σ²."""
    checks = []
    for i, bias in enumerate(biases):
        readings = read(Perceiver(bias, bound, noise), Expression(0.0), n_trials=n_trials,
                        seed=seed + i, max_time=60.0, dt=1e-4)
        p = (1 + bias) / 2
        start = bias * bound
        checks.append(Check(f"P(friendly), bias {bias:g}", readings.p_friendly, p,
                            proportion_se(p, n_trials)))
        checks.append(Check(f"mean time (s), bias {bias:g}", readings.mean_time,
                            (bound**2 - start**2) / noise**2, mean_se(readings.times)))
    return checks


def distribution_checks(
    times: Sequence[float],
    *,
    drift: float,
    bound: float = 1.0,
    noise: float = 1.0,
    bias: float = 0.0,
    n_trials: int = 40_000,
    seed: int = 3,
    read: Reader = read_expression,
) -> list[Check]:
    """The share of readings decided friendly (and hostile) by each time, against the series."""
    readings = read(Perceiver(bias, bound, noise), Expression(drift), n_trials=n_trials,
                    seed=seed, max_time=60.0, dt=1e-4)
    checks = []
    for choice, name in ((1, "friendly"), (-1, "hostile")):
        for t in times:
            expected = first_passage_cdf(t, drift=drift, bound=bound, noise=noise,
                                         start=bias * bound, upper=choice == 1)
            observed = float(np.mean((readings.choices == choice) & (readings.times <= t)))
            checks.append(Check(f"P({name} by {t:g} s)", observed, expected,
                                proportion_se(expected, n_trials)))
    return checks


def load_pyddm_reference(path: Path = PYDDM_REFERENCE) -> dict:
    """The PyDDM solutions written by scripts/pyddm_reference.py (see its docstring)."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def pyddm_checks(
    reference: dict,
    *,
    n_trials: int = 200_000,
    seed: int = 4,
    read: Reader = read_expression,
) -> list[list[Check]]:
    """The reading model against PyDDM at each setting of ``reference``.

    For each setting, three checks: P(friendly), P(hostile) and the mean
    decision time of decided readings, with the model's standard errors
    (PyDDM's numbers are deterministic). Also checks that the model's bound
    and drift gain equal those PyDDM was given: if the model's oxytocin
    constants changed, the file is stale (re-run the script) and this raises.
    """
    rows = []
    for i, entry in enumerate(reference["settings"]):
        s = entry["setting"]
        readings = read(Perceiver(s["bias"], s["threshold"], s["noise"]),
                        Expression(s["valence"], s["onset"]), oxytocin=s["oxytocin"],
                        n_trials=n_trials, seed=seed + i, max_time=s["max_time"],
                        dt=reference["model_dt"])
        for name in ("bound", "drift_gain"):
            if not math.isclose(getattr(readings, name), entry[name], rel_tol=1e-12):
                raise ValueError(
                    f"setting {i}: the model's {name} is {getattr(readings, name)!r} but PyDDM "
                    f"was given {entry[name]!r}: re-run scripts/pyddm_reference.py")
        solved = entry["pyddm"]
        rows.append([
            Check("P(friendly)", readings.p_friendly, solved["p_friendly"],
                  proportion_se(solved["p_friendly"], n_trials)),
            Check("P(hostile)", readings.p_hostile, solved["p_hostile"],
                  proportion_se(solved["p_hostile"], n_trials)),
            Check("mean time (s)", readings.mean_time, solved["mean_time"],
                  mean_se(readings.times)),
        ])
    return rows


def pyddm_bound_and_gain(threshold: float, oxytocin: float) -> tuple[float, float]:
    """The bound and drift gain given to PyDDM, written from the model's documented equations.

    a = threshold·(1 − SPEEDUP·oxytocin), g = 1 + SALIENCE_GAIN·oxytocin.
    """
    return threshold * (1.0 - SPEEDUP * oxytocin), 1.0 + SALIENCE_GAIN * oxytocin


# --- the numerical scheme ----------------------------------------------------------------------


def fixed_step_walk(
    drift: float,
    bound: float,
    noise: float,
    step: float,
    *,
    bridge: bool,
    n_trials: int,
    seed: int,
    max_time: float = 60.0,
) -> tuple[np.ndarray, np.ndarray]:
    """A reference walk in fixed steps from 0 (constant drift): (choices, times).

    Not the book's model: a small implementation of two schemes at a step the
    caller chooses, to compare them.

    * ``bridge=False``: the naive Euler walk. A reading decides when a step
      *ends* beyond a bound, at that step's end. It misses paths that cross
      and come back within a step, and reports crossings late.
    * ``bridge=True``: the Brownian-bridge scheme of the reading model: after
      each exact Gaussian step, the walk touched a bound in between with
      probability exp(−2 (a − x0)(a − x1)/(σ² h)) (likewise for −a), and the
      time of the touch is drawn from its exact law within the step (with the
      model's own sampler).

    drift [evidence units per s], bound in [0.2, 3], noise in [0.2, 3],
    step [s] in [1e-4, 1], n_trials in [1, 10⁶].
    """
    drift = check_real("drift", drift, -3.0, 3.0)
    bound = check_real("bound", bound, 0.2, 3.0)
    noise = check_real("noise", noise, 0.2, 3.0)
    step = check_real("step", step, 1e-4, 1.0)
    n_trials = check_int("n_trials", n_trials, 1, 10**6)
    rng = np.random.default_rng(seed)
    choices = np.zeros(n_trials, dtype=np.int8)
    times = np.full(n_trials, np.nan)
    active = np.arange(n_trials)
    x = np.zeros(n_trials)
    scale = 2.0 / (noise**2 * step)
    n_steps = math.ceil(max_time / step - 1e-9)
    # Steps are taken in blocks (a cumulative sum per walk) so that short steps stay fast.
    block = 64
    for first in range(0, n_steps, block):
        if not active.size:
            break
        size = min(block, n_steps - first)
        moves = drift * step + noise * math.sqrt(step) * rng.standard_normal((active.size, size))
        ends = x[:, None] + np.cumsum(moves, axis=1)
        begins = np.concatenate([x[:, None], ends[:, :-1]], axis=1)
        if bridge:
            up0, up1, low0, low1 = bound - begins, bound - ends, bound + begins, bound + ends
            # Distances clipped at 0 only matter after a walk's first touch, which is all
            # that is used.
            p_up = np.exp(-scale * np.maximum(up0, 0.0) * np.maximum(up1, 0.0))
            p_low = np.exp(-scale * np.maximum(low0, 0.0) * np.maximum(low1, 0.0))
            u = rng.random((active.size, size))
            hit_up = u < p_up
            hit = hit_up | (u < p_up + p_low)
        else:
            hit_up = ends >= bound
            hit = hit_up | (ends <= -bound)
        rows = np.flatnonzero(hit.any(axis=1))
        j = np.argmax(hit[rows], axis=1)  # the first step in the block that decided
        up = hit_up[rows, j]
        if bridge:
            gap0 = np.where(up, up0[rows, j], low0[rows, j]) / noise
            gap1 = np.abs(np.where(up, up1[rows, j], low1[rows, j])) / noise
            fraction = _bridge_hitting_fraction(gap0, gap1, step, rng)
        else:
            fraction = 1.0  # found at the step's end, dated there
        times[active[rows]] = step * (first + j + fraction)
        choices[active[rows]] = np.where(up, 1, -1)
        keep = np.ones(active.size, dtype=bool)
        keep[rows] = False
        active, x = active[keep], ends[keep, -1]
    return choices, times


def scheme_bias(
    steps: Sequence[float],
    *,
    drift: float = 1.0,
    bound: float = 1.0,
    noise: float = 1.0,
    n_trials: int = 20_000,
    seed: int = 5,
) -> dict[str, list[Check]]:
    """For each scheme ('euler', 'bridge'): one pair of checks per step, P(hostile) and mean time.

    The quantity names carry the step; the expected values are bogacz2006physics's.
    """
    p = error_probability(drift, bound, noise)
    mean = mean_decision_time(drift, bound, noise)
    result: dict[str, list[Check]] = {}
    for scheme in ("euler", "bridge"):
        result[scheme] = []
        for i, step in enumerate(steps):
            choices, times = fixed_step_walk(drift, bound, noise, step, bridge=scheme == "bridge",
                                             n_trials=n_trials, seed=seed + i)
            result[scheme].append(Check(f"P(hostile), step {step:g} s",
                                        float(np.mean(choices == -1)), p,
                                        proportion_se(p, n_trials)))
            result[scheme].append(Check(f"mean time (s), step {step:g} s",
                                        float(np.nanmean(times)), mean, mean_se(times)))
    return result


# --- the literature, the church, the dose–response curve ---------------------------------------


def power_checks(
    settings: Sequence[tuple[float, int]],
    *,
    alpha: float = 0.05,
    n_studies: int = 20_000,
    seed: int = 6,
    simulate: Callable[..., object] = simulate_literature,
) -> list[Check]:
    """Share of significant studies against the noncentral t, for each (effect d, n per group)."""
    checks = []
    for i, (effect, n) in enumerate(settings):
        literature = simulate(effect, n, n_studies=n_studies, alpha=alpha, seed=seed + i)
        power = noncentral_t_power(effect, n, alpha)
        checks.append(Check(f"power, d = {effect:g}, n = {n} per group", literature.power,
                            power, proportion_se(power, n_studies)))
    return checks


def variance_checks(
    settings: Sequence[tuple[float, float]],
    *,
    n_per_group: int = 30,
    n_studies: int = 20_000,
    seed: int = 7,
    simulate: Callable[..., object] = simulate_literature,
) -> list[Check]:
    """Mean treated-group variance against 1 + 4f(1 − f)d², for each (effect d, fraction f)."""
    checks = []
    for i, (effect, fraction) in enumerate(settings):
        literature = simulate(effect, n_per_group, n_studies=n_studies,
                              opposite_fraction=fraction, seed=seed + i)
        variance = literature.treated_variance
        checks.append(Check(f"treated variance, d = {effect:g}, f = {fraction:g}",
                            float(variance.mean()), treated_variance(effect, fraction),
                            mean_se(variance)))
    return checks


def church_gap_check(
    *,
    learning_rate: float = 0.1,
    n_greetings: int = 40,
    n_runs: int = 200,
    seed: int = 8,
    simulate: Callable[..., object] = simulate_service,
) -> Check:
    """Without mimicry, Tom's and Mary's gap shrinks by exactly 1 − learning_rate per greeting.

    Tom (bias +0.6) and Mary (−0.6) meet the same greeters (same seed). The
    check is the largest ratio gap_{k+1}/gap_k over every run and greeting,
    against 1 − learning_rate (a deterministic check: rounding only).
    """
    kwargs = dict(mimicry=0.0, learning_rate=learning_rate, n_greetings=n_greetings,
                  n_runs=n_runs, seed=seed)
    gap = simulate(Perceiver(0.6), **kwargs).belief - simulate(Perceiver(-0.6), **kwargs).belief
    ratios = gap[:, 1:] / gap[:, :-1]
    expected = 1.0 - learning_rate
    furthest = ratios.flat[np.argmax(np.abs(ratios - expected))]
    return Check(f"gap ratio per greeting, learning rate {learning_rate:g}", float(furthest),
                 expected, tolerance=1e-9)


def church_feedback_check(
    mimicry: float,
    belief_from_reading: float,
    *,
    n_greetings: int = 40,
    n_runs: int = 200,
    seed: int = 8,
    simulate: Callable[..., object] = simulate_service,
) -> Check:
    """The post's two paths act on the belief through one weight, φ = w + (1 − w)·m.

    Mary's beliefs (bias −0.6, oxytocin 1) with mimicry ``m`` and belief from reading
    ``w`` against her beliefs with mimicry φ and w = 0, the same services (same seed).
    The check is the largest difference over every run and greeting, against 0 (a
    deterministic identity: rounding only).
    """
    feedback = belief_from_reading + (1.0 - belief_from_reading) * mimicry
    kwargs = dict(oxytocin=1.0, n_greetings=n_greetings, n_runs=n_runs, seed=seed)
    both = simulate(Perceiver(-0.6), mimicry=mimicry, belief_from_reading=belief_from_reading,
                    **kwargs).belief
    one = simulate(Perceiver(-0.6), mimicry=feedback, belief_from_reading=0.0, **kwargs).belief
    return Check(f"m = {mimicry:g}, w = {belief_from_reading:g} against m = {feedback:g}, "
                 f"w = 0: largest belief difference", float(np.abs(both - one).max()), 0.0,
                 tolerance=1e-12)


def peak_checks(
    hormesis_levels: Sequence[float] = (10.0, 50.0, 300.0),
    other_slopes: Sequence[float] = (1.5, 3.0, 6.0),
) -> list[Check]:
    """Brain–Cousens peak: its dose against the closed form at b = 2; y′ = 0 there at other b.

    The y′ checks compare y′(peak) / f (the slope at the peak relative to the
    slope at dose 0) with 0.
    """
    checks = []
    for f in hormesis_levels:
        curve = BrainCousens(slope=2.0, hormesis=f)
        checks.append(Check(f"peak dose, b = 2, f = {f:g}", curve.peak()[0],
                            peak_dose_slope_two(curve)))
    for b in other_slopes:
        curve = BrainCousens(slope=b)
        checks.append(Check(f"y′(peak) / y′(0), b = {b:g}",
                            brain_cousens_slope(curve, curve.peak()[0]) / curve.hormesis, 0.0))
    return checks
