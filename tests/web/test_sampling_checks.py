"""Drawing a sample in the web app (issue #14): the list must be the inspection's
provider's (or the lead confirms), the reference date defaults to the fieldwork start,
exclusions are always shown, and the size is explained in words, never as a repr."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from caseinspect.web.models import Case, Inspection

from .conftest import login
from .test_inspections import _csv, eligible_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def essex(world):
    return Inspection.objects.create(
        code="ESSEX-1",
        provider=world["providers"]["A"],
        framework_id="hmip-2018",
        framework_version="2018.1",
        framework_fingerprint="x",
        lead=world["users"]["lead1"],
        fieldwork_start=date(2024, 7, 20),
    )


def _draw(c, inspection, frame, **extra):
    return c.post(
        reverse("inspection-sample", kwargs={"pk": inspection.pk}),
        {"file": _csv(frame, "list.csv"), "reference_date": "2024-07-20", "seed": "7", **extra},
    )


def test_reference_date_defaults_to_the_fieldwork_start(client, world, essex):
    page = login(client, world["users"]["lead1"]).get(
        reverse("inspection-sample", kwargs={"pk": essex.pk})
    )
    assert 'value="2024-07-20"' in page.content.decode()


def test_another_providers_list_is_refused_until_the_lead_confirms(client, world, essex):
    c = login(client, world["users"]["lead1"])
    merseyside = eligible_list()
    merseyside["provider"] = "Merseyside CRC"
    response = _draw(c, essex, merseyside)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The list is of Merseyside CRC, but this inspection is of Provider A" in html
    assert not Case.objects.filter(inspection=essex).exists()
    assert _draw(c, essex, merseyside, confirm_provider="on").status_code == 302
    assert Case.objects.filter(inspection=essex).exists()
    from caseinspect.web.models import AuditEvent

    event = AuditEvent.objects.get(action="draw-sample", object_pk=str(essex.pk))
    assert "Merseyside CRC" in event.after["provider_confirmed"]  # the confirmation is audited
    page = c.get(reverse("inspection-sample", kwargs={"pk": essex.pk})).content.decode()
    assert "Provider confirmed by lead1" in page


def test_a_list_naming_the_right_provider_needs_no_confirmation(client, world, essex):
    c = login(client, world["users"]["lead1"])
    own = eligible_list()
    own["provider"] = "Provider A"
    assert _draw(c, essex, own).status_code == 302
    page = c.get(reverse("inspection-sample", kwargs={"pk": essex.pk})).content.decode()
    assert "SampleSize(" not in page and "(n=" not in page
    assert "estimate a proportion to within ±5 points at 80% confidence" in page


def test_a_list_without_a_provider_column_needs_confirmation(client, world, essex):
    response = _draw(login(client, world["users"]["lead1"]), essex, eligible_list())
    assert response.status_code == 400
    assert "does not say which provider it comes from" in response.content.decode()


def test_when_nothing_is_eligible_the_exclusions_are_shown(client, world, essex):
    c = login(client, world["users"]["lead1"])
    response = c.post(
        reverse("inspection-sample", kwargs={"pk": essex.pk}),
        {
            "file": _csv(eligible_list(30), "list.csv"),
            "reference_date": "2030-01-01",  # everyone long past the months window
            "seed": "7",
            "confirm_provider": "on",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "see the exclusions for the reasons" in html
    assert "Excluded cases (30) and why" in html and "E0001" in html


def test_lead_records_the_fieldwork_start(client, world):
    from caseinspect.web.models import AuditEvent

    inspection = world["inspections"]["I1"]
    url = reverse("inspection", kwargs={"pk": inspection.pk})
    lead = login(client, world["users"]["lead1"])
    assert lead.post(url, {"fieldwork_start": "4/2/2019"}).status_code == 302
    inspection.refresh_from_db()
    assert inspection.fieldwork_start is None  # refused, with a message
    lead.post(url, {"fieldwork_start": "2019-02-04"})
    inspection.refresh_from_db()
    assert inspection.fieldwork_start == date(2019, 2, 4)
    assert "4 February 2019" in lead.get(url).content.decode()
    assert AuditEvent.objects.filter(action="set-fieldwork-start").get().after == {
        "fieldwork_start": "2019-02-04"
    }
    analyst = login(client.__class__(), world["users"]["analyst"])
    assert analyst.post(url, {"fieldwork_start": "2019-01-01"}).status_code == 403
