"""Writes to an inspection: creating it, leads, allocation, rating decisions, sign-off."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from ...errors import Problem, ValidationError
from ...framework import Framework
from .. import audit
from ..models import Case, Inspection, Provider, RatingDecision


def _problem(column, value, rule, message):
    return Problem("inspection", None, column, value, rule, message)


def create_inspection(
    actor,
    *,
    code: str,
    provider: Provider,
    framework: Framework,
    kind: str = Inspection.Kind.INSPECTION,
    lead=None,
    round_label: str | None = None,
    fieldwork_start=None,
) -> Inspection:
    """Create an inspection (or self-audit) of ``provider`` under ``framework``."""
    import re

    problems = []
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$", code or ""):
        problems.append(
            _problem(
                "code",
                code,
                "pseudonymous-id",
                "use letters, digits, '.', '_', '/', '-' (no spaces)",
            )
        )
    elif Inspection.objects.filter(code=code).exists():
        problems.append(
            _problem("code", code, "duplicate", f"an inspection '{code}' already exists")
        )
    if kind not in Inspection.Kind.values:
        problems.append(
            _problem("kind", kind, "unknown-kind", "kind must be inspection or self_audit")
        )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            code=code,
            provider=provider,
            framework_id=framework.id,
            framework_version=framework.version,
            framework_fingerprint=framework.fingerprint,
            kind=kind,
            lead=lead,
            round_label=framework.round or "" if round_label is None else round_label,
            fieldwork_start=fieldwork_start,
        )
        audit.record(
            actor,
            "create",
            inspection,
            after={
                "code": code,
                "provider": provider.name,
                "framework": framework.id,
                "framework_version": framework.version,
                "kind": kind,
                "lead": lead.get_username() if lead else None,
                "fieldwork_start": fieldwork_start.isoformat() if fieldwork_start else None,
            },
        )
    return inspection


def set_fieldwork_start(actor, inspection: Inspection, day) -> Inspection:
    """Record when fieldwork starts (the sample's default reference date; which of two
    inspections of an area a round uses)."""
    with transaction.atomic():
        before = inspection.fieldwork_start.isoformat() if inspection.fieldwork_start else None
        inspection.fieldwork_start = day
        inspection.save(update_fields=["fieldwork_start"])
        audit.record(
            actor,
            "set-fieldwork-start",
            inspection,
            before={"fieldwork_start": before},
            after={"fieldwork_start": day.isoformat() if day else None},
        )
    return inspection


def set_lead(actor, inspection: Inspection, lead) -> Inspection:
    with transaction.atomic():
        before = inspection.lead.get_username() if inspection.lead_id else None
        inspection.lead = lead
        inspection.save(update_fields=["lead"])
        audit.record(
            actor,
            "set-lead",
            inspection,
            before={"lead": before},
            after={"lead": lead.get_username() if lead else None},
        )
    return inspection


def allocate_cases(actor, inspection: Inspection, assignments: Mapping[int, object]) -> int:
    """Allocate cases (``{case pk: user or None}``); returns how many changed.

    Only cases not yet submitted can move; each change is one audit row.
    """
    changed = 0
    with transaction.atomic():
        cases = {
            c.pk: c
            for c in Case.objects.select_for_update().filter(
                inspection=inspection, pk__in=list(assignments)
            )
        }
        for pk, user in assignments.items():
            case = cases.get(pk)
            if case is None:
                continue
            new_id = user.pk if user is not None else None
            if case.allocated_to_id == new_id:
                continue
            if case.status not in (Case.Status.ALLOCATED, Case.Status.DRAFT, Case.Status.RETURNED):
                raise ValidationError(
                    [
                        _problem(
                            "case",
                            case.case_id,
                            "not-movable",
                            f"case {case.case_id} is {case.get_status_display().lower()}: it cannot be reallocated",
                        )
                    ]
                )
            before = case.allocated_to.get_username() if case.allocated_to_id else None
            case.allocated_to = user
            case.version += 1
            case.save(update_fields=["allocated_to", "version", "updated_at"])
            audit.record(
                actor,
                "allocate",
                case,
                inspection=inspection,
                before={"allocated_to": before},
                after={"allocated_to": user.get_username() if user else None},
            )
            changed += 1
    return changed


def balanced_allocation(inspection: Inspection, inspectors: Iterable) -> dict[int, object]:
    """Allocate the unallocated cases so each inspector ends with as even a load as possible.

    Deterministic: cases in case-id order go to the least-loaded inspector (ties by username).
    """
    inspectors = sorted(inspectors, key=lambda u: u.get_username())
    if not inspectors:
        return {}
    cases = Case.objects.filter(inspection=inspection, second_marking_of__isnull=True)
    load = Counter({u.pk: 0 for u in inspectors})
    load.update(
        pk
        for pk in cases.exclude(allocated_to=None).values_list("allocated_to", flat=True)
        if pk in load
    )
    by_pk = {u.pk: u for u in inspectors}
    order = {u.pk: n for n, u in enumerate(inspectors)}
    plan = {}
    for case_pk in cases.filter(allocated_to=None).order_by("case_id").values_list("pk", flat=True):
        chosen = min(load, key=lambda pk: (load[pk], order[pk]))
        plan[case_pk] = by_pk[chosen]
        load[chosen] += 1
    return plan


def record_rating_decision(
    actor,
    inspection: Inspection,
    *,
    standard: str,
    standard_title: str,
    kind: str,
    rating: str,
    reasons: str,
    allowed_ratings: Iterable[str],
) -> RatingDecision:
    """Record a judgement-based rating or a panel override, with its reasons (required)."""
    problems = []
    if rating not in set(allowed_ratings):
        problems.append(
            _problem(
                "rating", rating, "unknown-rating", f"'{rating}' is not a rating of this framework"
            )
        )
    if not reasons.strip():
        problems.append(_problem("reasons", "", "required", "give the reasons for this rating"))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        decision = RatingDecision.objects.filter(
            inspection=inspection, standard=standard, standard_title=standard_title, kind=kind
        ).first()
        before = {"rating": decision.rating, "reasons": decision.reasons} if decision else None
        if decision is None:
            decision = RatingDecision(
                inspection=inspection, standard=standard, standard_title=standard_title, kind=kind
            )
        decision.rating, decision.reasons, decision.decided_by = rating, reasons.strip(), actor
        decision.save()
        audit.record(
            actor,
            f"rating-{kind}",
            decision,
            inspection=inspection,
            object_repr=f"{standard} {standard_title}".strip(),
            before=before,
            after={"rating": rating, "reasons": decision.reasons},
        )
    return decision


def sign_off(
    actor,
    inspection: Inspection,
    *,
    summary: Mapping,
    blockers: Iterable[str] = (),
    reason: str = "",
) -> Inspection:
    """Sign the ratings off: the inspection becomes read-only. ``summary`` (the ratings as
    signed) goes into the audit row.

    ``blockers`` are what make the ratings not ready (a standard unrated or provisional,
    the overall rating withheld): sign-off is refused while there are any, unless a
    ``reason`` for signing off regardless is recorded (it goes into the audit row)."""
    blockers = list(blockers)
    if blockers and not reason.strip():
        raise ValidationError(
            [
                _problem(
                    "reason",
                    "",
                    "reason-required",
                    "the ratings are not ready to sign off ("
                    + "; ".join(blockers)
                    + "): record why they should be signed off as they are",
                )
            ]
        )
    with transaction.atomic():
        current = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if current.is_signed_off:
            raise ValidationError(
                [_problem("status", current.status, "signed-off", "already signed off")]
            )
        open_cases = (
            Case.objects.filter(inspection=current, second_marking_of__isnull=True)
            .exclude(status__in=[Case.Status.ACCEPTED, Case.Status.DROPPED])
            .count()
        )
        if open_cases:
            raise ValidationError(
                [
                    _problem(
                        "status",
                        str(open_cases),
                        "cases-open",
                        f"{open_cases} case{'s are' if open_cases != 1 else ' is'} not yet accepted",
                    )
                ]
            )
        before = {"status": current.status}
        current.status = Inspection.Status.SIGNED_OFF
        current.signed_off_at = timezone.now()
        current.signed_off_by = actor
        current.save(update_fields=["status", "signed_off_at", "signed_off_by"])
        audit.record(
            actor,
            "sign-off",
            current,
            before=before,
            after={
                "status": current.status,
                "ratings": dict(summary),
                **({"not_ready": blockers, "reason": reason.strip()} if blockers else {}),
            },
        )
    return current


def reopen(actor, inspection: Inspection, *, reason: str) -> Inspection:
    """Reopen a signed-off inspection (administrators only; the view checks), with a reason."""
    if not reason.strip():
        raise ValidationError(
            [_problem("reason", "", "required", "say why the inspection is being reopened")]
        )
    with transaction.atomic():
        current = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if not current.is_signed_off:
            raise ValidationError(
                [_problem("status", current.status, "not-signed-off", "it is not signed off")]
            )
        before = {
            "status": current.status,
            "signed_off_by": current.signed_off_by.get_username()
            if current.signed_off_by
            else None,
            "signed_off_at": current.signed_off_at.isoformat() if current.signed_off_at else None,
        }
        current.status = Inspection.Status.FIELDWORK
        current.signed_off_at = None
        current.signed_off_by = None
        current.save(update_fields=["status", "signed_off_at", "signed_off_by"])
        audit.record(
            actor,
            "reopen",
            current,
            before=before,
            after={"status": current.status, "reason": reason.strip()},
        )
    return current


def record_download(
    actor,
    *,
    what: str,
    fmt: str,
    rows: int,
    inspections: Iterable[Inspection] = (),
    round_name: str | None = None,
) -> None:
    """Audit a download of case data: one row per download.

    An inspection's download is tied to that inspection; a round's names the round and
    lists its inspections (so each lead still finds it under their inspection's filter).
    """
    inspections = list(inspections)
    after = {"what": what, "format": fmt, "rows": rows}
    with transaction.atomic():
        if round_name is not None or len(inspections) != 1:
            after["inspections"] = sorted(i.code for i in inspections)
            if round_name is not None:
                after["round"] = round_name
            audit.record(
                actor,
                "download",
                None,
                object_type="round" if round_name is not None else "export",
                object_pk=round_name or "",
                object_repr=round_name or "",
                after=after,
            )
        else:
            audit.record(actor, "download", inspections[0], object_type="inspection", after=after)
