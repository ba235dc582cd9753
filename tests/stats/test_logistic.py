"""fit_logistic against direct statsmodels fits and published R output."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from caseinspect.errors import CaseinspectError
from caseinspect.stats import fit_logistic

from .conftest import dummies

TERMS = ["provider_type", "gender", "age_group", "likelihood_of_reoffending"]


def _direct_fit(cases: pd.DataFrame, outcome: str, parts: list[pd.DataFrame]):
    """Per-case statsmodels GLM on a design built here, without the engine's code."""
    X = pd.concat([pd.Series(1.0, index=cases.index, name="Intercept"), *parts], axis=1)
    y = (cases[outcome] == "Yes").astype(float)
    return sm.GLM(y, X, family=sm.families.Binomial()).fit(), X


def _design_parts(cases, references):
    return [dummies(cases[t], references[t]) for t in TERMS]


@pytest.mark.parametrize("collapse", [None, False])
def test_matches_direct_per_case_statsmodels_fit(cases, collapse):
    result = fit_logistic(cases, "q1", "Yes", TERMS, collapse=collapse)
    assert result.fit_level == ("patterns" if collapse is None else "cases")
    references = {c.name: c.reference for c in result.codings}
    direct, X = _direct_fit(cases, "q1", _design_parts(cases, references))
    names = [c.name for c in result.coefficients]
    assert sorted(names) == sorted(X.columns)
    est = pd.Series({c.name: c.estimate for c in result.coefficients})
    se = pd.Series({c.name: c.se for c in result.coefficients})
    np.testing.assert_allclose(est[X.columns], direct.params[X.columns], rtol=1e-6)
    np.testing.assert_allclose(se[X.columns], direct.bse[X.columns], rtol=1e-6)
    assert result.deviance == pytest.approx(direct.deviance, rel=1e-6)
    assert result.null_deviance == pytest.approx(direct.null_deviance, rel=1e-6)
    assert result.loglik == pytest.approx(direct.llf, rel=1e-6)
    assert result.aic == pytest.approx(direct.aic, rel=1e-6)
    z = pd.Series({c.name: c.z for c in result.coefficients})
    p = pd.Series({c.name: c.p for c in result.coefficients})
    np.testing.assert_allclose(z[X.columns], direct.tvalues[X.columns], rtol=1e-6)
    np.testing.assert_allclose(p[X.columns], direct.pvalues[X.columns], rtol=1e-5)
    ci = np.exp(direct.conf_int())
    low = pd.Series({c.name: c.or_ci_low for c in result.coefficients})
    np.testing.assert_allclose(low[X.columns], ci[0][X.columns], rtol=1e-6)


def test_numeric_term_matches_direct_fit(cases):
    result = fit_logistic(
        cases, "q1", "Yes", ["provider_type", "score"], categorical=["provider_type"]
    )
    assert result.fit_level == "cases"
    parts = [dummies(cases["provider_type"], "CRC"), cases["score"].astype(float)]
    direct, X = _direct_fit(cases, "q1", parts)
    est = {c.name: c.estimate for c in result.coefficients}
    np.testing.assert_allclose([est[n] for n in X.columns], direct.params, rtol=1e-6)
    assert result.deviance == pytest.approx(direct.deviance, rel=1e-6)


# Tobacco budworm data: Venables & Ripley (2002), Modern Applied Statistics with S, 4th ed.,
# section 7.2, p. 190: batches of 20 moths per sex at log2(dose) 0..5.
BUDWORM_DEAD = {"M": [1, 4, 9, 13, 18, 20], "F": [0, 2, 6, 10, 12, 16]}


def _budworm() -> pd.DataFrame:
    rows = []
    for sex, deaths in BUDWORM_DEAD.items():
        for ldose, dead in enumerate(deaths):
            rows += [(sex, str(ldose), "dead")] * dead + [(sex, str(ldose), "alive")] * (20 - dead)
    return pd.DataFrame(rows, columns=["sex", "ldose", "status"])


@pytest.mark.parametrize("collapse", [None, True])
def test_budworm_reproduces_published_r_glm_output(collapse):
    # R: glm(cbind(numdead, numalive) ~ ldose + sex, family = binomial), as printed by
    # summary() (same fit as MASS's budworm.lg0, there parametrised without intercept):
    #   (Intercept) -3.4732 0.4685 -7.413;  ldose 1.0642 0.1311 8.119;  sexM 1.1007 0.3558 3.093
    # anova(): NULL deviance 124.876; sex 6.077; ldose 112.042; residual 6.757 (9 df).
    cases = _budworm()
    result = fit_logistic(
        cases,
        "status",
        "dead",
        ["ldose", "sex"],
        categorical=["sex"],
        reference={"sex": "F"},
        collapse=collapse,
    )
    intercept, ldose, sex_m = result.coefficients
    assert (intercept.name, ldose.name, sex_m.name) == ("Intercept", "ldose", "sex[T.M]")
    assert round(intercept.estimate, 4) == -3.4732 and round(intercept.se, 4) == 0.4685
    assert round(ldose.estimate, 4) == 1.0642 and round(ldose.se, 4) == 0.1311
    assert round(sex_m.estimate, 4) == 1.1007 and round(sex_m.se, 4) == 0.3558
    assert [round(c.z, 3) for c in result.coefficients] == [-7.413, 8.119, 3.093]
    # Case-level deviances differ from R's grouped ones by a constant; differences agree.
    assert round(result.null_deviance - result.deviance, 3) == round(124.876 - 6.757, 3)
    assert round(result.term_test("ldose").statistic, 3) == 112.042
    sex_only = fit_logistic(cases, "status", "dead", ["sex"])
    assert round(sex_only.null_deviance - sex_only.deviance, 3) == 6.077


def test_bliss_beetles_reproduce_dobson():
    # Beetle mortality (Bliss 1935) in Dobson & Barnett, An Introduction to Generalized
    # Linear Models, 3rd ed., Table 7.2/7.3: logit model b1 = -60.72 (5.18),
    # b2 = 34.27 (2.91), deviance 11.23 on 6 df.
    dose = [1.6907, 1.7242, 1.7552, 1.7842, 1.8113, 1.8369, 1.8610, 1.8839]
    n = [59, 60, 62, 56, 63, 59, 62, 60]
    killed = [6, 13, 18, 28, 52, 53, 61, 60]
    rows = []
    for d, ni, yi in zip(dose, n, killed, strict=True):
        rows += [(d, "killed")] * yi + [(d, "survived")] * (ni - yi)
    cases = pd.DataFrame(rows, columns=["dose", "status"])
    result = fit_logistic(cases, "status", "killed", ["dose"])
    b1, b2 = result.coefficients
    assert (round(b1.estimate, 2), round(b1.se, 2)) == (-60.72, 5.18)
    assert (round(b2.estimate, 2), round(b2.se, 2)) == (34.27, 2.91)
    # Grouped deviance from the fitted probabilities, computed here.
    mu = 1 / (1 + np.exp(-(b1.estimate + b2.estimate * np.array(dose))))
    y, m = np.array(killed, float), np.array(n, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(y > 0, y * np.log(y / (m * mu)), 0) + np.where(
            m - y > 0, (m - y) * np.log((m - y) / (m * (1 - mu))), 0
        )
    assert round(2 * terms.sum(), 2) == 11.23


def test_collapsed_deviance_differs_by_a_constant(cases):
    """Pattern-level GLM deviances differ from case-level ones by the same constant."""
    patterns = (
        cases.assign(e=(cases.q1 == "Yes").astype(float)).groupby(TERMS).e.agg(["sum", "count"])
    )
    shifts = []
    for terms in (TERMS, TERMS[:2]):
        case_fit = fit_logistic(cases, "q1", "Yes", terms, collapse=False)
        flat = patterns.reset_index()
        X = pd.concat(
            [pd.Series(1.0, index=flat.index)]
            + [dummies(flat[t], c.reference) for t, c in zip(terms, case_fit.codings, strict=True)],
            axis=1,
        )
        endog = np.column_stack([flat["sum"], flat["count"] - flat["sum"]])
        grouped = sm.GLM(endog, X, family=sm.families.Binomial()).fit()
        shifts.append(case_fit.deviance - grouped.deviance)
    assert shifts[0] == pytest.approx(shifts[1], rel=1e-9)
    assert shifts[0] > 1.0


def test_listwise_deletion_counts():
    cases = pd.DataFrame(
        {
            "q": ["Yes", "No", "", None, "Yes", "No", "Yes", "No", "Yes", "No", "Yes", "No"],
            "a": ["x", "y", "x", "y", "", "x", "y", "x", "y", None, "x", "y"],
            "b": ["1", "2", "3", "1", "2", "  ", "1", "2", "3", "1", "2", "3"],
        }
    )
    # Left out: rows 3, 4 (outcome), 5 (a blank), 6 (b blank), 10 (a null) -> 5 of 12.
    result = fit_logistic(cases, "q", "Yes", ["a", "b"])
    assert (result.n, result.n_excluded) == (7, 5)
    assert result.n_events == 4
    # A term with no missing value still loses the cases missing elsewhere.
    assert fit_logistic(cases, "q", "Yes", ["b"]).n_excluded == 3


def test_outcome_coding_any_other_value_is_zero():
    cases = pd.DataFrame({"q": ["Yes", "No", "Partly", "Yes", "N/A", "No"], "a": list("xyxyxy")})
    result = fit_logistic(cases, "q", "Yes", ["a"])
    assert (result.n, result.n_events) == (6, 2)


def test_separation_warning_names_the_level():
    cases = pd.DataFrame(
        {
            "q": ["Yes", "No"] * 20 + ["No"] * 6,
            "rosh": ["Low", "Medium"] * 10 + ["Medium", "Low"] * 10 + ["High"] * 6,
        }
    )
    result = fit_logistic(cases, "q", "Yes", ["rosh"])
    text = " ".join(result.warnings)
    assert "separation" in text and "'High'" in text and "'rosh'" in text
    assert result.coefficient("rosh[T.High]").estimate < -10


def test_reference_levels():
    cases = pd.DataFrame(
        {
            "q": ["Yes", "No", "No", "Yes", "Yes", "No", "Yes", "No"],
            "g": ["b", "a", "b", "a", "c", "c", "b", "a"],
        }
    )
    # a and b tie with 3 cases each: the alphabetical first is the reference.
    assert fit_logistic(cases, "q", "Yes", ["g"]).codings[0].reference == "a"
    assert fit_logistic(cases, "q", "Yes", ["g"], levels={"g": ["c", "b", "a"]}).codings[
        0
    ].levels == (
        "c",
        "b",
        "a",
    )
    result = fit_logistic(cases, "q", "Yes", ["g"], reference={"g": "b"})
    assert [c.name for c in result.coefficients] == ["Intercept", "g[T.a]", "g[T.c]"]
    most = pd.concat([cases, pd.DataFrame({"q": ["Yes"], "g": ["c"]})] * 1, ignore_index=True)
    most = pd.concat([most, pd.DataFrame({"q": ["No"], "g": ["c"]})], ignore_index=True)
    assert fit_logistic(most, "q", "Yes", ["g"]).codings[0].reference == "c"


def test_levels_reject_unknown_value():
    cases = pd.DataFrame({"q": ["Yes", "No"] * 3, "g": ["Male", "Female", "Mle"] * 2})
    with pytest.raises(
        CaseinspectError, match=r"Column 'g', rows 3, 6: 'Mle' is not one of Male, Female"
    ):
        fit_logistic(cases, "q", "Yes", ["g"], levels={"g": ["Male", "Female"]})


def test_bad_inputs_name_the_column():
    cases = pd.DataFrame(
        {"q": ["Yes", "No"] * 3, "age": ["21", "x", "30"] * 2, "g": list("ababab")}
    )
    with pytest.raises(CaseinspectError, match="Column 'gendr'"):
        fit_logistic(cases, "q", "Yes", ["gendr"])
    with pytest.raises(CaseinspectError, match=r"Column 'age', rows 2, 5: 'x' is not a number"):
        fit_logistic(cases, "q", "Yes", ["age"], categorical=[])
    with pytest.raises(CaseinspectError, match="no case has the event value 'yes'"):
        fit_logistic(cases, "q", "yes", ["g"])
    with pytest.raises(CaseinspectError, match="Method 'stepwise'"):
        fit_logistic(cases, "q", "Yes", ["g"], method="stepwise")
    with pytest.raises(CaseinspectError, match="PIN"):
        fit_logistic(cases, "q", "Yes", ["g"], pin=0.2, pout=0.1)
    with pytest.raises(CaseinspectError, match="only events"):
        fit_logistic(cases[cases.q == "Yes"], "q", "Yes", ["g"])


def test_event_matches_numbers():
    cases = pd.DataFrame({"q": [1, 0, 1, 1, 0, 0, 1, 0], "g": list("abababab")})
    assert fit_logistic(cases, "q", "1", ["g"]).n_events == 4
    assert fit_logistic(cases.astype({"q": float}), "q", 1, ["g"]).n_events == 4


def test_result_is_json_ready(cases):
    result = fit_logistic(cases, "q1", "Yes", TERMS, method="fstep-lr")
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert set(data) >= {
        "n",
        "n_excluded",
        "method",
        "steps",
        "terms",
        "coefficients",
        "loglik",
        "deviance",
        "null_deviance",
        "aic",
        "warnings",
    }
    assert set(data["coefficients"][0]) == {
        "name",
        "estimate",
        "se",
        "z",
        "p",
        "odds_ratio",
        "or_ci_low",
        "or_ci_high",
    }
    assert set(data["steps"][0]) >= {"step", "action", "term", "statistic", "df", "p"}
