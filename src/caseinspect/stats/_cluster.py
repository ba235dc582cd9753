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

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ._logistic import BlockTest, Fitted, wald_test

__all__ = [
    "CORRECTIONS",
    "CR2",
    "cr2",
    "cr2_wald_test",
    "robust_cov",
    "robust_wald_test",
    "t_p",
    "t_quantile",
]


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
    p = float(_special().fdtrc(q, df_denominator, statistic / q)) if q else float("nan")
    return BlockTest("robust-wald", statistic, q, p, None, float(df_denominator))


def t_quantile(level: float, n_groups: int) -> float:
    """Two-sided critical value of t(G - 1) for a ``level`` confidence interval."""
    return float(_special().stdtrit(max(n_groups - 1, 1), 0.5 + level / 2))


def t_p(z: np.ndarray, n_groups: int) -> np.ndarray:
    """Two-sided p of ``z`` against t(G - 1)."""
    return np.asarray(2.0 * _special().stdtr(max(n_groups - 1, 1), -np.abs(z)))


def _special() -> Any:
    """``scipy.special``, imported when a cluster-robust test needs its t and F tails
    (not at import: it costs the ``tables`` command a tenth of a second, issue #12)."""
    from scipy import special

    return special


#: Small-sample corrections of the cluster-robust covariance.
CORRECTIONS = ("cr2", "stata")


@dataclass(frozen=True, eq=False)
class CR2:
    """The CR2 (Bell-McCaffrey) cluster-robust covariance of a fit, with what its
    Satterthwaite-type degrees of freedom need.

    Bell & McCaffrey (2002) adjust each cluster's residuals so that the sandwich is
    unbiased when the working model is right; the degrees of freedom of a test follow
    from the first two moments of the estimated variance (Satterthwaite), and for a
    block of q coefficients from the Hotelling-T^2 approximation "HTZ" of Pustejovsky &
    Tipton (2018). The adjustment is the one of R's clubSandwich for a GLM (its
    reference implementation): with response residuals r = y - mu, target variance
    Phi = diag(v), v = mu (1 - mu), and hat matrix K = V^1/2 X B X' V^1/2 of the working
    least squares, cluster j's adjustment is ``A_j = V^1/2 G_j^-1/2 V^1/2`` with
    ``G_j = V^2 - V^3/2 X_j B X_j' V^3/2`` (= V (I - K)_jj V), and ``V = B (sum_j
    X_j' A_j r_j r_j' A_j X_j) B``.

    Everything is computed exactly from cluster x pattern rows: the cases of one row
    share their design row and fitted probability, so ``G_j`` acts as a diagonal on
    vectors that sum to zero within each row and reduces to a rows x rows matrix on the
    rest; only pattern sums enter.
    """

    cov: np.ndarray
    bread: np.ndarray
    # per cluster: design rows Xc, L = V^1/2 Q^1/2 F Q^-1/2 V^1/2 (F = G_m^-1/2), v * t
    clusters: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]

    def p_array(self, contrasts: np.ndarray) -> np.ndarray:
        """clubSandwich's P array: ``P[s, t, j, k] = g_sj' g_tk`` under the working model."""
        G = len(self.clusters)
        q = contrasts.shape[0]
        b = self.bread @ contrasts.T  # p x q
        norms = np.zeros((q, q, G))
        c = np.zeros((G, q, self.bread.shape[0]))
        for g, (Xc, L, vt) in enumerate(self.clusters):
            alpha = L.T @ (Xc @ b)  # rows x q
            weighted = vt[:, None] * alpha
            norms[:, :, g] = alpha.T @ weighted
            c[g] = (Xc.T @ weighted).T
        flat = c.reshape(G * q, -1)
        P = -(flat @ self.bread @ flat.T).reshape(G, q, G, q).transpose(1, 3, 0, 2)
        for g in range(G):
            P[:, :, g, g] += norms[:, :, g]
        return P

    @cached_property
    def unit_p(self) -> np.ndarray:
        """The P array of every single coefficient (contrasts = identity), computed once."""
        return self.p_array(np.eye(self.bread.shape[0]))

    def df_of(self, positions: np.ndarray) -> float:
        """HTZ nu for the coefficients at ``positions`` (sub-array of :attr:`unit_p`)."""
        P = self.unit_p[np.ix_(positions, positions)]
        return self._htz(P)

    def df(self, contrasts: np.ndarray) -> float:
        """HTZ degrees of freedom nu of the hypothesis ``contrasts @ beta = 0`` (q rows).

        For a single coefficient this is the Satterthwaite (Bell-McCaffrey) df
        ``(sum of eigenvalues)^2 / (sum of squared eigenvalues)``.
        """
        return self._htz(self.p_array(contrasts))

    @staticmethod
    def _htz(P: np.ndarray) -> float:
        q = P.shape[0]
        omega = np.einsum("stjj->st", P)
        vals, vecs = np.linalg.eigh(omega)
        if not np.all(np.isfinite(vals)) or vals.min() <= 1e-12 * max(vals.max(), 0.0):
            # No variance to estimate (e.g. a coefficient drifting under separation).
            return float("nan")
        nsqrt = vecs @ np.diag(1.0 / np.sqrt(vals)) @ vecs.T
        Bjk = np.einsum("as,stjk,tb->abjk", nsqrt, P, nsqrt)
        total = 0.0
        for s in range(q):
            for t in range(q):
                total += float(np.sum(Bjk[s, t] * Bjk[t, s]) + np.sum(Bjk[s, s] * Bjk[t, t]))
        return q * (q + 1) / total


def cr2(
    fit: Fitted,
    X: np.ndarray,
    events: np.ndarray,
    trials: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
) -> CR2:
    """CR2 (Bell-McCaffrey) cluster-robust covariance of ``fit``; see :class:`CR2`.

    The tests check it against R's clubSandwich (``vcovCR(type = "CR2")``,
    ``coef_test(test = "Satterthwaite")``, ``Wald_test(test = "HTZ")``) and, with every
    case its own cluster, against HC2 (MacKinnon & White 1985).
    """
    exog = X[:, fit.columns]
    mu = fit.mu
    v = mu * (1.0 - mu)
    bread = fit.cov
    meat = np.zeros((exog.shape[1], exog.shape[1]))
    parts = []
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(n_groups + 1))
    for g in range(n_groups):
        idx = order[bounds[g] : bounds[g + 1]]
        idx = idx[trials[idx] > 0]
        Xc, vc, tc = exog[idx], v[idx], trials[idx]
        a = np.sqrt(tc) * vc**1.5
        G_m = np.diag(vc**2) - a[:, None] * (Xc @ bread @ Xc.T) * a[None, :]
        lam, vecs = np.linalg.eigh(G_m)
        F = (vecs / np.sqrt(np.clip(lam, 1e-300, None))) @ vecs.T
        root_v, root_t = np.sqrt(vc), np.sqrt(tc)
        L = (root_v * root_t)[:, None] * F * (root_v / root_t)[None, :]
        u = Xc.T @ (L @ (events[idx] - tc * mu[idx]))
        meat += np.outer(u, u)
        parts.append((Xc, L, vc * tc))
    return CR2(bread @ meat @ bread, bread, tuple(parts))


def cr2_wald_test(
    params: np.ndarray, adjusted: CR2, positions: np.ndarray
) -> tuple[BlockTest, float]:
    """HTZ Wald test of a block with the CR2 covariance; returns the test and its nu.

    ``F = (nu - q + 1) / (nu q) * W`` against F(q, nu - q + 1) (Pustejovsky & Tipton
    2018); ``statistic`` is W (chi-square form), ``df`` q.
    """
    q = len(positions)
    cov = adjusted.cov
    statistic = wald_test(params[positions], cov[np.ix_(positions, positions)])
    nu = adjusted.df_of(np.asarray(positions))
    df2 = nu - q + 1
    if not np.isfinite(nu) or not np.isfinite(statistic) or df2 <= 0:
        reason = (
            "its cluster-robust (CR2) test has no degrees of freedom to work with (the "
            "block's variance cannot be estimated from these clusters, e.g. under "
            "separation or when the block varies only between very few clusters)"
        )
        return BlockTest("robust-wald", float("nan"), 0, float("nan"), reason), nu
    F = max((nu - q + 1) / nu, 0.0) * statistic / q
    p = float(_special().fdtrc(q, df2, F))
    return BlockTest("robust-wald", statistic, q, p, None, float(df2)), nu
