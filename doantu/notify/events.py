"""Who is told what, when something happens to a tip.

The events are read from the audit entries the tip services write (every change to a tip writes one, in the
change's own transaction), so the notifications are written in that transaction too: a refused action records
nothing and notifies nobody, a rolled-back one takes its notifications with it. Messages leave the system
(email, SMS) only after the commit (``transaction.on_commit``).

- a forward (an entry on a ``tips.forward`` with the forward's agency newly set): the agency's users;
- an answer (``answered`` on a ``tips.forward``): the tip's assignee, or if none every campaign staff of the ward;
- a status change (any entry whose changes hold a new ``status``): the group leaders of the tip's group (its
  residential group, or the group owning its QR code); and the tipster when the new status is a conclusion
  (verified, not verifiable, duplicate), if they gave a phone and agreed to be contacted;
- an overdue forward: ``notify.services.notify_overdue_forwards`` (a daily task).

Nobody is told of their own action. Texts are written per recipient by ``texts.text_for`` (need-to-know).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from doantu.org.models import Role
from doantu.tips import access
from doantu.tips.models import Forward, Tip, TipStatus

from .models import Kind

CONCLUSIONS = {TipStatus.VERIFIED, TipStatus.NOT_VERIFIABLE, TipStatus.DUPLICATE}


def on_audit_entry(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.context_type != "tips.tip":
        return
    entry = instance
    tip = Tip.objects.select_related("ward", "source", "assignee").filter(pk=entry.context_id).first()
    if tip is None:
        return
    forward = None
    if entry.object_type == "tips.forward":
        forward = Forward.objects.select_related("agency").filter(pk=entry.object_id).first()
    from . import services

    if forward is not None and entry.action == "forwarded":
        services.notify_users(
            kind=Kind.FORWARDED, tip=tip, forward=forward, users=agency_users(forward), actor=entry.actor
        )
    if forward is not None and entry.action == "answered":
        services.notify_users(
            kind=Kind.ANSWERED, tip=tip, forward=forward, users=ward_handlers(tip), actor=entry.actor
        )
    status = entry.changes.get("status")
    if status and len(status) == 2 and status[0] is not None and status[0] != status[1]:
        services.notify_users(
            kind=Kind.STATUS, tip=tip, forward=None, users=group_leaders(tip), actor=entry.actor
        )
        if status[1] in CONCLUSIONS and tipster_may_be_told(tip):
            from .tasks import notify_tipster

            tip_id, new_status = tip.pk, status[1]
            transaction.on_commit(lambda: notify_tipster.enqueue(tip_id, new_status))


def _active():
    return get_user_model().objects.filter(is_active=True).select_related("unit")


def agency_users(forward: Forward):
    return _active().filter(unit=forward.agency, role__in=[*access.AGENCY_ROLES, Role.CAMPAIGN])


def ward_handlers(tip: Tip):
    """The tip's assignee (if still one of the ward's campaign staff), else all of them."""
    staff = _active().filter(pk__in=access.assignable_users(None, tip).values("pk"))
    if tip.assignee_id and staff.filter(pk=tip.assignee_id).exists():
        return staff.filter(pk=tip.assignee_id)
    return staff


def group_leaders(tip: Tip):
    units = [u for u in (tip.residential_group_id, tip.source.owner_unit_id if tip.source_id else None) if u]
    if not units:
        return _active().none()
    return _active().filter(Q(unit_id__in=units), role=Role.GROUP_LEADER)


def tipster_may_be_told(tip: Tip) -> bool:
    return (
        not tip.anonymous
        and tip.consent_contact
        and tip.consent_withdrawn_at is None
        and bool(tip.reporter_phone)
    )
