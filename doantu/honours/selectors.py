"""Reads of the commendations, each through ``honours.access``."""

from django.db.models import Count

from . import access, contributions
from .models import Achievement, Nomination, Status


def nominations(user, *, review: str | None = None, status: str | None = None):
    qs = access.nominations_visible_to(user).annotate(n_achievements=Count("achievements"))
    if review:
        qs = qs.filter(review=review)
    if status:
        qs = qs.filter(status=status)
    return qs


def achievements_shown(user, nomination: Nomination) -> list[Achievement]:
    """The nomination's achievements that may still be cited: a contribution whose source no longer allows it
    (a tipster who withdrew their consent, or became anonymous) is left out everywhere it would be shown."""
    if not access.can_view(user, nomination):
        return []
    shown = []
    for achievement in nomination.achievements.all():
        provider = contributions.PROVIDERS.get(achievement.source)
        if achievement.source != "manual" and (
            provider is None or not provider.still_citable(achievement.ref)
        ):
            continue
        shown.append(achievement)
    return shown


def counts(user) -> dict[str, int]:
    rows = nominations(user).order_by().values("status").annotate(n=Count("id"))
    out = {s.value: 0 for s in Status}
    out.update({r["status"]: r["n"] for r in rows})
    return out
