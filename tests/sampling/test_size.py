"""Sample size: the worked values of SPEC section 3 and the rounding rule."""

from __future__ import annotations

import math

import pytest

from caseinspect.errors import UsageError
from caseinspect.sampling import sample_size


@pytest.mark.parametrize(("population", "n"), [(10**9, 165), (1000, 142), (500, 124)])
def test_worked_values(population, n):
    assert sample_size(population).n == n


def test_n0_by_hand():
    # z for 80% two-sided is 1.2815515655446004 (standard normal 90th percentile).
    z = 1.2815515655446004
    assert sample_size(500).n0 == pytest.approx(z * z * 0.25 / 0.0025, rel=1e-12)
    assert sample_size(500).n0 == pytest.approx(164.2374, abs=1e-4)


def test_95_percent_textbook_value():
    # The familiar 385 for ±5 points at 95% confidence (n0 = 384.15) for a large population.
    assert sample_size(10**9, confidence=0.95).n == 385


def test_rounded_up_and_never_above_population():
    for population in range(1, 3001):
        s = sample_size(population)
        assert s.n <= population
        assert s.n - 1 < s.n_corrected <= s.n + 1e-9


def test_float_noise_is_not_rounded_up():
    # n0 = 100 exactly in real arithmetic (z = 2, p = 0.5, e = 0.1) but the float
    # computation may carry noise; with N huge the corrected value is a hair under 100.
    s = sample_size(10**12, confidence=math.erf(2 / math.sqrt(2)), margin=0.1)
    assert s.n == 100


@pytest.mark.parametrize(
    "kwargs",
    [
        {"population": 0},
        {"population": 10, "confidence": 1.0},
        {"population": 10, "margin": 0},
        {"population": 10, "proportion": 0},
        {"population": 2.5},
    ],
)
def test_bad_arguments(kwargs):
    with pytest.raises(UsageError):
        sample_size(**kwargs)
