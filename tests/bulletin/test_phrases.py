"""The fraction-phrase rule at its boundaries, and against the bulletins' own phrases."""

from __future__ import annotations

import pytest

from caseinspect.bulletin import fraction_phrase, load_phrases
from caseinspect.errors import InvalidArgument
from caseinspect.framework import load_framework


@pytest.mark.parametrize(
    ("yes", "n", "phrase"),
    [
        # As printed in bulletin 2020/03 (counts from its tables): the rule gives the same words.
        (2785, 3308, "over four-fifths"),  # 84.2% thinking and behaviour
        (1740, 3308, "just over half"),  # 52.6% lifestyle
        (1548, 3308, "nearly half"),  # 46.8% four or more needs
        (1, 3, "a third"),  # exactly a third: no qualifier
        (2, 3, "two-thirds"),
        (69, 100, "about seven in ten"),  # 2020/03: "about seven out of ten (69%)"
        (81, 100, "about four-fifths"),  # 2018/01: "about four in five (81%)"
    ],
)
def test_published_phrases(yes, n, phrase):
    assert fraction_phrase(yes, n) == phrase


# Boundaries of the shipped qualifiers around the anchor 50 (half), in exact tenths of a point.
@pytest.mark.parametrize(
    ("yes", "phrase"),
    [
        (4951, "half"),  # d = -0.49 is in [-0.5, 0.5): no qualifier
        (4950, "half"),  # d = -0.5 is in [-0.5, 0.5)
        (4949, "about half"),  # d = -0.51
        (5049, "half"),  # d = +0.49
        (5050, "about half"),  # d = +0.5 starts [0.5, 2)
        (5199, "about half"),  # d = +1.99
        (5200, "just over half"),  # d = +2.0 starts [2, 4)
        (5399, "just over half"),  # d = +3.99
        (4800, "about half"),  # d = -2.0 is in [-2, -0.5)
        (4799, "nearly half"),  # d = -2.01
    ],
)
def test_qualifier_boundaries(yes, phrase):
    assert fraction_phrase(yes, 10000) == phrase


def test_over_needs_four_points_and_nearest_anchor_wins():
    # 54.0% is nearer 50 than 60: four points over half.
    assert fraction_phrase(5400, 10000) == "over half"
    # 55.0% is exactly between 50 and 60: the lower anchor wins (a stated tie rule).
    assert fraction_phrase(5500, 10000) == "over half"
    assert fraction_phrase(5501, 10000) == "nearly three in five"


def test_no_phrase_outside_the_range():
    assert fraction_phrase(749, 10000) == ""  # 7.49% < lowest 7.5
    assert fraction_phrase(750, 10000) == "nearly one in ten"
    assert fraction_phrase(9250, 10000) == "just over nine in ten"
    assert fraction_phrase(9251, 10000) == ""
    assert fraction_phrase(0, 5) == "" and fraction_phrase(5, 5) == ""


def test_uses_the_exact_share_not_the_rounded_percentage():
    # 2/3 = 66.67% rounds to 67% but is exactly two-thirds; 0.6649 rounds to 66% too.
    assert fraction_phrase(2, 3) == "two-thirds"
    assert fraction_phrase(6649, 10000) == "two-thirds"  # d = -0.18
    assert fraction_phrase(6610, 10000) == "about two-thirds"  # d = -0.57


def test_bad_counts_are_refused():
    with pytest.raises(InvalidArgument):
        fraction_phrase(3, 2)
    with pytest.raises(InvalidArgument):
        fraction_phrase(0, 0)


def test_bands_are_framework_data():
    for name in ("hmip-2018", "qi-2016"):
        bands = load_phrases(load_framework(name))
        assert ("50.0", "half") == (f"{bands.anchors[6][0]:.1f}", bands.anchors[6][1])
        assert bands.qualifiers[0][2] == "nearly"
