"""Suggested codes: determinism, confirmed codes, candidates, thresholds, quality."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from caseinspect.errors import InvalidArgument, ValidationError
from caseinspect.framework import load_framework
from caseinspect.synth import iter_chunks
from caseinspect.text import (
    evaluate_codes,
    fit_classifier,
    load_codebook,
    rationale_units,
    read_codes,
    suggest_codes,
)
from caseinspect.text._classify import _best_threshold


class WordHashEncoder:
    """A deterministic stand-in for the model: hashed bag of words, L2-normalised."""

    name = "test:word-hash"

    def encode(self, texts):
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().replace(".", " ").replace(",", " ").split():
                h = int(hashlib.sha256(word.encode()).hexdigest()[:8], 16)
                out[i, h % 64] += 1.0 if (h >> 8) % 2 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def _round(round_id, n, seed):
    chunks = list(iter_chunks(round_id, n, seed))
    cases = pd.concat([c.cases for c in chunks], ignore_index=True).astype(str)
    truth = pd.concat([c.truth for c in chunks], ignore_index=True).astype(str)
    return cases, truth[truth["item"] != "practice_note"].reset_index(drop=True)


@pytest.fixture(scope="module")
def qi():
    framework = load_framework("qi-2016")
    return framework, load_codebook(framework)


@pytest.fixture(scope="module")
def small_2016():
    return _round("2016-17", 240, 11)


def test_same_seed_same_codes_and_seed_matters_only_through_folds(qi, small_2016):
    framework, book = qi
    cases, truth = small_2016
    confirmed = truth[truth["case_id"].isin(cases["case_id"].head(120))]
    encoder = WordHashEncoder()
    first = suggest_codes(cases, framework, confirmed=confirmed, seed=3, encoder=encoder)
    again = suggest_codes(cases, framework, confirmed=confirmed, seed=3, encoder=encoder)
    pd.testing.assert_frame_equal(first, again)
    assert list(first.columns) == ["case_id", "item", "theme", "score", "source"]
    a = fit_classifier(cases, book, confirmed=confirmed, encoder=encoder, seed=3)
    b = fit_classifier(cases, book, confirmed=confirmed, encoder=encoder, seed=3)
    assert np.array_equal(a.weights, b.weights)
    assert np.array_equal(a.thresholds, b.thresholds, equal_nan=True)


def test_confirmed_codes_are_kept_and_not_suggested_again(qi, small_2016):
    framework, book = qi
    cases, truth = small_2016
    confirmed = truth[truth["case_id"].isin(cases["case_id"].head(50))]
    codes = suggest_codes(cases, framework, confirmed=confirmed, encoder=WordHashEncoder())
    kept = codes[codes["source"] == "confirmed"]
    assert set(zip(kept.case_id, kept.item, kept.theme, strict=True)) == set(
        zip(confirmed.case_id, confirmed.item, confirmed.theme, strict=True)
    )
    done = set(zip(confirmed.case_id, confirmed.item, strict=True))
    suggested = codes[codes["source"] == "suggested"]
    assert not (set(zip(suggested.case_id, suggested.item, strict=True)) & done)
    assert suggested["score"].notna().all()


def test_suggestions_respect_the_judgement_and_the_item(qi, small_2016):
    framework, book = qi
    cases, _ = small_2016
    codes = suggest_codes(cases, framework, encoder=WordHashEncoder())
    answers = cases.set_index("case_id")
    for row in codes.itertuples():
        theme = book.theme(row.theme)
        assert theme.applies_to(row.item)
        assert theme.explains(answers.at[row.case_id, row.item])
    # Nothing confirmed: each sentence gets its best candidate, so every rationale gets one.
    units = rationale_units(cases, book)
    assert set(zip(units.case_id, units.item, strict=True)) == set(
        zip(codes.case_id, codes.item, strict=True)
    )


def test_best_threshold_by_hand():
    # Scores sorted: .9 T, .8 F, .7 T, .4 T, .2 F. Keeping down to .4: tp 3, fp 1, fn 0 ->
    # F1 6/7, the best (.9: 2/4; .7: 4/5; .2: 6/8). The cut lies halfway to the next
    # score: (.4 + .2) / 2.
    scores = np.array([0.2, 0.9, 0.4, 0.8, 0.7])
    truth = np.array([False, True, True, False, True])
    assert _best_threshold(scores, truth) == pytest.approx(0.3)
    # The best cut keeps every score: nothing lower to go halfway to.
    assert _best_threshold(np.array([0.6, 0.5]), np.array([True, True])) == pytest.approx(0.5)


def test_bad_inputs(qi, small_2016, tmp_path):
    framework, book = qi
    cases, _ = small_2016
    bad = pd.DataFrame({"case_id": ["x"], "item": ["diversity_considered"], "theme": ["nope"]})
    with pytest.raises(InvalidArgument, match="nope"):
        suggest_codes(cases, framework, confirmed=bad, encoder=WordHashEncoder())
    with pytest.raises(InvalidArgument, match="method"):
        fit_classifier(cases, book, encoder=WordHashEncoder(), method="svm")
    path = tmp_path / "confirmed.csv"
    path.write_text("case_id,item,theme\nC1,diversity_considered,nope\nC2,kq_9,diversity_adapted\n")
    with pytest.raises(ValidationError) as caught:
        read_codes(str(path), book)
    assert [(p.row, p.column, p.rule) for p in caught.value.problems] == [
        (2, "theme", "unknown-theme"),
        (3, "item", "unknown-item"),
    ]


def test_static_model_codes_held_out_synthetic_rationales_well(qi):
    """Codebook plus 150 confirmed cases of one seed; scored on another seed."""
    framework, book = qi
    train, train_truth = _round("2016-17", 300, 21)
    test, test_truth = _round("2016-17", 300, 22)
    confirmed = train_truth[train_truth["case_id"].isin(train["case_id"].head(150))]
    classifier = fit_classifier(train, book, confirmed=confirmed, seed=0)
    codes = suggest_codes(test, framework, classifier=classifier)
    table = evaluate_codes(codes, test_truth, rationale_units(test, book), book)
    macro = table.set_index("theme").loc["macro"]
    assert macro.f1 >= 0.8
    assert macro.kappa >= 0.7


def test_each_confirmed_theme_gets_a_sentence():
    from caseinspect.text._classify import _assign

    # One rationale confirmed with themes 0 and 1, two sentences that both look most like
    # theme 0. Closest-theme labelling would give both to theme 0; theme 1 must be said
    # somewhere, so the sentence that fits theme 0 less well takes it.
    scores = np.array([[0.9, 0.8, 0.0], [0.7, 0.1, 0.0], [0.2, 0.3, 0.9]])
    unit = np.array([0, 0, 1])
    labels = _assign(scores, unit, [[0, 1], [0]], 3)
    assert labels.tolist() == [[1, 0, 0], [0, 1, 0], [1, 0, 0]]
