"""The shipped calibration is the deterministic fit of the shipped published tables."""

from __future__ import annotations

import json

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


#: How far a refit may move a shipped coefficient (logit scale). The fit is deterministic
#: for given numpy/scipy releases, but another release may move the last digits of an
#: iterative solution. 1e-3 on the logit scale moves any fitted rate by at most
#: 0.025 percentage points (dp/dlogit <= 1/4), far inside the 0.1-point rounding of the
#: published tables that the calibration reproduces.
COEFFICIENT_TOLERANCE = 1e-3


def _differences(fresh, shipped, path=""):
    """(path, fresh, shipped) for every number that differs beyond the tolerance, and
    every structural difference (keys, lengths, non-numbers), walking both JSON trees."""
    if isinstance(fresh, dict) and isinstance(shipped, dict):
        if set(fresh) != set(shipped):
            return [(path, sorted(fresh), sorted(shipped))]
        return [d for k in sorted(fresh) for d in _differences(fresh[k], shipped[k], f"{path}/{k}")]
    if isinstance(fresh, list) and isinstance(shipped, list):
        if len(fresh) != len(shipped):
            return [(path, len(fresh), len(shipped))]
        return [
            d
            for i, (a, b) in enumerate(zip(fresh, shipped, strict=True))
            for d in _differences(a, b, f"{path}[{i}]")
        ]
    numbers = (int, float)
    if isinstance(fresh, numbers) and isinstance(shipped, numbers):
        return [] if abs(fresh - shipped) <= COEFFICIENT_TOLERANCE else [(path, fresh, shipped)]
    return [] if fresh == shipped else [(path, fresh, shipped)]


def test_difference_walker_catches_what_it_must():
    assert _differences({"a": [1.0, 2.0]}, {"a": [1.0, 2.0 + COEFFICIENT_TOLERANCE / 2]}) == []
    assert _differences({"a": [1.0, 2.0]}, {"a": [1.0, 2.01]}) == [("/a[1]", 2.0, 2.01)]
    assert _differences({"a": 1}, {"b": 1}) == [("", ["a"], ["b"])]
    assert _differences({"a": [1]}, {"a": [1, 2]}) == [("/a", 1, 2)]
    assert _differences({"a": "x"}, {"a": "y"}) == [("/a", "x", "y")]


@pytest.mark.parametrize(
    "round_id",
    [
        "2016-17",
        pytest.param("2018-19", marks=pytest.mark.slow),
    ],
)
def test_shipped_calibration_is_current(round_id):
    """The shipped fit equals a fresh fit of the shipped tables, to COEFFICIENT_TOLERANCE.

    The file records the command and versions that made it (``made_with``), which are
    the only part allowed to differ.
    """
    fresh = json.loads(to_json(calibrate(round_id)))
    shipped = json.loads(calibration_file(round_id).read_text(encoding="utf-8"))
    assert shipped["made_with"]["command"] == "python -m caseinspect.synth._refit"
    fresh.pop("made_with"), shipped.pop("made_with")
    differences = _differences(fresh, shipped)
    assert not differences, (
        f"{len(differences)} value(s) differ beyond {COEFFICIENT_TOLERANCE}, first "
        f"{differences[:3]}; refit with: python -m caseinspect.synth._refit"
    )
