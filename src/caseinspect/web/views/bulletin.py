"""The research bulletin of a named round, for analysts: a page and its files.

The view authorises (analysts only), reads the round through the one door that turns a
round into data (:func:`caseinspect.web.store.round_cases`), calls the core
(:func:`caseinspect.bulletin.build_bulletin` / ``write_bulletin`` / ``check_bulletin``)
and renders. Built bulletins are kept in a small in-process cache keyed by the round's data
fingerprint and the disclosure-control threshold; every file download is audited.
"""

from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from ...errors import UnknownName
from ..access import role_of
from ..actions.inspections import record_download
from ..models import Inspection, Role

#: Downloadable files: ?file=<key> → (file name, content type).
FILES = {
    "html": ("bulletin.html", "text/html; charset=utf-8"),
    "pdf": ("bulletin.pdf", "application/pdf"),
    "docx": (
        "bulletin.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "numbers": ("numbers.csv", "text/csv; charset=utf-8"),
}
_CACHE: OrderedDict = OrderedDict()
_LOCK = threading.Lock()


@login_required
def round_bulletin(request, name):
    if role_of(request.user) != Role.ANALYST:
        raise PermissionDenied("Only analysts produce the bulletin of a round")
    from ..store import round_cases

    try:
        round_ = round_cases(name)
    except UnknownName as exc:
        raise Http404(str(exc)) from None
    suppress = _threshold(request.GET.get("suppress", ""))
    inspections = list(Inspection.objects.filter(code__in=round_.inspections))
    context = {"round": round_, "suppress": suppress, "files": FILES, "built": None}
    if not round_.frame.empty:
        built, files, drifts = _bulletin(round_, inspections, suppress)
        wanted = request.GET.get("file")
        if wanted:
            if wanted not in FILES:
                raise Http404("Unknown bulletin file")
            record_download(
                request.user,
                what="bulletin",
                fmt=wanted,
                rows=len(round_.frame),
                inspections=inspections,
                round_name=round_.name,
            )
            filename, content_type = FILES[wanted]
            response = HttpResponse(files[wanted], content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{round_.name}-{filename}"'
            return response
        context.update(built=built, drifts=drifts)
    return render(request, "caseinspect/bulletin/round.html", context)


def _threshold(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) > 1 else None


def _bulletin(round_, inspections, suppress):
    key = (round_.name, round_.fingerprint, suppress)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    import pandas as pd

    from ...bulletin import build_bulletin, check_bulletin, write_bulletin
    from ..frameworks import framework_by_id

    fieldwork = pd.DataFrame(
        {
            "inspection_id": [i.code for i in inspections],
            "fieldwork": [
                f"{i.fieldwork_start:%B %Y}" if i.fieldwork_start else "not recorded"
                for i in inspections
            ],
        }
    )
    built = build_bulletin(
        round_.frame,
        framework_by_id(round_.framework_id),
        suppress=suppress,
        round_name=round_.name,
        inspections=fieldwork,
    )
    with tempfile.TemporaryDirectory() as folder:
        write_bulletin(built, folder)
        drifts = check_bulletin(folder)
        files = {key: (Path(folder) / name).read_bytes() for key, (name, _) in FILES.items()}
    value = (built, files, drifts)
    with _LOCK:
        _CACHE[key] = value
        while len(_CACHE) > 4:
            _CACHE.popitem(last=False)
    return value
