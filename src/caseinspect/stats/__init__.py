"""Statistics for the research bulletins: logistic regression and sub-group significance.

The bulletins mark a sub-group difference as significant when the sub-group variable is
retained by a forward stepwise binary logistic regression (SPSS ``FSTEP(LR)``: score-test
entry at p < .05, likelihood-ratio removal at p > .10, categorical variables as blocks).
This package does that, and the things the bulletins did not: a pre-specified model,
cluster-robust inference by provider, Benjamini-Hochberg adjustment and Wilson intervals.
See ``docs/statistics.md`` for the methodology.

Public API
----------
fit_logistic
    Logistic regression (enter, FSTEP(LR), FSTEP(Wald)) on a case table.
subgroup_significance, significance_table
    Significance flags for one outcome / many outcomes (annex table shading).
format_result
    A fitted model as a text report.
wilson_interval, benjamini_hochberg
    Intervals for percentages; false discovery rate adjustment.
"""

from ._engine import METHODS
from ._format import format_result
from ._intervals import benjamini_hochberg, wilson_interval
from ._regress import fit_logistic
from ._results import (
    Coefficient,
    LogisticResult,
    SignificanceResult,
    Step,
    TermCoding,
    TermSignificance,
    TermTest,
)
from ._significance import SIGNIFICANCE_METHODS, significance_table, subgroup_significance

__all__ = [
    "METHODS",
    "SIGNIFICANCE_METHODS",
    "Coefficient",
    "LogisticResult",
    "SignificanceResult",
    "Step",
    "TermCoding",
    "TermSignificance",
    "TermTest",
    "benjamini_hochberg",
    "fit_logistic",
    "format_result",
    "significance_table",
    "subgroup_significance",
    "wilson_interval",
]
