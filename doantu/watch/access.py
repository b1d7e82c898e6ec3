"""Who may see and do what in the misinformation watch: every decision is made here and nowhere else.

Restricted by the plan's duties (section VIII): the culture office watches and reports (VIII.1), the Party
building board steers opinion and counters false information (VIII.3), the ward police verify and handle it
(VIII.5); the ward's leadership reads. Nobody else — not the other agencies, groups, schools, the province or
the public — sees an entry. Within those, each acts on the entries of their own ward:

- the culture office, the police and the Party board record entries and add captures (who found it);
- the culture office assesses, acts (rebuttal, report to the platform, referral to the police, guidance to the
  residential groups) and closes;
- the police answer the referrals sent to their ward's police (received → handling → resolved);
- leadership reads everything, changes nothing;
- administrators do everything.

Every view of the evidence (a capture's file) is written to the audit trail (``services.capture_open``).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from doantu.org.models import OrgUnit, Role

from .models import Action, ActionKind, Entry

READERS = {Role.CAMPAIGN, Role.POLICE, Role.PARTY_BOARD, Role.LEADERSHIP}
RECORDERS = {Role.CAMPAIGN, Role.POLICE, Role.PARTY_BOARD}
MANAGERS = {Role.CAMPAIGN}
ANSWERERS = {Role.POLICE}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _ward(user) -> OrgUnit | None:
    return user.ward if user.unit_id else None


def can_use_watch(user) -> bool:
    return _active(user) and (user.is_admin or (user.role in READERS and _ward(user) is not None))


def can_record(user) -> bool:
    return _active(user) and (user.is_admin or (user.role in RECORDERS and _ward(user) is not None))


def entries_visible_to(user) -> QuerySet[Entry]:
    qs = Entry.objects.select_related("ward", "found_by")
    if not can_use_watch(user):
        return qs.none()
    if user.is_admin:
        return qs
    return qs.filter(ward=_ward(user))


def can_view(user, entry: Entry) -> bool:
    return entries_visible_to(user).filter(pk=entry.pk).exists()


def _in_ward(user, entry: Entry, roles: set) -> bool:
    if not _active(user):
        return False
    if user.is_admin:
        return True
    return user.role in roles and _ward(user) is not None and _ward(user).pk == entry.ward_id


def can_add_capture(user, entry: Entry) -> bool:
    return _in_ward(user, entry, RECORDERS)


def can_manage(user, entry: Entry) -> bool:
    """Assess, act, close or reopen: the culture office of the entry's ward."""
    return _in_ward(user, entry, MANAGERS)


def can_answer_referral(user, action: Action) -> bool:
    """A referral to the police is answered by the ward's police (an administrator may stand in)."""
    if action.kind != ActionKind.POLICE_REFERRAL:
        return False
    return _in_ward(user, action.entry, ANSWERERS)


def can_advance(user, action: Action) -> bool:
    if action.kind == ActionKind.POLICE_REFERRAL:
        return can_answer_referral(user, action)
    return can_manage(user, action.entry)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")


def police_of(entry: Entry):
    """The ward's police units (where referrals go)."""
    from doantu.org.models import AgencyType

    return OrgUnit.objects.filter(parent_id=entry.ward_id, agency_type=AgencyType.POLICE, active=True)
