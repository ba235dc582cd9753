"""The self-contained HTML page of a report.

:func:`render_html` / :func:`write_html` fill the Jinja2 template
``templates/tables.html.j2``: accessible tables laid out by
:func:`caseinspect.reports.annex_layout` (the grid the XLSX workbook reads too), the
figures, the model appendix and the provenance footer. The PDF renderer prints the same
HTML.
"""

from __future__ import annotations

import base64
from pathlib import Path

from ..analysis import TablesReport
from ._appendix import format_value, model_blocks
from ._layout import INTERVAL_METHOD, OGL_NOTE, UNRELIABLE_MARK, annex_layout, interval_layout
from ._layout import crown_copyright as _crown_copyright

# OGL_NOTE and annex_layout are re-exported for callers that imported them from here.
__all__ = ["OGL_NOTE", "annex_layout", "render_html", "write_html"]


def render_html(
    report: TablesReport, *, figures: bool = True, crown_copyright: bool | None = None
) -> str:
    """The report as one self-contained HTML page (no external assets, no JavaScript).

    Parameters
    ----------
    report : TablesReport
    figures : bool
        Include the bulletin figures as inline PNG images with alt text.
    crown_copyright : bool, optional
        Print the Open Government Licence note (only for reproduced published figures).
        By default read from the report's provenance setting ``published_source``.

    Returns
    -------
    str
        Identical for identical reports. Its print style sheet (A4 landscape, a table per
        page, header rows repeated) is what the PDF renderer prints.
    """
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("caseinspect.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    provenance = report.provenance.as_dict()
    settings = provenance.pop("settings")
    context = {
        "title": report.title,
        "tables": annex_layout(report),
        "figures": _figure_context(report) if figures else (),
        "intervals": interval_layout(report),
        "interval_method": INTERVAL_METHOD,
        "unreliable_mark": UNRELIABLE_MARK,
        "unreliable_below": report.framework.layout.unreliable_below,
        "format_value": format_value,
        "models": model_blocks(report),
        "notes": report.notes,
        "provenance": provenance,
        "settings": settings,
        "tested": settings.get("significance", "none") != "none",
        "crown_copyright": _crown_copyright(report, crown_copyright),
        "ogl_note": OGL_NOTE,
    }
    return env.get_template("tables.html.j2").render(**context)


def write_html(report: TablesReport, path: str | Path, **options) -> Path:
    """Write ``tables.html`` (see :func:`render_html` for the options); return its path."""
    from ..outputs import write_text_atomic

    return write_text_atomic(Path(path), render_html(report, **options))


def _figure_context(report: TablesReport) -> tuple[dict, ...]:
    from ._figures import figure_png, report_figures

    return tuple(
        {
            "id": data.spec.id,
            "caption": data.caption,
            "alt": data.alt_text,
            "src": "data:image/png;base64,"
            + base64.b64encode(figure_png(data, title=False)).decode("ascii"),
        }
        for data in report_figures(report)
    )
