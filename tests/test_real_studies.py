"""The real studies: metameta's data as the book holds them, a study's power, and pooling.

Expected values come from outside this repository: the tables metameta's README prints
(Quintana's R package, computed in R), the values its documentation quotes, and the summary
effects the meta-analyses reported as metameta uses them; or from closed forms.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import math

import numpy as np
import pytest
from scipy import stats

from widgets.models import (
    ci_to_standard_error,
    egger_test,
    load_meta_analyses,
    random_effects,
    study_power,
)

from .conftest import ROOT

DATA = ROOT / "widgets" / "data"
VENDORED = ROOT / "scripts" / "metameta"


def _script():
    spec = importlib.util.spec_from_file_location("metameta_data",
                                                  ROOT / "scripts" / "metameta_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- The data and where they came from -------------------------------------------------

def test_the_csv_and_its_provenance_are_what_the_script_writes_from_the_vendored_files():
    """rdata reads the vendored .rda files (no R); the committed CSV and JSON must be exactly
    what the script writes from them, and the JSON's digests must be the vendored files'."""
    script = _script()
    assert (DATA / "metameta_studies.csv").read_text(encoding="utf-8") == script.csv_text()
    recorded = json.loads((DATA / "metameta_studies.json").read_text(encoding="utf-8"))
    assert recorded == script.provenance()
    for name, entry in recorded["source"]["files"].items():
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == entry["sha256"]
    assert len(recorded["source"]["commit"]) == 40
    assert "MIT License" in (VENDORED / "LICENSE.md").read_text(encoding="utf-8")


def test_the_data_hold_what_metametas_documentation_says():
    """Values quoted from metameta's README and help pages (not from this repository)."""
    by_id = {meta.id: meta for meta in load_meta_analyses()}
    assert [meta.id for meta in load_meta_analyses()] == ["ooi", "keech",
                                                          "bakermans-kranenburg"]
    # dat_ooi.Rd and dat_bakermans_kranenburg.Rd: 9 and 19 rows. dat_keech.Rd says 13 rows,
    # but its description says 12 studies, and the README's table lists 12.
    assert [by_id[key].n_studies for key in ("ooi", "keech", "bakermans-kranenburg")] == \
        [9, 12, 19]
    ooi = by_id["ooi"]
    assert ooi.studies[0] == "anagnostou_2012"
    assert (ooi.effects[0], ooi.standard_errors[0]) == (1.187, 0.479)
    assert (ooi.effects[-1], ooi.standard_errors[-1]) == (0.245, 0.222)
    assert ooi.effect_measure == "Hedges' g"
    assert by_id["bakermans-kranenburg"].effect_measure == "Cohen's d"
    # The README's Keech table: the interval -0.12 to 1.71 and the standard error 0.4668367.
    keech = by_id["keech"]
    with (DATA / "metameta_studies.csv").open(encoding="utf-8", newline="") as handle:
        first = next(row for row in csv.DictReader(handle) if row["meta_analysis"] == "keech")
    assert (float(first["ci_lower"]), float(first["ci_upper"])) == (-0.12, 1.71)
    assert keech.standard_errors[0] == pytest.approx(0.4668367, abs=1e-7)
    assert keech.standard_error_from == "95 % interval"
    # The summary effects metameta's examples use.
    assert [meta.summary_effect for meta in load_meta_analyses()] == [0.178, 0.08, 0.32]


# --- A study's power -----------------------------------------------------------------------

#: metameta's README, "Calculate power for studies included in a published meta-analysis":
#: mapower_se(dat_ooi, observed_es = 0.178); columns sei, power_es_observed, power_es01,
#: power_es02, as printed there (R, 7 to 8 significant digits).
OOI_README = [
    (0.479, 0.06596450, 0.05500761, 0.07020009),
    (0.380, 0.07549262, 0.05797045, 0.08229066),
    (0.319, 0.08636394, 0.06133177, 0.09610698),
    (0.368, 0.07720550, 0.05850133, 0.08446626),
    (0.383, 0.07508974, 0.05784552, 0.08177903),
    (0.336, 0.08272160, 0.06020765, 0.09147592),
    (0.346, 0.08082964, 0.05962295, 0.08907113),
    (0.279, 0.09777789, 0.06484272, 0.11062850),
    (0.222, 0.12627341, 0.07355100, 0.14689796),
]

#: The same README, mapower_ul(dat_keech, observed_es = 0.08): lower, upper, sei and
#: power_es_observed.
KEECH_README = [
    (-0.12, 1.71, 0.4668367, 0.05337078),
    (-0.22, 0.52, 0.1887755, 0.07081577),
    (-0.68, 0.90, 0.4030612, 0.05452497),
    (-0.86, 0.50, 0.3469388, 0.05611304),
    (-0.06, 0.51, 0.1454082, 0.08533524),
    (-0.20, 0.35, 0.1403061, 0.08799827),
    (-1.13, 0.89, 0.5153061, 0.05276549),
    (-0.51, 0.20, 0.1811224, 0.07263326),
    (0.07, 1.12, 0.2678571, 0.06028006),
    (-0.54, 0.64, 0.3010204, 0.05812977),
    (-0.83, 0.23, 0.2704082, 0.06008590),
    (-0.29, 0.26, 0.1403061, 0.08799827),
]


def test_power_reproduces_metametas_published_table_for_ooi():
    table = np.array(OOI_README)
    se = table[:, 0]
    for column, effect in ((1, 0.178), (2, 0.1), (3, 0.2)):
        assert np.abs(study_power(se, effect) - table[:, column]).max() < 1e-6


def test_power_reproduces_metametas_published_table_for_keech_from_its_intervals():
    table = np.array(KEECH_README)
    se = ci_to_standard_error(table[:, 0], table[:, 1])
    assert np.abs(se - table[:, 2]).max() < 1e-6
    assert np.abs(study_power(se, 0.08) - table[:, 3]).max() < 1e-6
    # The book's data give the same standard errors.
    keech = {meta.id: meta for meta in load_meta_analyses()}["keech"]
    assert np.abs(keech.standard_errors - table[:, 2]).max() < 1e-6


def test_power_is_alpha_at_no_effect_and_tends_to_one_as_the_standard_error_shrinks():
    se = np.array([0.05, 0.2, 0.5, 2.0])
    for alpha in (0.01, 0.05, 0.2):
        assert study_power(se, 0.0, alpha) == pytest.approx(np.full(4, alpha), abs=1e-15)
        assert study_power(se, 1e-9, alpha) == pytest.approx(np.full(4, alpha), abs=1e-9)
    assert study_power(1e-4, 0.1) == pytest.approx(1.0, abs=1e-12)
    powers = study_power(np.geomspace(2, 0.01, 50), 0.3)
    assert np.all(np.diff(powers) >= 0) and powers[0] < powers[1] < powers[-1]  # more precise
    assert study_power(0.3, -0.4) == study_power(0.3, 0.4)   # only the size matters


def test_power_is_the_normal_probability_of_a_significant_estimate():
    """The closed form against its meaning: P(|estimate / se| > z) for an estimate normal
    around the true effect, by scipy's normal distribution directly."""
    for se, effect in ((0.3, 0.2), (0.1, 0.35), (0.5, 1.2)):
        estimate = stats.norm(effect, se)
        z = stats.norm.ppf(0.975)
        expected = estimate.sf(z * se) + estimate.cdf(-z * se)
        assert study_power(se, effect) == pytest.approx(expected, rel=1e-12)


def test_a_wrong_standard_error_formula_would_be_caught():
    """One-sided 90 % (1.645) instead of 1.96 standard errors: the README's table catches it."""
    table = np.array(KEECH_README)
    wrong = (table[:, 1] - table[:, 0]) / (2 * 1.645)
    assert np.abs(study_power(wrong, 0.08) - table[:, 3]).max() > 1e-3


@pytest.mark.parametrize(("arguments", "message"), [
    ((0.0, 0.2), "standard_error = 0.0 is outside the allowed range (0, 10]"),
    (([0.2, -0.1], 0.2), "standard_error = -0.1 is outside the allowed range (0, 10]"),
    ((0.2, 6.0), "true_effect = 6.0 is outside the allowed range [-5, 5]"),
    ((0.2, math.nan), "true_effect = nan"),
    ((0.2, 0.2, 0.7), "alpha = 0.7 is outside the allowed range (0, 0.5]"),
])
def test_bad_input_names_the_parameter_its_value_and_the_range(arguments, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("]", r"\]")):
        study_power(*arguments)
    with pytest.raises(ValueError, match="upper must exceed lower"):
        ci_to_standard_error([0.0, 0.5], [1.0, 0.4])
    with pytest.raises(TypeError, match="standard_error"):
        study_power(True, 0.2)


# --- Pooling and Egger's test ---------------------------------------------------------------

def test_random_effects_with_equal_standard_errors_has_a_closed_form():
    """Equal s: the pooled estimate is the plain mean, tau² = var(y) − s² (if positive) and
    the standard error sqrt((s² + tau²) / k)."""
    rng = np.random.default_rng(3)
    y = rng.normal(0.3, 0.5, 12)
    s = 0.2
    pooled = random_effects(y, np.full(12, s))
    tau2 = max(0.0, np.var(y, ddof=1) - s**2)
    assert tau2 > 0
    assert pooled.estimate == pytest.approx(y.mean(), abs=1e-12)
    assert pooled.tau_squared == pytest.approx(tau2, rel=1e-10)
    assert pooled.standard_error == pytest.approx(math.sqrt((s**2 + tau2) / 12), rel=1e-10)
    low, high = pooled.ci
    assert (high - low) == pytest.approx(2 * 1.96 * pooled.standard_error)


def test_random_effects_is_the_fixed_effect_when_studies_agree_and_ignores_their_order():
    y = np.array([0.30, 0.31, 0.29, 0.30])
    s = np.array([0.1, 0.2, 0.15, 0.3])
    pooled = random_effects(y, s)
    assert pooled.tau_squared == 0 and pooled.i_squared == 0
    w = 1 / s**2
    assert pooled.estimate == pytest.approx(np.sum(w * y) / np.sum(w), abs=1e-14)
    assert pooled.standard_error == pytest.approx(1 / math.sqrt(np.sum(w)), abs=1e-14)
    order = [2, 0, 3, 1]
    assert random_effects(y[order], s[order]).estimate == pytest.approx(pooled.estimate)


def test_pooling_the_extracted_studies_gives_the_summary_effects_the_sources_report():
    """The summary effects metameta uses, to the digits they are given: 0.32 is Bakermans-
    Kranenburg & van IJzendoorn's pooled d for the 19 clinical trials (their abstract, with
    the interval 0.18 to 0.47), 0.08 Keech et al.'s random-effects g (their abstract); 0.178
    for Ooi et al. is metameta's (their abstract gives no number). Extraction from a figure
    rounds each study, so this checks the data and the method together."""
    for meta in load_meta_analyses():
        pooled = random_effects(meta.effects, meta.standard_errors)
        digits = len(repr(meta.summary_effect).split(".")[1])
        assert round(pooled.estimate, digits) == meta.summary_effect, meta.label
        if meta.id == "bakermans-kranenburg":
            assert tuple(round(bound, 2) for bound in pooled.ci) == (0.18, 0.46)  # 0.47 published


def test_egger_matches_an_independent_least_squares_fit_and_flips_with_the_sign():
    for meta in load_meta_analyses():
        y, s = meta.effects, meta.standard_errors
        egger = egger_test(y, s)
        fit = stats.linregress(1 / s, y / s)
        assert egger.intercept == pytest.approx(fit.intercept, abs=1e-12)
        assert egger.standard_error == pytest.approx(fit.intercept_stderr, rel=1e-10)
        assert egger.slope == pytest.approx(fit.slope, abs=1e-12)
        flipped = egger_test(-y, s)
        assert flipped.intercept == pytest.approx(-egger.intercept, abs=1e-12)
        assert flipped.p_value == pytest.approx(egger.p_value, rel=1e-12)


def test_egger_finds_no_intercept_when_every_study_estimates_the_same_effect():
    """z = y/s = effect × precision exactly: the line goes through the origin."""
    s = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    egger = egger_test(np.full(5, 0.4) + 1e-12 * np.arange(5), s)
    assert abs(egger.intercept) < 1e-9
    assert egger.slope == pytest.approx(0.4, abs=1e-9)


def test_pooling_refuses_what_it_cannot_use():
    with pytest.raises(ValueError, match="standard_errors must be finite and > 0, got 0.0"):
        random_effects([0.1, 0.2], [0.1, 0.0])
    with pytest.raises(ValueError, match="same length"):
        random_effects([0.1, 0.2], [0.1])
    with pytest.raises(ValueError, match=r"number of studies = 2 is outside the allowed "
                                         r"range \[3, 100000\]"):
        egger_test([0.1, 0.2], [0.1, 0.2])
