# Issue 8, step 3 of 3: the single kind and the martyr fields now live in Tip.kinds and TipMartyr.

from django.db import migrations

OLD = ("name", "alias", "birth_year", "home_place", "unit", "death_date", "death_place", "burial_place")


class Migration(migrations.Migration):
    dependencies = [
        ("tips", "0009_kinds_and_named_martyrs_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="tip", name="kind"),
        *(migrations.RemoveField(model_name="tip", name=f"martyr_{f}") for f in OLD),
    ]
