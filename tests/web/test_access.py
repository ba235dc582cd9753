"""Every permission boundary, through the test client: outsiders get 404 (existence not
revealed) or 403 (visible but not theirs to change); anonymous users go to sign in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import login

pytestmark = pytest.mark.django_db


def _get(client, world, user, name, **kwargs):
    return login(client, world["users"][user]).get(reverse(name, kwargs=kwargs))


@pytest.mark.parametrize("name", ["case", "case-edit"])
def test_inspector_cannot_fetch_another_inspectors_case(client, world, name):
    other = world["cases"]["A000002"]  # allocated to insp2
    assert _get(client, world, "insp1", name, pk=other.pk).status_code == 404
    assert _get(client, world, "insp1", name, pk=world["cases"]["A000001"].pk).status_code == 200


def test_inspector_cannot_post_to_another_inspectors_case(client, world):
    other = world["cases"]["A000002"]
    response = login(client, world["users"]["insp1"]).post(
        reverse("case-edit", kwargs={"pk": other.pk}), {"version": other.version, "action": "save"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.version == world["cases"]["A000002"].version


def test_inspector_sees_only_inspections_with_their_cases(client, world):
    assert (
        _get(client, world, "insp1", "inspection", pk=world["inspections"]["I1"].pk).status_code
        == 200
    )
    assert (
        _get(client, world, "insp1", "inspection", pk=world["inspections"]["I2"].pk).status_code
        == 404
    )
    response = _get(client, world, "insp1", "inspection-cases", pk=world["inspections"]["I1"].pk)
    assert b"A000001" in response.content and b"A000002" not in response.content


@pytest.mark.parametrize("name", ["inspection-allocate", "inspection-import", "inspection-audit"])
def test_inspector_cannot_run_an_inspection(client, world, name):
    assert _get(client, world, "insp1", name, pk=world["inspections"]["I1"].pk).status_code == 403


def test_provider_user_cannot_fetch_another_providers_data(client, world):
    assert _get(client, world, "qa_a", "case", pk=world["cases"]["SB000001"].pk).status_code == 404
    assert (
        _get(client, world, "qa_a", "case-edit", pk=world["cases"]["SB000001"].pk).status_code
        == 404
    )
    assert (
        _get(client, world, "qa_a", "inspection", pk=world["inspections"]["SB"].pk).status_code
        == 404
    )
    assert (
        _get(
            client,
            world,
            "qa_a",
            "inspection-download",
            pk=world["inspections"]["SB"].pk,
            what="cases",
            fmt="csv",
        ).status_code
        == 404
    )


def test_provider_user_never_sees_inspectorate_inspections_even_of_their_own_provider(
    client, world
):
    assert (
        _get(client, world, "qa_a", "inspection", pk=world["inspections"]["I1"].pk).status_code
        == 404
    )
    assert _get(client, world, "qa_a", "case", pk=world["cases"]["A000003"].pk).status_code == 404
    response = _get(client, world, "qa_a", "inspections")
    assert b"SA" in response.content and b">I1<" not in response.content


def test_provider_user_works_in_their_own_self_audit(client, world):
    assert (
        _get(client, world, "qa_a", "case-edit", pk=world["cases"]["SA000001"].pk).status_code
        == 200
    )
    assert (
        _get(
            client, world, "qa_a", "inspection-allocate", pk=world["inspections"]["SA"].pk
        ).status_code
        == 200
    )
    assert (
        _get(
            client,
            world,
            "qa_a",
            "inspection-download",
            pk=world["inspections"]["SA"].pk,
            what="cases",
            fmt="csv",
        ).status_code
        == 200
    )


def test_analyst_reads_everything_and_changes_nothing(client, world):
    case = world["cases"]["A000001"]
    assert _get(client, world, "analyst", "case", pk=case.pk).status_code == 200
    assert _get(client, world, "analyst", "case-edit", pk=case.pk).status_code == 403
    c = login(client, world["users"]["analyst"])
    assert c.post(reverse("case-edit", kwargs={"pk": case.pk}), {"version": 1}).status_code == 403
    assert (
        c.post(reverse("case-review", kwargs={"pk": case.pk}), {"decision": "accept"}).status_code
        == 403
    )
    assert c.post(reverse("case-second-marking", kwargs={"pk": case.pk}), {}).status_code == 403
    assert (
        c.get(reverse("inspection-allocate", kwargs={"pk": case.inspection_id})).status_code == 403
    )
    assert (
        c.post(reverse("inspection-sign-off", kwargs={"pk": case.inspection_id})).status_code == 403
    )
    assert (
        c.post(reverse("inspection-rating-decision", kwargs={"pk": case.inspection_id})).status_code
        == 403
    )
    assert c.get(reverse("inspection-new")).status_code == 403
    assert c.get(reverse("inspection-audit", kwargs={"pk": case.inspection_id})).status_code == 403
    assert (
        c.get(reverse("inspection-analysis", kwargs={"pk": case.inspection_id})).status_code == 200
    )


def test_lead_inspector_runs_only_their_own_inspections(client, world):
    i2 = world["inspections"]["I2"]
    assert _get(client, world, "lead1", "inspection", pk=i2.pk).status_code == 404
    assert _get(client, world, "lead1", "case", pk=world["cases"]["B000001"].pk).status_code == 404
    assert (
        _get(
            client, world, "lead1", "inspection-allocate", pk=world["inspections"]["I1"].pk
        ).status_code
        == 200
    )
    assert (
        _get(
            client, world, "lead1", "inspection-audit", pk=world["inspections"]["I1"].pk
        ).status_code
        == 200
    )
    assert _get(client, world, "lead1", "audit").status_code == 403


def test_only_administrators_see_the_whole_audit_trail_and_admin(client, world):
    assert _get(client, world, "admin", "audit").status_code == 200
    for user in ("lead1", "insp1", "analyst", "qa_a"):
        assert _get(client, world, user, "audit").status_code == 403
        assert _get(client, world, user, "admin:index").status_code == 302  # admin's own login page


def test_inspector_cannot_download_case_data(client, world):
    for fmt in ("csv", "sav"):
        assert (
            _get(
                client,
                world,
                "insp1",
                "inspection-download",
                pk=world["inspections"]["I1"].pk,
                what="cases",
                fmt=fmt,
            ).status_code
            == 403
        )


def test_anonymous_users_are_sent_to_sign_in(client, world):
    pk = world["cases"]["A000001"].pk
    ipk = world["inspections"]["I1"].pk
    for url in [
        reverse("home"),
        reverse("my-cases"),
        reverse("case", kwargs={"pk": pk}),
        reverse("case-edit", kwargs={"pk": pk}),
        reverse("inspections"),
        reverse("inspection", kwargs={"pk": ipk}),
        reverse("inspection-download", kwargs={"pk": ipk, "what": "cases", "fmt": "csv"}),
        reverse("analysis"),
        reverse("audit"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), (
            url
        )


INSPECTION_URLS = [
    "inspection",
    "inspection-cases",
    "inspection-allocate",
    "inspection-import",
    "inspection-sample",
    "inspection-qa",
    "inspection-ratings",
    "inspection-analysis",
    "inspection-audit",
]
INSPECTION_POSTS = [
    "inspection-rating-decision",
    "inspection-sign-off",
    "inspection-allocate",
    "inspection-import",
    "inspection-sample",
]
CASE_URLS = ["case", "case-edit"]
CASE_POSTS = ["case-edit", "case-review", "case-second-marking", "case-replace"]


@pytest.mark.parametrize("user", ["lead2", "insp2", "qa_a", "qa_b"])
def test_every_inspection_url_refuses_outsiders(client, world, user):
    """I1 is led by lead1; insp2 has a case in it, so only the progress/cases pages are theirs."""
    c = login(client, world["users"][user])
    pk = world["inspections"]["I1"].pk
    for name in INSPECTION_URLS:
        status = c.get(reverse(name, kwargs={"pk": pk})).status_code
        if user == "insp2" and name in ("inspection", "inspection-cases"):
            assert status == 200, name  # their own cases in an inspection they work in
        else:
            assert status in (403, 404), (name, status)
    for name in INSPECTION_POSTS:
        assert c.post(reverse(name, kwargs={"pk": pk}), {}).status_code in (403, 404), name
    for what, fmt in [("cases", "csv"), ("cases", "dta"), ("tables", "xlsx")]:
        assert c.get(
            reverse("inspection-download", kwargs={"pk": pk, "what": what, "fmt": fmt})
        ).status_code in (403, 404)


@pytest.mark.parametrize("user", ["lead2", "insp2", "qa_a", "qa_b"])
def test_every_case_url_refuses_outsiders(client, world, user):
    c = login(client, world["users"][user])
    pk = world["cases"]["A000001"].pk  # I1, allocated to insp1
    for name in CASE_URLS:
        assert c.get(reverse(name, kwargs={"pk": pk})).status_code == 404, name
    for name in CASE_POSTS:
        assert c.post(reverse(name, kwargs={"pk": pk}), {"version": 1}).status_code == 404, name
    assert world["cases"]["A000001"].answers == {}
