"""Screening by the framework's eligibility rules, one rule at a time, and input checks."""

from __future__ import annotations

from datetime import date

import pytest

from caseinspect.errors import ValidationError
from caseinspect.sampling import months_between, prepare_eligible, screen

from .conftest import REFERENCE, case, table


def reasons(rules, categories, **changes) -> list[str]:
    prepared = prepare_eligible(table(case(**changes)), rules, categories=categories)
    eligible, excluded = screen(prepared, rules, REFERENCE)
    if len(eligible):
        return []
    return excluded.iloc[0]["reasons"].split(";")


def test_baseline_case_is_eligible(rules, categories):
    assert reasons(rules, categories) == []


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2024-01-15", []),  # exactly 6 months before 15 July: in
        ("2024-01-16", ["too-recent"]),  # a day under 6 months
        ("2023-12-15", []),  # exactly 7 months: in
        ("2023-12-14", ["too-long"]),  # a day over 7 months
        ("2024-08-01", ["too-recent"]),  # starts after the reference date
    ],
)
def test_months_window(rules, categories, start, expected):
    assert reasons(rules, categories, sentence_or_release_date=start) == expected


@pytest.mark.parametrize(
    ("requirements", "expected"),
    [
        ("unpaid_work", ["only-excluded-requirements"]),
        ("attendance_centre", ["only-excluded-requirements"]),
        ("exclusion", ["only-excluded-requirements"]),
        ("curfew", ["only-excluded-requirements"]),
        ("unpaid_work; curfew ;exclusion", ["only-excluded-requirements"]),  # a combination
        ("unpaid_work;rehabilitation_activity", []),  # one other requirement keeps it in
    ],
)
def test_only_excluded_requirements(rules, categories, requirements, expected):
    assert reasons(rules, categories, requirements=requirements) == expected


def test_requirements_rule_is_for_community_disposals_only(rules, categories):
    assert reasons(rules, categories, disposal_type="custody", requirements="curfew") == []
    assert reasons(rules, categories, disposal_type="custody", requirements="") == []


@pytest.mark.parametrize("flag", ["yot_held", "sfo_or_scr", "transferred"])
def test_each_flag_excludes(rules, categories, flag):
    assert reasons(rules, categories, **{flag: "yes"}) == [flag]
    assert reasons(rules, categories, **{flag: "no"}) == []


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        ("2024-01-28", ["short-delivery"]),  # 27 days: under four weeks
        ("2024-01-29", []),  # 28 days: exactly four weeks stays in
        ("2024-06-30", []),
    ],
)
def test_terminated_or_recalled_need_four_weeks(rules, categories, end, expected):
    assert reasons(rules, categories, termination_or_recall_date=end) == expected


def test_every_reason_is_recorded(rules, categories):
    found = reasons(
        rules,
        categories,
        sentence_or_release_date="2024-05-01",
        requirements="curfew",
        transferred="yes",
        termination_or_recall_date="2024-05-10",
    )
    assert found == ["too-recent", "only-excluded-requirements", "transferred", "short-delivery"]


def test_exclusions_keep_the_case_and_explain(rules, categories):
    prepared = prepare_eligible(
        table(case(yot_held="yes"), case(case_id="C2")), rules, categories=categories
    )
    eligible, excluded = screen(prepared, rules, REFERENCE)
    assert eligible.case_id.tolist() == ["C2"]
    assert excluded.case_id.tolist() == ["C1"]
    assert excluded.iloc[0]["detail"] == "held by a youth offending team"
    assert excluded.iloc[0]["months_under_supervision"] == pytest.approx(6.45, abs=0.01)


def test_other_framework_window(categories):
    from caseinspect.framework import load_framework

    qi = load_framework("qi-2016").sampling  # about nine months: 8.5 to 9.5
    prepared = prepare_eligible(
        table(case(sentence_or_release_date="2023-10-15")), qi, categories=categories
    )
    eligible, _ = screen(prepared, qi, REFERENCE)
    assert len(eligible) == 1


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2024, 1, 15), date(2024, 7, 15), 6.0),
        (date(2024, 1, 31), date(2024, 2, 29), 1.0),
        (date(2024, 1, 15), date(2024, 2, 1), 17 / 31),
        (date(2023, 12, 15), date(2024, 7, 30), 7 + 15 / 31),
        (date(2024, 7, 15), date(2024, 1, 15), -6.0),
    ],
)
def test_months_between_by_hand(start, end, months):
    assert months_between(start, end) == pytest.approx(months)


def problems(rules, categories, *rows):
    with pytest.raises(ValidationError) as info:
        prepare_eligible(table(*rows), rules, categories=categories, source="list.csv")
    return {(p.file, p.row, p.column, p.rule) for p in info.value.problems}


@pytest.mark.parametrize(
    ("changes", "column", "rule"),
    [
        ({"sentence_or_release_date": "15/01/2024"}, "sentence_or_release_date", "bad-date"),
        ({"sentence_or_release_date": "2024-02-30"}, "sentence_or_release_date", "bad-date"),
        ({"sentence_or_release_date": ""}, "sentence_or_release_date", "missing-value"),
        ({"termination_or_recall_date": "2023-12-01"}, "termination_or_recall_date", "date-order"),
        ({"gender": "Mle"}, "gender", "unknown-category"),
        ({"rosh": "very high"}, "rosh", "unknown-category"),
        ({"disposal_type": "licence"}, "disposal_type", "unknown-category"),
        ({"yot_held": "maybe"}, "yot_held", "bad-flag"),
        ({"transferred": ""}, "transferred", "missing-value"),
        ({"requirements": "UPW"}, "requirements", "unknown-requirement"),
        ({"requirements": ""}, "requirements", "missing-value"),
        ({"officer": ""}, "officer", "missing-value"),
    ],
)
def test_each_input_rule(rules, categories, changes, column, rule):
    assert problems(rules, categories, case(**changes)) == {("list.csv", 1, column, rule)}


def test_duplicate_case_ids_name_both_rows(rules, categories):
    found = problems(rules, categories, case(), case(case_id="C2"), case())
    assert found == {("list.csv", 3, "case_id", "duplicate-case")}


def test_missing_columns(rules, categories):
    frame = table(case()).drop(columns=["office", "sfo_or_scr"])
    with pytest.raises(ValidationError) as info:
        prepare_eligible(frame, rules, categories=categories, source="list.csv")
    assert {(p.column, p.rule) for p in info.value.problems} == {
        ("office", "missing-column"),
        ("sfo_or_scr", "missing-column"),
    }


def test_not_recorded_profile_values_are_allowed_and_kept_as_written(rules, categories):
    out = prepare_eligible(
        table(case(gender="", ethnic_group="Black", rosh="High/Very high")),
        rules,
        categories=categories,
    )
    assert (out.loc[0, "gender"], out.loc[0, "ethnic_group"], out.loc[0, "rosh"]) == (
        "",
        "Black",
        "High/Very high",
    )
    with pytest.raises(ValidationError):
        prepare_eligible(table(case(ethnic_group="black")), rules, categories=categories)


@pytest.mark.parametrize(
    ("column", "value", "suggestion"),
    [
        ("requirements", "Unpaid Work", "unpaid_work"),
        ("gender", "female", "Female"),
        ("disposal_type", "Custody", "custody"),
        ("yot_held", "Yes", "yes"),
    ],
)
def test_other_spellings_are_reported_not_rewritten(rules, categories, column, value, suggestion):
    """Nothing a user entered is changed silently: a near miss is an error with a suggestion."""
    with pytest.raises(ValidationError) as info:
        prepare_eligible(table(case(**{column: value})), rules, categories=categories)
    (problem,) = info.value.problems
    assert problem.column == column and f"did you mean '{suggestion}'" in problem.message


def test_spaces_around_a_value_are_reported(rules, categories):
    with pytest.raises(ValidationError) as info:
        prepare_eligible(table(case(officer="RO0001 ")), rules, categories=categories)
    assert [p.rule for p in info.value.problems] == ["whitespace"]


# --- issue #13 ----------------------------------------------------------------------------
def _fw():
    from caseinspect.framework import load_framework

    return load_framework("hmip-2018")


def test_draw_applies_the_framework_profile_rules(tmp_path):
    # A CRC's eligible list with High/Very high RoSH cases was accepted.
    fw = _fw()
    frame = table(case(case_id="C1"), case(case_id="C2", rosh="High/Very high"))
    with pytest.raises(ValidationError) as info:
        prepare_eligible(frame, fw.sampling, profile_rules=fw.profile_rules, provider_type="CRC")
    (problem,) = info.value.problems
    assert (problem.rule, problem.row, problem.column) == ("crc-no-high-rosh", 2, "rosh")
    # The same list is fine for the NPS, and a provider_type column is used when present.
    prepare_eligible(frame, fw.sampling, profile_rules=fw.profile_rules, provider_type="NPS")
    frame["provider_type"] = ["NPS", "CRC"]
    with pytest.raises(ValidationError, match="crc-no-high-rosh"):
        prepare_eligible(frame, fw.sampling, profile_rules=fw.profile_rules)


def test_a_future_sentence_date_is_flagged_not_silently_excluded():
    frame = table(case(case_id="C1"), case(case_id="C2", sentence_or_release_date="2030-01-01"))
    with pytest.raises(ValidationError) as info:
        prepare_eligible(frame, _fw().sampling, reference_date=REFERENCE)
    (problem,) = info.value.problems
    assert (problem.rule, problem.row, problem.column) == (
        "future-date",
        2,
        "sentence_or_release_date",
    )


def test_pass_through_columns_are_never_stripped():
    frame = table(case(case_id="C1", note="  two spaces  ", other=" x"))
    prepared = prepare_eligible(frame, _fw().sampling)
    assert prepared.loc[0, "note"] == "  two spaces  " and prepared.loc[0, "other"] == " x"


def test_a_list_with_no_cases_is_refused():
    frame = table(case()).iloc[0:0]
    with pytest.raises(ValidationError) as info:
        prepare_eligible(frame, _fw().sampling)
    assert [p.rule for p in info.value.problems] == ["no-cases"]
