"""Background work for notifications (run by the task worker)."""

import datetime as dt

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from . import services


@task
def deliver(ids: list[int]) -> int:
    """Send immediate deliveries (queued after the transaction that made them committed)."""
    return services.deliveries_send(ids=ids)


@task
def notify_tipster(tip_id: int, status: str) -> str:
    return services.tipster_notify(tip_id=tip_id, status=status)


@task
def send_receipt(tip_id: int, url: str, channel_name: str) -> str:
    """The receipt, by the channel the person chose on the receipt page (queued: a gateway may be slow)."""
    return services.receipt_send(tip_id=tip_id, url=url, channel_name=channel_name)


def run_daily() -> dict:
    """Overdue forwards first (so that they are in today's digest), then the digests."""
    overdue = services.notify_overdue_forwards()
    return {"overdue_forwards": overdue, "digests": services.digests_send()}


@task
def daily() -> dict:
    """The daily round, then queue the next one."""
    try:
        return run_daily()
    finally:
        schedule_daily()


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next NOTIFY_DAILY_HOUR o'clock, local time, strictly after ``now``."""
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=settings.NOTIFY_DAILY_HOUR, minute=0, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


def schedule_daily() -> bool:
    """Queue the next daily round unless one is already waiting (as ``tips.tasks.schedule_sweep``); returns
    whether it did. ``manage.py notify_daily --schedule`` starts the chain."""
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
