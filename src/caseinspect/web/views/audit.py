"""The audit trail: everything for administrators; an inspection's events for its lead."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from ..access import access_inspection, can_view_audit
from ..models import AuditEvent

PAGE_SIZE = 50


FILTERS = ("action", "user", "date_from", "date_to", "case", "inspection")


def _page(request, events, *, allow_inspection: bool = True):
    """Filter by action, user, date range, case id and (whole trail) inspection code."""
    from datetime import date, datetime, time

    from django.utils import timezone

    from ..models import Case

    got = {k: request.GET.get(k, "").strip() for k in FILTERS}
    errors = []
    if got["action"]:
        events = events.filter(action=got["action"])
    if got["user"]:
        events = events.filter(actor_username=got["user"])
    for key, bound, label in (("date_from", time.min, "From"), ("date_to", time.max, "To")):
        if not got[key]:
            continue
        try:
            day = date.fromisoformat(got[key])
        except ValueError:
            errors.append((f"id_{key}", f"{label}: enter a date as YYYY-MM-DD, like 2019-03-31"))
            continue
        moment = timezone.make_aware(datetime.combine(day, bound))
        events = (
            events.filter(at__gte=moment) if key == "date_from" else events.filter(at__lte=moment)
        )
    if got["case"]:
        pks = [
            str(pk) for pk in Case.objects.filter(case_id=got["case"]).values_list("pk", flat=True)
        ]
        events = events.filter(object_type="case", object_pk__in=pks)
    if got["inspection"] and allow_inspection:
        events = events.filter(inspection__code=got["inspection"])
    page = Paginator(events.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in got.items() if v})
    return page, got, errors, query


def _context(page, got, errors, query, inspection, actions):
    return {
        "page": page,
        "action": got["action"],
        "filters": got,
        "errors": errors,
        "query": query,
        "inspection": inspection,
        "actions": actions,
    }


@login_required
def audit_all(request):
    if not can_view_audit(request.user):
        raise PermissionDenied("Only administrators see the whole audit trail")
    page, got, errors, query = _page(request, AuditEvent.objects.select_related("inspection"))
    actions = AuditEvent.objects.values_list("action", flat=True).distinct().order_by("action")
    return render(
        request,
        "caseinspect/audit.html",
        _context(page, got, errors, query, None, actions),
        status=400 if errors else 200,
    )


@login_required
def audit_inspection(request, pk):
    inspection = access_inspection(request.user, pk)
    if not can_view_audit(request.user, inspection):
        raise PermissionDenied("Only the lead inspector and administrators see the audit trail")
    events = AuditEvent.objects.filter(inspection=inspection)
    page, got, errors, query = _page(request, events, allow_inspection=False)
    actions = events.values_list("action", flat=True).distinct().order_by("action")
    return render(
        request,
        "caseinspect/audit.html",
        _context(page, got, errors, query, inspection, actions),
        status=400 if errors else 200,
    )
