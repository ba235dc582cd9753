"""Name detection: each rule on hand-written sentences, the bulletins' own examples, and
recall on the names truth of the synthetic practice notes."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from caseinspect.synth import iter_chunks
from caseinspect.text import detect_names, first_names, flag_details

EXAMPLES = Path(__file__).resolve().parent / "data" / "bulletin_practice_examples.txt"


def found(text, **kw):
    return [(d.text, d.rule) for d in detect_names(text, **kw)]


def test_recorded_name_in_any_case():
    text = "Callum attended. Later calum and callum missed sessions; CALLUM was recalled."
    # Exact spellings in any case are taken; a lower-case misspelling ("calum") is not:
    # one-letter variants are matched only when capitalised, where they read as a name.
    assert found(text, known_names=["Callum"]) == [
        ("Callum", "recorded"),
        ("callum", "recorded"),
        ("CALLUM", "recorded"),
    ]


def test_misspelling_of_recorded_name_in_title_case():
    assert found("Calum's needs were assessed.", known_names=["Callum"]) == [("Calum", "recorded")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zed, a 24-year-old male, was sentenced.", [("Zed", "pattern")]),
        ("Quorra was a 31-year-old female.", [("Quorra", "pattern")]),
        ("The work with him built on Zed's responsible officer's notes.", [("Zed", "pattern")]),
        ("He lived with his partner, Tiegan, and her son.", [("Tiegan", "role")]),
        ("Her mother Jaxona attended.", [("Jaxona", "role")]),
        ("Zorlan (his brother) had convictions.", [("Zorlan", "role")]),
        ("Brixton Quayle, the responsible officer, met him.", [("Brixton Quayle", "role")]),
        ("A tutor, Mrs Okonjo, queried this.", [("Okonjo", "title")]),
        ("He spoke to PC Whitlock about it.", [("Whitlock", "title")]),
        (
            "Michelle Greenwood from the women's centre called.",
            [("Michelle Greenwood", "gazetteer")],
        ),
    ],
)
def test_rules(text, expected):
    assert found(text) == expected


def test_places_and_ordinary_words_stay():
    text = (
        "Amir was a 43-year-old male from Nepal. He moved to Leeds in May and will attend "
        "the Crown Court. Grant funding came from Chelsea. The Building Better Relationships "
        "Programme was offered. Today's session went well."
    )
    assert found(text, known_names=["Amir"]) == [("Amir", "recorded")]


def test_a_place_taken_as_a_person_where_the_note_says_so():
    assert found("Chelsea, a 20-year-old female, was seen.") == [("Chelsea", "pattern")]


def test_bulletin_practice_examples_find_every_changed_name():
    # The bulletins' practice examples, read off the seeds: every paragraph that opens
    # "X was a N-year-old" or "X, a N-year-old" has its X found everywhere it appears.
    lines = EXAMPLES.read_text("utf-8").splitlines()
    paragraphs = [p for p in lines if p and not p.startswith("#")]
    assert len(paragraphs) >= 15
    for paragraph in paragraphs:
        m = re.match(r"([A-Z][a-z]+)(?:,| was) an? \d+-year-old", paragraph)
        if m is None:
            continue
        name = m.group(1)
        spans = {(d.start, d.text) for d in detect_names(paragraph)}
        for occurrence in re.finditer(rf"\b{name}\b", paragraph):
            assert (occurrence.start(), name) in spans, (name, paragraph[:60])


def test_gazetteer_has_both_lists_and_the_supplement():
    names = first_names()
    assert names["James"] == "M" and names["Mary"] == "F"
    assert "Tariq" in names and "Kayleigh" in names  # the supplement
    assert len(names) > 5000


def test_flags_dates_and_ages_but_not_the_opening_age():
    text = (
        "Jo was a 24-year-old male, born on 3 March 1999 (DOB 03/03/1999), with a "
        "3-year-old son; his mother, aged 61, helped."
    )
    got = [(d.text, d.rule) for d in flag_details(text)]
    assert got == [
        ("born on", "date"),
        ("3 March 1999", "date"),
        ("DOB", "date"),
        ("03/03/1999", "date"),
        ("3-year-old", "age"),
        ("aged 61", "age"),
    ]
    # In a rationale (no opening allowed) the first age is flagged too.
    assert flag_details("He was a 24-year-old man.", opening_age=False)[0].text == "24-year-old"


def _synthetic(round_id, seed):
    chunks = list(iter_chunks(round_id, seed=seed))
    cases = pd.concat([c.cases for c in chunks], ignore_index=True)
    names = pd.concat([c.names for c in chunks], ignore_index=True)
    return cases, names


@pytest.mark.parametrize(("round_id", "seed"), [("2018-19", 11), ("2016-17", 12)])
def test_recall_is_total_on_the_synthetic_names_truth(round_id, seed):
    cases, names = _synthetic(round_id, seed)
    assert len(names) > 150
    assert set(names["role"]) > {"subject", "mother", "officer"}
    notes = cases.set_index("case_id")
    missed = []
    for case_id, group in names.groupby("case_id"):
        note = str(notes.loc[case_id, "practice_note"])
        known = [str(notes.loc[case_id, "practice_pseudonym"])]
        spans = [(d.start, d.end) for d in detect_names(note, known_names=known)]
        for row in group.itertuples(index=False):
            assert note[row.start : row.end] == row.name
            if not any(s <= row.start and row.end <= e for s, e in spans):
                missed.append((case_id, row.name, row.role))
    assert missed == []
