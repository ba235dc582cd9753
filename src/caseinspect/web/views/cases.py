"""Case views: my cases, the case overview (task list and answers), the assessment form,
and the lead inspector's review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ...errors import ValidationError
from ..access import access_case, can_edit_case, can_manage_inspection, visible_cases
from ..actions import cases as actions
from ..forms import CaseAssessmentForm, ReviewForm, SecondMarkingForm
from ..frameworks import framework_for
from ..models import Case
from ..summaries import answer_summary, conflict_differences, last_editor


@login_required
def my_cases(request):
    cases = (
        visible_cases(request.user)
        .filter(allocated_to=request.user)
        .order_by("status", "inspection__code", "case_id")
    )
    return render(request, "caseinspect/cases/my_cases.html", {"cases": cases})


@login_required
def case_overview(request, pk, review_form=None, marking_form=None):
    case = access_case(request.user, pk)
    framework = framework_for(case.inspection)
    form = CaseAssessmentForm(
        initial=CaseAssessmentForm.initial_for(case), framework=framework, case=case
    )
    manage = can_manage_inspection(request.user, case.inspection)
    return render(
        request,
        "caseinspect/cases/overview.html",
        {
            "case": case,
            "sections": form.sections(),
            "can_edit": can_edit_case(request.user, case),
            "can_review": manage and case.status == Case.Status.SUBMITTED,
            "can_second_mark": manage and not case.is_second_marking,
            "review_form": review_form or ReviewForm(),
            "marking_form": marking_form or SecondMarkingForm(exclude_user_id=case.allocated_to_id),
            "second_markings": case.second_markings.select_related("allocated_to")
            if manage
            else [],
            "summary": answer_summary(case, framework),
        },
        status=400
        if (review_form and review_form.errors) or (marking_form and marking_form.errors)
        else 200,
    )


@login_required
def case_edit(request, pk):
    try:
        case = access_case(request.user, pk, write=True)
    except Http404:
        if request.method == "POST" and _was_allocated_to(request.user, pk):
            return _render_reallocated(request, pk)
        raise
    framework = framework_for(case.inspection)
    if request.method != "POST":
        form = CaseAssessmentForm(
            initial=CaseAssessmentForm.initial_for(case), framework=framework, case=case
        )
        return _render_form(request, case, form)
    form = CaseAssessmentForm(request.POST, framework=framework, case=case)
    if not form.is_valid():
        return _render_form(request, case, form, status=400)
    submit = request.POST.get("action") == "submit"
    try:
        result = actions.save_case(
            request.user,
            case,
            form.case_input(),
            framework,
            base_version=form.cleaned_data["version"],
            submit=submit,
        )
    except actions.EditConflict as conflict:
        return _render_conflict(request, conflict.current, form)
    except actions.WrongStatus as exc:
        messages.error(request, str(exc))
        return redirect("case", pk=case.pk)
    if result.problems:
        data = request.POST.copy()
        data["version"] = str(result.case.version)
        form = CaseAssessmentForm(data, framework=framework, case=result.case)
        form.is_valid()
        form.add_problems(result.problems)
        if submit:
            messages.info(
                request,
                "Your answers are saved as a draft but the case is not submitted. "
                "Answer the questions listed below to submit it.",
            )
            return _render_form(request, result.case, form, status=400)
        messages.info(
            request,
            "Your answers are saved as a draft. Before you can submit, put right what is listed below.",
        )
        return _render_form(request, result.case, form, warnings=True)
    messages.success(
        request,
        f"Case {case.case_id} submitted for quality assurance."
        if result.submitted
        else f"Case {case.case_id} saved as a draft.",
    )
    return redirect("case", pk=case.pk)


def _render_form(request, case, form, *, status=200, **extra):
    return render(
        request,
        "caseinspect/cases/form.html",
        {"case": case, "form": form, "sections": form.sections(), **extra},
        status=status,
    )


def _was_allocated_to(user, pk) -> bool:
    """Whether ``user`` was allocated case ``pk`` before a reallocation moved it away."""
    from ..models import AuditEvent

    return (
        user.is_authenticated
        and AuditEvent.objects.filter(
            object_type="case",
            object_pk=str(pk),
            action="allocate",
            after__allocated_to=user.get_username(),
        ).exists()
    )


def _render_reallocated(request, pk):
    """The case moved to someone else while this user was editing it: keep what they typed
    (their own input only, never the case as stored now) and tell the lead a draft existed."""
    from .. import audit
    from ..models import Case as CaseModel

    typed = [
        (key, value)
        for key, value in request.POST.items()
        if key.startswith(("answer__", "rationale__", "practice_")) and value.strip()
    ]
    case = CaseModel.objects.select_related("inspection").get(pk=pk)
    labels = {}
    framework = framework_for(case.inspection)
    for item in framework.items:
        labels[f"answer__{item.code}"] = item.label
        labels[f"rationale__{item.code}"] = f"Rationale for ‘{item.label}’"
    labels.update(
        practice_kind="Good or poor practice",
        practice_note="Practice note",
        practice_pseudonym="Pseudonym",
    )
    shown = {"yes": "Yes", "no": "No", "na": "Not applicable"}
    audit.record(
        request.user,
        "unsaved-after-reallocation",
        case,
        inspection=case.inspection,
        after={
            "answers": sum(k.startswith("answer__") for k, _ in typed),
            "typed_fields": len(typed),
        },
    )
    return render(
        request,
        "caseinspect/cases/reallocated.html",
        {
            "case_id": case.case_id,
            "typed": [
                (labels.get(k, k), shown.get(v, v) if k.startswith("answer__") else v)
                for k, v in typed
            ],
        },
        status=409,
    )


def _render_conflict(request, current: Case, form: CaseAssessmentForm):
    """The other person's save wins for now; the user's input is kept in the form, based on
    the current version, so saving again deliberately replaces it."""
    data = form.data.copy()
    data["version"] = str(current.version)
    kept = CaseAssessmentForm(data, framework=form.framework, case=current)
    kept.is_valid()
    return _render_form(
        request,
        current,
        kept,
        status=409,
        conflict=True,
        conflict_by=last_editor(current),
        conflict_diff=conflict_differences(current, form),
    )


@login_required
@require_POST
def case_review(request, pk):
    case = access_case(request.user, pk)
    if not can_manage_inspection(request.user, case.inspection):
        raise PermissionDenied("Only the lead inspector reviews cases")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return case_overview(request, pk, review_form=form)
    try:
        if form.cleaned_data["decision"] == "accept":
            actions.accept_case(request.user, case, form.cleaned_data["comment"])
            messages.success(request, f"Case {case.case_id} accepted.")
        else:
            actions.return_case(request.user, case, form.cleaned_data["comment"])
            messages.success(
                request, f"Case {case.case_id} returned to {case.allocated_to or 'its inspector'}."
            )
    except actions.WrongStatus as exc:
        messages.error(request, str(exc))
    return redirect("inspection-qa", pk=case.inspection_id)


@login_required
@require_POST
def case_second_marking(request, pk):
    case = access_case(request.user, pk)
    if not can_manage_inspection(request.user, case.inspection):
        raise PermissionDenied("Only the lead inspector arranges second marking")
    form = SecondMarkingForm(request.POST, exclude_user_id=case.allocated_to_id)
    if not form.is_valid():
        return case_overview(request, pk, marking_form=form)
    try:
        actions.request_second_marking(request.user, case, form.cleaned_data["marker"])
    except (actions.WrongStatus, ValidationError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Case {case.case_id} will be second-marked blind by {form.cleaned_data['marker']}.",
        )
    return redirect("case", pk=case.pk)
