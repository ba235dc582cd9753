"""The shipped calibration is the deterministic fit of the shipped published tables."""

from __future__ import annotations

import pytest

from caseinspect.synth._calibrate import calibrate, calibration_file, to_json
from caseinspect.synth._targets import profile_targets


def test_2016_17_profile_covers_every_published_n():
    """Derived 2016-17 profile counts are at least every table's n in their row."""
    import pandas as pd

    from caseinspect.published import published_path

    profile = profile_targets("2016-17")
    table = pd.read_csv(published_path("2016-17"), dtype={"category": str})
    from caseinspect.synth._spec import VARIABLES

    for (split, variable, category), rows in table[table["provider_split"] != "all"].groupby(
        ["provider_split", "variable", "category"]
    ):
        if variable == "all":
            continue
        v = [x.table_variable for x in VARIABLES].index(variable)
        s = ("CRC", "NPS").index(split)
        k = VARIABLES[v].categories.index(category)
        assert profile.recorded[(s, v)][k] >= rows["n"].fillna(0).max()
    assert sum(profile.n_by_type) == 1066


@pytest.mark.parametrize(
    "round_id",
    [
        "2016-17",
        pytest.param("2018-19", marks=pytest.mark.slow),
    ],
)
def test_shipped_calibration_is_current(round_id):
    assert to_json(calibrate(round_id)) == calibration_file(round_id).read_text(encoding="utf-8"), (
        "refit with: python -m caseinspect.synth._refit"
    )
