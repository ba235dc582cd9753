"""``tables.xlsx``: the annex tables laid out as printed, for Excel users.

One sheet per table (``C1`` … or ``T1`` …) read from the same grid as the HTML page
(:func:`caseinspect.reports.annex_layout`): percentages are stored as numbers
(fractions with a ``0.0%`` format) so users can compute with them, counts as integers,
'-' and '*' as text. Then a ``Models`` sheet and an ``About`` sheet (provenance).

The workbook is byte-identical for identical reports: openpyxl stamps the save time into
``docProps/core.xml`` and every zip entry, so the archive is rewritten with fixed dates.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import datetime
from pathlib import Path

from ..analysis import TablesReport
from ._appendix import model_blocks
from ._layout import OGL_NOTE, AnnexTable, GridCell, annex_layout
from ._layout import crown_copyright as _ogl

__all__ = ["write_xlsx", "FIXED_TIMESTAMP"]

#: Written as the workbook's created / modified time and every zip entry's date, so that
#: the file depends only on the report (the time of writing is not part of the output).
FIXED_TIMESTAMP = datetime(2000, 1, 1, 0, 0, 0)

_NUMBER_FORMATS = {"n": "#,##0", "pct": "0.0%", "mean": "0.0"}
_SHADE = "C9DCF0"  # light blue, as the HTML; printed greys vanish on some screens
_HEAD = "E8ECF2"
_DATA_WIDTH = {"n": 8.0, "pct": 9.5, "mean": 11.0}


def write_xlsx(
    report: TablesReport, path: str | Path, *, crown_copyright: bool | None = None
) -> Path:
    """Write the report as ``tables.xlsx``.

    Parameters
    ----------
    report : TablesReport
    path : str or Path
    crown_copyright : bool, optional
        Add the Open Government Licence note to the About sheet (for reproduced published
        figures only). By default read from the report's ``published_source`` setting.

    Returns
    -------
    Path
        ``path``; the file is identical for identical reports.
    """
    try:
        from openpyxl import Workbook
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("XLSX output needs openpyxl: pip install openpyxl") from exc

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in annex_layout(report):
        _table_sheet(workbook.create_sheet(table.id), table)
    _models_sheet(workbook.create_sheet("Models"), report)
    _about_sheet(workbook.create_sheet("About"), report, _ogl(report, crown_copyright))
    workbook.properties.creator = "caseinspect"
    workbook.properties.title = report.title
    workbook.properties.created = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = Path(path)
    path.write_bytes(_fixed_dates(buffer.getvalue()))
    return path


# --- an annex table ------------------------------------------------------------------------
def _table_sheet(sheet, table: AnnexTable) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor=_HEAD)
    shade = PatternFill("solid", fgColor=_SHADE)
    thin = Side(style="thin", color="B8B8B8")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    first_data_col = 3

    sheet["A1"] = table.caption
    sheet["A1"].font = Font(bold=True, size=12)
    row = 3
    for header_row in table.header:
        col = first_data_col
        for head in header_row:
            cell = sheet.cell(row=row, column=col, value=head.label)
            for c in range(col, col + head.span):
                target = sheet.cell(row=row, column=c)
                target.fill, target.border, target.font = head_fill, box, bold
            cell.alignment = Alignment(horizontal="center", vertical="bottom", wrap_text=True)
            if head.span > 1:
                sheet.merge_cells(
                    start_row=row, start_column=col, end_row=row, end_column=col + head.span - 1
                )
            col += head.span
        sheet.row_dimensions[row].height = _header_height(header_row, table)
        row += 1
    freeze = sheet.cell(row=row, column=first_data_col).coordinate
    for group in table.groups:
        for index, grid_row in enumerate(group.rows):
            if group.label is None:
                sheet.cell(row=row, column=1, value=grid_row.label).font = bold
            else:
                if index == 0:  # the breakdown label on its first row only, as printed
                    sheet.cell(row=row, column=1, value=group.label).font = bold
                sheet.cell(row=row, column=2, value=grid_row.label)
            for offset, grid_cell in enumerate(grid_row.cells):
                cell = sheet.cell(row=row, column=first_data_col + offset)
                _put(cell, grid_cell, shade, bold_row=group.label is None)
                cell.border = box
            row += 1
    row += 1
    for note in table.notes:
        sheet.cell(row=row, column=1, value=note).font = Font(italic=True, size=9)
        row += 1
    sheet.freeze_panes = freeze
    sheet.column_dimensions["A"].width = max(
        12, *(len(g.label or "All cases") + 2 for g in table.groups)
    )
    sheet.column_dimensions["B"].width = max(
        10, *(len(r.label) + 2 for g in table.groups if g.label for r in g.rows)
    )
    for offset, kind in enumerate(table.column_kinds):
        sheet.column_dimensions[get_column_letter(first_data_col + offset)].width = _column_width(
            table, offset, kind
        )
    # Printed as the annexes are: landscape A4, the whole table one page wide.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _put(cell, grid_cell: GridCell, shade, *, bold_row: bool) -> None:
    from openpyxl.styles import Alignment, Font

    if grid_cell.status == "value":
        cell.value = grid_cell.value
        cell.number_format = _NUMBER_FORMATS[grid_cell.kind]
    else:
        cell.value = grid_cell.text  # '-' or '*'
        cell.alignment = Alignment(horizontal="right")
    if grid_cell.significant:
        # Bold as well as shaded: colour alone must not carry the meaning.
        cell.fill = shade
        cell.font = Font(bold=True)
    elif bold_row:
        cell.font = Font(bold=True)


def _column_width(table: AnnexTable, offset: int, kind: str) -> float:
    """Wide enough for the numbers; a one-column header gets room to wrap in 3 lines."""
    width = _DATA_WIDTH[kind]
    for header_row in table.header:
        position = 0
        for head in header_row:
            if position == offset and head.span == 1:
                longest_word = max((len(w) for w in head.label.split()), default=0)
                # Room to wrap in about three lines, but never less than the longest word
                # (a word broken across lines, "Accommo-dation", reads badly).
                width = max(width, min(16.0, len(head.label) / 2.6 + 2), longest_word * 1.15 + 2)
            position += head.span
    return width


def _header_height(header_row, table: AnnexTable) -> float:
    """Row height for wrapped header labels (openpyxl cannot auto-fit)."""
    lines = 1
    position = 0
    for head in header_row:
        width = sum(
            _column_width(table, position + i, table.column_kinds[position + i])
            for i in range(head.span)
        )
        lines = max(lines, math.ceil(len(head.label) * 1.1 / max(width - 1, 1)))
        position += head.span
    return 15.0 * min(lines, 8)


# --- models and provenance -----------------------------------------------------------------
def _models_sheet(sheet, report: TablesReport) -> None:
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor=_HEAD)
    sheet["A1"] = "Models behind the significance shading"
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A2"] = (
        "Per table column: the sub-group variables entered and removed step by step, and the final "
        "model's odds ratios (against each variable's reference category) with 95% confidence intervals."
    )
    row = 4
    blocks = model_blocks(report)
    if not blocks:
        sheet.cell(
            row=row,
            column=1,
            value="No models: significance was not tested, or model details are withheld.",
        )
    for block in blocks:
        sheet.cell(row=row, column=1, value=block.heading).font = bold
        row += 1
        n = f"; {block.n:,} cases in the model" if block.n is not None else ""
        sheet.cell(
            row=row,
            column=1,
            value=f"Method: {block.method}{n}. Significant: {', '.join(block.retained) or 'none'}.",
        )
        row += 1
        for warning in block.warnings:
            sheet.cell(row=row, column=1, value=f"Warning: {warning}").font = Font(italic=True)
            row += 1
        if block.steps:
            row = _small_table(
                sheet,
                row,
                ("Step", "Action", "Variable", "Test", "Statistic", "df", "p"),
                block.steps,
                bold,
                head_fill,
            )
        if block.coefficients:
            row = _small_table(
                sheet,
                row,
                ("Term", "Odds ratio", "95% CI", "p"),
                block.coefficients,
                bold,
                head_fill,
            )
        row += 1
    for letter, width in zip("ABCDEFG", (44, 12, 26, 10, 11, 6, 9), strict=True):
        sheet.column_dimensions[letter].width = width


def _small_table(sheet, row: int, header, rows, bold, fill) -> int:
    for col, label in enumerate(header, start=1):
        cell = sheet.cell(row=row, column=col, value=label)
        cell.font, cell.fill = bold, fill
    row += 1
    for values in rows:
        for col, value in enumerate(values, start=1):
            sheet.cell(row=row, column=col, value=_number_or_text(value))
        row += 1
    return row


def _number_or_text(value: str):
    """Odds ratios and statistics as numbers (Excel users sort them); the rest as text."""
    if re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value) if "." in value else int(value)
    return value


def _about_sheet(sheet, report: TablesReport, crown_copyright: bool) -> None:
    from openpyxl.styles import Alignment, Font

    provenance = report.provenance.as_dict()
    settings = provenance.pop("settings")
    sheet["A1"] = report.title
    sheet["A1"].font = Font(bold=True, size=12)
    rows = [
        ("Software", f"{provenance['software']} {provenance['software_version']}"),
        ("Framework", f"{provenance['framework']} {provenance['framework_version']}"),
        ("Framework fingerprint", provenance["framework_fingerprint"]),
        ("Data fingerprint", provenance["data_fingerprint"]),
        ("Cases", provenance["n_cases"]),
    ] + [(f"Setting: {key}", value) for key, value in sorted(settings.items())]
    row = 3
    for key, value in rows:
        sheet.cell(row=row, column=1, value=key).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=value).alignment = Alignment(horizontal="left")
        row += 1
    row += 1
    sheet.cell(row=row, column=1, value="Notes").font = Font(bold=True)
    for note in report.notes:
        row += 1
        sheet.cell(row=row, column=1, value=note)
    if crown_copyright:
        row += 2
        sheet.cell(row=row, column=1, value=OGL_NOTE)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 70


# --- reproducible bytes --------------------------------------------------------------------
def _fixed_dates(data: bytes) -> bytes:
    """Rewrite the xlsx archive with fixed entry dates and a fixed modified time."""
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()
