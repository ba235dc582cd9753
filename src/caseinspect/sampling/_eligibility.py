"""The eligible-case list: its columns, their checks, and screening by the framework rules.

A provider's eligible-case list has one row per case currently supervised. The
framework's sampling rules (SPEC section 3) decide which rows may be sampled:
months under supervision at the reference date, the exclusions, and the minimum
delivery for terminated or recalled cases. Every row that fails is kept with its
reasons, so nothing a provider listed disappears without a word.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd

from ..cases._rows import cell_text as _text
from ..cases._rows import row_numbers as _row_numbers
from ..errors import Problem, ValidationError
from ..framework import ProfileRule, SamplingRules

__all__ = [
    "DISPOSAL_TYPES",
    "ELIGIBLE_COLUMNS",
    "FLAG_VALUES",
    "REQUIREMENTS",
    "months_between",
    "prepare_eligible",
    "screen",
]

#: Columns an eligible-case list must have (flag columns come from the framework rules).
ELIGIBLE_COLUMNS = (
    "case_id",
    "sentence_or_release_date",
    "requirements",
    "officer",
    "office",
    "gender",
    "ethnic_group",
    "disposal_type",
    "rosh",
    "termination_or_recall_date",
)
DISPOSAL_TYPES = ("community", "custody")
#: Community sentence requirements (Criminal Justice Act 2003, s. 177, as amended), as
#: written in the ``requirements`` column. The framework's exclusion list is added to these.
REQUIREMENTS = (
    "unpaid_work",
    "rehabilitation_activity",
    "programme",
    "prohibited_activity",
    "curfew",
    "exclusion",
    "residence",
    "foreign_travel_prohibition",
    "mental_health_treatment",
    "drug_rehabilitation",
    "alcohol_treatment",
    "alcohol_abstinence_monitoring",
    "attendance_centre",
    "electronic_monitoring",
    "supervision",
    "activity",
)
FLAG_VALUES = {
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Columns whose empty cells mean "not recorded" rather than a mistake.
_MAY_BE_EMPTY = ("gender", "ethnic_group", "rosh", "termination_or_recall_date", "requirements")

# Exclusion reasons: a stable code (written to the exclusions file) and its wording.
REASONS = {
    "too-recent": "under {min} months since sentence or release ({months:.1f})",
    "too-long": "over {max} months since sentence or release ({months:.1f})",
    "only-excluded-requirements": "community order whose only requirements are {reqs}",
    "yot_held": "held by a youth offending team",
    "sfo_or_scr": "subject to a serious further offence review or serious case review",
    "transferred": "transferred in or out since sentence or release",
    "short-delivery": "terminated or recalled after {weeks:.1f} weeks of delivery "
    "(minimum {min_weeks})",
}


def months_between(start: date, end: date) -> float:
    """Calendar months from ``start`` to ``end``, with a fraction for the part month.

    Whole months are counted by calendar (15 January to 15 July is exactly 6); the
    remaining days are divided by the length of the month they fall in. Negative if
    ``end`` is before ``start``.

    Examples
    --------
    >>> months_between(date(2024, 1, 15), date(2024, 7, 15))
    6.0
    >>> months_between(date(2024, 1, 31), date(2024, 2, 29))  # end of month to end of month
    1.0
    >>> round(months_between(date(2024, 1, 15), date(2024, 8, 1)), 3)
    6.548
    """
    if end < start:
        return -months_between(end, start)
    whole = (end.year - start.year) * 12 + (end.month - start.month)
    while whole > 0 and _add_months(start, whole) > end:
        whole -= 1
    anchor = _add_months(start, whole)
    following = _add_months(start, whole + 1)
    return whole + (end - anchor).days / (following - anchor).days


def _add_months(day: date, months: int) -> date:
    # Clamp to the month's last day: one month after 31 January is 29 (or 28) February.
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def prepare_eligible(
    eligible: pd.DataFrame,
    rules: SamplingRules,
    *,
    categories: Mapping[str, Sequence[str]] | None = None,
    source: str = "eligible cases",
    profile_rules: Sequence[ProfileRule] = (),
    provider_type: str | None = None,
    reference_date: date | None = None,
) -> pd.DataFrame:
    """Check an eligible-case list and return it in canonical form.

    Parameters
    ----------
    eligible : DataFrame
        As read from CSV, all text. Columns: :data:`ELIGIBLE_COLUMNS`, one column per
        ``rules.exclude_flags`` (``yes``/``no``), every column named in ``rules.strata``,
        ``rules.spread_by`` and ``rules.minimums``; other columns are kept as they are.
    rules : SamplingRules
    categories : mapping, optional
        Allowed values per column (normally the framework's profile categories, e.g.
        ``{"gender": ("Male", "Female")}``), spelt exactly as the framework spells them:
        a value in another spelling is reported with a suggestion, never rewritten.
        Empty cells mean "not recorded".
    source : str
        File name for messages.
    profile_rules : sequence of ProfileRule, optional
        The framework's forbidden profile combinations (e.g. a CRC holds no high / very
        high risk of serious harm case), checked on every row. A rule on
        ``provider_type`` uses the list's ``provider_type`` column, else ``provider_type``.
    provider_type : str, optional
        The type of the provider whose list this is, when the list has no such column.
    reference_date : datetime.date, optional
        A sentence or release date after it is a problem (``future-date``), not a case
        silently excluded as too recent.

    Returns
    -------
    DataFrame
        Same rows and columns, with dates as ``datetime.date`` (``None`` when empty),
        flags as ``bool`` and ``requirements`` as a tuple of codes; every other value
        exactly as written (pass-through columns are never stripped or changed).

    Raises
    ------
    ValidationError
        Every problem in every row.
    """
    cats = {k: tuple(v) for k, v in (categories or {}).items()}
    required = list(
        dict.fromkeys(
            list(ELIGIBLE_COLUMNS)
            + list(rules.exclude_flags)
            + list(rules.strata)
            + list(rules.spread_by)
            + [m.column for m in rules.minimums]
        )
    )
    missing = [c for c in required if c not in eligible.columns]
    if missing:
        raise ValidationError(
            [
                Problem(source, None, c, None, "missing-column", "required column is missing")
                for c in missing
            ],
            hint="see docs/sampling.md for the columns of an eligible-case list",
        )

    if len(eligible) == 0:
        raise ValidationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    None,
                    "no-cases",
                    "the list has no cases (a header and nothing else)",
                )
            ]
        )
    problems: list[Problem] = []
    raw_records = eligible.to_dict("records")
    records = [{k: _text(v) for k, v in r.items()} for r in raw_records]
    # Canonical values, column by column; built as plain lists so that dates, tuples and
    # booleans keep their Python types (object columns) whatever pandas would infer. They
    # start as the text exactly as written: pass-through columns are never stripped.
    columns: dict[str, list[object]] = {
        c: [_raw(r[c]) for r in raw_records] for c in eligible.columns
    }
    for column in required:
        columns[column] = [r[column] for r in records]
    known_requirements = set(REQUIREMENTS) | set(rules.exclude_if_only_requirements)
    seen: dict[str, int] = {}

    row_numbers = _row_numbers(eligible)
    for i, record in enumerate(records):
        row = row_numbers[i]

        def bad(column: str, rule: str, message: str) -> None:
            problems.append(Problem(source, row, column, record.get(column), rule, message))  # noqa: B023 - called only within this iteration

        for column in required:
            if column not in _MAY_BE_EMPTY and column not in cats and not record[column]:
                bad(column, "missing-value", "a value is required.")
            raw = raw_records[i].get(column)
            if isinstance(raw, str) and raw != raw.strip():
                # Reported rather than trimmed: nothing a user entered is changed silently.
                bad(column, "whitespace", f"'{raw}' has spaces before or after the value.")
        case_id = record["case_id"]
        if case_id:
            if case_id in seen:
                bad(
                    "case_id",
                    "duplicate-case",
                    f"case '{case_id}' already appears on row {seen[case_id]}.",
                )
            else:
                seen[case_id] = row

        start = _parse_date(record["sentence_or_release_date"])
        if record["sentence_or_release_date"] and start is None:
            bad(
                "sentence_or_release_date",
                "bad-date",
                f"'{record['sentence_or_release_date']}' is not a date in the form YYYY-MM-DD.",
            )
        if start is not None and reference_date is not None and start > reference_date:
            bad(
                "sentence_or_release_date",
                "future-date",
                f"{start} is after the reference date {reference_date}: a case sentenced "
                "or released later cannot be on the list (check the date, or "
                "--reference-date).",
            )
        columns["sentence_or_release_date"][i] = start
        end_text = record["termination_or_recall_date"]
        end = _parse_date(end_text)
        if end_text and end is None:
            bad(
                "termination_or_recall_date",
                "bad-date",
                f"'{end_text}' is not a date in the form YYYY-MM-DD.",
            )
        elif end is not None and start is not None and end < start:
            bad(
                "termination_or_recall_date",
                "date-order",
                f"terminated or recalled on {end}, before the sentence or release on {start}.",
            )
        columns["termination_or_recall_date"][i] = end

        disposal = record["disposal_type"]
        if disposal and disposal not in DISPOSAL_TYPES:
            bad(
                "disposal_type",
                "unknown-category",
                f"'{disposal}' is not one of {', '.join(DISPOSAL_TYPES)}{_did_you_mean(disposal, DISPOSAL_TYPES)}.",
            )

        # Spaces around the ';' separators are layout, not part of a code.
        codes = tuple(t.strip() for t in record["requirements"].split(";") if t.strip())
        unknown = [c for c in codes if c not in known_requirements]
        if unknown:
            hints = [
                f"'{_requirement_code(u)}'"
                for u in unknown
                if _requirement_code(u) in known_requirements
            ]
            bad(
                "requirements",
                "unknown-requirement",
                f"{', '.join(repr(u) for u in unknown)} not known; use "
                f"{', '.join(sorted(known_requirements))} separated by ';'"
                + (f" (did you mean {', '.join(hints)}?)" if hints else "")
                + ".",
            )
        if disposal == "community" and not codes:
            bad(
                "requirements",
                "missing-value",
                "a community disposal needs its requirements (separated by ';').",
            )
        columns["requirements"][i] = codes

        for flag in rules.exclude_flags:
            value = record[flag]
            if value and value not in FLAG_VALUES:
                bad(
                    flag,
                    "bad-flag",
                    f"'{value}' is not yes or no{_did_you_mean(value, tuple(FLAG_VALUES))}.",
                )
            columns[flag][i] = FLAG_VALUES.get(value, False)

        profile = {k: v for k, v in record.items()}
        if provider_type is not None and not profile.get("provider_type"):
            profile["provider_type"] = provider_type
        for rule in profile_rules:
            offending = rule.violated(profile)
            if offending is not None:
                bad(offending, rule.rule, rule.message)

        for column, allowed in cats.items():
            if column not in columns:
                continue
            value = record[column]
            if not value:
                continue
            if value not in allowed:
                bad(
                    column,
                    "unknown-category",
                    f"'{value}' is not one of {', '.join(allowed)} (or empty for not recorded)"
                    f"{_did_you_mean(value, allowed)}.",
                )
    if problems:
        raise ValidationError(
            problems, hint="see docs/sampling.md for the columns of an eligible-case list"
        )
    return pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in columns.items()})


def screen(
    cases: pd.DataFrame, rules: SamplingRules, reference_date: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split prepared cases into eligible and excluded by the framework's rules.

    Parameters
    ----------
    cases : DataFrame
        As returned by :func:`prepare_eligible`.
    rules : SamplingRules
    reference_date : datetime.date
        The date at which months under supervision are counted (usually the date the
        list was drawn).

    Returns
    -------
    eligible, excluded : DataFrame
        Both add ``months_under_supervision`` (rounded to 2 places); ``excluded`` adds
        ``reasons`` (codes separated by ';') and ``detail`` (in words), one row per
        excluded case with every rule it breaks.
    """
    months = [months_between(d, reference_date) for d in cases["sentence_or_release_date"]]
    reasons: list[list[str]] = []
    details: list[list[str]] = []
    only = set(rules.exclude_if_only_requirements)
    for m, record in zip(months, cases.to_dict("records"), strict=True):
        codes: list[str] = []
        words: list[str] = []

        def add(code: str, **fmt: object) -> None:
            codes.append(code)  # noqa: B023 - called only within this iteration
            words.append(REASONS.get(code, code).format(**fmt))  # noqa: B023

        if m < rules.months_min:
            add("too-recent", min=_fmt_months(rules.months_min), months=m)
        elif m > rules.months_max:
            add("too-long", max=_fmt_months(rules.months_max), months=m)
        reqs = record["requirements"]
        if only and record["disposal_type"] == "community" and reqs and set(reqs) <= only:
            add("only-excluded-requirements", reqs=", ".join(reqs))
        for flag in rules.exclude_flags:
            if record[flag]:
                add(flag)
        end = record["termination_or_recall_date"]
        if end is not None:
            weeks = (end - record["sentence_or_release_date"]).days / 7
            if weeks < rules.min_delivery_weeks:
                add("short-delivery", weeks=weeks, min_weeks=rules.min_delivery_weeks)
        reasons.append(codes)
        details.append(words)
    marked = cases.copy()
    marked["months_under_supervision"] = [round(m, 2) for m in months]
    keep = [not r for r in reasons]
    excluded = marked[[not k for k in keep]].copy()
    excluded["reasons"] = [";".join(r) for r in reasons if r]
    excluded["detail"] = ["; ".join(w) for w in details if w]
    return marked[keep].copy(), excluded


def _fmt_months(value: float) -> str:
    return f"{value:g}"


def _did_you_mean(value: str, allowed: tuple[str, ...]) -> str:
    folded = {a.lower(): a for a in allowed}
    match = folded.get(_requirement_code(value).replace("_", " ")) or folded.get(
        value.strip().lower()
    )
    return f" (did you mean '{match}'?)" if match and match != value else ""


def _requirement_code(token: str) -> str:
    return re.sub(r"[\s\-]+", "_", token.strip().lower())


def _raw(value: object) -> object:
    """A cell as written: ``""`` for a missing cell, anything else unchanged."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value


def _parse_date(value: str) -> date | None:
    if not value or not _ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
