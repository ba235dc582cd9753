"""Exact profile counts from the joint distribution, and the chunk apportioning."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from caseinspect.synth._profile import draw_profile, hide_values, take_share


def test_draw_profile_gives_exact_counts_and_respects_zeros():
    # Targets are the joint's own margins (as the generator's are: fitted by IPF).
    joint = np.array([[0.3, 0.1, 0.0], [0.1, 0.2, 0.3]])
    for seed in range(5):
        codes = draw_profile(
            np.random.default_rng(seed),
            joint,
            1000,
            [np.array([400, 600]), np.array([400, 300, 300])],
        )
        assert np.bincount(codes[:, 0], minlength=2).tolist() == [400, 600]
        assert np.bincount(codes[:, 1], minlength=3).tolist() == [400, 300, 300]
        assert not ((codes[:, 0] == 0) & (codes[:, 1] == 2)).any()


def test_draw_profile_keeps_associations():
    joint = np.array([[0.4, 0.1], [0.1, 0.4]])
    codes = draw_profile(np.random.default_rng(1), joint, 20_000, [np.array([10_000, 10_000])] * 2)
    assert (codes[:, 0] == codes[:, 1]).mean() > 0.75


@given(
    st.lists(st.integers(0, 500), min_size=1, max_size=8),
    st.lists(st.integers(1, 300), min_size=1, max_size=12),
)
@settings(max_examples=100, deadline=None)
def test_take_share_over_chunks_is_exact(counts, chunks):
    remaining = np.array(counts)
    total = int(remaining.sum())
    sizes = []
    left = total
    for size in chunks:
        if left <= 0:
            break
        sizes.append(min(size, left))
        left -= sizes[-1]
    if left > 0:
        sizes.append(left)
    taken = np.zeros_like(remaining)
    for size in sizes:
        share = take_share(remaining, size)
        assert share.sum() == min(size, remaining.sum()) and np.all(share <= remaining)
        remaining = remaining - share
        taken += share
    assert taken.tolist() == counts


def test_hide_values_takes_the_asked_counts():
    codes = np.repeat([0, 1, 2], [50, 30, 20])
    hidden = hide_values(np.random.default_rng(0), codes, np.array([3, 0, 5]))
    assert np.bincount(codes[hidden], minlength=3).tolist() == [3, 0, 5]
