"""The audit trail: append-only, enforced here, in the admin, and (on PostgreSQL) by a
database trigger (see migration 0002)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ...errors import CaseinspectError
from ._inspection import Inspection


class AppendOnlyError(CaseinspectError):
    """Raised on any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only: they cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit events are append-only: they cannot be deleted")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only: they cannot be updated")


class AuditEvent(models.Model):
    """Who did what to which object, when, with the values before and after.

    Write these only through :func:`caseinspect.web.audit.record` inside the action's
    transaction, so a change and its audit row commit (or roll back) together.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60)
    object_pk = models.CharField(max_length=60, blank=True, default="")
    object_repr = models.CharField(max_length=200, blank=True, default="")
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_pk"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or 'system'} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only: they cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only: they cannot be deleted")
