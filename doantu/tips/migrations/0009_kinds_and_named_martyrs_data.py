# Issue 8, step 2 of 3: each existing tip's single kind becomes its list of kinds, and its martyr fields (if any
# was filled) its first named martyr. Reversible: the first kind and the first named martyr go back.
# A migration of its own: on PostgreSQL, rows written here must be committed before step 3 alters the table.

from django.db import migrations

OLD = ("name", "alias", "birth_year", "home_place", "unit", "death_date", "death_place", "burial_place")


def forwards(apps, schema_editor):
    Tip = apps.get_model("tips", "Tip")
    TipMartyr = apps.get_model("tips", "TipMartyr")
    tips, named = [], []
    for tip in Tip.objects.only("pk", "kind", *(f"martyr_{f}" for f in OLD)).iterator(chunk_size=2000):
        tip.kinds = [tip.kind] if tip.kind else []
        tips.append(tip)
        values = {f: getattr(tip, f"martyr_{f}") or "" for f in OLD}
        if any(v.strip() for v in values.values()):
            named.append(TipMartyr(tip_id=tip.pk, position=1, **values))
        if len(tips) >= 2000:
            Tip.objects.bulk_update(tips, ["kinds"])
            TipMartyr.objects.bulk_create(named)
            tips, named = [], []
    Tip.objects.bulk_update(tips, ["kinds"])
    TipMartyr.objects.bulk_create(named)


def backwards(apps, schema_editor):
    Tip = apps.get_model("tips", "Tip")
    TipMartyr = apps.get_model("tips", "TipMartyr")
    first = {}
    for m in TipMartyr.objects.order_by("tip_id", "position", "id"):
        first.setdefault(m.tip_id, m)
    for tip in Tip.objects.all().iterator(chunk_size=2000):
        tip.kind = (tip.kinds or ["other"])[0]
        m = first.get(tip.pk)
        for f in OLD:
            setattr(tip, f"martyr_{f}", getattr(m, f) if m else "")
        tip.save(update_fields=["kind", *(f"martyr_{f}" for f in OLD)])


class Migration(migrations.Migration):
    dependencies = [
        ("tips", "0008_kinds_and_named_martyrs"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
