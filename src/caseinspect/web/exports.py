"""Case data downloads: the core exports (:func:`caseinspect.cases.export_cases_bytes`) with
their content types.

CSV, XLSX, Parquet, and SPSS ``.sav`` / Stata ``.dta`` with the framework's variable and
value labels; the coding (``1 = Yes``, ``0 = No``, categories ``1..k`` in framework order,
missing when empty) and Stata's name shortening are documented in
:func:`caseinspect.cases.export_cases`. Downloads are audited by the view.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..cases import EXPORT_FORMATS, export_cases_bytes
from ..framework import Framework

_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
}
#: Format → (content type, file extension), for every format the core exports.
FORMATS = {fmt: (_CONTENT_TYPES[fmt], fmt) for fmt in EXPORT_FORMATS}


def export_cases(
    frame: pd.DataFrame, framework: Framework, fmt: str, *, provenance: Mapping[str, object]
) -> bytes:
    """The case table as a download in ``fmt`` (one of :data:`FORMATS`), as bytes."""
    return export_cases_bytes(frame, framework, fmt, provenance=provenance)
