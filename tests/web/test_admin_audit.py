"""Changes made through the admin site reach the audit trail, passwords never recorded."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from caseinspect.web.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-passphrase-42"


def test_deactivating_a_user_in_the_admin_is_audited(client):
    User = get_user_model()
    admin_user = User.objects.create_superuser("root-01", password=PASSWORD)
    target = User.objects.create_user("insp-77", password=PASSWORD)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/auth/user/{target.pk}/change/",
        {
            "username": "insp-77",
            "is_active": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302  # saved and redirected
    target.refresh_from_db()
    assert not target.is_active
    event = AuditEvent.objects.get(object_type="user", action="change")
    assert event.before["is_active"] == "True" and event.after["is_active"] == "False"
    assert "password" not in event.after or event.after["password"] in ("changed", "unchanged")
    assert PASSWORD not in str(event.before) + str(event.after)
