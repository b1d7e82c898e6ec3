# The home place's gazetteer codes kept with each martyr (issue 13): a search reads them instead of resolving the
# text again. The records already there get them here, in chunks; codes of an older resolver are never used (they
# carry its version), and ``rebuild_linkage_index`` writes them again after the resolver changes.

from django.db import migrations, models


def fill_home_codes(apps, schema_editor):
    from doantu.registry.matching import HOME_FIELDS, refresh_homes

    Martyr = apps.get_model("registry", "Martyr")
    rows = Martyr.objects.exclude(home_place="").only("pk", "home_place", *HOME_FIELDS)
    batch = []
    for m in rows.order_by("pk").iterator(chunk_size=5000):
        batch.append(m)
        if len(batch) == 5000:
            refresh_homes(batch, Martyr.objects.bulk_update)
            batch = []
    refresh_homes(batch, Martyr.objects.bulk_update)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_unread_indexes_dropped"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmartyr",
            name="home_codes",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="martyr",
            name="home_codes",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_home_codes, migrations.RunPython.noop, elidable=True),
    ]
