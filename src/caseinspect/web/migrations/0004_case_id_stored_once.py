"""The database refuses a second stored case with the same case id under one framework
(second markings, which are copies of a case, excepted). Separate from 0003 so that the
data copy and the new index are in different transactions on PostgreSQL."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("caseinspect", "0003_case_framework_id")]

    operations = [
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(
                condition=models.Q(("second_marking_of__isnull", True)),
                fields=("framework_id", "case_id"),
                name="case_id_stored_once_per_framework",
            ),
        ),
    ]
