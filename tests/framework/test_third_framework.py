"""A third framework, with other provider types and sub-group variables, needs no code.

``tests/data/frameworks/youth-2026.yaml`` is made up: provider types YOT/Contracted,
sub-groups age band, care status and risk level, a split table and a figure layout of its
own. The cases are drawn here with a planted effect, so the expected tables are counted
by hand (pandas) and the expected significance follows from the plant.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from caseinspect.analysis import build_report
from caseinspect.cases import validate_cases
from caseinspect.framework import load_framework

FRAMEWORK = Path(__file__).resolve().parents[1] / "data" / "frameworks" / "youth-2026.yaml"


@pytest.fixture(scope="module")
def youth():
    return load_framework(FRAMEWORK)


@pytest.fixture(scope="module")
def cases(youth):
    """600 cases; planning is far better for children not looked after (a planted effect),
    and unrelated to age band; some care statuses are not recorded."""
    rng = np.random.default_rng(2026)
    n = 600
    provider_type = rng.choice(["YOT", "Contracted"], n, p=[0.7, 0.3])
    care = rng.choice(["Looked after", "Not looked after"], n, p=[0.4, 0.6]).astype(object)
    care[rng.random(n) < 0.05] = ""  # not recorded: counts in 'All cases' only
    plan_yes = rng.random(n) < np.where(care == "Looked after", 0.35, 0.85)
    need_education = rng.random(n) < 0.5
    frame = pd.DataFrame(
        {
            "case_id": [f"Y{i:04d}" for i in range(n)],
            "inspection_id": "YI-1",
            "provider": np.where(provider_type == "YOT", "Northshire YOT", "Southshire Services"),
            "provider_type": provider_type,
            "age_band": rng.choice(["10-14", "15-17"], n),
            "care_status": care,
            "risk_level": rng.choice(["Low", "Medium", "High"], n),
            "need_education": np.where(need_education, "yes", "no"),
            "need_family": np.where(rng.random(n) < 0.3, "yes", "no"),
            "plan_sufficient": np.where(plan_yes, "yes", "no"),
            "delivery_education": np.where(
                need_education, np.where(rng.random(n) < 0.6, "yes", "no"), ""
            ),
        }
    ).astype(str)
    assert validate_cases(frame, youth, source="youth") == []
    return frame


@pytest.fixture(scope="module")
def report(cases, youth):
    return build_report(cases, youth, significance="stepwise")


def _cell(report, table, question, variable, category, split="all"):
    cells = report.cells
    row = cells[
        (cells.table == table)
        & (cells.question == question)
        & (cells.variable == variable)
        & (cells.category == category)
        & (cells.provider_split == split)
    ]
    assert len(row) == 1, (table, question, variable, category, split)
    return row.iloc[0]


def test_tables_count_as_by_hand(report, cases):
    for category, group in cases.groupby("care_status"):
        if category == "":
            continue
        cell = _cell(report, "Y2", "planning", "care_status", category)
        assert cell.n == len(group)
        assert cell["yes"] == (group.plan_sufficient == "yes").sum()
    everyone = _cell(report, "Y2", "planning", "all", "All cases")
    assert everyone.n == len(cases)  # cases with care status not recorded still count here
    applicable = cases[cases.need_education == "yes"]
    delivery = _cell(report, "Y2", "delivery_education", "all", "All cases")
    assert delivery.n == len(applicable)


def test_the_framework_own_provider_types_split_tables(report, cases):
    for provider_type, group in cases.groupby("provider_type"):
        cell = _cell(report, "Y3", "planning", "all", "All cases", split=provider_type)
        assert cell.n == len(group)


def test_the_mean_row_is_a_mean_without_an_interval(report, cases):
    mean = _cell(report, "Y1", "mean_needs", "all", "All cases")
    needs = (cases[["need_education", "need_family"]] == "yes").sum(axis=1)
    assert mean.pct == pytest.approx(round(needs.mean(), 1))
    assert np.isnan(mean.ci_low) and np.isnan(mean.ci_high)


def test_significance_follows_the_planted_effect(report):
    assert _cell(report, "Y2", "planning", "care_status", "Looked after").significant
    assert not _cell(report, "Y2", "planning", "age_band", "10-14").significant


def test_figures_from_the_framework_layout(report, tmp_path):
    from caseinspect.reports import report_figures, write_figures

    figures = report_figures(report)
    titles = [f.spec.title for f in figures]
    # The mean number of needs is drawn by the framework's own risk variable.
    assert any("Risk level" in t or "risk level" in t.lower() for t in titles), titles
    written = write_figures(report, tmp_path, formats=("png",))
    assert len(written) == len(figures) and all(p.stat().st_size > 1000 for p in written)
