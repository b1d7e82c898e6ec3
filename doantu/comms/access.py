"""Who may see and do what in the communication work: every decision of this app is made here and nowhere else.

Services and selectors call these helpers (``require`` raises PermissionDenied); views and the API never filter
by role themselves. The rules (issue 9, plan VIII):

- the service centre (TT DVTH, role ``channel``) runs the channels: creates items, edits them, submits them,
  publishes approved ones with evidence, enters reach, prepares the weekly loudspeaker script;
- the culture office (VH-XH, role ``campaign``) answers for the plan: approves or returns submitted items, may
  also create and publish, sets the ward's targets and runs the peaks' checklists;
- a residential group (``group_leader``) or a school (``school``) logs its own activities (meetings, flag
  ceremonies, extracurricular activities): creates, submits and records them as held with a photo; it reads the
  ward's calendar;
- leadership (ward) reads everything of its ward; the province reads its wards;
- the unit a peak checklist item is assigned to ticks it off with evidence;
- administrators do everything.

Nothing in this app is personal data of the public; what staff write is visible to every staff role of the ward.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from doantu.org.models import OrgUnit, Role, UnitKind

from .models import (
    ACTIVITY_KINDS,
    CalendarFeed,
    Channel,
    ChecklistItem,
    ContentItem,
    ContentStatus,
    Peak,
    Target,
)

EDITOR_ROLES = {Role.CHANNEL, Role.CAMPAIGN}
ACTIVITY_ROLES = {Role.GROUP_LEADER, Role.SCHOOL}
READER_ROLES = EDITOR_ROLES | ACTIVITY_ROLES | {Role.LEADERSHIP}


def require(allowed: bool, message: str = "Bạn không có quyền thực hiện việc này.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def ward_of(user) -> OrgUnit | None:
    return user.ward if _active(user) and user.unit_id else None


def wards_visible_to(user) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(kind=UnitKind.WARD)
    if not _active(user):
        return qs.none()
    if user.is_admin:
        return qs
    if user.role == Role.PROVINCE and user.unit_id:
        province = user.unit.nearest(UnitKind.PROVINCE)
        return qs.filter(path__startswith=province.path + "/") if province else qs.none()
    if user.role in READER_ROLES and (ward := ward_of(user)):
        return qs.filter(pk=ward.pk)
    return qs.none()


def can_view(user) -> bool:
    """May open the communication pages at all."""
    return wards_visible_to(user).exists()


def can_view_ward(user, ward: OrgUnit) -> bool:
    return wards_visible_to(user).filter(pk=ward.pk).exists()


def _in_ward(user, ward_id) -> bool:
    if not _active(user):
        return False
    if user.is_admin:
        return True
    ward = ward_of(user)
    return ward is not None and ward.pk == ward_id


# ------------------------------------------------------------------------------------------------ channels


def channels_visible_to(user) -> QuerySet[Channel]:
    return Channel.objects.filter(ward__in=wards_visible_to(user))


def can_manage_channels(user) -> bool:
    return _active(user) and (user.is_admin or user.role in EDITOR_ROLES)


# ------------------------------------------------------------------------------------------------- items


def items_visible_to(user) -> QuerySet[ContentItem]:
    return ContentItem.objects.filter(ward__in=wards_visible_to(user))


def can_view_item(user, item: ContentItem) -> bool:
    return can_view_ward(user, item.ward)


def can_create(user, *, kind: str | None = None, owner_unit: OrgUnit | None = None) -> bool:
    """Editors create anything in their ward; groups and schools only their own activities."""
    if not _active(user):
        return False
    if user.is_admin:
        return True
    if user.role in EDITOR_ROLES:
        return ward_of(user) is not None
    if user.role in ACTIVITY_ROLES:
        return (kind is None or kind in ACTIVITY_KINDS) and (
            owner_unit is None or owner_unit.pk == user.unit_id
        )
    return False


def _owns_activity(user, item: ContentItem) -> bool:
    return user.role in ACTIVITY_ROLES and item.kind in ACTIVITY_KINDS and item.owner_unit_id == user.unit_id


def can_edit(user, item: ContentItem) -> bool:
    """Edit the item's plan (title, kind, date, channels, files): before approval, or after being returned."""
    if item.status not in (ContentStatus.DRAFT, ContentStatus.SUBMITTED, ContentStatus.APPROVED):
        return False
    if not _in_ward(user, item.ward_id):
        return False
    if user.is_admin or user.role in EDITOR_ROLES:
        return True
    return _owns_activity(user, item) and item.status == ContentStatus.DRAFT


def can_submit(user, item: ContentItem) -> bool:
    return item.status == ContentStatus.DRAFT and can_edit(user, item)


def can_approve(user, item: ContentItem) -> bool:
    """The culture office approves or returns (plan VIII.1)."""
    if item.status != ContentStatus.SUBMITTED or not _in_ward(user, item.ward_id):
        return False
    return user.is_admin or user.role == Role.CAMPAIGN


def can_publish(user, item: ContentItem) -> bool:
    """Record an approved item as published (or an activity as held), with evidence."""
    if item.status != ContentStatus.APPROVED or not _in_ward(user, item.ward_id):
        return False
    return user.is_admin or user.role in EDITOR_ROLES or _owns_activity(user, item)


def can_withdraw(user, item: ContentItem) -> bool:
    if item.status == ContentStatus.WITHDRAWN or not _in_ward(user, item.ward_id):
        return False
    return user.is_admin or user.role in EDITOR_ROLES


def can_enter_reach(user, item: ContentItem) -> bool:
    if item.status != ContentStatus.PUBLISHED or not _in_ward(user, item.ward_id):
        return False
    return user.is_admin or user.role in EDITOR_ROLES or _owns_activity(user, item)


def can_import_reach(user) -> bool:
    return _active(user) and (user.is_admin or (user.role in EDITOR_ROLES and ward_of(user) is not None))


def can_make_script(user) -> bool:
    """Draft the weekly loudspeaker script (plan appendix II.1: the service centre runs the loudspeakers)."""
    return can_import_reach(user)


# ----------------------------------------------------------------------------------------- targets, peaks


def targets_visible_to(user) -> QuerySet[Target]:
    return Target.objects.filter(ward__in=wards_visible_to(user))


def can_manage_targets(user, ward: OrgUnit | None = None) -> bool:
    if not _active(user):
        return False
    if user.is_admin:
        return True
    return user.role == Role.CAMPAIGN and (ward is None or _in_ward(user, ward.pk))


def peaks_visible_to(user) -> QuerySet[Peak]:
    return Peak.objects.filter(ward__in=wards_visible_to(user))


def can_manage_peak(user, peak: Peak) -> bool:
    """Build the checklist from the template, add, reassign or remove its items."""
    return can_manage_targets(user, peak.ward)


def can_tick(user, entry: ChecklistItem) -> bool:
    """The unit the item is assigned to marks it done with evidence; the culture office may do it for anyone."""
    if not _in_ward(user, entry.peak.ward_id):
        return False
    if user.is_admin or user.role == Role.CAMPAIGN:
        return True
    return user.role in EDITOR_ROLES | ACTIVITY_ROLES and entry.unit_id == user.unit_id


# ---------------------------------------------------------------------------------------------- ICS feeds


def can_own_feed(user, unit: OrgUnit | None = None) -> bool:
    """A private calendar link of one's own items, or of one's own unit's."""
    if not can_view(user):
        return False
    return unit is None or user.is_admin or unit.pk == user.unit_id


def can_revoke_feed(user, feed: CalendarFeed) -> bool:
    return _active(user) and (user.is_admin or feed.user_id == user.pk)
