"""Background work for the registry (run by the task worker; thin: each calls one service)."""

from django.tasks import task

from . import services


@task
def run_import(batch_id: int, apply: bool, actor_id: int | None = None) -> int:
    return services.import_run(batch_id=batch_id, apply=apply, actor_id=actor_id).processed_rows


@task
def find_duplicates() -> int:
    return services.duplicates_find()
