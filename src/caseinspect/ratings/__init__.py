"""Ratings: each provider rated per standard and overall.

Case-based standards are rated from the share of applicable cases judged sufficient on
their lowest key question; judgement-based standards from inspectors' recorded
judgements; a ratings panel may override any rating with a reason. The thresholds,
scores and overall bands are the framework's ``ratings:`` data.
"""

from ._figure import PALETTE, ratings_figure
from ._rate import NOT_RATED, WITHHELD, RatingsResult, rate_providers
from ._rules import band_for_score, level_for_pct, rounded_pct
from ._write import write_ratings

__all__ = [
    "NOT_RATED",
    "PALETTE",
    "WITHHELD",
    "RatingsResult",
    "band_for_score",
    "level_for_pct",
    "rate_providers",
    "ratings_figure",
    "rounded_pct",
    "write_ratings",
]
