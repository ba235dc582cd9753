"""The one validator: each rule fed a bad value, and a property test over corrupted cells."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseinspect.cases import load_cases, read_case_file, validate_case, validate_cases
from caseinspect.errors import ValidationError
from caseinspect.framework import load_framework

FW = load_framework("hmip-2018")


def base_case(**overrides: str) -> dict[str, str]:
    row = {column: "" for column in FW.profile_columns}
    row.update(
        case_id="C-1",
        inspection_id="I-1",
        provider="Provider A",
        provider_type="CRC",
        gender="Male",
        age_group="25-29",
        ethnic_group="White",
        supervision_type="Post-custody",
        likelihood_of_reoffending="Medium",
        rosh="Low",
        need_drug_misuse="yes",
        delivery_need_drug_misuse="no",
        needs_assessment="yes",
    )
    row.update(overrides)
    return row


def check(*rows: dict[str, str]):
    frame = pd.DataFrame(list(rows), index=range(2, len(rows) + 2), dtype=object).fillna("")
    return validate_cases(frame, FW, source="cases.csv")


def test_a_valid_case_passes():
    assert check(base_case()) == []


@pytest.mark.parametrize(
    "overrides, column, rule, fragment",
    [
        ({"gender": "Mle"}, "gender", "unknown-category", "did you mean 'Male'"),
        ({"gender": "male"}, "gender", "unknown-category", "did you mean 'Male'"),
        ({"gender": " Male"}, "gender", "unknown-category", "did you mean 'Male'"),
        ({"provider_type": "Private"}, "provider_type", "unknown-category", "CRC, NPS"),
        ({"needs_assessment": "Yes"}, "needs_assessment", "bad-answer", "write 'yes'"),
        ({"needs_assessment": "maybe"}, "needs_assessment", "bad-answer", "'yes', 'no'"),
        (
            {"need_drug_misuse": "no"},
            "delivery_need_drug_misuse",
            "not-applicable",
            "'need_drug_misuse' is 'yes'",
        ),
        ({"rosh": "High/Very high"}, "rosh", "crc-no-high-rosh", "NPS retains"),
        ({"case_id": ""}, "case_id", "required", "must not be empty"),
        ({"case_id": "John Smith"}, "case_id", "pseudonymous-id", "pseudonymous"),
        ({"provider": ""}, "provider", "required", "must not be empty"),
        ({"practice_note": "Good liaison."}, "practice_kind", "practice-kind-missing", "good"),
        (
            {"practice_kind": "great", "practice_note": "x"},
            "practice_kind",
            "bad-practice-kind",
            "good, poor",
        ),
        ({"practice_kind": "good"}, "practice_note", "practice-note-missing", "no practice note"),
    ],
)
def test_each_rule_names_row_column_and_value(overrides, column, rule, fragment):
    problems = check(base_case(**overrides))
    assert [(p.row, p.column, p.rule) for p in problems] == [(2, column, rule)]
    assert fragment in problems[0].message
    assert f"row 2, column '{column}'" in str(problems[0])


def test_duplicate_case_ids_name_both_rows():
    problems = check(base_case(), base_case(), base_case(case_id="C-2"))
    assert [(p.row, p.rule) for p in problems] == [(3, "duplicate-case-id")]
    assert "row 2" in problems[0].message


def test_unknown_and_missing_columns():
    row = base_case(shoe_size="9", need_drug_misuse__rationale="text")
    del row["rosh"]
    rules = {(p.column, p.rule) for p in check(row)}
    assert ("shoe_size", "unknown-column") in rules
    assert (
        "need_drug_misuse__rationale",
        "unknown-column",
    ) in rules  # identification takes no rationale
    assert ("rosh", "missing-column") in rules


def test_a_misspelt_item_column_gets_a_suggestion():
    (problem,) = check(base_case(need_drug_misuce="yes"))
    assert "did you mean 'need_drug_misuse'" in problem.message


def test_answer_whose_condition_is_not_in_the_file():
    row = base_case()
    del row["need_drug_misuse"]
    (problem,) = check(row)
    assert (
        problem.rule == "condition-not-recorded" and problem.column == "delivery_need_drug_misuse"
    )


def test_rationale_where_the_question_does_not_apply():
    (problem,) = check(
        base_case(
            need_drug_misuse="no",
            delivery_need_drug_misuse="",
            delivery_need_drug_misuse__rationale="Referred to a drug service.",
        )
    )
    assert (
        problem.rule == "not-applicable"
        and problem.column == "delivery_need_drug_misuse__rationale"
    )


def test_submit_mode_requires_answers_and_rationales():
    profile = {k: v for k, v in base_case().items() if k in FW.profile_columns}
    answers = {"need_drug_misuse": "yes", "kq_2_1_1": "yes"}
    draft = validate_case(profile, answers, FW, mode="draft")
    assert draft == []
    submitted = validate_case(profile, answers, FW, mode="submit")
    unanswered = {p.column for p in submitted if p.rule == "unanswered"}
    assert "need_accommodation" in unanswered and "need_drug_misuse" not in unanswered
    assert {p.column for p in submitted if p.rule == "rationale-required"} == {
        "kq_2_1_1__rationale"
    }
    assert all(p.row is None for p in submitted)
    complete = {i.code: "no" for i in FW.items if i.kind == "identified"}
    # key questions and prompts are framework-required: blank is refused (issue #14) ...
    required = [i.code for i in FW.items if i.required and i.code != "kq_2_1_1"]
    blank = validate_case(
        profile,
        {**complete, "kq_2_1_1": "yes"},
        FW,
        rationales={"kq_2_1_1": "Clear analysis of motivation."},
        mode="submit",
    )
    assert {p.column for p in blank} == {
        i.code for i in FW.items if i.required and i.code != "kq_2_1_1" and i.applies_if is None
    }
    # ... unless the inspector explicitly marked them not applicable
    fixed = validate_case(
        profile,
        {**complete, "kq_2_1_1": "yes"},
        FW,
        rationales={"kq_2_1_1": "Clear analysis of motivation."},
        mode="submit",
        marked_not_applicable=required,
    )
    assert fixed == []


def test_load_cases_raises_with_every_problem(tmp_path):
    path = tmp_path / "bad.csv"
    pd.DataFrame(
        [base_case(gender="Mle"), base_case(case_id="C-2", needs_assessment="YES")]
    ).to_csv(path, index=False)
    with pytest.raises(ValidationError) as info:
        load_cases(path, FW)
    assert [(p.row, p.column) for p in info.value.problems] == [
        (2, "gender"),
        (3, "needs_assessment"),
    ]


# --- property: any single corrupted cell is reported at its row and column -----------------

CHECKED_COLUMNS = [v.code for v in FW.profile] + [
    "need_drug_misuse",
    "delivery_need_drug_misuse",
    "needs_assessment",
]


@st.composite
def corrupted_file(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    rows = [base_case(case_id=f"C-{i}") for i in range(n)]
    target_row = draw(st.integers(min_value=0, max_value=n - 1))
    column = draw(st.sampled_from(CHECKED_COLUMNS))
    valid = (
        set(FW.profile_variable(column).categories)
        if column in {v.code for v in FW.profile}
        else {"yes", "no"}
    )
    bad = draw(
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
            min_size=1,
            max_size=12,
        ).filter(lambda s: s not in valid and s.strip() == s and s not in ("", "nan"))
    )
    rows[target_row][column] = bad
    return rows, target_row + 2, column


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(corrupted_file())
def test_any_corrupted_cell_is_reported_at_its_row_and_column(tmp_path, case):
    rows, row, column = case
    path = tmp_path / "corrupt.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    problems = validate_cases(read_case_file(path), FW, source=str(path))
    assert (row, column) in {(p.row, p.column) for p in problems}


# --- issue #13 ----------------------------------------------------------------------------
def test_every_problem_is_listed_no_cap_per_rule():
    # Defect 8: problems were capped at 10,000 per rule ("10000 problems found" for 11,924).
    n = 11_924
    frame = pd.DataFrame([base_case(case_id=f"C-{i}", gender="Mle") for i in range(n)])
    frame.index = range(2, n + 2)
    problems = validate_cases(frame.astype(object), FW, source="big.csv")
    assert len([p for p in problems if p.rule == "unknown-category"]) == n
    assert str(ValidationError(problems)).startswith(f"{n} problems found")


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x7f", "\x85"])
def test_control_characters_are_refused_by_row_column_and_rule(char):
    # Defect 9: a NUL passed validation, then crashed the PostgreSQL import.
    problems = check(base_case(), base_case(case_id="C-2", provider=f"Provider{char}A"))
    found = [p for p in problems if p.rule == "control-character"]
    assert [(p.row, p.column) for p in found] == [(3, "provider")]
    assert char not in found[0].message and char not in str(found[0])


def test_non_printable_characters_in_messages_are_shown_escaped():
    # Defect 9: an ANSI escape made "'Male' is not one of Male" unreadable.
    (problem, *_) = [
        p for p in check(base_case(gender="Male\x1b[8m")) if p.rule == "unknown-category"
    ]
    assert "'Male\\x1b[8m' is not one of Male" in problem.message
    assert "\x1b" not in problem.message


def test_text_longer_than_the_framework_limit_has_its_own_rule():
    limit = FW.max_text_length
    column = "kq_2_1_1__rationale"
    fine = check(base_case(kq_2_1_1="yes", **{column: "x" * limit}))
    assert not [p for p in fine if p.rule == "too-long"]
    (problem,) = [
        p
        for p in check(base_case(kq_2_1_1="yes", **{column: "x" * (limit + 1)}))
        if p.rule == "too-long"
    ]
    assert problem.column == column and f"{limit:,} characters" in problem.message


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_one_length_limit_in_every_format(tmp_path, suffix):
    # A rationale over the CSV module's 131,072 characters was "malformed" in CSV and fine
    # in XLSX and Parquet; now the framework's limit applies to all three, by its own rule.
    from caseinspect.framework import framework_path

    text = framework_path("hmip-2018").read_text(encoding="utf-8")
    variant = tmp_path / "fw.yaml"
    variant.write_text(text + "\nlimits:\n  text_length: 500\n", encoding="utf-8")
    fw = load_framework(variant)
    row = base_case(kq_2_1_1="yes", kq_2_1_1__rationale="x" * 501)
    path = tmp_path / f"cases{suffix}"
    frame = pd.DataFrame([row])
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_excel(path, index=False)
    problems = validate_cases(read_case_file(path), fw, source=str(path))
    assert [(p.row, p.rule) for p in problems if p.column == "kq_2_1_1__rationale"] == [
        (2, "too-long")
    ]


def test_a_file_with_no_cases_is_a_problem():
    # Defect 11: a header-only file passed validate, import, tables and draw.
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in FW.profile_columns})
    assert [p.rule for p in validate_cases(frame, FW, source="h.csv")] == ["no-cases"]


def test_provider_type_conflict_names_the_offending_row():
    rows = [base_case(case_id=f"C-{i}") for i in range(4)]
    rows[0]["provider_type"] = "NPS"  # the first row is the odd one out
    (problem,) = [p for p in check(*rows) if p.rule == "inconsistent-provider-type"]
    assert (problem.row, problem.value) == (2, "NPS") and "first on row 3" in problem.message


@pytest.mark.parametrize("text", ["Café\x07 visit", "plain\x07 visit"], ids=["non-ascii", "ascii"])
def test_control_characters_are_found_in_any_text(text):
    # Columns of ASCII text are checked by a byte translation, others by the regular
    # expression (issue #12, speed): both find the character, in the right cell only.
    problems = check(
        base_case(needs_assessment__rationale="Réunion: fine"),
        base_case(case_id="C-2", needs_assessment__rationale=text),
    )
    found = [p for p in problems if p.rule == "control-character"]
    assert [(p.row, p.column) for p in found] == [(3, "needs_assessment__rationale")]


def test_an_answer_column_mixing_good_and_bad_values_names_only_the_bad():
    problems = check(base_case(), base_case(case_id="C-2", needs_assessment="Yes"))
    assert [(p.row, p.rule) for p in problems if p.column == "needs_assessment"] == [
        (3, "bad-answer")
    ]
