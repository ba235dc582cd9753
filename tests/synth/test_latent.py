"""The copulas keep every item's logistic margin and give the dependence they promise."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kstest, logistic

from caseinspect.synth._latent import NeedsCopula, StrengthsCopula, judgement_noise


@pytest.mark.parametrize(
    "copula",
    [
        NeedsCopula(0.5, 0.45, (3, 5)),
        StrengthsCopula(0.58, 1.37, (0.33, 0.05, 0.29, 0.22, 0.11)),
    ],
)
def test_margins_are_standard_logistic(copula):
    drawn = copula.draw(np.random.default_rng(0), 40_000)
    noise = drawn[0] if isinstance(drawn, tuple) else drawn
    for j in range(noise.shape[1]):
        assert kstest(noise[:, j], logistic.cdf).pvalue > 0.001


def test_judgement_noise_is_logistic_and_shares_the_factor():
    rng = np.random.default_rng(1)
    factors = {"quality": rng.standard_normal(40_000)}
    a = judgement_noise(rng, factors, {"quality": 0.6}, 40_000)
    b = judgement_noise(rng, factors, {"quality": 0.6}, 40_000)
    assert kstest(a, logistic.cdf).pvalue > 0.001
    assert np.corrcoef(a, b)[0, 1] > 0.25


def test_needs_facts_agree_with_simulation():
    """The quadrature used for tuning matches a brute-force simulation."""
    rng = np.random.default_rng(2)
    p = rng.uniform(0.1, 0.8, size=(40, 8))
    w = rng.uniform(0.5, 1.5, size=40)
    copula = NeedsCopula(0.5, 0.45, (3, 5))
    four, both = copula.facts(p, w)
    n = 200_000
    cell = rng.choice(40, n, p=w / w.sum())
    noise = copula.draw(rng, n)
    yes = np.log(p[cell] / (1 - p[cell])) + noise > 0
    assert (yes.sum(axis=1) >= 4).mean() == pytest.approx(four, abs=0.005)
    assert (yes[:, 3] & yes[:, 5]).mean() == pytest.approx(both, abs=0.005)
