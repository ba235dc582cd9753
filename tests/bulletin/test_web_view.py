"""The analyst page offering the bulletin of a named round (web/views/bulletin.py)."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseinspect.web.settings.test")

import django  # noqa: E402
import pytest  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:
    django.setup()

from django.urls import reverse  # noqa: E402

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-passphrase-42"


@pytest.fixture
def round_world(hmip):
    from datetime import date

    from caseinspect.synth import synth_round
    from caseinspect.web.actions.users import create_user
    from caseinspect.web.models import Inspection, Provider, Round
    from caseinspect.web.store import import_cases

    cases = synth_round("2018-19", n_cases=300, seed=11, text=False)
    inspections = []
    for code, provider_type, start in (
        ("A-2018", "CRC", date(2018, 6, 4)),
        ("B-2018", "NPS", date(2019, 3, 4)),
    ):
        provider = Provider.objects.create(name=f"Provider {code}", provider_type=provider_type)
        inspection = Inspection.objects.create(
            code=code,
            provider=provider,
            framework_id=hmip.id,
            framework_version=hmip.version,
            framework_fingerprint=hmip.fingerprint,
            fieldwork_start=start,
        )
        part = cases[cases["provider_type"] == provider_type].copy()
        part["inspection_id"], part["provider"] = code, provider.name
        import_cases(part, hmip, source=f"{code}.csv", inspection=inspection, status="accepted")
        inspections.append(inspection)
    chosen = Round.objects.create(name="2018-19", framework_id=hmip.id)
    chosen.inspections.add(*inspections)
    users = {
        role: create_user(None, role, role, PASSWORD)
        for role in ("analyst", "inspector", "lead_inspector", "administrator")
    }
    return users


def _get(client, user, *args, **params):
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.get(reverse("round-bulletin", args=args or ["2018-19"]), params)


def test_an_analyst_gets_the_checked_bulletin_and_its_files(client, round_world):
    from caseinspect.web.models import AuditEvent

    page = _get(client, round_world["analyst"])
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        "Numbers check passed" in text and "2. Findings" in text and "Annex A: Methodology" in text
    )
    before = AuditEvent.objects.count()
    docx = _get(client, round_world["analyst"], file="docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "2018-19-bulletin.docx" in docx["Content-Disposition"]
    assert AuditEvent.objects.count() == before + 1
    html = _get(client, round_world["analyst"], file="html").content.decode()
    assert "June 2018" in html and "March 2019" in html  # Table A1: fieldwork months


def test_other_roles_and_strangers_are_refused(client, round_world):
    for role in ("inspector", "lead_inspector", "administrator"):
        assert _get(client, round_world[role]).status_code == 403, role
    client.logout()
    anonymous = client.get(reverse("round-bulletin", args=["2018-19"]))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_unknown_round_and_file_are_not_found(client, round_world):
    assert _get(client, round_world["analyst"], "no-such-round").status_code == 404
    assert _get(client, round_world["analyst"], file="secrets").status_code == 404
