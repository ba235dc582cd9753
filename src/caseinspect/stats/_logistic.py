"""Binomial GLM fits (statsmodels) and the three classical tests on them.

Every fit takes (events, trials) per row, so the same code serves per-case rows
(``trials == 1``) and covariate patterns. The response is given to statsmodels as the
two-column (events, non-events) form, for which its score test is exact; with
``var_weights`` or ``freq_weights`` statsmodels warns that its score test is unverified.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ._distributions import bernoulli_loglik, chi2_sf

__all__ = [
    "GLMFit",
    "BlockTest",
    "Fitted",
    "case_loglik",
    "fit_binomial",
    "lr_test",
    "model_wald_test",
    "independent_indices",
    "not_testable",
    "score_test",
    "wald_test",
]

# Fitted probabilities this close to 0 or 1 mean an estimate has run off to infinity.
_BOUNDARY = 1e-8


@dataclass(frozen=True)
class BlockTest:
    """A test of a block of coefficients: chi-square form statistic, df, p.

    A test that cannot be computed has ``statistic`` and ``p`` NaN, ``df`` 0 and a
    ``reason``; it is never turned into p = 1 (which would read as "tested, nothing there").
    """

    test: str
    statistic: float
    df: int
    p: float
    reason: str | None = None
    df_denominator: float | None = None  # F tests: the denominator df (p from F(df, this))

    @property
    def testable(self) -> bool:
        return self.reason is None


#: Why a score test can have no information at all.
SPANNED = (
    "every column of the term is already spanned by the model (its levels coincide with "
    "levels of terms in the model)"
)
NO_INFORMATION = (
    "the cases on which the term could add information all have fitted probabilities of "
    "0 or 1 in the current model (quasi-complete separation), so its score test has no "
    "information"
)


def not_testable(test: str, reason: str) -> BlockTest:
    """A test that could not be computed, with the reason."""
    return BlockTest(test, float("nan"), 0, float("nan"), reason)


@dataclass(frozen=True, eq=False)
class GLMFit:
    """One binomial GLM fit on a subset of the design's columns."""

    columns: np.ndarray
    params: np.ndarray
    cov: np.ndarray
    llf: float
    mu: np.ndarray
    converged: bool
    boundary: bool
    messages: tuple[str, ...]
    result: Any  # statsmodels GLMResults, kept for its score test

    @property
    def bse(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.cov), 0, None))


class Fitted(Protocol):
    """What the tests need of a fit: its columns, estimates, covariance and fitted p."""

    @property
    def columns(self) -> np.ndarray: ...

    @property
    def params(self) -> np.ndarray: ...

    @property
    def cov(self) -> np.ndarray: ...

    @property
    def mu(self) -> np.ndarray: ...


def case_loglik(events: np.ndarray, trials: np.ndarray, mu: np.ndarray) -> float:
    """Bernoulli log-likelihood of the cases behind (events, trials) rows.

    This is the per-case log-likelihood whatever the rows are: it leaves out the
    ``log C(trials, events)`` constant that a binomial likelihood of patterns adds.
    """
    return bernoulli_loglik(events, trials, mu)


def fit_binomial(
    X: np.ndarray, events: np.ndarray, trials: np.ndarray, columns: np.ndarray
) -> GLMFit:
    """Fit a logistic regression of (events, trials) on ``X[:, columns]`` with statsmodels."""
    import statsmodels.api as sm  # the reference implementation; imported only when used

    exog = X[:, columns]
    endog = np.column_stack([events, trials - events])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = sm.GLM(endog, exog, family=sm.families.Binomial()).fit(
            tol=1e-10, tol_criterion="params", maxiter=100
        )
    messages = tuple(sorted({str(w.message).splitlines()[0] for w in caught}))
    mu = np.asarray(result.mu)
    used = trials > 0
    boundary = bool(np.any((mu[used] < _BOUNDARY) | (mu[used] > 1 - _BOUNDARY)))
    converged = bool(getattr(result, "converged", True))
    return GLMFit(
        columns=columns,
        params=np.asarray(result.params),
        cov=np.asarray(result.cov_params()),
        llf=case_loglik(events, trials, mu),
        mu=mu,
        converged=converged,
        boundary=boundary,
        messages=messages,
        result=result,
    )


def _chi2_p(statistic: float, df: int) -> float:
    return chi2_sf(statistic, df)


def lr_test(full: GLMFit, reduced: GLMFit) -> BlockTest:
    """Likelihood-ratio test of ``reduced`` (nested) against ``full``."""
    df = len(full.columns) - len(reduced.columns)
    statistic = max(2.0 * (full.llf - reduced.llf), 0.0)
    return BlockTest("lr", statistic, df, _chi2_p(statistic, df))


def wald_test(params: np.ndarray, cov: np.ndarray) -> float:
    """Wald statistic ``b' V^-1 b`` of a block (pseudo-inverse when V is singular)."""
    b = np.asarray(params, dtype=float)
    try:
        return float(b @ np.linalg.solve(cov, b))
    except np.linalg.LinAlgError:
        return float(b @ np.linalg.pinv(cov) @ b)


def model_wald_test(fit: GLMFit, positions: np.ndarray) -> BlockTest:
    """Model-based Wald test that the coefficients at ``positions`` of ``fit`` are 0."""
    statistic = wald_test(fit.params[positions], fit.cov[np.ix_(positions, positions)])
    return BlockTest("wald", statistic, len(positions), _chi2_p(statistic, len(positions)))


def score_test(fit: GLMFit, extra: np.ndarray) -> BlockTest:
    """Rao score test of adding the columns ``extra`` to ``fit``.

    Uses statsmodels' ``GLMResults.score_test(exog_extra=...)``, which evaluates the
    score and the efficient information of the extra block at the restricted estimates:
    ``U' (I_zz - I_zx I_xx^-1 I_xz)^-1 U`` with ``U = Z' (y - n mu)``. The tests check it
    against that formula computed directly.

    When statsmodels cannot give a finite statistic -- it returns NaN, or its information
    matrix is singular, when the current model has fitted probabilities of 0 or 1 (a
    small level with only events, say) -- the efficient score statistic is computed
    directly with pseudo-inverses (:func:`_score_statistic_pinv`), as R's
    ``anova(m0, m1, test = "Rao")`` effectively does: the boundary cases carry no
    information and drop out. A block with no information at all is *not testable*
    (``reason`` says why); it is never reported as p = 1.
    """
    extra = _independent_columns(fit.result.model.exog, extra)
    df = extra.shape[1]
    if df == 0:
        # Every candidate column is already spanned by the model (e.g. a level that
        # coincides with a level of a term in the model): there is nothing to test.
        return not_testable("score", SPANNED)
    statistic = float("nan")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            statistic = float(np.atleast_1d(fit.result.score_test(exog_extra=extra)[0])[0])
    except np.linalg.LinAlgError:
        pass
    if not np.isfinite(statistic):
        # On the boundary statsmodels' value is NaN or numerically unreliable; the
        # textbook formula with pseudo-inverses gives the statistic on the degrees of
        # freedom the information really has.
        statistic, df = _score_statistic_pinv(fit, extra)
        if df == 0 or not np.isfinite(statistic):
            return not_testable("score", NO_INFORMATION)
    return BlockTest("score", statistic, df, _chi2_p(statistic, df))


def _score_statistic_pinv(fit: GLMFit, extra: np.ndarray) -> tuple[float, int]:
    """``U' (I_zz - I_zx I_xx^+ I_xz)^+ U`` at the restricted estimates, and its rank."""
    model = fit.result.model
    trials = np.asarray(getattr(model, "n_trials", np.ones_like(model.endog)), dtype=float)
    events = np.asarray(model.endog, dtype=float) * trials
    mu: np.ndarray = np.asarray(fit.result.mu, dtype=float)
    weight = trials * mu * (1.0 - mu)
    X = np.asarray(model.exog, dtype=float)
    score = extra.T @ (events - trials * mu)
    i_xx = X.T @ (weight[:, None] * X)
    i_xz = X.T @ (weight[:, None] * extra)
    i_zz = extra.T @ (weight[:, None] * extra)
    efficient = i_zz - i_xz.T @ np.linalg.pinv(i_xx) @ i_xz
    rank = int(
        np.linalg.matrix_rank(efficient, tol=1e-8 * max(1.0, float(np.abs(efficient).max())))
    )
    if rank == 0:
        return 0.0, 0
    return float(score @ np.linalg.pinv(efficient, rcond=1e-8) @ score), rank


def _independent_columns(exog: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """The columns of ``extra`` that add to the span of ``exog`` (greedily, in order).

    A block whose columns are collinear with the model (or with each other) would make
    the score test's information matrix singular; its degrees of freedom are the number
    of columns that really add something, as SPSS counts them.
    """
    return extra[:, independent_indices(exog, extra)]


def independent_indices(exog: np.ndarray, extra: np.ndarray) -> list[int]:
    """Indices of the columns of ``extra`` kept by :func:`_independent_columns`."""
    kept: list[int] = []
    rank = np.linalg.matrix_rank(exog)
    for j in range(extra.shape[1]):
        trial = np.column_stack([exog, extra[:, kept + [j]]])
        new_rank = np.linalg.matrix_rank(trial)
        if new_rank > rank:
            kept.append(j)
            rank = new_rank
    return kept
