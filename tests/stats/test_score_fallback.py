"""The score test's fallback for models on the boundary (quasi-separation)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from caseinspect.stats import fit_logistic, format_result, subgroup_significance
from caseinspect.stats._logistic import _score_statistic_pinv, fit_binomial, score_test


def test_pinv_formula_equals_statsmodels_when_the_information_is_regular():
    rng = np.random.default_rng(3)
    X = np.column_stack([np.ones(200), rng.integers(0, 2, 200)])
    Z = rng.integers(0, 2, (200, 2)).astype(float)
    y = (rng.random(200) < 0.4).astype(float)
    fit = fit_binomial(X, y, np.ones(200), np.array([0, 1]))
    ours, df = _score_statistic_pinv(fit, Z)
    assert df == 2
    assert np.isclose(ours, score_test(fit, Z).statistic, rtol=1e-8)


def test_quasi_separation_in_the_current_model_does_not_stop_selection():
    # Every 'Low' case is 'yes': once rosh is in the model its fitted probability is 1 and
    # the score test of the next candidate has a singular information matrix.
    rows = []
    for i in range(120):
        rosh = ["Low", "Medium", "High/Very high"][i % 3]
        gender = "Female" if i % 4 == 0 else "Male"
        outcome = "yes" if rosh == "Low" or (i % 5 == 0) else "no"
        rows.append({"y": outcome, "rosh": rosh, "gender": gender})
    data = pd.DataFrame(rows)
    result = subgroup_significance(
        data,
        "y",
        "yes",
        ["rosh", "gender"],
        levels={"rosh": ["Low", "Medium", "High/Very high"], "gender": ["Male", "Female"]},
    )
    assert result["rosh"].retained
    assert result["gender"].p is not None


FIXTURES = Path(__file__).parent / "fixtures"


def test_separation_case_enters_the_term_as_r_does():
    """Issue #12: a 6-level term with a level of 2 cases, both events, plus counts.

    Once 'group' is in the model, statsmodels' score test of 'needs' is NaN (fitted
    probabilities of 1 for level F); it used to become p = 1 and selection stopped. The
    expected path and statistics come from R (``fixtures/separation_rao.R``: glm,
    add1/drop1 and ``anova(m0, m1, test = "Rao")``).
    """
    cases = pd.read_csv(FIXTURES / "separation_cases.csv", dtype={"group": str})
    expected = pd.read_csv(FIXTURES / "separation_expected.csv", comment="#")
    expected["term"] = expected["term"].str.strip()
    result = fit_logistic(
        cases, "y", "yes", ["group", "needs", "strengths"], categorical=["group"], method="fstep-lr"
    )
    steps = expected[expected.kind == "step"]
    assert [(s.action, s.term) for s in result.steps] == list(
        zip(steps.action, steps.term, strict=True)
    )
    for got, (_, want) in zip(result.steps, steps.iterrows(), strict=True):
        assert got.test == want.test and got.df == want.df
        assert got.statistic == pytest.approx(want.statistic, rel=1e-6)
        assert got.p == pytest.approx(want.p, rel=1e-6)
    needs = result.steps[1]
    anova = expected[expected.kind == "anova"].iloc[0]
    assert needs.statistic == pytest.approx(anova.statistic, rel=1e-6) and needs.p < 0.05
    for _, want in expected[expected.kind == "final"].iterrows():
        t = result.term_test(want.term)
        assert t.in_model == (want.action == "in") and t.test == want.test and t.testable
        assert t.statistic == pytest.approx(want.statistic, rel=1e-6)
        assert t.p == pytest.approx(want.p, rel=1e-6)
    assert any("separation" in w and "'F'" in w for w in result.warnings)


def test_statsmodels_gives_nan_here_so_the_fallback_is_exercised():
    cases = pd.read_csv(FIXTURES / "separation_cases.csv", dtype={"group": str})
    y = (cases.y == "yes").to_numpy(float)
    levels = sorted(cases.group.unique())[1:]
    X = np.column_stack(
        [np.ones(len(cases))] + [(cases.group == g).to_numpy(float) for g in levels]
    )
    fit = fit_binomial(X, y, np.ones(len(y)), np.arange(X.shape[1]))
    extra = cases[["needs"]].to_numpy(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = float(np.atleast_1d(fit.result.score_test(exog_extra=extra)[0])[0])
    assert not np.isfinite(raw)
    t = score_test(fit, extra)
    assert t.testable and np.isfinite(t.statistic) and t.df == 1


def test_a_term_with_no_information_is_not_testable_never_p_one():
    # 'dup' is the same split as 'a': once 'a' is in, 'dup' adds nothing.
    data = pd.DataFrame(
        {
            "y": ["yes", "no", "yes", "yes", "no", "no", "yes", "no"] * 10,
            "a": ["p", "q"] * 40,
            "b": ["u"] * 40 + ["v"] * 40,
        }
    )
    data["dup"] = data["a"].map({"p": "x", "q": "z"})
    result = fit_logistic(data, "y", "yes", ["a", "dup", "b"], method="enter")
    X = np.column_stack([np.ones(80), (data.a == "q").to_numpy(float)])
    fit = fit_binomial(X, (data.y == "yes").to_numpy(float), np.ones(80), np.array([0, 1]))
    t = score_test(fit, (data.dup == "z").to_numpy(float)[:, None])
    assert not t.testable and np.isnan(t.p) and t.df == 0 and "spanned" in t.reason
    assert result.n == 80


def test_format_prints_not_testable_with_the_reason():
    cases = pd.DataFrame(
        {
            "y": ["yes", "no", "yes", "yes", "no", "no", "yes", "no"] * 5,
            "a": ["p", "q"] * 20,
            "dup": ["x", "z"] * 20,
        }
    )
    result = fit_logistic(cases, "y", "yes", ["a", "dup"], method="fstep-lr", pin=0.99, pout=0.995)
    assert result.terms == ("a",)
    t = result.term_test("dup")
    assert not t.testable and t.p != t.p  # NaN, not 1
    text = format_result(result)
    assert "not testable" in text and "Not testable: dup: every column" in text
    assert result.to_dict()["term_tests"][1]["p"] is None
