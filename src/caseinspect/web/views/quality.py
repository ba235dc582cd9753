"""Quality assurance and ratings for an inspection."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ...errors import ValidationError
from ..access import access_inspection, can_manage_inspection, can_oversee, role_of
from ..actions import inspections as actions
from ..forms import RatingDecisionForm
from ..insights import emerging_ratings, second_marking_agreement_for
from ..models import Case, Role


def _overseen(user, pk):
    inspection = access_inspection(user, pk)
    if not can_oversee(user, inspection):
        raise PermissionDenied(
            "Only the inspection's lead, analysts and administrators see this page"
        )
    return inspection


@login_required
def inspection_qa(request, pk):
    inspection = _overseen(request.user, pk)
    manage = can_manage_inspection(request.user, inspection)
    submitted = Case.objects.filter(
        inspection=inspection, status=Case.Status.SUBMITTED
    ).select_related("allocated_to")
    return render(
        request,
        "caseinspect/inspections/qa.html",
        {
            "inspection": inspection,
            "manage": manage,
            "submitted": submitted.order_by("updated_at"),
            "agreement": second_marking_agreement_for(inspection),
        },
    )


def _decision_forms(inspection, emerging, bound=None):
    forms = {}
    for row in emerging.standards:
        kind = "judgement" if row.basis == "judgement" else "override"
        decision = row.judgement if kind == "judgement" else row.override
        if bound is not None and bound.prefix == f"s{row.code}":
            forms[row.code] = bound  # what was typed stays, with its errors beside the fields
            continue
        forms[row.code] = RatingDecisionForm(
            ratings=emerging.levels,
            prefix=f"s{row.code}",
            initial={
                "standard": row.code,
                "standard_title": row.title,
                "kind": kind,
                "rating": decision.rating if decision else "",
                "reasons": decision.reasons if decision else "",
            },
        )
    return forms


@login_required
def inspection_ratings(request, pk, bound=None):
    inspection = _overseen(request.user, pk)
    emerging = emerging_ratings(inspection)
    manage = can_manage_inspection(request.user, inspection)
    forms = _decision_forms(inspection, emerging, bound) if manage else {}
    return render(
        request,
        "caseinspect/inspections/ratings.html",
        {
            "inspection": inspection,
            "emerging": emerging,
            "manage": manage,
            "is_admin": role_of(request.user) == Role.ADMINISTRATOR,
            "standard_rows": [(row, forms.get(row.code)) for row in emerging.standards],
            "open_code": bound.prefix[1:] if bound is not None else "",
        },
        status=400 if bound is not None else 200,
    )


@login_required
@require_POST
def inspection_rating_decision(request, pk):
    inspection = access_inspection(request.user, pk, manage=True)
    emerging = emerging_ratings(inspection)
    code = request.POST.get("code", "")
    form = RatingDecisionForm(request.POST, ratings=emerging.levels, prefix=f"s{code}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_rating_decision(
                request.user,
                inspection,
                standard=data["standard"],
                standard_title=data["standard_title"],
                kind=data["kind"],
                rating=data["rating"],
                reasons=data["reasons"],
                allowed_ratings=emerging.levels,
            )
        except ValidationError as exc:
            for problem in exc.problems:
                form.add_error(
                    problem.column if problem.column in form.fields else None, problem.message
                )
        else:
            messages.success(request, f"Rating for standard {data['standard']} recorded.")
            return redirect("inspection-ratings", pk=inspection.pk)
    return inspection_ratings(request, pk, bound=form)


def _summary(emerging) -> dict:
    summary = {
        f"{row.code} {row.title}": row.rating + (" (provisional)" if row.provisional else "")
        for row in emerging.standards
    }
    summary["overall"] = emerging.overall
    return summary


@login_required
def inspection_sign_off(request, pk):
    """GET: the confirmation page listing what will be signed off and what is not ready.
    POST: sign off (refused while not ready, unless a reason is recorded)."""
    inspection = access_inspection(request.user, pk, manage=True)
    emerging = emerging_ratings(inspection)
    blockers = emerging.blockers()
    error = ""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            actions.sign_off(
                request.user,
                inspection,
                summary=_summary(emerging),
                blockers=blockers,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            error = "; ".join(
                "Give the reason for signing off ratings that are not ready "
                "(record why they should be signed off as they are)"
                if p.rule == "reason-required"
                else p.message[:1].upper() + p.message[1:]
                for p in exc.problems
            )
        else:
            messages.success(
                request, f"Ratings for {inspection.code} signed off. The inspection is now closed."
            )
            return redirect("inspection-ratings", pk=inspection.pk)
    elif request.method == "POST":
        error = "Tick the box to confirm that these are the ratings to sign off"
    return render(
        request,
        "caseinspect/inspections/sign_off.html",
        {
            "inspection": inspection,
            "emerging": emerging,
            "blockers": blockers,
            "error": error,
            "reason": request.POST.get("reason", ""),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def inspection_reopen(request, pk):
    inspection = access_inspection(request.user, pk)
    if role_of(request.user) != Role.ADMINISTRATOR:
        raise PermissionDenied("Only an administrator can reopen a signed-off inspection.")
    try:
        actions.reopen(request.user, inspection, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "Not reopened: " + "; ".join(p.message for p in exc.problems))
    else:
        messages.success(request, f"Inspection {inspection.code} reopened.")
    return redirect("inspection-ratings", pk=inspection.pk)
