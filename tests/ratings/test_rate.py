"""Rating providers: lowest key question, judgements, overrides, withheld ratings."""

from __future__ import annotations

import pandas as pd
import pytest

from caseinspect.errors import ValidationError
from caseinspect.framework import framework_path, load_framework
from caseinspect.ratings import rate_providers

from .conftest import frame, judgements, provider_cases


def rating(result, provider, standard):
    row = result.ratings[
        (result.ratings.provider == provider) & (result.ratings.standard == standard)
    ]
    return row.iloc[0]


def test_case_standard_takes_its_lowest_key_question(fw):
    cases = provider_cases(
        fw, "Wessex", "CRC", {"kq_2_1_1": (9, 1, 0), "kq_2_1_2": (6, 4, 0), "kq_2_1_3": (17, 3, 0)}
    )
    result = rate_providers(frame(cases), fw)
    r = rating(result, "Wessex", "2.1")
    assert r.rating == "Requires improvement" and r.score == 1  # 60%
    assert r.basis == "cases: lowest key question 2.1.2, 6/10 = 60%"


def test_not_applicable_answers_are_left_out(fw):
    cases = provider_cases(fw, "Wessex", "CRC", {"kq_2_2_1": (8, 2, 10)})
    result = rate_providers(frame(cases), fw)
    kq = result.key_questions.set_index(["provider", "key_question"]).loc[("Wessex", "2.2.1")]
    assert (kq.n, kq.sufficient, kq.pct) == (10, 8, 80.0)


def test_rounding_shows_in_the_basis(fw):
    # 159/200 = 79.5% is counted as 80%: Outstanding (the other key questions are 90%).
    cases = provider_cases(fw, "Wessex", "CRC", {"kq_2_3_1": (159, 41, 0)}, default=(180, 20, 0))
    r = rating(rate_providers(frame(cases), fw), "Wessex", "2.3")
    assert r.rating == "Outstanding"
    assert r.basis == "cases: lowest key question 2.3.1, 159/200 = 79.5%, counted as 80%"


def test_full_ratings_and_overall_by_hand(fw):
    # CRC: 2.1-2.4 at 90% (Outstanding, 4 × 3 = 12); six judgement standards Good (6 × 2 = 12):
    # 24, in the Good band (16-25).
    cases = provider_cases(fw, "Wessex", "CRC")
    result = rate_providers(frame(cases), fw, frame(judgements(fw, "Wessex", "CRC")))
    overall = result.overall.iloc[0]
    assert (overall.provider, overall.score, overall.rating) == ("Wessex", 24, "Good")
    assert len(result.ratings) == 10
    assert rating(result, "Wessex", "1.1").basis == "judgement: evidence for Leadership"


def test_one_more_outstanding_crosses_into_outstanding(fw):
    # Case standards 12; judgements 1.1 Outstanding and five Good: 12 + 3 + 10 = 25 (Good).
    # A second Outstanding judgement: 26 (Outstanding).
    cases = frame(provider_cases(fw, "Wessex", "CRC"))
    j = judgements(fw, "Wessex", "CRC")
    j[0]["rating"] = "Outstanding"
    assert rate_providers(cases, fw, frame(j)).overall.iloc[0].tolist()[:3] == [
        "Wessex",
        25,
        "Good",
    ]
    j[1]["rating"] = "outstanding"  # ratings are matched regardless of case
    assert rate_providers(cases, fw, frame(j)).overall.iloc[0].tolist()[:3] == [
        "Wessex",
        26,
        "Outstanding",
    ]


def test_missing_judgement_is_not_rated_and_overall_withheld(fw):
    cases = frame(provider_cases(fw, "Wessex", "CRC"))
    result = rate_providers(cases, fw, frame(judgements(fw, "Wessex", "CRC", skip=("1.2", "3.2"))))
    assert rating(result, "Wessex", "1.2").rating == "not rated"
    assert rating(result, "Wessex", "1.2").basis == "no judgement recorded"
    overall = result.overall.iloc[0]
    assert overall.rating == "withheld" and pd.isna(overall.score)
    assert "1.2, 3.2" in overall.note
    assert any("withheld" in note for note in result.notes)


def test_no_applicable_case_leaves_the_standard_unrated(fw):
    cases = provider_cases(fw, "Wessex", "CRC", {f"kq_2_4_{i}": (0, 0, 10) for i in (1, 2, 3)})
    result = rate_providers(frame(cases), fw, frame(judgements(fw, "Wessex", "CRC")))
    assert rating(result, "Wessex", "2.4").rating == "not rated"
    assert result.overall.iloc[0].rating == "withheld"


def test_override_is_shown_as_such(fw):
    cases = frame(provider_cases(fw, "Wessex", "CRC"))
    overrides = frame(
        [
            {
                "provider": "Wessex",
                "standard": "2.1",
                "rating": "Good",
                "reason": "file evidence weaker than the sample suggests",
            }
        ]
    )
    result = rate_providers(cases, fw, frame(judgements(fw, "Wessex", "CRC")), overrides)
    r = rating(result, "Wessex", "2.1")
    assert (r.rating, r.score) == ("Good", 2)
    assert r.basis == (
        "panel override (computed: Outstanding): file evidence weaker than the sample suggests"
    )
    assert result.overall.iloc[0].score == 23


def test_nps_standards_differ(fw):
    cases = frame(provider_cases(fw, "London", "NPS"))
    result = rate_providers(cases, fw, frame(judgements(fw, "London", "NPS")))
    titles = rating(result, "London", "3.1").title
    assert titles == "Court reports and case allocation"


def problems_of(fw, cases=None, j=None, o=None):
    cases = cases if cases is not None else frame(provider_cases(fw, "Wessex", "CRC"))
    with pytest.raises(ValidationError) as info:
        rate_providers(cases, fw, j, o, sources=("cases.csv", "j.csv", "o.csv"))
    return {(p.file, p.row, p.column, p.rule) for p in info.value.problems}


@pytest.mark.parametrize(
    ("change", "column", "rule"),
    [
        ({"reasons": ""}, "reasons", "missing-reason"),
        ({"rating": "Very good"}, "rating", "unknown-rating"),
        ({"standard": "2.1"}, "standard", "rated-from-cases"),
        ({"standard": "3.3"}, "standard", "unknown-standard"),
        ({"provider": "Mercia"}, "provider", "unknown-provider"),
    ],
)
def test_each_judgement_rule(fw, change, column, rule):
    j = judgements(fw, "Wessex", "CRC")
    j[2].update(change)
    assert problems_of(fw, j=frame(j)) == {("j.csv", 3, column, rule)}


def test_duplicate_judgement(fw):
    j = judgements(fw, "Wessex", "CRC")
    j.append(dict(j[0]))
    assert problems_of(fw, j=frame(j)) == {("j.csv", 7, "standard", "duplicate")}


def test_override_needs_a_reason(fw):
    o = frame([{"provider": "Wessex", "standard": "2.1", "rating": "Good", "reason": " "}])
    assert problems_of(fw, o=o) == {("o.csv", 1, "reason", "missing-reason")}


def test_case_file_rules(fw):
    rows = provider_cases(fw, "Wessex", "CRC")
    rows[1]["provider_type"] = "NPS"
    rows[2]["kq_2_1_1"] = "maybe"
    rows[3]["provider_type"] = "Private"
    assert problems_of(fw, cases=frame(rows)) == {
        ("cases.csv", 2, "provider_type", "inconsistent-provider-type"),
        ("cases.csv", 3, "kq_2_1_1", "unknown-answer"),
        ("cases.csv", 4, "provider_type", "unknown-category"),
    }


def test_missing_key_question_column(fw):
    cases = frame(provider_cases(fw, "Wessex", "CRC")).drop(columns=["kq_2_2_3"])
    assert problems_of(fw, cases=cases) == {("cases.csv", None, "kq_2_2_3", "missing-column")}


def test_thresholds_and_bands_come_from_the_framework_file(fw, tmp_path):
    # 85% on every key question: Outstanding under the shipped 80% threshold.
    cases = frame(provider_cases(fw, "Wessex", "CRC", default=(17, 3, 0)))
    j = frame(judgements(fw, "Wessex", "CRC"))
    shipped = rate_providers(cases, fw, j)
    assert rating(shipped, "Wessex", "2.1").rating == "Outstanding"
    assert shipped.overall.iloc[0].tolist()[:3] == ["Wessex", 24, "Good"]

    text = framework_path("hmip-2018").read_text(encoding="utf-8")
    changed = (
        text.replace(
            '{name: "Outstanding", score: 3, min_pct: 80}',
            '{name: "Outstanding", score: 3, min_pct: 90}',
        )
        .replace(
            '{name: "Good", min_score: 16, max_score: 25}',
            '{name: "Good", min_score: 16, max_score: 19}',
        )
        .replace(
            '{name: "Outstanding", min_score: 26, max_score: 30}',
            '{name: "Outstanding", min_score: 20, max_score: 30}',
        )
    )
    assert changed != text
    copy = tmp_path / "hmip-2018-strict.yaml"
    copy.write_text(changed, encoding="utf-8")
    strict = load_framework(copy)
    result = rate_providers(cases, strict, j)
    assert rating(result, "Wessex", "2.1").rating == "Good"  # 85% < 90%
    assert result.overall.iloc[0].tolist()[:3] == ["Wessex", 20, "Outstanding"]  # 8 + 12 = 20


def test_framework_without_ratings(fw):
    from caseinspect.errors import CaseinspectError

    with pytest.raises(CaseinspectError, match="no ratings rules"):
        rate_providers(frame(provider_cases(fw, "W", "CRC")), load_framework("qi-2016"))


# --- issue #13 ----------------------------------------------------------------------------
def test_provider_type_conflict_names_the_offending_row_not_the_first(fw):
    # The provider's first row was the odd one out: every later, correct row was named.
    rows = provider_cases(fw, "Wessex", "CRC")
    rows[0]["provider_type"] = "NPS"
    found = problems_of(fw, cases=frame(rows))
    assert found == {("cases.csv", 1, "provider_type", "inconsistent-provider-type")}


def test_reasons_are_kept_exactly_as_written(fw):
    j = judgements(fw, "Wessex", "CRC")
    j[0]["reasons"] = "  Strong leadership;\n  clear plans  "
    result = rate_providers(frame(provider_cases(fw, "Wessex", "CRC")), fw, judgements=frame(j))
    standard = j[0]["standard"]
    assert rating(result, "Wessex", standard).basis == (
        "judgement:   Strong leadership;\n  clear plans  "
    )
