"""Second marking: matching cases, counting answers, discrepancies and input checks."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from caseinspect.agreement import second_marking_agreement
from caseinspect.errors import ValidationError


def marking(rows):
    return pd.DataFrame(rows, columns=["case_id", "provider", "kq_a", "kq_b"], dtype=object)


FIRST = marking(
    [
        ["c1", "P", "yes", "yes"],
        ["c2", "P", "yes", "no"],
        ["c3", "P", "no", ""],
        ["c4", "P", "yes", "yes"],
        ["c9", "P", "yes", "yes"],  # not second-marked
    ]
)
SECOND = marking(
    [
        ["c4", "P", "yes", "yes"],  # order does not matter: matched on case_id
        ["c3", "P", "no", "yes"],  # kq_b: applicability disagreement
        ["c2", "P", "no", "no"],  # kq_a: disagreement
        ["c1", "P", "YES", "yes"],  # answers matched regardless of case
    ]
)


def test_per_item_counts_and_coefficients():
    r = second_marking_agreement(FIRST, SECOND, ["kq_a", "kq_b"])
    a = r.items["kq_a"].coefficients
    # kq_a pairs: (yes,yes) c1, (yes,no) c2, (no,no) c3, (yes,yes) c4: 3 of 4 agree.
    # kappa: p_e = (3/4)(2/4) + (1/4)(2/4) = 1/2 → (3/4 − 1/2)/(1/2) = 0.5.
    # AC1: π_yes = (3 + 2)/8 = 5/8, p_e = 2·(5/8)(3/8) = 15/32 → (3/4 − 15/32)/(17/32) = 9/17.
    assert (a.n, a.agreement) == (4, 0.75)
    assert a.kappa == pytest.approx(0.5)
    assert a.ac1 == pytest.approx(9 / 17)
    b = r.items["kq_b"]
    # kq_b: c3 answered by the second marker only; the other three agree (yes, no, yes).
    assert (b.coefficients.n, b.first_only, b.second_only) == (3, 0, 1)
    assert (b.coefficients.agreement, b.coefficients.kappa, b.coefficients.ac1) == (1.0, 1.0, 1.0)


def test_overall_pools_every_pair():
    r = second_marking_agreement(FIRST, SECOND, ["kq_a", "kq_b"])
    o = r.overall.coefficients
    assert (o.n, o.agreement) == (7, pytest.approx(6 / 7))
    assert r.overall.second_only == 1


def test_discrepancies_for_the_moderation_meeting():
    r = second_marking_agreement(FIRST, SECOND, ["kq_a", "kq_b"])
    assert r.discrepancies.to_dict("records") == [
        {"case_id": "c2", "item": "kq_a", "first": "yes", "second": "no"},
        {"case_id": "c3", "item": "kq_b", "first": "", "second": "yes"},
    ]


def test_unmatched_cases_are_noted_not_compared():
    r = second_marking_agreement(FIRST, SECOND, ["kq_a", "kq_b"])
    assert r.cases_compared == 4
    assert r.first_only_cases == ("c9",) and r.second_only_cases == ()
    assert any("c9" in note for note in r.notes)


def test_items_default_to_common_non_profile_columns():
    r = second_marking_agreement(FIRST, SECOND)
    assert list(r.items) == ["kq_a", "kq_b"]


def test_json_shape():
    d = second_marking_agreement(FIRST, SECOND, ["kq_a", "kq_b"]).as_dict()
    assert set(d["items"]) == {"kq_a", "kq_b"}
    assert d["items"]["kq_a"] == {
        "n": 4,
        "agreement": 0.75,
        "kappa": 0.5,
        "ac1": 0.5294,
        "first_only": 0,
        "second_only": 0,
    }
    assert d["items"]["kq_b"]["second_only"] == 1
    json.dumps(d)


def test_bad_answers_and_duplicate_ids_name_file_row_column():
    second = SECOND.copy()
    second.loc[1, "kq_a"] = "partly"
    second.loc[2, "case_id"] = "c4"
    with pytest.raises(ValidationError) as info:
        second_marking_agreement(FIRST, second, ["kq_a", "kq_b"], second_source="2nd.csv")
    assert {(p.file, p.row, p.column, p.rule) for p in info.value.problems} == {
        ("2nd.csv", 3, "case_id", "duplicate-case")
    }
    second.loc[2, "case_id"] = "c2"
    with pytest.raises(ValidationError) as info:
        second_marking_agreement(FIRST, second, ["kq_a", "kq_b"], second_source="2nd.csv")
    assert {(p.file, p.row, p.column, p.rule) for p in info.value.problems} == {
        ("2nd.csv", 2, "kq_a", "unknown-answer")
    }


def test_no_common_items():
    with pytest.raises(ValidationError):
        second_marking_agreement(FIRST, SECOND.drop(columns=["kq_a", "kq_b"]), ["kq_a", "kq_b"])


def test_unknown_columns_are_noted_but_rationales_are_not():
    first = FIRST.assign(kq_a__rationale="because", odd="x")
    r = second_marking_agreement(first, SECOND, ["kq_a", "kq_b"], first_source="1st.csv")
    ignored = [n for n in r.notes if "not items" in n]
    assert ignored == ["columns of 1st.csv that are not items, ignored: odd"]


# --- issue #13 ----------------------------------------------------------------------------
def test_no_overlapping_case_ids_is_a_problem_not_null_statistics():
    other = marking([["x1", "P", "yes", "yes"], ["x2", "P", "no", "no"]])
    with pytest.raises(ValidationError) as info:
        second_marking_agreement(FIRST, other, first_source="a.csv", second_source="b.csv")
    (problem,) = info.value.problems
    assert problem.rule == "no-second-marking" and "no case was second-marked" in problem.message


def test_the_same_case_id_with_another_provider_is_reported():
    other = SECOND.copy()
    other.loc[1, "provider"] = "Q"  # c3
    with pytest.raises(ValidationError) as info:
        second_marking_agreement(FIRST, other, first_source="a.csv", second_source="b.csv")
    (problem,) = info.value.problems
    assert (problem.file, problem.row, problem.column, problem.rule) == (
        "b.csv",
        2,
        "provider",
        "different-case",
    )
    assert "'P' in a.csv (row 3)" in problem.message
