"""A lean Newton-Raphson (IRLS) for binomial logistic fits on covariate-pattern cells.

Why not statsmodels here, when statsmodels is the project's choice everywhere else:
the annex tables of one round need about 1,500 logistic fits, each on a few to a few
hundred (events, trials) cells with at most 17 columns. The arithmetic of such a fit is a
few microseconds per iteration; statsmodels spends 5-10 ms per fit building the model,
family, link and results objects, the warnings machinery and the score-test design (the
round took 2-4 s, nearly all overhead). What is done here is exactly statsmodels' own
IRLS for the binomial family with the logit link -- the same start (mu = (y + 1/2) / 2),
the same updates (a weighted least-squares step on the working response, with the
link's clipping of mu to [eps, 1 - eps] in the weights), the same stopping rule (every
coefficient changing by at most ``tol`` between iterations, at most ``maxiter``
iterations) and the same covariance (the pseudo-inverse of the weighted design of the
last step) -- so the numbers do not change: ``tests/stats/test_irls.py`` checks
estimates, covariance, log-likelihood and score statistics against statsmodels to 1e-8,
separated fits included, and statsmodels stays in the package as that reference.

A model with few terms is fitted on the cells of its own terms only (for a model of
provider type and likelihood of reoffending, 6 cells however many cases): the binomial
likelihood of cells that share every model column is the likelihood of their union, so
the estimates and the case-level log-likelihood are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._distributions import bernoulli_loglik

__all__ = ["CellFit", "cells_of", "fit_cells", "fit_many", "score_statistic"]

_EPS = float(np.finfo(float).eps)
_CHUNK_ELEMENTS = 1 << 19


@dataclass(frozen=True, eq=False)
class CellFit:
    """A fitted logistic regression on cells (rows of (events, trials)).

    ``wexog`` is the weighted design of the last IRLS step, ``sqrt(w) * X``, from which
    statsmodels takes its covariance (``cov``); kept so that the covariance, needed only
    for final models, is computed only when asked for.
    """

    params: np.ndarray
    mu: np.ndarray
    llf: float
    converged: bool
    iterations: int
    wexog: np.ndarray

    def cov(self) -> np.ndarray:
        """Model-based covariance, ``pinv(wexog) pinv(wexog)'`` as statsmodels' GLM."""
        pinv = np.linalg.pinv(self.wexog)
        return pinv @ pinv.T


def _loglik(events: np.ndarray, trials: np.ndarray, mu: np.ndarray) -> float:
    """Case-level Bernoulli log-likelihood (no log C(n, k) constant)."""
    return bernoulli_loglik(events, trials, mu)


def fit_cells(
    X: np.ndarray,
    events: np.ndarray,
    trials: np.ndarray,
    *,
    tol: float = 1e-10,
    maxiter: int = 100,
) -> CellFit:
    """Maximum-likelihood logistic fit of (events, trials) per row of ``X``.

    Every row must have ``trials > 0``. One problem of :func:`fit_many`.

    Examples
    --------
    Two groups of 10 cases with 3 and 6 events: the odds ratio is (6/4) / (3/7) = 3.5.

    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> fit = fit_cells(X, np.array([3.0, 6.0]), np.array([10.0, 10.0]))
    >>> round(float(np.exp(fit.params[1])), 10), fit.converged
    (3.5, True)
    """
    return fit_many([(X, events, trials)], tol=tol, maxiter=maxiter)[0]


Problem = tuple[np.ndarray, np.ndarray, np.ndarray]


def fit_many(problems: list[Problem], *, tol: float = 1e-10, maxiter: int = 100) -> list[CellFit]:
    """Fit many small logistic regressions at once (``(X, events, trials)`` each).

    The problems are padded to a common shape (rows with no trials and columns whose
    coefficient is held at 0 change nothing) and iterated together, each stopping on its
    own rule, so that a table's forty outcomes cost about one fit's Python overhead.
    Problems of very different sizes are grouped so that padding stays small.
    """
    out: list[CellFit | None] = [None] * len(problems)
    # Buckets by number of rows (factors of 8), so a 6-cell model is not padded to 900.
    buckets: dict[int, list[int]] = {}
    for i, (X, _, _) in enumerate(problems):
        buckets.setdefault(int(np.log2(max(X.shape[0], 1)) // 3), []).append(i)
    for members in buckets.values():
        # Chunks of at most ~0.5M padded elements (4 MB per working array): big problems
        # gain nothing from batching and would otherwise hold hundreds of MB at once.
        size = max(problems[i][0].shape[0] for i in members) * max(
            problems[i][0].shape[1] for i in members
        )
        step = max(1, _CHUNK_ELEMENTS // max(size, 1))
        for start in range(0, len(members), step):
            chunk = members[start : start + step]
            fits = _fit_padded([problems[i] for i in chunk], tol, maxiter)
            for i, fit in zip(chunk, fits, strict=True):
                out[i] = fit
    return [f for f in out if f is not None]


def _fit_padded(problems: list[Problem], tol: float, maxiter: int) -> list[CellFit]:
    J = len(problems)
    R = max(p[0].shape[0] for p in problems)
    K = max(p[0].shape[1] for p in problems)
    X = np.zeros((J, R, K))
    events = np.zeros((J, R))
    trials = np.zeros((J, R))
    pad = np.ones((J, K))  # 1 on the diagonal of the Gram matrix for padded columns
    for j, (x, e, t) in enumerate(problems):
        X[j, : x.shape[0], : x.shape[1]] = x
        events[j, : len(e)] = e
        trials[j, : len(t)] = t
        pad[j, : x.shape[1]] = 0.0
    y = np.divide(events, trials, out=np.zeros_like(events), where=trials > 0)
    eye = np.eye(K)
    # Final values per problem, written when a problem stops.
    params = np.zeros((J, K))
    mu = np.zeros((J, R))
    root = np.zeros((J, R))
    iterations = np.zeros(J, dtype=int)
    converged = np.zeros(J, dtype=bool)
    # The problems still iterating, compacted whenever some stop.
    active = np.arange(J)
    Xa, ya, ta, pa = X, y, trials, pad[:, :, None] * eye
    mua = (ya + 0.5) / 2.0
    ea = np.log(mua / (1.0 - mua))
    pa_flat = pad
    old = np.zeros((J, K))
    ra = np.zeros((J, R))
    for iteration in range(1, maxiter + 1):
        p = np.minimum(np.maximum(mua, _EPS), 1.0 - _EPS)
        variance = p * (1.0 - p)
        ra = np.sqrt(ta * variance)
        wy = (ea + (ya - mua) / variance) * ra
        wX = Xa * ra[:, :, None]
        wXt = wX.transpose(0, 2, 1)
        gram = np.matmul(wXt, wX) + pa
        rhs = np.matmul(wXt, wy[:, :, None])[:, :, 0]
        new = _solve_many(gram, rhs, wX, wy, pa_flat)
        ea = np.matmul(Xa, new[:, :, None])[:, :, 0]
        mua = 1.0 / (1.0 + np.exp(-ea))
        conv = (np.abs(new - old) <= tol).all(axis=1)
        old = new
        done = conv | (iteration == maxiter)
        if done.any():
            finished = active[done]
            params[finished] = new[done]
            mu[finished] = mua[done]
            root[finished] = ra[done]
            iterations[finished] = iteration
            converged[finished] = conv[done]
            if done.all():
                break
            keep = ~done
            active = active[keep]
            Xa, ya, ta, pa, pa_flat = (
                Xa[keep],
                ya[keep],
                ta[keep],
                pa[keep],
                pa_flat[keep],
            )
            ea, mua, old = ea[keep], mua[keep], old[keep]
    fits = []
    for j, (x, e, t) in enumerate(problems):
        r, k = x.shape
        m = mu[j, :r].copy()
        fits.append(
            CellFit(
                params[j, :k].copy(),
                m,
                _loglik(e, t, m),
                bool(converged[j]),
                int(iterations[j]),
                x * root[j, :r, None],
            )
        )
    return fits


def _solve_many(
    gram: np.ndarray, rhs: np.ndarray, wX: np.ndarray, wy: np.ndarray, pad: np.ndarray
) -> np.ndarray:
    """The least-squares steps of a stack of problems.

    statsmodels solves each step with ``lstsq``; for a well-conditioned Gram matrix the
    normal equations (Cholesky) give the same solution to rounding and batch over the
    stack. Near-singular steps (separation drives some weights to ~1e-16) take
    ``lstsq`` one by one, as statsmodels does, so the drifting estimates follow the same
    path.
    """
    J, K = rhs.shape
    out = np.empty((J, K))
    good = np.ones(J, dtype=bool)
    try:
        chol = np.linalg.cholesky(gram)
        diag = np.diagonal(chol, axis1=1, axis2=2)
        good = diag.min(axis=1) > 1e-7 * diag.max(axis=1)
    except np.linalg.LinAlgError:
        good[:] = False
    if good.any():
        z = np.linalg.solve(chol[good], rhs[good][:, :, None])
        out[good] = np.linalg.solve(chol[good].transpose(0, 2, 1), z)[:, :, 0]
    for j in np.flatnonzero(~good):
        real = pad[j] == 0
        out[j] = 0.0
        out[j, real] = np.linalg.lstsq(wX[j][:, real], wy[j], rcond=None)[0]
    return out


def cells_of(codes: list[np.ndarray], sizes: list[int], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by the codes of a model's terms: (first row of each cell, cell of each row).

    Examples
    --------
    >>> import numpy as np
    >>> first, inverse = cells_of([np.array([0, 1, 0, 1]), np.array([0, 0, 0, 1])], [2, 2], 4)
    >>> first.tolist(), inverse.tolist()
    ([0, 1, 3], [0, 1, 0, 2])
    """
    if not codes:
        return np.zeros(1, dtype=np.int64), np.zeros(n, dtype=np.int64)
    total = 1
    for s in sizes:
        total *= max(int(s), 1)
    if total <= 1 << 20:
        key = np.zeros(n, dtype=np.int64)
        for c, s in zip(codes, sizes, strict=True):
            key = key * max(int(s), 1) + c
        seen = np.zeros(total, dtype=bool)
        seen[key] = True
        slot = np.cumsum(seen) - 1
        inverse = slot[key]
        first = np.full(int(seen.sum()), n, dtype=np.int64)
        np.minimum.at(first, inverse, np.arange(n))
        return first, inverse
    stacked = np.column_stack(codes)
    _, first, inverse = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order], rank[inverse]


def score_statistic(
    X: np.ndarray,
    events: np.ndarray,
    trials: np.ndarray,
    mu: np.ndarray,
    model: np.ndarray,
    extra: np.ndarray,
) -> float:
    """Rao score statistic of adding columns ``extra`` to columns ``model`` at ``mu``.

    The formula of statsmodels' ``GLMResults.score_test(exog_extra=...)``: with
    ``E = [X_model, X_extra]``, ``s = E'(events - trials mu)`` and the information
    ``H = E' diag(trials p (1 - p)) E`` (p = mu clipped to [eps, 1 - eps]), the statistic
    is ``s' H^-1 s``. Like statsmodels it is NaN when a fitted probability is exactly 0
    or 1, and raises :class:`numpy.linalg.LinAlgError` when ``H`` is singular; the caller
    then uses the pseudo-inverse form.
    """
    used = trials > 0
    if np.any((mu[used] == 0.0) | (mu[used] == 1.0)):
        return float("nan")
    columns = np.concatenate([model, extra])
    E = X[:, columns]
    p = np.clip(mu, _EPS, 1.0 - _EPS)
    w = trials * p * (1.0 - p)
    s = E.T @ (events - trials * mu)
    H = E.T @ (E * w[:, None])
    return float(s @ np.linalg.solve(H, s))
