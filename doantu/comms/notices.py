"""Telling staff about the communication work through ``doantu.notify`` (in-app, then email/SMS by each person's
own choice). A notice here is about the ward's own work, never about a tip, so it carries no tip."""

from doantu.notify.models import Kind
from doantu.notify.services import notify_message
from doantu.org.models import User

SYSTEM_LABEL = "Hệ thống (thông báo tự động)"


def tell_users(users, text: str) -> int:
    """One notification per active user, in the caller's transaction; sent now or in the digest per their choice."""
    return len(notify_message(users=users, text=text, kind=Kind.STATUS))


def tell_unit(unit, text: str) -> int:
    return tell_users(User.objects.filter(unit=unit, is_active=True).exclude(role=""), text)
