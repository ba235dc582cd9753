"""In-app user administration, providers with unique names, and audit-trail filters
(issue #14)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from caseinspect.errors import ValidationError
from caseinspect.web.models import AuditEvent, Provider

from .conftest import PASSWORD, login
from .factories import case_frame

pytestmark = pytest.mark.django_db


def test_administrator_creates_a_provider_qa_user_in_one_step(client, world):
    c = login(client, world["users"]["admin"])
    response = c.post(
        reverse("users"),
        {
            "action": "create-user",
            "new-username": "qa-a-07",
            "new-role": "provider_qa",
            "new-provider": world["providers"]["A"].pk,
            "new-password": "tidal-basin-marker-91",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="qa-a-07")
    assert user.account.role == "provider_qa" and user.account.provider.name == "Provider A"
    assert AuditEvent.objects.filter(action="create", object_type="user", object_pk=str(user.pk))


def test_user_form_errors_are_plain_words_not_constraint_names(client, world):
    c = login(client, world["users"]["admin"])
    response = c.post(
        reverse("users"),
        {
            "action": "create-user",
            "new-username": "qa-x",
            "new-role": "provider_qa",
            "new-password": "short",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "a provider QA user needs" in html and "too short" in html
    assert "Constraint" not in html and "account_provider_iff" not in html
    assert not get_user_model().objects.filter(username="qa-x").exists()


def test_deactivate_never_delete_and_reset_password(client, world):
    c = login(client, world["users"]["admin"])
    target = world["users"]["insp2"]
    url = reverse("user", kwargs={"pk": target.pk})
    page = c.get(url).content.decode()
    assert "Deactivate insp2" in page and "Delete" not in page
    assert c.post(url, {"action": "deactivate"}).status_code == 302
    target.refresh_from_db()
    assert not target.is_active and get_user_model().objects.filter(pk=target.pk).exists()
    assert (
        c.post(url, {"action": "password", "pw-password": "new-harbour-lamp-63"}).status_code == 302
    )
    target.refresh_from_db()
    assert target.check_password("new-harbour-lamp-63")
    events = AuditEvent.objects.filter(object_type="user", object_pk=str(target.pk))
    assert {"deactivate", "change-password"} <= set(events.values_list("action", flat=True))
    assert "new-harbour-lamp-63" not in str(list(events.values_list("before", "after")))


def test_only_administrators_manage_users_and_the_django_admin_is_for_superusers(client, world):
    assert login(client, world["users"]["lead1"]).get(reverse("users")).status_code == 403
    admin = login(client.__class__(), world["users"]["admin"])
    admin_user = world["users"]["admin"]
    admin_user.is_superuser = False
    admin_user.save()
    assert admin.get("/admin/").status_code == 302  # to the admin login: not for them
    root = get_user_model().objects.create_superuser("root-02", password=PASSWORD)
    assert login(client.__class__(), root).get("/admin/").status_code == 200


def test_a_user_without_a_role_is_told_why(client, world):
    bare = get_user_model().objects.create_user("nobody-1", password=PASSWORD)
    response = login(client, bare).get("/")
    assert response.status_code == 403
    assert "no role yet" in response.content.decode()


def test_near_duplicate_providers_are_refused(client, world, fw):
    from caseinspect.web.actions.users import create_provider
    from caseinspect.web.store import import_cases

    create_provider(None, "NPS South West and South Central", "NPS")
    with pytest.raises(ValidationError, match="same provider as ‘NPS South West and South"):
        create_provider(None, "NPS South West South Central", "NPS")
    frame = case_frame(fw, 3, inspections=1, prefix="N")
    frame["inspection_id"], frame["provider"], frame["provider_type"] = (
        "NPS-SWSC",
        "NPS  south west & south central",
        "NPS",
    )
    with pytest.raises(ValidationError) as info:
        import_cases(frame, fw, source="n.csv")
    assert [p.rule for p in info.value.problems] == ["provider-near-duplicate"]
    assert "looks like the provider 'NPS South West and South Central'" in str(
        info.value.problems[0]
    )
    assert Provider.objects.filter(name__icontains="south west").count() == 1


def test_audit_trail_filters(client, world):
    from caseinspect.web.actions.inspections import allocate_cases

    case = world["cases"]["A000003"]
    allocate_cases(world["users"]["lead1"], case.inspection, {case.pk: world["users"]["insp1"]})
    c = login(client, world["users"]["admin"])
    html = c.get(reverse("audit"), {"case": "A000003"}).content.decode()
    assert "allocated_to: insp1" in html and "A000001" not in html
    html = c.get(reverse("audit"), {"user": "lead2"}).content.decode()
    assert "lead2" in html and "A000003" not in html
    html = c.get(reverse("audit"), {"inspection": "I2", "action": "allocate"}).content.decode()
    assert "B000001" in html and "A000001" not in html
    assert "Nothing recorded" in c.get(reverse("audit"), {"date_to": "2000-01-01"}).content.decode()
    assert "A000003" in c.get(reverse("audit"), {"date_from": "2000-01-01"}).content.decode()
    bad = c.get(reverse("audit"), {"date_from": "31/03/2019"})
    assert bad.status_code == 400 and "enter a date as YYYY-MM-DD" in bad.content.decode()
