"""Cluster-robust (sandwich) inference for the logistic fit.

Cases are clustered within providers: two cases of one provider share its staff,
services and management, so they are not independent. We keep the maximum-likelihood
estimates of the ordinary logistic regression (so the odds ratios are the ones in every
other output) and replace the model-based covariance with the cluster-robust sandwich

    V = G / (G - 1) * B M B,   B = (X' W X)^-1,   M = sum_g s_g s_g',

where ``s_g`` is the sum of the score contributions ``x_i (y_i - mu_i)`` of cluster g.
This is exactly GEE with an *independence* working correlation and its robust
covariance, plus the usual G/(G-1) small-sample factor. With few clusters the sandwich is
biased downwards, so block tests refer ``W / q`` to an F(q, G - 1) distribution and single
coefficients to t(G - 1), rather than to chi-square and normal.

Because a cluster's score sum is a sum over its cases, it is also a sum over its
covariate patterns: the sandwich can be computed exactly from cluster x pattern rows.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from ._logistic import BlockTest, Fitted, wald_test

__all__ = ["robust_cov", "robust_wald_test", "t_quantile", "t_p"]


def robust_cov(
    fit: Fitted,
    X: np.ndarray,
    events: np.ndarray,
    trials: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
) -> np.ndarray:
    """Cluster-robust covariance (CR1: factor G/(G-1)) of ``fit``'s coefficients."""
    exog = X[:, fit.columns]
    resid = events - trials * fit.mu
    scores = exog * resid[:, None]
    sums = np.column_stack(
        [
            np.bincount(groups, weights=scores[:, j], minlength=n_groups)
            for j in range(exog.shape[1])
        ]
    )
    meat = sums.T @ sums
    bread = fit.cov
    factor = n_groups / (n_groups - 1) if n_groups > 1 else np.inf
    return factor * bread @ meat @ bread


def robust_wald_test(
    params: np.ndarray, cov: np.ndarray, positions: np.ndarray, n_groups: int
) -> BlockTest:
    """Robust Wald test of a block; p from F(q, G - 1) on W / q."""
    q = len(positions)
    statistic = wald_test(params[positions], cov[np.ix_(positions, positions)])
    df_denominator = max(n_groups - 1, 1)
    p = float(stats.f.sf(statistic / q, q, df_denominator)) if q else float("nan")
    return BlockTest("robust-wald", statistic, q, p)


def t_quantile(level: float, n_groups: int) -> float:
    """Two-sided critical value of t(G - 1) for a ``level`` confidence interval."""
    return float(stats.t.ppf(0.5 + level / 2, max(n_groups - 1, 1)))


def t_p(z: np.ndarray, n_groups: int) -> np.ndarray:
    """Two-sided p of ``z`` against t(G - 1)."""
    return 2.0 * stats.t.sf(np.abs(z), max(n_groups - 1, 1))
