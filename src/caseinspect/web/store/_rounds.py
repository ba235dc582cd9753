"""Rounds: which inspections a named round uses, and its cases with their fingerprint.

This is the one place that turns a round into data. The web analysis pages, the round
downloads and the bulletin (``caseinspect bulletin --db URL --round NAME`` and its web
page) all call :func:`round_cases`, so they see exactly the same cases.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from ...errors import UnknownName
from ..models import Case, Inspection, Round
from ._export import cases_frame

#: Cases that count in analysis: submitted (awaiting QA) and accepted.
ANALYSED_STATUSES: tuple[str, ...] = (Case.Status.SUBMITTED, Case.Status.ACCEPTED)

# Reading a round's cases and fingerprinting them costs about a second for a few thousand
# cases; a cheap database stamp (count, sum of versions, latest change) says whether the
# stored cases changed since, so a second view of an unchanged round reuses the table.
_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 8


@dataclass(frozen=True)
class LeftOut:
    """An inspection chosen for a round but not used, and why (in words)."""

    inspection: str
    reason: str


@dataclass(frozen=True)
class RoundMembers:
    used: tuple[Inspection, ...]
    left_out: tuple[LeftOut, ...]


@dataclass(frozen=True)
class RoundCases:
    """A round's cases in the interchange format, with what identifies them.

    ``fingerprint`` is :func:`caseinspect.cases.fingerprint_cases` of ``frame``: the same
    cases and answers give the same fingerprint, so results can be cached by it and
    outputs can record it.
    """

    name: str
    framework_id: str
    frame: pd.DataFrame
    fingerprint: str
    inspections: tuple[str, ...]
    left_out: tuple[LeftOut, ...]


def _area(inspection: Inspection) -> str:
    # An area is the provider inspected; an area inspection (several providers) is its own.
    return (
        f"provider:{inspection.provider_id}"
        if inspection.provider_id
        else f"code:{inspection.code}"
    )


def round_members(inspections: Iterable[Inspection]) -> RoundMembers:
    """Apply the bulletins' rule: where an area was inspected twice, the latest counts.

    "Latest" is by fieldwork start date (an inspection without one counts as earliest),
    then by creation. Self-audits are never part of a round.
    """
    used: dict[str, Inspection] = {}
    left_out: list[LeftOut] = []

    def order(i: Inspection) -> tuple:
        return (i.fieldwork_start or date.min, i.created_at)

    for inspection in sorted(inspections, key=order):
        if inspection.kind != Inspection.Kind.INSPECTION:
            left_out.append(LeftOut(inspection.code, "a provider's self-audit, not an inspection"))
            continue
        key = _area(inspection)
        earlier = used.get(key)
        if earlier is not None:
            when = (
                f"fieldwork from {inspection.fieldwork_start:%-d %B %Y}"
                if inspection.fieldwork_start
                else "created later"
            )
            left_out.append(
                LeftOut(
                    earlier.code,
                    f"{earlier.provider_label} was inspected again in {inspection.code} "
                    f"({when}); the latest inspection of an area is used",
                )
            )
        used[key] = inspection
    return RoundMembers(tuple(sorted(used.values(), key=lambda i: i.code)), tuple(left_out))


def round_cases(
    name: str | Round, *, statuses: Iterable[str] | None = ANALYSED_STATUSES
) -> RoundCases:
    """The cases of the named round, as the case table, with their data fingerprint.

    Parameters
    ----------
    name : str or Round
        The round's name (``Round.name``) or the round itself.
    statuses : iterable of str or None
        Case statuses to include; default submitted and accepted (what analysis and
        bulletins use). ``None``: every case but dropped-out ones.

    Returns
    -------
    RoundCases
        ``frame`` has the columns of :func:`cases_frame` (one row per case, second
        markings left out), ``fingerprint`` identifies its content, ``inspections`` the
        inspections used and ``left_out`` those chosen but superseded.

    Raises
    ------
    caseinspect.errors.UnknownName
        No round has that name.
    """
    from ...cases import fingerprint_cases

    if isinstance(name, Round):
        rnd = name
    else:
        try:
            rnd = Round.objects.get(name=name)
        except Round.DoesNotExist:
            known = ", ".join(Round.objects.values_list("name", flat=True)) or "none yet"
            raise UnknownName(f"no round named '{name}' (rounds: {known})") from None
    members = round_members(rnd.inspections.select_related("provider"))
    codes = tuple(i.code for i in members.used)
    status_key = tuple(sorted(statuses)) if statuses is not None else None
    key = (rnd.pk, rnd.framework_id, codes, status_key, _stamp(rnd.framework_id, codes, statuses))
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
    if cached is not None:  # a copy: callers may change their frame without harm
        return replace(cached, name=rnd.name, frame=cached.frame.copy(), left_out=members.left_out)
    frame = cases_frame(framework_id=rnd.framework_id, inspection_codes=codes, statuses=statuses)
    result = RoundCases(
        rnd.name, rnd.framework_id, frame, fingerprint_cases(frame), codes, members.left_out
    )
    with _CACHE_LOCK:
        _CACHE[key] = replace(result, frame=frame.copy())
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def _stamp(framework_id: str, codes: tuple[str, ...], statuses) -> tuple:
    """Changes whenever a case of these inspections is added, saved or removed: every save
    bumps the case's ``version`` and ``updated_at``, every import adds rows."""
    from django.db.models import Count, Max, Sum

    qs = Case.objects.filter(
        framework_id=framework_id, inspection__code__in=list(codes), second_marking_of__isnull=True
    )
    if statuses is not None:
        qs = qs.filter(status__in=list(statuses))
    else:
        qs = qs.exclude(status=Case.Status.DROPPED)
    agg = qs.aggregate(
        n=Count("pk"), versions=Sum("version"), last=Max("updated_at"), top=Max("pk")
    )
    return (agg["n"], agg["versions"], str(agg["last"]), agg["top"])
