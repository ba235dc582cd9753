"""subgroup_significance / significance_table: the flags behind the annex shading."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from caseinspect.errors import CaseinspectError
from caseinspect.stats import significance_table, subgroup_significance

from .conftest import dummies

TERMS = ["provider_type", "gender", "age_group", "ethnic_group", "likelihood_of_reoffending"]


def test_stepwise_flags_follow_the_final_model(cases):
    result = subgroup_significance(cases, "q1", "Yes", TERMS)
    model = result.model
    assert model.method == "fstep-lr"
    assert result.retained_terms == model.terms
    assert "provider_type" in result.retained_terms  # the effect built into q1
    for flag in result.terms:
        t = model.term_test(flag.term)
        assert flag.p == t.p
        assert flag.test == ("lr" if flag.retained else "score")
        if flag.retained:
            assert flag.p <= 0.10


def test_full_model_p_is_lr_test_of_the_block(cases):
    result = subgroup_significance(cases, "q1", "Yes", TERMS, method="full")
    assert result.model.terms == tuple(TERMS)
    y = (cases.q1 == "Yes").astype(float)
    references = {c.name: c.reference for c in result.model.codings}

    def llf(terms):
        X = pd.concat(
            [pd.Series(1.0, index=cases.index)] + [dummies(cases[t], references[t]) for t in terms],
            axis=1,
        )
        return sm.GLM(y, X, family=sm.families.Binomial()).fit().llf

    full = llf(TERMS)
    for term in ("likelihood_of_reoffending", "gender"):
        df = cases[term].nunique() - 1
        stat = 2 * (full - llf([t for t in TERMS if t != term]))
        flag = result[term]
        assert (flag.test, flag.df) == ("lr", df)
        assert flag.statistic == pytest.approx(stat, rel=1e-6)
        assert flag.p == pytest.approx(stats.chi2.sf(stat, df), rel=1e-5)
        assert flag.retained == (flag.p < 0.05)


def test_table_equals_one_call_per_outcome(cases):
    table = significance_table(cases, ["q1", "q2"], "Yes", TERMS)
    assert list(table) == ["q1", "q2"]
    for outcome in ("q1", "q2"):
        single = subgroup_significance(cases, outcome, "Yes", TERMS)
        assert table[outcome].terms == single.terms
        assert table[outcome].model.coefficients == single.model.coefficients
    assert "gender" in table["q2"].retained_terms


def test_levels_set_the_reference(cases):
    order = ["Low", "Medium", "High/Very high"]
    result = subgroup_significance(
        cases, "q1", "Yes", TERMS, levels={"likelihood_of_reoffending": order}, method="full"
    )
    coding = {c.name: c for c in result.model.codings}["likelihood_of_reoffending"]
    assert coding.levels == tuple(order) and coding.reference == "Low"


def test_outcome_with_missing_applicability(cases):
    data = cases.copy()
    data.loc[data.index[::3], "q1"] = ""  # not applicable
    result = subgroup_significance(data, "q1", "Yes", TERMS)
    assert result.n == len(data) - len(data.index[::3])
    assert result.n_excluded == len(data.index[::3])


def test_degenerate_outcome_gives_a_warning_not_an_error(cases):
    data = cases.assign(q3="No")
    result = subgroup_significance(data, "q3", "Yes", TERMS)
    assert result.model is None and result.retained_terms == ()
    assert all(t.p is None for t in result.terms)
    assert "no case has the event value 'Yes'" in result.warnings[0]
    data.loc[data.index[:5], "q3"] = "Yes"
    data.loc[data.index[5:], "q3"] = ""
    result = subgroup_significance(data, "q3", "Yes", TERMS)
    assert result.model is None and "only events" in result.warnings[0]


def test_method_none(cases):
    result = subgroup_significance(cases, "q1", "Yes", TERMS, method="none")
    assert result.model is None and result.n == len(cases)
    assert all(not t.retained and t.p is None for t in result.terms)


def test_single_level_term_is_not_tested(cases):
    nps = cases[cases.provider_type == "NPS"]
    result = subgroup_significance(nps, "q1", "Yes", TERMS)
    flag = result["provider_type"]
    assert not flag.retained and flag.p is None
    assert any("only one level" in w for w in result.warnings)


def test_bad_arguments(cases):
    with pytest.raises(CaseinspectError, match="'gee'"):
        subgroup_significance(cases, "q1", "Yes", TERMS, method="gee")
    with pytest.raises(CaseinspectError, match="Column 'rosh'"):
        subgroup_significance(cases, "q1", "Yes", ["rosh"])
    with pytest.raises(CaseinspectError, match="both the outcome and a term"):
        subgroup_significance(cases, "gender", "Male", ["gender"])


def test_to_dict_round_trip(cases):
    import json

    result = subgroup_significance(cases, "q1", "Yes", TERMS)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert [t["term"] for t in data["terms"]] == TERMS
    assert data["model"]["method"] == "fstep-lr"
    assert np.isclose(data["terms"][0]["p"], result.terms[0].p)
