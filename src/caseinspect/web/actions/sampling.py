"""Drawing an inspection's sample (core ``caseinspect.sampling.draw_sample``), and replacing a
case that drops out with the next reserve case."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
from django.db import transaction

from ...errors import Problem, ValidationError
from ...sampling import draw_sample, next_reserve
from .. import audit
from ..frameworks import framework_for
from ..models import Case, Inspection
from ..store._import import lock_case_writes

#: How the eligible list's ``disposal_type`` maps to the case profile's supervision type.
SUPERVISION_TYPE = {"community": "Community sentence", "custody": "Post-custody"}
PROFILE_FROM_LIST = ("gender", "ethnic_group", "rosh")


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records", date_format="iso", default_handler=str))


def draw_inspection_sample(
    actor,
    inspection: Inspection,
    eligible: pd.DataFrame,
    *,
    seed: int,
    reference_date: date,
    size: int | None = None,
    source: str = "eligible cases",
    provider_confirmed: str = "",
):
    """Draw the sample from the provider's eligible-case list and create its cases.

    ``provider_confirmed``: when the list did not plainly belong to the inspection's
    provider, what the lead confirmed (recorded in the report and the audit row).

    The core function screens, sizes, stratifies and spreads the sample; this stores the
    sampled cases (not started, not allocated), the reserve list and the report.

    Raises
    ------
    caseinspect.errors.ValidationError
        The list breaks a rule (every problem listed), or the inspection already has cases.
    caseinspect.errors.UsageError
        No case is eligible, or the size is impossible.
    """
    if Case.objects.filter(inspection=inspection).exists():
        raise ValidationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    None,
                    "already-sampled",
                    f"inspection {inspection.code} already has cases; a sample is drawn once",
                )
            ]
        )
    if inspection.provider_id is None:
        raise ValidationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    None,
                    "no-provider",
                    "an area inspection samples each provider in an inspection of its own",
                )
            ]
        )
    framework = framework_for(inspection)
    categories = {v.code: v.categories for v in framework.profile}
    result = draw_sample(
        eligible,
        framework.sampling,
        size,
        seed,
        reference_date,
        categories=categories,
        source=source,
    )
    supervision_categories = (
        set(framework.profile_variable("supervision_type").categories)
        if "supervision_type" in {v.code for v in framework.profile}
        else set()
    )
    with transaction.atomic():
        lock_case_writes()
        current = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if Case.objects.filter(inspection=current).exists():
            raise ValidationError(
                [
                    Problem(
                        source, None, None, None, "already-sampled", "a sample has just been drawn"
                    )
                ]
            )
        cases = [
            _case_from_row(current, row, supervision_categories) for row in _records(result.sample)
        ]
        stored = dict(
            Case.objects.filter(
                framework_id=current.framework_id,
                second_marking_of__isnull=True,
                case_id__in=[c.case_id for c in cases],
            ).values_list("case_id", "inspection__code")
        )
        if stored:
            raise ValidationError(
                [
                    Problem(
                        source,
                        None,
                        "case_id",
                        case_id,
                        "duplicate-in-database",
                        f"case id '{case_id}' is already stored (inspection '{code}')",
                    )
                    for case_id, code in sorted(stored.items())
                ]
            )
        Case.objects.bulk_create(cases)
        current.sample_seed = seed
        current.status = Inspection.Status.FIELDWORK
        current.sample_report = {
            "source": source,
            "seed": seed,
            "reference_date": reference_date.isoformat(),
            "size": result.size,
            "size_basis": _size_words(result.size_basis),
            "listed": result.listed,
            "excluded": result.excluded,
            "eligible": result.eligible,
            "officers": list(result.officers),
            "offices": list(result.offices),
            "notes": list(result.notes)
            + (
                [f"Provider confirmed by {actor.get_username()}: {provider_confirmed}"]
                if provider_confirmed
                else []
            ),
            "report": _records(result.report),
            "allocation": _records(result.allocation),
            "exclusions": _records(result.exclusions[["case_id", "reasons", "detail"]]),
            "reserve": [{**row, "used_for": None} for row in _records(result.reserve)],
        }
        current.save(update_fields=["sample_seed", "status", "sample_report"])
        audit.record(
            actor,
            "draw-sample",
            current,
            after={
                "source": source,
                "seed": seed,
                "reference_date": reference_date.isoformat(),
                "size": result.size,
                "listed": result.listed,
                "excluded": result.excluded,
                "eligible": result.eligible,
                "reserve": len(result.reserve),
                **({"provider_confirmed": provider_confirmed} if provider_confirmed else {}),
            },
        )
    return result


def _case_from_row(inspection: Inspection, row: dict, supervision_categories: set[str]) -> Case:
    supervision = SUPERVISION_TYPE.get(str(row.get("disposal_type", "")).lower(), "")
    return Case(
        inspection=inspection,
        framework_id=inspection.framework_id,
        provider_id=inspection.provider_id,
        case_id=str(row["case_id"]),
        supervision_type=supervision if supervision in supervision_categories else "",
        **{k: str(row.get(k) or "") for k in PROFILE_FROM_LIST},
        sample_info={
            k: row.get(k)
            for k in (
                "sample_order",
                "reserve_order",
                "stratum",
                "selected_for",
                "officer",
                "office",
            )
            if row.get(k) is not None
        },
    )


def replace_dropped_case(actor, case: Case, reason: str) -> Case:
    """Mark a sampled case as dropped out and bring in its replacement from the reserve list.

    The core rule :func:`caseinspect.sampling.next_reserve` chooses the replacement (the
    first unused reserve case of the dropped case's stratum, else the first unused one);
    the new case goes to the same inspector. One transaction: the reserve list, both cases
    and both audit rows change together or not at all.
    """
    if not reason.strip():
        raise ValidationError(
            [Problem("replace", None, "reason", "", "required", "say why the case dropped out")]
        )
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=case.inspection_id)
        current = Case.objects.select_for_update().get(pk=case.pk)
        if (
            current.status not in (Case.Status.ALLOCATED, Case.Status.DRAFT, Case.Status.RETURNED)
            or current.is_second_marking
        ):
            raise ValidationError(
                [
                    Problem(
                        "replace",
                        None,
                        "case",
                        current.case_id,
                        "not-replaceable",
                        f"a {current.get_status_display().lower()} case cannot be replaced",
                    )
                ]
            )
        report = dict(inspection.sample_report or {})
        reserve = list(report.get("reserve") or [])
        table = pd.DataFrame(reserve) if reserve else pd.DataFrame(columns=["case_id", "stratum"])
        row = next_reserve(
            table,
            {str(r["case_id"]) for r in reserve if r.get("used_for")},
            {"stratum": (current.sample_info or {}).get("stratum")},
        )
        if row is None:
            raise ValidationError(
                [
                    Problem(
                        "replace",
                        None,
                        "reserve",
                        None,
                        "reserve-empty",
                        "the reserve list is used up",
                    )
                ]
            )
        chosen = reserve[row.name]
        chosen["used_for"] = current.case_id
        report["reserve"] = reserve
        inspection.sample_report = report
        inspection.save(update_fields=["sample_report"])
        before = {"status": current.status}
        current.status = Case.Status.DROPPED
        current.sample_info = {
            **(current.sample_info or {}),
            "dropped_reason": reason.strip(),
            "replaced_by": str(chosen["case_id"]),
        }
        current.version += 1
        current.save(update_fields=["status", "sample_info", "version", "updated_at"])
        framework = framework_for(inspection)
        supervision = (
            set(framework.profile_variable("supervision_type").categories)
            if "supervision_type" in {v.code for v in framework.profile}
            else set()
        )
        new = _case_from_row(inspection, chosen, supervision)
        new.allocated_to_id = current.allocated_to_id
        new.sample_info["replaces"] = current.case_id
        new.save()
        audit.record(
            actor,
            "drop",
            current,
            inspection=inspection,
            before=before,
            after={"status": current.status, "reason": reason.strip(), "replaced_by": new.case_id},
        )
        audit.record(
            actor,
            "replace",
            new,
            inspection=inspection,
            after={
                "replaces": current.case_id,
                "stratum": chosen.get("stratum"),
                "reserve_order": chosen.get("reserve_order"),
                "allocated_to": new.allocated_to.get_username() if new.allocated_to_id else None,
            },
        )
    return new


def _size_words(basis) -> str | None:
    """How the sample size was reached, in words (never the dataclass's repr)."""
    if basis is None:
        return None
    return (
        f"{basis.n} of {basis.population:,} eligible cases estimate a proportion to within "
        f"±{basis.margin * 100:g} points at {basis.confidence * 100:g}% confidence "
        f"({basis.n0:.1f} before the finite population correction)"
    )
