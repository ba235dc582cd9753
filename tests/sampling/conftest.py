"""Builders of eligible-case lists for the sampling tests."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from caseinspect.framework import load_framework

REFERENCE = date(2024, 7, 15)


def case(**changes) -> dict[str, str]:
    """One eligible case, 6.5 months in at REFERENCE, with nothing that excludes it."""
    row = {
        "case_id": "C1",
        "sentence_or_release_date": "2024-01-01",
        "requirements": "rehabilitation_activity",
        "officer": "O1",
        "office": "North",
        "gender": "Male",
        "ethnic_group": "White",
        "disposal_type": "community",
        "rosh": "Medium",
        "yot_held": "no",
        "sfo_or_scr": "no",
        "transferred": "no",
        "termination_or_recall_date": "",
    }
    row.update(changes)
    return row


def table(*rows: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), dtype=object)


def population(
    counts: dict[tuple[str, str, str], int],
    officers: int = 5,
    offices: int = 2,
    ethnic_minority_every: int = 0,
) -> pd.DataFrame:
    """Eligible cases with the given numbers per (gender, disposal, rosh) stratum."""
    rows = []
    i = 0
    for (gender, disposal, rosh), n in counts.items():
        for _ in range(n):
            i += 1
            rows.append(
                case(
                    case_id=f"C{i:05d}",
                    sentence_or_release_date=(REFERENCE - timedelta(days=195)).isoformat(),
                    requirements="rehabilitation_activity" if disposal == "community" else "",
                    officer=f"O{i % officers}",
                    office=f"Office{i % offices}",
                    gender=gender,
                    disposal_type=disposal,
                    rosh=rosh,
                    ethnic_group="Black"
                    if ethnic_minority_every and i % ethnic_minority_every == 0
                    else "White",
                )
            )
    return table(*rows)


@pytest.fixture(scope="session")
def fw():
    return load_framework("hmip-2018")


@pytest.fixture(scope="session")
def rules(fw):
    return fw.sampling


@pytest.fixture(scope="session")
def categories(fw):
    return {v.code: v.categories for v in fw.profile}


#: A small eligible population over six strata (180 cases).
STRATA_EXAMPLE = {
    ("Male", "community", "Low"): 40,
    ("Male", "community", "Medium"): 50,
    ("Male", "custody", "High/Very high"): 30,
    ("Male", "custody", "Medium"): 30,
    ("Female", "community", "Low"): 20,
    ("Female", "custody", "Medium"): 10,
}
