"""Analysis pages (annex tables, figures) and downloads; every download is audited."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from ..access import access_inspection, can_export
from ..actions.inspections import record_download
from ..exports import FORMATS, export_cases
from ..frameworks import framework_by_id, framework_for
from ..reporting import build_web_report, cases_for

SIGNIFICANCE = {
    "none": "No significance tests",
    "stepwise": "Forward stepwise logistic regression, as published",
    "full": "All sub-group variables at once",
    "gee": "All variables, clustered by provider (GEE)",
}

TABLE_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": FORMATS["xlsx"][0],
    "html": "text/html; charset=utf-8",
}


def _significance(request, *, default: str) -> str:
    value = request.GET.get("significance", default)
    return value if value in SIGNIFICANCE else default


@login_required
def analysis_index(request):
    """Pooled analysis is always of a named round: this lists the rounds."""
    return redirect("rounds")


@login_required
def inspection_analysis(request, pk):
    inspection = access_inspection(request.user, pk)
    if not can_export(request.user, inspection):
        raise PermissionDenied("Your role has no access to this inspection's analysis")
    framework = framework_for(inspection)
    significance = _significance(request, default="stepwise")
    report = build_web_report(
        inspection.framework_id,
        cases_for(inspection.framework_id, [inspection]),
        title=f"{inspection.code} ({inspection.provider_label})",
        significance=significance,
    )
    return render(
        request,
        "caseinspect/analysis/report.html",
        {
            "significance": significance,
            "methods": SIGNIFICANCE.items(),
            "title": f"Inspection {inspection.code}",
            "caption": inspection.provider_label,
            "inspection": inspection,
            "report": report,
            "framework": framework,
            "download_base": f"/inspections/{inspection.pk}/download/",
        },
    )


@login_required
def inspection_download(request, pk, what, fmt):
    inspection = access_inspection(request.user, pk)
    if not can_export(request.user, inspection):
        raise PermissionDenied("Your role cannot download this inspection's data")
    return _download(
        request, inspection.framework_id, [inspection], what, fmt, name=inspection.code
    )


def _download(
    request, framework_id, inspections, what, fmt, *, name, frame=None, round_=None, fingerprint=""
):
    framework = framework_by_id(framework_id)
    if frame is None:
        frame = cases_for(framework_id, inspections)
    provenance = {
        **framework.provenance,
        "inspections": ", ".join(i.code for i in inspections),
        "cases": str(len(frame)),
        **({"round": round_.name, "data_fingerprint": fingerprint} if round_ else {}),
    }
    if what == "cases" and fmt in FORMATS:
        content_type, ext = FORMATS[fmt]
        payload = export_cases(frame, framework, fmt, provenance=provenance)
    elif what == "tables" and fmt in TABLE_FORMATS:
        report = build_web_report(
            framework_id, frame, title=name, significance=_significance(request, default="stepwise")
        )
        if report is None:
            raise Http404("No submitted or accepted cases yet")
        payload, content_type, ext = _tables_file(report.report, fmt), TABLE_FORMATS[fmt], fmt
    else:
        raise Http404("Unknown download")
    record_download(
        request.user,
        what=what,
        fmt=fmt,
        rows=len(frame),
        inspections=inspections,
        round_name=round_.name if round_ else None,
    )
    response = HttpResponse(payload, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{what}.{ext}"'
    return response


def _tables_file(report, fmt: str) -> bytes:
    from ...reports import write_csv, write_html, write_xlsx

    writer = {"csv": write_csv, "xlsx": write_xlsx, "html": write_html}[fmt]
    with tempfile.TemporaryDirectory() as tmp:
        path = writer(report, Path(tmp) / f"tables.{fmt}")
        return Path(path).read_bytes()
