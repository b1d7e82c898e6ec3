from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "doantu.plan"
    label = "plan"
    verbose_name = "Kế hoạch và tiến độ"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from doantu.org.seed import ward_seeded

        from . import seeding

        ward_seeded.connect(seeding.on_ward_seeded, dispatch_uid="plan-seed")
