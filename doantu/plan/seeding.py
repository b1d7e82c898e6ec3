"""The plan register's seed step: ``seed_ward`` loads the ward's plan workbook named by ``plan_file`` in the
ward's seed file (``org.seed.ward_seeded``)."""

from django.core.management.base import CommandError


def on_ward_seeded(sender, *, ward, spec, base_dir, **kwargs):
    name = spec.get("plan_file")
    if not name:
        return
    from .services import PlanError, plan_import

    path = base_dir / name
    if not path.exists():
        raise CommandError(f"Không thấy tệp kế hoạch {path}")
    try:
        with path.open("rb") as f:
            plan_import(actor=None, ward=ward, file=f, name=path.name)
    except PlanError as exc:
        raise CommandError(f"Tệp kế hoạch {path.name} có lỗi:\n" + "\n".join(exc.problems)) from None
