# The home place's gazetteer codes kept with each martyr (issue 13): a search reads them instead of resolving the
# text again. Codes of an older resolver are never used (they carry its version); a record without codes is
# resolved when searched, as before, so the codes only save time.
#
# The records already there get them here when there are at most matching.HOMES_REFRESHED_BY_MIGRATE of them. A
# larger registry is not held up by the migration (measured: ~8 minutes at 1,000,000 records on PostgreSQL):
# ``manage.py refresh_home_places`` fills them, chunk by chunk, while the system serves.

from django.db import migrations, models


def fill_home_codes(apps, schema_editor):
    from doantu.registry.matching import refresh_homes_when_few

    refresh_homes_when_few(apps.get_model("registry", "Martyr"), only_stale=False)


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
