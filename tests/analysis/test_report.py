"""The report model: intervals, significance flags, FDR and provenance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from caseinspect.analysis import build_report
from caseinspect.cases import fingerprint_cases
from caseinspect.framework import load_framework

FW = load_framework("hmip-2018")


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    """2,000 cases where NPS delivery is far better than CRC delivery and gender has no effect."""
    rng = np.random.default_rng(7)
    n = 2000
    provider_type = rng.choice(["CRC", "NPS"], n, p=[0.7, 0.3])
    gender = rng.choice(["Male", "Female"], n, p=[0.85, 0.15])
    p_yes = np.where(provider_type == "NPS", 0.75, 0.45)
    delivery = np.where(rng.random(n) < p_yes, "yes", "no")
    frame = pd.DataFrame(
        {
            "case_id": [f"C-{i}" for i in range(n)],
            "inspection_id": "I-1",
            "provider": np.where(provider_type == "NPS", "NPS One", "CRC One"),
            "provider_type": provider_type,
            "gender": gender,
            "age_group": "",
            "ethnic_group": "",
            "supervision_type": "",
            "likelihood_of_reoffending": "",
            "rosh": "",
            "needs_delivery": delivery,
        }
    )
    frame.loc[frame.index[:40], "gender"] = ""  # not recorded: out of the models (listwise)
    return frame.astype(object)


def flags(report, question: str, variable: str) -> set[bool]:
    cells = report.cells
    chosen = cells[
        (cells.table == "C3") & (cells.question == question) & (cells.variable == variable)
    ]
    return set(chosen["significant"])


def test_stepwise_flags_the_real_difference_only(cases):
    report = build_report(cases, FW, significance="stepwise")
    assert flags(report, "needs_delivery", "provider") == {True}
    assert flags(report, "needs_delivery", "gender") == {False}
    assert flags(report, "needs_delivery", "all") == {False}
    model = next(m for m in report.models if m.table == "C3" and m.question == "needs_delivery")
    assert model.retained == ("provider_type",)
    assert model.result["n"] == 1960 and model.result["n_excluded"] == 40
    steps = model.result["model"]["steps"]
    assert [(s["action"], s["term"]) for s in steps] == [("enter", "provider_type")]


def test_full_model_and_fdr(cases):
    report = build_report(cases, FW, significance="full", fdr=True)
    provider = report.cells[
        (report.cells.question == "needs_delivery") & (report.cells.variable == "provider")
    ]
    assert provider["p_adjusted"].notna().all() and (provider["p_adjusted"] < 0.05).all()
    assert provider["significant"].all()


def test_wilson_intervals_match_statsmodels(cases):
    report = build_report(cases, FW, significance="none")
    row = report.cells[
        (report.cells.question == "needs_delivery") & (report.cells.category == "All cases")
    ].iloc[0]
    low, high = proportion_confint(row["yes"], row["n"], alpha=0.05, method="wilson")
    assert row["ci_low"] == round(low * 100, 1) and row["ci_high"] == round(high * 100, 1)


def test_provenance_records_framework_data_and_software(cases):
    report = build_report(cases, FW, significance="none")
    provenance = report.provenance.as_dict()
    assert (
        provenance["framework"] == "hmip-2018"
        and provenance["framework_fingerprint"] == FW.fingerprint
    )
    assert provenance["data_fingerprint"] == fingerprint_cases(cases)
    assert provenance["n_cases"] == 2000 and provenance["settings"]["significance"] == "none"


def test_same_input_same_report(cases):
    first = build_report(cases, FW, significance="stepwise").cells
    second = build_report(cases.sample(frac=1, random_state=3), FW, significance="stepwise").cells
    pd.testing.assert_frame_equal(first.reset_index(drop=True), second.reset_index(drop=True))
