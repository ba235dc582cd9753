"""Getting cases into an inspection: import a case file, or draw the sample from the
provider's eligible-case list; replace a case that drops out."""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ...errors import CaseinspectError, ValidationError
from ..access import access_case, access_inspection, can_manage_inspection, can_oversee
from ..actions.sampling import draw_inspection_sample, replace_dropped_case
from ..forms import UploadForm
from ..forms.simple import GovukForm
from ..frameworks import framework_for
from ..models import Case
from ..store import import_cases
from ..uploads import read_upload


class DrawSampleForm(UploadForm):
    reference_date = forms.DateField(
        label="Reference date",
        help_text="Months under supervision are counted to this date (YYYY-MM-DD).",
        input_formats=["%Y-%m-%d"],
    )
    seed = forms.IntegerField(
        label="Random seed",
        min_value=0,
        initial=2018,
        help_text="The same list, date and seed always give the same sample.",
    )
    size = forms.IntegerField(
        label="Sample size (optional)",
        min_value=1,
        required=False,
        help_text="Leave empty to use the framework's confidence and margin of error.",
    )
    confirm_provider = forms.BooleanField(
        label="Use this list for this inspection's provider",
        required=False,
    )


class ReplaceForm(GovukForm):
    reason = forms.CharField(label="Why did the case drop out?", max_length=500)


@login_required
def inspection_import(request, pk):
    inspection = access_inspection(request.user, pk, manage=True)
    form = UploadForm(
        request.POST or None, request.FILES or None, max_bytes=settings.CASEINSPECT_MAX_UPLOAD_BYTES
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            frame = read_upload(upload)
            summary = import_cases(
                frame,
                framework_for(inspection),
                source=upload.name,
                user=request.user,
                inspection=inspection,
            )
        except ValidationError as exc:
            problems = exc.problems
        else:
            messages.success(request, str(summary))
            return redirect("inspection", pk=inspection.pk)
    return render(
        request,
        "caseinspect/inspections/import.html",
        {"inspection": inspection, "form": form, "problems": problems},
        status=400 if problems or form.errors else 200,
    )


@login_required
def inspection_sample(request, pk):
    inspection = access_inspection(request.user, pk)
    if not can_oversee(request.user, inspection):
        raise PermissionDenied(
            "Only the inspection's lead, analysts and administrators see the sample"
        )
    manage = can_manage_inspection(request.user, inspection)
    form = DrawSampleForm(
        request.POST or None,
        request.FILES or None,
        max_bytes=settings.CASEINSPECT_MAX_UPLOAD_BYTES,
        initial={
            "reference_date": (inspection.fieldwork_start or date.today()).isoformat(),
            "seed": 2018,
        },
    )
    problems = []
    exclusions = None
    if request.method == "POST":
        inspection = access_inspection(request.user, pk, manage=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                frame = read_upload(data["file"])
                mismatch = _provider_mismatch(frame, inspection)
                if mismatch and not data["confirm_provider"]:
                    form.add_error("confirm_provider", mismatch)
                    raise _NotConfirmed
                result = draw_inspection_sample(
                    request.user,
                    inspection,
                    frame,
                    seed=data["seed"],
                    reference_date=data["reference_date"],
                    size=data["size"],
                    source=data["file"].name,
                    provider_confirmed=mismatch,
                )
            except _NotConfirmed:
                pass
            except ValidationError as exc:
                problems = exc.problems
            except CaseinspectError as exc:
                form.add_error(None, str(exc))
                exclusions = _exclusions(frame, inspection, data["reference_date"])
            else:
                messages.success(
                    request,
                    f"Sample of {result.size} cases drawn, with {len(result.reserve)} in reserve.",
                )
                return redirect("inspection-sample", pk=inspection.pk)
    sampled = (
        Case.objects.filter(inspection=inspection, second_marking_of__isnull=True)
        .exclude(sample_info={})
        .select_related("allocated_to")
        .order_by("case_id")
    )
    return render(
        request,
        "caseinspect/inspections/sample.html",
        {
            "inspection": inspection,
            "form": form,
            "problems": problems,
            "manage": manage,
            "report": inspection.sample_report,
            "sampled": sampled,
            "replace_form": ReplaceForm(),
            "exclusions": exclusions,
            "provider_name": inspection.provider.name if inspection.provider_id else "",
        },
        status=400 if problems or form.errors else 200,
    )


class _NotConfirmed(Exception):
    """The list's provider does not match and the lead has not confirmed it."""


def _provider_mismatch(frame, inspection) -> str:
    """Why the list may not be this inspection's provider's ('' when it plainly is)."""
    if inspection.provider_id is None:
        return ""
    name = inspection.provider.name
    if "provider" not in frame.columns:
        return (
            f"The list does not say which provider it comes from. Check it is {name}'s list, "
            "then tick the box to confirm."
        )
    listed = sorted({str(v) for v in frame["provider"]})
    if listed == [name]:
        return ""
    return (
        f"The list is of {', '.join(listed[:3])}{' and others' if len(listed) > 3 else ''}, "
        f"but this inspection is of {name}. Check you chose the right file; to use it anyway, "
        "tick the box to confirm."
    )


def _exclusions(frame, inspection, reference_date) -> list[dict] | None:
    """Every listed case the framework's rules exclude at ``reference_date``, with reasons
    (shown whenever a draw fails, so 'see the exclusions' always has something to see)."""
    from ...sampling import prepare_eligible, screen

    framework = framework_for(inspection)
    try:
        prepared = prepare_eligible(
            frame, framework.sampling, categories={v.code: v.categories for v in framework.profile}
        )
        _, excluded = screen(prepared, framework.sampling, reference_date)
    except CaseinspectError:
        return None
    return excluded[["case_id", "detail"]].astype(str).to_dict("records")


@login_required
@require_POST
def case_replace(request, pk):
    case = access_case(request.user, pk)
    access_inspection(request.user, case.inspection_id, manage=True)
    form = ReplaceForm(request.POST)
    if form.is_valid():
        try:
            new = replace_dropped_case(request.user, case, form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, "; ".join(p.message for p in exc.problems))
        else:
            messages.success(
                request,
                f"Case {case.case_id} dropped out; replaced by {new.case_id} from the reserve list.",
            )
    else:
        messages.error(request, "Say why the case dropped out.")
    return redirect("inspection-sample", pk=case.inspection_id)
