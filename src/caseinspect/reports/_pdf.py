"""``tables.pdf``: the HTML report printed by WeasyPrint.

The page's print style sheet does the layout (A4 landscape, each annex table on a new
page, header rows repeated when a table runs over, page numbers); this module only
prints. The PDF is tagged (headings, tables, figure alt text reach screen readers) and,
as WeasyPrint writes no creation date unless asked, identical for identical reports.
"""

from __future__ import annotations

from pathlib import Path

from ..analysis import TablesReport
from ._html import render_html

__all__ = ["write_pdf", "render_pdf"]


def render_pdf(
    report: TablesReport, *, figures: bool = True, crown_copyright: bool | None = None
) -> bytes:
    """The report as PDF bytes (see :func:`caseinspect.reports._html.render_html` for the options)."""
    from ..errors import require_extra

    require_extra("weasyprint", extra="pdf", feature="PDF output")
    from weasyprint import HTML

    html = render_html(report, figures=figures, crown_copyright=crown_copyright)
    # A fixed identifier: by default it would be derived from the output's own content,
    # which is fine, but stating it keeps the bytes independent of WeasyPrint's choice.
    return HTML(string=html, base_url=None).write_pdf(
        pdf_tags=True, pdf_identifier=b"caseinspect-tables"
    )


def write_pdf(report: TablesReport, path: str | Path, **options) -> Path:
    """Write ``tables.pdf``; return its path."""
    from ..outputs import write_bytes_atomic

    return write_bytes_atomic(Path(path), render_pdf(report, **options))
