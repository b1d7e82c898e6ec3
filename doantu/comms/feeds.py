"""The private calendar feed (ICS) of a person or a unit: a secret link a phone's calendar subscribes to. The token
is the key; a revoked feed, or one whose owner may no longer see the communication work, answers nothing."""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from . import access
from .models import CalendarFeed, ContentStatus

# How far the feed reaches: the past two months (to see what was done) and the campaign's year ahead.
PAST_DAYS = 62
AHEAD_DAYS = 400
EVENT_MINUTES = 60  # an item with a time shows as a one-hour block


def feed_items(feed: CalendarFeed):
    user = feed.user
    if feed.revoked_at is not None or not access.can_view(user):
        return None
    today = timezone.localdate()
    qs = access.items_visible_to(user).filter(
        planned_date__gte=today - dt.timedelta(days=PAST_DAYS),
        planned_date__lte=today + dt.timedelta(days=AHEAD_DAYS),
    )
    if feed.unit_id:
        if not access.can_own_feed(user, feed.unit):
            return None
        qs = qs.filter(owner_unit=feed.unit)
    else:
        qs = qs.filter(Q(owner=user) | Q(created_by=user))
    return (
        qs.exclude(status=ContentStatus.WITHDRAWN).select_related("owner_unit").prefetch_related("channels")
    )


def feed_ics(token: str) -> bytes | None:
    feed = CalendarFeed.objects.select_related("user", "unit").filter(token=token).first()
    if feed is None:
        return None
    items = feed_items(feed)
    if items is None:
        return None
    cal = Calendar()
    cal.add("prodid", "-//Doan Tu//Truyen thong//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Truyền thông — {feed.unit.label if feed.unit_id else feed.user.display_name}")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    tz = timezone.get_current_timezone()
    for item in items:
        event = Event()
        event.add("uid", f"comms-item-{item.pk}@doantu")
        event.add("summary", f"[{item.get_status_display()}] {item.title}")
        if item.planned_time:
            start = dt.datetime.combine(item.planned_date, item.planned_time, tzinfo=tz)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(minutes=EVENT_MINUTES))
        else:
            event.add("dtstart", item.planned_date)
            event.add("dtend", item.planned_date + dt.timedelta(days=1))
        channels = ", ".join(c.name for c in item.channels.all())
        lines = [
            item.get_kind_display(),
            f"Kênh: {channels}" if channels else "",
            f"Đơn vị: {item.owner_unit.label}",
        ]
        event.add("description", "\n".join(x for x in lines if x))
        if item.place:
            event.add("location", item.place)
        if site:
            event.add("url", site + reverse("comms:item", args=[item.pk]))
        event.add("dtstamp", item.updated_at)
        cal.add_component(event)
    return cal.to_ical()
