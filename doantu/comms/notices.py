"""Telling staff about the communication work through ``doantu.notify`` (in-app, then email/SMS by each person's
own choice). A notice here is about the ward's own work, never about a tip, so it carries no tip."""

from django.db import transaction

from doantu.notify.models import ChannelName, Delivery, Kind, Mode, Notification
from doantu.notify.services import _addresses, preference_of
from doantu.org.models import User

SYSTEM_LABEL = "Hệ thống (thông báo tự động)"


def tell_users(users, text: str) -> int:
    """One notification per active user, in the caller's transaction; sent now or in the digest per their choice."""
    immediate, told = [], 0
    for user in users:
        if not user.is_active:
            continue
        notification = Notification.objects.create(recipient=user, kind=Kind.STATUS, text=text)
        told += 1
        pref, addresses = preference_of(user), _addresses(user)
        for name in ChannelName.values:
            mode = pref.mode(name)
            if mode == Mode.OFF or not addresses[name]:
                continue
            delivery = Delivery.objects.create(notification=notification, channel=name, mode=mode)
            if mode == Mode.IMMEDIATE:
                immediate.append(delivery.pk)
    if immediate:
        from doantu.notify.tasks import deliver

        transaction.on_commit(lambda: deliver.enqueue(immediate))
    return told


def tell_unit(unit, text: str) -> int:
    return tell_users(User.objects.filter(unit=unit, is_active=True).exclude(role=""), text)
