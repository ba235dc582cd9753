"""Sample size for estimating a proportion, with the finite population correction."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm

from ..errors import UsageError

__all__ = ["SampleSize", "sample_size"]

# n is rounded *up*; a value that is an integer except for floating-point noise
# (e.g. 124.00000000001) must not become the next integer.
_ROUNDING_SLACK = 1e-9


@dataclass(frozen=True)
class SampleSize:
    """A sample size and how it was reached.

    Attributes
    ----------
    n : int
        The sample size: ``ceil(n_corrected)``, never more than the population.
    n0 : float
        Size for an infinite population, ``z² p (1 − p) / e²``.
    n_corrected : float
        After the finite population correction, ``n0 / (1 + (n0 − 1) / N)``.
    z : float
        Two-sided standard normal quantile for the confidence level.
    population, confidence, margin, proportion
        The inputs.
    """

    n: int
    n0: float
    n_corrected: float
    z: float
    population: int
    confidence: float
    margin: float
    proportion: float


def sample_size(
    population: int,
    confidence: float = 0.80,
    margin: float = 0.05,
    proportion: float = 0.5,
) -> SampleSize:
    """Cases needed to estimate a proportion to ``±margin`` at ``confidence``.

    Parameters
    ----------
    population : int
        Number of eligible cases, N (at least 1).
    confidence : float
        Two-sided confidence level, strictly between 0 and 1 (default 0.80, as in the
        2018-19 inspections).
    margin : float
        Margin of error as a fraction, strictly between 0 and 1 (default 0.05).
    proportion : float
        Expected proportion, strictly between 0 and 1; 0.5 (the default) gives the
        largest, safest size.

    Returns
    -------
    SampleSize

    Raises
    ------
    UsageError
        If an argument is out of range.

    Examples
    --------
    >>> sample_size(10**9).n, sample_size(1000).n, sample_size(500).n
    (165, 142, 124)
    >>> round(sample_size(500).n0, 2)
    164.24
    """
    if isinstance(population, bool) or not isinstance(population, int) or population < 1:
        raise UsageError(f"population must be a whole number of at least 1, not {population!r}.")
    for name, value in (("confidence", confidence), ("margin", margin)):
        if not 0 < value < 1:
            raise UsageError(f"{name} must be strictly between 0 and 1, not {value!r}.")
    if not 0 < proportion < 1:
        raise UsageError(f"proportion must be strictly between 0 and 1, not {proportion!r}.")
    z = float(norm.ppf(0.5 + confidence / 2))
    n0 = z * z * proportion * (1 - proportion) / (margin * margin)
    corrected = n0 / (1 + (n0 - 1) / population)
    n = max(1, math.ceil(corrected - _ROUNDING_SLACK))
    return SampleSize(
        n=min(n, population),
        n0=n0,
        n_corrected=corrected,
        z=z,
        population=population,
        confidence=confidence,
        margin=margin,
        proportion=proportion,
    )
