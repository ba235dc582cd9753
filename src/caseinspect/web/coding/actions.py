"""Writes of the coding workspace and the library: one function per write, atomic, audited.

Each takes the acting user and records its audit event (:func:`caseinspect.web.audit.record`)
in the same transaction as the change.
"""

from __future__ import annotations

import pandas as pd
from django.db import transaction
from django.utils import timezone

from ...errors import InvalidArgument
from ...framework import Framework
from ...text import pseudonymise_cases, pseudonymise_texts
from .. import audit
from ..models import Case
from .models import (
    PRACTICE_ITEM,
    PracticeExample,
    RationaleCoding,
    SampleMember,
    SearchDocument,
    Suggestion,
)
from .services import case_table, primary_cases, sample_candidates, themes_of

__all__ = [
    "rebuild_index",
    "save_coding",
    "draw_sample",
    "store_suggestions",
    "mark_example",
    "review_example",
    "add_reviewer_names",
    "record_download",
]


def _documents(framework: Framework, cases: list[Case]) -> list[SearchDocument]:
    items = [i for i in framework.items if i.rationale != "none"]
    needs = [i.code for i in framework.items if i.group == "needs"]
    strengths = [i.code for i in framework.items if i.group == "strengths"]
    texts, ids, opening, keys = [], [], [], []
    known, genders = {}, {}
    for case in cases:
        key = str(case.pk)
        known[key] = [case.practice_pseudonym] if case.practice_pseudonym else []
        genders[key] = case.gender
        if case.practice_note.strip():
            texts.append(case.practice_note)
            ids.append(key)
            opening.append(True)
            keys.append((case, PRACTICE_ITEM))
        for item in items:
            value = (case.rationales or {}).get(item.code, "")
            if value and value.strip():
                texts.append(value)
                ids.append(key)
                opening.append(False)
                keys.append((case, item.code))
    shown = pseudonymise_texts(
        texts, case_ids=ids, known_names=known, genders=genders, opening_age=opening
    ).texts
    docs = []
    for (case, item), text, display in zip(keys, texts, shown, strict=True):
        answers = case.answers or {}
        docs.append(
            SearchDocument(
                case=case,
                item=item,
                text=text,
                display=display,
                practice_kind=case.practice_kind if item == PRACTICE_ITEM else "",
                answer=str(answers.get(item, "")),
                framework_id=framework.id,
                provider_type=case.provider.provider_type,
                needs=" " + " ".join(n for n in needs if answers.get(n) == "yes") + " ",
                strengths=" " + " ".join(s for s in strengths if answers.get(s) == "yes") + " ",
            )
        )
    return docs


def rebuild_index(actor, framework: Framework) -> int:
    """(Re)build the library's documents of a framework's cases; returns how many."""
    cases = list(primary_cases(framework.id).select_related("provider"))
    docs = _documents(framework, cases)
    with transaction.atomic():
        SearchDocument.objects.filter(framework_id=framework.id).delete()
        SearchDocument.objects.bulk_create(docs, batch_size=500)
        audit.record(
            actor,
            "library.index",
            object_type="framework",
            object_pk=framework.id,
            object_repr=f"library index {framework.id}",
            after={"documents": len(docs), "cases": len(cases)},
        )
    return len(docs)


def save_coding(actor, case: Case, item: str, themes: list[str], *, slot: int = 1) -> None:
    """Confirm a rationale's codes: the themes that apply (accepted or added); the rest of the
    suggestions are rejected. Slot 2 is the second coding of a sample rationale, by someone
    other than the first coder."""
    framework_themes = {t.code for t in themes_of(_framework(case))}
    unknown = sorted(set(themes) - framework_themes)
    if unknown:
        raise InvalidArgument(f"not a theme of the codebook: {', '.join(unknown)}")
    if slot not in (1, 2):
        raise InvalidArgument("slot must be 1 or 2")
    with transaction.atomic():
        if slot == 2:
            if not SampleMember.objects.filter(case=case, item=item).exists():
                raise InvalidArgument("this rationale is not in the double-coding sample")
            first = RationaleCoding.objects.filter(case=case, item=item, slot=1).first()
            if first is not None and first.coder_id == actor.pk:
                raise InvalidArgument("the second coding must be by someone else")
        suggested = set(
            Suggestion.objects.filter(case=case, item=item).values_list("theme", flat=True)
        )
        coding = (
            RationaleCoding.objects.select_for_update()
            .filter(case=case, item=item, slot=slot)
            .first()
        )
        before = sorted(coding.themes) if coding else None
        chosen = sorted(set(themes))
        if coding is None:
            coding = RationaleCoding(case=case, item=item, slot=slot)
        coding.themes = chosen
        coding.coder = actor
        coding.save()
        audit.record(
            actor,
            "coding.confirm",
            case,
            before={"item": item, "slot": slot, "themes": before} if before is not None else None,
            after={
                "item": item,
                "slot": slot,
                "themes": chosen,
                "accepted": sorted(set(chosen) & suggested),
                "rejected": sorted(suggested - set(chosen)),
                "added": sorted(set(chosen) - suggested),
            },
        )


def draw_sample(actor, framework: Framework, n: int, seed: int) -> int:
    """Add ``n`` coded rationales to the double-coding sample (reproducible from ``seed``)."""
    if n < 1:
        raise InvalidArgument("the sample needs at least one rationale")
    picked = sample_candidates(framework, n, seed)
    with transaction.atomic():
        SampleMember.objects.bulk_create(
            [SampleMember(case_id=case_pk, item=item, drawn_by=actor) for case_pk, item in picked]
        )
        audit.record(
            actor,
            "coding.sample",
            object_type="framework",
            object_pk=framework.id,
            object_repr=f"double-coding sample {framework.id}",
            after={"drawn": len(picked), "asked": n, "seed": seed},
        )
    return len(picked)


def store_suggestions(actor, framework: Framework, codes: pd.DataFrame) -> int:
    """Replace the framework's stored suggestions by ``codes`` (``case_id, item, theme, score``
    rows with ``source == "suggested"``)."""
    suggested = codes[codes["source"] == "suggested"] if "source" in codes else codes
    by_id = dict(primary_cases(framework.id).values_list("case_id", "pk"))
    rows = [
        Suggestion(case_id=by_id[c], item=i, theme=t, score=float(s))
        for c, i, t, s in suggested[["case_id", "item", "theme", "score"]].itertuples(index=False)
        if c in by_id
    ]
    with transaction.atomic():
        Suggestion.objects.filter(case__inspection__framework_id=framework.id).delete()
        Suggestion.objects.bulk_create(rows, batch_size=1000)
        audit.record(
            actor,
            "coding.suggest",
            object_type="framework",
            object_pk=framework.id,
            object_repr=f"suggested codes {framework.id}",
            after={"suggestions": len(rows)},
        )
    return len(rows)


def mark_example(actor, case: Case, marked: bool) -> PracticeExample:
    """Mark (or unmark) a case's practice note for publication."""
    if not case.practice_note.strip():
        raise InvalidArgument("this case has no practice note")
    with transaction.atomic():
        example, _ = PracticeExample.objects.select_for_update().get_or_create(case=case)
        before = example.marked
        example.marked = marked
        example.marked_by = actor if marked else None
        example.save()
        audit.record(
            actor, "practice.mark", case, before={"marked": before}, after={"marked": marked}
        )
    return example


def practice_result(case: Case):
    """The proposed example of one case: :class:`caseinspect.text.PseudonymisedExamples`."""
    framework = _framework(case)
    frame = case_table(framework.id, Case.objects.filter(pk=case.pk))
    example = PracticeExample.objects.filter(case=case).first()
    added = {case.case_id: list(example.also)} if example is not None and example.also else None
    return pseudonymise_cases(frame, framework, reviewer_names=added)


def add_reviewer_names(actor, case: Case, names: list[str]) -> PracticeExample:
    """Names the detector missed in a case's practice note: found and replaced from now on.

    This changes the detections, so any earlier decision on the example lapses.
    """
    cleaned = sorted({n.strip() for n in names if n.strip()})
    if not cleaned:
        raise InvalidArgument("give at least one name")
    if any(len(n) > 100 for n in cleaned):
        raise InvalidArgument("a name is at most 100 characters")
    with transaction.atomic():
        example, _ = PracticeExample.objects.select_for_update().get_or_create(case=case)
        before = list(example.also)
        example.also = sorted(set(example.also) | set(cleaned))
        example.save()
        # The original names stay out of the audit trail's text: only how many were added.
        audit.record(
            actor,
            "practice.names",
            case,
            before={"added_names": len(before)},
            after={"added_names": len(example.also)},
        )
    return example


def review_example(actor, case: Case, decision: str, digest: str, keep: list[str]) -> None:
    """Record a reviewer's decision on the example as it was shown (``digest``)."""
    if decision not in ("approve", "reject"):
        raise InvalidArgument("the decision is approve or reject")
    result = practice_result(case)
    if result.examples.empty:
        raise InvalidArgument("this case has no practice note")
    current = result.examples.iloc[0]["digest"]
    if digest != current:
        raise InvalidArgument("the note or its detections changed since the page was shown")
    spans = set(result.detections["span"])
    unknown = sorted(set(keep) - spans)
    if unknown:
        raise InvalidArgument(f"not a detection of this note: {', '.join(unknown)}")
    with transaction.atomic():
        example, _ = PracticeExample.objects.select_for_update().get_or_create(case=case)
        before = {"decision": example.decision, "digest": example.digest, "keep": example.keep}
        example.decision = decision
        example.digest = digest
        example.keep = sorted(keep)
        example.reviewed_by = actor
        example.reviewed_at = timezone.now()
        example.save()
        audit.record(
            actor,
            "practice.review",
            case,
            before=before,
            after={
                "decision": decision,
                "digest": digest,
                "keep": sorted(keep),
                "detections": len(result.detections),
            },
        )


def record_download(actor, what: str, framework: Framework, rows: int) -> None:
    """Audit a download from the workspace or the library."""
    with transaction.atomic():
        audit.record(
            actor,
            "download",
            object_type="export",
            object_pk=framework.id,
            object_repr=f"{what} {framework.id}",
            after={"what": what, "format": "csv", "rows": rows},
        )


def _framework(case: Case) -> Framework:
    from ..frameworks import framework_for

    return framework_for(case.inspection)
