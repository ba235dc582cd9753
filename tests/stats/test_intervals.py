"""Wilson intervals and Benjamini-Hochberg adjustment against published and independent values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from caseinspect.errors import UsageError
from caseinspect.stats import benjamini_hochberg, wilson_interval


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (score
        # interval without continuity correction), examples (i)-(iv).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998(k, n, low, high):
    got = wilson_interval(k, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_hand_computation():
    # k = 0: the upper limit is z^2 / (n + z^2); z = 1.959964 for 95%.
    z2 = 1.959963984540054**2
    assert wilson_interval(0, 20)[1] == pytest.approx(z2 / (20 + z2), rel=1e-12)
    # k = n/2: the interval is symmetric about 1/2.
    low, high = wilson_interval(50, 100)
    assert low + high == pytest.approx(1.0, rel=1e-12)


def _wilson_by_hand(k: int, n: int, level: float) -> tuple[float, float]:
    """Wilson (1927) written out: (k + z^2/2)/(n + z^2) +- z/(n + z^2) sqrt(k(n-k)/n + z^2/4)."""
    z = float(stats.norm.ppf(0.5 + level / 2))
    centre = (k + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * math.sqrt(k * (n - k) / n + z * z / 4)
    return max(centre - half, 0.0), min(centre + half, 1.0)


def test_wilson_vectorised_matches_an_independent_computation():
    rng = np.random.default_rng(1)
    n = rng.integers(1, 3000, 200)
    k = rng.integers(0, n + 1)
    for level in (0.8, 0.95, 0.99):
        low, high = wilson_interval(k, n, level)
        ref = np.array([_wilson_by_hand(int(a), int(b), level) for a, b in zip(k, n, strict=True)])
        np.testing.assert_allclose(low, ref[:, 0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(high, ref[:, 1], rtol=1e-10, atol=1e-12)
        ref_low, ref_high = proportion_confint(k, n, alpha=1 - level, method="wilson")
        np.testing.assert_allclose(low, ref_low, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(high, ref_high, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_wilson_closed_form_agrees_with_statsmodels(level):
    # The closed form replaced statsmodels on the hot path for import time (issue #12);
    # statsmodels stays the reference, scalar and vectorised, including n = 1 and k = n.
    n = np.array([1, 1, 2, 7, 30, 263, 3308, 100_000])
    k = np.array([0, 1, 1, 3, 30, 81, 1601, 99_999])
    low, high = wilson_interval(k, n, level)
    ref_low, ref_high = proportion_confint(k, n, alpha=1 - level, method="wilson")
    ref_low = np.where(k == 0, 0.0, ref_low)
    ref_high = np.where(k == n, 1.0, ref_high)
    np.testing.assert_allclose(low, ref_low, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(high, ref_high, rtol=1e-12, atol=1e-15)
    scalar = wilson_interval(81, 263, level)
    assert scalar == pytest.approx(
        proportion_confint(81, 263, alpha=1 - level, method="wilson"), rel=1e-12
    )


def test_wilson_edge_cases():
    low, high = wilson_interval([0, 5], [0, 5])
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert (low[1] < 1.0) and high[1] == 1.0
    with pytest.raises(UsageError):
        wilson_interval(6, 5)
    with pytest.raises(UsageError):
        wilson_interval(1, 5, level=95)


def test_bh_hand_example():
    # Sorted: .005, .01, .03, .04 -> .005*4/1=.02, .01*4/2=.02, .03*4/3=.04, .04*4/4=.04.
    got = benjamini_hochberg([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(got, [0.02, 0.04, 0.04, 0.02], rtol=1e-12)


def test_bh_monotone_step_up():
    # The step-up minimum: .04*3/2 = .06 exceeds .045*3/3 = .045, so both become .045.
    np.testing.assert_allclose(benjamini_hochberg([0.04, 0.045, 0.001]), [0.045, 0.045, 0.003])


def _bh_by_hand(p: list[float]) -> list[float]:
    """Benjamini-Hochberg step-up written out: q_(i) = min over j >= i of p_(j) m / j."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p[i] * m / rank)
        q[i] = running
    return q


def test_bh_matches_an_independent_step_up_with_ties_and_nan():
    rng = np.random.default_rng(7)
    p = np.round(rng.beta(0.5, 2, 300), 3)  # rounding makes ties
    ref = np.array(_bh_by_hand(p.tolist()))
    np.testing.assert_allclose(multipletests(p, method="fdr_bh")[1], ref, rtol=1e-12)
    np.testing.assert_allclose(benjamini_hochberg(p), ref, rtol=1e-12)
    with_nan = np.append(p, np.nan).reshape(7, 43)
    got = benjamini_hochberg(with_nan)
    assert got.shape == (7, 43) and np.isnan(got.ravel()[-1])
    np.testing.assert_allclose(got.ravel()[:-1], ref, rtol=1e-12)


def test_bh_rejects_bad_p():
    with pytest.raises(UsageError):
        benjamini_hochberg([0.2, 1.5])


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_the_estimate(kn):
    k, n = kn
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60))
def test_bh_properties(p):
    adjusted = benjamini_hochberg(p)
    p = np.asarray(p)
    assert np.all(adjusted >= p - 1e-15) and np.all(adjusted <= 1.0)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(adjusted[order]) >= -1e-15)  # order preserved
