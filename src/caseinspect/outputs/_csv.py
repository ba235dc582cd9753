"""CSV for people: OWASP's CSV-injection rule, ``\\n`` line ends, no index, atomic."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pandas as pd

from ._atomic import write_bytes_atomic

__all__ = ["FORMULA_PREFIXES", "csv_bytes", "neutralise_cell", "neutralise_frame", "write_csv"]

#: First characters that make Excel, LibreOffice or Google Sheets treat a cell as a
#: formula (OWASP "CSV Injection"): equals, plus, minus, at, tab, carriage return.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

_PLAIN_NUMBER = re.compile(r"[+-][0-9]+(?:\.[0-9]+)?")


def neutralise_cell(value: object) -> object:
    """Prefix a single quote to a text cell a spreadsheet would run as a formula.

    Only text is changed: numbers are written as numbers, and so is text that is nothing
    but a signed number (``"-1"``, ``"+2.5"``) or a lone ``"-"`` (the placeholder of a
    suppressed cell), which no spreadsheet can run. ``"-1+2"`` or ``"=HYPERLINK(...)"``
    become text. :func:`csv_bytes` quotes every changed cell.

    Examples
    --------
    >>> neutralise_cell("=1+2")
    "'=1+2"
    >>> neutralise_cell("@SUM(A1)")
    "'@SUM(A1)"
    >>> neutralise_cell("Alexander")
    'Alexander'
    >>> neutralise_cell(-3), neutralise_cell("-3.5"), neutralise_cell("-")
    (-3, '-3.5', '-')
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and value != "-"
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell passed through :func:`neutralise_cell`.

    Column names are neutralised too: a header cell is a cell in a spreadsheet.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[column] = series.map(neutralise_cell).astype(object)
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out


def _needs_quotes(value: str) -> bool:
    return value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES)


def csv_bytes(frame: pd.DataFrame, *, neutralise: bool = True, bom: bool = False) -> bytes:
    """The CSV text of ``frame`` as UTF-8 bytes: no index, ``\\n`` line ends.

    With ``neutralise`` (the default), text cells beginning with one of
    :data:`FORMULA_PREFIXES` get a leading ``'`` and are always quoted (OWASP). With
    ``neutralise=False`` the text is written exactly as it is (the lossless interchange
    format). ``bom`` prepends a UTF-8 byte-order mark, which Excel needs to read UTF-8.

    Examples
    --------
    >>> import pandas as pd
    >>> print(csv_bytes(pd.DataFrame({"a": ["=1+2", "x"], "b": [-1, 2]})).decode(), end="")
    a,b
    "'=1+2",-1
    x,2
    >>> print(csv_bytes(pd.DataFrame({"a": ["=1+2"]}), neutralise=False).decode(), end="")
    a
    =1+2
    """
    safe = neutralise_frame(frame) if neutralise else frame
    # Let pandas format the values (floats, NA, dates exactly as to_csv writes them) with
    # every field quoted, read its rows back and write them again with minimal quoting
    # plus quotes around neutralised cells. Done by hand because QUOTE_MINIMAL quotes
    # neither "'=1" nor (with "\n" line ends) a field holding a lone carriage return,
    # which a reader would then take for the end of the row.
    plain = safe.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_ALL)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(plain) + 1))
    try:
        rows = list(csv.reader(io.StringIO(plain, newline="")))
    finally:
        csv.field_size_limit(old_limit)
    buffer = io.StringIO(newline="")
    for row in rows:
        # A row of one empty field is written '""': an empty line would be skipped.
        buffer.write(",".join(_field(v) for v in row) if row != [""] else '""')
        buffer.write("\n")
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def _field(value: str) -> str:
    """One CSV field: quoted when it holds a separator, quote or line end, or was neutralised."""
    # Four plain ``in`` tests rather than any() over a generator: this runs once a cell.
    if "," in value or '"' in value or "\n" in value or "\r" in value or _needs_quotes(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_csv(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    neutralise: bool = True,
    bom: bool = False,
) -> Path:
    """Write ``frame`` to ``path`` as CSV, atomically (see :func:`csv_bytes` for the bytes).

    Parameters
    ----------
    frame : DataFrame
        What to write; the index is not written.
    path : str or PathLike
        The final file. Nothing is left under this name if writing fails.
    neutralise : bool, default True
        Apply OWASP's CSV-injection rule. Pass ``False`` only for the interchange format
        that ``validate``/``import`` read back, which must stay lossless.
    bom : bool, default False
        Start with a UTF-8 byte-order mark.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> p = write_csv(pd.DataFrame({"note": ["+44 20", "ok"]}),
    ...               pathlib.Path(tempfile.mkdtemp()) / "x.csv")
    >>> print(p.read_text(), end="")
    note
    "'+44 20"
    ok
    """
    return write_bytes_atomic(path, csv_bytes(frame, neutralise=neutralise, bom=bom))
