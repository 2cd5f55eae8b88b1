r"""Real studies: three oxytocin meta-analyses, pooled, and tested for small-study effects.

The data are the 40 studies metameta (an R package by Daniel S. Quintana, MIT licence)
extracted from the forest plots of three meta-analyses (ooi2017oxytocin,
keech2018intranasal, bakermanskranenburg2013sniffing); ``widgets/data/metameta_studies.csv``
holds them and ``metameta_studies.json`` says where they came from
(``scripts/metameta_data.py`` writes both).

**Pooling** (:func:`random_effects`): the DerSimonian–Laird random-effects estimate. With
study effects :math:`y_i`, standard errors :math:`s_i` and weights :math:`w_i = 1/s_i^2`,

.. math::

    \bar y_F = \frac{\sum w_i y_i}{\sum w_i}, \quad
    Q = \sum w_i (y_i - \bar y_F)^2, \quad
    \hat\tau^2 = \max\left(0, \frac{Q - (k - 1)}{\sum w_i - \sum w_i^2 / \sum w_i}\right),

and then :math:`w_i^* = 1/(s_i^2 + \hat\tau^2)`, the pooled estimate
:math:`\sum w_i^* y_i / \sum w_i^*` with standard error :math:`(\sum w_i^*)^{-1/2}`, a 95 %
interval of ± 1.96 standard errors, and :math:`I^2 = \max(0, (Q - (k-1))/Q)`.

**Small-study effects** (:func:`egger_test`): Egger's regression of each study's
:math:`z_i = y_i / s_i` on its precision :math:`1/s_i` by ordinary least squares; an
intercept far from 0 (a t-test on :math:`k - 2` degrees of freedom) says small studies
report systematically different effects from large ones, of which publication bias is one
possible cause among several. With 9 to 19 studies it has little power.

What this leaves out: the meta-analyses' own choices (which studies, which outcome of each,
their software's pooling method); metameta's values were read off published figures, to two
or three decimals.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from scipy import stats

from ._validation import check_int

__all__ = [
    "MetaAnalysis",
    "Pooled",
    "EggerTest",
    "load_meta_analyses",
    "random_effects",
    "egger_test",
]

#: Two-sided 95 % normal quantile, as metameta and most forest plots use.
Z_95 = 1.96


@dataclass(frozen=True, eq=False)
class MetaAnalysis:
    """One meta-analysis's studies, as extracted from its forest plot.

    id, label : str
        A short id ("ooi") and how the book names it ("Ooi et al. 2017").
    topic, samples : str
        What it pooled, in words.
    effect_measure : str
        "Hedges' g" or "Cohen's d" (both standardised mean differences).
    summary_effect : float
        The summary effect metameta's examples use for it.
    citation_key : str
        Its key in references.bib.
    studies : tuple of str
        First author and year of each study.
    effects, standard_errors : numpy.ndarray of float64
        Each study's effect and its standard error (read-only).
    standard_error_from : str
        "reported", or "95 % interval" where only the interval was extracted.
    """

    id: str
    label: str
    topic: str
    samples: str
    effect_measure: str
    summary_effect: float
    citation_key: str
    studies: tuple[str, ...]
    effects: np.ndarray
    standard_errors: np.ndarray
    standard_error_from: str

    def __post_init__(self) -> None:
        self.effects.setflags(write=False)
        self.standard_errors.setflags(write=False)

    @property
    def n_studies(self) -> int:
        return len(self.studies)

    @property
    def significant(self) -> np.ndarray:
        """Which studies' own 95 % intervals exclude zero: absolute y/s above 1.96."""
        return np.abs(self.effects / self.standard_errors) > Z_95


@dataclass(frozen=True)
class Pooled:
    """A DerSimonian–Laird random-effects pooled estimate."""

    estimate: float
    standard_error: float
    tau_squared: float
    q: float
    i_squared: float
    fixed_estimate: float

    @property
    def ci(self) -> tuple[float, float]:
        """The 95 % interval, estimate ± 1.96 standard errors."""
        half = Z_95 * self.standard_error
        return self.estimate - half, self.estimate + half


@dataclass(frozen=True)
class EggerTest:
    """Egger's regression test: intercept, its standard error, t and the two-sided p."""

    intercept: float
    standard_error: float
    slope: float
    t: float
    p_value: float
    degrees_of_freedom: int


@lru_cache(maxsize=1)
def load_meta_analyses() -> tuple[MetaAnalysis, ...]:
    """The three meta-analyses, in the book's order, from the package's data files."""
    data = resources.files("widgets") / "data"
    described = json.loads((data / "metameta_studies.json").read_text(encoding="utf-8"))
    with (data / "metameta_studies.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for meta in described["meta_analyses"]:
        mine = [row for row in rows if row["meta_analysis"] == meta["id"]]
        out.append(MetaAnalysis(
            id=meta["id"],
            label=meta["label"],
            topic=meta["topic"],
            samples=meta["samples"],
            effect_measure=meta["effect_measure"],
            summary_effect=float(meta["summary_effect"]),
            citation_key=meta["citation_key"],
            studies=tuple(row["study"] for row in mine),
            effects=np.array([float(row["effect"]) for row in mine]),
            standard_errors=np.array([float(row["standard_error"]) for row in mine]),
            standard_error_from=mine[0]["standard_error_from"],
        ))
    return tuple(out)


def _checked(effects, standard_errors) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(effects, dtype=float)
    s = np.asarray(standard_errors, dtype=float)
    if y.ndim != 1 or s.shape != y.shape:
        raise ValueError(f"effects and standard_errors must be 1-D of the same length, got "
                         f"shapes {y.shape} and {s.shape}")
    check_int("number of studies", y.size, 2, 10**5)
    if not np.all(np.isfinite(y)):
        raise ValueError(f"effects must be finite, got {y[~np.isfinite(y)][0]!r}")
    bad = ~(np.isfinite(s) & (s > 0))
    if bad.any():
        raise ValueError(f"standard_errors must be finite and > 0, got {float(s[bad][0])!r}")
    return y, s


def random_effects(effects, standard_errors) -> Pooled:
    """DerSimonian–Laird random-effects pooling of k ≥ 2 studies (see the module text)."""
    y, s = _checked(effects, standard_errors)
    w = 1 / s**2
    fixed = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - fixed) ** 2))
    k = y.size
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    tau2 = max(0.0, (q - (k - 1)) / c)
    w_star = 1 / (s**2 + tau2)
    estimate = float(np.sum(w_star * y) / np.sum(w_star))
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    return Pooled(estimate=estimate, standard_error=float(1 / math.sqrt(np.sum(w_star))),
                  tau_squared=tau2, q=q, i_squared=i2, fixed_estimate=fixed)


def egger_test(effects, standard_errors) -> EggerTest:
    """Egger's regression test for small-study effects, k ≥ 3 studies (see the module text)."""
    y, s = _checked(effects, standard_errors)
    check_int("number of studies", y.size, 3, 10**5)
    z = y / s
    precision = 1 / s
    design = np.column_stack([np.ones_like(precision), precision])
    coefficients, *_ = np.linalg.lstsq(design, z, rcond=None)
    residuals = z - design @ coefficients
    df = y.size - 2
    variance = float(residuals @ residuals) / df
    covariance = variance * np.linalg.inv(design.T @ design)
    se = math.sqrt(covariance[0, 0])
    t = float(coefficients[0]) / se if se > 0 else math.copysign(math.inf, coefficients[0])
    p = float(2 * stats.t.sf(abs(t), df))
    return EggerTest(intercept=float(coefficients[0]), standard_error=se,
                     slope=float(coefficients[1]), t=t, p_value=p, degrees_of_freedom=df)
