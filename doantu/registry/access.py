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
- A relative's or witness's identity — name, phone, identity number (CCCD), address/residence — is not shown
  with the record: it is revealed on request, and each reveal is written to the audit trail, exactly like a
  tip's reporter (``registry.services.person_reveal``). What stays on the record for those who may see it:
  the relationship (maternal line, donor priority), DNA consent and sampling, whether the person is a veteran,
  their account, the tip they came from.
- A relative who consented to give a DNA sample: their identity goes only to the recipients the consent names
  (``DNA_CONSENT_RECIPIENTS``: the police, who take the sample; campaign staff of the ward, who recorded the
  consent). The military command
  sees that such a relative exists, not who they are. (The Department of Home Affairs, also named, has no role
  that reads relatives yet.)
- Every write checks, inside its service, both the role and that every record it touches is within the
  user's scope (``require_edit``, ``require_people``, ``require_pair``): a role is never enough on its own.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

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


def scope_key(user) -> str:
    """Names the set of records ``scope`` gives ``user`` (the same for everyone with that scope), for caching
    figures computed over it."""
    if not can_view_registry(user):
        return "none"
    if user.is_admin:
        return "all"
    province = province_of(user)
    return f"unit-{province.pk}" if province is not None else "none"


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


# ------------------------------------------------------------------------------------------ checks that raise

REFUSED = "Bạn không có quyền thực hiện thao tác này."
OUT_OF_SCOPE = "Hồ sơ này không thuộc phạm vi quản lý của bạn."


def in_scope(user, record: Model) -> bool:
    """``record`` (a martyr, grave, document, list or import, with an ``owner``) is within ``user``'s province."""
    return scope(user, type(record).objects).filter(pk=record.pk).exists()


def require_edit(user, *records: Model | None) -> None:
    """Refuse (``PermissionDenied``) unless ``user`` may change the registry and every given record is theirs."""
    if not can_edit_registry(user):
        raise PermissionDenied(REFUSED)
    for record in records:
        if record is not None and not in_scope(user, record):
            raise PermissionDenied(OUT_OF_SCOPE)


def require_view(user, *records: Model | None) -> None:
    if not can_view_registry(user):
        raise PermissionDenied(REFUSED)
    for record in records:
        if record is not None and not in_scope(user, record):
            raise PermissionDenied(OUT_OF_SCOPE)


def require_people(user, *people: Model | None) -> None:
    """Refuse unless ``user`` may record relatives/witnesses and every given person is within their scope."""
    if not (can_edit_registry(user) and can_view_relatives(user)):
        raise PermissionDenied(REFUSED)
    for person in people:
        if person is not None and not people_scope(user, type(person).objects).filter(pk=person.pk).exists():
            raise PermissionDenied(OUT_OF_SCOPE)


def require_pair(user, pair) -> None:
    """A duplicate pair is decided only by someone who may change both records."""
    require_edit(user, pair.a, pair.b)


def require_tip_source(user, tip) -> None:
    """A record made from a tip (``from_tip``) only by someone who may link that tip."""
    if tip is not None and not can_link_tip(user, tip):
        raise PermissionDenied(REFUSED)


# ------------------------------------------------------------------------------------------ people's identity

# Who a DNA donor's consent names (tips.forms.TipForm.consent_dna, version tips.services.CONSENT_VERSION:
# "chuyển cho Công an (cơ quan lấy mẫu) và Sở Nội vụ"), plus the ward's campaign staff who collected it. The
# Department of Home Affairs has no account role that reads relatives yet; when the DNA pipeline gives it one,
# it is added here.
DNA_CONSENT_RECIPIENTS = {Role.POLICE, Role.CAMPAIGN}


def is_dna_consent_recipient(user) -> bool:
    return user.is_admin or user.role in DNA_CONSENT_RECIPIENTS


def can_view_person(user, person) -> bool:
    """See the record of a relative or witness (without identity)."""
    return people_scope(user, type(person).objects).filter(pk=person.pk).exists()


# Rules of the apps above the registry about whose identity a person's own consent governs (the DNA pipeline:
# a donor's identity goes only where ``dna.access`` says). Each rule answers True/False for the people it
# governs and None for the others; registered from the owning app's ``ready()`` (the registry imports nothing
# above it).
PERSON_REVEAL_RULES: list = []


def register_person_reveal_rule(rule) -> None:
    if rule not in PERSON_REVEAL_RULES:
        PERSON_REVEAL_RULES.append(rule)


def can_reveal_person(user, person) -> bool:
    """See who a relative or witness is (name, phone, identity number, address), on request and audited. A
    relative who consented to give DNA: only the consent's recipients; a relative in the DNA pipeline: the
    pipeline's rule (``PERSON_REVEAL_RULES``)."""
    if not can_view_person(user, person):
        return False
    for rule in PERSON_REVEAL_RULES:
        decided = rule(user, person)
        if decided is not None:
            return decided
    if getattr(person, "dna_consent", False):
        return is_dna_consent_recipient(user)
    return True


def person_identity(person) -> dict[str, str]:
    """The identity fields of a relative or witness."""
    return {
        "name": person.full_name,
        "phone": person.phone,
        "id_number": getattr(person, "id_number", ""),
        "address": getattr(person, "residence", None) or getattr(person, "address", "") or "",
    }
