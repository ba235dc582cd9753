"""Views of the coding workspace and the practice library: analysts only."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ...errors import CaseinspectError
from ...outputs import csv_bytes
from ..access import access_case, role_of
from ..frameworks import framework_by_id
from ..models import Role
from . import actions, services
from .models import PRACTICE_ITEM, PracticeExample, SearchDocument
from .search import Filters, backend_name, search_documents, terms_of
from .snippets import highlight

_PAGE = 20
_LIMIT = 1000


def _analyst(request) -> None:
    if role_of(request.user) != Role.ANALYST:
        raise PermissionDenied("The coding workspace and the practice library are for analysts")


def _framework(request, source=None):
    source = source if source is not None else request.GET
    choices = services.framework_choices()
    wanted = source.get("framework") or (choices[0][0] if choices else "")
    if wanted not in {c for c, _ in choices}:
        raise Http404("No cases under that framework")
    return framework_by_id(wanted), choices


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_required
def workspace(request):
    _analyst(request)
    choices = services.framework_choices()
    if not choices:
        return render(request, "coding/workspace.html", {"choices": choices})
    framework, choices = _framework(request)
    by = request.GET.get("by", "theme")
    theme, item = request.GET.get("theme", ""), request.GET.get("item", "")
    slot = 2 if request.GET.get("slot") == "2" else 1
    themes = services.themes_of(framework)
    raw_page = request.GET.get("page", "1")
    page = max(1, int(raw_page)) if raw_page.isdigit() else 1
    total, shown = services.rationale_rows(
        framework,
        theme=theme if by == "theme" else "",
        item=item if by == "item" else "",
        slot=slot,
        sample_only=slot == 2,
        show_suggestions=slot == 1,  # the second coder codes blind
        page=page,
        per_page=_PAGE,
    )
    items = sorted(
        set(SearchDocument.objects.filter(framework_id=framework.id).values_list("item", flat=True))
    )
    labels = {i.code: i.label for i in framework.items} | {PRACTICE_ITEM: "Practice note"}
    query = {"framework": framework.id, "by": by, "theme": theme, "item": item, "slot": slot}
    return render(
        request,
        "coding/workspace.html",
        {
            "choices": choices,
            "framework": framework,
            "by": by,
            "theme": theme,
            "item": item,
            "slot": slot,
            "themes": themes,
            "items": [(code, labels.get(code, code)) for code in items],
            "rows": shown,
            "total": total,
            "page": page,
            "pages": max(1, (total + _PAGE - 1) // _PAGE),
            "query": urlencode(query),
            "here": request.get_full_path(),
            "indexed": SearchDocument.objects.filter(framework_id=framework.id).exists(),
        },
    )


@login_required
@require_POST
def save_codes(request):
    _analyst(request)
    case = access_case(request.user, request.POST.get("case"))
    slot = 2 if request.POST.get("slot") == "2" else 1
    themes = [t for t in request.POST.getlist("theme") if t]
    added = request.POST.get("add", "")
    if added:
        themes.append(added)
    try:
        actions.save_coding(request.user, case, request.POST.get("item", ""), themes, slot=slot)
        messages.success(request, f"Codes confirmed for {case.case_id}.")
    except CaseinspectError as exc:
        messages.error(request, str(exc))
    return _back(request, reverse("coding:workspace"))


@login_required
@require_POST
def draw_sample(request):
    _analyst(request)
    framework, _ = _framework(request, request.POST)
    try:
        n = int(request.POST.get("n", "0"))
        seed = int(request.POST.get("seed", "0") or 0)
        drawn = actions.draw_sample(request.user, framework, n, seed)
        messages.success(request, f"{drawn} rationale(s) added to the double-coding sample.")
    except (ValueError, CaseinspectError) as exc:
        messages.error(request, f"Could not draw the sample: {exc}")
    return redirect(f"{reverse('coding:agreement')}?framework={framework.id}")


@login_required
@require_POST
def suggest(request):
    _analyst(request)
    framework, _ = _framework(request, request.POST)
    try:
        from ...text import suggest_codes
    except ImportError:
        messages.error(request, "Suggested codes need the themes module, which is not installed.")
        return redirect(f"{reverse('coding:workspace')}?framework={framework.id}")
    confirmed = services.coded_set(framework)
    try:
        codes = suggest_codes(
            services.case_table(framework.id),
            framework,
            confirmed=confirmed[["case_id", "item", "theme"]] if len(confirmed) else None,
        )
        stored = actions.store_suggestions(request.user, framework, codes)
        messages.success(request, f"{stored} suggested code(s) stored.")
    except CaseinspectError as exc:
        messages.error(request, f"Could not suggest codes: {exc}")
    return redirect(f"{reverse('coding:workspace')}?framework={framework.id}")


@login_required
@require_POST
def reindex(request):
    _analyst(request)
    framework, _ = _framework(request, request.POST)
    count = actions.rebuild_index(request.user, framework)
    texts = "text" if count == 1 else "texts"
    messages.success(request, f"The library now holds {count} {texts} of {framework.id}.")
    return _back(request, f"{reverse('coding:library')}?framework={framework.id}")


@login_required
def agreement(request):
    _analyst(request)
    framework, choices = _framework(request)
    both, rows = services.theme_agreement(framework)
    return render(
        request,
        "coding/agreement.html",
        {
            "framework": framework,
            "choices": choices,
            "both": both,
            "rows": rows,
            "sample": services.SampleMember.objects.filter(
                case__inspection__framework_id=framework.id
            ).count(),
        },
    )


@login_required
def export_codes(request):
    _analyst(request)
    framework, _ = _framework(request)
    frame = services.coded_set(framework)
    actions.record_download(request.user, "coded set", framework, len(frame))
    response = HttpResponse(csv_bytes(frame), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{framework.id}-codes.csv"'
    return response


@login_required
def library(request):
    _analyst(request)
    choices = services.framework_choices()
    if not choices:
        return render(request, "coding/library.html", {"choices": choices})
    framework, choices = _framework(request)
    g = request.GET
    filters = Filters(
        framework_id=framework.id,
        kind=g.get("kind", ""),
        need=g.get("need", ""),
        strength=g.get("strength", ""),
        provider_type=g.get("provider_type", ""),
    )
    query, theme = g.get("q", ""), g.get("theme", "")
    found = search_documents(query, filters, limit=_LIMIT)
    if theme:
        keep = services.theme_pairs(framework, theme)
        found = [d for d in found if (d.case_id, d.item) in keep]
    marked = dict(
        PracticeExample.objects.filter(case__inspection__framework_id=framework.id).values_list(
            "case_id", "marked"
        )
    )
    terms = terms_of(query)
    labels = {i.code: i.label for i in framework.items} | {PRACTICE_ITEM: "Practice note"}
    results = [
        {
            "doc": d,
            "label": labels.get(d.item, d.item),
            "snippet": highlight(d.display, terms),
            "marked": marked.get(d.case_id, False),
        }
        for d in found[:100]
    ]
    return render(
        request,
        "coding/library.html",
        {
            "choices": choices,
            "framework": framework,
            "filters": filters,
            "q": query,
            "theme": theme,
            "themes": services.themes_of(framework),
            "needs": [(i.code, i.label) for i in framework.items if i.group == "needs"],
            "strengths": [(i.code, i.label) for i in framework.items if i.group == "strengths"],
            "provider_types": sorted(
                set(
                    SearchDocument.objects.filter(framework_id=framework.id).values_list(
                        "provider_type", flat=True
                    )
                )
            ),
            "results": results,
            "total": len(found),
            "capped": len(found) >= _LIMIT,
            "backend": backend_name(),
            "here": request.get_full_path(),
            "indexed": SearchDocument.objects.filter(framework_id=framework.id).exists(),
        },
    )


@login_required
@require_POST
def mark(request, pk):
    _analyst(request)
    case = access_case(request.user, pk)
    try:
        actions.mark_example(request.user, case, request.POST.get("marked") == "1")
    except CaseinspectError as exc:
        messages.error(request, str(exc))
    return _back(request, reverse("coding:library"))


@login_required
def review(request, pk):
    _analyst(request)
    case = access_case(request.user, pk)
    if request.method == "POST" and request.POST.get("names") is not None:
        try:
            actions.add_reviewer_names(request.user, case, request.POST["names"].split(";"))
            messages.success(request, "The names are now found and replaced: review again.")
        except CaseinspectError as exc:
            messages.error(request, str(exc))
        return redirect(reverse("coding:review", args=[case.pk]))
    if request.method == "POST":
        try:
            actions.review_example(
                request.user,
                case,
                request.POST.get("decision", ""),
                request.POST.get("digest", ""),
                request.POST.getlist("keep"),
            )
            messages.success(request, f"Review of {case.case_id} recorded.")
            return redirect(f"{reverse('coding:publish')}?framework={case.inspection.framework_id}")
        except CaseinspectError as exc:
            messages.error(request, str(exc))
    result = actions.practice_result(case)
    if result.examples.empty:
        raise Http404("This case has no practice note")
    example = PracticeExample.objects.filter(case=case).first()
    proposed = result.examples.iloc[0]
    status = services.review_status_of(result, example)
    return render(
        request,
        "coding/review.html",
        {
            "case": case,
            "proposed": proposed,
            "detections": result.detections.to_dict("records"),
            "example": example,
            "status": status,
        },
    )


@login_required
def publish(request):
    _analyst(request)
    framework, choices = _framework(request)
    published, status = services.publication(framework)
    pks = dict(
        PracticeExample.objects.filter(case__inspection__framework_id=framework.id).values_list(
            "case__case_id", "case_id"
        )
    )
    rows = [dict(r, pk=pks.get(r["case_id"])) for r in status.to_dict("records")]
    return render(
        request,
        "coding/publish.html",
        {"framework": framework, "choices": choices, "rows": rows, "published": len(published)},
    )


@login_required
def publish_csv(request):
    _analyst(request)
    framework, _ = _framework(request)
    published, _ = services.publication(framework)
    actions.record_download(request.user, "practice examples", framework, len(published))
    response = HttpResponse(csv_bytes(published), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{framework.id}-examples.csv"'
    return response
