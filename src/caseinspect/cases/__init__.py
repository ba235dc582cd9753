"""Cases: reading case files and the one validator of what a valid case is.

The case interchange format is one row per case: profile columns (``case_id``,
``inspection_id``, ``provider``, ``provider_type`` and the framework's sub-group
variables), then one column per framework item holding ``yes``, ``no`` or empty, optional
``<item>__rationale`` free text, and ``practice_note`` / ``practice_kind`` /
``practice_pseudonym``. See the README for the full description.

:func:`export_cases` writes a case table back out as CSV, XLSX, Parquet, or SPSS ``.sav``
/ Stata ``.dta`` with the framework's variable and value labels (see
``docs/exports.md``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import ValidationError
from ..framework import Framework
from ._export import EXPORT_FORMATS, export_cases, export_cases_bytes
from ._fingerprint import fingerprint_cases
from ._read import SUPPORTED_SUFFIXES, FileNotReadable, read_case_file, read_notes
from ._validate import (
    PRACTICE_COLUMNS,
    RATIONALE_SUFFIX,
    known_columns,
    validate_case,
    validate_cases,
)
from ._variables import ANSWER_CODES, ExportVariable, export_names, export_variables

__all__ = [
    "ANSWER_CODES",
    "EXPORT_FORMATS",
    "ExportVariable",
    "FileNotReadable",
    "PRACTICE_COLUMNS",
    "RATIONALE_SUFFIX",
    "SUPPORTED_SUFFIXES",
    "export_cases",
    "export_cases_bytes",
    "export_names",
    "export_variables",
    "fingerprint_cases",
    "known_columns",
    "load_cases",
    "read_case_file",
    "read_notes",
    "validate_case",
    "validate_cases",
]


def load_cases(path: str | Path, framework: Framework, *, sheet: str | None = None) -> pd.DataFrame:
    """Read and validate a case file; raise :class:`ValidationError` listing every problem.

    Returns the cases as strings, indexed by spreadsheet row number (``sheet`` chooses
    the sheet of a workbook, see :func:`read_case_file`). A file without cases is refused
    (rule ``no-cases``).
    """
    frame = read_case_file(path, sheet=sheet)
    problems = validate_cases(frame, framework, source=str(path))
    if problems:
        raise ValidationError(
            problems,
            hint=f"run 'caseinspect validate {path} --framework {framework.id}' for the full list",
        )
    return frame
