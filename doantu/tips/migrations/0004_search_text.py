from django.db import migrations, models, transaction

from doantu.tips.search import SEARCH_FIELDS, search_text_of


def fill_search_text(apps, schema_editor):
    """Existing tips get their search column (new writes keep it current through ``Tip.save``)."""
    Tip = apps.get_model("tips", "Tip")
    batch = []
    for tip in Tip.objects.only("pk", *SEARCH_FIELDS).iterator(chunk_size=2000):
        tip.search_text = search_text_of({f: getattr(tip, f) for f in SEARCH_FIELDS})
        batch.append(tip)
        if len(batch) >= 2000:
            Tip.objects.bulk_update(batch, ["search_text"])
            batch.clear()
    if batch:
        Tip.objects.bulk_update(batch, ["search_text"])


def trigram_index(apps, schema_editor):
    """PostgreSQL only: a GIN trigram index serving ``search_text LIKE '%word%'``. ``CREATE EXTENSION pg_trgm``
    needs a role allowed to create it (a superuser, or the database owner on PostgreSQL 13+ since pg_trgm is a
    trusted extension); if it cannot be created, say so and go on without: a B-tree cannot serve a substring
    match (and would refuse long accounts), so search then scans the viewer's tips (see bench/inbox_search.py)."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # noqa: BLE001 - any refusal means: no trigram index here
            print(f"\n  pg_trgm unavailable ({exc}); inbox search runs without a trigram index.")
            return
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS tip_search_trgm_idx ON tips_tip USING gin (search_text gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS tip_search_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("tips", "0003_submission_key_per_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="tip",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_index),
    ]
