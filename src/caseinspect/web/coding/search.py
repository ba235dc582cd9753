"""Full-text search over the library's documents, one interface for both databases.

:func:`search_documents` takes the words a person typed and the filters, and returns the
matching :class:`~.models.SearchDocument` rows, best first. On SQLite it asks the FTS5
table ``coding_fts`` (``bm25`` rank, Porter stemming); on PostgreSQL it uses
``to_tsvector('english', text) @@ websearch_to_tsquery('english', ...)`` with ``ts_rank``,
the expression the GIN index of migration 0002 is built on. Any other database falls back
to matching every word with ``icontains``. The words are passed as parameters, never
spliced into SQL; for FTS5 each is quoted so its query syntax cannot be injected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import SearchDocument

__all__ = ["Filters", "search_documents", "terms_of", "backend_name"]

_TERM = re.compile(r"\w+", re.UNICODE)
_MAX_MATCHES = 5000


@dataclass(frozen=True)
class Filters:
    """What the library page can filter on (empty string: no filter)."""

    framework_id: str = ""
    kind: str = ""  # "good" / "poor" (practice notes only), "rationale", or "practice"
    need: str = ""  # an item code of a need, e.g. "need_accommodation"
    strength: str = ""
    provider_type: str = ""


def terms_of(query: str) -> list[str]:
    """The words of a query, as searched (letters and digits; everything else dropped)."""
    return _TERM.findall(query or "")


def _engine() -> str:
    """``fts5``, ``postgresql`` or ``words`` (an SQLite built without FTS5, other databases)."""
    if connection.vendor == "postgresql":
        return "postgresql"
    if connection.vendor == "sqlite" and "coding_fts" in connection.introspection.table_names():
        return "fts5"
    return "words"


def backend_name() -> str:
    """Which full-text engine this database uses (shown on the library page)."""
    return {
        "fts5": "SQLite FTS5",
        "postgresql": "PostgreSQL full-text search",
        "words": "word matching",
    }[_engine()]


def _filtered(filters: Filters) -> QuerySet[SearchDocument]:
    qs = SearchDocument.objects.select_related("case", "case__inspection")
    if filters.framework_id:
        qs = qs.filter(framework_id=filters.framework_id)
    if filters.kind in ("good", "poor"):
        qs = qs.filter(practice_kind=filters.kind)
    elif filters.kind == "practice":
        qs = qs.exclude(practice_kind="")
    elif filters.kind == "rationale":
        qs = qs.filter(practice_kind="")
    if filters.provider_type:
        qs = qs.filter(provider_type=filters.provider_type)
    # Space-delimited lists: match a whole code, not a prefix of a longer one.
    if filters.need:
        qs = qs.filter(needs__contains=f" {filters.need} ")
    if filters.strength:
        qs = qs.filter(strengths__contains=f" {filters.strength} ")
    return qs


def search_documents(query: str, filters: Filters, *, limit: int = 200) -> list[SearchDocument]:
    """Documents matching every word of ``query`` (all documents if it has none), best first."""
    qs = _filtered(filters)
    terms = terms_of(query)
    if not terms:
        return list(qs.order_by("framework_id", "case__case_id", "item")[:limit])
    engine = _engine()
    if engine == "fts5":
        match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM coding_fts WHERE coding_fts MATCH %s ORDER BY rank LIMIT %s",
                [match, _MAX_MATCHES],
            )
            ranked = [row[0] for row in cursor.fetchall()]
        order = {pk: i for i, pk in enumerate(ranked)}
        found = list(qs.filter(pk__in=ranked))
        found.sort(key=lambda d: order[d.pk])
        return found[:limit]
    if engine == "postgresql":
        words = " ".join(terms)
        vector = "to_tsvector('english', coding_searchdocument.text)"
        tsquery = "websearch_to_tsquery('english', %s)"
        return list(
            qs.annotate(rank=RawSQL(f"ts_rank({vector}, {tsquery})", [words]))  # noqa: S611
            .extra(where=[f"{vector} @@ {tsquery}"], params=[words])  # noqa: S610
            .order_by("-rank", "case__case_id", "item")[:limit]
        )
    condition = Q()
    for term in terms:
        condition &= Q(text__icontains=term)
    return list(qs.filter(condition).order_by("case__case_id", "item")[:limit])
