"""Statistical disclosure control: primary and secondary suppression.

The hand-worked example (threshold 5) is one column of a table split by provider, broken
down by RoSH level; one 'all' case has no RoSH recorded::

               All   Low  Medium  High
    all         40    20      15     4      (1 not recorded)
    CRC         25    15      10     0
    NPS         15     5       5     4

Primary: all/High (4) and NPS/High (4). Then, by hand:

* all/RoSH holds one suppressed cell (High): with the 'All' total and the not-recorded
  count, 40 - 20 - 15 - 1 = 4 gives it away -> suppress the smallest other, Medium (15).
* NPS/RoSH: one suppressed (High) -> smallest other: Low and Medium tie at 5, the first
  printed, Low, goes.
* Row Low across splits: all 20 = CRC 15 + NPS (suppressed) -> suppress CRC Low (15 < 20).
* Row Medium: all (suppressed) = CRC 10 + NPS 5 -> suppress NPS Medium (5).
* CRC/RoSH now holds one suppressed cell (Low) -> suppress Medium (10); High is 0, '-'.
* Every breakdown and every row now holds 0 or at least 2 suppressed cells: stop.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from caseinspect.analysis._disclosure import suppress, suppress_report, suppression_note

ROWS = [  # split, variable, category, n, yes
    ("all", "all", "All cases", 40, 30),
    ("all", "rosh", "Low", 20, 16),
    ("all", "rosh", "Medium", 15, 10),
    ("all", "rosh", "High/Very high", 4, 3),
    ("CRC", "all", "All cases", 25, 19),
    ("CRC", "rosh", "Low", 15, 12),
    ("CRC", "rosh", "Medium", 10, 7),
    ("CRC", "rosh", "High/Very high", 0, 0),
    ("NPS", "all", "All cases", 15, 11),
    ("NPS", "rosh", "Low", 5, 4),
    ("NPS", "rosh", "Medium", 5, 3),
    ("NPS", "rosh", "High/Very high", 4, 3),
]


def make_cells(rows=ROWS) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["provider_split", "variable", "category", "n", "yes"])
    frame.insert(0, "question", "q")
    frame.insert(0, "table", "T1")
    frame["pct"] = [
        round(100 * y / n, 1) if n else float("nan")
        for n, y in zip(frame.n, frame.yes, strict=True)
    ]
    frame["ci_low"] = frame["pct"] - 5
    frame["ci_high"] = frame["pct"] + 5
    frame["significant"] = frame["variable"].eq("rosh")
    return frame


def status(out: pd.DataFrame) -> dict[tuple[str, str], str]:
    return {(r.provider_split, r.category): r.suppressed for r in out.itertuples()}


def test_hand_worked_example():
    out = suppress(make_cells(), 5)
    assert status(out) == {
        ("all", "All cases"): "",
        ("all", "Low"): "",
        ("all", "Medium"): "secondary",
        ("all", "High/Very high"): "primary",
        ("CRC", "All cases"): "",
        ("CRC", "Low"): "secondary",
        ("CRC", "Medium"): "secondary",
        ("CRC", "High/Very high"): "",  # n = 0: printed '-', not suppressed
        ("NPS", "All cases"): "",
        ("NPS", "Low"): "secondary",
        ("NPS", "Medium"): "secondary",
        ("NPS", "High/Very high"): "primary",
    }


def test_suppressed_cells_are_blanked_and_others_kept():
    cells = make_cells()
    out = suppress(cells, 5)
    hidden = out["suppressed"].ne("")
    assert out.loc[hidden, "n"].isna().all() and out.loc[hidden, "yes"].isna().all()
    assert out.loc[hidden, ["pct", "ci_low", "ci_high"]].isna().all().all()
    kept = ~hidden
    assert out.loc[kept, "n"].tolist() == cells.loc[kept, "n"].tolist()
    assert out.loc[kept, "pct"].equals(cells.loc[kept, "pct"])
    # Significance describes a whole variable, not a cell: it stays.
    assert out["significant"].equals(cells["significant"])
    # The input is not modified.
    assert cells["n"].tolist() == [r[3] for r in ROWS]


def test_no_suppressed_cell_can_be_recovered_by_differencing():
    out = suppress(make_cells(), 5)
    hidden = out["suppressed"].ne("")
    by_breakdown = out[out.variable != "all"].groupby(["provider_split", "variable"])
    for _, group in by_breakdown:
        assert hidden[group.index].sum() != 1
    for _, group in out.groupby(["variable", "category"]):
        assert hidden[group.index].sum() != 1


def test_primary_only():
    out = suppress(make_cells(), 5, secondary=False)
    assert sorted(k for k, v in status(out).items() if v) == [
        ("NPS", "High/Very high"),
        ("all", "High/Very high"),
    ]
    assert set(out["suppressed"]) == {"", "primary"}


def test_threshold_one_suppresses_nothing():
    out = suppress(make_cells(), 1)
    assert (out["suppressed"] == "").all()
    assert out["n"].tolist() == [r[3] for r in ROWS]


def test_total_suppressed_when_no_other_cell_can_hide_it():
    # All 6 = Female 3 + 3 not recorded; Male has no case: only the total can hide Female.
    rows = [
        ("all", "all", "All cases", 6, 3),
        ("all", "gender", "Male", 0, 0),
        ("all", "gender", "Female", 3, 1),
    ]
    out = suppress(make_cells(rows), 5)
    assert status(out) == {
        ("all", "All cases"): "secondary",
        ("all", "Male"): "",
        ("all", "Female"): "primary",
    }
    assert math.isnan(out["pct"].iloc[0])


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "5"])
def test_bad_threshold(bad):
    with pytest.raises(ValueError, match="threshold"):
        suppress(make_cells(), bad)


def test_missing_column():
    with pytest.raises(ValueError, match="provider_split"):
        suppress(make_cells().drop(columns="provider_split"), 5)


def test_suppress_report_records_threshold_and_note(qi_report_small):
    out = suppress_report(qi_report_small, 10)
    settings = dict(out.provenance.settings)
    assert settings["suppress"] == "10" and settings["suppress_secondary"] == "true"
    assert suppression_note(10) in out.notes
    assert out.models == ()  # odds ratios of small groups withheld by default
    assert out.cells["suppressed"].isin(["primary", "secondary", ""]).all()
    assert (out.cells["suppressed"] == "primary").any()
    kept = suppress_report(qi_report_small, 10, keep_models=True)
    assert kept.models == qi_report_small.models


@pytest.fixture(scope="module")
def qi_report_small():
    from caseinspect.analysis import build_report
    from caseinspect.framework import load_framework

    fw = load_framework("qi-2016")
    rows = []
    for i in range(60):
        rows.append(
            {
                "case_id": str(i),
                "inspection_id": "I",
                "provider": "P",
                "provider_type": "CRC" if i % 4 else "NPS",
                "gender": "Female" if i % 9 == 0 else "Male",
                "age_group": "18-20" if i % 2 else "50+",
                "diversity_considered": "yes" if i % 3 else "no",
            }
        )
    return build_report(pd.DataFrame(rows), fw, significance="stepwise")
