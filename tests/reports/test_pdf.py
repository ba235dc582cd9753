"""tables.pdf: the HTML printed by WeasyPrint, A4 landscape, a table per page."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

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


_WRITE_IN_A_NEW_PROCESS = """
import sys
sys.path.insert(0, sys.argv[2])
from conftest import random_cases
from caseinspect.analysis import build_report
from caseinspect.framework import load_framework
from caseinspect.reports import write_pdf
framework = load_framework("qi-2016")
report = build_report(random_cases(framework, n=120, seed=5), framework, significance="stepwise")
write_pdf(report, sys.argv[1], figures=True)
"""


def test_byte_identical_when_rerun_in_another_process(tmp_path):
    # Two runs made here, each in its own interpreter (so nothing cached in this process,
    # font subsets, hash seeds or object ids, can make them agree by accident).
    here = str(Path(__file__).parent)
    paths = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    for path, seed in zip(paths, ("1", "2"), strict=True):
        subprocess.run(
            [sys.executable, "-c", _WRITE_IN_A_NEW_PROCESS, str(path), here],
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=600,
        )
    first, second = (p.read_bytes() for p in paths)
    assert first.startswith(b"%PDF-") and first == second


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_print_shows_intervals_and_does_not_ask_to_hover(qi_pdf, tmp_path):
    path = tmp_path / "t.pdf"
    path.write_bytes(qi_pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Percentages with 95% intervals and applicable cases" in text
    assert "95% Wilson score interval" in text
    assert "hover" not in text.lower()
    assert "Tests against the final model" in text
