"""Cluster-robust inference against statsmodels' sandwich (GLM and GEE) computed per case."""

from __future__ import annotations

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
    result = fit_logistic(cases, "q1", "Yes", TERMS, cluster="provider", collapse=collapse)
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
    result = fit_logistic(cases, "q1", "Yes", TERMS, cluster="provider")
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
    assert any("Only 12 clusters" in w for w in result.warnings)


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
    for flag in result.terms:
        t = direct.term_test(flag.term)
        assert flag.p == pytest.approx(t.p, rel=1e-12)
        assert flag.retained == (t.p < 0.05)
