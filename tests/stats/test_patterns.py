"""Collapsing to covariate patterns gives the per-case fit: estimates, SEs, LR and score tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caseinspect.stats import fit_logistic
from caseinspect.stats._patterns import collapse

TERMS = ["provider_type", "gender", "age_group", "ethnic_group", "likelihood_of_reoffending"]


def test_collapse_counts_match_groupby():
    rng = np.random.default_rng(3)
    keys = [rng.integers(0, 3, 5000), rng.integers(0, 6, 5000), rng.integers(0, 2, 5000)]
    y = rng.integers(0, 2, 5000)
    pattern_keys, events, trials = collapse(keys, [3, 6, 2], y)
    frame = pd.DataFrame({"k0": keys[0], "k1": keys[1], "k2": keys[2], "y": y})
    ref = frame.groupby(["k0", "k1", "k2"]).y.agg(["sum", "count"]).reset_index()
    got = (
        pd.DataFrame(
            {
                "k0": pattern_keys[0],
                "k1": pattern_keys[1],
                "k2": pattern_keys[2],
                "sum": events,
                "count": trials,
            }
        )
        .sort_values(["k0", "k1", "k2"])
        .reset_index(drop=True)
    )
    np.testing.assert_array_equal(
        got[["k0", "k1", "k2"]].to_numpy(), ref[["k0", "k1", "k2"]].to_numpy()
    )
    np.testing.assert_array_equal(got["sum"], ref["sum"])
    np.testing.assert_array_equal(got["count"], ref["count"])


def test_collapse_sparse_path_agrees_with_dense():
    rng = np.random.default_rng(4)
    keys = [rng.integers(0, 5000, 3000), rng.integers(0, 5000, 3000)]
    y = rng.integers(0, 2, 3000)
    dense = collapse(keys, [5000, 5000], y)  # 25 million possible: sparse (sorting) path
    frame = (
        pd.DataFrame({"a": keys[0], "b": keys[1], "y": y})
        .groupby(["a", "b"])
        .y.agg(["sum", "count"])
    )
    assert len(dense[1]) == len(frame)
    assert dense[1].sum() == y.sum() and dense[2].sum() == 3000


def _pair(cases, **kwargs):
    collapsed = fit_logistic(cases, "q1", "Yes", TERMS, collapse=True, **kwargs)
    per_case = fit_logistic(cases, "q1", "Yes", TERMS, collapse=False, **kwargs)
    assert collapsed.fit_level == "patterns" and per_case.fit_level == "cases"
    assert collapsed.n_rows < per_case.n_rows == per_case.n
    return collapsed, per_case


def test_collapsed_fit_equals_per_case_fit(cases):
    collapsed, per_case = _pair(cases)
    for a, b in zip(collapsed.coefficients, per_case.coefficients, strict=True):
        assert a.name == b.name
        assert a.estimate == pytest.approx(b.estimate, rel=1e-8, abs=1e-10)
        assert a.se == pytest.approx(b.se, rel=1e-8)
    for attr in ("loglik", "deviance", "null_deviance", "aic"):
        assert getattr(collapsed, attr) == pytest.approx(getattr(per_case, attr), rel=1e-10)
    # LR tests of every term (all in the model) agree.
    for a, b in zip(collapsed.term_tests, per_case.term_tests, strict=True):
        assert a.test == b.test == "lr"
        assert a.statistic == pytest.approx(b.statistic, rel=1e-7)


def test_collapsed_score_and_stepwise_equal_per_case(cases):
    collapsed, per_case = _pair(cases, method="fstep-lr")
    assert [(s.action, s.term) for s in collapsed.steps] == [
        (s.action, s.term) for s in per_case.steps
    ]
    for a, b in zip(collapsed.steps, per_case.steps, strict=True):
        assert a.statistic == pytest.approx(b.statistic, rel=1e-7)
        assert a.p == pytest.approx(b.p, rel=1e-6)
    # Score tests of the terms left out, both block (df > 1) and single.
    scores = [
        (a, b)
        for a, b in zip(collapsed.term_tests, per_case.term_tests, strict=True)
        if not a.in_model
    ]
    assert scores and any(a.df > 1 for a, _ in scores)
    for a, b in scores:
        assert a.test == b.test == "score"
        assert a.statistic == pytest.approx(b.statistic, rel=1e-7)
