"""Relatives and witnesses belong to the unit that recorded them (need to know); existing relatives go to their
martyr's unit (the province), which only provincial staff see, until a ward takes them over."""

import django.db.models.deletion
from django.db import migrations, models


def owner_from_martyr(apps, schema_editor):
    Relative = apps.get_model("registry", "Relative")
    for relative in Relative.objects.filter(owner__isnull=True).select_related("martyr"):
        relative.owner_id = relative.martyr.owner_id
        relative.save(update_fields=["owner"])


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_unit_map_center"),
        ("registry", "0002_import_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="relative",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.orgunit",
            ),
        ),
        migrations.RunPython(owner_from_martyr, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="relative",
            name="owner",
            field=models.ForeignKey(
                help_text="Phường/xã (hoặc tỉnh) đã ghi nhận: chỉ cán bộ ở đó thấy thông tin người này",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.orgunit",
                verbose_name="đơn vị ghi nhận",
            ),
        ),
        migrations.AlterField(
            model_name="witness",
            name="owner",
            field=models.ForeignKey(
                help_text="Phường/xã (hoặc tỉnh) đã ghi nhận: chỉ cán bộ ở đó thấy thông tin người này",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.orgunit",
                verbose_name="đơn vị ghi nhận",
            ),
        ),
    ]
