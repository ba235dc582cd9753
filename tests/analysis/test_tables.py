"""Annex tables recomputed from a hand-made case file.

Every expected number below was worked out by hand from tests/data/hmip_small.csv
(six cases), not taken from the code's output:

case  type  gender  age    accom  drug  needs_assess  delivery_accom
T-1   CRC   Male    18-20  yes    no    yes           yes
T-2   CRC   Male    21-24  yes    yes   no            no
T-3   CRC   Female  -      no     yes   yes           -
T-4   NPS   Male    18-20  yes    yes   yes           yes
T-5   NPS   -       50+    no     no    -             -
T-6   NPS   Female  50+    yes    no    yes           no
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from caseinspect.analysis import compute_tables, round_half_up
from caseinspect.cases import load_cases
from caseinspect.framework import load_framework


@pytest.fixture(scope="module")
def small_tables(data_dir_module):
    fw = load_framework("hmip-2018")
    cases = load_cases(data_dir_module / "hmip_small.csv", fw)
    return compute_tables(cases, fw)


@pytest.fixture(scope="module")
def data_dir_module():
    from pathlib import Path

    return Path(__file__).parents[1] / "data"


def cell(
    tables: pd.DataFrame,
    table: str,
    question: str,
    variable: str,
    category: str,
    split: str = "all",
):
    row = tables[
        (tables.table == table)
        & (tables.question == question)
        & (tables.variable == variable)
        & (tables.category == category)
        & (tables.provider_split == split)
    ]
    assert len(row) == 1, (table, question, variable, category)
    n, pct = int(row.n.iloc[0]), row.pct.iloc[0]
    return n, (None if math.isnan(pct) else pct)


@pytest.mark.parametrize(
    "variable, category, expected",
    [
        ("all", "All cases", (6, 66.7)),
        ("provider", "CRC", (3, 66.7)),
        ("provider", "NPS", (3, 66.7)),
        ("gender", "Male", (3, 100.0)),
        ("gender", "Female", (2, 50.0)),  # T-5 has no gender: in 'All cases' only
        ("age_group", "18-20", (2, 100.0)),
        ("age_group", "21-24", (1, 100.0)),
        ("age_group", "25-29", (0, None)),  # printed '-'
        ("age_group", "50+", (2, 50.0)),
    ],
)
def test_prevalence_of_accommodation(small_tables, variable, category, expected):
    assert cell(small_tables, "C1", "accommodation", variable, category) == expected


def test_prevalence_of_drug_misuse_and_mean_number_of_needs(small_tables):
    assert cell(small_tables, "C1", "drug_misuse", "all", "All cases") == (6, 50.0)
    # needs per case: 1, 2, 1, 2, 0, 1 -> 7 / 6 = 1.17; CRC 4 / 3 = 1.33; NPS 3 / 3 = 1.0
    assert cell(small_tables, "C1", "mean_number_of_needs", "all", "All cases") == (6, 1.2)
    assert cell(small_tables, "C1", "mean_number_of_needs", "provider", "CRC") == (3, 1.3)
    assert cell(small_tables, "C1", "mean_number_of_needs", "provider", "NPS") == (3, 1.0)


def test_items_absent_from_the_file_are_not_recorded(small_tables):
    # The file holds no ETE column: nothing applicable, not 0 %.
    assert cell(small_tables, "C1", "ete", "all", "All cases") == (0, None)


def test_sufficiency_counts_only_applicable_cases(small_tables):
    # needs_assessment answered for T-1, 2, 3, 4, 6; yes for T-1, 3, 4, 6
    assert cell(small_tables, "C3", "needs_assessment", "all", "All cases") == (5, 80.0)
    assert cell(small_tables, "C3", "needs_assessment", "gender", "Female") == (2, 100.0)
    # delivery for accommodation applies where the need was identified: T-1, 2, 4, 6
    assert cell(small_tables, "C5", "accommodation", "all", "All cases") == (4, 50.0)
    assert cell(small_tables, "C5", "accommodation", "gender", "Male") == (3, 66.7)
    assert cell(small_tables, "C5", "accommodation", "gender", "Female") == (1, 0.0)


def test_layout_matches_the_published_annex(small_tables):
    published = pd.read_csv(
        __import__("caseinspect.published", fromlist=["x"]).published_path("2018-19"),
        dtype=str,
        keep_default_na=False,
    )
    key = ["table", "question", "provider_split", "variable", "category"]
    ours = small_tables[key].astype(str)
    for table in ("C1", "C2", "C3", "C4", "C5", "C6"):
        # Row by row, then column by column, as printed (the published file orders its
        # tables C1, C2, C5, C6, C3, C4, so compare table by table).
        assert (
            ours[ours.table == table].values.tolist()
            == published[published.table == table][key].values.tolist()
        )


def test_split_tables_have_all_crc_nps_blocks():
    fw = load_framework("qi-2016")
    cases = pd.DataFrame(
        {
            "provider_type": ["CRC", "CRC", "NPS", "NPS"],
            "gender": ["Male", "Female", "Male", "Male"],
            "rosh": ["Low", "Medium", "High/Very high", "Low"],
            "risk_of_harm_children_sufficient": ["yes", "no", "yes", ""],
        }
    )
    tables = compute_tables(cases, fw, tables=["T7"])
    assert cell(tables, "T7", "risk_of_harm_children_sufficient", "all", "All cases") == (3, 66.7)
    assert cell(tables, "T7", "risk_of_harm_children_sufficient", "all", "All cases", "CRC") == (
        2,
        50.0,
    )
    assert cell(tables, "T7", "risk_of_harm_children_sufficient", "all", "All cases", "NPS") == (
        1,
        100.0,
    )
    assert cell(
        tables, "T7", "risk_of_harm_children_sufficient", "rosh", "High/Very high", "CRC"
    ) == (0, None)
    published = pd.read_csv(
        __import__("caseinspect.published", fromlist=["x"]).published_path("2016-17"),
        dtype=str,
        keep_default_na=False,
    )
    t7 = published[published.table == "T7"][
        ["provider_split", "variable", "category"]
    ].values.tolist()
    assert tables[["provider_split", "variable", "category"]].values.tolist() == t7


@pytest.mark.parametrize(
    "yes, n, expected",
    [
        (1, 8, 12.5),
        (1, 16, 6.3),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (0, 5, 0.0),
        (5, 5, 100.0),
        (1, 40, 2.5),
        (1, 80, 1.3),
    ],
)
def test_round_half_up_is_exact(yes, n, expected):
    assert float(round_half_up(yes, n)) == expected


def test_unknown_table_is_an_error():
    with pytest.raises(KeyError, match="Z9"):
        compute_tables(
            pd.DataFrame({"provider_type": ["CRC"]}), load_framework("qi-2016"), tables=["Z9"]
        )
