"""The audit trail is append-only: the model, the queryset, the admin and (on PostgreSQL)
the database refuse changes and deletions."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from caseinspect.web.models import AppendOnlyError, AuditEvent

from .conftest import login

pytestmark = pytest.mark.django_db


def test_audit_rows_cannot_be_changed_or_deleted(world):
    event = AuditEvent.objects.first()
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action != "tampered"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_database_trigger_refuses_raw_updates(world):
    from django.db.utils import DatabaseError

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE caseinspect_auditevent SET action = 'x'")


def test_admin_cannot_add_change_or_delete_audit_events(world):
    request = RequestFactory().get("/admin/")
    request.user = world["users"]["admin"]
    model_admin = site._registry[AuditEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    from caseinspect.web import audit

    with pytest.raises(RuntimeError):
        audit.record(None, "x")


def test_failed_action_leaves_no_audit_row(world, fw):
    from caseinspect.web.actions.cases import CaseInput, EditConflict, save_case

    case = world["cases"]["A000001"]
    before = AuditEvent.objects.count()
    with pytest.raises(EditConflict):
        save_case(
            world["users"]["insp1"],
            case,
            CaseInput(answers={"need_ete": "yes"}),
            fw,
            base_version=case.version - 1,  # stale: someone saved in between
        )
    assert AuditEvent.objects.count() == before


def test_audit_pages_show_who_what_before_and_after(client, world):
    case = world["cases"]["A000001"]
    c = login(client, world["users"]["insp1"])
    c.post(
        reverse("case-edit", kwargs={"pk": case.pk}),
        {"version": case.version, "action": "save", "answer__need_ete": "yes"},
    )
    page = login(client, world["users"]["lead1"]).get(
        reverse("inspection-audit", kwargs={"pk": case.inspection_id})
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "insp1" in html and "answer.need_ete: yes" in html and "status: allocated" in html
    page = login(client, world["users"]["admin"]).get(reverse("audit") + "?action=allocate")
    assert "allocated_to: insp1" in page.content.decode()
