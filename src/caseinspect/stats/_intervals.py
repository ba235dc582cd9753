"""Wilson score intervals for percentages and Benjamini-Hochberg adjusted p-values.

The Wilson interval is statsmodels' ``proportion_confint(method="wilson")`` written out in
closed form (same formula, same order of operations, z from
:func:`caseinspect.stats._distributions.normal_quantile`): importing
``statsmodels.stats.proportion`` imports ``scipy.stats`` and costs about half a second,
half the budget of the whole ``caseinspect tables`` command (issue #12, < 1 s). The tests
keep statsmodels as the reference (agreement to 1e-12). Benjamini-Hochberg is
statsmodels' ``multipletests(method="fdr_bh")``, imported only when an adjustment is asked
for. Both follow the project's conventions: arrays of any shape, NaN where there is
nothing to compute (n = 0, no test), checked input. The tests compare them with published
values and with computations written out independently.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..errors import UsageError

__all__ = ["benjamini_hochberg", "wilson_interval"]


def wilson_interval(
    k: ArrayLike, n: ArrayLike, level: float = 0.95
) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Wilson (1927) score interval for a proportion ``k / n``.

    Unlike the Wald interval it stays within [0, 1] and keeps close to its nominal
    coverage for small ``n`` and for percentages near 0 or 100 (Newcombe 1998), which is
    where many annex cells are.

    Parameters
    ----------
    k, n : int or array-like of int
        Successes and trials (broadcast together); ``0 <= k <= n``.
    level : float
        Confidence level.

    Returns
    -------
    (low, high)
        Floats for scalar input, arrays otherwise; NaN where ``n == 0``.

    Raises
    ------
    caseinspect.errors.UsageError
        If ``k`` is negative or above ``n``, or ``level`` is not in (0, 1).

    Examples
    --------
    0 out of 20: the upper limit is z^2 / (n + z^2) = 3.8415 / 23.8415.

    >>> low, high = wilson_interval(0, 20)
    >>> round(low, 4), round(high, 4)
    (0.0, 0.1611)
    >>> low, high = wilson_interval([81, 15], [263, 148])
    >>> low.round(4).tolist(), high.round(4).tolist()
    ([0.2553, 0.0624], [0.3662, 0.1605])
    """
    if not 0.0 < level < 1.0:
        raise UsageError(f"Confidence level must lie between 0 and 1 (got {level}).")
    scalar = np.ndim(k) == 0 and np.ndim(n) == 0
    k_arr, n_arr = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float))
    if np.any(k_arr < 0) or np.any(k_arr > n_arr):
        raise UsageError("Wilson interval needs 0 <= k <= n for every cell.")
    low = np.full(k_arr.shape, np.nan)
    high = np.full(k_arr.shape, np.nan)
    ok = n_arr > 0
    if ok.any():
        low[ok], high[ok] = _wilson(k_arr[ok], n_arr[ok], 1.0 - level)
    # At k = 0 (k = n) the limit is exactly 0 (1); rounding can leave 1e-17.
    low = np.where((k_arr == 0) & ok, 0.0, low)
    high = np.where((k_arr == n_arr) & ok, 1.0, high)
    if scalar:
        return float(low), float(high)
    return low, high


def _wilson(count: np.ndarray, nobs: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """statsmodels' Wilson interval (``proportion_confint``, two-sided), operation by operation.

    Written out rather than imported for start-up time (see the module docstring); the
    order of the floating-point operations is statsmodels', and the normal quantile
    differs from ``scipy.stats.norm.isf(alpha / 2)`` by at most a few units in the last
    place, so the limits agree to about 1e-15.
    """
    from ._distributions import normal_quantile

    crit = -normal_quantile(alpha / 2.0)
    q_ = count / nobs
    crit2 = crit**2
    denom = 1 + crit2 / nobs
    center = (q_ + crit2 / (2 * nobs)) / denom
    dist = crit * np.sqrt(q_ * (1.0 - q_) / nobs + crit2 / (4.0 * nobs**2))
    dist /= denom
    return np.clip(center - dist, 0, 1), np.clip(center + dist, 0, 1)


def benjamini_hochberg(pvalues: ArrayLike) -> np.ndarray:
    """Benjamini-Hochberg (1995) adjusted p-values (false discovery rate).

    The adjusted p of the i-th smallest of m p-values is ``min_{j >= i} p_(j) m / j``,
    capped at 1; rejecting where the adjusted p is below q controls the FDR at q for
    independent or positively dependent tests. NaN entries (no test) are ignored and
    stay NaN; m counts the others.

    Parameters
    ----------
    pvalues : array-like of float
        Any shape.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, same shape.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.005]).round(12).tolist()
    [0.02, 0.04, 0.04, 0.02]
    """
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    flat = p.ravel()
    ok = ~np.isnan(flat)
    if np.any((flat[ok] < 0) | (flat[ok] > 1)):
        raise UsageError("p-values must lie between 0 and 1.")
    if not ok.any():
        return out
    flat_out = out.ravel()
    flat_out[ok] = multipletests(flat[ok], method="fdr_bh")[1]
    return flat_out.reshape(p.shape)
