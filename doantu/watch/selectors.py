"""Reads of the watch, each through ``watch.access``."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from doantu.audit import labels
from doantu.audit.models import AuditEntry

from . import access, links
from .models import Action, ActionKind, ActionStatus, Entry


def campaign_so_far(ward):
    """The ward's campaign from its start to today (the period of the watch page's figures)."""
    from doantu.campaign.models import Campaign
    from doantu.indicators import Period

    today = timezone.localdate()
    campaign = Campaign.objects.filter(unit=ward).order_by("starts").first()
    start = campaign.starts if campaign and campaign.starts <= today else today.replace(month=1, day=1)
    return Period.custom(start, today)


def entries(user, *, status: str | None = None):
    qs = access.entries_visible_to(user).prefetch_related("actions")
    if status:
        qs = qs.filter(status=status)
    return qs


def entry(user, pk: int) -> Entry:
    found = access.entries_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied("Không tìm thấy hoặc bạn không có quyền xem.")
    return found


def content_link(action: Action, user) -> links.ContentLink | None:
    if not action.content_ref or not access.can_view(user, action.entry):
        return None
    try:
        return links.resolve(action.content_ref, actor=user, ward=action.entry.ward)
    except Exception:  # noqa: BLE001 - a reference the owning app no longer resolves is shown as text
        return None


def on_public_page(action: Action, user) -> links.ContentLink | None:
    """The rebuttal's item as the public campaign page shows it, or None: what anyone may know, shown to every
    reader of the entry (also those who may not open the item in the communications app)."""
    if not action.content_ref or not access.can_view(user, action.entry):
        return None
    try:
        return links.on_public_page(action.content_ref, ward=action.entry.ward)
    except Exception:  # noqa: BLE001 - a reference the owning app no longer resolves is not on the page
        return None


def timeline(entry: Entry, user) -> list[dict]:
    """The entry's audit trail in words (everyone who sees the entry reads all of it: the watch has no finer
    need-to-know than the entry itself)."""
    if not access.can_view(user, entry):
        return []
    return [
        {
            "at": e.at,
            "actor": e.actor_label,
            "action": labels.action_label(e.action),
            "changes": [labels.change_row(e.object_type, f, b, a) for f, (b, a) in e.changes.items()],
            "message": e.message,
        }
        for e in AuditEntry.objects.for_context(entry).order_by("at", "id")
    ]


def published_rebuttals(ward, *, limit: int = 20):
    """The ward's published rebuttals, for the public campaign page (the rebuttal's own words and where it was
    published; never the entry's claim, link, evidence or who found it)."""
    return (
        Action.objects.filter(entry__ward=ward, kind=ActionKind.REBUTTAL, status=ActionStatus.PUBLISHED)
        .order_by("-published_at")
        .values("description", "published_url", "content_ref", "published_at")[:limit]
    )
