"""The audit trail: everything for administrators; an inspection's events for its lead."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from ..access import access_inspection, can_view_audit
from ..models import AuditEvent

PAGE_SIZE = 50


def _page(request, events):
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    page = Paginator(events.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return page, action


@login_required
def audit_all(request):
    if not can_view_audit(request.user):
        raise PermissionDenied("Only administrators see the whole audit trail")
    page, action = _page(request, AuditEvent.objects.select_related("inspection"))
    return render(
        request,
        "caseinspect/audit.html",
        {
            "page": page,
            "action": action,
            "inspection": None,
            "actions": AuditEvent.objects.values_list("action", flat=True)
            .distinct()
            .order_by("action"),
        },
    )


@login_required
def audit_inspection(request, pk):
    inspection = access_inspection(request.user, pk)
    if not can_view_audit(request.user, inspection):
        raise PermissionDenied("Only the lead inspector and administrators see the audit trail")
    events = AuditEvent.objects.filter(inspection=inspection)
    page, action = _page(request, events)
    return render(
        request,
        "caseinspect/audit.html",
        {
            "page": page,
            "action": action,
            "inspection": inspection,
            "actions": events.values_list("action", flat=True).distinct().order_by("action"),
        },
    )
