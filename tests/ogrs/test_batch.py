"""Batch OGRS3: every row validated first; results match the single-person worked examples."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from caseinspect.errors import ValidationError
from caseinspect.ogrs import score_batch, score_table

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
    assert round(out.loc[0, "two_year"], 4) == 0.1571
    assert out.loc[0, "two_year"] != round(out.loc[0, "two_year"], 4)  # full precision
    assert out.band.tolist() == ["low", "low"]


def test_strict_table_refuses_every_row_when_one_is_bad():
    bad = [dict(ROWS[0]), dict(ROWS[1]), dict(ROWS[0])]
    bad[0]["birth_date"] = "07/12/1965"
    bad[2]["previous_sanctions"] = "two"
    bad[2]["offence"] = "arson"
    with pytest.raises(ValidationError) as info:
        score_table(pd.DataFrame(bad), source="in.csv")
    found = {(p.file, p.row, p.column, p.rule) for p in info.value.problems}
    # A parse error no longer hides the row's other problems: row 3's offence is reported
    # beside its unreadable count.
    assert found == {
        ("in.csv", 1, "birth_date", "bad-date"),
        ("in.csv", 3, "previous_sanctions", "not-a-whole-number"),
        ("in.csv", 3, "offence", "unknown-offence"),
    }


def test_one_impossible_row_does_not_stop_the_others():
    rows = [dict(ROWS[0]), dict(ROWS[1]), dict(ROWS[1])]
    rows[1]["first_sanction_date"] = "1995-01-01"  # age 3: before the age of 10
    batch = score_batch(pd.DataFrame(rows), source="in.csv")
    assert (batch.n_scored, batch.n_refused) == (2, 1)
    assert [(p.row, p.column, p.rule) for p in batch.problems] == [
        (2, "first_sanction_date", "first-sanction-under-10")
    ]
    assert batch.table.one_year.isna().tolist() == [False, True, False]
    assert batch.table.band.tolist() == ["low", "", "low"]
    assert batch.table.id.tolist() == ["a", "b", "b"]  # every input row is kept, in order


def test_parse_errors_do_not_hide_other_rules():
    row = dict(ROWS[1])
    row["birth_date"] = "not a date"
    row["previous_sanctions"] = "many"
    row["first_sanction_date"] = "2021-10-01"  # after the conviction: still found
    row["sex"] = "x"
    batch = score_batch(pd.DataFrame([row]), source="in.csv")
    assert {(p.column, p.rule) for p in batch.problems} == {
        ("birth_date", "bad-date"),
        ("previous_sanctions", "not-a-whole-number"),
        ("first_sanction_date", "first-sanction-after-conviction"),
        ("sex", "unknown-sex"),
    }


@pytest.mark.parametrize(
    ("column", "typed", "rule", "suggested"),
    [
        ("sex", "MALE ", "unknown-sex", "male"),
        ("sex", "Male", "unknown-sex", "male"),
        ("previous_sanctions", " 1 ", "not-a-whole-number", "1"),
        ("previous_sanctions", "\uff11", "not-a-whole-number", "1"),  # full-width 1
        ("offence", "Fraud-Forgery", "unknown-offence", "fraud-forgery"),
        ("birth_date", "\uff11\uff19\uff19\uff11-07-17", "bad-date", "1991-07-17"),
        ("conviction_date", " 2021-08-05", "bad-date", "2021-08-05"),
    ],
)
def test_other_spellings_are_reported_with_a_suggestion_never_normalised(
    column, typed, rule, suggested
):
    row = dict(ROWS[1])
    row[column] = typed
    batch = score_batch(pd.DataFrame([row]), source="in.csv")
    assert batch.n_scored == 0  # not silently accepted
    (problem,) = batch.problems
    assert (problem.column, problem.rule, problem.value) == (column, rule, typed)
    assert f"did you mean '{suggested}'?" in problem.message
    assert batch.table.loc[0, column] == typed  # the input is written back as typed


@pytest.mark.parametrize(
    ("changes", "rule", "column"),
    [
        (
            {"birth_date": "1899-12-31", "first_sanction_date": "1913-01-01"},
            "implausible-birth-date",
            "birth_date",
        ),
        ({"previous_sanctions": "201"}, "implausible-sanctions", "previous_sanctions"),
        (
            {"conviction_date": "2031-01-01", "assessment_date": "2031-02-01"},
            "date-in-future",
            "conviction_date",
        ),
        (
            {
                "first_sanction_date": "2022-06-01",
                "conviction_date": "2022-06-01",
                "previous_sanctions": "0",
            },
            "after-assessment",
            "first_sanction_date",
        ),
    ],
)
def test_implausible_inputs_are_problems(changes, rule, column):
    row = dict(ROWS[1])
    row.update(changes)
    batch = score_batch(pd.DataFrame([row]), source="in.csv", today=date(2026, 12, 1))
    assert (column, rule) in {(p.column, p.rule) for p in batch.problems}


def test_200_sanctions_is_plausible_and_scores_as_50():
    rows = [dict(ROWS[1]), dict(ROWS[1])]
    rows[0]["previous_sanctions"] = "200"
    rows[1]["previous_sanctions"] = "50"
    out = score_table(pd.DataFrame(rows))
    assert out.loc[0, "two_year"] == out.loc[1, "two_year"]


def test_missing_columns_are_named():
    with pytest.raises(ValidationError) as info:
        score_table(pd.DataFrame(ROWS).drop(columns=["offence", "sex"]), source="in.csv")
    assert {p.column for p in info.value.problems} == {"offence", "sex"}
