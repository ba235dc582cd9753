"""The 2018 thresholds and bands at their boundaries (SPEC section 2)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from caseinspect.errors import CaseinspectError
from caseinspect.ratings import band_for_score, level_for_pct, rounded_pct


@pytest.mark.parametrize(
    ("sufficient", "n", "rounded", "level"),
    [
        (160, 200, 80, "Outstanding"),  # 80%
        (159, 200, 80, "Outstanding"),  # 79.5% rounds half up to 80%
        (397, 500, 79, "Good"),  # 79.4%
        (130, 200, 65, "Good"),  # 65%
        (129, 200, 65, "Good"),  # 64.5% rounds up
        (128, 200, 64, "Requires improvement"),  # 64%
        (100, 200, 50, "Requires improvement"),  # 50%
        (99, 200, 50, "Requires improvement"),  # 49.5% rounds up
        (247, 500, 49, "Inadequate"),  # 49.4%
        (0, 7, 0, "Inadequate"),
        (7, 7, 100, "Outstanding"),
        (2, 3, 67, "Good"),  # 66.67%
    ],
)
def test_whole_percentages_rounded_half_up(fw, sufficient, n, rounded, level):
    pct = rounded_pct(sufficient, n, "round_half_up_integer")
    assert pct == rounded
    assert level_for_pct(fw.ratings, pct).name == level


def test_without_rounding_79_5_is_good(fw):
    pct = rounded_pct(159, 200, "none")
    assert pct == Fraction(159, 2)
    assert level_for_pct(fw.ratings, pct).name == "Good"


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "Inadequate"),
        (5, "Inadequate"),
        (6, "Requires improvement"),
        (15, "Requires improvement"),
        (16, "Good"),
        (25, "Good"),
        (26, "Outstanding"),
        (30, "Outstanding"),
    ],
)
def test_overall_band_boundaries(fw, score, band):
    assert band_for_score(fw.ratings, score).name == band


def test_score_outside_every_band(fw):
    with pytest.raises(CaseinspectError, match="no overall band covers a score of 31"):
        band_for_score(fw.ratings, 31, "hmip-2018")
