"""Renderers: write a :class:`~caseinspect.analysis.TablesReport` as CSV, XLSX, HTML, PDF.

Renderers only read the report model; they compute nothing. Heavy engines (openpyxl,
WeasyPrint, matplotlib) are imported lazily. The XLSX workbook and the HTML page (and the
PDF printed from it) share one layout of the printed annexes, :func:`annex_layout`; the
bulletin figures (:func:`report_figures`, drawn by :func:`figure_png`) read the same
cells (see ``docs/reports.md``). Other front ends (the web application) lay out and draw
reports through these public functions too.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analysis import TablesReport
from ..errors import InvalidArgument
from ._csv import tidy_frame, write_csv, write_provenance

if TYPE_CHECKING:
    from ._figures import CellRef, FigureData, FigureSpec, figure_png, report_figures
    from ._layout import AnnexTable, GridCell, GridRow, HeaderCell, RowGroup, annex_layout

# The layout and figure modules load when first used: the CSV output needs neither
# (start-up time of ``caseinspect tables --format csv``, issue #12).
_LAZY = {
    **dict.fromkeys(
        ("CellRef", "FigureData", "FigureSpec", "figure_png", "report_figures"), "._figures"
    ),
    **dict.fromkeys(
        ("AnnexTable", "GridCell", "GridRow", "HeaderCell", "RowGroup", "annex_layout"), "._layout"
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "FORMATS",
    "AnnexTable",
    "CellRef",
    "FigureData",
    "FigureSpec",
    "GridCell",
    "GridRow",
    "HeaderCell",
    "RowGroup",
    "annex_layout",
    "figure_png",
    "report_figures",
    "tidy_frame",
    "write_csv",
    "write_figures",
    "write_html",
    "write_pdf",
    "write_provenance",
    "write_report",
    "write_xlsx",
]

#: ``figures`` writes ``figures/figure-NN-*.png`` and ``.svg``; it is opt-in (the HTML and
#: PDF already hold the figures).
FORMATS = ("csv", "xlsx", "html", "pdf", "figures")


def write_report(
    report: TablesReport, out_dir: str | Path, formats: tuple[str, ...] = ("csv", "xlsx", "html")
) -> dict[str, Path]:
    """Write the report into ``out_dir`` (created if needed); return the paths by format.

    Writes ``models.json`` (every model behind the shading) whenever significance was
    tested. Always writes ``provenance.json`` beside the tables, last: it exists only beside
    complete outputs (each output is written atomically). ``formats`` may add ``pdf`` and
    ``figures`` (a ``figures/`` folder of PNG and SVG files).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise InvalidArgument(
            f"unknown format(s) {sorted(unknown)}; choose from {', '.join(FORMATS)}"
        )
    written: dict[str, Path] = {}
    # A previous run's provenance must not vouch for a half-written new run.
    (out / "provenance.json").unlink(missing_ok=True)
    if "csv" in formats:
        written["csv"] = write_csv(report, out / "tables.csv")
    if report.shading is not None:
        from ._json import write_models_json

        written["models"] = write_models_json(report, out / "models.json")
    if "xlsx" in formats:
        written["xlsx"] = write_xlsx(report, out / "tables.xlsx")
    if "html" in formats:
        written["html"] = write_html(report, out / "tables.html")
    if "pdf" in formats:
        written["pdf"] = write_pdf(report, out / "tables.pdf")
    if "figures" in formats:
        write_figures(report, out / "figures")
        written["figures"] = out / "figures"
    written["provenance"] = write_provenance(report, out / "provenance.json")
    return written


def write_xlsx(report: TablesReport, path: str | Path, **options) -> Path:
    """Write ``tables.xlsx`` laid out as the printed annexes (see ``_xlsx.write_xlsx``)."""
    from ._xlsx import write_xlsx as _write

    return _write(report, path, **options)


def write_html(report: TablesReport, path: str | Path, **options) -> Path:
    """Write the self-contained ``tables.html`` (options: ``figures``, ``crown_copyright``)."""
    from ._html import write_html as _write

    return _write(report, path, **options)


def write_pdf(report: TablesReport, path: str | Path, **options) -> Path:
    """Write ``tables.pdf``, printed from the HTML by WeasyPrint."""
    from ._pdf import write_pdf as _write

    return _write(report, path, **options)


def write_figures(
    report: TablesReport, out_dir: str | Path, formats: tuple[str, ...] = ("png", "svg")
) -> list[Path]:
    """Write the bulletin figures as ``figure-NN-<slug>.png`` (and ``.svg``); return the paths."""
    from ._figures import write_figures as _write

    return _write(report, out_dir, formats)
