"""Sentence embeddings from the shipped static model (no network, no PyTorch).

The shipped model, ``data/minilm-l6-static/``, is sentence-transformers' all-MiniLM-L6-v2
(Apache-2.0) distilled once by model2vec into one vector per token (see
``tools/distil_minilm.py`` and ``data/minilm-l6-static/PROVENANCE.md``). Encoding a
sentence is a tokenizer pass and a mean of token vectors, so it needs only the small
``model2vec`` package (the ``[text]`` extra). Anything with an ``encode(texts) -> array``
method can stand in for it (:class:`Encoder`): the tests use a deterministic fake, and
``docs/themes.md`` compares the full transformer through the same interface.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import require_extra

__all__ = ["MODEL_DIR", "Encoder", "StaticEncoder", "load_encoder", "split_sentences"]

#: The shipped static model.
MODEL_DIR = Path(__file__).parent / "data" / "minilm-l6-static"

# A sentence ends at . ! or ? followed by space and a capital, digit or opening quote; a
# semicolon also ends a reason (inspectors join two reasons with one).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|;\s+")


class Encoder(Protocol):
    """What the classifier needs from an embedding model."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, L2-normalised (``float32``)."""
        ...


class StaticEncoder:
    """A model2vec static model, loaded once; rows come back L2-normalised."""

    def __init__(self, path: Path = MODEL_DIR):
        require_extra("model2vec", extra="text", feature="Coding rationales into themes")
        from model2vec import StaticModel

        self.path = Path(path)
        self.name = f"model2vec:{self.path.name}"
        self._model = StaticModel.from_pretrained(str(self.path), force_download=False)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        # One process: multiprocessing would make the result depend on the machine.
        vectors = self._model.encode(list(texts), use_multiprocessing=False, batch_size=2048)
        return _normalise(np.asarray(vectors, dtype=np.float32))


@cache
def _cached(path: str) -> StaticEncoder:
    return StaticEncoder(Path(path))


def load_encoder(path: str | Path | None = None) -> StaticEncoder:
    """The shipped static model (loaded once per process and kept).

    Raises
    ------
    MissingExtraError
        If ``model2vec`` is not installed: install ``caseinspect[text]``.
    """
    return _cached(str(Path(path) if path is not None else MODEL_DIR))


def split_sentences(text: str) -> list[str]:
    """The sentences of a rationale (a rationale without a full stop is one sentence).

    Examples
    --------
    >>> split_sentences("Checks were made. The plan was clear! it went on; and so on")
    ['Checks were made.', 'The plan was clear! it went on', 'and so on']
    >>> split_sentences("   ")
    []
    """
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)
