"""Tidy CSV output of a report, in the layout of the published annex CSVs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..analysis import TABLE_COLUMNS, TablesReport
from ..outputs import write_csv as _write_csv_atomic
from ..outputs import write_text_atomic

__all__ = ["tidy_frame", "write_csv", "write_provenance"]

_EXTRA = ("yes", "ci_low", "ci_high", "significant", "p", "p_adjusted", "test", "df")


def tidy_frame(report: TablesReport) -> pd.DataFrame:
    """The report's cells as printed in ``tables.csv``: strings, '' for empty."""
    cells = report.cells
    out = pd.DataFrame(index=cells.index)
    for column in TABLE_COLUMNS[:5]:
        out[column] = cells[column].astype(str)
    out["n"] = [_fmt(v, 0) for v in cells["n"]]
    out["pct"] = [_fmt(v, 1) for v in cells["pct"]]
    out["yes"] = [_fmt(v, 0) for v in cells["yes"]]
    out["ci_low"] = [_fmt(v, 1) for v in cells["ci_low"]]
    out["ci_high"] = [_fmt(v, 1) for v in cells["ci_high"]]
    out["significant"] = ["true" if v else "false" for v in cells["significant"]]
    # Full precision, so a small p never reads as zero: 1.234e-07, not 0.000000.
    out["p"] = [_full(v) for v in cells["p"]]
    out["p_adjusted"] = [_full(v) for v in cells["p_adjusted"]]
    out["test"] = cells["test"].fillna("").astype(str) if "test" in cells else ""
    out["df"] = [_fmt(v, 0) for v in cells["df"]] if "df" in cells else ""
    columns = list(TABLE_COLUMNS) + list(_EXTRA)
    if "suppressed" in cells.columns:
        out["suppressed"] = cells["suppressed"].fillna("").astype(str)
        columns.append("suppressed")
    return out[columns]


def write_csv(report: TablesReport, path: str | Path) -> Path:
    """Write ``tables.csv``; byte-identical for identical reports.

    Written atomically, formula-like cells neutralised (:func:`caseinspect.outputs.write_csv`).
    """
    return _write_csv_atomic(tidy_frame(report), Path(path))


def write_provenance(report: TablesReport, path: str | Path) -> Path:
    """Write ``provenance.json``: software, framework and data fingerprints, settings."""
    return write_text_atomic(
        Path(path), json.dumps(report.provenance.as_dict(), indent=2, sort_keys=True) + "\n"
    )


def _full(value) -> str:
    """A p-value at full precision: Python's shortest round-trip form, which switches to
    scientific notation below 1e-4 (``3.2e-05``), so a tiny p never prints as 0."""
    if value is None or value is pd.NA or pd.isna(value):
        return ""
    return repr(float(value))


def p_text(value) -> str:
    """A p-value as printed for readers: three decimals, ``<0.001`` below that.

    Examples
    --------
    >>> p_text(0.04321), p_text(3.2e-05), p_text(None)
    ('0.043', '<0.001', '')
    """
    if value is None or value is pd.NA or pd.isna(value):
        return ""
    return "<0.001" if float(value) < 0.001 else f"{float(value):.3f}"


def _fmt(value, decimals: int) -> str:
    if value is None or value is pd.NA or pd.isna(value):
        return ""
    return f"{float(value):.{decimals}f}"
