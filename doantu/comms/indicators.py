"""Figures of the communication work for the indicators registry (plan V.4 "hiệu quả công tác tuyên truyền"):
what was published in the period, by kind and channel, and output against each of the ward's targets. Pure reads:
``doantu.indicators`` checks who may see them."""

import datetime as dt

from django.db.models import Count, Max

from doantu.indicators import Breakdown, Row, indicator, per_ward, within

from .models import ContentItem, ContentKind, ContentStatus, Reach, Target, TargetPeriod


def published(unit, period):
    return ContentItem.objects.filter(
        within(unit), status=ContentStatus.PUBLISHED, **period.lookup("published_at")
    )


@indicator(
    "comms.published",
    label="Sản phẩm truyền thông đã đăng / thực hiện",
    unit="sản phẩm",
    section="comms",
    order=10,
)
def comms_published(unit, period):
    return published(unit, period).count()


def _per_ward(qs) -> dict:
    return dict(qs.order_by().values("ward").annotate(n=Count("id")).values_list("ward", "n"))


@per_ward("comms.published")
def _published_per_ward(province, period):
    return _per_ward(published(province, period))


@indicator(
    "comms.published_by_kind", label="Sản phẩm đã đăng theo loại", unit="sản phẩm", section="comms", order=20
)
def comms_published_by_kind(unit, period):
    counts = dict(published(unit, period).order_by().values_list("kind").annotate(n=Count("id")))
    return Breakdown(
        "Loại sản phẩm", ["Số sản phẩm"], [Row(k, str(v), [counts.get(k, 0)]) for k, v in ContentKind.choices]
    )


@indicator(
    "comms.own_production",
    label="Sản phẩm phường tự sản xuất đã đăng",
    unit="sản phẩm",
    section="comms",
    order=30,
)
def comms_own_production(unit, period):
    return published(unit, period).filter(production="own").count()


@per_ward("comms.own_production")
def _own_production_per_ward(province, period):
    return _per_ward(published(province, period).filter(production="own"))


@indicator("comms.views", label="Lượt xem, tiếp cận (số đo mới nhất của mỗi sản phẩm đăng trong kỳ)", unit="lượt",
           section="comms", order=40)  # fmt: skip
def comms_views(unit, period):
    items = published(unit, period)
    latest = Reach.objects.filter(item__in=items).values("item", "channel", "origin").annotate(v=Max("views"))
    return sum(row["v"] or 0 for row in latest)


@per_ward("comms.views")
def _views_per_ward(province, period):
    items = published(province, period)
    latest = (
        Reach.objects.filter(item__in=items)
        .values("item__ward", "item", "channel", "origin")
        .annotate(v=Max("views"))
    )
    out: dict = {}
    for row in latest:
        out[row["item__ward"]] = out.get(row["item__ward"], 0) + (row["v"] or 0)
    return out


def _periods_in(target: Target, period) -> int:
    """How many of the target's periods (months or ISO weeks) the reporting period spans."""
    if target.period == TargetPeriod.WEEK:
        return len(period.weeks())
    months, day = 0, period.start.replace(day=1)
    while day <= period.end:
        months += 1
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


@indicator(
    "comms.targets", label="Sản phẩm truyền thông so với chỉ tiêu", unit="sản phẩm", section="comms", order=50
)
def comms_targets(unit, period):
    """Per target: what it counts in the period, against its minimum times the months (or weeks) spanned."""
    from .selectors import counted_items

    rows = []
    for target in (
        Target.objects.filter(within(unit), active=True).select_related("ward").order_by("ward", "code")
    ):
        done = counted_items(target, period.start, period.end).count()
        rows.append(
            Row(
                str(target.pk),
                f"{target.name} ({target.ward.label})",
                [done, target.minimum * _periods_in(target, period)],
            )
        )
    return Breakdown("Chỉ tiêu", ["Đã đạt", "Chỉ tiêu tối thiểu"], rows, totals=False)
