from django.tasks import task
from django.utils import timezone


@task(priority=100)  # ahead of long jobs in the queue: it measures whether the worker runs, not the backlog
def heartbeat() -> str:
    """Enqueued by /healthz; its finishing shows a task worker is running (see doantu.web.health)."""
    return timezone.now().isoformat()
