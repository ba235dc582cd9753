"""Practice examples: proposed, reviewed, and only approved ones published."""

from __future__ import annotations

import pandas as pd
import pytest

from caseinspect.errors import InvalidArgument, ValidationError
from caseinspect.framework import load_framework
from caseinspect.text import (
    EXAMPLE_COLUMNS,
    REVIEW_COLUMNS,
    pseudonymise_cases,
    publishable_examples,
    read_review,
    review_sheet,
    review_status,
)

FRAMEWORK = load_framework("hmip-2018")


def _cases():
    return pd.DataFrame(
        {
            "case_id": ["C1", "C2", "C3"],
            "gender": ["Male", "Female", "Male"],
            "practice_kind": ["good", "poor", ""],
            "practice_pseudonym": ["Kyle", "Demi", ""],
            "practice_note": [
                "Kyle, a 24-year-old male, lived with his mother, Joanne. Kyle attended.",
                "Demi was a 30-year-old female with Tourette's syndrome.",
                "",
            ],
        }
    )


def test_examples_and_detections():
    result = pseudonymise_cases(_cases(), FRAMEWORK)
    assert list(result.examples["case_id"]) == ["C1", "C2"]
    det = result.detections
    assert list(det.columns) == ["case_id", "span", "original", "replacement", "rule"]
    assert list(det.loc[det["case_id"] == "C1", "original"]) == ["Kyle", "Joanne", "Kyle"]
    text = result.examples.loc[0, "text"]
    assert "Kyle" not in text and "Joanne" not in text
    assert text.endswith("attended.")


def test_nothing_published_before_review():
    result = pseudonymise_cases(_cases(), FRAMEWORK)
    assert publishable_examples(result, None).empty
    assert list(review_status(result, None)["status"]) == ["pending", "pending"]


def test_approved_rejected_and_stale():
    result = pseudonymise_cases(_cases(), FRAMEWORK)
    sheet = review_sheet(result)
    assert list(sheet.columns) == list(REVIEW_COLUMNS)
    sheet["decision"] = ["approve", "reject"]
    out = publishable_examples(result, sheet)
    assert list(out.columns) == list(EXAMPLE_COLUMNS)
    assert list(out["case_id"]) == ["C1"]
    assert out.loc[0, "text"] == result.examples.loc[0, "text"]
    # The note changes after the review: the approval no longer counts.
    changed = _cases()
    changed.loc[0, "practice_note"] += " Joanne moved to Leeds."
    again = pseudonymise_cases(changed, FRAMEWORK)
    assert publishable_examples(again, sheet).empty
    assert list(review_status(again, sheet)["status"]) == ["stale", "rejected"]


def test_keep_puts_back_a_span_that_is_not_a_name():
    cases = _cases()
    cases.loc[1, "practice_note"] = "Demi was a 30-year-old female. Her tutor, Mrs Hope, helped."
    result = pseudonymise_cases(cases, FRAMEWORK)
    sheet = review_sheet(result)
    hope = result.detections.query("original == 'Hope'")["span"].iloc[0]
    sheet["decision"] = "approve"
    sheet.loc[1, "keep"] = hope
    out = publishable_examples(result, sheet)
    assert "Mrs Hope" in out.loc[1, "text"] and "Demi" not in out.loc[1, "text"]
    sheet.loc[1, "keep"] = "1-2"
    with pytest.raises(InvalidArgument, match="match no detection"):
        publishable_examples(result, sheet)


def test_marked_cases_must_all_be_approved():
    result = pseudonymise_cases(_cases(), FRAMEWORK)
    sheet = review_sheet(result).assign(decision=["approve", ""])
    assert len(publishable_examples(result, sheet, case_ids=["C1"])) == 1
    with pytest.raises(InvalidArgument, match="C2"):
        publishable_examples(result, sheet, case_ids=["C1", "C2"])


def test_read_review_names_row_and_column(tmp_path):
    path = tmp_path / "review.csv"
    pd.DataFrame(
        {
            "case_id": ["C1", "C2"],
            "digest": ["x", "y"],
            "decision": ["approve", "maybe"],
            "keep": ["", "3to4"],
        }
    ).to_csv(path, index=False)
    with pytest.raises(ValidationError) as caught:
        read_review(path)
    problems = caught.value.problems
    assert [(p.row, p.column, p.rule) for p in problems] == [
        (3, "decision", "review-decision"),
        (3, "keep", "review-keep"),
    ]


def test_missing_columns_are_refused():
    with pytest.raises(InvalidArgument, match="practice_note"):
        pseudonymise_cases(pd.DataFrame({"case_id": ["C1"]}), FRAMEWORK)


def test_reviewer_added_name_is_replaced_and_needs_a_new_approval():
    cases = _cases()
    cases.loc[0, "practice_note"] += " He often saw bez and the others."
    first = pseudonymise_cases(cases, FRAMEWORK)
    assert "bez" in first.examples.loc[0, "text"]  # missed: lower case, in no list or pattern
    sheet = review_sheet(first).assign(decision="approve")
    sheet.loc[0, "also"] = "Bez"
    from caseinspect.text import reviewer_names_of

    second = pseudonymise_cases(cases, FRAMEWORK, reviewer_names=reviewer_names_of(sheet))
    found = second.detections.query("case_id == 'C1' and rule == 'reviewer'")
    assert list(found["original"]) == ["bez"]
    assert "bez" not in second.examples.loc[0, "text"]
    # The approval was for the version with "Bez" left in: it no longer counts.
    assert list(review_status(second, sheet)["status"]) == ["stale", "approved"]
