"""Themes and practice examples fill their sections; without them the sections stay placeholders."""

from __future__ import annotations

import pandas as pd

from caseinspect.bulletin import build_bulletin, check_bulletin, write_bulletin


def _themes() -> pd.DataFrame:
    # The layout of `caseinspect themes`' themes.csv (all-cases rows and one sub-group row),
    # with one quote per theme.
    return pd.DataFrame(
        {
            "theme": ["sources", "sequencing", "waiting_lists", "tiny"],
            "label": [
                "Assessments used every source of information",
                "Interventions in the right order",
                "Long waiting lists for programmes",
                "A rare theme",
            ],
            "kind": ["enabler", "enabler", "barrier", "barrier"],
            "variable": ["all", "all", "all", "all"],
            "category": ["All cases"] * 4,
            "n": [800, 800, 800, 800],
            "count": [212, 150, 97, 4],
            "pct": [26.5, 18.8, 12.1, 0.5],
            "mentions": [230, 160, 101, 4],
            "suppressed": ["", "", "", ""],
            # Others' words may say "significant": only findings are held to the rule.
            "quote": ["The officer checked police and children's services records.", "", "", ""],
        }
    )


def _examples() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_id": ["c1", "c2"],
            "kind": ["good", "poor"],
            "text": [
                "Andre, a 24-year-old man, was seen weekly.",
                "Jonny's alcohol use was not explored.",
            ],
        }
    )


def test_themes_and_examples_fill_their_sections(round_2018, hmip, tmp_path):
    built = build_bulletin(
        round_2018, hmip, significance="none", themes=_themes(), examples=_examples()
    )
    findings = next(s for s in built.sections if s.id == "findings")
    blocks = findings.blocks
    prose = [b.text for b in blocks if b.kind == "p" and b.role == "prose"]
    assert any(
        t.startswith("Assessments used every source of information: coded in 212 of the 800 cases")
        and t.endswith("(27%).")
        for t in prose
    )
    assert any("Long waiting lists for programmes" in t for t in prose)
    examples = [b.text for b in blocks if b.role == "example"]
    assert '"The officer checked police and children\'s services records."' in examples
    assert "Andre, a 24-year-old man, was seen weekly." in examples
    assert not any(b.role == "placeholder" for b in blocks)
    # Quotes and examples are not prose: the 24 of "24-year-old" needs no cell.
    write_bulletin(built, tmp_path, ("html", "docx"))
    assert check_bulletin(tmp_path) == []
    theme_refs = [r for r in built.numbers if r.table == "TH"]
    assert {(r.question, r.text) for r in theme_refs if r.rule == "cases"} >= {("sources", "212")}


def test_a_rare_theme_is_not_mentioned_under_disclosure_control(round_2018, hmip):
    built = build_bulletin(round_2018, hmip, significance="none", themes=_themes(), suppress=10)
    text = " ".join(b.text for s in built.sections for b in s.blocks)
    assert "Long waiting lists" in text and "A rare theme" not in text


def test_without_them_the_sections_are_marked_placeholders(built):
    findings = next(s for s in built.sections if s.id == "findings")
    placeholders = [b.text for b in findings.blocks if b.role == "placeholder"]
    assert any("[Placeholder: enablers and barriers]" in t for t in placeholders)
    assert any("[Placeholder: good and poor practice examples]" in t for t in placeholders)
