"""Every write of the notifications: making them (from the events), reading them, the user's choices, and
sending (now, or in the daily digest). Keyword-only, ``<entity>_<action>``; a user acts only on their own."""

import logging
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from doantu.audit import labels
from doantu.audit.services import audit_record
from doantu.tips.models import Forward, ForwardStatus, Tip

from . import texts
from .channels import DeliveryError, Message, channel, mobile_number
from .models import ChannelName, Delivery, DeliveryStatus, Kind, Mode, Notification, OverdueNotice, Preference

log = logging.getLogger(__name__)
SYSTEM_LABEL = "Hệ thống (thông báo tự động)"

labels.register(
    "notify",
    actions={
        "notification_read": "Đánh dấu đã đọc thông báo",
        "notifications_read": "Đánh dấu đã đọc mọi thông báo",
        "preference_saved": "Đổi cách nhận thông báo",
    },
    fields={"email": ("Thư điện tử", dict(Mode.choices)), "sms": ("Tin nhắn SMS/Zalo", dict(Mode.choices))},
)
labels.register(
    "tips",
    actions={
        "reporter_notified": "Đã báo kết quả cho người cung cấp",
        "reporter_not_notified": "Chưa báo được kết quả cho người cung cấp",
        "overdue_notified": "Nhắc quá hạn trả lời",
        "receipt_sent": "Đã gửi biên nhận cho người cung cấp (theo yêu cầu của họ)",
        "receipt_not_sent": "Chưa gửi được biên nhận cho người cung cấp",
    },
)


def preference_of(user) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def _addresses(user) -> dict[str, str]:
    return {ChannelName.EMAIL: (user.email or "").strip(), ChannelName.SMS: mobile_number(user.phone) or ""}


def notify_users(*, kind: str, tip: Tip, forward: Forward | None, users, actor=None) -> list[Notification]:
    """One notification per user (their own text), in the caller's transaction; messages to send now are
    queued for after the commit."""
    made = []
    for user in users:
        if actor is not None and user.pk == actor.pk:
            continue
        text = texts.text_for(user, kind, tip, forward)
        if text is None:  # may not see the tip: told nothing
            continue
        made.append(
            Notification.objects.create(recipient=user, kind=kind, tip=tip, forward=forward, text=text)
        )
    _queue(made)
    return made


def _queue(notifications: list[Notification]) -> None:
    immediate = []
    for notification in notifications:
        user = notification.recipient
        pref, addresses = preference_of(user), _addresses(user)
        for name in ChannelName.values:
            mode = pref.mode(name)
            if mode == Mode.OFF or not addresses[name]:
                continue
            delivery = Delivery.objects.create(notification=notification, channel=name, mode=mode)
            if mode == Mode.IMMEDIATE:
                immediate.append(delivery.pk)
    if immediate:
        from .tasks import deliver

        transaction.on_commit(lambda: deliver.enqueue(immediate))


def notify_message(
    *, users, text: str, link: str = "", actor=None, kind: str = Kind.WORK
) -> list[Notification]:
    """A notification that is not about a tip (another capability's work: a referral to answer, a plan
    reminder…): the same text for every user, who the caller has already checked may read it; delivered like
    the others (in the app, email, SMS, by each user's choice), in the caller's transaction, sent after the
    commit. ``link`` is a path on this site."""
    made = [
        Notification.objects.create(recipient=user, kind=kind, text=text, link=link[:300])
        for user in users
        if user.is_active and not (actor is not None and user.pk == actor.pk)
    ]
    _queue(made)
    return made


# ------------------------------------------------------------------------------------------ the user's own


def _own(notification: Notification, actor) -> None:
    if not (actor.is_authenticated and actor.is_active and notification.recipient_id == actor.pk):
        raise PermissionDenied("Đây không phải thông báo của bạn.")


def notification_mark_read(*, notification: Notification, actor) -> Notification:
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        _own(notification, actor)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            audit_record(actor=actor, action="notification_read", obj=notification)
        return notification


def notification_mark_all_read(*, actor) -> int:
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
    with transaction.atomic():
        count = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if count:
            audit_record(actor=actor, action="notifications_read", obj=actor, message=f"{count} thông báo")
        return count


def preference_save(*, actor, email: str, sms: str) -> Preference:
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
    if email not in Mode.values or sms not in Mode.values:
        from doantu.tips.services import WorkflowError

        raise WorkflowError("Hãy chọn cách nhận thông báo trong danh sách.")
    with transaction.atomic():
        pref = Preference.objects.select_for_update().filter(user=actor).first() or Preference(user=actor)
        before = {"email": pref.email, "sms": pref.sms}
        pref.email, pref.sms = email, sms
        pref.save()
        changes = {k: [before[k], v] for k, v in (("email", email), ("sms", sms)) if before[k] != v}
        if changes or pref._state.adding:
            audit_record(actor=actor, action="preference_saved", obj=pref, changes=changes)
        return pref


# ------------------------------------------------------------------------------------------------ overdue


def notify_overdue_forwards(*, today=None) -> int:
    """Forwards past their due date and still unanswered, each notified once: the ward's campaign staff (the
    assignee, or all) and the agency asked. Returns how many forwards were notified."""
    from .events import agency_users, ward_handlers

    today = today or timezone.localdate()
    late = (
        Forward.objects.filter(status=ForwardStatus.OPEN, due_date__lt=today, overdue_notice__isnull=True)
        .select_related("agency", "tip", "tip__ward", "tip__source")
        .order_by("pk")
    )
    count = 0
    for forward in late:
        with transaction.atomic():
            forward = Forward.objects.select_for_update().select_related("agency", "tip").get(pk=forward.pk)
            if forward.status != ForwardStatus.OPEN or OverdueNotice.objects.filter(forward=forward).exists():
                continue
            OverdueNotice.objects.create(forward=forward)
            tip = forward.tip
            staff = list(ward_handlers(tip))
            agency = [u for u in agency_users(forward) if u.pk not in {s.pk for s in staff}]
            made = notify_users(kind=Kind.OVERDUE, tip=tip, forward=forward, users=[*staff, *agency])
            audit_record(
                actor=None,
                label=SYSTEM_LABEL,
                action="overdue_notified",
                obj=forward,
                context=tip,
                message=f"Quá hạn trả lời ({forward.due_date:%d/%m/%Y}): đã báo {len(made)} người.",
            )
            count += 1
    return count


# ------------------------------------------------------------------------------------------------ sending


def _message_one(notification: Notification, channel_name: str) -> Message:
    subject = f"[Đoàn Tụ] {notification.get_kind_display()}"
    if channel_name == ChannelName.SMS:  # short, and nothing but the receipt code and the link
        code = notification.tip.receipt_code if notification.tip_id else ""
        return Message(
            subject, f"Đoàn Tụ: {notification.get_kind_display()} {code}. {texts.link(notification)}"
        )
    return Message(subject, f"{notification.text}\n\nXem: {texts.link(notification)}\n")


def _message_digest(deliveries: list[Delivery], channel_name: str) -> Message:
    n = len(deliveries)
    subject = f"[Đoàn Tụ] Bản tin ngày {timezone.localdate():%d/%m/%Y}: {n} thông báo"
    if channel_name == ChannelName.SMS:
        from django.conf import settings
        from django.urls import reverse

        return Message(
            subject, f"Đoàn Tụ: {n} thông báo mới. {settings.SITE_URL.rstrip('/')}{reverse('notify:list')}"
        )
    lines = [
        f"- {timezone.localtime(d.notification.created_at):%H:%M %d/%m}: {d.notification.text}\n"
        f"  {texts.link(d.notification)}"
        for d in deliveries
    ]
    return Message(subject, f"{n} thông báo trong ngày:\n\n" + "\n".join(lines) + "\n")


def _address(user, channel_name: str) -> str:
    return _addresses(user)[channel_name] if user.is_active else ""


def _finish(deliveries: list[Delivery], error: str = "") -> None:
    now = timezone.now()
    for d in deliveries:
        d.attempts += 1
        d.status = DeliveryStatus.FAILED if error else DeliveryStatus.SENT
        d.sent_at = None if error else now
        d.error = error[:200]
        d.save(update_fields=["attempts", "status", "sent_at", "error"])


def _send(deliveries: list[Delivery], message: Message, user, channel_name: str) -> bool:
    address, sender = _address(user, channel_name), channel(channel_name)
    if not address or sender is None:
        _finish(deliveries, "không có địa chỉ nhận hoặc kênh chưa được cấu hình")
        return False
    try:
        sender.send(address, message)
    except DeliveryError as exc:
        log.warning("notification delivery failed (%s, user %s): %s", channel_name, user.pk, exc)
        _finish(deliveries, str(exc))
        return False
    _finish(deliveries)
    return True


def deliveries_send(*, ids: list[int]) -> int:
    """Send these immediate deliveries (still pending), one message each. Returns how many were sent."""
    sent = 0
    for pk in ids:
        with transaction.atomic():
            d = (
                Delivery.objects.select_for_update(of=("self",))
                .select_related("notification__recipient", "notification__tip")
                .filter(pk=pk, status=DeliveryStatus.PENDING, mode=Mode.IMMEDIATE)
                .first()
            )
            if d is None:
                continue
            sent += _send([d], _message_one(d.notification, d.channel), d.notification.recipient, d.channel)
    return sent


def digests_send() -> int:
    """One message per user and channel with every digest item not yet sent. Returns the number of messages."""
    pending = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, mode=Mode.DIGEST)
        .select_related("notification__recipient", "notification__tip")
        .order_by("notification__created_at", "pk")
    )
    groups: dict[tuple[int, str], list[Delivery]] = defaultdict(list)
    for d in pending:
        groups[(d.notification.recipient_id, d.channel)].append(d)
    sent = 0
    for (_user_id, channel_name), items in groups.items():
        with transaction.atomic():
            items = list(
                Delivery.objects.select_for_update(of=("self",))
                .select_related("notification__recipient", "notification__tip")
                .filter(pk__in=[d.pk for d in items], status=DeliveryStatus.PENDING)
                .order_by("notification__created_at", "pk")
            )
            if not items:
                continue
            user = items[0].notification.recipient
            sent += _send(items, _message_digest(items, channel_name), user, channel_name)
    return sent


def tipster_notify(*, tip_id: int, status: str) -> str:
    """Tell the person who gave the tip that it is concluded, by SMS, if they gave a phone and agreed to be
    contacted (checked again now: consent may have been withdrawn). The number is read only here and never
    recorded; the audit trail says that they were told (or why not). Returns what happened."""
    from .events import tipster_may_be_told

    with transaction.atomic():
        tip = Tip.objects.select_for_update().select_related("ward").get(pk=tip_id)
        if tip.status != status or not tipster_may_be_told(tip):
            return "skipped"
        number = mobile_number(tip.reporter_phone)
        sender = channel(ChannelName.SMS)
        status_words = tip.get_status_display()
        if number is None or sender is None:
            why = (
                "số điện thoại không nhận được tin nhắn" if number is None else "chưa cấu hình kênh SMS/Zalo"
            )
            audit_record(
                actor=None,
                label=SYSTEM_LABEL,
                action="reporter_not_notified",
                obj=tip,
                message=f"Chưa nhắn được kết quả “{status_words}” ({why}): hãy gọi điện báo cho người cung cấp.",
            )
            return "not-sent"
        try:
            sender.send(number, Message("Đoàn Tụ", texts.tipster_text(tip)))
        except DeliveryError as exc:
            log.warning("tipster notification failed for tip %s: %s", tip.pk, exc)
            audit_record(
                actor=None,
                label=SYSTEM_LABEL,
                action="reporter_not_notified",
                obj=tip,
                message=f"Nhắn kết quả “{status_words}” không thành công ({exc}): hãy gọi điện báo.",
            )
            return "failed"
        audit_record(
            actor=None,
            label=SYSTEM_LABEL,
            action="reporter_notified",
            obj=tip,
            message=f"Đã nhắn tin báo kết quả “{status_words}” cho người cung cấp.",
        )
        return "sent"


def receipt_send(*, tip_id: int, url: str, channel_name: str) -> str:
    """Send the receipt (``tips.receipts.receipt_text``: the code and the status link, nothing personal) to the
    contact the person gave on that tip, at their request on the receipt page. The address is read only here
    (checked again now: consent may have been withdrawn) and never recorded; the audit trail says that it was
    sent, or why not. Returns what happened."""
    from doantu.tips.access import receipt_contacts
    from doantu.tips.receipts import receipt_text

    with transaction.atomic():
        tip = Tip.objects.select_related("ward").get(pk=tip_id)
        address = receipt_contacts(tip).get(channel_name)
        sender = channel(channel_name) if address else None
        if address is None or sender is None:
            why = "không còn số nhận tin" if address is None else "chưa cấu hình kênh SMS/Zalo"
            audit_record(
                actor=None,
                label=SYSTEM_LABEL,
                action="receipt_not_sent",
                obj=tip,
                message=f"Chưa gửi được biên nhận ({why}).",
            )
            return "not-sent"
        try:
            sender.send(address, Message(f"Biên nhận {tip.receipt_code}", receipt_text(tip, url)))
        except DeliveryError as exc:
            log.warning("receipt for tip %s not sent: %s", tip.pk, exc)
            audit_record(
                actor=None,
                label=SYSTEM_LABEL,
                action="receipt_not_sent",
                obj=tip,
                message=f"Gửi biên nhận không thành công ({exc}).",
            )
            return "failed"
        audit_record(
            actor=None,
            label=SYSTEM_LABEL,
            action="receipt_sent",
            obj=tip,
            message=f"Đã gửi biên nhận qua {CHANNEL_WORDS.get(channel_name, channel_name)} theo yêu cầu.",
        )
        return "sent"


CHANNEL_WORDS = {"sms": "tin nhắn SMS/Zalo", "email": "thư điện tử"}
