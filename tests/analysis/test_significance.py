"""Model summaries for disclosure and the Benjamini-Hochberg family of the annex shading."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from caseinspect.analysis import build_report, compute_tables
from caseinspect.analysis._significance import significance_for_tables
from caseinspect.errors import CaseinspectError
from caseinspect.framework import load_framework
from caseinspect.synth import synth_round

FW = load_framework("hmip-2018")


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return synth_round("2018-19", seed=0).astype(object)


@pytest.fixture(scope="module")
def report(cases):
    return build_report(cases, FW, significance="stepwise")


def _c3_needs(report):
    return next(
        m
        for m in report.models
        if (m.table, m.question, m.provider_split) == ("C3", "needs_delivery", "all")
    )


def test_counts_are_hand_counts(cases, report):
    m = _c3_needs(report)
    terms = [t.term for t in m.terms]
    applicable = cases["needs_delivery"].fillna("").ne("")
    missing = cases[terms].fillna("").eq("").any(axis=1)
    assert m.n_table == int(applicable.sum())
    assert m.n_missing_subgroup == int((applicable & missing).sum()) > 0
    assert m.n_model == m.n_table - m.n_missing_subgroup
    yes = cases["needs_delivery"].eq("yes")
    assert m.events == int((yes & ~missing).sum())
    # The table's "All cases" n is the same number.
    cells = report.cells
    all_cases = cells[
        (cells.table == "C3")
        & (cells.question == "needs_delivery")
        & (cells.provider_split == "all")
        & (cells.variable == "all")
    ]
    assert int(all_cases["n"].iloc[0]) == m.n_table


def test_terms_steps_and_odds_ratios_follow_the_engine(report):
    m = _c3_needs(report)
    model = m.result["model"]
    assert m.minus2ll == pytest.approx(model["deviance"])
    assert [s.term for s in m.steps] == [s["term"] for s in model["steps"]]
    for t in m.terms:
        if t.in_model:
            assert t.test == "lr" and t.significant
        else:
            assert t.test == "score" and not t.significant
        assert t.testable and 0 <= t.p <= 1
    assert m.retained == tuple(t.term for t in m.terms if t.significant)
    levels = {(o.term, o.level) for o in m.odds_ratios}
    assert ("provider_type", "NPS") in levels
    for o in m.odds_ratios:
        assert o.ci_low < o.odds_ratio < o.ci_high
        assert o.odds_ratio == pytest.approx(np.exp(o.estimate))
    assert m.shading.method == "stepwise" and m.shading.test == "score/lr"
    assert "stepwise" in m.shading.description and m.shading.fdr_family is None


def test_as_dict_is_json(report):
    data = json.loads(json.dumps([m.as_dict() for m in report.models], allow_nan=False))
    first = data[0]
    assert {"n_table", "n_model", "n_missing_subgroup", "events", "minus2ll", "steps"} <= set(first)
    assert {"test", "statistic", "df", "p", "testable", "reason"} <= set(first["terms"][0])


def test_single_level_term_is_not_testable_with_a_reason(cases):
    crc = cases[cases["provider_type"].eq("CRC")]
    cells = compute_tables(crc, FW)
    _, models = significance_for_tables(
        cells, crc, FW, method="stepwise", fdr=False, alpha=0.05, pin=0.05, pout=0.1
    )
    m = next(m for m in models if m.table == "C3" and m.provider_split == "all")
    t = m.term("provider_type")
    assert not t.testable and t.p is None and "only one level" in t.reason


@pytest.mark.parametrize("family", ["table", "question", "all"])
def test_bh_family_matches_an_independent_adjustment(cases, family):
    report = build_report(cases, FW, significance="full", fdr=True, fdr_family=family)
    rows = []
    for m in report.models:
        for t in m.terms:
            if t.p is not None:
                key = {"table": m.table, "question": (m.table, m.question, m.provider_split)}
                rows.append((key.get(family, "all"), t.p, t.p_adjusted, t.significant))
    frame = pd.DataFrame(rows, columns=["family", "p", "q", "significant"])
    for _, group in frame.groupby("family", sort=False):
        expected = multipletests(group["p"].to_numpy(), method="fdr_bh")[1]
        np.testing.assert_allclose(group["q"].to_numpy(), expected, rtol=1e-12)
        assert (group["significant"] == (group["q"] < 0.05)).all()
    assert all(m.shading.fdr_family == family for m in report.models)


def test_bh_families_differ(cases):
    by_table = build_report(cases, FW, significance="full", fdr=True, fdr_family="table")
    everything = build_report(cases, FW, significance="full", fdr=True, fdr_family="all")
    q_table = by_table.cells["p_adjusted"].dropna()
    q_all = everything.cells["p_adjusted"].dropna()
    # Same tests, different families: the adjusted p-values (not the raw ones) differ.
    assert (by_table.cells["p"].dropna() == everything.cells["p"].dropna()).all()
    assert not np.allclose(q_all.to_numpy(), q_table.to_numpy())


def test_unknown_family_is_refused(cases):
    cells = compute_tables(cases.head(50), FW)
    with pytest.raises(CaseinspectError, match="FDR family"):
        significance_for_tables(
            cells,
            cases.head(50),
            FW,
            method="full",
            fdr=True,
            fdr_family="columns",
            alpha=0.05,
            pin=0.05,
            pout=0.1,
        )


def test_gee_summaries_say_cr2_and_warn_about_few_clusters(cases):
    report = build_report(cases, FW, significance="gee")
    m = _c3_needs(report)
    assert m.shading.cluster == "provider" and m.shading.cluster_correction == "cr2"
    assert "CR2" in m.shading.description and "HTZ" in m.shading.description
    assert m.n_clusters == cases["provider"].nunique() < 30
    assert any("clusters of 'provider'" in w for w in m.warnings)
    for t in m.terms:
        assert t.test == "robust-wald"
        assert (t.p is None) == (not t.testable)


def test_gee_terms_carry_the_f_reference_df(cases):
    report = build_report(cases, FW, significance="gee")
    m = _c3_needs(report)
    tested = [t for t in m.terms if t.testable]
    assert tested and all(0 < t.df_denominator < m.n_clusters - 1 for t in tested)
    stata = build_report(cases, FW, significance="gee", cluster_correction="stata")
    ms = _c3_needs(stata)
    assert all(t.df_denominator == ms.n_clusters - 1 for t in ms.terms if t.testable)
    assert ms.shading.cluster_correction == "stata" and "G/(G-1)" in ms.shading.description
