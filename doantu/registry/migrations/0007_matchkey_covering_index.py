"""The blocking-key index covers the record id: a search's candidate look-up reads (kind, key, record_id) from the
index alone, never the table (issue 13). The new index is made before the old one is dropped, so look-ups always
have one; on a large registry this migration builds an index over every key (about a dozen per record)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_import_hash"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="matchkey",
            index=models.Index(fields=["kind", "key", "record_id"], name="matchkey_cover_idx"),
        ),
        migrations.RemoveIndex(
            model_name="matchkey",
            name="matchkey_lookup_idx",
        ),
    ]
