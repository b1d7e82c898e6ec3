"""Which unit a role's holder must belong to. Access to data is decided per domain (e.g. tips/access.py);
this only keeps accounts coherent, so that a "police" account really sits in a police unit."""

from .models import AgencyType, OrgUnit, Role, UnitKind

# role -> (allowed unit kinds, allowed agency types or None for any)
ROLE_UNITS: dict[str, tuple[set[str], set[str] | None]] = {
    Role.CAMPAIGN: ({UnitKind.AGENCY}, {AgencyType.CULTURE_OFFICE}),
    Role.CHANNEL: ({UnitKind.AGENCY}, {AgencyType.SERVICE_CENTRE}),
    Role.MILITARY: ({UnitKind.AGENCY}, {AgencyType.MILITARY}),
    Role.POLICE: ({UnitKind.AGENCY}, {AgencyType.POLICE}),
    Role.FRONT: ({UnitKind.AGENCY, UnitKind.ASSOCIATION}, None),
    Role.GROUP_LEADER: ({UnitKind.RESIDENTIAL_GROUP}, None),
    Role.SCHOOL: ({UnitKind.SCHOOL}, None),
    Role.LEADERSHIP: ({UnitKind.WARD, UnitKind.AGENCY}, None),
    Role.PARTY_BOARD: ({UnitKind.AGENCY}, {AgencyType.PARTY_BOARD}),
    Role.PROVINCE: ({UnitKind.PROVINCE, UnitKind.AGENCY}, None),
}

# Roles whose holders answer tips forwarded to their unit.
ANSWERING_ROLES = {Role.MILITARY, Role.POLICE, Role.FRONT, Role.CAMPAIGN}


def role_unit_problem(role: str, unit: OrgUnit | None) -> str | None:
    """A Vietnamese message if ``unit`` cannot hold ``role``, else None."""
    if not role or role == Role.ADMIN:
        return None
    if unit is None:
        return "Vai trò này cần gắn với một đơn vị."
    kinds, agency_types = ROLE_UNITS[role]
    if unit.kind not in kinds or (agency_types is not None and unit.agency_type not in agency_types):
        return f"Vai trò “{Role(role).label}” không phù hợp với đơn vị “{unit.name}”."
    if role == Role.PROVINCE and unit.kind == UnitKind.AGENCY and unit.nearest(UnitKind.WARD) is not None:
        return "Vai trò cấp tỉnh phải thuộc một đơn vị cấp tỉnh."
    return None
