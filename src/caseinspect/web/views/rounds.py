"""Rounds: named sets of inspections, chosen by analysts and administrators; their analysis
and downloads (every pooled analysis is of a named round)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render

from .. import audit
from ..access import role_of
from ..frameworks import framework_by_id
from ..models import Inspection, Role, Round
from ..reporting import report_in_background
from ..store import round_cases, round_members
from .analysis import SIGNIFICANCE, _download, _significance

READERS = (Role.ADMINISTRATOR, Role.ANALYST, Role.LEAD_INSPECTOR)
CHOOSERS = (Role.ADMINISTRATOR, Role.ANALYST)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$")  # no "/": names go in URLs


def _reader(user):
    if role_of(user) not in READERS:
        raise PermissionDenied("Rounds are for analysts, administrators and lead inspectors.")


def _round(user, name) -> Round:
    _reader(user)
    try:
        return Round.objects.get(name=name)
    except Round.DoesNotExist:
        raise Http404("No such round") from None


@login_required
def round_list(request):
    _reader(request.user)
    can_choose = role_of(request.user) in CHOOSERS
    errors = []
    if request.method == "POST":
        if not can_choose:
            raise PermissionDenied("Only analysts and administrators set up rounds.")
        name = request.POST.get("name", "")
        framework_id = request.POST.get("framework_id", "")
        if not _NAME.match(name):
            errors.append(("id_name", "Enter a name of letters, digits, spaces, '.', '_' and '-'"))
        elif Round.objects.filter(name=name).exists():
            errors.append(("id_name", f"There is already a round called ‘{name}’"))
        if framework_id not in _frameworks():
            errors.append(("id_framework_id", "Choose the framework of the round's inspections"))
        if not errors:
            with transaction.atomic():
                rnd = Round.objects.create(
                    name=name, framework_id=framework_id, created_by=request.user
                )
                audit.record(
                    request.user, "create", rnd, after={"name": name, "framework": framework_id}
                )
            messages.success(request, f"Round ‘{name}’ created: now choose its inspections.")
            return redirect("round", name=name)
    return render(
        request,
        "caseinspect/rounds/list.html",
        {
            "rounds": Round.objects.prefetch_related("inspections"),
            "can_choose": can_choose,
            "frameworks": sorted(_frameworks().items()),
            "errors": errors,
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


def _frameworks() -> dict[str, str]:
    ids = Inspection.objects.values_list("framework_id", flat=True).distinct()
    return {fid: framework_by_id(fid).title for fid in ids}


@login_required
def round_detail(request, name):
    rnd = _round(request.user, name)
    can_choose = role_of(request.user) in CHOOSERS
    candidates = Inspection.objects.filter(
        framework_id=rnd.framework_id, kind=Inspection.Kind.INSPECTION
    ).select_related("provider")
    if request.method == "POST":
        if not can_choose:
            raise PermissionDenied("Only analysts and administrators choose a round's inspections.")
        chosen = {int(v) for v in request.POST.getlist("inspections") if v.isdigit()}
        chosen_inspections = [i for i in candidates if i.pk in chosen]
        with transaction.atomic():
            before = sorted(rnd.inspections.values_list("code", flat=True))
            rnd.inspections.set(chosen_inspections)
            after = sorted(i.code for i in chosen_inspections)
            audit.record(
                request.user,
                "round-inspections",
                rnd,
                before={"inspections": before},
                after={"inspections": after},
            )
        messages.success(request, f"Round ‘{rnd.name}’ now has {len(after)} inspections.")
        return redirect("round", name=rnd.name)
    members = round_members(rnd.inspections.select_related("provider"))
    chosen_ids = set(rnd.inspections.values_list("pk", flat=True))
    return render(
        request,
        "caseinspect/rounds/detail.html",
        {
            "round": rnd,
            "framework": framework_by_id(rnd.framework_id),
            "members": members,
            "can_choose": can_choose,
            "candidates": [(i, i.pk in chosen_ids) for i in candidates],
        },
    )


@login_required
def round_analysis(request, name):
    rnd = _round(request.user, name)
    data = round_cases(rnd)
    framework = framework_by_id(rnd.framework_id)
    significance = _significance(request, default="stepwise")
    job = report_in_background(
        rnd.framework_id,
        data.frame,
        title=f"Round {rnd.name}",
        significance=significance,
        fingerprint=data.fingerprint,
    )
    return render(
        request,
        "caseinspect/analysis/report.html",
        {
            "significance": significance,
            "methods": SIGNIFICANCE.items(),
            "title": f"Round {rnd.name}",
            "caption": f"{framework.title}: {len(data.inspections)} inspections",
            "round": rnd,
            "left_out": data.left_out,
            "report": job.result,
            "working": not job.done,
            "failed": job.failed,
            "framework": framework,
            "download_base": f"/rounds/{rnd.name}/download/",
        },
    )


@login_required
def round_download(request, name, what, fmt):
    rnd = _round(request.user, name)
    data = round_cases(rnd)
    inspections = list(Inspection.objects.filter(code__in=data.inspections))
    return _download(
        request,
        rnd.framework_id,
        inspections,
        what,
        fmt,
        name=re.sub(r"[^A-Za-z0-9._-]+", "-", rnd.name),
        frame=data.frame,
        round_=rnd,
        fingerprint=data.fingerprint,
    )
