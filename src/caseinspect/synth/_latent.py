"""Latent factors that tie the items of one case together (copulas with logistic margins).

Every item is drawn as ``yes`` when ``eta + e > 0``, where ``eta`` is the item's fitted
logit and ``e`` is standard logistic *marginally*: ``e = logit(F(z))`` for a latent ``z``
whose CDF ``F`` is known exactly. The items' ``z`` share factors, so the items of a case
are dependent while each item keeps exactly the margins the calibration fitted.

Three structures, each chosen because it can reproduce what the bulletins publish:

* **Needs** (:class:`NeedsCopula`): a right-skewed "complex needs" factor (standardised
  exponential, loading ``general``) shared by all eight needs, plus a normal factor shared
  by drug misuse and lifestyle (loading ``pair``). A normal factor cannot bring the share
  with four or more needs down to the published 47% (with a mean of 3.6 needs, symmetric
  dependence barely moves it); a skewed one can, as a minority of cases with many needs.
* **Strengths** (:class:`StrengthsCopula`): a normal factor (loading ``general``) plus a
  "focal strength": each case has one strength the assessment centres on (drawn in
  proportion to prevalence) whose latent mean is raised by ``focus`` at the others'
  expense. The factor alone cannot give 27% none and 40% one together; the focal strength
  turns some cases with two strengths into cases with one.
* **Judgements** (:func:`judgement_noise`): normal case-quality factors (plain Gaussian
  copula).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from numpy.polynomial.laguerre import laggauss
from scipy.special import log_ndtr, ndtr

__all__ = ["NeedsCopula", "StrengthsCopula", "judgement_noise", "logistic_from_normal"]

_GRID = np.linspace(-12.0, 14.0, 52001)


def logistic_from_normal(z: np.ndarray) -> np.ndarray:
    """``logit(Phi(z))``, computed stably in the tails: a standard logistic variate."""
    return log_ndtr(z) - log_ndtr(-z)


def _inverse_on_grid(cdf_values: np.ndarray, probability: np.ndarray) -> np.ndarray:
    """Invert a CDF tabulated on :data:`_GRID` (monotone) by linear interpolation."""
    return np.interp(probability, cdf_values, _GRID)


@dataclass(frozen=True)
class NeedsCopula:
    """Skewed general factor on all needs plus a normal factor on a pair of needs."""

    general: float
    pair: float
    pair_items: tuple[int, ...]
    n_items: int = 8

    def _pair_loads(self) -> np.ndarray:
        loads = np.zeros(self.n_items)
        loads[list(self.pair_items)] = self.pair
        return loads

    def _log_cdf_both(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """log F(z) and log(1 - F(z)) of the latent (same for every need)."""
        a = self.general
        sigma = np.sqrt(1 - a * a)
        if a < 1e-9:
            return log_ndtr(z), log_ndtr(-z)
        y = z + a  # y = a*E + sigma*N with E ~ Exp(1): exponentially modified Gaussian
        log_tail = -y / a + sigma**2 / (2 * a * a) + log_ndtr(y / sigma - sigma / a)
        log_upper = np.logaddexp(log_ndtr(-y / sigma), log_tail)
        base = log_ndtr(y / sigma)
        ratio = np.minimum(np.exp(log_tail - base), 1 - 1e-16)
        log_lower = base + np.log1p(-ratio)
        return log_lower, log_upper

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Standard logistic noise for ``n`` cases x the needs (correlated as described)."""
        loads = self._pair_loads()
        general = rng.standard_exponential(n) - 1.0
        pair = rng.standard_normal(n)
        unique = rng.standard_normal((n, self.n_items))
        z = (
            self.general * general[:, None]
            + pair[:, None] * loads
            + unique * np.sqrt(1 - self.general**2 - loads**2)
        )
        lower, upper = self._log_cdf_both(z)
        return lower - upper

    def thresholds(self, p: np.ndarray) -> np.ndarray:
        """Latent thresholds ``F^-1(1-p)`` of items with probabilities ``p``."""
        lower, _ = self._log_cdf_both(_GRID)
        return _inverse_on_grid(np.exp(lower), 1 - p)

    def facts(self, p: np.ndarray, w: np.ndarray) -> tuple[float, float]:
        """P(four or more needs) and P(both pair needs) for cells with probabilities ``p``."""
        e_nodes, e_weights = laggauss(48)
        s_nodes, s_weights = hermegauss(16)
        s_weights = s_weights / s_weights.sum()
        t = self.thresholds(p)
        loads = self._pair_loads()
        scale = np.sqrt(1 - self.general**2 - loads**2)
        four = both = 0.0
        for s_node, s_weight in zip(s_nodes, s_weights, strict=True):
            mean = self.general * (e_nodes[None, :, None] - 1.0) + loads[None, None, :] * s_node
            q = ndtr((mean - t[:, None, :]) / scale)
            four += s_weight * float(w @ (_tail(q, 4) @ e_weights))
            a, b = self.pair_items[:2]
            both += s_weight * float(w @ ((q[..., a] * q[..., b]) @ e_weights))
        return four / w.sum(), both / w.sum()


@dataclass(frozen=True)
class StrengthsCopula:
    """Normal general factor plus a focal strength per case (see module docstring)."""

    general: float
    focus: float
    focal_shares: tuple[float, ...]

    def _means(self) -> tuple[np.ndarray, np.ndarray]:
        q = np.asarray(self.focal_shares)
        return self.focus * (1 - q), -self.focus * q  # latent mean when focal / not focal

    def _log_cdf_both(self, z: np.ndarray, j: int) -> tuple[np.ndarray, np.ndarray]:
        q = self.focal_shares[j]
        on, off = self._means()
        lower = np.logaddexp(np.log(q) + log_ndtr(z - on[j]), np.log1p(-q) + log_ndtr(z - off[j]))
        upper = np.logaddexp(np.log(q) + log_ndtr(on[j] - z), np.log1p(-q) + log_ndtr(off[j] - z))
        return lower, upper

    def draw(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Standard logistic noise for ``n`` cases x the strengths, and the general factor."""
        k = len(self.focal_shares)
        on, off = self._means()
        focal = np.searchsorted(
            np.cumsum(self.focal_shares), rng.random(n) * sum(self.focal_shares)
        )
        focal = np.minimum(focal, k - 1)
        general = rng.standard_normal(n)
        unique = rng.standard_normal((n, k))
        mean = np.where(np.arange(k)[None, :] == focal[:, None], on[None, :], off[None, :])
        z = mean + self.general * general[:, None] + np.sqrt(1 - self.general**2) * unique
        out = np.empty_like(z)
        for j in range(k):
            lower, upper = self._log_cdf_both(z[:, j], j)
            out[:, j] = lower - upper
        return out, general

    def thresholds(self, p: np.ndarray) -> np.ndarray:
        t = np.empty_like(p)
        for j in range(p.shape[1]):
            lower, _ = self._log_cdf_both(_GRID, j)
            t[:, j] = _inverse_on_grid(np.exp(lower), 1 - p[:, j])
        return t

    def facts(self, p: np.ndarray, w: np.ndarray) -> tuple[float, float]:
        """P(no strength) and P(exactly one) for cells with probabilities ``p``."""
        nodes, weights = hermegauss(32)
        weights = weights / weights.sum()
        t = self.thresholds(p)
        on, off = self._means()
        k = p.shape[1]
        scale = np.sqrt(1 - self.general**2)
        none = one = 0.0
        for f, share in enumerate(self.focal_shares):
            mean = np.where(np.arange(k) == f, on, off)
            q = ndtr(
                (mean[None, None, :] + self.general * nodes[None, :, None] - t[:, None, :]) / scale
            )
            dist = _distribution(q)
            none += share * float(w @ (dist[..., 0] @ weights))
            one += share * float(w @ (dist[..., 1] @ weights))
        return none / w.sum(), one / w.sum()


def judgement_noise(
    rng: np.random.Generator, factors: dict[str, np.ndarray], loadings: dict[str, float], n: int
) -> np.ndarray:
    """Standard logistic noise for one judgement item tied to the case's quality factors."""
    unique_sd = np.sqrt(max(1.0 - sum(v * v for v in loadings.values()), 0.0))
    z = unique_sd * rng.standard_normal(n)
    for name, loading in loadings.items():
        z += loading * factors[name]
    return logistic_from_normal(z)


def _distribution(q: np.ndarray) -> np.ndarray:
    dist = np.zeros(q.shape[:-1] + (q.shape[-1] + 1,))
    dist[..., 0] = 1.0
    for j in range(q.shape[-1]):
        p = q[..., j : j + 1]
        shifted = np.concatenate([np.zeros(dist.shape[:-1] + (1,)), dist[..., :-1]], axis=-1)
        dist = dist * (1 - p) + shifted * p
    return dist


def _tail(q: np.ndarray, at_least: int) -> np.ndarray:
    return _distribution(q)[..., at_least:].sum(axis=-1)
