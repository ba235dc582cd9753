"""Rounds are real objects (issue #14): a named set of inspections chosen by an analyst or
administrator; the latest inspection of an area is used; analysis and downloads are of a
named round; one audit row per round download."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from caseinspect.cases import fingerprint_cases
from caseinspect.errors import UnknownName
from caseinspect.web.models import AuditEvent, Case, Inspection, Round
from caseinspect.web.store import cases_frame, import_cases, round_cases

from .conftest import login
from .factories import case_frame

pytestmark = pytest.mark.django_db


def _inspection(code, provider, fieldwork, fw, n, prefix):
    insp = Inspection.objects.create(
        code=code,
        provider=provider,
        framework_id=fw.id,
        framework_version=fw.version,
        framework_fingerprint=fw.fingerprint,
        fieldwork_start=fieldwork,
    )
    frame = case_frame(fw, n, inspections=1, prefix=prefix)
    frame["inspection_id"], frame["provider"] = code, provider.name
    frame["provider_type"] = provider.provider_type
    frame.loc[frame["rosh"] == "High/Very high", "rosh"] = "Low"
    import_cases(frame, fw, source=f"{code}.csv", inspection=insp)
    return insp


@pytest.fixture
def rounds_world(world, fw):
    a, b = world["providers"]["A"], world["providers"]["B"]
    first = _inspection("A-2018", a, date(2018, 6, 4), fw, 12, "X")
    again = _inspection("A-2019", a, date(2019, 2, 11), fw, 15, "Y")
    other = _inspection("B-2018", b, date(2018, 9, 3), fw, 10, "Z")
    test = _inspection("TEST-1", b, date(2018, 10, 1), fw, 7, "T")  # never chosen
    return {"first": first, "again": again, "other": other, "test": test}


def test_an_analyst_chooses_the_inspections_and_the_latest_of_an_area_is_used(
    client, world, rounds_world
):
    c = login(client, world["users"]["analyst"])
    response = c.post(reverse("rounds"), {"name": "2018-19", "framework_id": "hmip-2018"})
    assert response.status_code == 302
    chosen = [rounds_world[k].pk for k in ("first", "again", "other")]
    assert c.post(reverse("round", args=["2018-19"]), {"inspections": chosen}).status_code == 302
    page = c.get(reverse("round", args=["2018-19"])).content.decode()
    assert "Inspections used (2)" in page and "A-2019" in page and "B-2018" in page
    assert "Chosen but left out" in page
    assert "A-2018</strong>: Provider A (CRC) was inspected again in A-2019" in page
    assert "the latest inspection of an area is used" in page
    data = round_cases("2018-19")
    assert data.inspections == ("A-2019", "B-2018")
    assert len(data.frame) == 25  # 15 + 10: neither the superseded nor the test inspection
    assert set(data.frame["inspection_id"]) == {"A-2019", "B-2018"}
    # the fingerprint is that of the same cases read independently
    again = cases_frame(
        framework_id="hmip-2018",
        inspection_codes=["A-2019", "B-2018"],
        statuses=["submitted", "accepted"],
    )
    assert data.fingerprint == fingerprint_cases(again)
    assert AuditEvent.objects.filter(action="round-inspections", object_type="round").exists()


def test_only_analysts_and_administrators_set_up_rounds(client, world):
    lead = login(client, world["users"]["lead1"])
    assert lead.get(reverse("rounds")).status_code == 200  # leads read them
    assert (
        lead.post(reverse("rounds"), {"name": "x", "framework_id": "hmip-2018"}).status_code == 403
    )
    inspector = login(client.__class__(), world["users"]["insp1"])
    assert inspector.get(reverse("rounds")).status_code == 403
    assert not Round.objects.exists()


def test_unknown_round_is_named(world):
    with pytest.raises(UnknownName, match="no round named 'nope'"):
        round_cases("nope")


def test_round_download_writes_one_audit_row(client, world, rounds_world):
    rnd = Round.objects.create(name="R1", framework_id="hmip-2018")
    rnd.inspections.set([rounds_world["again"], rounds_world["other"]])
    c = login(client, world["users"]["analyst"])
    before = AuditEvent.objects.filter(action="download").count()
    response = c.get(reverse("round-download", args=["R1", "cases", "csv"]))
    assert response.status_code == 200
    rows = AuditEvent.objects.filter(action="download")
    assert rows.count() == before + 1
    event = rows.latest("id")
    assert event.object_type == "round" and event.object_repr == "R1"
    assert event.after == {
        "what": "cases",
        "format": "csv",
        "rows": 25,
        "inspections": ["A-2019", "B-2018"],
        "round": "R1",
    }


def test_pooled_analysis_is_only_of_a_named_round(client, world):
    c = login(client, world["users"]["analyst"])
    assert c.get("/analysis/").url == reverse("rounds")
    assert c.get("/analysis/hmip-2018/").status_code == 404


def test_analysis_in_the_background_shows_progress_then_the_cached_result(
    client, world, rounds_world, settings
):
    import time

    settings.CASEINSPECT_BACKGROUND_ANALYSIS = True
    rnd = Round.objects.create(name="R2", framework_id="hmip-2018")
    rnd.inspections.set([rounds_world["again"], rounds_world["other"]])
    c = login(client, world["users"]["analyst"])
    url = reverse("round-analysis", args=["R2"]) + "?significance=none"
    first = c.get(url).content.decode()
    assert "Working out the tables" in first and 'http-equiv="refresh"' in first
    for _ in range(300):
        page = c.get(url).content.decode()
        if "Working out the tables" not in page:
            break
        time.sleep(0.1)
    assert "Table C1" in page and 'http-equiv="refresh"' not in page
    # a second view of the same data is served from the cache: no progress page at all
    assert "Table C1" in c.get(url).content.decode()


def test_the_demo_names_its_round(db, fw):
    from caseinspect.web.store import create_demo_accounts

    import_cases(case_frame(fw, 20, inspections=2, prefix="S"), fw, source="round.csv")
    create_demo_accounts(framework_id="hmip-2018", n_fieldwork=3, n_self_audit=2)
    data = round_cases("2018-19")
    assert data.inspections == ("INSP-01", "INSP-02")  # not the demo's fieldwork inspection
    assert len(data.frame) == 20


def test_a_round_name_must_fit_in_an_address(client, world):
    c = login(client, world["users"]["admin"])
    response = c.post(reverse("rounds"), {"name": "2018/19", "framework_id": "hmip-2018"})
    assert response.status_code == 400
    assert "Enter a name of letters, digits" in response.content.decode()
    assert not Round.objects.exists()


def test_round_cases_are_reread_when_a_case_changes(world, rounds_world):
    from caseinspect.web.actions.cases import return_case

    rnd = Round.objects.create(name="R3", framework_id="hmip-2018")
    rnd.inspections.set([rounds_world["again"], rounds_world["other"]])
    first = round_cases("R3")
    again = round_cases("R3")  # unchanged data: the same table and fingerprint
    assert again.fingerprint == first.fingerprint and again.frame.equals(first.frame)
    again.frame.loc[again.frame.index[0], "gender"] = "changed by the caller"
    assert round_cases("R3").frame.equals(first.frame)  # callers get their own copy
    case = Case.objects.filter(inspection=rounds_world["other"]).first()
    case.status = "submitted"
    case.save()
    return_case(world["users"]["admin"], case, "Say more.")  # a real change: leaves the round
    changed = round_cases("R3")
    assert len(changed.frame) == len(first.frame) - 1
    assert changed.fingerprint != first.fingerprint
