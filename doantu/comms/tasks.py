"""Background work of the communication work: the daily look at the targets (run by the task worker)."""

import datetime as dt

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from . import services


@task
def daily_targets() -> int:
    """Warn the owners of targets that are behind (from their warning day), then queue the next round."""
    try:
        return services.targets_warn()
    finally:
        schedule_daily()


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next NOTIFY_DAILY_HOUR o'clock, local time, strictly after ``now`` (with the notifications' round)."""
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=settings.NOTIFY_DAILY_HOUR, minute=0, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


def schedule_daily() -> bool:
    """Queue the next round unless one is already waiting (as ``notify.tasks.schedule_daily``)."""
    backend = daily_targets.get_backend()
    if not backend.supports_defer:
        return False
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=daily_targets.module_path
        )
        if waiting.exists():
            return False
    daily_targets.using(run_after=next_run()).enqueue()
    return True
