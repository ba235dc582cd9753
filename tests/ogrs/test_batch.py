"""Batch OGRS3: every row validated first; results match the single-person worked examples."""

from __future__ import annotations

import pandas as pd
import pytest

from caseinspect.errors import ValidationError
from caseinspect.ogrs import score_table

ROWS = [
    # MoJ ACT-62 scenario 1 (first sanction at 47) and scenario 2 with fraud and forgery.
    {
        "id": "a",
        "sex": "male",
        "birth_date": "1965-12-07",
        "conviction_date": "2025-05-13",
        "first_sanction_date": "2013-06-01",
        "assessment_date": "2026-12-06",
        "previous_sanctions": "1",
        "offence": "soliciting",
    },
    {
        "id": "b",
        "sex": "male",
        "birth_date": "1991-07-17",
        "conviction_date": "2021-08-05",
        "first_sanction_date": "2013-01-01",
        "assessment_date": "2021-12-12",
        "previous_sanctions": "1",
        "offence": "fraud-forgery",
    },
]


def test_batch_reproduces_the_worked_examples_and_keeps_other_columns():
    out = score_table(pd.DataFrame(ROWS))
    assert list(out.columns) == [*ROWS[0].keys(), "one_year", "two_year", "band"]
    assert out.id.tolist() == ["a", "b"]
    assert [round(100 * p) for p in out.one_year] == [8, 11]
    assert [round(100 * p) for p in out.two_year] == [16, 20]
    assert out.loc[0, "two_year"] == 0.1571
    assert out.band.tolist() == ["low", "low"]


def test_all_rows_are_checked_before_any_is_scored():
    bad = [dict(ROWS[0]), dict(ROWS[1]), dict(ROWS[0])]
    bad[0]["birth_date"] = "07/12/1965"
    bad[2]["previous_sanctions"] = "two"
    bad[2]["offence"] = "arson"
    with pytest.raises(ValidationError) as info:
        score_table(pd.DataFrame(bad), source="in.csv")
    found = {(p.file, p.row, p.column, p.rule) for p in info.value.problems}
    assert found == {
        ("in.csv", 1, "birth_date", "bad-date"),
        ("in.csv", 3, "previous_sanctions", "not-a-whole-number"),
    }
    # The unknown offence is found once the row parses.
    bad[2]["previous_sanctions"] = "2"
    with pytest.raises(ValidationError) as info:
        score_table(pd.DataFrame(bad), source="in.csv")
    assert ("in.csv", 3, "offence", "unknown-offence") in {
        (p.file, p.row, p.column, p.rule) for p in info.value.problems
    }


def test_missing_columns_are_named():
    with pytest.raises(ValidationError) as info:
        score_table(pd.DataFrame(ROWS).drop(columns=["offence", "sex"]), source="in.csv")
    assert {p.column for p in info.value.problems} == {"offence", "sex"}
