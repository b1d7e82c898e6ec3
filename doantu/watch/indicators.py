"""The watch's figures (plan V.4: "thường xuyên theo dõi, đánh giá kết quả"), one function per indicator, per
ward and period, for the indicators registry and the watch's own page. Each takes the ward (an ``OrgUnit``) and
an optional period (``start``, ``end``: dates, inclusive) and returns plain numbers; access to the figures is
decided by whoever shows them (they carry no content of any entry).

- ``open_items``: entries still being handled (found in the period, or all when no period);
- ``time_to_rebuttal``: days from an entry's first sighting to its first published rebuttal (median, mean,
  count), for rebuttals published in the period;
- ``referrals``: referrals to the ward police by status (sent, received, handling, resolved) and how many were
  resolved in the period.
"""

import datetime as dt
import statistics

from django.utils import timezone

from .models import Action, ActionKind, ActionStatus, Entry, EntryStatus


def _entries(ward):
    return Entry.objects.filter(ward=ward)


def _in_period(qs, field: str, start: dt.date | None, end: dt.date | None):
    if start:
        qs = qs.filter(**{f"{field}__date__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__date__lte": end})
    return qs


def open_items(*, ward, start: dt.date | None = None, end: dt.date | None = None) -> int:
    return _in_period(_entries(ward).filter(status=EntryStatus.OPEN), "found_at", start, end).count()


def time_to_rebuttal(*, ward, start: dt.date | None = None, end: dt.date | None = None) -> dict:
    published = _in_period(
        Action.objects.filter(
            entry__ward=ward,
            kind=ActionKind.REBUTTAL,
            status=ActionStatus.PUBLISHED,
            published_at__isnull=False,
        ),
        "published_at",
        start,
        end,
    ).select_related("entry")
    first: dict[int, tuple[dt.date, dt.datetime]] = {}
    for action in published:
        seen = action.entry.first_seen
        if action.entry_id not in first or action.published_at < first[action.entry_id][1]:
            first[action.entry_id] = (seen, action.published_at)
    days = [max(0, (timezone.localtime(at).date() - seen).days) for seen, at in first.values()]
    return {
        "count": len(days),
        "median_days": statistics.median(days) if days else None,
        "mean_days": round(statistics.fmean(days), 1) if days else None,
    }


def referrals(*, ward, start: dt.date | None = None, end: dt.date | None = None) -> dict:
    qs = Action.objects.filter(entry__ward=ward, kind=ActionKind.POLICE_REFERRAL)
    made = _in_period(qs, "created_at", start, end)
    by_status = {s: made.filter(status=s).count() for s in ("sent", "received", "handling", "resolved")}
    resolved = _in_period(qs.filter(status=ActionStatus.RESOLVED), "ended_at", start, end).count()
    return {
        "total": made.exclude(status=ActionStatus.CANCELLED).count(),
        "by_status": by_status,
        "resolved": resolved,
    }


# name -> (label, function): what the indicators registry collects from this app.
INDICATORS = {
    "watch.open_items": ("Tin sai sự thật đang xử lý", open_items),
    "watch.time_to_rebuttal": ("Thời gian từ khi xuất hiện đến khi phản bác (ngày)", time_to_rebuttal),
    "watch.referrals": ("Tin chuyển Công an phường xử lý", referrals),
}
