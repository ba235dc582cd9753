"""Collapsing cases to covariate patterns.

With categorical predictors only, every case falls in one of a few thousand distinct
covariate patterns (2 x 2 x 6 x 5 x 2 x 3 x 3 = 4,320 for the seven sub-group variables),
however many cases there are. The binomial likelihood of (events, trials) per pattern
differs from the Bernoulli likelihood of the cases only by the constant
``sum(log C(trials, events))``, so the maximum-likelihood estimates, the information
matrix (hence standard errors), score statistics and likelihood-ratio statistics are
identical; only the deviance shifts by a constant (the saturated model is per pattern
instead of per case), which cancels in every comparison of two models.

The collapse is one pass of :func:`numpy.bincount` over a mixed-radix code of the
pattern, which is faster than a ``groupby`` and needs no sorting.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["collapse"]

# Above this many possible patterns, find the distinct ones by sorting instead of
# counting into a dense array.
_DENSE_LIMIT = 1 << 22


def collapse(
    keys: Sequence[np.ndarray], sizes: Sequence[int], y: np.ndarray
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Collapse cases to distinct patterns of ``keys``.

    Parameters
    ----------
    keys : sequence of int arrays
        One non-negative code per case and key (term codes, and the cluster code when
        clustered); every case must be complete.
    sizes : sequence of int
        Number of possible codes of each key.
    y : array of 0/1
        The outcome of each case.

    Returns
    -------
    pattern_keys : list of int arrays
        Each key's code for each distinct pattern.
    events, trials : float arrays
        Events and cases per pattern (every pattern has at least one case).

    Examples
    --------
    >>> import numpy as np
    >>> k, e, t = collapse([np.array([0, 1, 1, 0, 1])], [2], np.array([1, 0, 1, 1, 1]))
    >>> k[0].tolist(), e.tolist(), t.tolist()
    ([0, 1], [2.0, 2.0], [2.0, 3.0])
    """
    n = len(y)
    if not keys:
        return [], np.array([float(y.sum())]), np.array([float(n)])
    total = 1
    for s in sizes:
        total *= max(int(s), 1)
    if total <= max(_DENSE_LIMIT, 4 * n):
        combined = np.zeros(n, dtype=np.int64)
        for key, size in zip(keys, sizes, strict=True):
            combined = combined * max(int(size), 1) + key
        trials = np.bincount(combined, minlength=total)
        events = np.bincount(combined, weights=y, minlength=total)
        index = np.flatnonzero(trials)
        trials, events = trials[index], events[index]
        pattern_keys = []
        rest = index
        for size in reversed(sizes):
            size = max(int(size), 1)
            pattern_keys.append(rest % size)
            rest = rest // size
        pattern_keys.reverse()
        return pattern_keys, events.astype(float), trials.astype(float)
    # Sparse case (many keys or many distinct numeric values): sort-based grouping.
    stacked = np.column_stack(keys)
    uniq, inverse = np.unique(stacked, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    trials = np.bincount(inverse, minlength=len(uniq)).astype(float)
    events = np.bincount(inverse, weights=y, minlength=len(uniq)).astype(float)
    return [uniq[:, j] for j in range(uniq.shape[1])], events, trials
