"""The few distribution functions the model tests need, without importing SciPy.

Why by hand: ``scipy.special`` is where these live, and it is the reference in the tests,
but importing it runs SciPy's array-API set-up (it clones NumPy's namespace, importing
``numpy.f2py`` and ``numpy.testing``), about 0.13 s of wall time on the reference machine:
an eighth of the one-second budget of the whole ``caseinspect tables`` command (issue
#12), for functions that take a few lines each for the cases the tests meet.

- :func:`chi2_sf` for a whole number of degrees of freedom (every likelihood-ratio and
  score test of a logistic regression), from the closed forms of the chi-square upper
  tail (Abramowitz & Stegun 26.4.4-26.4.5): a finite sum of positive terms, so there is
  no cancellation. It agrees with ``scipy.special.chdtrc`` to a relative 4e-14 wherever
  the tail is above 1e-20, and to 2e-13 down to 1e-300 (``tests/stats/test_distributions.py``
  checks 1 to 60 df). A fractional df (the Satterthwaite-type df of the cluster-robust
  tests) or more than :data:`_MAX_CLOSED_FORM_DF` goes to SciPy.
- :func:`normal_two_sided_p` (``2 * norm.sf(|z|)``) from ``math.erfc``, and
  :func:`normal_quantile` from :class:`statistics.NormalDist` (Wichura's AS 241, accurate
  to about 1e-16).
- :func:`bernoulli_loglik`, ``xlogy(k, mu) + xlog1py(n - k, -mu)`` with NumPy's
  logarithms: a zero count contributes exactly 0, whatever the fitted probability.

None of them is used where SciPy is imported anyway (the cluster-robust tests use SciPy's
t and F distributions).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

__all__ = ["bernoulli_loglik", "chi2_sf", "normal_quantile", "normal_two_sided_p"]

#: Above this many degrees of freedom the sum of the closed form is long: SciPy instead.
_MAX_CLOSED_FORM_DF = 200
#: exp(-h) underflows a little above 745: the tail is then summed on the log scale.
_EXP_UNDERFLOW = 700.0
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_STANDARD_NORMAL = NormalDist()


def chi2_sf(statistic: float, df: float) -> float:
    """Upper tail ``P(X > statistic)`` of a chi-square with ``df`` degrees of freedom.

    NaN for ``df <= 0`` or a NaN statistic; 1 for a statistic at or below 0.

    Examples
    --------
    >>> round(chi2_sf(3.841458820694124, 1), 12)
    0.05
    >>> chi2_sf(2.0, 2) == math.exp(-1.0)
    True
    """
    if not df > 0 or math.isnan(statistic):
        return float("nan")
    if df != int(df) or df > _MAX_CLOSED_FORM_DF:
        from scipy import special

        return float(special.chdtrc(df, statistic))
    if statistic <= 0.0:
        return 1.0
    if math.isinf(statistic):
        return 0.0
    k = int(df)
    h = 0.5 * statistic
    if k % 2 == 0:
        # Q = exp(-h) * sum_{i < k/2} h^i / i!
        term = total = 1.0
        for i in range(1, k // 2):
            term *= h / i
            total += term
        return _times_exp_minus(h, total)
    # Q = erfc(sqrt(h)) + exp(-h) * sum_{i = 1}^{(k-1)/2} h^(i - 1/2) / Gamma(i + 1/2)
    tail = math.erfc(math.sqrt(h))
    if k == 1:
        return tail
    term = total = _TWO_OVER_SQRT_PI * math.sqrt(h)
    for i in range(1, (k - 1) // 2):
        term *= h / (i + 0.5)
        total += term
    return tail + _times_exp_minus(h, total)


def _times_exp_minus(h: float, total: float) -> float:
    """``exp(-h) * total``, on the log scale where ``exp(-h)`` alone would underflow."""
    if h < _EXP_UNDERFLOW:
        return math.exp(-h) * total
    return math.exp(math.log(total) - h)


def normal_two_sided_p(z: np.ndarray) -> np.ndarray:
    """``2 * P(Z > |z|)`` for a standard normal ``Z``, elementwise (NaN stays NaN).

    >>> normal_two_sided_p(np.array([0.0, 1.959963984540054])).round(3)
    array([1.  , 0.05])
    """
    values = np.abs(np.asarray(z, dtype=float)) / math.sqrt(2.0)
    return np.array([math.erfc(v) for v in values.ravel()], dtype=float).reshape(values.shape)


def normal_quantile(p: float) -> float:
    """The standard normal quantile: ``normal_quantile(0.975)`` is 1.96.

    >>> round(normal_quantile(0.975), 6)
    1.959964
    """
    return _STANDARD_NORMAL.inv_cdf(p)


def bernoulli_loglik(events: np.ndarray, trials: np.ndarray, mu: np.ndarray) -> float:
    """Case-level Bernoulli log-likelihood of cells (no log C(n, k) constant).

    ``sum(k log(mu) + (n - k) log(1 - mu))`` where a zero count adds 0 even at a fitted
    probability of 0 or 1, as ``scipy.special.xlogy`` and ``xlog1py`` do.

    >>> bernoulli_loglik(np.array([0.0, 2.0]), np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    0.0
    """
    failures = trials - events
    zero = np.where(np.isnan(mu), np.nan, 0.0)  # as xlogy: 0 * log(NaN) is NaN
    with np.errstate(divide="ignore", invalid="ignore"):
        event_part = np.where(events != 0, events * np.log(mu), zero)
        failure_part = np.where(failures != 0, failures * np.log1p(-mu), zero)
    return float(np.sum(event_part + failure_part))
