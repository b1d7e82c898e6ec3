"""The one way to write an audit entry. Callers are domain services, inside their own transaction, so the
change and its record commit together or not at all."""

from typing import Any

from django.db import models

from .models import AuditEntry

PUBLIC_ACTOR_LABEL = "Người dân (biểu mẫu công khai)"


def actor_label(actor) -> str:
    if actor is None:
        return PUBLIC_ACTOR_LABEL
    unit = getattr(actor, "unit", None)
    return f"{actor.display_name} ({unit.label})" if unit else actor.display_name


def _plain(value: Any) -> Any:
    """Store values as JSON-friendly, human-readable snapshots."""
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [from, to]}`` for the fields whose value changed."""
    return {k: [_plain(before.get(k)), _plain(after[k])] for k in after if before.get(k) != after[k]}


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    context: models.Model | None = None,
    changes: dict[str, list[Any]] | None = None,
    message: str = "",
    label: str = "",
) -> AuditEntry:
    """``label`` names an actor who has no account here (e.g. someone who failed to sign in); by default the
    actor's name and unit, or the public form's label when there is no actor."""
    context = context or obj
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=label or actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id="" if obj.pk is None else str(obj.pk),
        context_type=context._meta.label_lower,
        context_id="" if context.pk is None else str(context.pk),
        changes=changes or {},
        message=message,
    )
