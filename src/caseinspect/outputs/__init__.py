"""Writing output files safely: atomically, and with spreadsheet formulas neutralised.

Every file caseinspect writes goes through :func:`atomic_output`: the bytes go to a
temporary file in the destination folder, which is renamed onto the final name only when
writing finished. A full disk, a permission problem or a crash half-way therefore never
leaves a file that *looks* complete under its final name (issue #13, item 5).

CSV files made for people (opened in Excel or LibreOffice) go through :func:`write_csv`,
which applies OWASP's CSV-injection rule: a cell beginning with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return gets a leading single quote and is quoted, so a spreadsheet
shows it as text instead of running it as a formula. The CSV *interchange* format that
``validate`` and ``import`` read is a different thing: it stays lossless and is written
with ``neutralise=False`` (see ``docs/data-formats.md`` for which files are which).

The web application's CSV downloads use :func:`neutralise_frame` / :func:`csv_bytes`
(or :func:`write_csv`) too, so a download and the command line give the same bytes.
"""

from __future__ import annotations

from ._atomic import atomic_output, atomic_outputs, write_bytes_atomic, write_text_atomic
from ._csv import FORMULA_PREFIXES, csv_bytes, neutralise_cell, neutralise_frame, write_csv
from ._stamp import FIXED_TIMESTAMP, fixed_readstat_dates, fixed_xlsx_dates, output_timestamp

__all__ = [
    "FIXED_TIMESTAMP",
    "FORMULA_PREFIXES",
    "atomic_output",
    "atomic_outputs",
    "csv_bytes",
    "fixed_readstat_dates",
    "fixed_xlsx_dates",
    "neutralise_cell",
    "neutralise_frame",
    "output_timestamp",
    "write_bytes_atomic",
    "write_csv",
    "write_text_atomic",
]
