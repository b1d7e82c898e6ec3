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

What each viewer may read of a tip they can see is decided once, by ``visible_fields`` (a ``TipView``), and
every view of a tip uses it: the tip's page, the inbox, the API (list, detail, timeline) and the timeline, whose
entries are filtered field by field and message by message (``timeline_entry``). Content classes:

- ``basic``: what the tip is about (account, the details of each martyr it names, its kinds, status, source, group, conclusion):
  everyone who may see the tip;
- ``location`` (coordinates, accuracy, how they were taken, the place description) and ``attachments``: the
  handlers — campaign staff of the tip's ward and the agencies it was forwarded to;
- ``identity`` (the reporter's name, phone, address): the handlers the reporter chose (``Tip.privacy``): the
  ward's campaign staff always, the agencies asked only under "may be shared with the agencies that verify";
  nobody for an anonymous tip or once consent is withdrawn. Revealed on request and audited
  (``tips.services.tip_reveal_reporter``), never in a list or the timeline;
- ``relative`` (relationship to the martyr, the DNA offer and consent): the handlers;
- ``internal`` (notes, assignment, reasons for closing or reopening): the handlers;
- ``forward``: a forward's question, answer and outcome: the tip's owners and the agency asked, not another
  agency asked about the same tip;
- ``registry`` (the registry records a tip is linked to): those who may read the registry;
- ``owner``: anything not classified here (a new audit action, a new field): the tip's owners only, so a
  change that forgets to classify itself fails closed.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from doantu.org.models import OrgUnit, Role, UnitKind

from .models import Forward, ForwardStatus, Privacy, Tip, TipStatus

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
    # What a leader or a school entered for someone else stays theirs to see, within their ward, even if staff
    # later move the tip to another group.
    entered = Q(entered_by=user, ward=_ward_of(user))
    if role == Role.GROUP_LEADER:
        return qs.filter(Q(residential_group=unit) | Q(source__owner_unit=unit) | entered)
    if role == Role.SCHOOL:
        return qs.filter(Q(source__owner_unit=unit) | entered)
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


# ------------------------------------------------------------------------------------ need to know, per field

BASIC = "basic"
LOCATION = "location"
ATTACHMENTS = "attachments"
IDENTITY = "identity"
RELATIVE = "relative"
INTERNAL = "internal"
FORWARD = "forward"
REGISTRY = "registry"
OWNER = "owner"

# A tip's fields by content class (fields not named here are basic).
TIP_FIELDS: dict[str, str] = {
    "reporter_name": IDENTITY,
    "reporter_phone": IDENTITY,
    "reporter_address": IDENTITY,
    "latitude": LOCATION,
    "longitude": LOCATION,
    "location_accuracy_m": LOCATION,
    "location_source": LOCATION,
    "location_description": LOCATION,
    "relationship": RELATIVE,
    "dna_offer": RELATIVE,
    "consent_dna": RELATIVE,
    "assignee": INTERNAL,
    "consent_witness": INTERNAL,
}

# Fields of audit entries on a tip's timeline ("domain.field" -> class). A field not listed is ``owner``.
CHANGE_FIELDS: dict[str, str] = {
    **{f"tips.{name}": cls for name, cls in TIP_FIELDS.items()},
    **{
        f"tips.{name}": BASIC
        for name in (
            "status",
            "forward_status",
            "kinds",
            "agency",
            "due_date",
            "duplicate_of",
            "outcome_note",
            "public_note",
            "residential_group",
            "channel",
            "consent_method",
            # what a tip says about each martyr it names (tips.models.TipMartyr)
            "martyr_name",
            "martyr_alias",
            "martyr_birth_year",
            "martyr_home_place",
            "martyr_unit",
            "martyr_enlistment_year",
            "martyr_death_date",
            "martyr_death_place",
            "martyr_burial_place",
            "martyr_position",
        )
    },
    "tips.outcome": FORWARD,
    "tips.privacy": BASIC,
    "registry.martyr": REGISTRY,
    "registry.grave": REGISTRY,
    "registry.named": REGISTRY,
    "registry.decision": REGISTRY,
}

# What an audit entry's free-text message may contain, by action. An action not listed is ``owner``.
MESSAGE_CLASSES: dict[str, str] = {
    "submitted": BASIC,  # the source's name and the number of files
    "review_started": BASIC,
    "edited": BASIC,
    "martyr_named": BASIC,
    "martyr_edited": BASIC,
    "concluded": BASIC,  # the conclusion, shown with the tip
    "public_note_set": BASIC,  # shown to the public on the status page
    "reporter_viewed": BASIC,  # who looked, never what they saw
    "forwarded": FORWARD,  # the question
    "answered": FORWARD,  # the answer
    "forward_withdrawn": FORWARD,  # the reason
    "assigned": INTERNAL,
    "note_added": INTERNAL,
    "closed": INTERNAL,
    "reopened": INTERNAL,
    "link_confirmed": REGISTRY,
    "link_rejected": REGISTRY,
}


@dataclass(frozen=True)
class TipView:
    """What one viewer may read of one tip: content classes, and the agencies whose forwards' content they read
    (``None``: every forward)."""

    classes: frozenset[str]
    forward_agencies: frozenset[int] | None = frozenset()

    def sees(self, cls: str) -> bool:
        return cls in self.classes

    def sees_field(self, name: str) -> bool:
        return TIP_FIELDS.get(name, BASIC) in self.classes

    def sees_forward(self, forward: Forward) -> bool:
        return self.sees_forward_of(forward.agency_id)

    def sees_forward_of(self, agency_id: int | None) -> bool:
        if not self.classes:
            return False
        return self.forward_agencies is None or agency_id in self.forward_agencies

    @property
    def withheld(self) -> list[str]:
        """The classes this viewer does not read (for API clients), ``owner`` aside."""
        return [
            c
            for c in (LOCATION, ATTACHMENTS, IDENTITY, RELATIVE, INTERNAL, REGISTRY)
            if c not in self.classes
        ]

    # For templates, which cannot pass arguments.
    location = property(lambda self: LOCATION in self.classes)
    attachments = property(lambda self: ATTACHMENTS in self.classes)
    identity = property(lambda self: IDENTITY in self.classes)
    relative = property(lambda self: RELATIVE in self.classes)
    internal = property(lambda self: INTERNAL in self.classes)
    registry = property(lambda self: REGISTRY in self.classes)


NOTHING = TipView(frozenset(), frozenset())
HANDLER_CLASSES = frozenset({BASIC, LOCATION, ATTACHMENTS, IDENTITY, RELATIVE, INTERNAL})
# What a member of staff who entered a tip for someone else reads of it: what he typed and attached.
ENTERER_CLASSES = frozenset({BASIC, LOCATION, ATTACHMENTS, IDENTITY, RELATIVE})


def views_for(user, tips: Iterable[Tip]) -> dict[int, TipView]:
    """``visible_fields`` for many tips in a few queries (the inbox, the API list)."""
    tips = list(tips)
    if not tips or not (user.is_authenticated and user.is_active):
        return {t.pk: NOTHING for t in tips}
    ids = [t.pk for t in tips]
    visible = set(tips_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    forwarded: set[int] = set()
    if user.role in AGENCY_ROLES and user.unit_id is not None:
        forwarded = set(
            Forward.objects.filter(tip_id__in=ids, agency_id=user.unit_id).values_list("tip_id", flat=True)
        )
    from doantu.registry.access import can_view_registry  # registry.access builds on this module

    registry = can_view_registry(user)
    views = {}
    for tip in tips:
        if tip.pk not in visible:
            views[tip.pk] = NOTHING
            continue
        owner = _owns_ward(user, tip)
        entered_it = tip.entered_by_id is not None and tip.entered_by_id == user.pk
        classes = {BASIC}
        if owner:
            classes |= HANDLER_CLASSES | {OWNER}
        elif tip.pk in forwarded:
            classes |= HANDLER_CLASSES
        elif entered_it:
            # The enterer typed it all: he reads what he entered (the reporter's identity still only on request,
            # audited), not the handlers' internal work or the forwards.
            classes |= ENTERER_CLASSES
        if not (owner or entered_it or identity_shareable(tip)):
            classes.discard(IDENTITY)  # the reporter chose "only the ward's campaign staff"
        if tip.anonymous or tip.privacy == Privacy.ANONYMOUS or tip.identity_withdrawn:
            classes.discard(IDENTITY)
        if registry:
            classes.add(REGISTRY)
        agencies = None if owner else frozenset({user.unit_id}) if tip.pk in forwarded else frozenset()
        views[tip.pk] = TipView(frozenset(classes), agencies)
    return views


def identity_shareable(tip: Tip, *, for_dna: bool = False) -> bool:
    """May the reporter's identity go beyond the ward's campaign staff (to an agency asked, into a registry
    record that agencies read)? Only if they chose so, gave it, and have not withdrawn their consent.

    ``for_dna``: a relative who offered a DNA sample and gave the DNA consent (which names the police, who take
    the sample, and the Department of Home Affairs) may be recorded as a relative for that purpose whatever
    they chose for the verification of their tip."""
    if tip.anonymous or tip.privacy == Privacy.ANONYMOUS or tip.identity_withdrawn:
        return False
    if for_dna and tip.relationship and tip.dna_offer and tip.consent_dna:
        return True
    return tip.privacy == Privacy.AGENCIES


def may_filter_relative(user) -> bool:
    """Whether ``user`` reads the ``relative`` class (DNA offers) of every tip they can see, and so may filter
    or export by it: administrators, campaign staff (owners of their ward's tips) and agencies (who see only
    tips forwarded to them). Anyone else filtering by a DNA offer would learn it from the result."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_admin or (user.unit_id is not None and user.role in AGENCY_ROLES | {Role.CAMPAIGN})


def visible_fields(user, tip: Tip) -> TipView:
    """The one rule for what ``user`` may read of ``tip`` (nothing if they may not see the tip at all)."""
    return views_for(user, [tip])[tip.pk]


def forward_agencies(tip: Tip) -> dict[str, int]:
    """Forward id (as the audit trail stores it) -> the agency asked, for filtering a tip's timeline."""
    return {str(pk): agency for pk, agency in tip.forwards.values_list("pk", "agency_id")}


def timeline_entry(view: TipView, entry, agencies: dict[str, int]) -> tuple[dict, str, bool]:
    """``(changes, message, withheld)``: the parts of an audit entry on a tip's timeline that the viewer may
    read; ``withheld`` says something was left out."""
    forward_ok = entry.object_type != "tips.forward" or view.sees_forward_of(agencies.get(entry.object_id))

    def allowed(cls: str) -> bool:
        if cls == FORWARD:
            return forward_ok and (entry.object_type == "tips.forward" or view.forward_agencies is None)
        return view.sees(cls)

    domain = entry.object_type.split(".", 1)[0]
    changes = {f: v for f, v in entry.changes.items() if allowed(CHANGE_FIELDS.get(f"{domain}.{f}", OWNER))}
    message = entry.message if allowed(MESSAGE_CLASSES.get(entry.action, OWNER)) else ""
    withheld = len(changes) < len(entry.changes) or message != entry.message
    return changes, message, withheld


def can_view_identity(user, tip: Tip) -> bool:
    """The reporter's name, phone and address: only for those who must contact or verify."""
    return visible_fields(user, tip).identity


def can_view_exact_location(user, tip: Tip) -> bool:
    return visible_fields(user, tip).location


def can_view_attachments(user, tip: Tip) -> bool:
    # Photos can show faces, houses and graves; the same need-to-know as the location.
    return visible_fields(user, tip).attachments


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


# ------------------------------------------------------------------------ entering tips for someone else

ENTRY_ROLES = {Role.CAMPAIGN, Role.GROUP_LEADER, Role.SCHOOL}


def entry_sources(user) -> QuerySet:
    """The QR sources ``user`` may enter tips under (given on paper, by phone, in person), for someone else:

    - campaign staff: every active source of their ward (the office takes calls and visits);
    - a residential-group leader: their own group's sources (the slips they collect door to door);
    - a school: its own sources (slips students bring back from their families, as its QR codes bring tips
      from them). A school sees only the tips of its own codes, so it enters only under them;
    - administrators: every active source. Nobody else: agencies verify, leadership and the province read.
    """
    from .models import Source

    qs = Source.objects.filter(active=True).select_related("ward", "owner_unit")
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_admin:
        return qs
    if user.role not in ENTRY_ROLES or user.unit_id is None:
        return qs.none()
    if user.role == Role.CAMPAIGN:
        ward = _ward_of(user)
        return qs.filter(ward=ward) if ward else qs.none()
    return qs.filter(owner_unit_id=user.unit_id)


def entry_groups(user, ward: OrgUnit | None) -> QuerySet[OrgUnit]:
    """The residential groups an entered tip may be given to: a leader's own group only."""
    qs = OrgUnit.objects.filter(parent=ward, kind=UnitKind.RESIDENTIAL_GROUP, active=True)
    if ward is None or not (user.is_authenticated and user.is_active):
        return qs.none()
    if user.role == Role.GROUP_LEADER and not user.is_admin:
        return qs.filter(pk=user.unit_id)
    return qs.order_by("sort_order", "name")


def can_enter_tips(user) -> bool:
    return entry_sources(user).exists()


def can_enter_tip(user, *, source, group: OrgUnit | None) -> bool:
    """May ``user`` enter a tip for someone else under ``source``, for ``group`` (a leader: his own only)?"""
    if not entry_sources(user).filter(pk=source.pk).exists():
        return False
    if user.role == Role.GROUP_LEADER and not user.is_admin:
        return group is not None and group.pk == user.unit_id
    return group is None or entry_groups(user, source.ward).filter(pk=group.pk).exists()


SLIP_PRINTER_ROLES = (Role.GROUP_LEADER, Role.SCHOOL)


def can_print_slip(user, source) -> bool:
    """The paper slip of a source: whoever manages the ward's sources, and the group leader (or school) whose unit
    the source belongs to (they hand the slips out)."""
    if can_manage_sources(user, source.ward):
        return True
    return (
        user.is_authenticated
        and user.is_active
        and user.role in SLIP_PRINTER_ROLES
        and source.owner_unit_id is not None
        and user.unit_id == source.owner_unit_id
    )


def can_use_staff_site(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_admin or bool(user.role and user.unit_id))


def open_statuses() -> list[str]:
    return [TipStatus.NEW, TipStatus.UNDER_REVIEW, TipStatus.FORWARDED, TipStatus.ANSWERED]


def receipt_contacts(tip: Tip) -> dict[str, str]:
    """Where the receipt may be sent, as ``{channel: address}``: the contact the person gave on this very tip,
    never anyone else's. Nothing for an anonymous tip, nor once consent is withdrawn (the contact is erased).
    SMS (or Zalo, through the same channel) to a mobile number; email has no field on a tip yet, so none."""
    from doantu.notify.channels import mobile_number

    if tip.anonymous or tip.identity_withdrawn:
        return {}
    number = mobile_number(tip.reporter_phone)
    return {"sms": number} if number else {}


def can_send_receipt(tip: Tip, *, just_submitted: str | None) -> bool:
    """Only the browser that has just sent the tip may have its receipt sent (``just_submitted`` is that
    browser's session's receipt code): whoever else holds the receipt's address cannot make the system text the
    person who gave it, nor learn whether they left a number."""
    return bool(just_submitted) and just_submitted == tip.receipt_code and bool(receipt_contacts(tip))
