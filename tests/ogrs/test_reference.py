"""OGRS3 equals an independent reference calculation, to 1e-9, at full precision.

``fixtures/reference_expected.csv`` was computed by ``fixtures/ogrs3_reference.R``
(written from the published model and the reference's 50-sanction cap, not from the Python
code) from ``fixtures/reference_inputs.csv``: eight people with more than 50 previous
sanctions, one with exactly 50 and one of the Ministry of Justice's worked examples. The
suite does not need R; rerun the script to regenerate the fixture.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from caseinspect.cli import main

FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "reference_expected.csv", dtype={"id": str}).set_index("id")


def test_batch_output_equals_the_reference_to_1e9(tmp_path, expected, capsys):
    out = tmp_path / "scores.csv"
    code = main(["ogrs3", "--batch", str(FIXTURES / "reference_inputs.csv"), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    got = pd.read_csv(out, dtype={"id": str}).set_index("id")
    assert (got.previous_sanctions > 50).sum() == 8  # the cases the cap is about
    for column in ("one_year", "two_year"):
        diff = (got[column] - expected.loc[got.index, column]).abs()
        assert diff.max() < 1e-9, diff.to_dict()


def test_more_than_50_previous_sanctions_score_as_50(tmp_path, expected):
    # r01 has 51 previous sanctions, r09 is the same person with 50.
    assert expected.loc["r01", "two_year"] == expected.loc["r09", "two_year"]
    out = tmp_path / "scores.csv"
    assert (
        main(["ogrs3", "--batch", str(FIXTURES / "reference_inputs.csv"), "--out", str(out)]) == 0
    )
    got = pd.read_csv(out, dtype={"id": str}).set_index("id")
    assert got.loc["r01", "two_year"] == got.loc["r09", "two_year"]


def test_batch_file_is_written_at_full_precision(tmp_path):
    out = tmp_path / "scores.csv"
    assert (
        main(["ogrs3", "--batch", str(FIXTURES / "reference_inputs.csv"), "--out", str(out)]) == 0
    )
    first = out.read_text(encoding="utf-8").splitlines()[1].split(",")
    one_year = first[-3]
    assert len(one_year.split(".")[1]) > 10  # not rounded to 4 places
