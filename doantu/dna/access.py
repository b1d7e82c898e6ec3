"""Who may see and do what with DNA donors. Every decision of this app is made here, and every service and
selector calls it.

- The pipeline without identity (relationship, priority, alive, residential group, step and dates, sample and
  result): the ward's campaign staff (the culture office runs the campaign), the ward police (who collect), the
  ward's military command (who search and gather: they see that a donor exists, never who) — for the donors their
  ward recorded; the province's Department of Home Affairs (named by the consent) for the whole province.
- Coverage figures (no person at all): also leadership and the province.
- A donor's identity and contact (name, identity number, residence, phone, the consent's witness): revealed on
  request and audited, only to the ward's campaign staff and to the recipients the donor's consent names
  (``Recipient``: the police, the Department of Home Affairs) — Law 91/2025 and Decree 356/2025: genetic data is
  sensitive, it goes only where the consent says. Exports that carry identity follow the same rule.
- A withdrawn donor: nobody sees their identity any more (it is erased from the record; the data-protection record
  keeps it sealed).
- Recording relatives, steps, consent, results, scheduling rounds: the ward's campaign staff. The police record
  what happened at a round (collected / absent / refused) and the sample.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from doantu.org.models import AgencyType, OrgUnit, Role, UnitKind
from doantu.registry import access as registry_access

from .models import CollectionRound, Donor, Recipient, Step

PIPELINE_ROLES = {Role.CAMPAIGN, Role.POLICE, Role.MILITARY}
COVERAGE_ROLES = PIPELINE_ROLES | {Role.LEADERSHIP, Role.PROVINCE}
MANAGE_ROLES = {Role.CAMPAIGN}
ROUND_ROLES = {Role.CAMPAIGN, Role.POLICE}
# Identity fields: on ``registry.Relative`` (encrypted) and the consent's witness here.
IDENTITY_FIELDS = ("name", "id_number", "residence", "phone", "consent_witness")
# Everything else a donor shows (the page, the API, the exports): see ``visible_fields``.
PIPELINE_FIELDS = (
    "relationship",
    "priority",
    "alive",
    "birth",
    "sex",
    "residential_group",
    "step",
    "dates",
    "consent",
    "sample",
    "result",
)
# What the police need for a round (issue 11: "only the fields the police need").
# Who to call and identify (name, birth, sex, identity number, phone, group), which martyr the sample is for and
# the donor's tie to him (the gene bank files a reference sample against a martyr and a relationship), and what
# the police record at the round. Never the address, the consent's witness or anything of the pipeline's history.
ROUND_FIELDS = (
    "name",
    "birth",
    "sex",
    "id_number",
    "phone",
    "residential_group",
    "martyr",
    "relationship",
    "outcome",
    "sample",
)

REFUSED = "Bạn không có quyền thực hiện thao tác này."
OUT_OF_SCOPE = "Người này không thuộc phạm vi quản lý của bạn."


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def is_home_affairs(user) -> bool:
    """A provincial account of the Department of Home Affairs (the consent's second recipient)."""
    return (
        _active(user)
        and user.role == Role.PROVINCE
        and user.unit_id is not None
        and user.unit.agency_type == AgencyType.HOME_AFFAIRS
    )


def ward_of(user) -> OrgUnit | None:
    return user.unit.nearest(UnitKind.WARD) if user.unit_id else None


def can_view_pipeline(user) -> bool:
    if not _active(user):
        return False
    return (
        user.is_admin or is_home_affairs(user) or (user.role in PIPELINE_ROLES and ward_of(user) is not None)
    )


def can_view_coverage(user) -> bool:
    return _active(user) and (user.is_admin or (user.role in COVERAGE_ROLES and user.unit_id is not None))


def can_manage(user) -> bool:
    return _active(user) and (user.is_admin or (user.role in MANAGE_ROLES and ward_of(user) is not None))


def can_use_rounds(user) -> bool:
    return _active(user) and (user.is_admin or (user.role in ROUND_ROLES and ward_of(user) is not None))


def _under(qs: QuerySet, unit: OrgUnit, field: str = "owner") -> QuerySet:
    return qs.filter(Q(**{field: unit}) | Q(**{f"{field}__path__startswith": unit.path + "/"}))


def donors(user, qs: QuerySet | None = None) -> QuerySet[Donor]:
    """Donors ``user`` may see in the pipeline (without identity)."""
    qs = Donor.objects.all() if qs is None else qs
    if not can_view_pipeline(user):
        return qs.none()
    if user.is_admin:
        return qs
    if is_home_affairs(user):
        return _under(qs, user.unit.nearest(UnitKind.PROVINCE))
    return _under(qs, ward_of(user))


def rounds(user) -> QuerySet[CollectionRound]:
    if not can_use_rounds(user):
        return CollectionRound.objects.none()
    if user.is_admin:
        return CollectionRound.objects.all()
    return _under(CollectionRound.objects.all(), ward_of(user))


def martyrs(user, qs):
    """Martyrs whose pedigree ``user`` may see: the registry's own scope (their province)."""
    if not can_view_pipeline(user) and not can_view_coverage(user):
        return qs.none()
    if user.is_admin:
        return qs
    return (
        registry_access.scope(user, qs)
        if registry_access.can_view_registry(user)
        else (_under(qs, user.unit.nearest(UnitKind.PROVINCE)) if is_home_affairs(user) else qs.none())
    )


def donor_unit(user) -> OrgUnit | None:
    """The ward whose donors ``user`` records."""
    if user.is_admin and not user.unit_id:
        return OrgUnit.objects.filter(kind=UnitKind.WARD).first()
    return ward_of(user)


# ------------------------------------------------------------------------------------------ identity


def recipients_of(donor: Donor) -> set[str]:
    return set(donor.consent_recipients or [])


def can_reveal(user, donor: Donor) -> bool:
    """The one rule for a donor's identity and contact (see the module)."""
    if donor.step == Step.WITHDRAWN or not donors(user).filter(pk=donor.pk).exists():
        return False
    if user.is_admin or user.role == Role.CAMPAIGN:
        return True
    named = recipients_of(donor)
    if user.role == Role.POLICE:
        return Recipient.POLICE in named
    if is_home_affairs(user):
        return Recipient.HOME_AFFAIRS in named
    return False


def relative_reveal_rule(user, person) -> bool | None:
    """For the registry's own reveal of a relative (``registry.access.PERSON_REVEAL_RULES``): a relative who is a
    DNA donor is revealed only under ``can_reveal`` (before any consent: the ward's campaign staff only); anyone
    else is left to the registry's rules."""
    from doantu.registry.models import Relative

    if not isinstance(person, Relative):
        return None
    donor = Donor.objects.filter(relative=person).first()
    return None if donor is None else can_reveal(user, donor)


def visible_fields(user, donor: Donor, *, revealed: bool = False) -> frozenset[str]:
    """What ``user`` may read of ``donor``: the pipeline fields if they see the donor, plus the identity fields
    when ``revealed`` (an audited reveal made by ``services.donor_reveal``) and allowed."""
    if not donors(user).filter(pk=donor.pk).exists():
        return frozenset()
    fields = set(PIPELINE_FIELDS)
    if revealed and can_reveal(user, donor):
        fields |= set(IDENTITY_FIELDS)
    return frozenset(fields)


def require(allowed: bool, message: str = REFUSED) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_donor(user, donor: Donor, *, manage: bool = False) -> None:
    require(can_manage(user) if manage else can_view_pipeline(user))
    require(donors(user).filter(pk=donor.pk).exists(), OUT_OF_SCOPE)


def require_round(user, collection_round: CollectionRound, *, manage: bool = False) -> None:
    require(can_manage(user) if manage else can_use_rounds(user))
    require(rounds(user).filter(pk=collection_round.pk).exists(), OUT_OF_SCOPE)
    if not manage and user.role == Role.POLICE and not user.is_admin:
        # the police of the ward the round is held with
        require(collection_round.police_unit_id == user.unit_id, OUT_OF_SCOPE)


def can_export_round(user, collection_round: CollectionRound) -> bool:
    """The round list carries names and phones: the ward's campaign staff and the police unit of the round (the
    consent's recipient; only donors whose consent names the police are on it)."""
    if not rounds(user).filter(pk=collection_round.pk).exists():
        return False
    return (
        user.is_admin
        or user.role == Role.CAMPAIGN
        or (user.role == Role.POLICE and collection_round.police_unit_id == user.unit_id)
    )
