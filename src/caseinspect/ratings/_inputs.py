"""Checking the three inputs of a ratings run: cases, judgements and overrides."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..cases._rows import cell_text as _text
from ..cases._rows import row_numbers as _row_numbers
from ..errors import Problem, UsageError, ValidationError
from ..framework import ANSWER_VALUES, Framework, RatingsRules, Standard

__all__ = ["Decision", "check_cases", "check_decisions"]

JUDGEMENT_COLUMNS = ("provider", "standard", "rating", "reasons")
OVERRIDE_COLUMNS = ("provider", "standard", "rating", "reason")


@dataclass(frozen=True)
class Decision:
    """A recorded rating: an inspectors' judgement or a ratings panel's override."""

    provider: str
    standard: str
    rating: str
    reason: str


def check_cases(
    cases: pd.DataFrame, fw: Framework, source: str
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the key-question answers (lower case, '' for empty) and each provider's type."""
    kq_items = [kq.item for s in fw.standards if s.basis == "cases" for kq in s.key_questions]
    needed = ["provider", "provider_type", *dict.fromkeys(kq_items)]
    missing = [c for c in needed if c not in cases.columns]
    if missing:
        raise ValidationError(
            [
                Problem(source, None, c, None, "missing-column", "required column is missing")
                for c in missing
            ]
        )
    allowed_types = _provider_types(fw)
    by_lower = {t.lower(): t for t in allowed_types}
    problems: list[Problem] = []
    # provider -> type -> rows giving it; the type most rows give is the provider's.
    types: dict[str, dict[str, list[int]]] = {}
    columns = {c: [_text(v) for v in cases[c]] for c in needed}
    rows = _row_numbers(cases)
    if not rows:
        raise ValidationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    None,
                    "no-cases",
                    "the file has no cases (a header and nothing else)",
                )
            ]
        )
    for i, (provider, ptype) in enumerate(
        zip(columns["provider"], columns["provider_type"], strict=True)
    ):
        row = rows[i]
        if not provider:
            problems.append(
                Problem(source, row, "provider", "", "missing-value", "a provider is required.")
            )
        canonical = by_lower.get(ptype.lower())
        if canonical is None:
            problems.append(
                Problem(
                    source,
                    row,
                    "provider_type",
                    ptype,
                    "unknown-category",
                    f"'{ptype}' is not one of {', '.join(allowed_types)}.",
                )
            )
            continue
        columns["provider_type"][i] = canonical
        if provider:
            types.setdefault(provider, {}).setdefault(canonical, []).append(row)
    usual: dict[str, str] = {}
    for provider, by_type in types.items():
        # Ties go to the type seen first; every row giving another type is named.
        usual[provider] = max(by_type, key=lambda t: (len(by_type[t]), -by_type[t][0]))
        for ptype, type_rows in by_type.items():
            if ptype == usual[provider]:
                continue
            majority = by_type[usual[provider]]
            for row in type_rows:
                problems.append(
                    Problem(
                        source,
                        row,
                        "provider_type",
                        ptype,
                        "inconsistent-provider-type",
                        f"provider '{provider}' is {usual[provider]} on {len(majority)} "
                        f"row(s) (first on row {majority[0]}), but {ptype} here.",
                    )
                )
    for item in dict.fromkeys(kq_items):
        values = columns[item]
        for i, value in enumerate(values):
            answer = value.lower()
            if answer and answer not in ANSWER_VALUES:
                problems.append(
                    Problem(
                        source,
                        rows[i],
                        item,
                        value,
                        "unknown-answer",
                        f"'{value}' is not one of yes, no or empty.",
                    )
                )
            values[i] = answer
    if problems:
        raise ValidationError(problems)
    table = pd.DataFrame(columns, dtype=object)
    return table, usual


def check_decisions(
    frame: pd.DataFrame | None,
    fw: Framework,
    provider_types: dict[str, str],
    *,
    kind: str,
    source: str,
    reason_required: bool = True,
) -> list[Decision]:
    """Check a judgements (``kind="judgement"``) or overrides (``kind="override"``) table."""
    if frame is None:
        return []
    columns = JUDGEMENT_COLUMNS if kind == "judgement" else OVERRIDE_COLUMNS
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValidationError(
            [
                Problem(source, None, c, None, "missing-column", "required column is missing")
                for c in missing
            ]
        )
    rules = _ratings_rules(fw)
    levels = {lv.name.lower(): lv.name for lv in rules.levels}
    problems: list[Problem] = []
    out: list[Decision] = []
    seen: dict[tuple[str, str], int] = {}
    reason_column = columns[3]
    for row, raw in zip(_row_numbers(frame), frame[list(columns)].to_dict("records"), strict=True):
        record = {k: _text(v) for k, v in raw.items()}
        # Reasons are the inspectors' words: kept exactly as written, never stripped.
        reason_text = _as_written(raw[columns[3]])

        def bad(column: str, rule: str, message: str) -> None:
            problems.append(Problem(source, row, column, record[column], rule, message))  # noqa: B023 - called only within this iteration

        provider, code = record["provider"], record["standard"]
        standard: Standard | None = None
        if provider not in provider_types:
            bad(
                "provider",
                "unknown-provider",
                f"'{provider}' is not a provider in the case file "
                f"({', '.join(sorted(provider_types)) or 'none'}).",
            )
        else:
            ptype = provider_types[provider]
            standard = next((s for s in fw.standards_for(ptype) if s.code == code), None)
            if standard is None:
                codes = ", ".join(s.code for s in fw.standards_for(ptype))
                bad(
                    "standard",
                    "unknown-standard",
                    f"'{code}' is not a standard rated for a {ptype} ({codes}).",
                )
            elif kind == "judgement" and standard.basis != "judgement":
                bad(
                    "standard",
                    "rated-from-cases",
                    f"standard {code} is rated from the case sample; to change its rating "
                    "record a panel override with a reason.",
                )
        rating = levels.get(record["rating"].lower())
        if rating is None:
            bad(
                "rating",
                "unknown-rating",
                f"'{record['rating']}' is not one of {', '.join(lv.name for lv in rules.levels)}.",
            )
        if not record[reason_column] and (kind == "judgement" or reason_required):
            bad(
                reason_column,
                "missing-reason",
                "a judgement needs its reasons."
                if kind == "judgement"
                else "an override needs a recorded reason.",
            )
        key = (provider, code)
        if key in seen:
            bad("standard", "duplicate", f"{provider} {code} is already rated on row {seen[key]}.")
        else:
            seen[key] = row
        if standard is not None and rating is not None:
            out.append(Decision(provider, code, rating, reason_text))
    if problems:
        raise ValidationError(problems)
    return out


def _as_written(value: object) -> str:
    """A cell exactly as written (``""`` for a missing one): no spaces removed."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _provider_types(fw: Framework) -> tuple[str, ...]:
    try:
        return fw.profile_variable("provider_type").categories
    except KeyError:
        return tuple(sorted({t for s in fw.standards for t in s.provider_types}))


def _ratings_rules(fw: Framework) -> RatingsRules:
    """The framework's ratings rules, or a clear error for a framework that rates nothing."""
    if fw.ratings is None:
        raise UsageError(
            f"framework {fw.id!r} has no ratings rules, so its providers cannot be rated",
            hint="add a 'ratings' section to the framework file",
        )
    return fw.ratings
