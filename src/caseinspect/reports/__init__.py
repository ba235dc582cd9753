"""Renderers: write a :class:`~caseinspect.analysis.TablesReport` as CSV, XLSX, HTML, PDF.

Renderers only read the report model; they compute nothing. Heavy engines (openpyxl,
WeasyPrint, matplotlib) are imported lazily.
"""

from __future__ import annotations

from pathlib import Path

from ..analysis import TablesReport
from ._csv import tidy_frame, write_csv, write_provenance

__all__ = ["FORMATS", "tidy_frame", "write_csv", "write_provenance", "write_report"]

FORMATS = ("csv", "xlsx", "html", "pdf")


def write_report(report: TablesReport, out_dir: str | Path, formats: tuple[str, ...] = ("csv", "xlsx", "html")) -> dict[str, Path]:
    """Write the report into ``out_dir`` (created if needed); return the paths by format.

    Always writes ``provenance.json`` beside the tables.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown format(s) {sorted(unknown)}; choose from {', '.join(FORMATS)}")
    written: dict[str, Path] = {"provenance": write_provenance(report, out / "provenance.json")}
    if "csv" in formats:
        written["csv"] = write_csv(report, out / "tables.csv")
    if "xlsx" in formats:
        from ._xlsx import write_xlsx

        written["xlsx"] = write_xlsx(report, out / "tables.xlsx")
    if "html" in formats:
        from ._html import write_html

        written["html"] = write_html(report, out / "tables.html")
    if "pdf" in formats:
        from ._pdf import write_pdf

        written["pdf"] = write_pdf(report, out / "tables.pdf")
    return written
