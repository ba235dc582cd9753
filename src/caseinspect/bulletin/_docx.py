"""``bulletin.docx``: the bulletin as an editable Word document (python-docx).

Real headings (Heading 1-3, so the navigation pane and a table of contents work), real
bullet lists, real tables (header rows repeat on each page; significant cells shaded as
in the annexes; notes beneath), and the figures as PNG images with their alt text and a
caption. Prose paragraphs use the styles 'Normal' and 'List Bullet'; placeholders,
examples, captions and notes have their own styles, which the numbers check skips.
"""

from __future__ import annotations

import io
from typing import Any

from ._document import Bulletin, SimpleTable

__all__ = ["render_docx", "PROSE_STYLES"]

#: The paragraph styles that hold generated prose (read by the numbers check).
PROSE_STYLES = ("Normal", "List Bullet")
_SIG_FILL = "C9DCF0"
_HEAD_FILL = "E8ECF2"


def render_docx(bulletin: Bulletin) -> bytes:
    """The bulletin as DOCX bytes (fixed core properties, so identical input gives the
    same document text; the zip container itself carries no clock)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    from ..reports import annex_layout

    doc = Document()
    _styles(doc)
    core = doc.core_properties
    core.title = bulletin.title
    core.subject = bulletin.subtitle
    core.author = "caseinspect"
    core.comments = f"Produced by caseinspect {bulletin.provenance['software_version']}; numbers traced in numbers.csv"
    import datetime as _dt

    fixed = _dt.datetime(2000, 1, 1)
    core.created = fixed
    core.modified = fixed
    core.last_modified_by = "caseinspect"
    core.revision = 1

    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))

    doc.add_paragraph("Research & Analysis Bulletin", style="Bulletin Meta")
    doc.add_heading(bulletin.title, level=0)
    doc.add_paragraph(bulletin.subtitle, style="Subtitle")
    doc.add_paragraph(
        f"Framework {bulletin.provenance['framework']} version {bulletin.provenance['framework_version']}. "
        f"Produced by caseinspect {bulletin.provenance['software_version']}; every number in the text is "
        "traced to a table cell (numbers.csv).",
        style="Bulletin Meta",
    )
    doc.add_page_break()
    annex = {t.id: t for t in annex_layout(bulletin.report)}
    for part in bulletin.sections:
        if part.annex and part.id == "outputs":
            new = doc.add_section()
            new.orientation = WD_ORIENT.LANDSCAPE
            new.page_width, new.page_height = Cm(29.7), Cm(21.0)
        doc.add_heading(part.title, level=1)
        for block in part.blocks:
            if block.kind == "h":
                doc.add_heading(block.text, level=2 if block.level == 3 else 3)
            elif block.kind == "p":
                style = {
                    "placeholder": "Placeholder",
                    "example": "Quote",
                    "note": "Bulletin Note",
                }.get(block.role, "Normal")
                doc.add_paragraph(block.text, style=style)
            elif block.kind == "ul":
                style = {"prose": "List Bullet", "note": "Bulletin Note"}.get(
                    block.role, "Placeholder"
                )
                for item in block.items:
                    doc.add_paragraph(item, style=style)
            elif block.kind == "figure" and block.ref in bulletin.figures:
                figure = bulletin.figures[block.ref]
                doc.add_paragraph(figure.caption, style="Caption")
                run = doc.add_paragraph().add_run()
                shape = run.add_picture(io.BytesIO(figure.png), width=Cm(16))
                _alt_text(shape, figure.alt, figure.caption)
            elif block.kind == "table" and block.ref == "annex":
                for table in annex.values():
                    _annex_table(doc, table)
            elif block.kind == "table" and block.ref in bulletin.tables:
                _simple_table(doc, bulletin.tables[block.ref])
    doc.add_heading("About this bulletin", level=1)
    _simple_table(
        doc,
        SimpleTable(
            "about",
            "Provenance",
            ("", ""),
            (
                ("Software", f"caseinspect {bulletin.provenance['software_version']}"),
                (
                    "Framework",
                    f"{bulletin.provenance['framework']} {bulletin.provenance['framework_version']}",
                ),
                ("Data fingerprint", str(bulletin.provenance["data_fingerprint"])),
            ),
        ),
    )
    del Pt
    out = io.BytesIO()
    doc.save(out)
    return _fixed_zip(out.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite the archive with fixed entry dates: python-docx stamps each part with the
    clock, and identical bulletins should be identical files."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = doc.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(10.5)
    for name, italic, size, colour in (
        ("Placeholder", True, 10.5, RGBColor(0x8A, 0x4B, 0x00)),
        ("Bulletin Meta", False, 9, RGBColor(0x50, 0x5A, 0x5F)),
        ("Bulletin Note", False, 9.5, RGBColor(0x50, 0x5A, 0x5F)),
        ("Table Note", False, 8, RGBColor(0x50, 0x5A, 0x5F)),
        ("Table Text", False, 8, RGBColor(0x1B, 0x1B, 0x1B)),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.italic = italic
        style.font.size = Pt(size)
        style.font.color.rgb = colour
        style.paragraph_format.space_after = Pt(2 if name.startswith("Table") else 6)
    _STYLE_IDS["Table Text"] = styles["Table Text"].style_id


def _alt_text(shape: Any, description: str, title: str) -> None:
    # python-docx has no API for alt text: set descr/title on the drawing's docPr.
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", description)
    doc_pr.set("title", title)


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


_STYLE_IDS: dict[str, str] = {}


def _set_style(paragraph: Any, name: str) -> None:
    # paragraph.style = name looks the style up by name every time (slow for thousands of
    # table cells); the id is the same for the whole document.
    paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = _STYLE_IDS[name]


def _put(cell: Any, text: str, *, bold: bool = False, align: str = "left") -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = cell.paragraphs[0]
    _set_style(paragraph, "Table Text")
    run = paragraph.add_run(text)
    run.bold = bold
    if align == "right":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _annex_table(doc: Any, table: Any) -> None:
    doc.add_paragraph(table.caption, style="Caption")
    n_header = len(table.header)
    n_rows = n_header + sum(len(g.rows) for g in table.groups)
    grid = doc.add_table(rows=n_rows, cols=2 + table.n_columns)
    grid.style = "Table Grid"
    rows = grid.rows
    for r, header_row in enumerate(table.header):
        cells = rows[r].cells
        _repeat_header(rows[r])
        column = 2
        for head in header_row:
            target = cells[column]
            if head.span > 1:
                target = target.merge(cells[column + head.span - 1])
            _put(target, head.label, bold=True, align="center")
            _shade(target, _HEAD_FILL)
            column += head.span
        if r == 0 and n_header > 1:
            pass
    stub = rows[0].cells[0].merge(rows[n_header - 1].cells[1])
    del stub
    r = n_header
    for group in table.groups:
        first = r
        for row in group.rows:
            cells = rows[r].cells
            if group.label is None:
                label = cells[0].merge(cells[1])
                _put(label, row.label, bold=True)
            else:
                _put(cells[1], row.label)
            for c, value in enumerate(row.cells):
                target = cells[2 + c]
                _put(
                    target, value.text, bold=group.label is None or value.significant, align="right"
                )
                if value.significant:
                    _shade(target, _SIG_FILL)
            r += 1
        if group.label is not None:
            merged = (
                rows[first].cells[0].merge(rows[r - 1].cells[0])
                if r - 1 > first
                else rows[first].cells[0]
            )
            _put(merged, group.label, bold=True)
    for note in table.notes:
        doc.add_paragraph(note, style="Table Note")


def _simple_table(doc: Any, table: SimpleTable) -> None:
    doc.add_paragraph(table.caption, style="Caption")
    has_header = any(table.header)
    grid = doc.add_table(rows=len(table.rows) + (1 if has_header else 0), cols=len(table.header))
    grid.style = "Table Grid"
    rows = grid.rows
    offset = 0
    if has_header:
        _repeat_header(rows[0])
        for c, head in enumerate(table.header):
            _put(rows[0].cells[c], head, bold=True, align="center")
            _shade(rows[0].cells[c], _HEAD_FILL)
        offset = 1
    for r, row in enumerate(table.rows):
        cells = rows[r + offset].cells
        for c, value in enumerate(row):
            numeric = bool(table.numeric) and table.numeric[c]
            _put(cells[c], value, bold=c == 0, align="right" if numeric else "left")
    for note in table.notes:
        if note:
            doc.add_paragraph(note, style="Table Note")
