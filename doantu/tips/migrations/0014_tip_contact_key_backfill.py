"""Backfill ``Tip.contact_key`` (migration 0013) for the named tips stored before it: each decrypted once here,
2,000 per batch, each batch committed on its own (the migration is not atomic, so a table of a million tips is
neither held in one transaction nor in memory). Re-running it only fills the rows still empty."""

from django.db import migrations


def backfill(apps, schema_editor):
    from doantu.tips.contacts import rehash

    rehash(apps.get_model("tips", "Tip"), only_missing=True)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tips", "0013_tip_contact_key")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
