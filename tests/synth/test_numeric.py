"""The calibration's numerical tools, against hand-made references."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

from caseinspect.synth._numeric import (
    apportion,
    harmonise,
    ipf,
    rake_logit,
    rake_sample,
    split_two_rows,
)


@given(st.lists(st.floats(0.01, 1000), min_size=1, max_size=30), st.integers(0, 100_000))
@settings(max_examples=200, deadline=None)
def test_apportion_adds_up_and_stays_within_one(weights, total):
    out = apportion(weights, total)
    assert out.sum() == total
    quota = np.asarray(weights) * total / np.sum(weights)
    assert np.all(np.abs(out - quota) < 1 + 1e-9)


def test_apportion_known_values():
    assert apportion([2474, 834], 3308).tolist() == [2474, 834]
    assert apportion([1, 1, 1], 10).tolist() == [4, 3, 3]


def test_ipf_fits_margins_and_keeps_odds_ratios_and_zeros():
    seed = np.array([[1.0, 2.0, 0.0], [3.0, 1.0, 1.0]])
    fitted = ipf(seed, {0: np.array([60.0, 40.0]), 1: np.array([50.0, 30.0, 20.0])})
    assert np.allclose(fitted.sum(axis=1), [60, 40]) and np.allclose(
        fitted.sum(axis=0), [50, 30, 20]
    )
    assert fitted[0, 2] == 0
    odds = lambda t: t[0, 0] * t[1, 1] / (t[0, 1] * t[1, 0])  # noqa: E731
    assert odds(fitted) == pytest.approx(odds(seed))


def test_split_two_rows_keeps_totals_and_zeros():
    real = np.array([[10.4, 20.3, 0.0], [5.2, 9.6, 30.5]])
    out = split_two_rows(real, np.array([16, 30, 30]), 31)
    assert out.sum(axis=0).tolist() == [16, 30, 30] and out[0].sum() == 31 and out[0, 2] == 0


def test_harmonise_shifts_to_the_overall_rate():
    rates = harmonise(np.array([0.2, 0.5, np.nan]), np.array([100.0, 300.0, 50.0]), 0.45)
    assert (rates[:2] * [100, 300]).sum() / 400 == pytest.approx(0.45)
    assert np.isnan(rates[2]) and rates[0] < rates[1]


def test_rake_logit_reproduces_every_cell():
    rng = np.random.default_rng(0)
    codes = np.stack([rng.integers(0, 2, 500), rng.integers(0, 3, 500)], axis=1)
    codes[:, 1] = np.where(
        codes[:, 0] == 1, np.minimum(codes[:, 1] + 1, 2), codes[:, 1]
    )  # associated
    weights = rng.uniform(0.5, 2, 500)
    truth = expit(-0.5 + 0.8 * codes[:, 0] - 0.6 * codes[:, 1])
    overall = (weights * truth).sum() / weights.sum()
    by_variable = {
        v: np.array(
            [
                (weights * truth)[codes[:, v] == k].sum() / weights[codes[:, v] == k].sum()
                for k in range(3 if v else 2)
            ]
        )
        for v in (0, 1)
    }
    intercept, coef = rake_logit(codes, weights, overall, by_variable)
    fitted = expit(intercept + coef[0][codes[:, 0]] + coef[1][codes[:, 1]])
    for v, rates in by_variable.items():
        for k, rate in enumerate(rates):
            member = codes[:, v] == k
            assert (weights * fitted)[member].sum() / weights[member].sum() == pytest.approx(
                rate, abs=1e-9
            )


@pytest.mark.parametrize("exact", [True, False])
def test_rake_sample_hits_target_counts(exact):
    rng = np.random.default_rng(1)
    n = 6000
    c1, c2 = rng.integers(0, 4, n), rng.integers(0, 3, n)
    c2[:40] = -1  # not recorded
    eta = -0.3 + 0.4 * c1 - 0.3 * np.maximum(c2, 0)
    p = expit(eta)
    cells = [
        (np.zeros(n, dtype=int), np.array([round(p.sum())])),
        (c1, np.round(np.bincount(c1, p, 4))),
        (c2, np.round(np.bincount(c2[c2 >= 0], p[c2 >= 0], 3))),
    ]
    yes, shifts = rake_sample(eta + rng.logistic(size=n), eta, cells, exact=exact)
    tolerance = 2 if exact else 15
    for codes, targets in cells:
        counts = np.bincount(codes[codes >= 0], yes[codes >= 0], len(targets))
        assert np.abs(counts - targets).max() <= tolerance
    assert [len(s) for s in shifts] == [1, 4, 3]
