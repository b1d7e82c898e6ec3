"""Reading the communication work: the calendar, targets against what was published, peaks and their checklists,
an item's reach. Every selector that takes a user goes through ``comms.access``."""

import calendar as pycal
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from . import access
from .models import ContentItem, ContentStatus, Peak, Reach, Target, TargetPeriod

# --------------------------------------------------------------------------------------------- calendar


def calendar_items(
    user, start: dt.date, end: dt.date, *, channel=None, unit=None, status: str = "", ward=None
) -> QuerySet[ContentItem]:
    """Items planned from ``start`` to ``end`` (inclusive) that ``user`` may see, filtered."""
    qs = access.items_visible_to(user).filter(planned_date__gte=start, planned_date__lte=end)
    if ward is not None:
        qs = qs.filter(ward=ward)
    if channel is not None:
        qs = qs.filter(channels=channel)
    if unit is not None:
        qs = qs.filter(owner_unit=unit)
    if status:
        qs = qs.filter(status=status)
    return (
        qs.select_related("owner_unit", "owner", "ward")
        .prefetch_related("channels")
        .distinct()
        .order_by("planned_date", "planned_time", "pk")
    )


def month_grid(year: int, month: int) -> list[list[dt.date]]:
    """Weeks (Monday first, as Vietnamese calendars) covering the month, each a list of 7 dates."""
    return pycal.Calendar(firstweekday=0).monthdatescalendar(year, month)


def week_of(day: dt.date) -> list[dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=i) for i in range(7)]


# ---------------------------------------------------------------------------------------------- targets


@dataclass
class TargetProgress:
    target: Target
    done: int
    period_start: dt.date
    period_end: dt.date
    today: dt.date

    @property
    def minimum(self) -> int:
        return self.target.minimum

    @property
    def days_left(self) -> int:
        return max((self.period_end - self.today).days, 0)

    @property
    def met(self) -> bool:
        return self.done >= self.target.minimum

    @property
    def behind(self) -> bool:
        return not self.met

    @property
    def warn_now(self) -> bool:
        """From the target's warning day of the month (or, for a weekly target, its weekday number 1–7)."""
        if self.target.period == TargetPeriod.WEEK:
            return self.today.isoweekday() >= min(self.target.warn_from_day, 7)
        return self.today.day >= self.target.warn_from_day

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.target.minimum)) if self.target.minimum else 100

    @property
    def period_key(self) -> str:
        return f"{self.target.period}:{self.period_start.isoformat()}"

    @property
    def period_label(self) -> str:
        if self.target.period == TargetPeriod.WEEK:
            return f"tuần {self.period_start:%d/%m}–{self.period_end:%d/%m/%Y}"
        return f"tháng {self.period_start.month}/{self.period_start.year}"

    @property
    def kind_labels(self) -> str:
        from .models import ContentKind

        return ", ".join(
            str(ContentKind(k).label).lower() for k in self.target.kinds if k in ContentKind.values
        )

    @property
    def text(self) -> str:
        """ "2/3 — còn 9 ngày" (the issue's words)."""
        if self.met:
            return f"{self.done}/{self.target.minimum} — đã đạt"
        return f"{self.done}/{self.target.minimum} — còn {self.days_left} ngày"


def period_of_month(day: dt.date) -> tuple[dt.date, dt.date]:
    return day.replace(day=1), day.replace(day=pycal.monthrange(day.year, day.month)[1])


def period_of(target: Target, day: dt.date) -> tuple[dt.date, dt.date]:
    if target.period == TargetPeriod.WEEK:
        days = week_of(day)
        return days[0], days[-1]
    last = pycal.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def counted_items(target: Target, start: dt.date, end: dt.date) -> QuerySet[ContentItem]:
    """Published items of the target's kinds (on its channels) in the period: what the target counts."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = ContentItem.objects.filter(
        ward=target.ward, status=ContentStatus.PUBLISHED, published_at__gte=since, published_at__lt=until
    )
    if target.kinds:
        qs = qs.filter(kind__in=target.kinds)
    if target.social_only:
        qs = qs.filter(channels__social=True)
    if target.channel_kinds:
        qs = qs.filter(channels__kind__in=target.channel_kinds)
    return qs.distinct()


def target_progress(target: Target, *, today: dt.date | None = None) -> TargetProgress:
    today = today or timezone.localdate()
    start, end = period_of(target, today)
    return TargetProgress(target, counted_items(target, start, end).count(), start, end, today)


def targets_for(user, *, today: dt.date | None = None, ward=None) -> list[TargetProgress]:
    qs = access.targets_visible_to(user).filter(active=True).select_related("ward", "owner_unit")
    if ward is not None:
        qs = qs.filter(ward=ward)
    return [target_progress(t, today=today) for t in qs]


# ------------------------------------------------------------------------------------------------ peaks


@dataclass
class PeakView:
    peak: Peak
    days_to: int
    total: int
    done: int

    @property
    def countdown(self) -> str:
        if self.days_to > 0:
            return f"còn {self.days_to} ngày"
        if self.days_to == 0:
            return "hôm nay"
        return f"đã qua {-self.days_to} ngày"


def peaks_for(user, *, today: dt.date | None = None, upcoming_only: bool = False) -> list[PeakView]:
    today = today or timezone.localdate()
    qs = (
        access.peaks_visible_to(user)
        .select_related("peak_date")
        .annotate(total=Count("checklist"), done_count=Count("checklist", filter=Q(checklist__done=True)))
    )
    if upcoming_only:
        qs = qs.filter(peak_date__date__gte=today)
    return [PeakView(p, (p.peak_date.date - today).days, p.total, p.done_count) for p in qs]


def peak_visible(user, pk: int) -> Peak:
    return access.peaks_visible_to(user).select_related("peak_date", "ward").get(pk=pk)


# ------------------------------------------------------------------------------------------------ reach


def item_reach_totals(user, item: ContentItem) -> dict[str, int]:
    """Latest figures per channel and origin, summed over channels (figures are cumulative as measured)."""
    access.require(access.can_view_item(user, item))
    latest: dict[tuple, Reach] = {}
    for row in Reach.objects.filter(item=item).order_by("measured_on"):
        latest[(row.channel_id, row.origin)] = row
    fields = ("views", "reactions", "shares", "comments", "broadcasts")
    return {f: sum(getattr(r, f) for r in latest.values()) for f in fields}


def reach_sum(qs: QuerySet[Reach]) -> dict:
    return qs.aggregate(**{f: Sum(f) for f in ("views", "reactions", "shares", "comments", "broadcasts")})


# --------------------------------------------------------------------------------------------- timeline


def item_timeline(user, item: ContentItem) -> list[dict]:
    """The item's audit trail in words (its own steps, its files and reach)."""
    from doantu.audit import labels
    from doantu.audit.models import AuditEntry

    access.require(access.can_view_item(user, item))
    entries = AuditEntry.objects.for_context(item).select_related("actor")
    return [
        {
            "at": e.at,
            "actor": e.actor_label,
            "action": labels.action_label(e.action),
            "changes": [labels.change_row(e.object_type, f, b, a) for f, (b, a) in (e.changes or {}).items()],
            "message": e.message if e.message != item.title else "",
        }
        for e in entries
    ]


# ------------------------------------------------------------------------------------ commendations (honours)


def published_items(user, ward, query: str = "") -> QuerySet[ContentItem]:
    """Items of ``ward`` published (or activities held) that ``user`` may see, newest first: what a unit or a
    person may be commended for (issue 10, "communication items published")."""
    qs = access.items_visible_to(user).filter(ward=ward, status=ContentStatus.PUBLISHED)
    if query := (query or "").strip():
        qs = qs.filter(Q(title__icontains=query) | Q(owner_unit__name__icontains=query))
    return qs.select_related("owner_unit", "owner").order_by("-published_at", "-pk")


def item_still_published(pk: int) -> bool:
    """Whether the item is still published (a withdrawn item is no longer cited). A fact, nothing shown."""
    return ContentItem.objects.filter(pk=pk, status=ContentStatus.PUBLISHED).exists()
