"""Case sampling: sample size, eligibility screening and a stratified, spread sample.

From a provider's eligible-case list, screen out the cases the framework excludes,
work out the sample size for the chosen confidence and margin, allocate it over strata
(gender × disposal × risk of serious harm in the 2018 framework) with any minimum
numbers, spread it over responsible officers and offices, and keep an ordered reserve;
:func:`next_reserve` says which reserve case replaces a case that drops out.
"""

from ._allocate import Allocation, allocate, interleave, largest_remainder
from ._draw import NOT_RECORDED, SampleResult, draw_sample
from ._eligibility import (
    DISPOSAL_TYPES,
    ELIGIBLE_COLUMNS,
    REQUIREMENTS,
    months_between,
    prepare_eligible,
    screen,
)
from ._reserve import next_reserve
from ._size import SampleSize, sample_size
from ._write import sample_paths, write_sample

__all__ = [
    "DISPOSAL_TYPES",
    "ELIGIBLE_COLUMNS",
    "NOT_RECORDED",
    "REQUIREMENTS",
    "Allocation",
    "SampleResult",
    "SampleSize",
    "allocate",
    "draw_sample",
    "interleave",
    "largest_remainder",
    "months_between",
    "next_reserve",
    "prepare_eligible",
    "sample_paths",
    "sample_size",
    "screen",
    "write_sample",
]
