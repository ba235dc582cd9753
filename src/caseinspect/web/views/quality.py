"""Quality assurance and ratings for an inspection."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ...errors import ValidationError
from ..access import access_inspection, can_manage_inspection, can_oversee
from ..actions import inspections as actions
from ..forms import RatingDecisionForm
from ..insights import emerging_ratings, second_marking_agreement_for
from ..models import Case


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


@login_required
def inspection_ratings(request, pk):
    inspection = _overseen(request.user, pk)
    emerging = emerging_ratings(inspection)
    manage = can_manage_inspection(request.user, inspection)
    forms = {}
    if manage:
        for row in emerging.standards:
            kind = "judgement" if row.basis == "judgement" else "override"
            decision = row.judgement if kind == "judgement" else row.override
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
    return render(
        request,
        "caseinspect/inspections/ratings.html",
        {
            "inspection": inspection,
            "emerging": emerging,
            "manage": manage,
            "rows": [(row, forms.get(row.code)) for row in emerging.standards],
        },
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
            messages.error(request, "; ".join(p.message for p in exc.problems))
        else:
            messages.success(request, f"Rating for standard {data['standard']} recorded.")
    else:
        messages.error(request, "Choose a rating and give the reasons for it.")
    return redirect("inspection-ratings", pk=inspection.pk)


@login_required
@require_POST
def inspection_sign_off(request, pk):
    inspection = access_inspection(request.user, pk, manage=True)
    emerging = emerging_ratings(inspection)
    summary = {row.code + " " + row.title: row.rating for row in emerging.standards}
    summary["overall"] = emerging.overall
    try:
        actions.sign_off(request.user, inspection, summary=summary)
    except ValidationError as exc:
        messages.error(
            request, "Cannot sign off yet: " + "; ".join(p.message for p in exc.problems)
        )
    else:
        messages.success(
            request, f"Ratings for {inspection.code} signed off. The inspection is now read-only."
        )
    return redirect("inspection-ratings", pk=inspection.pk)
