"""Analysis of a pooled round: annex tables, significance, and the report model.

:func:`compute_tables` counts; :func:`build_report` adds intervals, significance and
provenance and returns the :class:`TablesReport` that the renderers in
:mod:`caseinspect.reports` write out; :func:`check_tables` finds arithmetic
inconsistencies in any table of the tidy layout.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._report import SIGNIFICANCE_METHODS, Provenance, TablesReport, build_report
from ._significance import ModelSummary
from ._tables import TABLE_COLUMNS, compute_tables, round_half_up

if TYPE_CHECKING:
    from ._consistency import Inconsistency, check_tables, read_tables_csv
    from ._disclosure import suppress, suppress_report

# Imported when first used: ``tables`` needs neither the checks of a published table nor
# disclosure control unless asked (start-up time, issue #12).
_LAZY = {
    "Inconsistency": "._consistency",
    "check_tables": "._consistency",
    "read_tables_csv": "._consistency",
    "suppress": "._disclosure",
    "suppress_report": "._disclosure",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


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
