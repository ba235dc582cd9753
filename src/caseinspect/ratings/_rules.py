"""Applying the framework's ratings rules: percentages to levels, scores to bands."""

from __future__ import annotations

from fractions import Fraction

from ..errors import CaseinspectError, InvalidArgument
from ..framework import OverallBand, RatingLevel, RatingsRules

__all__ = ["band_for_score", "level_for_pct", "rounded_pct"]


def rounded_pct(sufficient: int, n: int, rounding: str) -> Fraction:
    """The percentage ``100 · sufficient / n`` as the rules compare it with thresholds.

    ``"round_half_up_integer"`` rounds to a whole percentage, halves upwards (the
    published bands "65–79%" are whole percentages, so 79.5% counts as 80%); ``"none"``
    keeps the exact value. Integer arithmetic, so 64.5% is never 64.4999….

    Examples
    --------
    >>> rounded_pct(159, 200, "round_half_up_integer")   # 79.5%
    Fraction(80, 1)
    >>> rounded_pct(159, 200, "none")
    Fraction(159, 2)
    """
    if n <= 0:
        raise InvalidArgument("no applicable cases")
    if rounding == "round_half_up_integer":
        return Fraction((200 * sufficient + n) // (2 * n))
    if rounding == "none":
        return Fraction(100 * sufficient, n)
    raise CaseinspectError(f"unknown percentage rounding rule '{rounding}' in the framework")


def level_for_pct(rules: RatingsRules, pct: Fraction | float) -> RatingLevel:
    """The highest level whose ``min_pct`` the percentage reaches.

    Examples
    --------
    >>> from caseinspect.framework import load_framework
    >>> rules = load_framework("hmip-2018").ratings
    >>> [level_for_pct(rules, p).name for p in (80, 79, 65, 64, 50, 49)]
    ['Outstanding', 'Good', 'Good', 'Requires improvement', 'Requires improvement', 'Inadequate']
    """
    for level in rules.levels:  # highest first
        if pct >= Fraction(level.min_pct).limit_denominator(10**6):
            return level
    return rules.levels[-1]


def band_for_score(rules: RatingsRules, score: int, framework_id: str = "framework") -> OverallBand:
    """The overall band whose score range holds ``score``.

    Raises
    ------
    CaseinspectError
        If no band covers the score (e.g. bands written for ten standards applied to a
        provider with a different number).

    Examples
    --------
    >>> from caseinspect.framework import load_framework
    >>> rules = load_framework("hmip-2018").ratings
    >>> [band_for_score(rules, s).name for s in (5, 6, 15, 16, 25, 26)]
    ['Inadequate', 'Requires improvement', 'Requires improvement', 'Good', 'Good', 'Outstanding']
    """
    for band in rules.overall_bands:
        if band.min_score <= score <= band.max_score:
            return band
    ranges = ", ".join(f"{b.name} {b.min_score}-{b.max_score}" for b in rules.overall_bands)
    raise CaseinspectError(
        f"{framework_id}: no overall band covers a score of {score} (bands: {ranges}).",
        hint="the overall bands in the framework's ratings: block must cover every possible sum",
    )
