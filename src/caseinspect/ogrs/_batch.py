"""OGRS3 for a table of people: validate every row first, then score them all."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from ..errors import Problem, ValidationError
from ._coefficients import Ogrs3Coefficients, load_coefficients
from ._score import Ogrs3Input, _score, check_input

__all__ = ["BATCH_COLUMNS", "RESULT_COLUMNS", "score_table"]

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
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def score_table(
    table: pd.DataFrame,
    *,
    source: str = "table",
    coefficients: Ogrs3Coefficients | None = None,
    digits: int = 4,
) -> pd.DataFrame:
    """Score every row of a table with OGRS3.

    Parameters
    ----------
    table : DataFrame
        One row per person with the columns in ``BATCH_COLUMNS`` (text as read from a CSV;
        dates as ``YYYY-MM-DD``). Other columns (e.g. an id) are kept.
    source : str
        Name of the file, for error messages.
    coefficients : Ogrs3Coefficients, optional
    digits : int
        Decimal places of the probabilities in the output.

    Returns
    -------
    DataFrame
        The input columns followed by ``one_year``, ``two_year`` (fractions) and ``band``.

    Raises
    ------
    ValidationError
        Listing every problem in every row (row 1 is the first data row); nothing is
        scored unless all rows are valid.

    Examples
    --------
    >>> t = pd.DataFrame({"sex": ["male"], "birth_date": ["1991-07-17"],
    ...     "conviction_date": ["2021-08-05"], "first_sanction_date": ["2013-01-01"],
    ...     "assessment_date": ["2021-12-12"], "previous_sanctions": ["1"],
    ...     "offence": ["fraud-forgery"]})
    >>> score_table(t)[["one_year", "two_year", "band"]].to_dict("records")
    [{'one_year': 0.1074, 'two_year': 0.1981, 'band': 'low'}]
    """
    c = coefficients or load_coefficients()
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
    problems: list[Problem] = []
    inputs: list[Ogrs3Input] = []
    for i, record in zip(
        _row_numbers(table), table[list(BATCH_COLUMNS)].itertuples(index=False), strict=True
    ):
        parsed, row_problems = _parse_row(record._asdict(), source, i)
        problems.extend(row_problems)
        if parsed is not None:
            row_rules = check_input(parsed, c, source=source, row=i)
            problems.extend(row_rules)
            inputs.append(parsed)
    if problems:
        raise ValidationError(problems)
    results = [_score(values, c) for values in inputs]
    out = table.copy()
    out["one_year"] = [round(r.one_year, digits) for r in results]
    out["two_year"] = [round(r.two_year, digits) for r in results]
    out["band"] = [r.band for r in results]
    return out


def _parse_row(
    raw: dict[str, object], source: str, row: int
) -> tuple[Ogrs3Input | None, list[Problem]]:
    problems: list[Problem] = []
    text = {
        k: ("" if v is None or (isinstance(v, float) and v != v) else str(v).strip())
        for k, v in raw.items()
    }
    dates: dict[str, date] = {}
    for col in _DATE_COLUMNS:
        value = text[col]
        if not value:
            problems.append(
                Problem(source, row, col, value, "missing-value", "a date is required.")
            )
            continue
        try:
            if not _ISO_DATE.match(value):
                raise ValueError
            dates[col] = date.fromisoformat(value)
        except ValueError:
            problems.append(
                Problem(
                    source,
                    row,
                    col,
                    value,
                    "bad-date",
                    f"'{value}' is not a date in the form YYYY-MM-DD.",
                )
            )
    k_text = text["previous_sanctions"]
    k: int | None = None
    if re.fullmatch(r"[+-]?\d+", k_text):
        k = int(k_text)
    else:
        problems.append(
            Problem(
                source,
                row,
                "previous_sanctions",
                k_text,
                "not-a-whole-number",
                f"'{k_text}' is not a whole number.",
            )
        )
    for col in ("sex", "offence"):
        if not text[col]:
            problems.append(Problem(source, row, col, "", "missing-value", "a value is required."))
    if problems:
        return None, problems
    return Ogrs3Input(
        sex=text["sex"].lower(),
        birth_date=dates["birth_date"],
        conviction_date=dates["conviction_date"],
        first_sanction_date=dates["first_sanction_date"],
        assessment_date=dates["assessment_date"],
        previous_sanctions=k,
        offence=text["offence"].lower(),
    ), []


def _row_numbers(frame: pd.DataFrame) -> list[int]:
    # Rows are named as the reader named them: caseinspect.cases.read_case_file indexes a
    # table by spreadsheet row (index named "row"); any other table by 1-based position.
    if frame.index.name == "row":
        return [int(i) for i in frame.index]
    return list(range(1, len(frame) + 1))
