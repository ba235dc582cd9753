"""The case fingerprint: content, not order, and the same value however cells are typed."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from caseinspect.cases import fingerprint_cases


def _by_hand(columns: dict[str, list[str]]) -> str:
    """The documented digest written out: sorted columns, cells joined by unit separators."""
    names = sorted(columns)
    digest = hashlib.sha256("\x1f".join(names).encode())
    for name in names:
        digest.update(b"\x1e" + "\x1f".join(columns[name]).encode())
    return digest.hexdigest()


def test_fingerprint_matches_a_hand_computation():
    frame = pd.DataFrame({"x": ["yes", "no"], "case_id": ["1", "2"]}, dtype=object)
    assert fingerprint_cases(frame) == _by_hand({"case_id": ["1", "2"], "x": ["yes", "no"]})


def test_cells_that_are_not_strings_count_as_their_text():
    # Strings are hashed as they are (the fast path); anything else as str() of it.
    text = pd.DataFrame({"case_id": ["1", "2"], "n": ["3", "4"]}, dtype=object)
    numbers = pd.DataFrame({"case_id": ["1", "2"], "n": [3, 4]})
    mixed = pd.DataFrame({"case_id": ["1", "2"], "n": [np.str_("3"), 4]}, dtype=object)
    assert fingerprint_cases(numbers) == fingerprint_cases(text) == fingerprint_cases(mixed)
    changed = text.assign(n=["3", "5"])
    assert fingerprint_cases(changed) != fingerprint_cases(text)


def test_missing_values_in_typed_columns_are_hashed_not_refused():
    # pandas 3 keeps missing values missing through astype(str): they count as str() of
    # them, whatever order the rows come in.
    frame = pd.DataFrame(
        {
            "case_id": ["2", "1", "3"],
            "seen": pd.to_datetime(["2020-01-01", "2021-02-02", None]),
            "score": [1.5, np.nan, 2.0],
        }
    )
    assert fingerprint_cases(frame) == fingerprint_cases(frame.iloc[::-1])
    assert fingerprint_cases(frame) != fingerprint_cases(frame.fillna({"score": 0.0}))
