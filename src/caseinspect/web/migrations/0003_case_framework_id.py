"""Cases carry their inspection's framework, so that the database can enforce "a case id
is stored once per framework" (migration 0004), the rule the import already applied in
the application only (issue #13, item 1)."""

from django.db import migrations, models


def copy_framework(apps, schema_editor):
    Case = apps.get_model("caseinspect", "Case")
    Inspection = apps.get_model("caseinspect", "Inspection")
    for pk, framework_id in Inspection.objects.values_list("pk", "framework_id"):
        Case.objects.filter(inspection_id=pk).update(framework_id=framework_id)


class Migration(migrations.Migration):
    dependencies = [("caseinspect", "0002_audit_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="framework_id",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.RunPython(copy_framework, migrations.RunPython.noop),
    ]
