"""Replacing a drop-out from the reserve list: same stratum first, in reserve order."""

from __future__ import annotations

import pandas as pd
import pytest

from caseinspect.framework import load_framework
from caseinspect.sampling import draw_sample, next_reserve

from .conftest import REFERENCE, population

A, B, C = "Male / community / Low", "Female / custody / Medium", "Male / custody / Medium"


def reserve_list(strata: list[str], order: list[int] | None = None) -> pd.DataFrame:
    order = order or list(range(1, len(strata) + 1))
    return pd.DataFrame(
        {"reserve_order": order, "stratum": strata, "case_id": [f"R{i}" for i in order]},
        dtype=object,
    )


def test_first_unused_of_the_same_stratum():
    reserve = reserve_list([A, B, A, B, C])
    assert next_reserve(reserve, set(), {"stratum": B})["case_id"] == "R2"
    assert next_reserve(reserve, {"R2"}, {"stratum": B})["case_id"] == "R4"
    assert next_reserve(reserve, {"R1"}, {"stratum": A})["case_id"] == "R3"
    assert next_reserve(reserve, set(), {"stratum": C})["case_id"] == "R5"


def test_stratum_used_up_falls_back_to_the_first_unused():
    reserve = reserve_list([A, B, A, B, C])
    assert next_reserve(reserve, {"R5"}, {"stratum": C})["case_id"] == "R1"
    assert next_reserve(reserve, {"R1", "R5"}, {"stratum": C})["case_id"] == "R2"
    assert next_reserve(reserve, set(), {"stratum": "Female / community / Low"})["case_id"] == "R1"


def test_unknown_stratum_takes_the_first_unused():
    reserve = reserve_list([A, B])
    for dropped in ({}, {"stratum": None}, {"stratum": ""}, pd.Series({"stratum": float("nan")})):
        assert next_reserve(reserve, {"R1"}, dropped)["case_id"] == "R2"


def test_used_up_reserve_gives_none():
    reserve = reserve_list([A, B])
    assert next_reserve(reserve, {"R1", "R2"}, {"stratum": A}) is None
    assert next_reserve(reserve_list([]), set(), {"stratum": A}) is None


def test_reserve_order_not_row_order_decides():
    reserve = reserve_list([B, A, B], order=[3, 1, 2])  # rows R3, R1, R2
    assert next_reserve(reserve, set(), {"stratum": B})["case_id"] == "R2"
    chosen = next_reserve(reserve, set(), {"stratum": "none such"})
    assert chosen["case_id"] == "R1" and chosen.name == 1  # the row's index label, to mark it used


def test_strata_columns_instead_of_the_label():
    reserve = pd.DataFrame(
        {
            "case_id": ["R1", "R2", "R3"],
            "gender": ["Male", "Female", "Female"],
            "disposal_type": ["community", "custody", "community"],
        }
    )
    dropped = pd.Series({"case_id": "S9", "gender": "Female", "disposal_type": "community"})
    assert (
        next_reserve(reserve, set(), dropped, strata=["gender", "disposal_type"])["case_id"] == "R3"
    )
    assert next_reserve(reserve, set(), dropped, strata=["gender"])["case_id"] == "R2"


def test_missing_columns_are_an_error():
    with pytest.raises(ValueError, match="'stratum'"):
        next_reserve(pd.DataFrame({"case_id": ["R1"]}), set(), {"stratum": A})


def test_replacements_from_a_drawn_reserve_stay_in_stratum_while_they_can():
    rules = load_framework("hmip-2018").sampling
    eligible = population(
        {
            ("Male", "community", "Low"): 60,
            ("Female", "custody", "Medium"): 30,
            ("Male", "custody", "Medium"): 30,
        }
    )
    result = draw_sample(eligible, rules, 40, seed=3, reference_date=REFERENCE)
    reserve = result.reserve
    used: set[str] = set()
    for _, dropped in result.sample.iterrows():
        left_in_stratum = reserve[
            (reserve["stratum"] == dropped["stratum"]) & ~reserve["case_id"].isin(used)
        ]
        chosen = next_reserve(reserve, used, dropped)
        if chosen is None:
            assert len(used) == len(reserve)
            break
        if len(left_in_stratum):
            assert (
                chosen["case_id"] == left_in_stratum.sort_values("reserve_order").iloc[0]["case_id"]
            )
        else:
            unused = reserve[~reserve["case_id"].isin(used)]
            assert chosen["case_id"] == unused.sort_values("reserve_order").iloc[0]["case_id"]
        used.add(chosen["case_id"])
    assert used == set(reserve["case_id"])
