"""Helpers for naming rows and reading cells of user tables the same way everywhere."""

from __future__ import annotations

import pandas as pd

__all__ = ["cell_text", "row_numbers"]


def cell_text(value: object) -> str:
    """A cell as text: ``""`` for None/NaN, otherwise the string without outer spaces.

    Used for auxiliary tables (eligible-case lists, judgements, second marking) whose
    values are compared, not stored; case files themselves are never stripped.

    Examples
    --------
    >>> cell_text(float("nan")), cell_text(" Good "), cell_text(3)
    ('', 'Good', '3')
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def row_numbers(frame: pd.DataFrame) -> list[int]:
    """The row number each problem in ``frame`` should name.

    Tables read by :func:`caseinspect.cases.read_case_file` are indexed by spreadsheet row
    (index named ``"row"``); any other table is numbered by 1-based position.
    """
    if frame.index.name == "row":
        return [int(i) for i in frame.index]
    return list(range(1, len(frame) + 1))
