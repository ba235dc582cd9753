"""Agreement between a first and a second marking of the same cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..cases._rows import cell_text as _text
from ..cases._rows import row_numbers as _row_numbers
from ..errors import Problem, ValidationError
from ..framework import ANSWER_VALUES, PROFILE_ID_COLUMNS
from ._coefficients import Coefficients, agreement_coefficients

__all__ = [
    "ANSWERS",
    "AgreementResult",
    "ItemAgreement",
    "second_marking_agreement",
]

#: Answers an item may hold; an empty cell means not applicable / not recorded.
ANSWERS = ANSWER_VALUES
DISCREPANCY_COLUMNS = ("case_id", "item", "first", "second")


@dataclass(frozen=True)
class ItemAgreement:
    """Agreement on one item (or pooled over all items).

    Attributes
    ----------
    coefficients : Coefficients
        n (cases both answered), agreement, kappa, AC1.
    first_only, second_only : int
        Cases only the first (second) marker answered — a disagreement about whether the
        question applied, which the coefficients cannot count.
    """

    coefficients: Coefficients
    first_only: int
    second_only: int

    def as_dict(self, digits: int = 4) -> dict[str, object]:
        c = self.coefficients

        def r(x: float | None) -> float | None:
            return None if x is None else round(x, digits)

        out: dict[str, object] = {
            "n": c.n,
            "agreement": r(c.agreement),
            "kappa": r(c.kappa),
            "ac1": r(c.ac1),
            "first_only": self.first_only,
            "second_only": self.second_only,
        }
        if c.note:
            out["note"] = c.note
        return out


@dataclass(frozen=True)
class AgreementResult:
    """Agreement between two markings, per item and pooled.

    Attributes
    ----------
    items : dict of str to ItemAgreement
        In item order.
    overall : ItemAgreement
        Pooled over all (case, item) pairs.
    discrepancies : DataFrame
        ``case_id, item, first, second`` for every pair where the answers differ,
        including where only one marker answered (the other cell is empty).
    cases_compared : int
        Cases present in both files.
    first_only_cases, second_only_cases : tuple of str
        Case ids present in one file only (not compared).
    notes : tuple of str
        Things a reader should know (unmatched cases, items left out, undefined kappa).
    """

    items: dict[str, ItemAgreement]
    overall: ItemAgreement
    discrepancies: pd.DataFrame
    cases_compared: int
    first_only_cases: tuple[str, ...]
    second_only_cases: tuple[str, ...]
    notes: tuple[str, ...]

    def as_dict(self, digits: int = 4) -> dict[str, object]:
        """JSON-ready: ``{"items": {item: {...}}, "overall": {...}, ...}``."""
        return {
            "items": {k: v.as_dict(digits) for k, v in self.items.items()},
            "overall": self.overall.as_dict(digits),
            "cases_compared": self.cases_compared,
            "discrepancies": len(self.discrepancies),
            "notes": list(self.notes),
        }


def second_marking_agreement(
    first: pd.DataFrame,
    second: pd.DataFrame,
    items: Sequence[str] | None = None,
    *,
    profile_columns: Sequence[str] | None = None,
    first_source: str = "first marking",
    second_source: str = "second marking",
) -> AgreementResult:
    """Compare two markings of the same cases, item by item.

    Parameters
    ----------
    first, second : DataFrame
        Case tables (one row per case, ``case_id`` plus item columns holding ``yes``,
        ``no`` or empty), as read from CSV as text. Cases are matched on ``case_id``.
    items : sequence of str, optional
        Item codes to compare, in order (normally the framework's items). Items in
        neither file are skipped; items in one file only are noted. If omitted, the
        columns common to both files that are not profile columns and hold only
        answers (``yes``, ``no`` or empty) are used.
    profile_columns : sequence of str, optional
        The case-profile columns (normally ``framework.profile_columns``), never items.
        If omitted, only the identifying columns are taken as profile columns.
    first_source, second_source : str
        File names for messages.

    Returns
    -------
    AgreementResult

    Raises
    ------
    ValidationError
        Missing ``case_id``, empty or duplicate case ids, or an answer other than yes/no/
        empty — every problem in both files.

    Examples
    --------
    >>> a = pd.DataFrame({"case_id": ["c1", "c2", "c3"], "kq_1": ["yes", "yes", "no"]})
    >>> b = pd.DataFrame({"case_id": ["c1", "c2", "c3"], "kq_1": ["yes", "no", "no"]})
    >>> r = second_marking_agreement(a, b)
    >>> r.items["kq_1"].coefficients.n, round(r.items["kq_1"].coefficients.agreement, 3)
    (3, 0.667)
    >>> r.discrepancies.to_dict("records")
    [{'case_id': 'c2', 'item': 'kq_1', 'first': 'yes', 'second': 'no'}]
    """
    notes: list[str] = []
    problems = _check_ids(first, first_source) + _check_ids(second, second_source)
    if problems:
        raise ValidationError(problems)
    item_list = _choose_items(
        first, second, items, first_source, second_source, notes, profile_columns
    )
    problems = _check_answers(first, item_list, first_source) + _check_answers(
        second, item_list, second_source
    )
    if problems:
        raise ValidationError(problems)

    a = _answers(first, item_list)
    b = _answers(second, item_list)
    common = [cid for cid in a.index if cid in b.index]
    if not common:
        raise ValidationError(
            [
                Problem(
                    f"{first_source}, {second_source}",
                    None,
                    "case_id",
                    None,
                    "no-second-marking",
                    f"no case was second-marked: none of the {len(b)} case id(s) in "
                    f"{second_source} is among the {len(a)} in {first_source}",
                )
            ],
            hint="give the first marking and the second marking of the same cases",
        )
    problems = _check_same_cases(
        first, second, common, profile_columns, item_list, first_source, second_source
    )
    if problems:
        raise ValidationError(
            problems, hint="a case id must name the same case (provider, profile) in both files"
        )
    first_only = tuple(cid for cid in a.index if cid not in b.index)
    second_only = tuple(cid for cid in b.index if cid not in a.index)
    if first_only:
        notes.append(
            f"{len(first_only)} case(s) only in {first_source}, not compared: "
            + ", ".join(first_only[:10])
            + (" ..." if len(first_only) > 10 else "")
        )
    if second_only:
        notes.append(
            f"{len(second_only)} case(s) only in {second_source}, not compared: "
            + ", ".join(second_only[:10])
            + (" ..." if len(second_only) > 10 else "")
        )
    a = a.loc[common]
    b = b.loc[common]

    per_item: dict[str, ItemAgreement] = {}
    pooled = np.zeros((2, 2), dtype=np.int64)
    pooled_first_only = pooled_second_only = 0
    for item in item_list:
        table, only_a, only_b = _cross(a[item], b[item])
        pooled += table
        pooled_first_only += only_a
        pooled_second_only += only_b
        result = ItemAgreement(agreement_coefficients(table), only_a, only_b)
        per_item[item] = result
        if result.coefficients.note:
            notes.append(f"{item}: {result.coefficients.note}")
    overall = ItemAgreement(agreement_coefficients(pooled), pooled_first_only, pooled_second_only)
    return AgreementResult(
        items=per_item,
        overall=overall,
        discrepancies=_discrepancies(a, b, item_list),
        cases_compared=len(common),
        first_only_cases=first_only,
        second_only_cases=second_only,
        notes=tuple(notes),
    )


def _check_same_cases(
    first: pd.DataFrame,
    second: pd.DataFrame,
    common: list[str],
    profile_columns: Sequence[str] | None,
    items: list[str],
    first_source: str,
    second_source: str,
) -> list[Problem]:
    """A case id in both files must have the same provider and profile in both."""
    profile = [
        c
        for c in (PROFILE_ID_COLUMNS if profile_columns is None else profile_columns)
        if c != "case_id" and c in first.columns and c in second.columns and c not in items
    ]
    if not profile:
        return []
    ids_first = {_text(v): i for i, v in enumerate(first["case_id"])}
    ids_second = {_text(v): i for i, v in enumerate(second["case_id"])}
    rows_first, rows_second = _row_numbers(first), _row_numbers(second)
    problems = []
    wanted = set(common)
    for cid in [c for c in ids_second if c in wanted]:
        i, j = ids_first[cid], ids_second[cid]
        for column in profile:
            x, y = _text(first[column].iloc[i]), _text(second[column].iloc[j])
            if x != y:
                problems.append(
                    Problem(
                        second_source,
                        rows_second[j],
                        column,
                        y,
                        "different-case",
                        f"case '{cid}' has {column} '{x}' in {first_source} (row "
                        f"{rows_first[i]}) but '{y}' here: is it the same case?",
                    )
                )
    return problems


def _check_ids(table: pd.DataFrame, source: str) -> list[Problem]:
    if "case_id" not in table.columns:
        return [
            Problem(source, None, "case_id", None, "missing-column", "required column is missing")
        ]
    problems = []
    seen: dict[str, int] = {}
    for row, value in zip(_row_numbers(table), table["case_id"], strict=True):
        text = _text(value)
        if not text:
            problems.append(
                Problem(source, row, "case_id", "", "missing-value", "every case needs a case id.")
            )
        elif text in seen:
            problems.append(
                Problem(
                    source,
                    row,
                    "case_id",
                    text,
                    "duplicate-case",
                    f"case '{text}' already appears on row {seen[text]}.",
                )
            )
        else:
            seen[text] = row
    return problems


def _choose_items(
    first: pd.DataFrame,
    second: pd.DataFrame,
    items: Sequence[str] | None,
    first_source: str,
    second_source: str,
    notes: list[str],
    profile_columns: Sequence[str] | None = None,
) -> list[str]:
    in_first, in_second = set(first.columns), set(second.columns)
    profile = set(PROFILE_ID_COLUMNS if profile_columns is None else profile_columns)
    if items is None:
        # Without a framework an item is told apart by its content: answers only.
        chosen = [
            c
            for c in first.columns
            if c in in_second
            and c not in profile
            and _holds_only_answers(first[c])
            and _holds_only_answers(second[c])
        ]
    else:
        chosen = [c for c in items if c in in_first and c in in_second]
        only_first = [c for c in items if c in in_first and c not in in_second]
        only_second = [c for c in items if c in in_second and c not in in_first]
        if only_first:
            notes.append(f"items only in {first_source}, not compared: {', '.join(only_first)}")
        if only_second:
            notes.append(f"items only in {second_source}, not compared: {', '.join(only_second)}")
        known = set(items) | profile
        for source, cols in ((first_source, first.columns), (second_source, second.columns)):
            other = [c for c in cols if c not in known and not _companion_column(c, known)]
            if other:
                notes.append(f"columns of {source} that are not items, ignored: {', '.join(other)}")
    if not chosen:
        raise ValidationError(
            [
                Problem(
                    f"{first_source}, {second_source}",
                    None,
                    None,
                    None,
                    "no-common-items",
                    "the two files have no item column in common.",
                )
            ]
        )
    return chosen


def _holds_only_answers(values: pd.Series) -> bool:
    # Answers are matched regardless of case (as _answers does), so "YES" is an answer.
    return bool(values.fillna("").astype(str).str.lower().isin((*ANSWERS, "")).all())


def _companion_column(column: str, items: set[str]) -> bool:
    # Rationales (``<item>__rationale``) and practice notes travel with the answers in the
    # interchange format; they are not compared, but they are not unexpected either.
    if column.endswith("__rationale"):
        return column[: -len("__rationale")] in items
    return column.startswith("practice_")


def _check_answers(table: pd.DataFrame, items: list[str], source: str) -> list[Problem]:
    problems = []
    rows = _row_numbers(table)
    for item in items:
        for row, value in zip(rows, table[item], strict=True):
            text = _text(value)
            if text and text.lower() not in ANSWERS:
                problems.append(
                    Problem(
                        source,
                        row,
                        item,
                        text,
                        "unknown-answer",
                        f"'{text}' is not one of yes, no or empty.",
                    )
                )
    return problems


def _answers(table: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    ids = [_text(v) for v in table["case_id"]]
    data = {item: [_text(v).lower() for v in table[item]] for item in items}
    return pd.DataFrame(data, index=pd.Index(ids, name="case_id"), dtype=object)


def _cross(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, int, int]:
    table = np.zeros((2, 2), dtype=np.int64)
    only_a = only_b = 0
    for x, y in zip(a, b, strict=True):
        if x and y:
            table[ANSWERS.index(x), ANSWERS.index(y)] += 1
        elif x:
            only_a += 1
        elif y:
            only_b += 1
    return table, only_a, only_b


def _discrepancies(a: pd.DataFrame, b: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    rows = [
        (cid, item, a.at[cid, item], b.at[cid, item])
        for cid in a.index
        for item in items
        if a.at[cid, item] != b.at[cid, item]
    ]
    return pd.DataFrame(rows, columns=list(DISCREPANCY_COLUMNS), dtype=object)
