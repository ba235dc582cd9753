"""The codebook: shipped themes, consistency with the synthetic truth, and every error."""

from __future__ import annotations

import shutil

import pytest
import yaml

from caseinspect.errors import ExitCode
from caseinspect.framework import load_framework
from caseinspect.synth._text import _themes, theme_catalogue
from caseinspect.text import CodebookError, codebook_path, load_codebook

ROUNDS = {"hmip-2018": "2018-19", "qi-2016": "2016-17"}


@pytest.fixture(scope="module")
def hmip():
    return load_framework("hmip-2018")


def test_2020_03_has_five_enablers_and_seven_barriers(hmip):
    book = load_codebook(hmip)
    from_2020 = [t for t in book.themes if t.source.startswith("Bulletin 2020/03")]
    assert [t.kind for t in from_2020].count("enabler") == 5
    assert [t.kind for t in from_2020].count("barrier") == 7
    assert len(from_2020) == 12
    assert book.framework == "hmip-2018" and book.version
    assert codebook_path(hmip) == hmip.companion_dir / "codebook.yaml"


def test_2018_01_themes_cover_engagement_diversity_assessment_and_risk():
    book = load_codebook(load_framework("qi-2016"))
    codes = set(book.codes)
    assert {"engaged_service_user_family", "diversity_adapted", "diversity_overlooked"} <= codes
    assert {"presentence_sound", "presentence_thin"} <= codes  # pre-allocation
    assert {"timely_analytical_assessment", "late_or_descriptive_assessment"} <= codes  # post
    assert {"risk_analysed", "risk_indicators_missed"} <= codes
    assert len(book.themes) == 14
    for theme in book.themes:
        assert theme.definition and len(theme.examples) >= 3 and theme.items


@pytest.mark.parametrize("framework_id", sorted(ROUNDS))
def test_synthetic_truth_is_scorable_against_the_codebook(framework_id):
    """Every (item, theme) the generator writes is a theme the codebook applies there."""
    book = load_codebook(load_framework(framework_id))
    items = _themes()["items"][ROUNDS[framework_id]]
    catalogue = theme_catalogue()
    for item, spec in items.items():
        for answer in ("yes", "no"):
            for code in spec[answer]:
                theme = book.theme(code)
                assert theme.applies_to(item), (item, code)
                assert theme.explains(answer), (item, code, answer)
                assert catalogue[code]["polarity"] == theme.kind


def test_candidates_follow_item_and_answer(hmip):
    book = load_codebook(hmip)
    yes = {t.code for t in book.candidates("kq_2_1_3", "yes")}
    no = {t.code for t in book.candidates("kq_2_1_3", "no")}
    assert yes == {"previous_records_reviewed", "agency_information_obtained", "risk_analysed"}
    assert "risk_indicators_missed" in no and not (yes & no)
    # No judgement recorded: every theme of the item may apply.
    assert {t.code for t in book.candidates("kq_2_1_3", "")} == yes | no


def _copy(tmp_path, hmip):
    path = tmp_path / "codebook.yaml"
    shutil.copy(codebook_path(hmip), path)
    return path


def test_a_team_adds_a_theme_without_code(tmp_path, hmip):
    path = _copy(tmp_path, hmip)
    doc = yaml.safe_load(path.read_text())
    doc["themes"].append(
        {
            "code": "hub_delivery",
            "label": "Community hub",
            "kind": "other",
            "definition": "Work delivered in a community hub.",
            "examples": ["Sessions took place at the hub with other services on site."],
        }
    )
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    book = load_codebook(hmip, path)
    assert book.codes[-1] == "hub_delivery"
    # An 'other' theme without items applies to every item and either judgement.
    assert "hub_delivery" in {t.code for t in book.candidates("kq_2_4_1", "no")}
    assert "hub_delivery" in {t.code for t in book.candidates("needs_delivery", "yes")}


BAD = """\
codebook:
  framework: qi-2016
  colour: blue
themes:
  - code: fine_theme
    label: Fine
    kind: enabler
    definition: A theme.
    examples: ["One example."]
  - code: fine_theme
    label: Again
    kind: barrier
    definition: Duplicate.
    examples: ["Another."]
  - code: Bad-Code
    label: Bad
    kind: enabler
    definition: x
    examples: ["x"]
  - code: odd_kind
    label: Odd
    kind: neutral
    definition: x
    examples: ["x"]
  - code: no_examples
    label: None
    kind: barrier
    definition: x
  - code: wrong_item
    label: Wrong
    kind: barrier
    definition: x
    examples: ["x"]
    items: [kq_9_9_9, need_drug_misuse]
    flavour: sour
  - code: bad_ref
    label: Ref
    kind: barrier
    definition: x
    examples: ["x"]
    exclude: ["Something else: no_such_theme."]
"""


def test_every_problem_is_listed_with_its_line(tmp_path, hmip):
    path = tmp_path / "codebook.yaml"
    path.write_text(BAD)
    with pytest.raises(CodebookError) as caught:
        load_codebook(hmip, path)
    found = {(p.rule, p.column, p.row) for p in caught.value.problems}
    expected = {
        ("unknown-key", "codebook.colour", 2),
        ("wrong-framework", "codebook.framework", 2),
        ("missing", "codebook.version", 2),
        ("duplicate", "themes[1].code", 10),
        ("bad-code", "themes[2].code", 15),
        ("unknown-kind", "themes[3].kind", 20),
        ("missing", "themes[4].examples", 25),
        ("unknown-item", "themes[5].items", 34),
        ("no-rationale", "themes[5].items", 34),
        ("unknown-key", "themes[5].flavour", 29),
        ("unknown-theme", "themes[6].exclude[0]", 41),
    }
    assert found == expected
    assert caught.value.exit_code == ExitCode.UNUSABLE
    assert all(p.file == str(path) for p in caught.value.problems)


def test_missing_and_unreadable_files(tmp_path, hmip):
    with pytest.raises(CodebookError) as caught:
        load_codebook(hmip, tmp_path / "nope.yaml")
    assert caught.value.problems[0].rule == "missing-codebook"
    broken = tmp_path / "broken.yaml"
    broken.write_text("themes: [\n")
    with pytest.raises(CodebookError) as caught:
        load_codebook(hmip, broken)
    assert caught.value.problems[0].rule == "yaml"
    assert caught.value.problems[0].row is not None


def test_unknown_theme_is_a_named_error(hmip):
    with pytest.raises(KeyError, match="no_such"):
        load_codebook(hmip).theme("no_such")
