"""Pseudonymisation: one replacement per person within a case, never a name of the case."""

from __future__ import annotations

import re

import pytest
import yaml

from caseinspect.errors import InvalidArgument
from caseinspect.synth._text import other_people, pseudonyms
from caseinspect.text import apply_replacements, pseudonym_lists, pseudonymise_texts


def test_same_person_same_replacement_across_texts_of_a_case():
    out = pseudonymise_texts(
        [
            "Kyle, a 24-year-old male, lived with his partner, Tiegan.",
            "Kyle's partner Tiegan rang; Kyle did not.",
        ],
        case_ids=["C1", "C1"],
        known_names={"C1": ["Kyle"]},
        genders={"C1": "Male"},
        opening_age=[True, False],
    )
    det = out.detections
    by_person = det[det["rule"] != "age"].groupby("original")["replacement"].nunique()
    assert by_person.to_dict() == {"Kyle": 1, "Tiegan": 1}
    kyle = det.loc[det["original"] == "Kyle", "replacement"].iloc[0]
    tiegan = det.loc[det["original"] == "Tiegan", "replacement"].iloc[0]
    assert kyle != tiegan
    assert kyle in pseudonym_lists()["Male"]  # the note says "he"
    assert out.texts[0] == f"{kyle}, a 24-year-old male, lived with his partner, {tiegan}."
    assert out.texts[1] == f"{kyle}'s partner {tiegan} rang; {kyle} did not."


def test_replacement_is_never_a_word_of_the_case():
    # Force a collision: every Male pseudonym but one appears in the note.
    males = pseudonym_lists()["Male"]
    note = "Kyle was a 30-year-old male. " + " ".join(f"{m.lower()}" for m in males[:-1])
    out = pseudonymise_texts(
        [note], case_ids=["C9"], known_names={"C9": ["Kyle"]}, genders={"C9": "Male"}
    )
    assert out.detections.loc[0, "replacement"] == males[-1]


def test_different_cases_are_independent_and_reproducible():
    texts = ["Kyle, a 24-year-old male, was seen."] * 2
    a = pseudonymise_texts(texts, case_ids=["A", "B"], known_names={"A": ["Kyle"], "B": ["Kyle"]})
    b = pseudonymise_texts(texts, case_ids=["A", "B"], known_names={"A": ["Kyle"], "B": ["Kyle"]})
    assert a.texts == b.texts
    assert a.detections.equals(b.detections)


def test_surnames_get_surnames_and_full_names_keep_their_shape():
    out = pseudonymise_texts(["A tutor, Mrs Okonjo, helped. Okonjo was kind. Jade Farrow too."])
    det = out.detections
    assert set(det.loc[det["original"] == "Okonjo", "replacement"]) <= set(
        pseudonym_lists()["Surname"]
    )
    assert det.loc[det["original"] == "Okonjo", "replacement"].nunique() == 1
    full = det.loc[det["original"] == "Jade Farrow", "replacement"].iloc[0]
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", full)


def test_flags_are_listed_but_left_in_the_text():
    text = "Jo (DOB 01/02/1990) has a 3-year-old son."
    out = pseudonymise_texts([text])
    flags = out.detections[out.detections["rule"].isin(["date", "age"])]
    assert list(flags["original"]) == ["DOB", "01/02/1990", "3-year-old"]
    assert (flags["original"] == flags["replacement"]).all()
    assert "01/02/1990" in out.texts[0]


def test_lengths_must_match():
    with pytest.raises(InvalidArgument):
        pseudonymise_texts(["a", "b"], case_ids=["C1"])


def test_apply_replacements_refuses_overlaps():
    with pytest.raises(InvalidArgument):
        apply_replacements("abcdef", [(0, 3, "x"), (2, 4, "y")])


def test_replacement_list_is_separate_from_every_synthetic_name():
    replacement = {n for names in pseudonym_lists().values() for n in names}
    synthetic = {n for names in pseudonyms().values() for n in names}
    others = other_people()
    synthetic |= set(others["Male"]) | set(others["Female"]) | set(others["Surname"])
    assert not replacement & synthetic
    assert len(replacement) == sum(len(v) for v in pseudonym_lists().values())  # no repeats


def test_pseudonym_file_is_plain_yaml_lists():
    from importlib import resources

    text = resources.files("caseinspect.text").joinpath("data", "pseudonyms.yaml").read_text()
    data = yaml.safe_load(text)
    assert set(data) == {"Male", "Female", "Either", "Surname"}
