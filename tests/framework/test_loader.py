"""Loading, checking and using framework files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from caseinspect.framework import (
    FrameworkError,
    available_frameworks,
    framework_path,
    load_framework,
)

NEEDS = [
    "accommodation",
    "ete",
    "family_relationships",
    "lifestyle",
    "alcohol_misuse",
    "drug_misuse",
    "thinking_behaviour",
    "attitudes_to_offending",
]
STRENGTHS = [
    "family_relationships",
    "social_group",
    "motivation_to_change",
    "employment",
    "non_criminal_identity",
]


def test_shipped_frameworks():
    assert set(available_frameworks()) >= {"hmip-2018", "qi-2016"}


def test_hmip_2018_carries_the_facts_of_the_seeds():
    fw = load_framework("hmip-2018")
    assert [i.code for i in fw.items_in_group("needs")] == [f"need_{n}" for n in NEEDS]
    assert [i.code for i in fw.items_in_group("strengths")] == [f"strength_{s}" for s in STRENGTHS]
    # Ten rated standards per provider, domain three differing by provider type.
    for provider_type, domain_three in (
        ("CRC", ["Unpaid work", "Through the Gate"]),
        ("NPS", ["Court reports and case allocation", "Statutory victim work"]),
    ):
        standards = fw.standards_for(provider_type)
        assert len(standards) == 10
        assert [s.title for s in standards if s.domain == "3"] == domain_three
    case_based = [s for s in fw.standards if s.basis == "cases"]
    assert [s.code for s in case_based] == ["2.1", "2.2", "2.3", "2.4"]
    assert [kq.item for s in case_based for kq in s.key_questions] == [
        f"kq_2_{s}_{k}" for s in range(1, 5) for k in range(1, 4)
    ]
    assessment = fw.standards_for("CRC")[4]
    # The 2.1 prompts as printed in bulletin 2018/01; 2.1.2a/b keep their 2020/03 codes.
    assert assessment.key_questions[1].prompts == (
        "needs_assessment",
        "strengths_assessment",
        "kq_2_1_2c",
    )
    assert fw.item("kq_2_1_1b").text.startswith(
        "Does assessment analyse the service user's diversity"
    )
    assert (
        fw.item("delivery_need_drug_misuse").applies_if.describe() == "'need_drug_misuse' is 'yes'"
    )
    assert [lv.min_pct for lv in fw.ratings.levels] == [80, 65, 50, 0]
    assert [(b.min_score, b.max_score) for b in fw.ratings.overall_bands] == [
        (0, 5),
        (6, 15),
        (16, 25),
        (26, 30),
    ]
    assert [t.id for t in fw.tables] == ["C1", "C2", "C3", "C4", "C5", "C6"]


def test_qi_2016_has_the_seven_questions_with_splits():
    fw = load_framework("qi-2016")
    assert len(fw.items) == 7
    assert all(t.provider_splits == ("all", "CRC", "NPS") for t in fw.tables)
    assert fw.profile_variable("likelihood_of_reoffending").label == "OGRS band"


def test_answers_yes_and_no_stay_strings():
    # YAML 1.1 would load a bare `yes` as True; conditions must compare with the answer "yes".
    fw = load_framework("hmip-2018")
    assert fw.item("delivery_strength_employment").applies_if.equals == "yes"


def test_fingerprint_changes_with_content(tmp_path):
    original = framework_path("qi-2016")
    copy = tmp_path / "qi-copy.yaml"
    shutil.copy(original, copy)
    assert load_framework(copy).fingerprint == load_framework("qi-2016").fingerprint
    copy.write_text(original.read_text() + "\n# a comment\n")
    assert load_framework(copy).fingerprint != load_framework("qi-2016").fingerprint


def test_a_third_framework_needs_no_code(tmp_path):
    doc = yaml.safe_load(framework_path("qi-2016").read_text().replace("yes", "'yes'"))
    doc["id"] = "qi-2016-extended"
    doc["items"].append(
        {
            "code": "contingency_plan_sufficient",
            "label": "Contingency plan",
            "text": "Was there a sufficient contingency plan?",
            "section": "public_protection",
            "kind": "judgement",
            "rationale": "optional",
        }
    )
    doc["tables"].append(
        {
            "id": "T8",
            "title": "Contingency planning",
            "kind": "sufficiency",
            "breakdowns": ["gender"],
            "provider_splits": ["all"],
            "columns": [
                {
                    "question": "contingency_plan_sufficient",
                    "item": "contingency_plan_sufficient",
                    "label": "Was there a sufficient contingency plan?",
                }
            ],
        }
    )
    path = tmp_path / "third.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    fw = load_framework(path)
    assert fw.item("contingency_plan_sufficient").section == "public_protection"
    assert fw.table("T8").columns[0].item == "contingency_plan_sufficient"


BROKEN = """\
id: broken
version: "1"
title: "Broken"
colour: blue
profile:
  - code: provider_type
    categories: [CRC, NPS]
  - code: gender
    categories: [Male, Male]
sections:
  - code: s1
    title: S1
items:
  - code: first_item
    label: First
    text: "?"
    section: s1
    kind: judgment
  - code: first_item
    label: Again
    text: "?"
    section: s9
  - code: depends
    label: Dep
    text: "?"
    section: s1
    applies_if: {item: no_such_item, equals: "yes"}
tables:
  - id: X1
    title: X
    breakdowns: [gender, shoe_size]
    columns:
      - {question: q, item: missing_item, label: Q}
"""


def test_every_problem_is_listed_with_its_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    found = {(p.rule, p.column) for p in info.value.problems}
    assert ("unknown-key", "colour") in found
    assert ("duplicate-category", "profile[1].categories") in found
    assert ("bad-value", "items[0].kind") in found
    assert ("duplicate-code", "items[1].code") in found
    assert ("unknown-section", "items[1].section") in found
    assert ("unknown-item", "items[2].applies_if") in found
    assert ("unknown-profile", "tables[0].breakdowns") in found
    assert ("unknown-item", "tables[0].columns[0].item") in found
    lines = {p.column: p.row for p in info.value.problems}
    assert lines["items[1].code"] == 19  # the line of the duplicated item's mapping
    assert "broken.yaml" in str(info.value)


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nitems: [a, b\n")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert info.value.problems[0].rule == "yaml-syntax"
    assert info.value.problems[0].row is not None


def test_yaml_syntax_error_keeps_pyyaml_wording_and_line(tmp_path):
    # The file is read with libyaml for speed (#12); on an error it is read again with
    # PyYAML's own parser, so the author sees PyYAML's message at PyYAML's line.
    text = "id: x\ntitle: [a, b\nitems:\n  - code: a\n"
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(yaml.YAMLError) as reference:
        yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - the pure-Python safe loader
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    (problem,) = info.value.problems
    assert problem.row == reference.value.problem_mark.line + 1
    assert problem.message == f"not valid YAML: {reference.value.problem}"


def test_unknown_framework_name_lists_the_shipped_ones():
    with pytest.raises(FrameworkError, match="hmip-2018"):
        load_framework("no-such-framework")


def test_forward_reference_is_rejected(tmp_path):
    doc = yaml.safe_load(framework_path("hmip-2018").read_text())
    items = doc["items"]
    # Move a delivery item before the need it depends on.
    delivery = next(i for i in items if i["code"] == "delivery_need_ete")
    items.remove(delivery)
    items.insert(0, delivery)
    path = tmp_path / "fwd.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert any(p.rule == "forward-reference" for p in info.value.problems)


def test_ratings_bands_must_not_leave_gaps(tmp_path):
    text = (
        framework_path("hmip-2018")
        .read_text()
        .replace("min_score: 6, max_score: 15", "min_score: 7, max_score: 15")
    )
    path = tmp_path / "gap.yaml"
    path.write_text(text)
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert any(p.rule == "gap" for p in info.value.problems)


def test_framework_is_frozen():
    fw = load_framework("hmip-2018")
    with pytest.raises(AttributeError):
        fw.id = "other"  # type: ignore[misc]
    assert isinstance(framework_path("hmip-2018"), Path)


# --- issue #13, defect 10: strict YAML ------------------------------------------------------
def _variant(tmp_path, name: str, change) -> Path:
    text = framework_path("qi-2016").read_text(encoding="utf-8")
    path = tmp_path / f"{name}.yaml"
    path.write_text(change(text), encoding="utf-8")
    return path


def test_duplicate_keys_are_refused_with_both_lines(tmp_path):
    text = framework_path("qi-2016").read_text(encoding="utf-8")
    first = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("title:"))
    path = _variant(tmp_path, "dup", lambda t: t.replace("\ntitle:", "\ntitle: Other\ntitle:", 1))
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    (problem,) = [p for p in info.value.problems if p.rule == "duplicate-key"]
    assert problem.column == "title" and problem.row == first + 1
    assert f"lines {first} and {first + 1}" in problem.message


def test_duplicate_keys_deep_inside_are_refused(tmp_path):
    path = _variant(
        tmp_path, "dup2", lambda t: t.replace("  - code: ", "  - code: dup_first\n    code: ", 1)
    )
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert [p.column for p in info.value.problems if p.rule == "duplicate-key"] == ["code"]


def test_an_unquoted_version_is_refused(tmp_path):
    # 2016.10 unquoted is the float 2016.1: the shipped framework's version.
    path = _variant(tmp_path, "ver", lambda t: t.replace('version: "2016.1"', "version: 2016.10"))
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert [p.rule for p in info.value.problems] == ["version-not-string"]
    assert 'version: "2016.10"' in info.value.problems[0].message


@pytest.mark.parametrize("depth", [60, 20_000])
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path, depth):
    path = _variant(tmp_path, "deep", lambda t: t + "\nx: " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert [p.rule for p in info.value.problems] == ["too-deep"]


def test_text_length_limit_comes_from_the_framework(tmp_path):
    assert load_framework("qi-2016").max_text_length == 32_767
    path = _variant(tmp_path, "lim", lambda t: t + "\nlimits:\n  text_length: 500\n")
    assert load_framework(path).max_text_length == 500
    bad = _variant(tmp_path, "lim0", lambda t: t + "\nlimits:\n  text_length: 0\n")
    with pytest.raises(FrameworkError, match="positive"):
        load_framework(bad)


def test_loading_a_framework_leaves_pyyaml_booleans_alone():
    """The framework loader reads yes/no as text, but only in its own loader: other code
    in the same process still gets YAML's booleans from yaml.safe_load."""
    import yaml

    load_framework("hmip-2018")
    assert yaml.safe_load("a: true\nb: yes\nc: off") == {"a": True, "b": True, "c": False}
