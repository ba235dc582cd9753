"""Near-duplicate provider names are refused by the database too.

If an existing database holds near-duplicates, this migration fails naming the key; merge
those providers first (docs/deployment.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("caseinspect", "0007_provider_name_key")]

    operations = [
        migrations.AlterField(
            model_name="provider",
            name="name_key",
            field=models.CharField(editable=False, max_length=200, unique=True),
        ),
    ]
