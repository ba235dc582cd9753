"""``tables.xlsx``: the annex tables laid out as printed, for Excel users.

One sheet per table (``C1`` … or ``T1`` …) read from the same grid as the HTML page
(:func:`caseinspect.reports.annex_layout`): percentages are stored as numbers
(fractions with a ``0.0%`` format) so users can compute with them, counts as integers,
'-' and '*' as text; a percentage of too few cases keeps its number and shows the
unreliable mark through its number format. Then an ``Intervals`` sheet (every
percentage with its n and 95% Wilson interval, as numbers), a ``Models`` sheet (the model
appendix, numbers as numbers) and an ``About`` sheet (provenance and how shading was
decided).

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
from ._appendix import SmallTable, model_blocks
from ._layout import (
    INTERVAL_METHOD,
    OGL_NOTE,
    UNRELIABLE_MARK,
    AnnexTable,
    GridCell,
    annex_layout,
    interval_layout,
)
from ._layout import crown_copyright as _ogl

__all__ = ["write_xlsx", "FIXED_TIMESTAMP"]

#: Written as the workbook's created / modified time and every zip entry's date, so that
#: the file depends only on the report (the time of writing is not part of the output).
FIXED_TIMESTAMP = datetime(2000, 1, 1, 0, 0, 0)

_INTERVALS_NOTE = (
    f"Each percentage's {INTERVAL_METHOD} and number of applicable cases: sheet 'Intervals'."
)
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
    _intervals_sheet(workbook.create_sheet("Intervals"), report)
    _models_sheet(workbook.create_sheet("Models"), report)
    _about_sheet(workbook.create_sheet("About"), report, _ogl(report, crown_copyright))
    workbook.properties.creator = "caseinspect"
    workbook.properties.title = report.title
    workbook.properties.created = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    workbook.save(buffer)
    from ..outputs import write_bytes_atomic

    return write_bytes_atomic(Path(path), _fixed_dates(buffer.getvalue()))


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
    for note in (*table.notes, _INTERVALS_NOTE):
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
        if grid_cell.unreliable:
            # The mark is part of the format, so the cell stays a number.
            cell.number_format += f'"{UNRELIABLE_MARK}"'

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
def _intervals_sheet(sheet, report: TablesReport) -> None:
    """Every percentage with its n, yes count and 95% Wilson interval, one row each."""
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor=_HEAD)
    below = report.framework.layout.unreliable_below
    sheet["A1"] = f"Percentages with their {INTERVAL_METHOD} and applicable cases"
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A2"] = (
        f"Method: {INTERVAL_METHOD} for a proportion. 'unreliable': fewer than {below} "
        "applicable cases. Percentages and interval bounds are fractions with a % format."
    )
    headers = (
        "Table",
        "Column",
        "Row group",
        "Row",
        "n",
        "% yes",
        "CI low",
        "CI high",
        "Significant",
        "Unreliable",
    )
    for col, label in enumerate(headers, start=1):
        cell = sheet.cell(row=4, column=col, value=label)
        cell.font, cell.fill = bold, head_fill
    row = 5
    for table in interval_layout(report):
        for group in table.groups:
            for grid_row in group.rows:
                for column, grid_cell in zip(table.columns, grid_row.cells, strict=True):
                    values = [
                        f"Table {table.number}",
                        column,
                        group.label or "",
                        grid_row.label,
                    ]
                    for col, value in enumerate(values, start=1):
                        sheet.cell(row=row, column=col, value=value)
                    if grid_cell.status == "value":
                        sheet.cell(row=row, column=5, value=grid_cell.n).number_format = "#,##0"
                        sheet.cell(row=row, column=6, value=grid_cell.value).number_format = "0.0%"
                        if grid_cell.ci is not None:
                            for col, bound in ((7, grid_cell.ci[0]), (8, grid_cell.ci[1])):
                                target = sheet.cell(
                                    row=row, column=col, value=round(bound / 100, 6)
                                )
                                target.number_format = "0.0%"
                        sheet.cell(
                            row=row, column=9, value="yes" if grid_cell.significant else "no"
                        )
                        sheet.cell(
                            row=row, column=10, value="yes" if grid_cell.unreliable else "no"
                        )
                    else:
                        sheet.cell(row=row, column=5, value=grid_cell.text)
                    row += 1
    sheet.freeze_panes = "A5"
    sheet.auto_filter.ref = f"A4:J{max(row - 1, 4)}"
    for letter, width in zip("ABCDEFGHIJ", (10, 44, 22, 20, 8, 8, 8, 8, 11, 10), strict=True):
        sheet.column_dimensions[letter].width = width


def _models_sheet(sheet, report: TablesReport) -> None:
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor=_HEAD)
    sheet["A1"] = "Models behind the significance shading"
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A2"] = (
        "Per table column: how shading was decided; cases in the table, in the model and left "
        "out for a missing sub-group value; events and -2 log-likelihood; the steps; each "
        "sub-group variable's test against the final model (likelihood ratio for terms in, "
        "score for terms out, or not testable with the reason); odds ratios (against each "
        "variable's reference category) with 95% confidence intervals."
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
        shaded = ", ".join(block.retained) or "none"
        sheet.cell(row=row, column=1, value=f"{block.method} Shaded in this column: {shaded}.")
        row += 1
        for label, value, kind in block.facts:
            sheet.cell(row=row, column=1, value=label)
            target = sheet.cell(row=row, column=2, value=value)
            target.number_format = _VALUE_FORMATS[kind]
            row += 1
        if not block.fitted:
            sheet.cell(row=row, column=1, value="No model could be fitted.").font = Font(
                italic=True
            )
            row += 1
        for warning in block.warnings:
            sheet.cell(row=row, column=1, value=f"Warning: {warning}").font = Font(italic=True)
            row += 1
        for small in block.tables:
            row = _small_table(sheet, row, small, bold, head_fill)
        row += 1
    for letter, width in zip("ABCDEFGH", (44, 14, 26, 12, 12, 8, 12, 9), strict=True):
        sheet.column_dimensions[letter].width = width


#: Number formats of the appendix's values: p-values below 0.001 show as "<0.001" but
#: keep their full value in the cell.
_VALUE_FORMATS = {
    "int": "#,##0",
    "stat": "#,##0.00",
    "ratio": "0.00",
    "p": '[<0.001]"<0.001";0.000',
    "text": "General",
}


def _small_table(sheet, row: int, small: SmallTable, bold, fill) -> int:
    from openpyxl.styles import Font

    sheet.cell(row=row, column=1, value=small.caption).font = Font(italic=True)
    row += 1
    for col, label in enumerate(small.headers, start=1):
        cell = sheet.cell(row=row, column=col, value=label)
        cell.font, cell.fill = bold, fill
    row += 1
    for values in small.rows:
        for col, (value, kind) in enumerate(zip(values, small.kinds, strict=True), start=1):
            cell = sheet.cell(row=row, column=col, value=value)
            if not isinstance(value, str) and value is not None:
                cell.number_format = _VALUE_FORMATS[kind]
        row += 1
    return row


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
    rule = report.shading
    if rule is not None:
        rows += [
            ("Shading: method", rule.method),
            ("Shading: model", rule.model),
            ("Shading: test", rule.test),
            ("Shading: level", rule.level),
            ("Shading: BH family", rule.fdr_family if rule.fdr else "none (no adjustment)"),
        ]
        if rule.cluster:
            rows.append(("Shading: cluster", f"{rule.cluster} ({rule.cluster_correction})"))
        rows.append(("Shading rule", rule.description))
    else:
        rows.append(("Shading", "none: significance was not tested"))
    rows.append(("Intervals", f"{INTERVAL_METHOD} (sheet 'Intervals')"))
    rows.append(
        (
            "Unreliable",
            f"{UNRELIABLE_MARK} after a percentage: fewer than "
            f"{report.framework.layout.unreliable_below} applicable cases",
        )
    )
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
