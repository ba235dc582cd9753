"""Agreement coefficients for two raters from a contingency table.

Percent agreement, Cohen's (1960) kappa and Gwet's (2008) AC1, unweighted. Kappa's
chance agreement uses each rater's own marginal distribution; when nearly every answer
falls in one category it approaches the observed agreement and kappa collapses (the
"paradoxes of kappa"). AC1's chance agreement, ``Σ π_k (1 − π_k) / (Q − 1)`` over the
mean marginals ``π_k``, stays small in that situation, which is why both are reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidArgument

__all__ = ["Coefficients", "agreement_coefficients"]


@dataclass(frozen=True)
class Coefficients:
    """Agreement between two raters over ``n`` subjects both rated.

    Attributes
    ----------
    n : int
        Subjects rated by both raters.
    agreement : float or None
        Observed proportion of agreement, ``p_o`` (0–1); None if ``n == 0``.
    kappa : float or None
        Cohen's kappa; None when undefined (``n == 0``, or both raters used one and the
        same category only, so that chance agreement is 1).
    ac1 : float or None
        Gwet's AC1; None if ``n == 0``.
    kappa_chance, ac1_chance : float or None
        The chance-agreement terms ``p_e`` of each coefficient.
    note : str or None
        Why a coefficient is missing, in words.
    """

    n: int
    agreement: float | None
    kappa: float | None
    ac1: float | None
    kappa_chance: float | None
    ac1_chance: float | None
    note: str | None = None


def agreement_coefficients(table: Sequence[Sequence[int]] | np.ndarray) -> Coefficients:
    """Percent agreement, Cohen's kappa and Gwet's AC1 from a Q×Q table of counts.

    Parameters
    ----------
    table : array-like of int, shape (Q, Q)
        ``table[i][j]`` counts subjects the first rater put in category ``i`` and the
        second in category ``j``. Q is the number of categories of the *scale* (2 for
        yes/no), even if a category was never used: AC1 depends on it.

    Returns
    -------
    Coefficients

    Examples
    --------
    Two readers of 50 grant proposals (yes/yes 20, yes/no 5, no/yes 10, no/no 15):

    >>> c = agreement_coefficients([[20, 5], [10, 15]])
    >>> round(c.agreement, 2), round(c.kappa, 2)
    (0.7, 0.4)

    Both raters always said "yes": kappa is undefined, AC1 is 1.

    >>> c = agreement_coefficients([[12, 0], [0, 0]])
    >>> c.kappa is None, c.ac1
    (True, 1.0)
    """
    t = np.asarray(table, dtype=np.int64)
    if t.ndim != 2 or t.shape[0] != t.shape[1] or t.shape[0] < 2:
        raise InvalidArgument(
            f"need a square table with at least 2 categories, got shape {t.shape}"
        )
    if (t < 0).any():
        raise InvalidArgument("counts cannot be negative")
    n = int(t.sum())
    if n == 0:
        return Coefficients(0, None, None, None, None, None, "no subject was rated by both raters")
    q = t.shape[0]
    rows = t.sum(axis=1)
    cols = t.sum(axis=0)
    p_o = float(np.trace(t)) / n
    # Cohen: chance agreement from each rater's own marginals. Decide "undefined" on the
    # integer counts, not on a float that may land a hair below 1.
    kappa_num = int((rows * cols).sum())
    p_e_kappa = kappa_num / (n * n)
    note = None
    if kappa_num == n * n:
        kappa = None
        note = "kappa undefined: both raters used a single category only"
    else:
        kappa = (p_o - p_e_kappa) / (1 - p_e_kappa)
    # Gwet AC1: chance agreement from the mean marginals over the Q categories of the scale.
    pi = (rows + cols) / (2.0 * n)
    p_e_ac1 = float((pi * (1 - pi)).sum()) / (q - 1)
    ac1 = (p_o - p_e_ac1) / (1 - p_e_ac1)
    return Coefficients(n, p_o, kappa, ac1, p_e_kappa, p_e_ac1, note)
