"""Background work for the tips (run by the task worker)."""

import datetime as dt

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from . import sweep


@task
def sweep_orphans() -> dict:
    """Remove files a crash left behind (see ``tips.sweep``), then queue the next sweep."""
    try:
        return sweep.sweep_orphans().as_dict()
    finally:
        schedule_sweep(after=dt.timedelta(hours=settings.ORPHAN_SWEEP_INTERVAL_HOURS))


def schedule_sweep(*, after: dt.timedelta = dt.timedelta(0)) -> bool:
    """Queue the periodic sweep unless one is already waiting; returns whether it did.

    The sweep re-queues itself each time it runs; ``manage.py sweep_orphans --schedule`` starts the chain
    (``./run`` does it at setup; in production, once after the first ``migrate``). Not on ``migrate`` itself:
    a freshly migrated database must stay empty for ``manage.py restore``. Only a queue that can run a task
    later (the database queue of django-tasks-db) keeps such a chain; with another one, nothing is queued."""
    backend = sweep_orphans.get_backend()
    if not backend.supports_defer:
        return False
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=sweep_orphans.module_path
        )
        if waiting.exists():
            return False
    sweep_orphans.using(run_after=timezone.now() + after).enqueue()
    return True
