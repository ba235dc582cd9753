"""Rationales, practice notes and the ground truth of their themes."""

from __future__ import annotations

import re

import pytest

from caseinspect.synth._text import pseudonyms, theme_catalogue

from .conftest import synth_cases, synth_truth

# Names printed in the two bulletins (practice examples, authors, people quoted): real or
# changed, none may appear in synthetic text. Read off the seeds by hand.
BULLETIN_NAMES = {
    "Andre",
    "Jez",
    "Jonny",
    "Jacob",
    "Matt",
    "Lauren",
    "Jason",
    "Adam",
    "Amir",
    "Paul",
    "Phil",
    "Gary",
    "Chloe",
    "Robert",
    "David",
    "Stephen",
    "Michael",
    "Nicola",
    "Ian",
    "Craig",
    "Dean",
    "Chris",
    "Jack",
    "Liam",
    "Laura",
    "Buckley",
    "Robin",
    "Moore",
    "Justin",
    "Russell",
    "Glenys",
    "Stacey",
    "Maruna",
    "Bonta",
}
TEXT_COLUMNS_2018 = [
    "needs_assessment__rationale",
    "strengths_planning__rationale",
    "kq_2_3_2__rationale",
    "practice_note",
]


@pytest.mark.parametrize("round_id", ["2018-19", "2016-17"])
def test_rationales_only_where_answered(round_id):
    cases = synth_cases(round_id)
    rationale_columns = [c for c in cases.columns if c.endswith("__rationale")]
    assert len(rationale_columns) >= (18 if round_id == "2018-19" else 7)
    for column in rationale_columns:
        answer = cases[column.removesuffix("__rationale")]
        text = cases[column]
        assert (text.ne("") == answer.ne("")).all(), column


def test_rationales_have_one_to_four_sentences_and_vary(round_2018):
    # One to three reasons, perhaps joined in one sentence, perhaps with one sentence that
    # gives no reason (a filler).
    text = round_2018["needs_delivery__rationale"]
    text = text[text.ne("")].astype(str)
    sentences = text.str.count(r"\.(?:\s|$)")
    assert sentences.min() >= 1 and sentences.max() <= 4
    assert text.nunique() >= 300
    assert text.str.contains(";").any() and text.str.contains(r"\bRO\b").any()


@pytest.mark.parametrize("round_id", ["2018-19", "2016-17"])
def test_truth_matches_answers(round_id):
    cases = synth_cases(round_id)
    truth = synth_truth(round_id)
    assert list(truth.columns) == ["case_id", "item", "theme", "polarity"]
    assert set(truth["theme"].astype(str)) <= set(theme_catalogue())
    answers = cases.set_index("case_id")
    rationale_truth = truth[truth["item"] != "practice_note"]
    for item, rows in rationale_truth.groupby("item", observed=True):
        answer = answers.loc[rows["case_id"].astype(str), item].to_numpy()
        polarity = rows["polarity"].astype(str).to_numpy()
        assert ((answer == "yes") == (polarity == "enabler")).all(), item
        assert ((answer == "no") == (polarity == "barrier")).all(), item
        # Every rationale has at least one theme, and themes are of the answer's polarity.
        with_text = answers[f"{item}__rationale"].ne("")
        assert set(rows["case_id"].astype(str)) == set(answers.index[with_text]), item
    for theme, rows in truth.groupby("theme", observed=True):
        assert set(rows["polarity"].astype(str)) == {theme_catalogue()[theme]["polarity"]}, theme


@pytest.mark.parametrize("round_id", ["2018-19", "2016-17"])
def test_practice_notes(round_id):
    cases = synth_cases(round_id)
    truth = synth_truth(round_id)
    noted = cases["practice_note"].ne("")
    assert 0.03 <= noted.mean() <= 0.07
    assert (cases["practice_kind"].ne("") == noted).all()
    assert (cases["practice_pseudonym"].ne("") == noted).all()
    assert set(cases.loc[noted, "practice_kind"]) == {"good", "poor"}
    names = pseudonyms()
    for _, case in cases[noted].iterrows():
        name = case["practice_pseudonym"]
        assert name in names[case["gender"]]
        assert case["practice_note"].startswith(name)
        age = int(re.search(r"(\d+)-year-old", case["practice_note"]).group(1))
        low, high = {
            "18-20": (18, 20),
            "21-24": (21, 24),
            "25-29": (25, 29),
            "30-39": (30, 39),
            "40-49": (40, 49),
            "50+": (50, 120),
        }[case["age_group"]]
        assert low <= age <= high
    practice_truth = truth[truth["item"] == "practice_note"]
    kinds = (
        cases.set_index("case_id")
        .loc[practice_truth["case_id"].astype(str), "practice_kind"]
        .to_numpy()
    )
    assert (
        (kinds == "good") == (practice_truth["polarity"].astype(str).to_numpy() == "enabler")
    ).all()


def test_good_practice_goes_with_good_judgements(round_2018):
    noted = round_2018[round_2018["practice_note"].ne("")]
    share = noted[[f"kq_2_{s}_{k}" for s in "1234" for k in "123"]].eq("yes").mean(axis=1)
    assert (
        share[noted["practice_kind"] == "good"].mean()
        > share[noted["practice_kind"] == "poor"].mean() + 0.3
    )


def test_no_real_names_anywhere():
    for names in pseudonyms().values():
        assert not set(names) & BULLETIN_NAMES
    for round_id in ("2018-19", "2016-17"):
        cases = synth_cases(round_id)
        text_columns = [
            c for c in cases.columns if c.endswith("__rationale") or c.startswith("practice_")
        ]
        words = set()
        for column in text_columns:
            for value in (
                cases[column].cat.categories
                if hasattr(cases[column], "cat")
                else cases[column].unique()
            ):
                words.update(re.findall(r"[A-Z][a-z]+", str(value)))
        assert not words & BULLETIN_NAMES, words & BULLETIN_NAMES


def test_without_text_there_are_no_text_columns():
    from caseinspect.synth import case_columns, synth_round

    cases = synth_round("2016-17", n_cases=30, text=False)
    assert list(cases.columns) == list(case_columns("2016-17", text=False))
    assert not any(c.endswith("__rationale") or c.startswith("practice_") for c in cases.columns)
