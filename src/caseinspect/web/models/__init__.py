"""Database models: who (Provider, Account), what is inspected (Inspection, Case),
how it came in (ImportBatch), and what happened (AuditEvent, append-only)."""

from ._audit import AppendOnlyError, AuditEvent, AuditEventQuerySet
from ._case import Case
from ._inspection import ImportBatch, Inspection, RatingDecision, Round
from ._people import Account, Provider, Role

__all__ = [
    "Account",
    "AppendOnlyError",
    "AuditEvent",
    "AuditEventQuerySet",
    "Case",
    "ImportBatch",
    "Inspection",
    "Provider",
    "RatingDecision",
    "Role",
    "Round",
]
