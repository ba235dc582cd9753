"""Providers get a normalised name key, so near-duplicate names ("... South Central" /
"... and South Central") are one provider (filled here, made unique in 0008)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from caseinspect.web.models._people import provider_key

    Provider = apps.get_model("caseinspect", "Provider")
    for provider in Provider.objects.all():
        provider.name_key = provider_key(provider.name) or f"#{provider.pk}"
        provider.save(update_fields=["name_key"])


class Migration(migrations.Migration):
    dependencies = [("caseinspect", "0006_fieldwork_start_and_rounds")]

    operations = [
        migrations.AddField(
            model_name="provider",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=200),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
