"""OGRS3 for a table of people: every valid row scored, every other row reported.

Values are read exactly as written. Another spelling of a valid value (``MALE``, `` 1 ``,
``Fraud-Forgery``, full-width digits) is a problem with a suggestion, as in the case
validator, never silently normalised: the person who typed it decides.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..errors import Problem, ValidationError
from ._coefficients import Ogrs3Coefficients, load_coefficients
from ._score import Ogrs3Input, _score, check_fields

__all__ = ["BATCH_COLUMNS", "RESULT_COLUMNS", "Ogrs3Batch", "score_batch", "score_table"]

#: Input columns of a batch file, named as the command-line options.
BATCH_COLUMNS = (
    "sex",
    "birth_date",
    "conviction_date",
    "first_sanction_date",
    "assessment_date",
    "previous_sanctions",
    "offence",
)
#: Columns added to the output.
RESULT_COLUMNS = ("one_year", "two_year", "band")
_DATE_COLUMNS = ("birth_date", "conviction_date", "first_sanction_date", "assessment_date")
# ASCII digits only: ``\d`` would also accept full-width and other scripts' digits.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class Ogrs3Batch:
    """The result of scoring a table.

    Attributes
    ----------
    table : pandas.DataFrame
        Every input row and column, then ``one_year`` and ``two_year`` (fractions at full
        precision; empty for a row with problems) and ``band`` (``""`` for such a row).
    problems : tuple of Problem
        Every problem of every row not scored, by row (as a spreadsheet numbers it),
        column and rule.
    """

    table: pd.DataFrame
    problems: tuple[Problem, ...]

    @property
    def n_scored(self) -> int:
        """Rows with a score."""
        return int(self.table["one_year"].notna().sum())

    @property
    def n_refused(self) -> int:
        """Rows left unscored because of their problems."""
        return len(self.table) - self.n_scored


def score_batch(
    table: pd.DataFrame,
    *,
    source: str = "table",
    coefficients: Ogrs3Coefficients | None = None,
    today: date | None = None,
) -> Ogrs3Batch:
    """Score every valid row of a table with OGRS3 and report the others.

    Parameters
    ----------
    table : DataFrame
        One row per person with the columns in ``BATCH_COLUMNS`` (text as read from a CSV;
        dates as ``YYYY-MM-DD``). Other columns (e.g. an id) are kept.
    source : str
        Name of the file, for the problems.
    coefficients : Ogrs3Coefficients, optional
    today : datetime.date, optional
        For the "date in the future" rule (default: the computer's date).

    Returns
    -------
    Ogrs3Batch
        The scored table (full precision) and the problems of the rows left unscored.

    Raises
    ------
    ValidationError
        Only when the table itself cannot be used: a required column is missing, or an
        output column is already there.

    Examples
    --------
    >>> t = pd.DataFrame({"sex": ["male", "MALE "], "birth_date": ["1991-07-17"] * 2,
    ...     "conviction_date": ["2021-08-05"] * 2, "first_sanction_date": ["2013-01-01"] * 2,
    ...     "assessment_date": ["2021-12-12"] * 2, "previous_sanctions": ["1"] * 2,
    ...     "offence": ["fraud-forgery"] * 2})
    >>> batch = score_batch(t)
    >>> round(float(batch.table.loc[0, "two_year"]), 4), batch.n_scored, batch.n_refused
    (0.1981, 1, 1)
    >>> print(batch.problems[0].message)
    'MALE ' is not one of male, female (did you mean 'male'?).
    """
    c = coefficients or load_coefficients()
    _check_columns(table, source)
    problems: list[Problem] = []
    results: list[tuple[float, float, str] | None] = []
    for i, record in zip(
        _row_numbers(table), table[list(BATCH_COLUMNS)].itertuples(index=False), strict=True
    ):
        parsed, row_problems = _parse_row(record._asdict(), c, source, i, today)
        problems.extend(row_problems)
        if parsed is None:
            results.append(None)
        else:
            r = _score(parsed, c)
            results.append((r.one_year, r.two_year, r.band))
    out = table.copy()
    nan = float("nan")
    out["one_year"] = [r[0] if r else nan for r in results]
    out["two_year"] = [r[1] if r else nan for r in results]
    out["band"] = [r[2] if r else "" for r in results]
    return Ogrs3Batch(out, tuple(problems))


def score_table(
    table: pd.DataFrame,
    *,
    source: str = "table",
    coefficients: Ogrs3Coefficients | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """Score every row of a table with OGRS3, all or nothing.

    As :func:`score_batch`, but any problem in any row refuses the whole table.

    Returns
    -------
    DataFrame
        The input columns followed by ``one_year``, ``two_year`` (fractions, full
        precision) and ``band``.

    Raises
    ------
    ValidationError
        Listing every problem in every row; nothing is scored unless all rows are valid.

    Examples
    --------
    >>> t = pd.DataFrame({"sex": ["male"], "birth_date": ["1991-07-17"],
    ...     "conviction_date": ["2021-08-05"], "first_sanction_date": ["2013-01-01"],
    ...     "assessment_date": ["2021-12-12"], "previous_sanctions": ["1"],
    ...     "offence": ["fraud-forgery"]})
    >>> out = score_table(t)
    >>> [round(float(out.loc[0, c]), 4) for c in ("one_year", "two_year")], out.loc[0, "band"]
    ([0.1074, 0.1981], 'low')
    """
    batch = score_batch(table, source=source, coefficients=coefficients, today=today)
    if batch.problems:
        raise ValidationError(list(batch.problems))
    return batch.table


def _check_columns(table: pd.DataFrame, source: str) -> None:
    missing = [col for col in BATCH_COLUMNS if col not in table.columns]
    if missing:
        raise ValidationError(
            [
                Problem(
                    source,
                    None,
                    col,
                    None,
                    "missing-column",
                    f"required column is missing (need {', '.join(BATCH_COLUMNS)})",
                )
                for col in missing
            ]
        )
    clash = [col for col in RESULT_COLUMNS if col in table.columns]
    if clash:
        raise ValidationError(
            [
                Problem(
                    source,
                    None,
                    col,
                    None,
                    "reserved-column",
                    "the output adds this column; rename or drop it in the input",
                )
                for col in clash
            ]
        )


def _parse_row(
    raw: dict[str, object],
    c: Ogrs3Coefficients,
    source: str,
    row: int,
    today: date | None,
) -> tuple[Ogrs3Input | None, list[Problem]]:
    """Read one row exactly as written; check every rule the readable fields allow."""
    problems: list[Problem] = []
    text = {
        k: ("" if v is None or (isinstance(v, float) and v != v) else str(v))
        for k, v in raw.items()
    }

    def bad(column: str, value: str, rule: str, message: str) -> None:
        problems.append(Problem(source, row, column, value, rule, message))

    fields: dict[str, object] = {}
    for col in BATCH_COLUMNS:
        if not text[col].strip():
            what = "a date" if col in _DATE_COLUMNS else "a value"
            blank = " (the cell holds only spaces)" if text[col] else ""
            bad(col, text[col], "missing-value", f"{what} is required{blank}.")
            fields[col] = None
    for col in _DATE_COLUMNS:
        value = text[col]
        if col in fields:
            continue
        fields[col] = _read_date(value)
        if fields[col] is None:
            hint = _hint(value, _read_date)
            bad(
                col,
                value,
                "bad-date",
                f"'{value}' is not a date in the form YYYY-MM-DD{hint}.",
            )
    k_text = text["previous_sanctions"]
    if "previous_sanctions" not in fields:
        fields["previous_sanctions"] = _read_whole(k_text)
        if fields["previous_sanctions"] is None:
            bad(
                "previous_sanctions",
                k_text,
                "not-a-whole-number",
                f"'{k_text}' is not a whole number{_hint(k_text, _read_whole)}.",
            )
    for col in ("sex", "offence"):
        if col not in fields:
            fields[col] = text[col]  # exactly as written: check_fields suggests spellings
    problems.extend(check_fields(fields, c, source=source, row=row, today=today))
    if problems:
        return None, problems
    return Ogrs3Input(
        sex=text["sex"],
        birth_date=fields["birth_date"],  # type: ignore[arg-type]
        conviction_date=fields["conviction_date"],  # type: ignore[arg-type]
        first_sanction_date=fields["first_sanction_date"],  # type: ignore[arg-type]
        assessment_date=fields["assessment_date"],  # type: ignore[arg-type]
        previous_sanctions=fields["previous_sanctions"],  # type: ignore[arg-type]
        offence=text["offence"],
    ), []


def _read_date(value: str) -> date | None:
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _read_whole(value: str) -> int | None:
    return int(value) if _WHOLE.fullmatch(value) else None


def _hint(value: str, read: object) -> str:
    """`` (did you mean '…'?)`` when the value reads once spaces and full-width
    characters are normalised (Unicode NFKC), else ``''``."""
    cleaned = unicodedata.normalize("NFKC", value).strip()
    if cleaned != value and callable(read) and read(cleaned) is not None:
        return f" (did you mean '{cleaned}'?)"
    return ""


def _row_numbers(frame: pd.DataFrame) -> list[int]:
    # Rows are named as the reader named them: caseinspect.cases.read_case_file indexes a
    # table by spreadsheet row (index named "row"); any other table by 1-based position.
    if frame.index.name == "row":
        return [int(i) for i in frame.index]
    return list(range(1, len(frame) + 1))
