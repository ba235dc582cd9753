"""Who may see and change what: the one door to every object.

Every view fetches cases through :func:`access_case` and inspections through
:func:`access_inspection`; both raise ``Http404`` for an object the user may not see
(so its existence is not revealed) and ``PermissionDenied`` (403) for one they may see
but not change. The rules, by role:

administrator
    sees everything, manages users and inspections; does not fill in cases.
lead_inspector
    manages the inspections they lead (import, sample, allocate, QA, ratings, sign-off)
    and sees their cases; fills in cases allocated to them anywhere.
inspector
    sees and fills in only the cases allocated to them (second markings included).
analyst
    reads everything (cases, analysis, exports); changes nothing.
provider_qa
    only self-audit inspections of their own provider: sees, manages and fills in their
    cases; never sees inspectorate inspections, not even of their own provider.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Case, Inspection, Role

__all__ = [
    "access_case",
    "access_inspection",
    "can_create_inspection",
    "can_edit_case",
    "can_export",
    "can_oversee",
    "can_manage_inspection",
    "can_view_audit",
    "role_of",
    "visible_cases",
    "visible_inspections",
]


def role_of(user) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    account = getattr(user, "account", None)
    if account is not None:
        return account.role
    return Role.ADMINISTRATOR if user.is_superuser else None


def _provider_id(user):
    account = getattr(user, "account", None)
    return account.provider_id if account is not None else None


def visible_inspections(user) -> QuerySet[Inspection]:
    role = role_of(user)
    qs = Inspection.objects.select_related("provider", "lead")
    if role in (Role.ADMINISTRATOR, Role.ANALYST):
        return qs
    if role == Role.LEAD_INSPECTOR:
        return qs.filter(Q(lead=user) | Q(cases__allocated_to=user)).distinct()
    if role == Role.INSPECTOR:
        return qs.filter(cases__allocated_to=user).distinct()
    if role == Role.PROVIDER_QA:
        return qs.filter(kind=Inspection.Kind.SELF_AUDIT, provider_id=_provider_id(user))
    return qs.none()


def visible_cases(user) -> QuerySet[Case]:
    role = role_of(user)
    qs = Case.objects.select_related(
        "inspection", "inspection__provider", "provider", "allocated_to"
    )
    if role in (Role.ADMINISTRATOR, Role.ANALYST):
        return qs
    if role == Role.LEAD_INSPECTOR:
        return qs.filter(Q(inspection__lead=user) | Q(allocated_to=user))
    if role == Role.INSPECTOR:
        return qs.filter(allocated_to=user)
    if role == Role.PROVIDER_QA:
        provider_id = _provider_id(user)
        return qs.filter(
            inspection__kind=Inspection.Kind.SELF_AUDIT,
            inspection__provider_id=provider_id,
            provider_id=provider_id,
        )
    return qs.none()


def can_manage_inspection(user, inspection: Inspection) -> bool:
    """Lead-inspector work on an inspection: import, sample, allocate, QA, ratings, sign-off."""
    if inspection.is_signed_off:
        return False
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return True
    if role == Role.LEAD_INSPECTOR:
        return inspection.lead_id == user.pk
    if role == Role.PROVIDER_QA:
        return (
            inspection.kind == Inspection.Kind.SELF_AUDIT
            and inspection.provider_id == _provider_id(user)
        )
    return False


def can_edit_case(user, case: Case) -> bool:
    """Filling in the assessment: the allocated inspector (or the provider's QA team)."""
    if not case.is_editable or case.inspection.is_signed_off:
        return False
    role = role_of(user)
    if role in (None, Role.ANALYST):
        return False
    if case.allocated_to_id == user.pk:
        return True
    return (
        role == Role.PROVIDER_QA
        and case.inspection.kind == Inspection.Kind.SELF_AUDIT
        and case.inspection.provider_id == _provider_id(user)
    )


def can_view_audit(user, inspection: Inspection | None = None) -> bool:
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return True
    return role == Role.LEAD_INSPECTOR and inspection is not None and inspection.lead_id == user.pk


def can_export(user, inspection: Inspection) -> bool:
    """Downloads of case data: the same people as :func:`can_oversee`."""
    return can_oversee(user, inspection)


def can_oversee(user, inspection: Inspection) -> bool:
    """Pages about the whole inspection (sample, QA and agreement, ratings, analysis) and
    downloads of its case data (each one audited): not for inspectors, who see only their
    own cases."""
    role = role_of(user)
    if role in (Role.ADMINISTRATOR, Role.ANALYST):
        return True
    if role == Role.LEAD_INSPECTOR:
        return inspection.lead_id == user.pk
    if role == Role.PROVIDER_QA:
        return (
            inspection.kind == Inspection.Kind.SELF_AUDIT
            and inspection.provider_id == _provider_id(user)
        )
    return False


def can_create_inspection(user) -> bool:
    return role_of(user) in (Role.ADMINISTRATOR, Role.LEAD_INSPECTOR, Role.PROVIDER_QA)


def access_case(user, case_pk, *, write: bool = False) -> Case:
    """The case if ``user`` may see it (and, with ``write``, change it); else 404 / 403."""
    try:
        case = visible_cases(user).get(pk=int(case_pk))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case") from None
    if write and not can_edit_case(user, case):
        raise PermissionDenied(_why_not_case(user, case))
    return case


def _closed(inspection: Inspection) -> str:
    when = f" on {inspection.signed_off_at:%-d %B %Y}" if inspection.signed_off_at else ""
    return (
        f"Inspection {inspection.code} is closed: its ratings were signed off{when}, so nothing "
        "in it can change. An administrator can reopen it if something must be corrected."
    )


def _why_not_case(user, case: Case) -> str:
    """The reason, in plain words, that ``user`` may see ``case`` but not change it."""
    if case.inspection.is_signed_off:
        return _closed(case.inspection)
    if not case.is_editable:
        return (
            f"Case {case.case_id} is {case.get_status_display().lower()}: it cannot be changed "
            "unless the lead inspector returns it to its inspector."
        )
    if role_of(user) == Role.ANALYST:
        return "Analysts read cases but do not change them."
    return f"Case {case.case_id} is allocated to another inspector; only they can fill it in."


def _why_not_inspection(user, inspection: Inspection) -> str:
    if inspection.is_signed_off:
        return _closed(inspection)
    if role_of(user) == Role.LEAD_INSPECTOR:
        return f"Only the lead inspector of {inspection.code} and administrators can do this."
    return "Your role lets you see this inspection but not run it: that is for its lead inspector."


def access_inspection(user, inspection_pk, *, manage: bool = False) -> Inspection:
    """The inspection if ``user`` may see it (and, with ``manage``, run it); else 404 / 403."""
    try:
        inspection = visible_inspections(user).get(pk=int(inspection_pk))
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise Http404("No such inspection") from None
    if manage and not can_manage_inspection(user, inspection):
        raise PermissionDenied(_why_not_inspection(user, inspection))
    return inspection
