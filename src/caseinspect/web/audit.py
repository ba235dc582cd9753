"""Writing audit events. Every action calls :func:`record` inside its own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from .models import AuditEvent, Inspection


def record(
    actor,
    action: str,
    obj: Any = None,
    *,
    object_type: str | None = None,
    object_pk: Any = "",
    object_repr: str | None = None,
    inspection: Inspection | None = None,
    before: Mapping | None = None,
    after: Mapping | None = None,
) -> AuditEvent:
    """Append one audit event. Must run inside the caller's ``transaction.atomic`` block.

    ``actor`` is a user or ``None`` (the system, e.g. a command-line import without a user).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the action's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_pk = obj.pk
        object_repr = object_repr if object_repr is not None else str(obj)
        if inspection is None:
            inspection = obj if isinstance(obj, Inspection) else getattr(obj, "inspection", None)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_username=actor.get_username() if actor is not None and actor.is_authenticated else "",
        action=action,
        object_type=object_type or "",
        object_pk=str(object_pk or ""),
        object_repr=(object_repr or "")[:200],
        inspection=inspection if isinstance(inspection, Inspection) else None,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )


def diff(
    before: Mapping[str, Any], after: Mapping[str, Any], keys: Iterable[str] | None = None
) -> tuple[dict, dict]:
    """The changed keys only: ``(old values, new values)``; absent keys show as ``None``."""
    keys = set(keys) if keys is not None else set(before) | set(after)
    changed = sorted(k for k in keys if before.get(k) != after.get(k))
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}
