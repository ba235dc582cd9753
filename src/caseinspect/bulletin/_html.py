"""``bulletin.html`` (one self-contained page) and ``bulletin.pdf`` (printed from it).

The page embeds its figures as PNG data URIs with alt text, uses real headings, lists and
table markup (captions, scoped header cells, significance announced to screen readers),
and needs no script or external file. WeasyPrint prints the same page as a tagged PDF
(``pdf_tags``; variant PDF/UA-1) on A4, the annex tables on landscape pages.
"""

from __future__ import annotations

import base64

from ._document import Bulletin

__all__ = ["render_html", "render_pdf"]


def render_html(bulletin: Bulletin) -> str:
    """The bulletin as one HTML page; identical for identical bulletins."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    from ..reports import annex_layout

    env = Environment(
        loader=PackageLoader("caseinspect.bulletin", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    figures = {
        key: {
            "number": f.number,
            "caption": f.caption,
            "alt": f.alt,
            "src": "data:image/png;base64," + base64.b64encode(f.png).decode("ascii"),
        }
        for key, f in bulletin.figures.items()
    }
    provenance = dict(bulletin.provenance)
    return env.get_template("bulletin.html.j2").render(
        title=bulletin.title,
        subtitle=bulletin.subtitle,
        sections=bulletin.sections,
        figures=figures,
        tables=bulletin.tables,
        annex=annex_layout(bulletin.report),
        provenance=provenance,
        n_numbers=len(bulletin.numbers),
        synthetic=bool(dict(bulletin.report.provenance.settings).get("synthetic")),
    )


def render_pdf(bulletin: Bulletin, html: str | None = None) -> bytes:
    """The bulletin as a tagged A4 PDF (WeasyPrint), printed from :func:`render_html`."""
    from ..errors import require_extra

    require_extra("weasyprint", extra="pdf", feature="the bulletin's PDF")
    from weasyprint import HTML

    document = html if html is not None else render_html(bulletin)
    return HTML(string=document, base_url=None).write_pdf(
        pdf_tags=True,
        pdf_variant="pdf/ua-1",
        pdf_identifier=b"caseinspect-bulletin",
    )
