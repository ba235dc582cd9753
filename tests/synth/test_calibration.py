"""The synthetic rounds reproduce the published annex tables (issue #3's calibration test).

The reference is the published copy of the tables (``caseinspect.published``), compared
through the project's own table engine (``caseinspect.analysis.compute_tables``), never
numbers the generator printed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from caseinspect.analysis import compute_tables
from caseinspect.framework import load_framework
from caseinspect.published import published_path

from .conftest import SEEDS, synth_cases

KEY = ["table", "question", "provider_split", "variable", "category"]
FRAMEWORK = {"2018-19": "hmip-2018", "2016-17": "qi-2016"}


def wilson(pct: np.ndarray, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (in percent) around a published percentage with its n."""
    z = norm.ppf(0.5 + level / 2)
    p = pct / 100
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # Half a rounding unit of slack: the published percentages are rounded to 0.1.
    return 100 * (centre - half) - 0.05, 100 * (centre + half) + 0.05


def compared(round_id: str, seed: int) -> pd.DataFrame:
    published = pd.read_csv(published_path(round_id), dtype={"category": str})
    computed = compute_tables(synth_cases(round_id, seed), load_framework(FRAMEWORK[round_id]))
    merged = published.merge(
        computed[KEY + ["n", "pct"]],
        on=KEY,
        how="left",
        suffixes=("_pub", "_syn"),
        validate="one_to_one",
    )
    assert merged["n_syn"].notna().all(), "every published cell is computed"
    if round_id == "2018-19":
        # Tables C5/C6 print no n: the cases a delivery question applies to are those with the
        # need (strength), i.e. Table C1's (C2's) n times its prevalence.
        prevalence = published[published["table"].isin(["C1", "C2"])].copy()
        prevalence["table"] = prevalence["table"].map({"C1": "C5", "C2": "C6"})
        prevalence["n_implied"] = (prevalence["n"] * prevalence["pct"] / 100).round()
        merged = merged.merge(prevalence[KEY + ["n_implied"]], on=KEY, how="left")
        merged["n_ref"] = merged["n_pub"].fillna(merged["n_implied"])
    else:
        merged["n_ref"] = merged["n_pub"]
    return merged


CASES = [(r, s) for r in ("2018-19", "2016-17") for s in SEEDS]


@pytest.mark.parametrize("round_id,seed", CASES)
def test_all_cases_rows_match(round_id, seed):
    m = compared(round_id, seed)
    rows = m[
        (m["variable"] == "all")
        & ~m["question"].str.startswith("mean_number")
        & m["pct_pub"].notna()
    ]
    prevalence = rows["table"].isin(["C1", "C2"])
    assert (rows.loc[prevalence, "n_syn"] == rows.loc[prevalence, "n_pub"]).all()
    with_n = rows[~prevalence & rows["n_pub"].notna()]
    assert (
        (with_n["n_syn"] - with_n["n_pub"]).abs() <= np.maximum(1, 0.01 * with_n["n_pub"])
    ).all()
    assert (rows["pct_syn"] - rows["pct_pub"]).abs().max() <= 1.0


@pytest.mark.parametrize("round_id,seed", CASES)
def test_subgroup_cells_inside_binomial_intervals(round_id, seed):
    m = compared(round_id, seed)
    cells = m[
        (m["variable"] != "all")
        & ~m["question"].str.startswith("mean_number")
        & m["pct_pub"].notna()
    ]
    assert len(cells) > 400
    lo95, hi95 = wilson(cells["pct_pub"], cells["n_ref"], 0.95)
    lo999, hi999 = wilson(cells["pct_pub"], cells["n_ref"], 0.999)
    inside95 = (cells["pct_syn"] >= lo95) & (cells["pct_syn"] <= hi95)
    inside999 = (cells["pct_syn"] >= lo999) & (cells["pct_syn"] <= hi999)
    assert inside95.mean() >= 0.95, cells[~inside95][KEY + ["n_ref", "pct_pub", "pct_syn"]]
    assert inside999.all(), cells[~inside999][KEY + ["n_ref", "pct_pub", "pct_syn"]]


@pytest.mark.parametrize("seed", SEEDS)
def test_mean_numbers_and_risk_gradients(seed):
    """Mean needs and strengths per sub-group (Figures 3 and 5 of 2020/03 are these rows)."""
    m = compared("2018-19", seed)
    means = m[m["question"].str.startswith("mean_number")]
    assert len(means) == 48
    assert (means["pct_syn"] - means["pct_pub"]).abs().max() <= 0.11
    for question, rising in (("mean_number_of_needs", True), ("mean_number_of_strengths", False)):
        for variable in ("likelihood_of_reoffending", "rosh"):
            row = means[(means["question"] == question) & (means["variable"] == variable)]
            values = (
                row.set_index("category")
                .loc[["Low", "Medium", "High/Very high"], "pct_syn"]
                .to_numpy()
            )
            assert np.all(np.diff(values) > 0) if rising else np.all(np.diff(values) < 0), (
                question,
                variable,
            )


@pytest.mark.parametrize("round_id", ["2018-19", "2016-17"])
def test_crc_high_rosh_cells_stay_empty(round_id):
    m = compared(round_id, 0)
    crc_high = (
        (m["category"] == "High/Very high")
        & (m["variable"] == "rosh")
        & ((m["provider_split"] == "CRC") if round_id == "2016-17" else False)
    )
    assert (m.loc[crc_high, "n_syn"] == 0).all()
