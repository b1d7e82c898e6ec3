"""Background work for the registry (run by the task worker; thin: each calls one service)."""

from django.tasks import task

from . import services


@task
def run_import(batch_id: int, apply: bool, actor_id: int | None = None) -> int:
    return services.import_run(batch_id=batch_id, apply=apply, actor_id=actor_id).processed_rows


@task
def find_duplicates(actor_id: int | None = None) -> int:
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.get(pk=actor_id) if actor_id is not None else None
    return services.duplicates_find(actor=actor)
