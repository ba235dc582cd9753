"""Read case files (CSV, XLSX, Parquet) into a table of strings, rejecting broken files.

Reading never interprets values: every cell comes back exactly as the user wrote it (as a
string, ``""`` for an empty cell), so the validator sees what the user sees and nothing
is silently changed. Broken files — wrong encoding, truncated rows, extra fields,
duplicate or empty headers — are rejected here with the line they break on.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from ..errors import Problem, ValidationError

__all__ = ["read_case_file", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")


def read_case_file(path: str | Path) -> pd.DataFrame:
    """Read a case file into a DataFrame of strings.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (UTF-8, with or without a byte-order mark), ``.xlsx`` (first sheet) or
        ``.parquet`` file.

    Returns
    -------
    pandas.DataFrame
        One row per case, every column of dtype object holding ``str``; empty cells are
        ``""``. The index is the row number as a spreadsheet shows it (header = row 1,
        first case = row 2), which is the row every :class:`~caseinspect.errors.Problem`
        names.

    Raises
    ------
    ValidationError
        If the file is missing, empty, not UTF-8, truncated, has rows with too many
        fields, or has duplicate or blank column names.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise ValidationError(
            [Problem(source, None, None, None, "file-not-found", "file not found")]
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = _read_csv(path, source)
    elif suffix == ".xlsx":
        frame = _read_xlsx(path, source)
    elif suffix == ".parquet":
        frame = _read_parquet(path, source)
    else:
        raise ValidationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    None,
                    "unsupported-format",
                    f"'{path.suffix}' files are not supported; use one of {', '.join(SUPPORTED_SUFFIXES)}",
                )
            ]
        )
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame


def _read_csv(path: Path, source: str) -> pd.DataFrame:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ValidationError(
            [
                Problem(
                    source,
                    line,
                    None,
                    repr(raw[exc.start : exc.start + 4]),
                    "encoding",
                    f"the file is not UTF-8 (byte {exc.start} on line {line} cannot be decoded)",
                )
            ],
            hint="save the file as 'CSV UTF-8' in your spreadsheet program",
        ) from None
    if not text.strip():
        raise ValidationError(
            [Problem(source, None, None, None, "empty-file", "the file is empty")]
        )
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])))
    _check_header(header, source)
    problems = _check_field_counts(text, len(header), source)
    if problems:
        raise ValidationError(problems, hint="the file looks truncated or has stray separators")
    frame = pd.read_csv(
        io.StringIO(text),
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        engine="c",
    )
    return _as_object_strings(frame)


def _check_field_counts(text: str, expected: int, source: str) -> list[Problem]:
    """Rows whose field count differs from the header's (a truncated or damaged file)."""
    problems = []
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    try:
        for record, fields in enumerate(reader, start=2):
            if not fields:
                continue  # a blank line; pandas skips it too
            if len(fields) != expected:
                kind = "fewer" if len(fields) < expected else "more"
                problems.append(
                    Problem(
                        source,
                        record,
                        None,
                        None,
                        "field-count",
                        f"row has {len(fields)} fields, {kind} than the header's {expected}"
                        + (" (truncated file?)" if kind == "fewer" else ""),
                    )
                )
                if len(problems) >= 100:
                    break
    except csv.Error as exc:
        problems.append(
            Problem(source, reader.line_num, None, None, "csv-syntax", f"malformed CSV: {exc}")
        )
    if not text.endswith(("\n", "\r")) and not problems:
        # A file cut off mid-row can still have the right field count on its last line;
        # every tool we know of writes a final newline, so a missing one is worth a warning
        # only when the last field is also empty-quoted. We accept it otherwise.
        pass
    return problems


def _read_xlsx(path: Path, source: str) -> pd.DataFrame:
    try:
        frame = pd.read_excel(
            path, dtype=str, keep_default_na=False, na_filter=False, engine="openpyxl"
        )
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ValidationError(
            [Problem(source, None, None, None, "unreadable", f"cannot read the workbook: {exc}")]
        ) from None
    _check_header([str(c) for c in frame.columns], source)
    return _as_object_strings(frame.fillna(""))


def _read_parquet(path: Path, source: str) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for damaged files
        raise ValidationError(
            [
                Problem(
                    source, None, None, None, "unreadable", f"cannot read the Parquet file: {exc}"
                )
            ]
        ) from None
    _check_header([str(c) for c in frame.columns], source)
    for column in frame.columns:
        frame[column] = frame[column].map(
            lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v)
        )
    return _as_object_strings(frame)


def _check_header(header: list[str], source: str) -> None:
    problems = []
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if not name.strip() or name.startswith("Unnamed:"):
            problems.append(
                Problem(source, 1, None, None, "blank-header", f"column {position} has no name")
            )
        elif name in seen:
            problems.append(
                Problem(
                    source,
                    1,
                    name,
                    name,
                    "duplicate-column",
                    f"column '{name}' appears twice (columns {seen[name]} and {position})",
                )
            )
        seen.setdefault(name, position)
    if problems:
        raise ValidationError(problems)


def _as_object_strings(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = [str(c) for c in frame.columns]
    return frame.astype(object)
