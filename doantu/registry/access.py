"""Who may see and change the registry. Every decision about registry records is made here.

- Read the registry (martyrs, graves without exact location): campaign staff, the military command, police,
  the Front, leadership and the province — within their province. Martyrs' records are largely public
  (thongtinlietsi.gov.vn); what is not is handled by the next rules.
- Change it (import lists, edit, merge duplicates, link tips): campaign staff and the military command.
- Exact grave locations: campaign staff and the military command (those who organise the search).
- Relatives (identity numbers, phones; DNA donors) and witnesses (names, phones): campaign staff, the military
  command and police (who take the samples and take statements) of the ward that recorded them; provincial
  staff of those roles see the whole province's. The martyr's record is provincial, the people around it are
  the business of the ward that met them.
"""

from django.db.models import Q, QuerySet

from doantu.org.models import OrgUnit, Role, UnitKind
from doantu.tips import access as tip_access

READ_ROLES = {Role.CAMPAIGN, Role.MILITARY, Role.POLICE, Role.FRONT, Role.LEADERSHIP, Role.PROVINCE}
EDIT_ROLES = {Role.CAMPAIGN, Role.MILITARY}
LOCATION_ROLES = {Role.CAMPAIGN, Role.MILITARY}
RELATIVE_ROLES = {Role.CAMPAIGN, Role.MILITARY, Role.POLICE}


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def province_of(user) -> OrgUnit | None:
    return user.unit.nearest(UnitKind.PROVINCE) if user.unit_id else None


def can_view_registry(user) -> bool:
    return _active(user) and (user.is_admin or (user.role in READ_ROLES and user.unit_id is not None))


def can_edit_registry(user) -> bool:
    return _active(user) and (user.is_admin or (user.role in EDIT_ROLES and user.unit_id is not None))


def can_view_grave_location(user) -> bool:
    return _active(user) and (user.is_admin or user.role in LOCATION_ROLES)


def can_view_relatives(user) -> bool:
    return _active(user) and (user.is_admin or user.role in RELATIVE_ROLES)


def scope(user, qs: QuerySet) -> QuerySet:
    """Records of ``qs`` (anything with an ``owner`` unit) that ``user`` may read."""
    if not can_view_registry(user):
        return qs.none()
    if user.is_admin:
        return qs
    province = province_of(user)
    if province is None:
        return qs.none()
    return _under(qs, province)


def _under(qs: QuerySet, unit: OrgUnit) -> QuerySet:
    return qs.filter(Q(owner=unit) | Q(owner__path__startswith=unit.path + "/"))


def people_unit(user) -> OrgUnit | None:
    """The unit that holds the relatives and witnesses this user records: their ward, or their province for
    provincial staff."""
    if not user.unit_id:
        return OrgUnit.objects.filter(kind=UnitKind.PROVINCE).first() if user.is_admin else None
    return user.unit.nearest(UnitKind.WARD) or province_of(user)


def people_scope(user, qs: QuerySet) -> QuerySet:
    """Relatives or witnesses (``qs``, with an ``owner`` unit) that ``user`` may see."""
    if not can_view_relatives(user):
        return qs.none()
    if user.is_admin:
        return qs
    unit = people_unit(user)
    return _under(qs, unit) if unit is not None else qs.none()


def owner_for(user) -> OrgUnit | None:
    """The unit that holds records this user imports or creates: their province (lists are provincial)."""
    if user.is_admin and not user.unit_id:
        return OrgUnit.objects.filter(kind=UnitKind.PROVINCE).first()
    return province_of(user)


def can_link_tip(user, tip) -> bool:
    """Confirm or reject a registry record as what a tip is about."""
    if not can_edit_registry(user):
        return False
    return tip_access.can_triage(user, tip) or tip_access.can_add_note(user, tip)
