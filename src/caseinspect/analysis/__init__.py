"""Analysis of a pooled round: annex tables, significance, and the report model.

:func:`compute_tables` counts; :func:`build_report` adds intervals, significance and
provenance and returns the :class:`TablesReport` that the renderers in
:mod:`caseinspect.reports` write out; :func:`check_tables` finds arithmetic
inconsistencies in any table of the tidy layout.
"""

from ._consistency import Inconsistency, check_tables, read_tables_csv
from ._disclosure import suppress, suppress_report
from ._report import SIGNIFICANCE_METHODS, Provenance, TablesReport, build_report
from ._significance import ModelSummary
from ._tables import TABLE_COLUMNS, compute_tables, round_half_up

__all__ = [
    "Inconsistency",
    "ModelSummary",
    "Provenance",
    "SIGNIFICANCE_METHODS",
    "TABLE_COLUMNS",
    "TablesReport",
    "build_report",
    "check_tables",
    "compute_tables",
    "read_tables_csv",
    "round_half_up",
    "suppress",
    "suppress_report",
]
