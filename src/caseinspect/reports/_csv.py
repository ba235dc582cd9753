"""Tidy CSV output of a report, in the layout of the published annex CSVs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..analysis import TABLE_COLUMNS, TablesReport

__all__ = ["tidy_frame", "write_csv", "write_provenance"]

_EXTRA = ("yes", "ci_low", "ci_high", "significant", "p", "p_adjusted")


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
    out["p"] = [_fmt(v, 6) for v in cells["p"]]
    out["p_adjusted"] = [_fmt(v, 6) for v in cells["p_adjusted"]]
    columns = list(TABLE_COLUMNS) + list(_EXTRA)
    if "suppressed" in cells.columns:
        out["suppressed"] = cells["suppressed"].fillna("").astype(str)
        columns.append("suppressed")
    return out[columns]


def write_csv(report: TablesReport, path: str | Path) -> Path:
    """Write ``tables.csv``; byte-identical for identical reports."""
    path = Path(path)
    tidy_frame(report).to_csv(path, index=False, lineterminator="\n")
    return path


def write_provenance(report: TablesReport, path: str | Path) -> Path:
    """Write ``provenance.json``: software, framework and data fingerprints, settings."""
    path = Path(path)
    path.write_text(
        json.dumps(report.provenance.as_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return path


def _fmt(value, decimals: int) -> str:
    if value is None or value is pd.NA or pd.isna(value):
        return ""
    return f"{float(value):.{decimals}f}"
