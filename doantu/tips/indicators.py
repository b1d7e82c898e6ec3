"""The tip figures of the plan's V.4 ("the number of pieces of information received, the cases verified, the
participation of organisations and individuals"), registered with ``doantu.indicators`` (found automatically).

Every function counts tips of ``unit`` (a ward, or the wards of a province) by the day they were received in the
ward's time zone, so the list behind a figure (the inbox filtered by the same days) shows exactly what it counts.
"""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from django.db.models import BigIntegerField, CharField, Count, OuterRef, Q, Subquery
from django.db.models.functions import Cast, TruncDate
from django.urls import reverse
from django.utils import timezone

from doantu.audit.models import AuditEntry
from doantu.indicators import Breakdown, Period, Row, indicator, per_ward, shared, within
from doantu.org.models import OrgUnit, UnitKind

from .models import IntakeChannel, Source, SourceKind, Tip, TipKind, TipStatus, kinds_q

TIP_CONTEXT = "tips.tip"  # AuditEntry.context_type of a tip's timeline (Model._meta.label_lower)
# The first thing staff do with a new tip (tips.services): start reviewing, forward, conclude or close it.
FIRST_REVIEW_ACTIONS = ("review_started", "forwarded", "concluded", "closed")


def _counted_entry(entry) -> bool:
    """An audit entry the tip figures read (a tip's first review, its conclusion)."""
    return entry.context_type == TIP_CONTEXT and entry.action in FIRST_REVIEW_ACTIONS


# The tip figures read those entries of the audit trail: recording one renews them even where the tip itself is
# not saved with it (``indicators.apps``); the audit trail's other entries (every app writes there) do not.
ALSO_COUNTS = {"audit": _counted_entry}
NO_SOURCE = "none"
NO_GROUP = "none"


def tips_of(unit):
    """The tips of ``unit``: its own (a ward) or those of its wards (a province), by the list of the province's
    ward ids (read once per shared scope) rather than ``within``'s join on the unit path, whose prefix match
    PostgreSQL estimates at one row: it then nests a loop over the wards around the rest of the plan (10 s for
    the verified-in-period count of 100 wards at 1,000,000 tips; 60 ms with the list). A tip's ward is always
    a ward (its source's), so both select the same tips."""
    if unit.kind == UnitKind.WARD:
        return Tip.objects.filter(ward=unit)
    ids = shared(
        ("tips.ward_ids", unit.pk),
        lambda: list(
            OrgUnit.objects.filter(kind=UnitKind.WARD, path__startswith=unit.path + "/").values_list(
                "pk", flat=True
            )
        ),
    )
    return Tip.objects.filter(ward__in=ids)


def received(unit, period: Period):
    return tips_of(unit).filter(**period.lookup("created_at"))


def _inbox(unit, period: Period, **filters) -> str | None:
    if unit.kind != UnitKind.WARD:
        return None
    query = {"date_from": period.start.isoformat(), "date_to": period.end.isoformat(), **filters}
    return f"{reverse('staff:inbox')}?{urlencode(query)}"


def _drill_by(param: str, none_key: str | None = None):
    def drill(unit, period, key):
        if key is None:
            return _inbox(unit, period)
        if key == none_key:
            return None  # the inbox has no "without" filter
        return _inbox(unit, period, **{param: key})

    return drill


# Who counts as one contributor (``_participation``): the named tips by their contact hash; each other tip is one.
KEYED = Q(anonymous=False) & ~Q(contact_key="")


def _ward_tallies(unit, period: Period, *, every: bool = True) -> dict:
    """``{ward id: counts}``: the plain counts of the tips received (in all, by status, channel and kind, offering
    DNA, and the contributors: distinct contact hashes plus the tips without one) per ward of ``unit`` in ONE
    grouped query, once per shared scope: the dashboard's figures read it for one ward (one row). The province
    view's grouped forms read the few they need (``every=False``: in all, verified, awaiting review, offering DNA,
    contributors) for every ward: the counts by kind test each tip's JSON list of kinds, which tripled the time
    of this query over a province's month (1.06 s instead of 0.36 s at 1,000,000 tips)."""
    statuses = TipStatus.values if every else [TipStatus.VERIFIED, TipStatus.NEW]

    def read():
        rows = (
            received(unit, period)
            .order_by()
            .values("ward")
            .annotate(
                total=Count("pk"),
                dna_offer=Count("pk", filter=Q(dna_offer=True)),
                people=Count("contact_key", distinct=True, filter=KEYED),
                unkeyed=Count("pk", filter=~KEYED),
                **{f"status_{v}": Count("pk", filter=Q(status=v)) for v in statuses},
                **(
                    {f"channel_{v}": Count("pk", filter=Q(channel=v)) for v in IntakeChannel.values}
                    if every
                    else {}
                ),
                **({f"kind_{v}": Count("pk", filter=kinds_q(v)) for v in TipKind.values} if every else {}),
            )
        )
        out = {}
        for row in rows:
            ward = row.pop("ward")
            row["contributors"] = row["people"] + row["unkeyed"]
            out[ward] = row
        return out

    return shared(("tips.ward_tallies", unit.pk, period, every), read)


TALLY_COLUMNS = (
    "total",
    "dna_offer",
    "contributors",
    *(f"status_{v}" for v in TipStatus.values),
    *(f"channel_{v}" for v in IntakeChannel.values),
    *(f"kind_{v}" for v in TipKind.values),
)


def _tallies(unit, period: Period) -> dict[str, int]:
    """The counts of ``_ward_tallies`` summed over the unit's wards (a contributor who gave tips in two wards of a
    province counts in each, as the province's figure has always summed its wards)."""
    rows = _ward_tallies(unit, period).values()
    return {column: sum(row[column] for row in rows) for column in TALLY_COLUMNS}


def _counts(qs, field: str) -> dict:
    return {row[field]: row["n"] for row in qs.order_by().values(field).annotate(n=Count("pk"))}


# The province view's grouped forms (``per_ward``): the same filters, one GROUP BY ward for every ward at once.


def _tally_per_ward(column: str):
    def fn(province, period):
        return {ward: row[column] for ward, row in _ward_tallies(province, period, every=False).items()}

    return fn


per_ward("tips.received")(_tally_per_ward("total"))
per_ward("tips.verified")(_tally_per_ward(f"status_{TipStatus.VERIFIED}"))
per_ward("tips.awaiting_review")(_tally_per_ward(f"status_{TipStatus.NEW}"))
per_ward("tips.dna_offers")(_tally_per_ward("dna_offer"))
per_ward("tips.contributors")(_tally_per_ward("contributors"))


# ------------------------------------------------------------------------------------------------ received


@indicator(
    "tips.received",
    label="Thông tin đã tiếp nhận",
    unit="tin",
    section="tips",
    order=10,
    drill=lambda unit, period, key: _inbox(unit, period),
)
def tips_received(unit, period):
    """Every tip received in the period (all channels, duplicates included)."""
    return _tallies(unit, period)["total"]


@indicator(
    "tips.received_by_kind",
    label="Thông tin theo loại",
    unit="tin",
    section="tips",
    order=20,
    drill=_drill_by("kind"),
)
def tips_received_by_kind(unit, period):
    """A tip of several kinds (a relative who also sends the death notice) counts under each of them, as the
    inbox's kind filter finds it: the rows add up to more than the tips received, so no total row."""
    tallies = _tallies(unit, period)
    counts = {k.value: tallies[f"kind_{k.value}"] for k in TipKind}
    return Breakdown(
        "Loại thông tin",
        ["Số tin"],
        [Row(k.value, k.label, [counts[k.value]]) for k in TipKind],
        totals=False,
    )


def _source_counts(unit, period: Period) -> dict:
    """``{source id (None: no QR code): tips received}``, once per shared scope (two indicators read it)."""
    return shared(("tips.source_counts", unit.pk, period), lambda: _counts(received(unit, period), "source"))


def _sources(unit) -> list[Source]:
    """The unit's QR sources, once per shared scope."""
    return shared(
        ("tips.sources", unit.pk), lambda: list(Source.objects.filter(within(unit)).order_by("kind", "name"))
    )


@indicator(
    "tips.received_by_source_kind",
    label="Thông tin theo loại nguồn (kênh truyền thông)",
    unit="tin",
    section="tips",
    order=30,
)
def tips_received_by_source_kind(unit, period):
    """Which kind of channel brought the tip (banner, loudspeaker, portal, Zalo...), by its QR code's source."""
    per_source = _source_counts(unit, period)
    kinds = {s.pk: s.kind for s in _sources(unit)}
    if (
        set(per_source) - set(kinds) - {None}
    ):  # a tip's source is in its ward: never, but counted right anyway
        kinds.update(Source.objects.filter(pk__in=list(per_source)).values_list("pk", "kind"))
    counts: Counter = Counter()
    for source, n in per_source.items():
        counts[kinds.get(source)] += n
    rows = [Row(k.value, k.label, [counts.get(k.value, 0)]) for k in SourceKind]
    rows.append(Row(NO_SOURCE, "Không qua mã QR", [counts.get(None, 0)]))
    return Breakdown("Loại nguồn", ["Số tin"], rows)


@indicator(
    "tips.received_by_source",
    label="Thông tin theo nguồn (từng mã QR)",
    unit="tin",
    section="tips",
    order=40,
    drill=_drill_by("source", NO_SOURCE),
    province=False,
)
def tips_received_by_source(unit, period):
    counts = _source_counts(unit, period)
    rows = [Row(str(s.pk), s.name, [counts.get(s.pk, 0)]) for s in _sources(unit)]
    rows.append(Row(NO_SOURCE, "Không qua mã QR", [counts.get(None, 0)]))
    return Breakdown("Nguồn", ["Số tin"], rows)


@indicator(
    "tips.received_by_channel",
    label="Thông tin theo cách gửi",
    unit="tin",
    section="tips",
    order=50,
)
def tips_received_by_channel(unit, period):
    """How the tip reached the ward: the web form, the API, or entered by staff from paper, phone or in person."""
    tallies = _tallies(unit, period)
    counts = {c: tallies[f"channel_{c}"] for c in IntakeChannel.values}
    return Breakdown(
        "Cách gửi", ["Số tin"], [Row(c.value, c.label, [counts.get(c.value, 0)]) for c in IntakeChannel]
    )


OWNER_KINDS = {
    "school": [UnitKind.SCHOOL],
    "organisation": [UnitKind.ASSOCIATION, UnitKind.AGENCY],
}


def _units_under(unit) -> list[OrgUnit]:
    """The residential groups, schools and organisations under ``unit`` (sorted as the unit tree shows them) in
    one query, once per shared scope: the rows of the participation tables."""
    kinds = [UnitKind.RESIDENTIAL_GROUP, *(k for ks in OWNER_KINDS.values() for k in ks)]
    return shared(
        ("tips.units_under", unit.pk),
        lambda: list(
            OrgUnit.objects.filter(kind__in=kinds, path__startswith=unit.path + "/").order_by(
                "sort_order", "path"
            )
        ),
    )


def _groups(unit) -> list[OrgUnit]:
    return [u for u in _units_under(unit) if u.kind == UnitKind.RESIDENTIAL_GROUP]


@indicator(
    "tips.received_by_group",
    label="Thông tin theo tổ dân phố",
    unit="tin",
    section="tips",
    order=60,
    drill=_drill_by("residential_group", NO_GROUP),
    province=False,
)
def tips_received_by_group(unit, period):
    counts = {group: n for group, (n, _people) in _group_participation(unit, period).items()}
    rows = [Row(str(g.pk), g.label, [counts.get(g.pk, 0)]) for g in _groups(unit)]
    rows.append(Row(NO_GROUP, "Chưa rõ tổ dân phố", [counts.get(None, 0)]))
    return Breakdown("Tổ dân phố", ["Số tin"], rows)


def _week_drill(unit, period, key):
    if key is None:
        return _inbox(unit, period)
    week = Period.parse(key)
    clipped = Period.custom(max(week.start, period.start), min(week.end, period.end))
    return _inbox(unit, clipped)


@indicator(
    "tips.received_by_week",
    label="Thông tin theo tuần",
    unit="tin",
    section="tips",
    order=70,
    drill=_week_drill,
)
def tips_received_by_week(unit, period):
    """Per ISO week (Monday–Sunday) overlapping the period; the first and last week count only the period's days."""
    tz = timezone.get_current_timezone()
    per_day = (
        received(unit, period)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
    )
    per_week: Counter = Counter()
    for row in per_day:
        per_week[Period.week_of(row["day"]).key] += row["n"]
    rows = []
    for week in period.weeks():
        start, end = max(week.start, period.start), min(week.end, period.end)
        label = f"Tuần {week.start.isocalendar().week} ({start:%d/%m} – {end:%d/%m})"
        rows.append(Row(week.key, label, [per_week.get(week.key, 0)]))
    return Breakdown("Tuần", ["Số tin"], rows)


@indicator(
    "tips.by_status",
    label="Tình trạng xử lý thông tin tiếp nhận trong kỳ",
    unit="tin",
    section="verification",
    order=10,
    drill=_drill_by("status"),
)
def tips_by_status(unit, period):
    tallies = _tallies(unit, period)
    counts = {v: tallies[f"status_{v}"] for v in TipStatus.values}
    return Breakdown(
        "Trạng thái", ["Số tin"], [Row(s.value, s.label, [counts.get(s.value, 0)]) for s in TipStatus]
    )


# ------------------------------------------------------------------------------------------------ verification


@indicator(
    "tips.verified",
    label="Thông tin tiếp nhận trong kỳ đã được xác minh",
    unit="tin",
    section="verification",
    order=20,
    drill=lambda unit, period, key: _inbox(unit, period, status=TipStatus.VERIFIED),
)
def tips_verified(unit, period):
    """Tips received in the period whose conclusion today is "verified"."""
    return _tallies(unit, period)[f"status_{TipStatus.VERIFIED}"]


def _tip_ids(qs):
    return qs.order_by().annotate(ref=Cast("pk", CharField())).values("ref")


def _conclusions(unit, period: Period) -> list[tuple[int, Any, str | None, Any]]:
    """(tip id, when, outcome, when the tip was received) of the conclusions recorded in the period on tips of
    ``unit``, in one query (read once per ``figures`` call: two indicators use them)."""

    def read():
        entries = (
            AuditEntry.objects.filter(
                context_type=TIP_CONTEXT,
                object_type=TIP_CONTEXT,
                action="concluded",
                context_id__in=_tip_ids(tips_of(unit)),
                **period.lookup("at"),
            )
            .annotate(
                received_at=Subquery(
                    Tip.objects.filter(pk=Cast(OuterRef("context_id"), BigIntegerField())).values(
                        "created_at"
                    )[:1]
                )
            )
            .values_list("context_id", "at", "changes", "received_at")
        )
        out = []
        for tip_id, at, changes, received_at in entries:
            status = (changes or {}).get("status")
            outcome = status[1] if isinstance(status, list) and len(status) == 2 else None
            out.append((int(tip_id), at, outcome, received_at))
        return out

    return shared(("tips.conclusions", unit.pk, period), read)


@indicator(
    "tips.verified_in_period",
    label="Trường hợp được xác minh trong kỳ",
    unit="trường hợp",
    section="verification",
    order=30,
)
def tips_verified_in_period(unit, period):
    """Tips (received at any time) concluded "verified" during the period (from the audit trail)."""
    return len(
        {
            tip_id
            for tip_id, _at, outcome, _received in _conclusions(unit, period)
            if outcome == TipStatus.VERIFIED
        }
    )


@per_ward("tips.verified_in_period")
def _verified_in_period_per_ward(province, period):
    # The period's "verified" conclusions first, then their tips' wards, joined in the database: "the tips of
    # every ward of the province" is most of the table, too big a list to match the audit trail against. A
    # conclusion's change of status is the pair [from, to] (doantu.audit), so its item 1 is the outcome.
    verified = (
        AuditEntry.objects.filter(
            context_type=TIP_CONTEXT,
            object_type=TIP_CONTEXT,
            action="concluded",
            changes__status__1=TipStatus.VERIFIED,
            **period.lookup("at"),
        )
        .annotate(tip_id=Cast("context_id", BigIntegerField()))
        .values("tip_id")
    )
    return _counts(tips_of(province).filter(pk__in=verified), "ward")


@indicator(
    "tips.awaiting_review",
    label="Thông tin tiếp nhận trong kỳ chưa được xem xét",
    unit="tin",
    section="verification",
    order=40,
    drill=lambda unit, period, key: _inbox(unit, period, status=TipStatus.NEW),
)
def tips_awaiting_review(unit, period):
    return _tallies(unit, period)[f"status_{TipStatus.NEW}"]


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


@indicator(
    "tips.hours_to_first_review",
    label="Thời gian từ khi tiếp nhận đến khi cán bộ xem xét lần đầu (trung vị)",
    unit="giờ",
    section="verification",
    order=50,
)
def tips_hours_to_first_review(unit, period):
    """Median hours between a tip's arrival (in the period) and staff's first action on it (start reviewing,
    forward, conclude or close), for the tips already reviewed."""
    # One query: each tip of the period with its first such action (the audit trail's index on (context_type,
    # context_id, at) finds it), instead of the actions of the period's tips and then the tips.
    first = (
        AuditEntry.objects.filter(
            context_type=TIP_CONTEXT,
            action__in=FIRST_REVIEW_ACTIONS,
            context_id=Cast(OuterRef("pk"), CharField()),
        )
        .order_by("at")
        .values("at")[:1]
    )
    pairs = (
        received(unit, period)
        .order_by()
        .annotate(first=Subquery(first))
        .filter(first__isnull=False)
        .values_list("created_at", "first")
    )
    hours = [(first - created).total_seconds() / 3600 for created, first in pairs]
    return _median([max(h, 0.0) for h in hours])


@indicator(
    "tips.days_to_verification",
    label="Thời gian từ khi tiếp nhận đến khi xác minh xong (trung vị)",
    unit="ngày",
    section="verification",
    order=60,
)
def tips_days_to_verification(unit, period):
    """Median days from arrival to the "verified" conclusion, for the conclusions recorded in the period."""
    verified = {
        tip_id: (at, received_at)
        for tip_id, at, outcome, received_at in _conclusions(unit, period)
        if outcome == TipStatus.VERIFIED and received_at is not None
    }
    days = [(at - received_at).total_seconds() / 86400 for at, received_at in verified.values()]
    return _median([max(d, 0.0) for d in days])


# ------------------------------------------------------------------------------------------------ participation


def _participation(tips, key_field: str) -> dict:
    """``{key: (tips, contributors)}`` in one grouped query: contributors are the distinct contact hashes of the
    named tips (``Tip.contact_key``: the person's phone, else their name, keyed; see ``tips.contacts``), plus one
    person per tip without a key (anonymous, no name nor phone, or consent withdrawn: an upper bound). Nothing is
    decrypted."""
    counted = (
        tips.order_by()
        .values(key_field)
        .annotate(
            n=Count("pk"),
            people=Count("contact_key", distinct=True, filter=KEYED),
            unkeyed=Count("pk", filter=~KEYED),
        )
    )
    return {row[key_field]: (row["n"], row["people"] + row["unkeyed"]) for row in counted}


PARTICIPATION_COLUMNS = ["Số tin", "Số người cung cấp"]


@indicator(
    "tips.contributors",
    label="Người cung cấp thông tin",
    unit="người",
    section="participation",
    order=10,
)
def tips_contributors(unit, period):
    """Distinct people who gave tips in the period (by phone, else name; an anonymous tip counts as one)."""
    return _tallies(unit, period)["contributors"]


def _group_participation(unit, period) -> dict:
    """``_participation`` per residential group, once per shared scope (two indicators read it)."""
    return shared(
        ("tips.group_participation", unit.pk, period),
        lambda: _participation(received(unit, period), "residential_group"),
    )


@indicator(
    "tips.participation_by_group",
    label="Tham gia theo tổ dân phố",
    unit="tin / người",
    section="participation",
    order=20,
    drill=_drill_by("residential_group", NO_GROUP),
    province=False,
)
def participation_by_group(unit, period):
    data = _group_participation(unit, period)
    rows = [Row(str(g.pk), g.label, list(data.get(g.pk, (0, 0)))) for g in _groups(unit)]
    rows.append(Row(NO_GROUP, "Chưa rõ tổ dân phố", list(data.get(None, (0, 0)))))
    return Breakdown("Tổ dân phố", PARTICIPATION_COLUMNS, rows)


def _by_owner(unit, period, owner: str) -> list[Row]:
    """The participation through the QR codes of the schools (``owner`` "school") or of the associations and
    agencies ("organisation"): both from one query grouped by the code's owner, once per shared scope."""
    kinds = OWNER_KINDS[owner]
    every_kind = [k for ks in OWNER_KINDS.values() for k in ks]
    data = shared(
        ("tips.owner_participation", unit.pk, period),
        lambda: _participation(
            received(unit, period).filter(source__owner_unit__kind__in=every_kind), "source__owner_unit"
        ),
    )
    owners = [u for u in _units_under(unit) if u.kind in kinds]
    return [Row(str(o.pk), o.label, list(data.get(o.pk, (0, 0)))) for o in owners]


@indicator(
    "tips.participation_by_school",
    label="Tham gia theo trường học (mã QR của trường)",
    unit="tin / người",
    section="participation",
    order=30,
    province=False,
)
def participation_by_school(unit, period):
    return Breakdown("Trường học", PARTICIPATION_COLUMNS, _by_owner(unit, period, "school"))


@indicator(
    "tips.participation_by_organisation",
    label="Tham gia theo hội, đoàn thể, cơ quan (mã QR của đơn vị)",
    unit="tin / người",
    section="participation",
    order=40,
    province=False,
)
def participation_by_organisation(unit, period):
    return Breakdown("Tổ chức", PARTICIPATION_COLUMNS, _by_owner(unit, period, "organisation"))


# ------------------------------------------------------------------------------------------------ DNA


@indicator(
    "tips.dna_offers",
    label="Thân nhân đăng ký cho mẫu ADN (qua thông tin gửi đến)",
    unit="người",
    section="dna",
    order=10,
    drill=lambda unit, period, key: _inbox(unit, period, dna_offer="1"),
)
def tips_dna_offers(unit, period):
    return _tallies(unit, period)["dna_offer"]
