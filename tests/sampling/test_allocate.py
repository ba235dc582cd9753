"""Largest-remainder allocation, minimums and pick order, against hand computations."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseinspect.sampling import allocate, interleave, largest_remainder


def test_hamilton_by_hand():
    # Quotas 7·(50, 30, 20)/100 = 3.5, 2.1, 1.4: floors 3, 2, 1; the one seat left goes
    # to the largest remainder (0.5).
    assert largest_remainder([50, 30, 20], 7) == [4, 2, 1]
    # Quotas 10·(6, 3, 1)/10 = 6, 3, 1: exact.
    assert largest_remainder([6, 3, 1], 10) == [6, 3, 1]
    # Quotas 4·(1, 1, 1)/3 = 1.33 each: the seat goes to the first (equal weights, tie).
    assert largest_remainder([1, 1, 1], 4) == [2, 1, 1]


def test_ties_go_to_the_larger_weight():
    # Quotas 3·(3, 1)/4... use remainders equal: 2·(1, 3)/4 = 0.5, 1.5 → floors 0, 1,
    # remainders both 0.5: the seat goes to the larger stratum.
    assert largest_remainder([1, 3], 2) == [0, 2]


def test_caps_are_respected_and_the_rest_shared_again():
    # Quotas 10·(1, 1, 8)/10 = 1, 1, 8; the first may take none, so 10 is shared over
    # (1, 8): 1.11, 8.89 → 1, 9.
    assert largest_remainder([10, 10, 80], 10, caps=[0, 5, 10]) == [0, 1, 9]


@given(st.lists(st.integers(0, 200), min_size=1, max_size=12), st.data())
def test_largest_remainder_is_within_one_of_the_quota(weights, data):
    total_weight = sum(weights)
    total = data.draw(st.integers(0, total_weight if total_weight else 0))
    shares = largest_remainder(weights, total)
    assert sum(shares) == total
    if total_weight:
        for w, s in zip(weights, shares, strict=True):
            quota = Fraction(total * w, total_weight)
            assert quota - 1 < s < quota + 1


def test_minimum_on_a_stratum_variable_moves_cases_into_the_qualifying_strata():
    sizes = {("Female",): 10, ("Male",): 90}
    proportional = allocate(sizes, 20)
    assert proportional.allocated == {("Female",): 2, ("Male",): 18}
    result = allocate(sizes, 20, [("women", 5, {("Female",): 10})])
    assert result.allocated == {("Female",): 5, ("Male",): 15}
    assert result.quotas == ({("Female",): 5, ("Male",): 0},)
    assert result.notes == ()


def test_minimum_larger_than_available_is_capped_with_a_note():
    result = allocate({("F",): 3, ("M",): 97}, 20, [("women", 5, {("F",): 3})])
    assert result.allocated[("F",)] == 3
    assert result.targets == (3,)
    assert "only 3 possible" in result.notes[0]


def test_minimum_on_another_variable_sets_quotas_within_strata():
    # 12 ethnic-minority cases, 10 in stratum A (size 50), 2 in B (size 50); sample 10
    # (5 + 5). A minimum of 6 fits (A gives 5 of its 10, B 1 or 2): nothing moves.
    result = allocate({"A": 50, "B": 50}, 10, [("minority", 6, {"A": 10, "B": 2})])
    assert result.allocated == {"A": 5, "B": 5}
    assert sum(result.quotas[0].values()) == 6
    # A minimum of 8 does not (5 + 2 = 7): one place moves from B to A, and the quotas
    # are A 6, B 2.
    result = allocate({"A": 50, "B": 50}, 10, [("minority", 8, {"A": 10, "B": 2})])
    assert result.allocated == {"A": 6, "B": 4}
    assert result.quotas[0] == {"A": 6, "B": 2}


def test_interleave_keeps_prefixes_proportional():
    order = interleave({"a": 6, "b": 3, "c": 1})
    assert len(order) == 10
    for k in range(1, 11):
        prefix = order[:k]
        assert abs(prefix.count("a") - 0.6 * k) < 1.5
        assert abs(prefix.count("b") - 0.3 * k) < 1.5


@pytest.mark.parametrize("total", [0, 1, 5])
def test_empty_and_small(total):
    assert sum(largest_remainder([3, 0, 2], total)) == total
