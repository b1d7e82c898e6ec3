# Issue 8: a tip may be of several kinds and name several martyrs. Step 1 of 3: the new shapes, beside the old.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tips", "0007_merge_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="tip",
            name="kinds",
            field=models.JSONField(blank=True, default=list, verbose_name="loại thông tin"),
        ),
        migrations.CreateModel(
            name="TipMartyr",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=1, verbose_name="thứ tự")),
                ("name", models.CharField(blank=True, max_length=200, verbose_name="họ tên liệt sĩ")),
                ("alias", models.CharField(blank=True, max_length=200, verbose_name="bí danh")),
                ("birth_year", models.CharField(blank=True, max_length=20, verbose_name="năm sinh")),
                ("home_place", models.CharField(blank=True, max_length=300, verbose_name="quê quán")),
                ("unit", models.CharField(blank=True, max_length=200, verbose_name="đơn vị")),
                (
                    "enlistment_year",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="năm nhập ngũ"),
                ),
                ("death_date", models.CharField(blank=True, max_length=40, verbose_name="ngày hy sinh")),
                ("death_place", models.CharField(blank=True, max_length=300, verbose_name="nơi hy sinh")),
                ("burial_place", models.CharField(blank=True, max_length=300, verbose_name="nơi an táng")),
                (
                    "tip",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="martyrs", to="tips.tip"
                    ),
                ),
            ],
            options={
                "verbose_name": "liệt sĩ được nêu trong thông tin",
                "verbose_name_plural": "liệt sĩ được nêu trong thông tin",
                "ordering": ["tip", "position", "id"],
            },
        ),
    ]
