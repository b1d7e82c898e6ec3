"""The shared cache's table (doantu.cache.DatabaseCache, the default cache when REDIS_URL is unset).

Created here, by name, whatever CACHES says at migrate time, so `migrate` (./run, production) and the test
database always have it; switching from Redis back to the database cache needs no extra step."""

from django.core.management import call_command
from django.db import migrations

TABLE = "doantu_cache"


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("tips", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
