"""Builders of case tables with chosen key-question answers, for the ratings tests."""

from __future__ import annotations

import pandas as pd
import pytest

from caseinspect.framework import load_framework


@pytest.fixture(scope="session")
def fw():
    return load_framework("hmip-2018")


def kq_items(fw) -> list[str]:
    return [kq.item for s in fw.standards if s.basis == "cases" for kq in s.key_questions]


def provider_cases(
    fw,
    provider: str,
    ptype: str,
    answers: dict[str, tuple[int, int, int]] | None = None,
    default: tuple[int, int, int] = (9, 1, 0),
) -> list[dict[str, str]]:
    """Cases of one provider: for each key-question item, (yes, no, empty) counts.

    Answers are laid out case by case, so every item has exactly the counts asked for.
    """
    answers = answers or {}
    counts = {item: answers.get(item, default) for item in kq_items(fw)}
    n_cases = max(sum(c) for c in counts.values())
    rows = [
        {
            "case_id": f"{provider.replace(' ', '_')}-{i}",
            "provider": provider,
            "provider_type": ptype,
        }
        for i in range(n_cases)
    ]
    for item, (yes, no, _empty) in counts.items():
        values = ["yes"] * yes + ["no"] * no + [""] * (n_cases - yes - no)
        for row, value in zip(rows, values, strict=True):
            row[item] = value
    return rows


def judgements(fw, provider: str, ptype: str, rating: str = "Good", skip: tuple[str, ...] = ()):
    return [
        {
            "provider": provider,
            "standard": s.code,
            "rating": rating,
            "reasons": f"evidence for {s.title}",
        }
        for s in fw.standards_for(ptype)
        if s.basis == "judgement" and s.code not in skip
    ]


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=object)
