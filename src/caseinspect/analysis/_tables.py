"""Annex tables: prevalence and sufficiency by sub-group, in the published tidy layout.

The layout (one row per cell: ``table, question, provider_split, variable, category, n,
pct``) is the one of the published annex CSVs, so computed and published tables can be
compared cell by cell. What each table holds is framework data (:class:`TableSpec`);
this module only counts.

Counting rules
--------------
* ``n`` is the number of cases in the row where the item applies (its cell is not
  empty); ``pct`` is the percentage of those answered 'yes', to one decimal place,
  rounded half up on the exact fraction (so results never depend on float noise).
* A case with a missing sub-group value counts in 'All cases' and in no row of that
  breakdown.
* A mean row (prevalence tables) gives the mean number of the table's items answered
  'yes' per case; its ``n`` is the number of cases in the row.
* A row with no applicable case has ``n`` 0 and an empty ``pct`` (printed '-').
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import UnknownName
from ..framework import Framework, TableSpec

__all__ = ["compute_tables", "TABLE_COLUMNS", "CellKey", "round_half_up"]

#: Columns of the tidy table layout shared with the published CSVs.
TABLE_COLUMNS = ("table", "question", "provider_split", "variable", "category", "n", "pct")


@dataclass(frozen=True)
class CellKey:
    table: str
    question: str
    provider_split: str
    variable: str
    category: str


def round_half_up(
    numerator: np.ndarray | int, denominator: np.ndarray | int, decimals: int = 1
) -> np.ndarray:
    """``100 * numerator / denominator`` rounded half up to ``decimals``, exactly.

    Integer arithmetic avoids binary floating-point ties (e.g. 12.25 stored as 12.2499…).

    Examples
    --------
    >>> float(round_half_up(1, 8))   # 12.5 %
    12.5
    >>> float(round_half_up(1, 16))  # 6.25 % -> 6.3 (half up)
    6.3
    """
    scale = 10**decimals
    num = np.asarray(numerator, dtype=np.int64) * 100 * scale * 2 + np.asarray(
        denominator, dtype=np.int64
    )
    den = 2 * np.asarray(denominator, dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.floor_divide(num, np.where(den == 0, 1, den)) / scale


def compute_tables(
    cases: pd.DataFrame, framework: Framework, *, tables: list[str] | None = None
) -> pd.DataFrame:
    """Compute the framework's annex tables from case-level data.

    Parameters
    ----------
    cases : pandas.DataFrame
        Cases in the interchange format (strings, ``""`` empty). Item columns the file
        does not hold count as not recorded (``n`` = 0).
    framework : Framework
        Gives the tables' layout (``framework.tables``).
    tables : list of str, optional
        Table ids to compute (default: all).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TABLE_COLUMNS` plus ``yes`` (the count behind ``pct``). Rows in
        table, split, breakdown and column order, as printed.

    Examples
    --------
    >>> import pandas as pd
    >>> from caseinspect.framework import load_framework
    >>> fw = load_framework("qi-2016")
    >>> cases = pd.DataFrame({"provider_type": ["CRC", "CRC", "NPS"], "gender": ["Male", "", "Male"],
    ...                       "diversity_considered": ["yes", "no", "yes"]})
    >>> t = compute_tables(cases, fw, tables=["T2"])
    >>> t[(t.provider_split == "all") & (t.variable.isin(["all", "gender"]))][["category", "n", "pct"]].values.tolist()
    [['All cases', 3, 66.7], ['Male', 2, 100.0], ['Female', 0, nan]]
    """
    specs = [spec for spec in framework.tables if tables is None or spec.id in tables]
    unknown = set(tables or ()) - {spec.id for spec in specs}
    if unknown:
        raise UnknownName(f"framework {framework.id!r} has no table(s) {sorted(unknown)}")
    parts = [_compute_table(cases, framework, spec) for spec in specs]
    if not parts:
        return pd.DataFrame(columns=[*TABLE_COLUMNS, "yes"])
    return pd.concat(parts, ignore_index=True)


def _row_masks(
    cases: pd.DataFrame, framework: Framework, spec: TableSpec
) -> Iterator[tuple[str, str, pd.Series]]:
    """Yield (variable, category, mask) for 'All cases' then each breakdown category."""
    everyone = pd.Series(True, index=cases.index)
    yield "all", "All cases", everyone
    for code in spec.breakdowns:
        variable = framework.profile_variable(code)
        values = cases[code] if code in cases.columns else pd.Series("", index=cases.index)
        equal = _equal_to(values)
        for category in variable.categories:
            yield variable.table_variable, category, equal(category)


def _equal_to(values: pd.Series) -> Callable[[str], np.ndarray]:
    """``values.eq(value).to_numpy()`` for many values, from one hashing of the column.

    Comparing an object column once per category was a tenth of the ``tables`` command
    (issue #12); the codes of :func:`pandas.factorize` give the same masks (a missing
    value matches nothing, as with ``eq``).
    """
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    position = {value: i for i, value in enumerate(uniques.tolist()) if isinstance(value, str)}
    if len(position) != len(uniques):  # not all strings: compare as before
        return lambda value: values.eq(value).to_numpy()

    def equal(value: str) -> np.ndarray:
        i = position.get(value)
        return np.zeros(len(codes), dtype=bool) if i is None else codes == i

    return equal


def _compute_table(cases: pd.DataFrame, framework: Framework, spec: TableSpec) -> pd.DataFrame:
    # Answers as small integer codes once per table: 1 yes, 0 no, -1 empty.
    codes = {}
    for column in spec.columns:
        if column.item in cases.columns:
            equal = _equal_to(cases[column.item])
            codes[column.item] = np.where(equal("yes"), 1, np.where(equal("no"), 0, -1))
        else:
            codes[column.item] = np.full(len(cases), -1)
    provider_type = (
        cases["provider_type"]
        if "provider_type" in cases.columns
        else pd.Series("", index=cases.index)
    )
    records = []
    split_masks = {
        split: np.ones(len(cases), dtype=bool)
        if split == "all"
        else provider_type.eq(split).to_numpy()
        for split in spec.provider_splits
    }
    # Printed order: row by row, then each split's block of columns.
    for variable, category, mask in _row_masks(cases, framework, spec):
        for split, split_mask in split_masks.items():
            row_mask = split_mask & np.asarray(mask, dtype=bool)
            for column in spec.columns:
                answers = codes[column.item][row_mask]
                n = int((answers >= 0).sum())
                yes = int((answers == 1).sum())
                pct = float(round_half_up(yes, n)) if n else np.nan
                records.append((spec.id, column.question, split, variable, category, n, pct, yes))
            if spec.mean_row is not None:
                n_cases = int(row_mask.sum())
                total = int(sum((codes[c.item][row_mask] == 1).sum() for c in spec.columns))
                mean = float(round_half_up(total, 100 * n_cases)) if n_cases else np.nan
                records.append(
                    (
                        spec.id,
                        spec.mean_row.question,
                        split,
                        variable,
                        category,
                        n_cases,
                        mean,
                        total,
                    )
                )
    frame = pd.DataFrame.from_records(records, columns=[*TABLE_COLUMNS, "yes"])
    return frame
