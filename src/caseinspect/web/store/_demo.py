"""Demo accounts: one per role, for the demo database that ``make demo`` builds.

The passwords below are published (docs/web.md and the ``make demo`` output): they are
for a demo on your own machine only. Never run :func:`create_demo_accounts` against a
database holding real cases.
"""

from __future__ import annotations

import random

import pandas as pd
from django.contrib.auth import get_user_model
from django.db import transaction

from ...framework import load_framework
from ..models import Case, Inspection, Provider, Role
from ..models._case import PROFILE_FIELDS

#: username -> (role, password). Deterministic, demo only.
DEMO_PASSWORDS: dict[str, tuple[str, str]] = {
    "demo-admin": (Role.ADMINISTRATOR, "harbour-lantern-quartz-61"),
    "demo-lead": (Role.LEAD_INSPECTOR, "meadow-copper-violin-27"),
    "demo-inspector": (Role.INSPECTOR, "orchard-signal-pebble-83"),
    "demo-inspector2": (Role.INSPECTOR, "glacier-thistle-anchor-45"),
    "demo-analyst": (Role.ANALYST, "compass-juniper-ember-19"),
    "demo-provider-qa": (Role.PROVIDER_QA, "falcon-velvet-harvest-72"),
}
FIELDWORK_CODE = "DEMO-FIELDWORK"
SELF_AUDIT_CODE = "DEMO-SELF-AUDIT"


def create_demo_accounts(
    *, framework_id: str | None = None, n_fieldwork: int = 12, n_self_audit: int = 6
):
    """Create the demo users and work for them to do; return ``[(username, role, password)]``.

    - one account per role (two inspectors, so second marking can be shown);
    - a fieldwork inspection ``DEMO-FIELDWORK`` led by ``demo-lead``, with not-started cases
      (profiles copied from stored cases of one provider) allocated evenly to the inspectors;
    - ``demo-lead`` also leads every stored inspection of the framework that has no lead;
    - a self-audit ``DEMO-SELF-AUDIT`` of the same provider for ``demo-provider-qa``.

    Idempotent on the users (passwords reset to the published ones); the demo inspections
    are created once.
    """
    from ..actions.inspections import (
        allocate_cases,
        balanced_allocation,
        create_inspection,
        set_lead,
    )
    from ..actions.users import create_user
    from . import import_cases

    User = get_user_model()
    framework_id = framework_id or _default_framework_id()
    framework = load_framework(framework_id)
    provider = _demo_provider(framework_id)
    users = {}
    with transaction.atomic():
        for username, (role, password) in DEMO_PASSWORDS.items():
            user = User.objects.filter(username=username).first()
            if user is None:
                user = create_user(
                    None,
                    username,
                    role,
                    password,
                    provider=provider.name if role == Role.PROVIDER_QA else None,
                )
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            users[username] = user
        admin, lead = users["demo-admin"], users["demo-lead"]
        for inspection in Inspection.objects.filter(
            framework_id=framework_id, lead__isnull=True, kind=Inspection.Kind.INSPECTION
        ):
            set_lead(admin, inspection, lead)
        _demo_rounds(admin)
        if not Inspection.objects.filter(code=FIELDWORK_CODE).exists():
            fieldwork = create_inspection(
                admin, code=FIELDWORK_CODE, provider=provider, framework=framework, lead=lead
            )
            import_cases(
                _profiles(framework, provider, fieldwork.code, n_fieldwork, "DEMO"),
                framework,
                source="demo fieldwork",
                user=admin,
                status=Case.Status.ALLOCATED,
                inspection=fieldwork,
            )
            inspectors = [users["demo-inspector"], users["demo-inspector2"]]
            allocate_cases(lead, fieldwork, balanced_allocation(fieldwork, inspectors))
        if not Inspection.objects.filter(code=SELF_AUDIT_CODE).exists():
            self_audit = create_inspection(
                users["demo-provider-qa"],
                code=SELF_AUDIT_CODE,
                provider=provider,
                framework=framework,
                kind=Inspection.Kind.SELF_AUDIT,
            )
            import_cases(
                _profiles(framework, provider, self_audit.code, n_self_audit, "QA"),
                framework,
                source="demo self-audit",
                user=users["demo-provider-qa"],
                status=Case.Status.ALLOCATED,
                inspection=self_audit,
            )
    return [
        (username, str(role), password) for username, (role, password) in DEMO_PASSWORDS.items()
    ]


def _demo_rounds(admin) -> None:
    """One named round per framework of the imported synthetic rounds (its inspections as
    stored before the demo adds its own), so the analysis and bulletin pages have a round."""
    from ... import framework as fw_module
    from ..models import Round

    for framework_id in Inspection.objects.values_list("framework_id", flat=True).distinct():
        name = fw_module.load_framework(framework_id).round or framework_id
        if Round.objects.filter(name=name).exists():
            continue
        inspections = Inspection.objects.filter(
            framework_id=framework_id, kind=Inspection.Kind.INSPECTION
        ).exclude(code=FIELDWORK_CODE)
        rnd = Round.objects.create(name=name, framework_id=framework_id, created_by=admin)
        rnd.inspections.set(inspections)


def _default_framework_id() -> str:
    stored = list(Inspection.objects.values_list("framework_id", flat=True).distinct())
    return "hmip-2018" if "hmip-2018" in stored or not stored else sorted(stored)[0]


def _demo_provider(framework_id: str) -> Provider:
    """The CRC with the most stored cases under the framework (or a new demo provider)."""
    inspection = (
        Inspection.objects.filter(framework_id=framework_id, provider__provider_type="CRC")
        .order_by("code")
        .first()
        or Inspection.objects.filter(framework_id=framework_id).order_by("code").first()
    )
    if inspection is not None:
        return inspection.provider
    provider, _ = Provider.objects.get_or_create(
        name="Demo Community Rehabilitation Company", defaults={"provider_type": "CRC"}
    )
    return provider


def _profiles(framework, provider: Provider, code: str, n: int, prefix: str) -> pd.DataFrame:
    """Not-started cases whose profiles are copied from the provider's stored cases."""
    from ...cases import known_columns

    stored = list(
        Case.objects.filter(inspection__provider=provider, second_marking_of__isnull=True)
        .order_by("pk")
        .values(*PROFILE_FIELDS)[:n]
    )
    rng = random.Random(2018)
    rows = []
    for k in range(n):
        row = {c: "" for c in known_columns(framework)}
        row.update(
            case_id=f"{prefix}-{k + 1:04d}",
            inspection_id=code,
            provider=provider.name,
            provider_type=provider.provider_type,
        )
        source = stored[k] if k < len(stored) else None
        for variable in framework.profile:
            if variable.code in PROFILE_FIELDS:
                choices = [
                    c
                    for c in variable.categories
                    if not (
                        variable.code == "rosh"
                        and provider.provider_type == "CRC"
                        and c.startswith("High")
                    )
                ]
                row[variable.code] = source[variable.code] if source else rng.choice(choices)
        rows.append(row)
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame
