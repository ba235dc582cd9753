"""Shared synthetic case tables for the statistics tests (seeded, small)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

AGE_GROUPS = ["18-20", "21-24", "25-29", "30-39", "40-49", "50+"]
ETHNIC_GROUPS = ["White", "Black", "Asian", "Mixed", "Other"]
RISK = ["Low", "Medium", "High/Very high"]


def make_cases(n: int, seed: int, n_providers: int = 12) -> pd.DataFrame:
    """Cases with the bulletins' sub-group variables, a provider and two Yes/No outcomes.

    ``q1`` depends on provider type and likelihood of reoffending plus a provider effect;
    ``q2`` on gender only. All columns are text, as read from CSV.
    """
    rng = np.random.default_rng(seed)
    provider = rng.integers(0, n_providers, n)
    provider_type = np.where(provider < n_providers // 3, "NPS", "CRC")
    gender = rng.choice(["Male", "Female"], n, p=[0.85, 0.15])
    age = rng.choice(AGE_GROUPS, n)
    ethnic = rng.choice(ETHNIC_GROUPS, n, p=[0.8, 0.07, 0.06, 0.04, 0.03])
    reoffending = rng.choice(RISK, n, p=[0.3, 0.4, 0.3])
    provider_effect = rng.normal(0, 0.3, n_providers)[provider]
    eta1 = (
        0.2
        + 0.6 * (provider_type == "NPS")
        - 0.5 * (reoffending == "High/Very high")
        + provider_effect
    )
    eta2 = -0.3 + 0.7 * (gender == "Female")
    q1 = np.where(rng.random(n) < 1 / (1 + np.exp(-eta1)), "Yes", "No")
    q2 = np.where(rng.random(n) < 1 / (1 + np.exp(-eta2)), "Yes", "No")
    return pd.DataFrame(
        {
            "provider": [f"P{p:02d}" for p in provider],
            "provider_type": provider_type,
            "gender": gender,
            "age_group": age,
            "ethnic_group": ethnic,
            "likelihood_of_reoffending": reoffending,
            "q1": q1,
            "q2": q2,
            "score": rng.normal(50, 10, n).round(1).astype(str),
        }
    )


@pytest.fixture(scope="session")
def cases() -> pd.DataFrame:
    return make_cases(1500, seed=20200603)


def dummies(series: pd.Series, reference: str) -> pd.DataFrame:
    """Treatment-coded dummy columns named like the engine's, built independently."""
    levels = sorted(set(series) - {reference})
    return pd.DataFrame(
        {f"{series.name}[T.{lev}]": (series == lev).astype(float) for lev in levels},
        index=series.index,
    )
