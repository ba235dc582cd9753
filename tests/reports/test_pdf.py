"""tables.pdf: the HTML printed by WeasyPrint, A4 landscape, a table per page."""

from __future__ import annotations

import re
import zlib

import pytest

from caseinspect.reports import write_pdf


def pdf_objects(data: bytes) -> bytes:
    """Every object of the PDF, object streams inflated, as one byte string to search."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.fixture(scope="module")
def qi_pdf(qi_report, tmp_path_factory):
    return write_pdf(
        qi_report, tmp_path_factory.mktemp("pdf") / "tables.pdf", figures=False
    ).read_bytes()


def test_a4_landscape_pages(qi_pdf):
    assert qi_pdf.startswith(b"%PDF-")
    objects = pdf_objects(qi_pdf)
    boxes = {
        (round(float(w)), round(float(h)))
        for w, h in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", objects)
    }
    assert boxes == {(842, 595)}  # A4 landscape, in points
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", objects))
    assert pages >= 8  # the reading notes, a page per table (7), models, about


def test_tagged_with_title(qi_pdf, qi_report):
    objects = pdf_objects(qi_pdf)
    assert b"/StructTreeRoot" in objects  # tagged: tables and headings reach screen readers
    # PDF strings escape parentheses.
    assert qi_report.title.replace("(", "\\(").replace(")", "\\)").encode() in objects


def test_byte_identical_for_identical_reports(qi_report, qi_pdf, tmp_path):
    assert write_pdf(qi_report, tmp_path / "b.pdf", figures=False).read_bytes() == qi_pdf
