"""The plan register's daily round (run by the task worker): reminders of what agencies owe."""

import datetime as dt

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from . import services


@task
def daily() -> int:
    """The reminders, then queue the next round."""
    try:
        return services.reminders_send()
    finally:
        schedule_daily()


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """An hour before the notifications' daily round (NOTIFY_DAILY_HOUR), so that today's reminders are in
    today's digest."""
    now = timezone.localtime(now or timezone.now())
    hour = (settings.NOTIFY_DAILY_HOUR - 1) % 24
    at = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


def schedule_daily() -> bool:
    """Queue the next round unless one is waiting (as ``notify.tasks.schedule_daily``)."""
    backend = daily.get_backend()
    if not backend.supports_defer:
        return False
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        if DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=daily.module_path).exists():
            return False
    daily.using(run_after=next_run()).enqueue()
    return True
