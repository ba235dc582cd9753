"""Reads for the coding workspace and the library: rationales to code, agreement, exports."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import QuerySet

from ...agreement import Coefficients, agreement_coefficients
from ...framework import Framework
from ..frameworks import framework_by_id
from ..models import Case
from .models import PRACTICE_ITEM, RationaleCoding, SampleMember, SearchDocument, Suggestion

__all__ = [
    "ThemeInfo",
    "themes_of",
    "primary_cases",
    "rationale_rows",
    "theme_agreement",
    "coded_set",
    "case_table",
    "ThemeAgreement",
]


@dataclass(frozen=True)
class ThemeInfo:
    code: str
    label: str
    kind: str
    items: tuple[str, ...] = ()


def themes_of(framework: Framework) -> list[ThemeInfo]:
    """The codebook's themes (framework data); without a codebook, the themes in use."""
    try:
        from ...text import load_codebook

        book = load_codebook(framework)
        return [ThemeInfo(t.code, t.label, t.kind, tuple(t.items)) for t in book.themes]
    except Exception:  # noqa: BLE001 - no codebook for this framework: fall back to what is stored
        used = set(
            Suggestion.objects.filter(case__inspection__framework_id=framework.id).values_list(
                "theme", flat=True
            )
        )
        for themes in RationaleCoding.objects.filter(
            case__inspection__framework_id=framework.id
        ).values_list("themes", flat=True):
            used.update(themes)
        return [ThemeInfo(code, code.replace("_", " "), "other") for code in sorted(used)]


def primary_cases(framework_id: str) -> QuerySet[Case]:
    """The framework's cases (second markings are moderation copies, not cases)."""
    return Case.objects.filter(
        inspection__framework_id=framework_id, second_marking_of__isnull=True
    )


def case_table(framework_id: str, cases: QuerySet[Case] | None = None) -> pd.DataFrame:
    """Cases in the interchange format (what the core functions take)."""
    from ..store import cases_frame

    qs = cases if cases is not None else primary_cases(framework_id)
    return cases_frame(framework_id=framework_id, queryset=qs)


@dataclass
class Row:
    """One rationale in the workspace."""

    document: SearchDocument
    item_label: str
    suggestions: list[tuple[str, str, float]] = field(default_factory=list)
    coded: list[str] | None = None
    coder: str = ""
    in_sample: bool = False
    added: list[tuple[str, str]] = field(default_factory=list)


def theme_pairs(framework: Framework, theme: str, *, slot: int = 1) -> set[tuple[int, str]]:
    """(case pk, item) of the texts suggested or coded (in ``slot``) with ``theme``."""
    pairs = set(
        Suggestion.objects.filter(
            case__inspection__framework_id=framework.id, theme=theme
        ).values_list("case_id", "item")
    )
    for case_pk, item, themes in RationaleCoding.objects.filter(
        case__inspection__framework_id=framework.id, slot=slot
    ).values_list("case_id", "item", "themes"):
        if theme in themes:
            pairs.add((case_pk, item))
    return pairs


def rationale_rows(
    framework: Framework,
    *,
    theme: str = "",
    item: str = "",
    slot: int = 1,
    sample_only: bool = False,
    show_suggestions: bool = True,
    page: int = 1,
    per_page: int | None = None,
) -> tuple[int, list[Row]]:
    """Texts to code (by theme: suggested or coded with it; by item), with their state.

    Returns the number of texts that match and the rows of the page asked for (all rows
    without ``per_page``). Only the page's texts, suggestions and codes are loaded.
    """
    labels = {i.code: i.label for i in framework.items}
    labels[PRACTICE_ITEM] = "Practice note"
    theme_labels = {t.code: t.label for t in themes_of(framework)}
    docs = SearchDocument.objects.filter(framework_id=framework.id)
    if item:
        docs = docs.filter(item=item)
    keys = list(docs.order_by("case__case_id", "item").values_list("pk", "case_id", "item"))
    sample = set(
        SampleMember.objects.filter(case__inspection__framework_id=framework.id).values_list(
            "case_id", "item"
        )
    )
    if sample_only:
        keys = [k for k in keys if (k[1], k[2]) in sample]
    if theme:
        wanted = theme_pairs(framework, theme, slot=slot)
        keys = [k for k in keys if (k[1], k[2]) in wanted]
    total = len(keys)
    if per_page is not None:
        keys = keys[(page - 1) * per_page : page * per_page]
    case_pks = {k[1] for k in keys}
    suggestions: dict[tuple[int, str], list[tuple[str, str, float]]] = {}
    for s in Suggestion.objects.filter(case_id__in=case_pks).order_by("-score", "theme"):
        suggestions.setdefault((s.case_id, s.item), []).append(
            (s.theme, theme_labels.get(s.theme, s.theme), s.score)
        )
    codings = {
        (c.case_id, c.item): c
        for c in RationaleCoding.objects.filter(case_id__in=case_pks, slot=slot).select_related(
            "coder"
        )
    }
    loaded = SearchDocument.objects.select_related("case").in_bulk([k[0] for k in keys])
    rows = []
    for pk, case_pk, doc_item in keys:
        key = (case_pk, doc_item)
        coding = codings.get(key)
        shown = suggestions.get(key, []) if show_suggestions else []
        offered = {t for t, _, _ in shown}
        coded = list(coding.themes) if coding else None
        rows.append(
            Row(
                loaded[pk],
                labels.get(doc_item, doc_item),
                shown,
                coded,
                coding.coder.get_username() if coding else "",
                key in sample,
                [(t, theme_labels.get(t, t)) for t in coded or [] if t not in offered],
            )
        )
    return total, rows


@dataclass(frozen=True)
class ThemeAgreement:
    theme: ThemeInfo
    coefficients: Coefficients
    first_only: int
    second_only: int


def theme_agreement(framework: Framework) -> tuple[int, list[ThemeAgreement]]:
    """Per theme, the agreement of the two coders over the sample rationales both coded."""
    first = {
        (c.case_id, c.item): set(c.themes)
        for c in RationaleCoding.objects.filter(case__inspection__framework_id=framework.id, slot=1)
    }
    second = {
        (c.case_id, c.item): set(c.themes)
        for c in RationaleCoding.objects.filter(case__inspection__framework_id=framework.id, slot=2)
    }
    sample = set(
        SampleMember.objects.filter(case__inspection__framework_id=framework.id).values_list(
            "case_id", "item"
        )
    )
    both = sorted(k for k in sample if k in first and k in second)
    rows = []
    for theme in themes_of(framework):
        table = [[0, 0], [0, 0]]
        for key in both:
            a = 0 if theme.code in first[key] else 1
            b = 0 if theme.code in second[key] else 1
            table[a][b] += 1
        rows.append(ThemeAgreement(theme, agreement_coefficients(table), table[0][1], table[1][0]))
    return len(both), rows


def coded_set(framework: Framework) -> pd.DataFrame:
    """The coded set: ``case_id, item, theme, score, source`` (as ``codes.csv``), confirmed
    codes of record only, ready for ``caseinspect themes --confirmed``."""
    scores = {
        (s.case_id, s.item, s.theme): s.score
        for s in Suggestion.objects.filter(case__inspection__framework_id=framework.id)
    }
    rows = []
    for c in (
        RationaleCoding.objects.filter(case__inspection__framework_id=framework.id, slot=1)
        .select_related("case")
        .order_by("case__case_id", "item")
    ):
        for theme in sorted(c.themes):
            score = scores.get((c.case_id, c.item, theme))
            rows.append(
                (
                    c.case.case_id,
                    c.item,
                    theme,
                    "" if score is None else f"{score:.3f}",
                    "confirmed",
                )
            )
    return pd.DataFrame(rows, columns=["case_id", "item", "theme", "score", "source"])


def sample_candidates(framework: Framework, n: int, seed: int) -> list[tuple[int, str]]:
    """``n`` coded rationales (slot 1) not yet in the sample, drawn reproducibly."""
    taken = set(
        SampleMember.objects.filter(case__inspection__framework_id=framework.id).values_list(
            "case_id", "item"
        )
    )
    coded = sorted(
        (c.case_id, c.item)
        for c in RationaleCoding.objects.filter(case__inspection__framework_id=framework.id, slot=1)
        if (c.case_id, c.item) not in taken
    )
    return random.Random(seed).sample(coded, min(n, len(coded)))  # noqa: S311 - reproducible, not secret


def framework_choices() -> list[tuple[str, str]]:
    """Frameworks that have cases: (id, title)."""
    ids = sorted(set(Case.objects.values_list("inspection__framework_id", flat=True)) - {""})
    return [(i, framework_by_id(i).title) for i in ids]


def reviewed_frame(examples) -> pd.DataFrame:
    """The stored review decisions in the shape :func:`caseinspect.text.read_review` gives."""
    return pd.DataFrame(
        [(e.case.case_id, e.digest, e.decision, ";".join(e.keep)) for e in examples],
        columns=["case_id", "digest", "decision", "keep"],
    )


def publication(framework: Framework) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The examples marked for publication: ``(publishable, status)``.

    ``publishable`` has only the marked examples a reviewer approved in their current
    version (:func:`caseinspect.text.publishable_examples`); ``status`` lists every marked
    example with its review status (approved, rejected, pending, stale).
    """
    from ...text import pseudonymise_cases, publishable_examples, review_status
    from .models import PracticeExample

    marked = list(
        PracticeExample.objects.filter(case__inspection__framework_id=framework.id, marked=True)
        .select_related("case")
        .order_by("case__case_id")
    )
    cases = Case.objects.filter(pk__in=[e.case_id for e in marked])
    added = {e.case.case_id: list(e.also) for e in marked if e.also}
    result = pseudonymise_cases(case_table(framework.id, cases), framework, reviewer_names=added)
    reviewed = reviewed_frame(marked)
    return publishable_examples(result, reviewed), review_status(result, reviewed)


def review_status_of(result, example) -> str:
    """approved / rejected / pending / stale for one case's example and its stored review."""
    from ...text import review_status

    reviewed = reviewed_frame([example]) if example is not None and example.decision else None
    return str(review_status(result, reviewed)["status"].iloc[0])
