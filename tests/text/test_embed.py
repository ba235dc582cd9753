"""The shipped static model, sentence splitting and the missing-extra path."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from caseinspect.errors import MissingExtraError
from caseinspect.text import load_encoder, split_sentences
from caseinspect.text._embed import MODEL_DIR, StaticEncoder


def test_shipped_model_is_small_and_attributed():
    size = sum(p.stat().st_size for p in MODEL_DIR.iterdir())
    assert size < 5_000_000
    licence = (MODEL_DIR / "LICENSE").read_text()
    assert "Apache License" in licence and "Version 2.0" in licence
    provenance = (MODEL_DIR / "PROVENANCE.md").read_text()
    assert "all-MiniLM-L6-v2" in provenance and "model2vec" in provenance
    config = json.loads((MODEL_DIR / "config.json").read_text())
    assert config["tokenizer_name"] == "sentence-transformers/all-MiniLM-L6-v2"


def test_encoder_is_normalised_deterministic_and_meaningful():
    encoder = load_encoder()
    assert load_encoder() is encoder  # loaded once per process
    texts = [
        "No referral was made to the drug service.",
        "A referral to the drug treatment service was never made.",
        "His mother was involved in reviews and supported him.",
    ]
    first, again = encoder.encode(texts), encoder.encode(texts)
    assert first.dtype == np.float32 and first.shape == (3, 128)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first, again)
    similarity = first @ first.T
    assert similarity[0, 1] > similarity[0, 2] + 0.2
    assert encoder.encode([]).shape == (0, 128)


def test_sentences_split_on_full_stops_and_semicolons():
    assert split_sentences("One. Two; three. 4 cases were read.") == [
        "One.",
        "Two",
        "three.",
        "4 cases were read.",
    ]
    # Abbreviations in lower case and decimals do not split.
    assert split_sentences("Seen at 2.30 p.m. by the RO.") == ["Seen at 2.30 p.m. by the RO."]
    assert split_sentences("") == []


def test_missing_model2vec_asks_for_the_text_extra(monkeypatch):
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name == "model2vec" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(MissingExtraError) as caught:
        StaticEncoder()
    assert "'text'" in str(caught.value)
    assert caught.value.exit_code == 2
