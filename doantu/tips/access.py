"""Who may see and do what with tips: every decision about tips is made here and nowhere else.

Views and the API call these helpers; they never filter by role themselves. The rules:

- campaign staff (culture office) own the tips of their ward: see everything, triage, forward, conclude;
- an agency (military command, police, the Front, a higher level) sees the tips forwarded to it and answers;
- a residential-group leader sees the tips from their group, a school the tips from its own QR codes — both
  without the reporter's identity or the exact location (they mobilise; they do not investigate);
- leadership (ward) and the province read without identity or exact location; the province across its wards;
- channel staff (service centre) run the QR codes and see counts per source, not tips;
- administrators see everything.

Identity and exact location are "need to know": only those who act on the tip, and every reveal of the
reporter's identity is written to the audit trail.
"""

from django.db.models import Q, QuerySet

from doantu.org.models import OrgUnit, Role, UnitKind

from .models import Forward, ForwardStatus, Tip, TipStatus

AGENCY_ROLES = {Role.MILITARY, Role.POLICE, Role.FRONT}
READ_ALL_ROLES = {Role.LEADERSHIP}


def _ward_of(user) -> OrgUnit | None:
    return user.ward if user.unit_id else None


def tips_visible_to(user) -> QuerySet[Tip]:
    qs = Tip.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_admin:
        return qs
    role, unit = user.role, user.unit
    if unit is None:
        return qs.none()
    if role in (Role.CAMPAIGN, Role.LEADERSHIP):
        ward = _ward_of(user)
        return qs.filter(ward=ward) if ward else qs.none()
    if role == Role.PROVINCE:
        province = unit.nearest(UnitKind.PROVINCE)
        return qs.filter(ward__path__startswith=province.path + "/") if province else qs.none()
    if role in AGENCY_ROLES:
        return qs.filter(forwards__agency=unit).distinct()
    if role == Role.GROUP_LEADER:
        return qs.filter(Q(residential_group=unit) | Q(source__owner_unit=unit))
    if role == Role.SCHOOL:
        return qs.filter(source__owner_unit=unit)
    return qs.none()


def can_view_tip(user, tip: Tip) -> bool:
    return tips_visible_to(user).filter(pk=tip.pk).exists()


def _owns_ward(user, tip: Tip) -> bool:
    if user.is_admin:
        return True
    return user.role == Role.CAMPAIGN and user.unit_id is not None and _ward_of(user) == tip.ward


def can_triage(user, tip: Tip) -> bool:
    """Review, assign, edit details, forward, record a conclusion, close or reopen."""
    return user.is_authenticated and _owns_ward(user, tip)


def can_add_note(user, tip: Tip) -> bool:
    return can_triage(user, tip) or _has_forward(user, tip)


def _has_forward(user, tip: Tip) -> bool:
    return (
        user.is_authenticated
        and user.role in AGENCY_ROLES
        and user.unit_id is not None
        and tip.forwards.filter(agency_id=user.unit_id).exists()
    )


def can_answer(user, forward: Forward) -> bool:
    if not user.is_authenticated or forward.status != ForwardStatus.OPEN:
        return False
    if user.is_admin:
        return True
    return user.unit_id == forward.agency_id and user.role in AGENCY_ROLES | {Role.CAMPAIGN}


def can_view_identity(user, tip: Tip) -> bool:
    """The reporter's name, phone and address: only for those who must contact or verify."""
    if tip.anonymous:
        return False
    return can_triage(user, tip) or _has_forward(user, tip)


def can_view_exact_location(user, tip: Tip) -> bool:
    return can_triage(user, tip) or _has_forward(user, tip)


def can_view_attachments(user, tip: Tip) -> bool:
    # Photos can show faces, houses and graves; the same need-to-know as the location.
    return can_view_exact_location(user, tip)


def assignable_users(user, tip: Tip):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True, role=Role.CAMPAIGN)
    return users.filter(unit__path__startswith=tip.ward.path + "/")


def forward_targets(tip: Tip) -> QuerySet[OrgUnit]:
    """Agencies a tip may be forwarded to: those of its ward and of the levels above it."""
    ancestors = [u.pk for u in tip.ward.ancestors_and_self()]
    return OrgUnit.objects.filter(receives_forwards=True, active=True, parent_id__in=ancestors)


def can_manage_sources(user, ward: OrgUnit | None) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return user.role in (Role.CAMPAIGN, Role.CHANNEL) and ward is not None and _ward_of(user) == ward


def can_use_staff_site(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_admin or bool(user.role and user.unit_id))


def open_statuses() -> list[str]:
    return [TipStatus.NEW, TipStatus.UNDER_REVIEW, TipStatus.FORWARDED]
