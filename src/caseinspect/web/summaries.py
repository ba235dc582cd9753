"""Read-only views of stored data for templates (reads only; no access decisions here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..framework import PROFILE_ID_COLUMNS, Framework
from .models import AuditEvent, Case

ANSWER_LABELS = {"yes": "Yes", "no": "No", "": ""}


@dataclass
class SummaryRow:
    label: str
    answer: str
    rationale: str = ""
    prompt: bool = False


@dataclass
class SummarySection:
    title: str
    anchor: str
    rows: list[SummaryRow] = field(default_factory=list)


def answer_summary(case: Case, framework: Framework) -> list[SummarySection]:
    """The case's profile and answers, section by section, answered questions only."""
    profile = case.profile()
    out = [
        SummarySection(
            "Case profile",
            "section-profile",
            [
                SummaryRow(v.label, profile.get(v.code, "") or "Not recorded")
                for v in framework.profile
                if v.code not in PROFILE_ID_COLUMNS
            ],
        )
    ]
    answers, rationales = case.answers or {}, case.rationales or {}
    prompts = {p for s in framework.standards for kq in s.key_questions for p in kq.prompts}
    for section in framework.sections:
        rows = [
            SummaryRow(
                item.label,
                ANSWER_LABELS.get(answers.get(item.code, ""), answers.get(item.code, "")),
                rationales.get(item.code, ""),
                item.code in prompts,
            )
            for item in framework.items_in_section(section.code)
            if answers.get(item.code) or rationales.get(item.code)
        ]
        out.append(SummarySection(section.title, "section-" + section.code.replace(".", "-"), rows))
    if case.practice_note:
        out.append(
            SummarySection(
                "Good or poor practice",
                "section-practice",
                [
                    SummaryRow(
                        f"{case.practice_kind.capitalize()} practice",
                        case.practice_note,
                        f"Pseudonym: {case.practice_pseudonym}" if case.practice_pseudonym else "",
                    )
                ],
            )
        )
    return out


def conflict_differences(current: Case, form) -> list[tuple[str, str, str]]:
    """Where the user's (unsaved) input differs from the case as saved now."""
    framework = form.framework
    posted = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    rows = []
    for item in framework.items:
        theirs = (current.answers or {}).get(item.code, "")
        yours = posted.get(f"answer__{item.code}", "") or ""
        if theirs != yours:
            rows.append(
                (item.label, ANSWER_LABELS.get(theirs, theirs), ANSWER_LABELS.get(yours, yours))
            )
        if item.rationale != "none":
            theirs = (current.rationales or {}).get(item.code, "")
            yours = (posted.get(f"rationale__{item.code}", "") or "").strip()
            if theirs.strip() != yours:
                rows.append((f"Rationale for ‘{item.label}’", theirs, yours))
    for name, label in (("practice_note", "Practice note"), ("practice_kind", "Practice kind")):
        theirs, yours = getattr(current, name), posted.get(name, "") or ""
        if theirs != yours:
            rows.append((label, theirs, yours))
    return rows


def last_editor(case: Case) -> str | None:
    event = (
        AuditEvent.objects.filter(object_type="case", object_pk=str(case.pk))
        .order_by("-at", "-id")
        .first()
    )
    return event.actor_username or None if event else None


STATUS_COLUMNS = [
    Case.Status.ALLOCATED,
    Case.Status.DRAFT,
    Case.Status.SUBMITTED,
    Case.Status.RETURNED,
    Case.Status.ACCEPTED,
]


@dataclass
class ProgressRow:
    inspector: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts.get(s, 0) for s in STATUS_COLUMNS]


def progress(inspection, cases=None) -> tuple[list[ProgressRow], ProgressRow]:
    """Cases per inspector and status (second markings and dropped cases left out)."""
    from django.db.models import Count

    qs = cases if cases is not None else Case.objects.filter(inspection=inspection)
    qs = qs.filter(second_marking_of__isnull=True).exclude(status=Case.Status.DROPPED)
    rows: dict[str, ProgressRow] = {}
    total = ProgressRow("All inspectors", {})
    for entry in (
        qs.values("allocated_to__username", "status")
        .annotate(n=Count("id"))
        .order_by("allocated_to__username")
    ):
        name = entry["allocated_to__username"] or "Not allocated"
        row = rows.setdefault(name, ProgressRow(name, {}))
        row.counts[entry["status"]] = row.counts.get(entry["status"], 0) + entry["n"]
        total.counts[entry["status"]] = total.counts.get(entry["status"], 0) + entry["n"]
    return sorted(rows.values(), key=lambda r: (r.inspector == "Not allocated", r.inspector)), total
