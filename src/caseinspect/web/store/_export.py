"""Stored cases back out in the interchange format."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ...framework import PROFILE_ID_COLUMNS, load_framework
from ..models import Case
from ..models._case import PROFILE_FIELDS


def cases_frame(
    *,
    framework_id: str,
    inspection_codes: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    queryset=None,
) -> pd.DataFrame:
    """Stored cases as a table in the interchange format (the shape a CSV import gives).

    Parameters
    ----------
    framework_id : str
        Only cases of inspections under this framework.
    inspection_codes : iterable of str, optional
        Only these inspections (default: all of the framework's).
    statuses : iterable of str, optional
        Only cases in these statuses (e.g. ``["submitted", "accepted"]``); default all but
        ``dropped`` (sampled cases that dropped out and were replaced from the reserve).
    queryset : QuerySet of Case, optional
        Start from these cases (the web layer passes what the user may see).

    Returns
    -------
    pandas.DataFrame
        Columns ``case_id, inspection_id, provider, provider_type``, the framework's other
        profile variables, the item columns in framework order, ``<item>__rationale`` for
        items that take one, then ``practice_note, practice_kind, practice_pseudonym``.
        Every value a string, ``''`` when empty; rows in import order. Second markings are
        left out (they are the moderation copy, not the case).
    """
    from ...cases import known_columns

    framework = load_framework(framework_id)
    columns = list(known_columns(framework))
    items = framework.item_codes
    rationale_items = [i.code for i in framework.items if i.rationale != "none"]
    extra = [
        v.code
        for v in framework.profile
        if v.code not in PROFILE_ID_COLUMNS and v.code not in PROFILE_FIELDS
    ]

    qs = queryset if queryset is not None else Case.objects.all()
    qs = qs.filter(inspection__framework_id=framework_id, second_marking_of__isnull=True)
    if inspection_codes is not None:
        qs = qs.filter(inspection__code__in=list(inspection_codes))
    if statuses is not None:
        qs = qs.filter(status__in=list(statuses))
    else:
        qs = qs.exclude(status=Case.Status.DROPPED)
    fields = [
        "case_id",
        "inspection__code",
        "provider__name",
        "provider__provider_type",
        *PROFILE_FIELDS,
        "profile_extra",
        "answers",
        "rationales",
        "practice_note",
        "practice_kind",
        "practice_pseudonym",
    ]
    records = []
    for values in qs.order_by("pk").values_list(*fields).iterator(chunk_size=5000):
        row = dict(zip(fields, values, strict=True))
        out = {
            "case_id": row["case_id"],
            "inspection_id": row["inspection__code"],
            "provider": row["provider__name"],
            "provider_type": row["provider__provider_type"],
        }
        for name in PROFILE_FIELDS:
            out[name] = row[name] or ""
        profile_extra = row["profile_extra"] or {}
        for name in extra:
            out[name] = str(profile_extra.get(name, ""))
        answers, rationales = row["answers"] or {}, row["rationales"] or {}
        for code in items:
            out[code] = answers.get(code, "")
        for code in rationale_items:
            out[f"{code}__rationale"] = rationales.get(code, "")
        out["practice_note"] = row["practice_note"] or ""
        out["practice_kind"] = row["practice_kind"] or ""
        out["practice_pseudonym"] = row["practice_pseudonym"] or ""
        records.append(out)
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame = frame.astype(object)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame
