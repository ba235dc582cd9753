"""Synthetic inspection rounds calibrated to the published annex tables.

A synthetic round is a case file in the interchange format (one row per case: profile,
answers, rationales, practice notes) whose annex tables reproduce the published ones of
bulletin 2020/03 (the 2018-19 round, framework ``hmip-2018``) or bulletin 2018/01 (the
2016-17 round, framework ``qi-2016``), with realistic structure between the columns. No row
is a real person and no provider's results are its real inspection results; see
``docs/synthetic-data.md`` for what matches the bulletins and what is invented.
:func:`eligible_list` makes a provider's eligible-case list for drawing a sample.

Examples
--------
>>> from caseinspect.synth import synth_round
>>> cases = synth_round("2016-17", n_cases=200, seed=1)
>>> len(cases), cases["provider_type"].value_counts().to_dict()
(200, {'CRC': 126, 'NPS': 74})
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ._eligible import EXCLUSION_SHARES, eligible_list
from ._generate import CHUNK_SIZE, TRUTH_COLUMNS, SynthChunk, iter_chunks
from ._io import OUTPUT_SUFFIXES, names_path, truth_path, write_round
from ._spec import ROUND_IDS, round_spec

__all__ = [
    "CHUNK_SIZE",
    "EXCLUSION_SHARES",
    "OUTPUT_SUFFIXES",
    "ROUND_IDS",
    "TRUTH_COLUMNS",
    "SynthChunk",
    "case_columns",
    "eligible_list",
    "generate_round",
    "iter_chunks",
    "names_path",
    "synth_round",
    "truth_path",
    "write_round",
]


def generate_round(
    round_id: str,
    n_cases: int | None = None,
    seed: int = 0,
    *,
    chunk_size: int = CHUNK_SIZE,
    text: bool = True,
) -> Iterator[pd.DataFrame]:
    """Generate a synthetic round, yielding the cases chunk by chunk.

    Parameters
    ----------
    round_id : {"2018-19", "2016-17"}
        Which published round to reproduce.
    n_cases : int, optional
        Number of cases; default the published size (3,308 or 1,066). Any other size keeps
        the same distributions (profile counts scaled exactly, rates calibrated).
    seed : int
        Seed of every random choice. The same round, size, seed and chunk size always give
        the same cases.
    chunk_size : int
        Cases per chunk (memory is bounded by it). Part of what the seed reproduces.
    text : bool
        Write rationales and practice notes (default). Without them generation is faster.

    Yields
    ------
    pandas.DataFrame
        Cases in the interchange format: every value a string, ``""`` for not recorded or
        not applicable (columns are pandas categoricals of strings).

    Raises
    ------
    UsageError
        For an unknown round or a number that is not a positive whole number.

    Examples
    --------
    >>> chunks = list(generate_round("2018-19", n_cases=500, chunk_size=200, text=False))
    >>> [len(c) for c in chunks]
    [200, 200, 100]
    """
    for chunk in iter_chunks(round_id, n_cases, seed, chunk_size=chunk_size, text=text):
        yield chunk.cases


def synth_round(
    round_id: str, n_cases: int | None = None, seed: int = 0, *, text: bool = True
) -> pd.DataFrame:
    """A whole synthetic round as one DataFrame (for rounds that fit in memory)."""
    frames = list(generate_round(round_id, n_cases, seed, text=text))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def case_columns(round_id: str, *, text: bool = True) -> tuple[str, ...]:
    """The columns of a synthetic round's case file, in order."""
    columns = round_spec(round_id).columns
    if text:
        return columns
    return tuple(
        c for c in columns if not c.endswith("__rationale") and not c.startswith("practice_")
    )
