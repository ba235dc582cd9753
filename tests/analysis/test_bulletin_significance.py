"""The significance the bulletins name in their text, found again on the synthetic rounds.

Bulletin 2020/03 (section 2.3 and the executive summary) and bulletin 2018/01 (text beside
Tables 1-7) name the sub-group differences their forward stepwise regressions found. The
synthetic rounds are calibrated to the published one-way tables only, so finding the same
differences here checks the statistics engine and the calibration together.
"""

from __future__ import annotations

import pytest

from caseinspect.analysis import build_report
from caseinspect.framework import load_framework
from caseinspect.synth import synth_round


def retained(report, table: str, split: str = "all") -> dict[str, tuple[str, ...]]:
    return {
        m.question: m.retained
        for m in report.models
        if m.table == table and m.provider_split == split
    }


@pytest.fixture(scope="module")
def report_2018():
    framework = load_framework("hmip-2018")
    return build_report(
        synth_round("2018-19", seed=0).astype(object), framework, significance="stepwise"
    )


@pytest.fixture(scope="module")
def report_2016():
    framework = load_framework("qi-2016")
    return build_report(
        synth_round("2016-17", seed=0).astype(object), framework, significance="stepwise"
    )


def test_2020_03_needs_and_strengths_delivery_differ_by_provider_and_likelihood(report_2018):
    for table, question in (("C3", "needs_delivery"), ("C4", "strengths_delivery")):
        terms = retained(report_2018, table)[question]
        assert "provider_type" in terms and "likelihood_of_reoffending" in terms, (table, terms)


def test_2020_03_delivery_per_need_and_strength(report_2018):
    c5, c6 = retained(report_2018, "C5"), retained(report_2018, "C6")
    # "a significant difference ... between the NPS and CRC cases for six out of the eight
    # needs" and "four out of the five strengths"; likelihood of reoffending "across six of
    # the eight needs and four of the five strengths". Allow one either way.
    assert sum("provider_type" in t for t in c5.values()) >= 5
    assert sum("provider_type" in t for t in c6.values()) >= 3
    assert sum("likelihood_of_reoffending" in t for t in c5.values()) >= 5
    assert sum("likelihood_of_reoffending" in t for t in c6.values()) >= 3
    # "For both drug misuse and alcohol misuse ... younger service users"; "for both
    # family/relationships and alcohol misuse ... men compared to women".
    assert "age_group" in c5["drug_misuse"] and "age_group" in c5["alcohol_misuse"]
    assert "gender" in c5["family_relationships"] and "gender" in c5["alcohol_misuse"]


def test_2018_01_provider_differences_and_named_variables(report_2016):
    models = {m.table: m.retained for m in report_2016.models if m.provider_split == "all"}
    assert all("provider_type" in terms for terms in models.values()), models
    assert "gender" in models["T1"]
    # Table 2's age and likelihood differences are borderline here (found on 2 of 6 seeds);
    # its ethnic-group difference on every seed.
    assert "ethnic_group" in models["T2"]
    for table in ("T3", "T4", "T5", "T6"):
        assert "likelihood_of_reoffending" in models[table], table
    assert "rosh" in models["T7"]


def test_provider_difference_shades_the_crc_and_nps_blocks(report_2016):
    cells = report_2016.cells
    blocks = cells[(cells.table == "T1") & (cells.variable == "all")]
    assert dict(zip(blocks.provider_split, blocks.significant, strict=True)) == {
        "all": False,
        "CRC": True,
        "NPS": True,
    }
