"""Full-text search on the library's documents: SQLite FTS5 or a PostgreSQL GIN index.

SQLite: an external-content FTS5 table ``coding_fts`` over ``coding_searchdocument.text``
(Porter stemming, Unicode tokens), kept in step by triggers. PostgreSQL: a GIN index on
``to_tsvector('english', text)``, which ``search.search_documents`` queries with the same
expression so the index is used.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE coding_fts USING fts5("
    "text, content='coding_searchdocument', content_rowid='id', "
    "tokenize='porter unicode61')",
    "CREATE TRIGGER coding_fts_ai AFTER INSERT ON coding_searchdocument BEGIN "
    "INSERT INTO coding_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER coding_fts_ad AFTER DELETE ON coding_searchdocument BEGIN "
    "INSERT INTO coding_fts(coding_fts, rowid, text) VALUES('delete', old.id, old.text); END",
    "CREATE TRIGGER coding_fts_au AFTER UPDATE ON coding_searchdocument BEGIN "
    "INSERT INTO coding_fts(coding_fts, rowid, text) VALUES('delete', old.id, old.text); "
    "INSERT INTO coding_fts(rowid, text) VALUES (new.id, new.text); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS coding_fts_ai",
    "DROP TRIGGER IF EXISTS coding_fts_ad",
    "DROP TRIGGER IF EXISTS coding_fts_au",
    "DROP TABLE IF EXISTS coding_fts",
]
POSTGRES = [
    "CREATE INDEX coding_searchdocument_fts ON coding_searchdocument "
    "USING GIN (to_tsvector('english', text))"
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS coding_searchdocument_fts"]


def _fts5_available(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        return any("FTS5" in row[0] for row in cursor.fetchall())


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite" and not _fts5_available(schema_editor.connection):
            # An SQLite built without FTS5: the library falls back to word matching
            # (search.backend_name() says so on the page).
            return
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("coding", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
