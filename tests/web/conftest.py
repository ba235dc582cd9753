"""Web tests: Django test settings, SQLite in memory by default, PostgreSQL when
``CASEINSPECT_TEST_DATABASE_URL`` is set (``.ci/run`` runs this suite a second time so)."""

from __future__ import annotations

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "caseinspect.web.settings.test"

import django  # noqa: E402
import pytest  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured or not django.apps.apps.ready:
    django.setup()


from caseinspect.framework import load_framework  # noqa: E402

from .factories import case_frame  # noqa: E402

PASSWORD = "a-long-test-passphrase-42"


@pytest.fixture
def fw():
    return load_framework("hmip-2018")


@pytest.fixture
def world(db, fw):
    """Two providers, two inspections, two self-audits, one user per role (two of some)."""
    from caseinspect.web.actions.inspections import allocate_cases, create_inspection
    from caseinspect.web.actions.users import create_user
    from caseinspect.web.models import Case, Provider
    from caseinspect.web.store import import_cases

    a = Provider.objects.create(name="Provider A", provider_type="CRC")
    b = Provider.objects.create(name="Provider B", provider_type="NPS")
    users = {}
    for name, role, provider in [
        ("admin", "administrator", None),
        ("lead1", "lead_inspector", None),
        ("lead2", "lead_inspector", None),
        ("insp1", "inspector", None),
        ("insp2", "inspector", None),
        ("analyst", "analyst", None),
        ("qa_a", "provider_qa", "Provider A"),
        ("qa_b", "provider_qa", "Provider B"),
    ]:
        users[name] = create_user(None, name, role, PASSWORD, provider=provider)
    insp = {
        "I1": create_inspection(
            users["admin"], code="I1", provider=a, framework=fw, lead=users["lead1"]
        ),
        "I2": create_inspection(
            users["admin"], code="I2", provider=b, framework=fw, lead=users["lead2"]
        ),
        "SA": create_inspection(
            users["qa_a"], code="SA", provider=a, framework=fw, kind="self_audit"
        ),
        "SB": create_inspection(
            users["qa_b"], code="SB", provider=b, framework=fw, kind="self_audit"
        ),
    }
    for code, provider, prefix in [
        ("I1", a, "A"),
        ("I2", b, "B"),
        ("SA", a, "SA"),
        ("SB", b, "SB"),
    ]:
        frame = case_frame(fw, 4, inspections=1, prefix=prefix, answered=False)
        frame["inspection_id"], frame["provider"], frame["provider_type"] = (
            code,
            provider.name,
            provider.provider_type,
        )
        if provider.provider_type == "CRC":
            frame.loc[frame["rosh"] == "High/Very high", "rosh"] = "Low"
        import_cases(frame, fw, source=f"{code}.csv", user=users["admin"], inspection=insp[code])
    cases = {c.case_id: c for c in Case.objects.all()}
    allocate_cases(
        users["lead1"],
        insp["I1"],
        {cases["A000001"].pk: users["insp1"], cases["A000002"].pk: users["insp2"]},
    )
    allocate_cases(users["lead2"], insp["I2"], {cases["B000001"].pk: users["insp2"]})
    return {
        "users": users,
        "inspections": insp,
        "cases": {k: Case.objects.get(pk=v.pk) for k, v in cases.items()},
        "providers": {"A": a, "B": b},
    }


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def complete_answers(
    fw, *, needs="no", strengths="no", answer="yes", rationale="Evidence in the case record."
):
    """POST data for a complete, valid assessment (every applicable item answered)."""
    data = {}
    for item in fw.items:
        if item.group == "needs":
            value = needs
        elif item.group == "strengths":
            value = strengths
        elif item.applies_if is not None:
            governing = needs if item.applies_if.item.startswith("need_") else strengths
            value = answer if governing == "yes" else ""
        else:
            value = answer
        data[f"answer__{item.code}"] = value
        if item.rationale == "required" and value:
            data[f"rationale__{item.code}"] = rationale
    return data
