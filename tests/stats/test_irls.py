"""The lean Newton-Raphson against statsmodels, its reference (to 1e-8)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from caseinspect.stats import fit_logistic
from caseinspect.stats._irls import cells_of, fit_cells, fit_many
from caseinspect.stats._logistic import fit_binomial

from .conftest import dummies, make_cases

FIXTURES = Path(__file__).parent / "fixtures"


def _problem(rng: np.random.Generator, rows: int, k: int) -> tuple:
    X = np.column_stack([np.ones(rows)] + [rng.integers(0, 2, rows) for _ in range(k)])
    X = X.astype(float)
    trials = rng.integers(5, 40, rows).astype(float)
    beta = rng.normal(0, 0.4, k + 1)
    events = rng.binomial(trials.astype(int), 1 / (1 + np.exp(-(X @ beta)))).astype(float)
    return X, events, trials


def _statsmodels(X, events, trials):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_binomial(X, events, trials, np.arange(X.shape[1]))


@pytest.mark.parametrize("seed", range(6))
def test_fit_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    X, events, trials = _problem(rng, int(rng.integers(20, 300)), int(rng.integers(1, 8)))
    ref = _statsmodels(X, events, trials)
    ours = fit_cells(X, events, trials)
    assert ours.converged and ref.converged
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.cov(), ref.cov, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(ours.mu, ref.mu, rtol=1e-8)
    assert ours.llf == pytest.approx(ref.llf, rel=1e-10)
    assert ours.iterations == ref.result.fit_history["iteration"]


def test_separated_fit_follows_statsmodels_to_maxiter():
    cases = pd.read_csv(FIXTURES / "separation_cases.csv", dtype={"group": str})
    y = (cases.y == "yes").to_numpy(float)
    X = np.column_stack([np.ones(len(y))] + [(cases.group == g).to_numpy(float) for g in "BCDEF"])
    ref = _statsmodels(X, y, np.ones(len(y)))
    ours = fit_cells(X, y, np.ones(len(y)))
    assert not ours.converged and ours.iterations == 100 == ref.result.fit_history["iteration"]
    # The separated level's estimate drifts (about 37 after 100 steps) along the same path.
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-8)
    assert ours.llf == pytest.approx(ref.llf, rel=1e-12)


def test_batched_fits_equal_single_fits():
    rng = np.random.default_rng(11)
    problems = [
        _problem(rng, int(rng.integers(2, 500)), int(rng.integers(0, 6))) for _ in range(30)
    ]
    batched = fit_many(problems)
    for problem, fit in zip(problems, batched, strict=True):
        single = fit_cells(*problem)
        np.testing.assert_allclose(fit.params, single.params, rtol=1e-10, atol=1e-12)
        assert fit.llf == pytest.approx(single.llf, rel=1e-12)
        assert fit.iterations == single.iterations


def test_cells_of_groups_equal_codes():
    rng = np.random.default_rng(5)
    a, b = rng.integers(0, 3, 200), rng.integers(0, 4, 200)
    for codes, sizes in (([a, b], [3, 4]), ([a, b * 10**6], [3, 4 * 10**6])):  # dense, sparse
        first, inverse = cells_of(codes, sizes, 200)
        pairs = list(zip(a, b, strict=True))
        assert len(first) == len(set(pairs))
        for i in range(200):
            assert pairs[first[inverse[i]]] == pairs[i]


TERMS = ["provider_type", "gender", "age_group", "likelihood_of_reoffending"]


@pytest.mark.parametrize("outcome", ["q1", "q2"])
def test_engine_tests_equal_per_case_statsmodels(outcome):
    """Every step and final test of the engine, recomputed with per-case statsmodels."""
    cases = make_cases(1200, seed=4)
    result = fit_logistic(cases, outcome, "Yes", TERMS, method="fstep-lr", pout=0.2)
    references = {c.name: c.reference for c in result.codings}
    y = (cases[outcome] == "Yes").astype(float)

    def design(terms):
        parts = [pd.Series(1.0, index=cases.index, name="Intercept")]
        parts += [dummies(cases[t], references[t]) for t in TERMS if t in terms]
        return pd.concat(parts, axis=1)

    def fit(terms):
        return sm.GLM(y, design(terms), family=sm.families.Binomial()).fit(
            tol=1e-10, tol_criterion="params"
        )

    model: set[str] = set()
    for step in result.steps:
        if step.action == "enter":
            extra = dummies(cases[step.term], references[step.term]).to_numpy()
            stat = float(np.atleast_1d(fit(model).score_test(exog_extra=extra)[0])[0])
            model.add(step.term)
        else:
            stat = 2 * (fit(model).llf - fit(model - {step.term}).llf)
            model.discard(step.term)
        assert step.statistic == pytest.approx(stat, rel=1e-8)
    final = fit(model)
    for t in result.term_tests:
        if t.in_model:
            stat = 2 * (final.llf - fit(model - {t.term}).llf)
        else:
            extra = dummies(cases[t.term], references[t.term]).to_numpy()
            stat = float(np.atleast_1d(final.score_test(exog_extra=extra)[0])[0])
        assert t.statistic == pytest.approx(stat, rel=1e-8)
    est = {c.name: c.estimate for c in result.coefficients}
    se = {c.name: c.se for c in result.coefficients}
    for name, value in final.params.items():
        assert est[name] == pytest.approx(value, rel=1e-8, abs=1e-12)
        assert se[name] == pytest.approx(final.bse[name], rel=1e-8)
    assert result.loglik == pytest.approx(final.llf, rel=1e-10)
