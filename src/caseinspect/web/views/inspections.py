"""Inspection views: the list, creating one, its progress page, its cases and allocation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from ...errors import ValidationError
from ..access import (
    access_inspection,
    can_create_inspection,
    can_export,
    can_manage_inspection,
    can_view_audit,
    role_of,
    visible_cases,
    visible_inspections,
)
from ..actions import inspections as actions
from ..forms import AllocationForm, CreateInspectionForm
from ..forms.simple import users_with_roles
from ..frameworks import framework_by_id
from ..models import Case, Role
from ..summaries import STATUS_COLUMNS, progress


@login_required
def inspection_list(request):
    inspections = visible_inspections(request.user).annotate(
        n_cases=Count(
            "cases", filter=Q(cases__second_marking_of__isnull=True) & ~Q(cases__status="dropped")
        ),
        n_accepted=Count(
            "cases", filter=Q(cases__second_marking_of__isnull=True, cases__status="accepted")
        ),
    )
    return render(
        request,
        "caseinspect/inspections/list.html",
        {"inspections": inspections, "can_create": can_create_inspection(request.user)},
    )


@login_required
def inspection_new(request):
    if not can_create_inspection(request.user):
        raise PermissionDenied("Your role cannot create inspections")
    provider_only = (
        request.user.account.provider if role_of(request.user) == Role.PROVIDER_QA else None
    )
    form = CreateInspectionForm(request.POST or None, provider_only=provider_only)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lead = data.get("lead") or (
            request.user if role_of(request.user) == Role.LEAD_INSPECTOR else None
        )
        try:
            inspection = actions.create_inspection(
                request.user,
                code=data["code"],
                provider=data["provider"],
                framework=framework_by_id(data["framework"]),
                kind=data["kind"],
                lead=lead,
                fieldwork_start=data.get("fieldwork_start"),
            )
        except ValidationError as exc:
            for p in exc.problems:
                form.add_error(p.column if p.column in form.fields else None, p.message)
        else:
            messages.success(request, f"Inspection {inspection.code} created.")
            return redirect("inspection", pk=inspection.pk)
    return render(
        request,
        "caseinspect/inspections/new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def inspection_detail(request, pk):
    inspection = access_inspection(request.user, pk)
    if request.method == "POST":  # the fieldwork start date (leads, administrators)
        inspection = access_inspection(request.user, pk, manage=True)
        from datetime import date

        value = request.POST.get("fieldwork_start", "").strip()
        try:
            day = date.fromisoformat(value) if value else None
        except ValueError:
            messages.error(request, "Enter the fieldwork start as YYYY-MM-DD, like 2019-02-04.")
        else:
            actions.set_fieldwork_start(request.user, inspection, day)
            messages.success(request, "Fieldwork start saved.")
        return redirect("inspection", pk=inspection.pk)
    cases = visible_cases(request.user).filter(inspection=inspection)
    rows, total = progress(inspection, cases)
    return render(
        request,
        "caseinspect/inspections/detail.html",
        {
            "inspection": inspection,
            "rows": rows,
            "total": total,
            "status_labels": [Case.Status(s).label for s in STATUS_COLUMNS],
            "manage": can_manage_inspection(request.user, inspection),
            "export": can_export(request.user, inspection),
            "audit": can_view_audit(request.user, inspection),
            "has_cases": cases.exists(),
            "second_markings": cases.filter(second_marking_of__isnull=False).count(),
        },
    )


@login_required
def inspection_cases(request, pk):
    inspection = access_inspection(request.user, pk)
    cases = (
        visible_cases(request.user)
        .filter(inspection=inspection)
        .select_related("allocated_to")
        .order_by("second_marking_of_id", "case_id")
    )
    status = request.GET.get("status", "")
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    return render(
        request,
        "caseinspect/inspections/cases.html",
        {
            "inspection": inspection,
            "cases": cases,
            "status": status,
            "statuses": Case.Status.choices,
            "manage": can_manage_inspection(request.user, inspection),
        },
    )


@login_required
def inspection_allocate(request, pk):
    inspection = access_inspection(request.user, pk, manage=True)
    movable = (
        Case.objects.filter(
            inspection=inspection,
            second_marking_of__isnull=True,
            status__in=[Case.Status.ALLOCATED, Case.Status.DRAFT, Case.Status.RETURNED],
        )
        .select_related("allocated_to")
        .order_by("case_id")
    )
    inspectors = _allocatable_users(request.user, inspection)
    form = AllocationForm(request.POST or None, cases=movable, inspectors=inspectors)
    if request.method == "POST":
        if request.POST.get("action") == "balance":
            chosen_ids = {int(v) for v in request.POST.getlist("inspectors") if v.isdigit()}
            chosen = [u for u in inspectors if u.pk in chosen_ids]
            if not chosen:
                messages.error(request, "Choose the inspectors to share the cases between.")
                return redirect("inspection-allocate", pk=inspection.pk)
            plan = actions.balanced_allocation(inspection, chosen)
            changed = actions.allocate_cases(request.user, inspection, plan)
            messages.success(
                request,
                f"{changed} unallocated case{'s' if changed != 1 else ''} allocated evenly between "
                + ", ".join(u.get_username() for u in chosen)
                + ".",
            )
            return redirect("inspection-allocate", pk=inspection.pk)
        if form.is_valid():
            try:
                changed = actions.allocate_cases(request.user, inspection, form.assignments())
            except ValidationError as exc:
                form.add_error(None, "; ".join(p.message for p in exc.problems))
            else:
                messages.success(
                    request, f"Allocation saved ({changed} change{'s' if changed != 1 else ''})."
                )
                return redirect("inspection-allocate", pk=inspection.pk)
    return render(
        request,
        "caseinspect/inspections/allocate.html",
        {
            "inspection": inspection,
            "form": form,
            "inspectors": inspectors,
            # "Allocate evenly" offers everyone; the lead is not ticked unless they say so.
            "balance_choices": [(u, u.pk != inspection.lead_id) for u in inspectors],
            "loads": {r.inspector: r.total for r in progress(inspection)[0]},
            "drafts": _draft_notes(inspection),
        },
        status=400 if form.errors else 200,
    )


def _draft_notes(inspection) -> dict[int, str]:
    """Per case pk: who had work in it that a reallocation moved or left unsaved."""
    from ..models import AuditEvent

    notes: dict[int, str] = {}
    for event in AuditEvent.objects.filter(
        inspection=inspection, action="unsaved-after-reallocation"
    ).order_by("at"):
        notes[int(event.object_pk)] = (
            f"{event.actor_username} had unsaved work in this case when it was reallocated"
        )
    return notes


def _allocatable_users(user, inspection):
    """Inspectorate staff for inspections; the provider's own QA team for self-audits."""
    if inspection.kind == inspection.Kind.SELF_AUDIT:
        return users_with_roles(Role.PROVIDER_QA).filter(account__provider=inspection.provider)
    return users_with_roles(Role.INSPECTOR, Role.LEAD_INSPECTOR)
