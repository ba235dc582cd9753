"""Read case files (CSV, XLSX, Parquet) into a table of strings, rejecting broken files.

Reading never interprets values: every cell comes back exactly as the user wrote it (as a
string, ``""`` for an empty cell), so the validator sees what the user sees and nothing
is silently changed. Broken files — wrong encoding, a file of another kind, truncated
rows, extra fields, unclosed quotes, duplicate or empty headers, a title row above the
header, the wrong separator — are rejected here, each problem naming the row as a
spreadsheet shows it (blank lines count as rows, as they do in Excel) and, where there is
one, the column. ``docs/data-formats.md`` lists every refused shape and its rule.

Things worth knowing that do not make a file unusable (a CSV file that ends without a
line break, so its last value may have been cut off; the sheet of a workbook that was
read) are returned as :func:`read_notes` of the table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ExitCode, Problem, ValidationError

__all__ = [
    "FileNotReadable",
    "SUPPORTED_SUFFIXES",
    "read_case_file",
    "read_notes",
    "shown",
]

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")

#: How many rows below the first are searched for a header that a title row pushed down.
_HEADER_SEARCH_ROWS = 20

#: Magic numbers of the files most often saved with the wrong extension.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive (an XLSX workbook, or another Office document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel (.xls) or other Office 97-2003 file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PAR1", "a Parquet file"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"$FL2", "an SPSS .sav file"),
    (b"$FL3", "an SPSS .sav file"),
)


class FileNotReadable(ValidationError):
    """The case file does not exist (or is not a file): the command cannot be used (exit 2)."""

    exit_code = ExitCode.UNUSABLE


def read_notes(frame: pd.DataFrame) -> list[Problem]:
    """Notes :func:`read_case_file` attached to ``frame``: warnings that refuse nothing.

    Examples
    --------
    >>> read_notes(pd.DataFrame())
    []
    """
    return list(frame.attrs.get("read_notes", []))


def shown(value: str) -> str:
    """``value`` with control and other non-printable characters escaped, for messages.

    An ANSI escape or a NUL in a cell must not garble the message that reports it.

    Examples
    --------
    >>> shown("Male\\x1b[2J")
    'Male\\\\x1b[2J'
    >>> shown("Café")
    'Café'
    """
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in value)


def read_case_file(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a case file into a DataFrame of strings.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (UTF-8, with or without a byte-order mark; ``\\n``, ``\\r\\n`` or old
        Mac ``\\r`` line ends), ``.xlsx`` or ``.parquet`` file.
    sheet : str, optional
        For a workbook: the sheet to read. Without it the workbook's only visible sheet
        is read; a workbook with several visible sheets is refused, naming them.

    Returns
    -------
    pandas.DataFrame
        One row per case, every column of dtype object holding ``str``; empty cells are
        ``""``. The index (named ``"row"``) is the row number as a spreadsheet shows it
        (header = row 1, first case = row 2; a blank line is a row, as in Excel), which
        is the row every :class:`~caseinspect.errors.Problem` names. ``frame.attrs``
        holds ``sheet`` (the sheet read, for a workbook) and the :func:`read_notes`.

    Raises
    ------
    FileNotReadable
        If the file does not exist (exit code 2).
    ValidationError
        If the file is empty, of another kind than its name says, not UTF-8, truncated,
        has rows with too many or too few fields, an unclosed quote, formula cells
        without a value, or duplicate or blank column names — every problem listed.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "not found"
        raise FileNotReadable([Problem(source, None, None, None, "file-not-found", f"file {what}")])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = _read_csv(path, source)
    elif suffix == ".xlsx":
        frame = _read_xlsx(path, source, sheet)
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
                    f"'{path.suffix}' files are not supported; use one of "
                    f"{', '.join(SUPPORTED_SUFFIXES)}",
                )
            ]
        )
    frame.index.name = "row"
    return frame


# --- CSV ----------------------------------------------------------------------------------


def _read_csv(path: Path, source: str) -> pd.DataFrame:
    raw = path.read_bytes()
    _check_signature(raw, source, "CSV")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        row, line = _position(raw[: exc.start])
        raise ValidationError(
            [
                Problem(
                    source,
                    row,
                    None,
                    repr(raw[exc.start : exc.start + 4]),
                    "encoding",
                    f"the file is not UTF-8 (byte {exc.start}, on line {line}, cannot be "
                    "decoded; the file was probably saved as Latin-1 / Windows-1252)",
                )
            ],
            hint="save the file as 'CSV UTF-8' in your spreadsheet program",
        ) from None
    if not text or text.isspace():  # not text.strip(), which would copy the whole file
        raise ValidationError(
            [Problem(source, None, None, None, "empty-file", "the file is empty")]
        )
    records = _csv_records(raw, text, source)
    header_row, header = records[0]
    _check_header(header, source, records[1 : _HEADER_SEARCH_ROWS + 1])
    problems = []
    cut = not text.endswith(("\n", "\r"))
    last = records[-1][0]
    for row, fields in records[1:]:
        if not fields:
            continue  # a blank line: an empty row in a spreadsheet, not a case
        if len(fields) != len(header):
            problems.append(
                _field_count_problem(source, row, fields, header, cut_here=cut and row == last)
            )
    if problems:
        raise ValidationError(problems, hint="the file looks truncated or has stray separators")
    rows = [(row, fields) for row, fields in records[1:] if fields]
    frame = pd.DataFrame(
        [fields for _, fields in rows],
        columns=header,
        index=pd.Index([row for row, _ in rows], name="row"),
        dtype=object,
    )
    if len(header) == 0 or not rows:
        frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in header})
        frame.index = pd.Index([], dtype="int64", name="row")
    notes = []
    if not text.endswith(("\n", "\r")) and rows and rows[-1][0] == records[-1][0]:
        last_row, last_fields = rows[-1]
        notes.append(
            Problem(
                source,
                last_row,
                header[-1],
                last_fields[-1],
                "no-final-newline",
                "the file ends without a line break, in the middle of this row: its last "
                f"value '{shown(last_fields[-1][:40])}' may have been cut off "
                "(check it, then end the file with a line break)",
            )
        )
    frame.attrs["read_notes"] = notes
    return frame


def _csv_records(raw: bytes, text: str, source: str) -> list[tuple[int, list[str]]]:
    """Every record with the spreadsheet row it is on (blank lines count), or refuse.

    ``raw`` is the file's UTF-8 (already checked to decode to ``text``). The reader is fed
    lines decoded from it rather than from ``text``: a ``StringIO`` of the text copies it
    into four bytes a character first, which took a third of the read (issue #12). Both
    split lines the same way (``newline=""``: ``\n``, ``\r\n`` and ``\r``, untranslated).
    """
    old_limit = csv.field_size_limit()
    # Field length is the framework's business (limits.text_length), not the CSV module's.
    csv.field_size_limit(max(old_limit, len(text) + 1))
    lines = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", newline="")
    reader = csv.reader(lines, strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        row = 0
        while True:
            line_before = reader.line_num
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise ValidationError(
                    [_syntax_problem(source, row + 1, line_before + 1, reader.line_num, exc, text)]
                ) from None
            row += 1
            records.append((row, fields))
    finally:
        csv.field_size_limit(old_limit)
    return records


def _syntax_problem(
    source: str, row: int, first_line: int, last_line: int, exc: csv.Error, text: str
) -> Problem:
    message = str(exc)
    if "unexpected end of data" in message:
        return Problem(
            source,
            row,
            None,
            None,
            "unclosed-quote",
            f"a quoted value that starts on this row (line {first_line}) is never closed: "
            "the file seems cut off, or a '\"' is missing",
        )
    return Problem(
        source,
        row,
        None,
        None,
        "csv-syntax",
        f"malformed CSV on this row (line {last_line}): {message}",
    )


def _field_count_problem(
    source: str, row: int, fields: list[str], header: list[str], *, cut_here: bool
) -> Problem:
    """A row with the wrong number of fields.

    Where the file ends in the middle of the row (``cut_here``), the column it stops at
    is named; anywhere else a missing separator could be anywhere in the row, so only the
    row is named.
    """
    expected = len(header)
    if len(fields) < expected:
        if cut_here:
            column = header[len(fields) - 1] if fields else header[0]
            return Problem(
                source,
                row,
                column,
                fields[-1] if fields else "",
                "field-count",
                f"row has {len(fields)} fields, fewer than the header's {expected}: the file "
                f"ends in the middle of the row, at '{shown(column)}' (truncated file?)",
            )
        return Problem(
            source,
            row,
            None,
            None,
            "field-count",
            f"row has {len(fields)} fields, fewer than the header's {expected} (a missing "
            "',', a line break inside an unquoted value, or a truncated file?)",
        )
    return Problem(
        source,
        row,
        None,
        shown(",".join(fields[expected:]))[:80],
        "field-count",
        f"row has {len(fields)} fields, more than the header's {expected} (a stray ',' or "
        "an unquoted value with a comma?)",
    )


def _position(before: bytes) -> tuple[int, int]:
    """The (spreadsheet row, physical line) of the byte after ``before``.

    Rows are counted by line ends outside quoted values, as a spreadsheet counts them.
    """
    text = before.decode("utf-8", errors="replace")
    line = text.count("\n") + (text.count("\r") - text.count("\r\n")) + 1
    row, quoted, previous = 1, False, ""
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and (char == "\n" and previous != "\r" or char == "\r"):
            row += 1
        previous = char
    return row, line


def _check_signature(raw: bytes, source: str, expected: str) -> None:
    for magic, what in _SIGNATURES:
        if raw.startswith(magic):
            raise ValidationError(
                [
                    Problem(
                        source,
                        None,
                        None,
                        None,
                        "wrong-file-type",
                        f"the file is {what}, not a {expected} file",
                    )
                ],
                hint="save it as CSV UTF-8, or give it the extension of what it is "
                "(.xlsx workbooks and .parquet files are read too)",
            )


# --- the header ---------------------------------------------------------------------------


def _check_header(header: list[str], source: str, below: list[tuple[int, list[str]]]) -> None:
    """Refuse blank, duplicate or misplaced headers and files with the wrong separator."""
    problems = []
    if len(header) == 1:
        for separator, name in ((";", "semicolons (;)"), ("\t", "tabs")):
            if header[0].count(separator) >= 2:
                raise ValidationError(
                    [
                        Problem(
                            source,
                            1,
                            None,
                            shown(header[0][:80]),
                            "wrong-separator",
                            f"the values are separated by {name}, not commas",
                        )
                    ],
                    hint="save the file as 'CSV UTF-8 (comma delimited)'",
                )
    if "case_id" not in header:
        for offset, fields in below:
            if "case_id" in fields:
                raise ValidationError(
                    [
                        Problem(
                            source,
                            1,
                            None,
                            shown(" ".join(h for h in header if h)[:80]),
                            "header-not-on-first-row",
                            f"the header seems to be on row {offset}: row 1 holds no column "
                            "names (a title row?)",
                        )
                    ],
                    hint=f"delete the rows above row {offset} so that the header is row 1",
                )
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
                    f"column '{shown(name)}' appears twice (columns {seen[name]} and {position})",
                )
            )
        seen.setdefault(name, position)
    if problems:
        raise ValidationError(problems)


# --- XLSX ---------------------------------------------------------------------------------


def _read_xlsx(path: Path, source: str, sheet: str | None) -> pd.DataFrame:
    import warnings
    import zipfile

    from openpyxl import load_workbook

    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head.startswith(b"PK\x03\x04"):
        _check_signature(head, source, "XLSX")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it cannot read
            # Cached values, and the formulas behind them: a formula cell whose value was
            # never calculated (a file written by a program) reads as empty otherwise.
            values = load_workbook(path, read_only=True, data_only=True)
            formulas = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ValidationError(
            [Problem(source, None, None, None, "unreadable", f"cannot read the workbook: {exc}")]
        ) from None
    try:
        name = _choose_sheet(values, source, sheet)
        value_rows = _sheet_rows(values[name])
        formula_rows = _sheet_rows(formulas[name])
    finally:
        values.close()
        formulas.close()
    cells: list[tuple[int, list[str]]] = []
    missing: list[tuple[int, int, str]] = []  # (row, column index, formula)
    for (row, vals), (_, forms) in zip(value_rows, formula_rows, strict=True):
        for col, formula in enumerate(forms):
            value = vals[col] if col < len(vals) else None
            if value is None and isinstance(formula, str) and formula.startswith("="):
                missing.append((row, col, formula))
        texts = [_cell_text(v) for v in vals]
        if any(t != "" for t in texts) or (missing and missing[-1][0] == row):
            cells.append((row, texts))
    if not cells:
        raise ValidationError(
            [Problem(source, None, None, None, "empty-file", f"the sheet '{name}' is empty")]
        )
    _, header = cells[0]
    while header and header[-1] == "":
        header = header[:-1]
    if missing:
        problems = []
        for row, col, formula in missing:
            letter = _column_letter(col)
            column = header[col] if col < len(header) and header[col] else None
            problems.append(
                Problem(
                    source,
                    row,
                    column,
                    shown(formula[:80]),
                    "formula-without-value",
                    f"cell {letter}{row} holds the formula {shown(formula[:60])} but no "
                    "calculated value: it is not blank, its value is unknown",
                )
            )
        raise ValidationError(
            problems,
            hint="open the workbook in a spreadsheet program, let it calculate, and save it",
        )
    _check_header(header, source, cells[1 : _HEADER_SEARCH_ROWS + 1])
    body = cells[1:]
    overflow = [
        Problem(
            source,
            row,
            None,
            shown(" ".join(t for t in texts[len(header) :] if t))[:80],
            "field-count",
            f"row has values beyond the last named column ({len(header)})",
        )
        for row, texts in body
        if any(t != "" for t in texts[len(header) :])
    ]
    if overflow:
        raise ValidationError(overflow)
    frame = pd.DataFrame(
        [(texts + [""] * len(header))[: len(header)] for _, texts in body],
        columns=header,
        index=pd.Index([row for row, _ in body], name="row", dtype="int64"),
        dtype=object,
    )
    frame.attrs["sheet"] = name
    frame.attrs["read_notes"] = []
    return frame


def _choose_sheet(workbook: Any, source: str, sheet: str | None) -> str:
    names = list(workbook.sheetnames)
    if sheet is not None:
        if sheet not in names:
            raise ValidationError(
                [
                    Problem(
                        source,
                        None,
                        None,
                        sheet,
                        "unknown-sheet",
                        f"the workbook has no sheet '{shown(sheet)}'; its sheets are "
                        + ", ".join(f"'{n}'" for n in names),
                    )
                ]
            )
        return sheet
    visible = [ws.title for ws in workbook.worksheets if ws.sheet_state == "visible"]
    if len(visible) == 1:
        return visible[0]
    if not visible:
        raise ValidationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    None,
                    "no-visible-sheet",
                    "the workbook has no visible sheet",
                )
            ]
        )
    # Several visible sheets: only those with a case_id column near the top could be meant
    # (an export's "variables" and "provenance" sheets cannot).
    meant = [name for name in visible if _has_case_ids(workbook[name])]
    if len(meant) == 1:
        return meant[0]
    listed = meant or visible
    raise ValidationError(
        [
            Problem(
                source,
                None,
                None,
                None,
                "several-sheets",
                "the workbook has several visible sheets that could hold the cases ("
                + ", ".join(f"'{n}'" for n in listed)
                + "): say which one",
            )
        ],
        hint="choose one with --sheet NAME",
    )


def _has_case_ids(worksheet: Any) -> bool:
    """Whether the sheet's first non-empty row (its header) names a ``case_id`` column."""
    for values in worksheet.iter_rows(max_row=_HEADER_SEARCH_ROWS, values_only=True):
        if any(v not in (None, "") for v in values):
            return "case_id" in values
    return False


def _sheet_rows(worksheet: Any) -> list[tuple[int, list[Any]]]:
    """(worksheet row number, cell values) for every row, empty rows included."""
    first = worksheet.min_row or 1
    return [
        (first + offset, list(values))
        for offset, values in enumerate(worksheet.iter_rows(values_only=True))
    ]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_text(value: object) -> str:
    """A workbook cell as the text a spreadsheet shows for it (dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# --- Parquet ------------------------------------------------------------------------------


def _unreadable_parquet(source: str, exc: Exception) -> ValidationError:
    message = f"cannot read the Parquet file: {str(exc).splitlines()[0]}"
    return ValidationError([Problem(source, None, None, None, "unreadable", message)])


def _read_parquet(path: Path, source: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    _check_parquet_signature(path, source)
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _unreadable_parquet(source, exc) from None
    names = [str(n) for n in schema.names if not str(n).startswith("__index_level_")]
    _check_header(names, source, [])
    try:
        table = pq.read_table(path, columns=names)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _unreadable_parquet(source, exc) from None
    data = {name: [_parquet_text(v) for v in table.column(name).to_pylist()] for name in names}
    frame = pd.DataFrame(data, columns=names, dtype=object)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    frame.attrs["read_notes"] = []
    return frame


def _check_parquet_signature(path: Path, source: str) -> None:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head.startswith(b"PAR1"):
        _check_signature(head, source, "Parquet")


def _parquet_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value if isinstance(value, str) else str(value)
