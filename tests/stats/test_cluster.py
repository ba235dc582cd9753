"""Cluster-robust inference: Stata's G/(G-1) sandwich against statsmodels (GLM and GEE),
CR2 with Satterthwaite / HTZ degrees of freedom against R's clubSandwich and HC2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from caseinspect.stats import fit_logistic, subgroup_significance

from .conftest import dummies

TERMS = ["provider_type", "gender", "likelihood_of_reoffending"]


def _reference(cases, result):
    references = {c.name: c.reference for c in result.codings}
    X = pd.concat(
        [pd.Series(1.0, index=cases.index, name="Intercept")]
        + [dummies(cases[t], references[t]) for t in TERMS],
        axis=1,
    )
    y = (cases.q1 == "Yes").astype(float)
    groups = pd.factorize(cases.provider)[0]
    return X, y, groups


@pytest.mark.parametrize("collapse", [None, False])
def test_robust_se_matches_statsmodels_cluster_sandwich(cases, collapse):
    result = fit_logistic(
        cases, "q1", "Yes", TERMS, cluster="provider", collapse=collapse, cluster_correction="stata"
    )
    X, y, groups = _reference(cases, result)
    G = len(np.unique(groups))
    assert result.n_clusters == G == 12
    raw = sm.GLM(y, X, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False}
    )
    expected = np.sqrt(np.diag(raw.cov_params()) * G / (G - 1))
    se = pd.Series({c.name: c.se for c in result.coefficients})[X.columns]
    np.testing.assert_allclose(se, expected, rtol=1e-6)
    # Same as GEE with an independence working correlation (robust covariance).
    gee = sm.GEE(
        y, X, groups=groups, family=sm.families.Binomial(), cov_struct=sm.cov_struct.Independence()
    ).fit()
    np.testing.assert_allclose(
        pd.Series({c.name: c.estimate for c in result.coefficients})[X.columns],
        gee.params,
        rtol=1e-5,
    )
    np.testing.assert_allclose(se, gee.bse * np.sqrt(G / (G - 1)), rtol=1e-5)
    # Coefficient p against t(G - 1).
    c = result.coefficient("provider_type[T.NPS]")
    assert c.p == pytest.approx(2 * stats.t.sf(abs(c.estimate / c.se), G - 1), rel=1e-10)


def test_robust_block_wald_uses_f_reference(cases):
    result = fit_logistic(cases, "q1", "Yes", TERMS, cluster="provider", cluster_correction="stata")
    X, y, groups = _reference(cases, result)
    G = len(np.unique(groups))
    raw = sm.GLM(y, X, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False}
    )
    cols = [c for c in X.columns if c.startswith("likelihood_of_reoffending")]
    b = raw.params[cols].to_numpy()
    V = raw.cov_params().loc[cols, cols].to_numpy() * G / (G - 1)
    W = float(b @ np.linalg.solve(V, b))
    t = result.term_test("likelihood_of_reoffending")
    assert (t.test, t.df) == ("robust-wald", 2)
    assert t.statistic == pytest.approx(W, rel=1e-6)
    assert t.p == pytest.approx(stats.f.sf(W / 2, 2, G - 1), rel=1e-6)


def test_few_clusters_warning(cases):
    result = fit_logistic(cases, "q1", "Yes", ["provider_type"], cluster="provider")
    assert any("Only 12 clusters" in w and "CR2" in w for w in result.warnings)
    # NPS cases come from 4 of the 12 providers.
    assert any("Level 'NPS'" in w and "only 4 clusters" in w for w in result.warnings)
    stata = fit_logistic(
        cases, "q1", "Yes", ["provider_type"], cluster="provider", cluster_correction="stata"
    )
    assert any("over-reject" in w and "G/(G-1)" in w for w in stata.warnings)


def test_unbalanced_clusters_warning(cases):
    lopsided = cases.copy()
    lopsided.loc[lopsided.index[: len(cases) // 2], "provider"] = "P00"
    result = fit_logistic(lopsided, "q1", "Yes", ["gender"], cluster="provider")
    assert any("unbalanced" in w for w in result.warnings)


def test_stepwise_with_clusters_uses_robust_wald(cases):
    result = fit_logistic(cases, "q1", "Yes", TERMS, method="fstep-lr", cluster="provider")
    assert result.steps and all(s.test == "robust-wald" for s in result.steps)
    # Entry statistic of the first step is the robust Wald test in the one-term model.
    first = result.steps[0]
    alone = fit_logistic(cases, "q1", "Yes", [first.term], cluster="provider")
    assert first.statistic == pytest.approx(alone.term_test(first.term).statistic, rel=1e-8)
    # Collapsing cluster x pattern changes nothing.
    per_case = fit_logistic(
        cases, "q1", "Yes", TERMS, method="fstep-lr", cluster="provider", collapse=False
    )
    assert [(s.action, s.term) for s in per_case.steps] == [
        (s.action, s.term) for s in result.steps
    ]
    for a, b in zip(per_case.steps, result.steps, strict=True):
        assert a.statistic == pytest.approx(b.statistic, rel=1e-7)


def test_missing_cluster_is_excluded(cases):
    holed = cases.copy()
    holed.loc[holed.index[:7], "provider"] = ""
    result = fit_logistic(holed, "q1", "Yes", ["gender"], cluster="provider")
    assert result.n_excluded == 7


def test_cluster_significance(cases):
    result = subgroup_significance(cases, "q1", "Yes", TERMS, method="full", cluster="provider")
    direct = fit_logistic(cases, "q1", "Yes", TERMS, categorical=TERMS, cluster="provider")
    assert result.model.coefficients == direct.coefficients
    for flag in result.terms:
        t = direct.term_test(flag.term)
        assert flag.p == pytest.approx(t.p, rel=1e-12)
        assert flag.retained == (t.p < 0.05)


FIXTURES = Path(__file__).parent / "fixtures"
LEVELS = {
    "provider_type": ["CRC", "NPS"],
    "gender": ["Male", "Female"],
    "likelihood_of_reoffending": ["Low", "Medium", "High/Very high"],
}


@pytest.mark.parametrize("collapse", [None, False])
def test_cr2_matches_clubsandwich(collapse):
    """CR2 standard errors, Satterthwaite df and the HTZ block test as R's clubSandwich.

    Expected values: ``fixtures/cluster_cr2.R`` (clubSandwich 0.5.8, Pustejovsky's
    implementation of Pustejovsky & Tipton 2018) on ``fixtures/cluster_cases.csv``.
    """
    cases = pd.read_csv(FIXTURES / "cluster_cases.csv")
    expected = pd.read_csv(FIXTURES / "cluster_cr2_expected.csv", comment="#")
    result = fit_logistic(
        cases, "q1", "Yes", TERMS, levels=LEVELS, cluster="provider", collapse=collapse
    )
    coefs = expected[expected.kind == "coef"]
    for c, (_, want) in zip(result.coefficients, coefs.iterrows(), strict=True):
        assert c.estimate == pytest.approx(want.estimate, rel=1e-6)
        assert c.se == pytest.approx(want.se, rel=1e-6)
        assert c.p == pytest.approx(want.p, rel=1e-5)
    block = expected[expected.kind == "htz"].iloc[0]
    t = result.term_test("likelihood_of_reoffending")
    nu = block.df + 2 - 1  # clubSandwich prints the denominator df nu - q + 1
    assert t.df == 2 and t.test == "robust-wald"
    assert (nu - 1) / nu * t.statistic / 2 == pytest.approx(block.statistic, rel=1e-6)
    assert t.p == pytest.approx(block.p, rel=1e-5)


def test_cr2_with_singleton_clusters_is_hc2():
    """Every case its own cluster: CR2 is HC2 (MacKinnon & White 1985), written out here."""
    cases = pd.read_csv(FIXTURES / "cluster_cases.csv").head(300)
    cases["id"] = [f"c{i}" for i in range(len(cases))]
    result = fit_logistic(cases, "q1", "Yes", TERMS, levels=LEVELS, cluster="id")
    X = pd.concat(
        [pd.Series(1.0, index=cases.index)]
        + [
            pd.DataFrame({lev: (cases[t] == lev).astype(float) for lev in LEVELS[t][1:]})
            for t in TERMS
        ],
        axis=1,
    ).to_numpy()
    y = (cases.q1 == "Yes").to_numpy(float)
    fit = sm.GLM(y, X, family=sm.families.Binomial()).fit(tol=1e-12, tol_criterion="params")
    mu = fit.mu
    w = mu * (1 - mu)
    B = np.linalg.inv(X.T @ (X * w[:, None]))
    h = w * np.einsum("ij,jk,ik->i", X, B, X)
    meat = X.T @ (X * ((y - mu) ** 2 / (1 - h))[:, None])
    hc2 = np.sqrt(np.diag(B @ meat @ B))
    np.testing.assert_allclose([c.se for c in result.coefficients], hc2, rtol=1e-8)
