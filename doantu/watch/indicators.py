"""The watch's figures (plan V.4 and I.2: "kịp thời phát hiện, phản ánh và phối hợp xử lý các thông tin sai sự
thật"), registered with ``doantu.indicators`` (found automatically), per unit (a ward, or a province's wards) and
period. Functions are pure reads; ``indicators.compute``/``figures`` check who may see them. They count entries and
actions only, never a claim, a link or evidence.

- ``watch.open_items``: entries still being handled at the end of the period (found by then, not closed);
- ``watch.time_to_rebuttal``: median days from an entry's first sighting to its first published rebuttal, for
  entries whose first rebuttal was published in the period;
- ``watch.referrals``: referrals to the ward police made in the period, by where they stand now.
"""

from __future__ import annotations

import statistics

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from doantu.indicators import Breakdown, Period, Row, indicator, per_ward, within
from doantu.org.models import Role, UnitKind

from .access import READERS
from .models import Action, ActionKind, ActionStatus, Entry, EntryStatus

# "Restricted to the culture office, the police, the Party building board and leadership ... Figures: ..." (issue 10):
# the watch's readers see its counts, and the province, which receives the ward's figures upward (counts only).
FIGURE_ROLES = frozenset(READERS | {Role.PROVINCE})

REFERRAL_STATUSES = (ActionStatus.SENT, ActionStatus.RECEIVED, ActionStatus.HANDLING, ActionStatus.RESOLVED)


def _list(unit, period, key=None) -> str | None:
    return reverse("watch:list") if unit.kind == UnitKind.WARD else None


def open_at_end(unit, period: Period):
    _start, end = period.range()
    closed_later = Q(status=EntryStatus.CLOSED, closed_at__gte=end)
    return Entry.objects.filter(within(unit), found_at__lt=end).filter(
        Q(status=EntryStatus.OPEN) | closed_later
    )


@indicator(
    "watch.open_items",
    label="Tin sai sự thật đang xử lý",
    unit="tin",
    section="watch",
    roles=FIGURE_ROLES,
    order=10,
    drill=_list,
    description="Tin đã phát hiện đến cuối kỳ mà chưa kết thúc xử lý.",
)
def open_items(unit, period: Period) -> int:
    return open_at_end(unit, period).count()


@per_ward("watch.open_items")
def _open_items_per_ward(province, period: Period) -> dict:
    rows = open_at_end(province, period).order_by().values("ward").annotate(n=Count("pk"))
    return {r["ward"]: r["n"] for r in rows}


def rebuttal_days(unit, period: Period) -> list[int]:
    firsts = (
        Action.objects.filter(
            within(unit, "entry__ward"), kind=ActionKind.REBUTTAL, status=ActionStatus.PUBLISHED
        )
        .values("entry_id", "entry__first_seen")
        .annotate(first=Min("published_at"))
    )
    start, end = period.range()
    return [
        max(0, (timezone.localtime(row["first"]).date() - row["entry__first_seen"]).days)
        for row in firsts
        if row["first"] is not None and start <= row["first"] < end
    ]


@indicator(
    "watch.time_to_rebuttal",
    label="Thời gian từ khi tin xuất hiện đến khi phản bác (trung vị)",
    unit="ngày",
    section="watch",
    roles=FIGURE_ROLES,
    order=20,
    drill=_list,
)
def time_to_rebuttal(unit, period: Period) -> float | None:
    days = rebuttal_days(unit, period)
    return statistics.median(days) if days else None


@indicator(
    "watch.referrals",
    label="Tin chuyển Công an phường xử lý",
    unit="tin",
    section="watch",
    roles=FIGURE_ROLES,
    order=30,
    drill=_list,
)
def referrals(unit, period: Period) -> Breakdown:
    made = Action.objects.filter(
        within(unit, "entry__ward"), kind=ActionKind.POLICE_REFERRAL, **period.lookup("created_at")
    )
    counts = {s: made.filter(status=s).count() for s in REFERRAL_STATUSES}
    return Breakdown(
        "Tình trạng", ["Số tin"], [Row(s, ActionStatus(s).label, [counts[s]]) for s in REFERRAL_STATUSES]
    )
