"""Synthetic rounds, generated once per test session (they are the expensive part)."""

from __future__ import annotations

import pandas as pd
import pytest

from caseinspect.synth import iter_chunks

#: Seeds the calibration is checked on (SPEC section 8: "check calibration on several seeds").
SEEDS = (0, 1, 2)


def _round(round_id: str, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    chunks = list(iter_chunks(round_id, seed=seed))
    cases = pd.concat([c.cases for c in chunks], ignore_index=True)
    truth = pd.concat([c.truth for c in chunks], ignore_index=True)
    return cases, truth


_CACHE: dict[tuple[str, int], tuple[pd.DataFrame, pd.DataFrame]] = {}


def synth_cases(round_id: str, seed: int = 0) -> pd.DataFrame:
    """The cases of a published-size round (cached for the session)."""
    if (round_id, seed) not in _CACHE:
        _CACHE[(round_id, seed)] = _round(round_id, seed)
    return _CACHE[(round_id, seed)][0]


def synth_truth(round_id: str, seed: int = 0) -> pd.DataFrame:
    if (round_id, seed) not in _CACHE:
        _CACHE[(round_id, seed)] = _round(round_id, seed)
    return _CACHE[(round_id, seed)][1]


@pytest.fixture(scope="session")
def round_2018() -> pd.DataFrame:
    return synth_cases("2018-19")


@pytest.fixture(scope="session")
def round_2016() -> pd.DataFrame:
    return synth_cases("2016-17")


@pytest.fixture(scope="session")
def truth_2018() -> pd.DataFrame:
    return synth_truth("2018-19")


@pytest.fixture(scope="session")
def truth_2016() -> pd.DataFrame:
    return synth_truth("2016-17")
