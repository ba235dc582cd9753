"""The one validator: the framework decides what a valid case is.

The CSV/XLSX/Parquet import, the web form and the API all call :func:`validate_cases`
(or :func:`validate_case` for a single case), so a case is valid or not in the same way
wherever it comes from. Every problem is reported — never only the first — and nothing
is repaired: a value with a stray space or the wrong capitalisation is an error with a
suggestion, not a silent fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import Problem
from ..framework import ANSWER_VALUES, Framework
from ._read import shown

__all__ = [
    "validate_cases",
    "validate_case",
    "PRACTICE_COLUMNS",
    "RATIONALE_SUFFIX",
    "known_columns",
]

RATIONALE_SUFFIX = "__rationale"
PRACTICE_COLUMNS = ("practice_note", "practice_kind", "practice_pseudonym")
PRACTICE_KINDS = ("good", "poor")
REQUIRED_VALUES = ("case_id", "inspection_id", "provider", "provider_type")
# Pseudonymous ids only: no spaces, so a person's name cannot pass for an id by accident.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
# Control characters: C0 but tab, line feed and carriage return (which free text may hold),
# DEL and C1. A NUL crashes the PostgreSQL import and truncates .sav/.dta exports; an
# ANSI escape garbles every terminal that prints the value.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

Mode = Literal["import", "draft", "submit"]


def known_columns(framework: Framework) -> tuple[str, ...]:
    """Every column the interchange format allows for ``framework``, in canonical order."""
    items = framework.item_codes
    rationales = tuple(i.rationale_column for i in framework.items if i.rationale != "none")
    return framework.profile_columns + items + rationales + PRACTICE_COLUMNS


def validate_cases(
    frame: pd.DataFrame,
    framework: Framework,
    *,
    source: str,
    mode: Mode = "import",
    marked_not_applicable: Collection[str] = (),
) -> list[Problem]:
    """Check a table of cases against a framework; return every problem found.

    Parameters
    ----------
    frame : pandas.DataFrame
        Cases as read by :func:`caseinspect.cases.read_case_file`: strings, ``""`` empty,
        indexed by the row number each problem should name.
    framework : Framework
        Decides the columns, categories, answers and applicability rules.
    source : str
        Named in every problem (usually the file path).
    mode : {"import", "draft", "submit"}
        ``import`` and ``draft`` accept unanswered items (not recorded yet); ``submit``
        also requires every applicable item that may not be left 'not applicable' to be
        answered, every applicable item the framework marks ``required`` to be answered
        or listed in ``marked_not_applicable``, and a rationale wherever the framework
        requires one.
    marked_not_applicable : collection of str, optional
        Item codes the inspector explicitly marked *not applicable* (the web form's
        third choice). A file has no such mark: a blank required item there is unanswered.

    Returns
    -------
    list of Problem
        Empty when the cases are valid.

    Examples
    --------
    >>> import pandas as pd
    >>> from caseinspect.framework import load_framework
    >>> fw = load_framework("qi-2016")
    >>> row = {c: "" for c in fw.profile_columns}
    >>> row.update(case_id="A1", inspection_id="I1", provider="P", provider_type="CRC", gender="Mle")
    >>> [p.rule for p in validate_cases(pd.DataFrame([row], index=[2]), fw, source="x.csv")]
    ['unknown-category']
    """
    columns = list(frame.columns)
    table = _Table(frame)
    problems: list[Problem] = []
    if table.n == 0 and mode == "import":
        problems.append(
            Problem(
                source,
                None,
                None,
                None,
                "no-cases",
                "the file has no cases (a header and nothing else)",
            )
        )
    problems += _check_columns(columns, framework, source)
    problems += _check_characters(table, framework, source)
    problems += _check_required_values(table, source)
    problems += _check_ids(table, source)
    problems += _check_profile(table, framework, source)
    problems += _check_provider_types(table, source)
    problems += _check_answers(table, framework, source)
    problems += _check_applicability(table, framework, source)
    problems += _check_practice(table, source)
    problems += _check_text(table, framework, source)
    if mode == "submit":
        problems += _check_complete(table, framework, source, set(marked_not_applicable))
    return problems


def validate_case(
    profile: Mapping[str, str],
    answers: Mapping[str, str],
    framework: Framework,
    *,
    rationales: Mapping[str, str] | None = None,
    practice: Mapping[str, str] | None = None,
    source: str = "web form",
    mode: Mode = "draft",
    marked_not_applicable: Collection[str] = (),
) -> list[Problem]:
    """Validate one case given as mappings (the web form and the API).

    The case is put through :func:`validate_cases` as a one-row table, so there is only
    one set of rules. Problems name no row (``row=None``).
    """
    row: dict[str, str] = {column: "" for column in framework.profile_columns}
    row.update({k: v for k, v in profile.items()})
    row.update({k: v for k, v in answers.items()})
    for code, text in (rationales or {}).items():
        row[f"{code}{RATIONALE_SUFFIX}"] = text
    row.update(practice or {})
    frame = pd.DataFrame([row], index=pd.Index([0], name="row"), dtype=object).fillna("")
    found = validate_cases(
        frame, framework, source=source, mode=mode, marked_not_applicable=marked_not_applicable
    )
    return [Problem(p.file, None, p.column, p.value, p.rule, p.message) for p in found]


# --- individual rules ---------------------------------------------------------------------
# The rules work on plain arrays of strings rather than pandas Series: the same code then
# costs microseconds for the web form's single case and stays vectorised for a large file.


class _Table:
    """A case table as one array of strings per column, plus the row labels."""

    def __init__(self, frame: pd.DataFrame):
        self.rows = frame.index.to_numpy()
        self.n = len(frame)
        self.columns = {str(c): frame[c].to_numpy(dtype=object) for c in frame.columns}

    def __contains__(self, column: str) -> bool:
        return column in self.columns

    def get(self, column: str) -> np.ndarray:
        found = self.columns.get(column)
        return found if found is not None else np.full(self.n, "", dtype=object)

    def rows_where(self, mask: np.ndarray) -> Iterable[tuple[int, int | None]]:
        """(position, row label) wherever ``mask`` holds: every one, never a capped list."""
        positions = np.flatnonzero(mask)
        return ((int(i), _label(self.rows[i])) for i in positions)


def _label(value: object) -> int | None:
    return int(value) if isinstance(value, (np.integer, int)) else None


def _isin(values: np.ndarray, choices: Iterable[str]) -> np.ndarray:
    choices = tuple(choices)
    # Most columns hold only allowed values: a set of the distinct values answers without
    # comparing every cell with every choice (issue #12, speed).
    distinct = set(values.tolist())
    if distinct.issubset(choices):
        return np.ones(len(values), dtype=bool)
    if distinct.isdisjoint(choices):
        return np.zeros(len(values), dtype=bool)
    result = np.zeros(len(values), dtype=bool)
    for choice in choices:
        result |= values == choice
    return result


#: Every ASCII character but the control characters of :data:`_CONTROL`.
_ASCII_TEXT = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _free_of_control(text: str) -> bool:
    """Whether ``text`` holds no character of :data:`_CONTROL`.

    ASCII text (most columns) is checked by deleting every allowed byte, three times
    faster than the regular expression, which is kept for the rest (issue #12, speed).
    """
    if text.isascii():
        return not text.encode("ascii").translate(None, _ASCII_TEXT)
    return _CONTROL.search(text) is None


def _check_columns(columns: list[str], framework: Framework, source: str) -> list[Problem]:
    problems = []
    allowed = set(known_columns(framework))
    for required in framework.profile_columns:
        if required not in columns:
            problems.append(
                Problem(
                    source,
                    1,
                    required,
                    None,
                    "missing-column",
                    f"the profile column '{required}' is missing",
                )
            )
    for column in columns:
        if column in allowed:
            continue
        if (
            column.endswith(RATIONALE_SUFFIX)
            and column[: -len(RATIONALE_SUFFIX)] in framework.item_codes
        ):
            message = f"item '{column[: -len(RATIONALE_SUFFIX)]}' takes no rationale in framework '{framework.id}'"
        else:
            message = (
                f"'{shown(column)}' is not a column of framework '{framework.id}'"
                f"{_suggest(column, allowed)}"
            )
        problems.append(Problem(source, 1, column, column, "unknown-column", message))
    return problems


def _check_characters(table: _Table, framework: Framework, source: str) -> list[Problem]:
    """Control characters anywhere, and text longer than the framework allows.

    Each column is searched as one string first (cells joined by line feeds, which are
    allowed): only a column that holds a control character, or a text over the limit, is
    looked at cell by cell.
    """
    problems = []
    limit = framework.max_text_length
    for column, values in table.columns.items():
        joined = "\n".join(values)
        # A column shorter than the limit in all has no cell over it: only the few long
        # text columns are measured cell by cell (issue #12, speed).
        if len(joined) > limit and max(map(len, values), default=0) > limit:
            lengths = np.fromiter((len(v) for v in values), dtype=np.int64, count=table.n)
            for i, row in table.rows_where(lengths > limit):
                problems.append(
                    Problem(
                        source,
                        row,
                        column,
                        shown(values[i][:60]) + "...",
                        "too-long",
                        f"the text is {lengths[i]:,} characters long; framework "
                        f"'{framework.id}' allows at most {limit:,} characters in a cell",
                    )
                )
        if _free_of_control(joined):
            continue
        for i, value in enumerate(values):
            found = _CONTROL.search(value)
            if found is None:
                continue
            problems.append(
                Problem(
                    source,
                    _label(table.rows[i]),
                    column,
                    shown(value[:80]),
                    "control-character",
                    f"the value holds the control character {shown(found.group())} "
                    f"(at position {found.start() + 1}), which is not text; remove it",
                )
            )
    return problems


def _check_provider_types(table: _Table, source: str) -> list[Problem]:
    """A provider has one type: rows that differ from the provider's usual type are named."""
    if "provider" not in table or "provider_type" not in table:
        return []
    providers = table.get("provider")
    types = table.get("provider_type")
    seen: dict[str, dict[str, list[int]]] = {}
    for i in range(table.n):
        if providers[i] and types[i]:
            seen.setdefault(providers[i], {}).setdefault(types[i], []).append(i)
    problems = []
    for provider, by_type in seen.items():
        if len(by_type) < 2:
            continue
        # The type most rows give is the provider's; ties go to the first seen.
        usual = max(by_type, key=lambda t: (len(by_type[t]), -by_type[t][0]))
        first = _label(table.rows[by_type[usual][0]])
        for ptype, positions in by_type.items():
            if ptype == usual:
                continue
            for i in positions:
                problems.append(
                    Problem(
                        source,
                        _label(table.rows[i]),
                        "provider_type",
                        ptype,
                        "inconsistent-provider-type",
                        f"provider '{shown(provider)}' is {shown(usual)} on "
                        f"{len(by_type[usual])} row(s) (first on row {first}), but "
                        f"{shown(ptype)} here",
                    )
                )
    return problems


def _check_required_values(table: _Table, source: str) -> list[Problem]:
    problems = []
    for column in REQUIRED_VALUES:
        if column not in table:
            continue
        for _, row in table.rows_where(table.get(column) == ""):
            problems.append(
                Problem(source, row, column, "", "required", f"'{column}' must not be empty")
            )
    return problems


def _check_ids(table: _Table, source: str) -> list[Problem]:
    problems = []
    for column in ("case_id", "inspection_id"):
        if column not in table:
            continue
        values = table.get(column)
        bad = np.fromiter(
            (v != "" and _ID.match(v) is None for v in values), dtype=bool, count=table.n
        )
        for i, row in table.rows_where(bad):
            problems.append(
                Problem(
                    source,
                    row,
                    column,
                    values[i],
                    "pseudonymous-id",
                    f"'{shown(values[i])}' is not a pseudonymous id (letters, digits, '.', '_', "
                    "'/', '-'; no spaces)",
                )
            )
    if "case_id" in table and table.n > 1:
        ids = table.get("case_id")
        duplicated = (ids != "") & pd.Series(ids, dtype=object).duplicated(keep=False).to_numpy()
        first_row: dict[str, object] = {}
        for i, row in table.rows_where(duplicated):
            value = ids[i]
            if value in first_row:
                problems.append(
                    Problem(
                        source,
                        row,
                        "case_id",
                        value,
                        "duplicate-case-id",
                        f"case id '{shown(value)}' already used in row {first_row[value]}",
                    )
                )
            else:
                first_row[value] = row
    return problems


def _check_profile(table: _Table, framework: Framework, source: str) -> list[Problem]:
    problems = []
    for variable in framework.profile:
        if variable.code not in table:
            continue
        values = table.get(variable.code)
        for i, row in table.rows_where((values != "") & ~_isin(values, variable.categories)):
            value = values[i]
            problems.append(
                Problem(
                    source,
                    row,
                    variable.code,
                    value,
                    "unknown-category",
                    f"'{shown(value)}' is not one of {', '.join(variable.categories)}"
                    + _suggest(value, variable.categories),
                )
            )
    for rule in framework.profile_rules:
        if not (set(rule.when) | set(rule.forbid)) <= set(table.columns):
            continue
        mask = np.ones(table.n, dtype=bool)
        for column, allowed in rule.when.items():
            mask &= _isin(table.get(column), allowed)
        for column, forbidden in rule.forbid.items():
            offending = mask & _isin(table.get(column), forbidden)
            for i, row in table.rows_where(offending):
                problems.append(
                    Problem(source, row, column, table.get(column)[i], rule.rule, rule.message)
                )
            mask &= ~offending  # one problem per row and rule
    return problems


def _check_answers(table: _Table, framework: Framework, source: str) -> list[Problem]:
    problems = []
    allowed = ("",) + ANSWER_VALUES
    for item in framework.items:
        if item.code not in table:
            continue
        values = table.get(item.code)
        for i, row in table.rows_where(~_isin(values, allowed)):
            value = values[i]
            hint = ""
            if value.strip().lower() in ANSWER_VALUES:
                hint = f" (write '{value.strip().lower()}': answers are lower-case with no spaces)"
            problems.append(
                Problem(
                    source,
                    row,
                    item.code,
                    value,
                    "bad-answer",
                    f"'{shown(value)}' is not an answer; use 'yes', 'no', or leave empty{hint}",
                )
            )
    return problems


def _check_applicability(table: _Table, framework: Framework, source: str) -> list[Problem]:
    problems = []
    for item in framework.items:
        if item.applies_if is None or item.code not in table:
            continue
        values = table.get(item.code)
        answered = _isin(values, ANSWER_VALUES)
        if not answered.any():
            continue
        missing = [code for code in item.applies_if.items() if code not in table]
        if missing:
            for i, row in table.rows_where(answered):
                problems.append(
                    Problem(
                        source,
                        row,
                        item.code,
                        values[i],
                        "condition-not-recorded",
                        f"answered, but '{missing[0]}' (which decides whether it applies) is not in the file",
                    )
                )
            continue
        ruled_out = ~item.applies_if.mask_arrays(table.columns, table.n)
        for i, row in table.rows_where(answered & ruled_out):
            problems.append(
                Problem(
                    source,
                    row,
                    item.code,
                    values[i],
                    "not-applicable",
                    f"answered, but this question applies only when {item.applies_if.describe()}",
                )
            )
    return problems


def _check_practice(table: _Table, source: str) -> list[Problem]:
    problems = []
    kinds = table.get("practice_kind")
    for i, row in table.rows_where((kinds != "") & ~_isin(kinds, PRACTICE_KINDS)):
        problems.append(
            Problem(
                source,
                row,
                "practice_kind",
                kinds[i],
                "bad-practice-kind",
                f"'{shown(kinds[i])}' is not one of {', '.join(PRACTICE_KINDS)}"
                + _suggest(kinds[i], PRACTICE_KINDS),
            )
        )
    note = table.get("practice_note") != ""
    kind = kinds != ""
    for _, row in table.rows_where(note & ~kind):
        problems.append(
            Problem(
                source,
                row,
                "practice_kind",
                "",
                "practice-kind-missing",
                "a practice note needs practice_kind 'good' or 'poor'",
            )
        )
    for _, row in table.rows_where(kind & ~note):
        problems.append(
            Problem(
                source,
                row,
                "practice_note",
                "",
                "practice-note-missing",
                "practice_kind is given but there is no practice note",
            )
        )
    pseudonym = table.get("practice_pseudonym")
    for i, row in table.rows_where((pseudonym != "") & ~note):
        problems.append(
            Problem(
                source,
                row,
                "practice_pseudonym",
                pseudonym[i],
                "practice-note-missing",
                "a pseudonym is given but there is no practice note",
            )
        )
    return problems


def _check_text(table: _Table, framework: Framework, source: str) -> list[Problem]:
    """Rationales only make sense where the question applies."""
    problems = []
    for item in framework.items:
        column = item.rationale_column
        if column not in table or item.code not in table or item.applies_if is None:
            continue
        if not set(item.applies_if.items()) <= set(table.columns):
            continue
        text = table.get(column)
        ruled_out = ~item.applies_if.mask_arrays(table.columns, table.n)
        for i, row in table.rows_where((text != "") & ruled_out):
            problems.append(
                Problem(
                    source,
                    row,
                    column,
                    text[i],
                    "not-applicable",
                    f"a rationale is given, but '{item.code}' applies only when "
                    f"{item.applies_if.describe()}",
                )
            )
    return problems


def _check_complete(
    table: _Table, framework: Framework, source: str, marked_na: set[str]
) -> list[Problem]:
    problems = []
    for item in framework.items:
        values = table.get(item.code)
        applies = (
            item.applies_if.mask_arrays(table.columns, table.n)
            if item.applies_if is not None
            else np.ones(table.n, dtype=bool)
        )
        may_be_na = item.not_applicable == "allowed" and item.code in marked_na
        if item.not_applicable == "never" or (item.required and not may_be_na):
            for _, row in table.rows_where(applies & (values == "")):
                problems.append(
                    Problem(
                        source,
                        row,
                        item.code,
                        "",
                        "unanswered",
                        f"'{item.label}' must be answered before the case is submitted",
                    )
                )
        if item.rationale == "required":
            column = item.rationale_column
            text = table.get(column)
            blank = np.fromiter((not str(t).strip() for t in text), dtype=bool, count=table.n)
            for _, row in table.rows_where(_isin(values, ANSWER_VALUES) & blank):
                problems.append(
                    Problem(
                        source,
                        row,
                        column,
                        "",
                        "rationale-required",
                        f"'{item.label}' needs a rationale for its judgement",
                    )
                )
    return problems


# --- helpers ------------------------------------------------------------------------------


def _suggest(value: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    folded = {c.lower().strip(): c for c in choices}
    if value.lower().strip() in folded:
        return f" (did you mean '{folded[value.lower().strip()]}'?)"
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
