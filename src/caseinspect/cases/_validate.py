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
from typing import Iterable, Literal, Mapping

import pandas as pd

from ..errors import Problem
from ..framework import ANSWER_VALUES, Framework

__all__ = ["validate_cases", "validate_case", "PRACTICE_COLUMNS", "RATIONALE_SUFFIX", "known_columns"]

RATIONALE_SUFFIX = "__rationale"
PRACTICE_COLUMNS = ("practice_note", "practice_kind", "practice_pseudonym")
PRACTICE_KINDS = ("good", "poor")
REQUIRED_VALUES = ("case_id", "inspection_id", "provider", "provider_type")
# Pseudonymous ids only: no spaces, so a person's name cannot pass for an id by accident.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_MAX_LISTED_PER_RULE = 10_000

Mode = Literal["import", "draft", "submit"]


def known_columns(framework: Framework) -> tuple[str, ...]:
    """Every column the interchange format allows for ``framework``, in canonical order."""
    items = framework.item_codes
    rationales = tuple(i.rationale_column for i in framework.items if i.rationale != "none")
    return framework.profile_columns + items + rationales + PRACTICE_COLUMNS


def validate_cases(frame: pd.DataFrame, framework: Framework, *, source: str, mode: Mode = "import") -> list[Problem]:
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
        answered, and a rationale wherever the framework requires one.

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
    problems: list[Problem] = []
    columns = list(frame.columns)
    problems += _check_columns(columns, framework, source)
    present = set(columns)
    problems += _check_required_values(frame, present, source)
    problems += _check_ids(frame, present, source)
    problems += _check_profile(frame, framework, present, source)
    problems += _check_answers(frame, framework, present, source)
    problems += _check_applicability(frame, framework, present, source)
    problems += _check_practice(frame, present, source)
    problems += _check_text(frame, framework, present, source)
    if mode == "submit":
        problems += _check_complete(frame, framework, present, source)
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
    found = validate_cases(frame, framework, source=source, mode=mode)
    return [Problem(p.file, None, p.column, p.value, p.rule, p.message) for p in found]


# --- individual rules ---------------------------------------------------------------------


def _check_columns(columns: list[str], framework: Framework, source: str) -> list[Problem]:
    problems = []
    allowed = set(known_columns(framework))
    for required in framework.profile_columns:
        if required not in columns:
            problems.append(Problem(source, 1, required, None, "missing-column",
                                    f"the profile column '{required}' is missing"))
    for column in columns:
        if column in allowed:
            continue
        if column.endswith(RATIONALE_SUFFIX) and column[: -len(RATIONALE_SUFFIX)] in framework.item_codes:
            message = f"item '{column[: -len(RATIONALE_SUFFIX)]}' takes no rationale in framework '{framework.id}'"
        else:
            message = f"'{column}' is not a column of framework '{framework.id}'{_suggest(column, allowed)}"
        problems.append(Problem(source, 1, column, column, "unknown-column", message))
    return problems


def _check_required_values(frame: pd.DataFrame, present: set[str], source: str) -> list[Problem]:
    problems = []
    for column in REQUIRED_VALUES:
        if column not in present:
            continue
        for row in _rows(frame[column].eq("")):
            problems.append(Problem(source, row, column, "", "required", f"'{column}' must not be empty"))
    return problems


def _check_ids(frame: pd.DataFrame, present: set[str], source: str) -> list[Problem]:
    problems = []
    for column in ("case_id", "inspection_id"):
        if column not in present:
            continue
        values = frame[column]
        bad = values.ne("") & ~values.str.match(_ID.pattern).fillna(False).astype(bool)
        for row in _rows(bad):
            problems.append(Problem(source, row, column, values[row], "pseudonymous-id",
                                    f"'{values[row]}' is not a pseudonymous id (letters, digits, '.', '_', '/', '-'; no spaces)"))
    if "case_id" in present:
        ids = frame["case_id"]
        duplicated = ids.ne("") & ids.duplicated(keep=False)
        first_row: dict[str, int] = {}
        for row in _rows(duplicated):
            value = ids[row]
            if value in first_row:
                problems.append(Problem(source, row, "case_id", value, "duplicate-case-id",
                                        f"case id '{value}' already used in row {first_row[value]}"))
            else:
                first_row[value] = row
    return problems


def _check_profile(frame: pd.DataFrame, framework: Framework, present: set[str], source: str) -> list[Problem]:
    problems = []
    for variable in framework.profile:
        if variable.code not in present:
            continue
        values = frame[variable.code]
        bad = values.ne("") & ~values.isin(variable.categories)
        for row in _rows(bad):
            value = values[row]
            problems.append(Problem(source, row, variable.code, value, "unknown-category",
                                    f"'{value}' is not one of {', '.join(variable.categories)}"
                                    + _suggest(value, variable.categories)))
    for rule in framework.profile_rules:
        columns = set(rule.when) | set(rule.forbid)
        if not columns <= present:
            continue
        mask = pd.Series(True, index=frame.index)
        for column, values in rule.when.items():
            mask &= frame[column].isin(values)
        offending = pd.Series(False, index=frame.index)
        for column, values in rule.forbid.items():
            offending |= frame[column].isin(values)
        for row in _rows(mask & offending):
            column = next(c for c, v in rule.forbid.items() if frame.at[row, c] in v)
            problems.append(Problem(source, row, column, frame.at[row, column], rule.rule, rule.message))
    return problems


def _check_answers(frame: pd.DataFrame, framework: Framework, present: set[str], source: str) -> list[Problem]:
    problems = []
    allowed = ("",) + ANSWER_VALUES
    for item in framework.items:
        if item.code not in present:
            continue
        values = frame[item.code]
        for row in _rows(~values.isin(allowed)):
            value = values[row]
            hint = ""
            if value.strip().lower() in ANSWER_VALUES:
                hint = f" (write '{value.strip().lower()}': answers are lower-case with no spaces)"
            problems.append(Problem(source, row, item.code, value, "bad-answer",
                                    f"'{value}' is not an answer; use 'yes', 'no', or leave empty{hint}"))
    return problems


def _check_applicability(frame: pd.DataFrame, framework: Framework, present: set[str], source: str) -> list[Problem]:
    problems = []
    for item in framework.items:
        if item.applies_if is None or item.code not in present:
            continue
        answered = frame[item.code].isin(ANSWER_VALUES)
        missing = [code for code in item.applies_if.items() if code not in present]
        if missing:
            for row in _rows(answered):
                problems.append(Problem(source, row, item.code, frame.at[row, item.code], "condition-not-recorded",
                                        f"answered, but '{missing[0]}' (which decides whether it applies) is not in the file"))
            continue
        for row in _rows(answered & ~item.applies_if.mask(frame)):
            problems.append(Problem(source, row, item.code, frame.at[row, item.code], "not-applicable",
                                    f"answered, but this question applies only when {item.applies_if.describe()}"))
    return problems


def _check_practice(frame: pd.DataFrame, present: set[str], source: str) -> list[Problem]:
    problems = []
    if "practice_kind" in present:
        kinds = frame["practice_kind"]
        for row in _rows(kinds.ne("") & ~kinds.isin(PRACTICE_KINDS)):
            problems.append(Problem(source, row, "practice_kind", kinds[row], "bad-practice-kind",
                                    f"'{kinds[row]}' is not one of {', '.join(PRACTICE_KINDS)}"
                                    + _suggest(kinds[row], PRACTICE_KINDS)))
    note = frame["practice_note"].ne("") if "practice_note" in present else pd.Series(False, index=frame.index)
    kind = frame["practice_kind"].ne("") if "practice_kind" in present else pd.Series(False, index=frame.index)
    for row in _rows(note & ~kind):
        problems.append(Problem(source, row, "practice_kind", "", "practice-kind-missing",
                                "a practice note needs practice_kind 'good' or 'poor'"))
    for row in _rows(kind & ~note):
        problems.append(Problem(source, row, "practice_note", "", "practice-note-missing",
                                "practice_kind is given but there is no practice note"))
    if "practice_pseudonym" in present:
        pseudonym = frame["practice_pseudonym"]
        for row in _rows(pseudonym.ne("") & ~note):
            problems.append(Problem(source, row, "practice_pseudonym", pseudonym[row], "practice-note-missing",
                                    "a pseudonym is given but there is no practice note"))
    return problems


def _check_text(frame: pd.DataFrame, framework: Framework, present: set[str], source: str) -> list[Problem]:
    """Rationales only make sense next to an answer or an explicit 'not applicable'."""
    problems = []
    for item in framework.items:
        column = item.rationale_column
        if column not in present or item.code not in present:
            continue
        has_text = frame[column].ne("")
        if item.applies_if is not None and set(item.applies_if.items()) <= present:
            ruled_out = ~item.applies_if.mask(frame)
            for row in _rows(has_text & ruled_out):
                problems.append(Problem(source, row, column, frame.at[row, column], "not-applicable",
                                        f"a rationale is given, but '{item.code}' applies only when "
                                        f"{item.applies_if.describe()}"))
    return problems


def _check_complete(frame: pd.DataFrame, framework: Framework, present: set[str], source: str) -> list[Problem]:
    problems = []
    for item in framework.items:
        values = frame[item.code] if item.code in present else pd.Series("", index=frame.index)
        applies = item.applies_if.mask(frame) if item.applies_if is not None else pd.Series(True, index=frame.index)
        if item.not_applicable == "never":
            for row in _rows(applies & values.eq("")):
                problems.append(Problem(source, row, item.code, "", "unanswered",
                                        f"'{item.label}' must be answered before the case is submitted"))
        if item.rationale == "required":
            column = item.rationale_column
            text = frame[column] if column in present else pd.Series("", index=frame.index)
            for row in _rows(values.isin(ANSWER_VALUES) & text.str.strip().eq("")):
                problems.append(Problem(source, row, column, "", "rationale-required",
                                        f"'{item.label}' needs a rationale for its judgement"))
    return problems


# --- helpers ------------------------------------------------------------------------------


def _rows(mask: pd.Series) -> Iterable:
    """Row labels where ``mask`` holds (capped so a wholly wrong column stays listable)."""
    selected = mask[mask.fillna(False).astype(bool)].index
    return selected[:_MAX_LISTED_PER_RULE]


def _suggest(value: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    folded = {c.lower().strip(): c for c in choices}
    if value.lower().strip() in folded:
        return f" (did you mean '{folded[value.lower().strip()]}'?)"
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
