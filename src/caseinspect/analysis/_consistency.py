"""Arithmetic consistency checks for tables in the tidy layout.

Published tables are typed by hand and misprints happen (bulletin 2018/01, Table 7, age
25-29: 'All' n 253 where CRC 146 + NPS 89 = 235). These checks find such cells in any
file of the layout ``table, question, provider_split, variable, category, n, pct``:

* ``split-sum``: an 'all' cell's n differs from the sum of its provider-split cells, or
  its percentage is not the n-weighted mean of theirs (beyond rounding);
* ``subgroup-above-total``: a sub-group's n exceeds the 'All cases' n;
* ``breakdown-above-total``: a breakdown's n's add up to more than 'All cases' (they may
  add up to less: cases with the variable not recorded);
* ``provider-sum``: CRC + NPS rows of a ``provider`` breakdown differ from 'All cases'
  (provider type is never missing);
* ``range``: a percentage outside 0–100, a negative n, or a percentage with n = 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ExitCode, Problem, ValidationError

__all__ = ["Inconsistency", "check_tables", "read_tables_csv"]

_REQUIRED = ("table", "question", "provider_split", "variable", "category", "n", "pct")
# Half a unit of the last printed digit, plus a hair for the weighted mean's own rounding.
_PCT_TOLERANCE = 0.05


@dataclass(frozen=True)
class Inconsistency:
    """One arithmetic inconsistency, located by its file row and table cell."""

    file: str
    row: int
    table: str
    question: str
    provider_split: str
    variable: str
    category: str
    rule: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}, row {self.row}: table {self.table}, '{self.question}', "
            f"{self.provider_split} / {self.variable} / {self.category}: {self.message} [{self.rule}]"
        )


class TablesNotReadable(ValidationError):
    """A tables CSV that cannot be read at all (missing, empty, not UTF-8): exit code 2."""

    exit_code = ExitCode.UNUSABLE


#: Reader rules that mean the file could not be read at all, rather than read with problems.
_UNREADABLE = frozenset(
    {"file-not-found", "empty-file", "encoding", "wrong-file-type", "unsupported-format"}
)


def read_tables_csv(path: str | Path) -> pd.DataFrame:
    """Read a tidy tables CSV; ``n`` and ``pct`` become floats (NaN where empty).

    The index is the row number as a spreadsheet shows it (header = row 1; blank lines
    count as rows). The file is read by the case reader, so a broken file is refused the
    same way (see ``docs/data-formats.md``); an empty, missing or non-UTF-8 file raises
    :class:`TablesNotReadable` (exit code 2) with the reason.
    """
    from ..cases import read_case_file

    path = Path(path)
    try:
        frame = read_case_file(path)
    except ValidationError as exc:
        if any(p.rule in _UNREADABLE for p in exc.problems):
            raise TablesNotReadable(exc.problems, hint=exc.hint) from None
        raise
    if len(frame.columns) == 0 or (len(frame) == 0 and not set(_REQUIRED) - set(frame.columns)):
        raise TablesNotReadable(
            [Problem(str(path), None, None, None, "no-cells", "the file has no table cells")]
        )
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise ValidationError(
            [
                Problem(str(path), 1, c, None, "missing-column", f"the column '{c}' is missing")
                for c in missing
            ]
        )
    problems = []
    for column in ("n", "pct"):
        values = pd.to_numeric(frame[column].replace("", np.nan), errors="coerce")
        bad = frame[column].ne("") & values.isna()
        problems += [
            Problem(
                str(path),
                int(i),
                column,
                frame.at[i, column],
                "not-a-number",
                f"'{frame.at[i, column]}' is not a number",
            )
            for i in frame.index[bad]
        ]
        frame[column] = values
    if problems:
        raise ValidationError(problems)
    frame.index = pd.Index([int(i) for i in frame.index])
    return frame


def check_tables(tables: pd.DataFrame, *, source: str = "tables") -> list[Inconsistency]:
    """Return every arithmetic inconsistency in a tidy tables frame.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"table": ["T"] * 3, "question": ["q"] * 3, "provider_split": ["all", "CRC", "NPS"],
    ...                   "variable": ["age_group"] * 3, "category": ["25-29"] * 3,
    ...                   "n": [253.0, 146.0, 89.0], "pct": [74.0, 71.2, 78.7]}, index=[2, 3, 4])
    >>> [i.rule for i in check_tables(t)]
    ['split-sum']
    """
    found: list[Inconsistency] = []
    found += _check_ranges(tables, source)
    found += _check_splits(tables, source)
    found += _check_totals(tables, source)
    return sorted(found, key=lambda i: (i.row, i.rule))


def _make(source: str, row: int, record: pd.Series, rule: str, message: str) -> Inconsistency:
    return Inconsistency(
        source,
        int(row),
        str(record["table"]),
        str(record["question"]),
        str(record["provider_split"]),
        str(record["variable"]),
        str(record["category"]),
        rule,
        message,
    )


def _is_mean(question: str) -> bool:
    return question.startswith("mean_number_of_")


def _check_ranges(tables: pd.DataFrame, source: str) -> list[Inconsistency]:
    found = []
    for row, record in tables.iterrows():
        n, pct = record["n"], record["pct"]
        if pd.notna(n) and n < 0:
            found.append(_make(source, row, record, "range", f"n is negative ({n:g})"))
        if pd.notna(pct) and not _is_mean(record["question"]) and not 0 <= pct <= 100:
            found.append(
                _make(source, row, record, "range", f"percentage {pct:g} is outside 0-100")
            )
        if pd.notna(n) and n == 0 and pd.notna(pct):
            found.append(_make(source, row, record, "range", "a percentage is given for n = 0"))
    return found


def _check_splits(tables: pd.DataFrame, source: str) -> list[Inconsistency]:
    found: list[Inconsistency] = []
    keys = ["table", "question", "variable", "category"]
    splits = tables[tables["provider_split"] != "all"]
    if splits.empty:
        return found
    for _key, group in tables.groupby(keys, sort=False):
        whole = group[group["provider_split"] == "all"]
        parts = group[group["provider_split"] != "all"]
        if whole.empty or len(parts) < 2:
            continue
        row, record = next(iter(whole.iterrows()))
        if pd.isna(record["n"]):
            continue
        part_n = parts["n"].fillna(0)
        total = part_n.sum()
        if total != record["n"]:
            detail = " + ".join(
                f"{s} {n:g}" for s, n in zip(parts["provider_split"], part_n, strict=True)
            )
            found.append(
                _make(
                    source,
                    row,
                    record,
                    "split-sum",
                    f"n {record['n']:g} differs from {detail} = {total:g}",
                )
            )
            continue
        with_pct = parts[parts["pct"].notna() & parts["n"].gt(0)]
        if pd.notna(record["pct"]) and len(with_pct) and not _is_mean(record["question"]):
            # The 'all' percentage must be reachable from integer yes-counts consistent
            # with each part's rounded percentage.
            low = sum(
                np.ceil((p - _PCT_TOLERANCE) * n / 100 - 1e-9)
                for p, n in zip(with_pct["pct"], with_pct["n"], strict=True)
            )
            high = sum(
                np.floor((p + _PCT_TOLERANCE) * n / 100 + 1e-9)
                for p, n in zip(with_pct["pct"], with_pct["n"], strict=True)
            )
            implied_low = 100 * low / record["n"] - _PCT_TOLERANCE
            implied_high = 100 * high / record["n"] + _PCT_TOLERANCE
            if not implied_low - 1e-9 <= record["pct"] <= implied_high + 1e-9:
                found.append(
                    _make(
                        source,
                        row,
                        record,
                        "split-sum",
                        f"percentage {record['pct']:g} is not consistent with the split cells "
                        f"(implied {implied_low:.1f}-{implied_high:.1f})",
                    )
                )
    return found


def _check_totals(tables: pd.DataFrame, source: str) -> list[Inconsistency]:
    found = []
    for _, group in tables.groupby(["table", "question", "provider_split"], sort=False):
        total_rows = group[group["variable"] == "all"]
        if total_rows.empty or pd.isna(total_rows["n"].iloc[0]):
            continue
        total = total_rows["n"].iloc[0]
        subgroups = group[group["variable"] != "all"]
        for row, record in subgroups.iterrows():
            if pd.notna(record["n"]) and record["n"] > total:
                found.append(
                    _make(
                        source,
                        row,
                        record,
                        "subgroup-above-total",
                        f"n {record['n']:g} is above the 'All cases' n {total:g}",
                    )
                )
        for variable, block in subgroups.groupby("variable", sort=False):
            block_total = block["n"].fillna(0).sum()
            row, record = next(iter(block.iterrows()))
            if block_total > total:
                found.append(
                    _make(
                        source,
                        row,
                        record,
                        "breakdown-above-total",
                        f"the {variable} rows add up to n {block_total:g}, above the 'All cases' n {total:g}",
                    )
                )
            elif variable == "provider" and block["n"].notna().all() and block_total != total:
                found.append(
                    _make(
                        source,
                        row,
                        record,
                        "provider-sum",
                        f"the provider rows add up to n {block_total:g}, not the 'All cases' n {total:g}",
                    )
                )
    return found
