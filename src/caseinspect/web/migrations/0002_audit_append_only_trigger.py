"""On PostgreSQL, a trigger refuses UPDATE and DELETE on the audit table, so the trail stays
append-only even for someone with a database shell and the application's credentials.
(The model and admin refuse too; SQLite relies on those.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION caseinspect_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'caseinspect audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS caseinspect_audit_append_only ON caseinspect_auditevent;
CREATE TRIGGER caseinspect_audit_append_only
    BEFORE UPDATE OR DELETE ON caseinspect_auditevent
    FOR EACH ROW EXECUTE FUNCTION caseinspect_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS caseinspect_audit_append_only ON caseinspect_auditevent;
DROP FUNCTION IF EXISTS caseinspect_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:  # no parameters: '%' is plpgsql's
            cursor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("caseinspect", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
