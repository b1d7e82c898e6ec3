"""Reads for staff pages and the API. Always start from ``access.tips_visible_to`` so scoping can't be skipped."""

import datetime as dt
import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from doantu.audit import labels
from doantu.audit.models import AuditEntry
from doantu.cache import Generation
from doantu.org.models import OrgUnit, UnitKind

from . import access, search
from .models import Attachment, Forward, ForwardStatus, Source, Tip, TipKind, TipStatus, kinds_q

# The inbox counts at most this many matches ("hơn 1.000 thông tin"): an exact count of a common word among
# 1,000,000 tips reads every match, a capped one stops at the cap (bench/inbox_search.py). A person pages through
# the newest 1,000 and narrows the search for the rest; the XLSX export and the API page further.
INBOX_COUNT_CAP = 1000


def inbox(
    user,
    *,
    q: str = "",
    status: str = "",
    kind: str = "",
    source=None,
    residential_group=None,
    date_from=None,
    date_to=None,
    overdue: bool = False,
    mine: bool = False,
    entered: bool = False,
    dna_offer: bool | None = None,
) -> QuerySet[Tip]:
    """The tips ``user`` may see, filtered, newest first. ``q`` ignores diacritics, case, tone placement and small
    typos (``tips.search``); ``dna_offer`` is ignored for a viewer who may not read DNA offers
    (``access.may_filter_relative``), so the filter cannot reveal them.

    Ordered by an indexed column (``created_at``, then ``id``) only, so PostgreSQL can walk that index and stop at
    the page's end, or fetch the few rows a rare search finds from the trigram index and sort them: whichever it
    estimates cheaper (both plans checked with EXPLAIN at 1,000,000 tips). ``is_overdue`` and ``n_files`` are
    subqueries in the SELECT list: with LIMIT, PostgreSQL evaluates them for the page's rows only; overdue tips
    are found with the ``overdue`` filter and counted by ``overdue_count`` (the inbox says how many)."""
    overdue_forwards = Forward.objects.filter(
        tip=OuterRef("pk"), status=ForwardStatus.OPEN, due_date__lt=timezone.localdate()
    )
    qs = (
        access.tips_visible_to(user)
        .select_related("source", "residential_group", "assignee", "ward", "entered_by")
        .prefetch_related("martyrs")
        .annotate(
            is_overdue=Exists(overdue_forwards),
            n_files=Coalesce(
                Subquery(
                    Attachment.objects.filter(tip=OuterRef("pk"))
                    .order_by()
                    .values("tip")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
    )
    if dna_offer is not None and access.may_filter_relative(user):
        qs = qs.filter(dna_offer=dna_offer)
    if status == "open":
        qs = qs.filter(status__in=access.open_statuses())
    elif status:
        qs = qs.filter(status=status)
    if kind:  # tips of several kinds are found under each of them
        qs = qs.filter(kinds_q(kind))
    if source:
        qs = qs.filter(source=source)
    if residential_group:
        qs = qs.filter(residential_group=residential_group)
    # a period by the local calendar, as a range of the indexed column (not ``created_at::date``, which no index
    # serves)
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    if overdue:
        qs = qs.filter(is_overdue=True)
    if mine:
        qs = qs.filter(assignee=user)
    if entered:
        qs = qs.filter(entered_by=user)
    if q and (words := search.query_words(q)):
        qs = search.apply(qs, q, words)
    return qs.order_by("-created_at", "-id")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows (``capped`` says there are more) and pages through those.

    One query fetches the ids of the first ``cap + 1`` rows in the list's order (``SELECT id … LIMIT cap + 1``:
    it stops at the cap); the count is their number and a page is its slice of them, fetched by primary key. So a
    search runs once per page, not once for the count and again for the page (bench/inbox_search.py). Pages past
    the cap are not offered: a person narrows the search instead; the XLSX export and the API page further."""

    def __init__(self, object_list, per_page, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = INBOX_COUNT_CAP if cap is None else cap
        self.capped = False

    @cached_property
    def ids(self) -> list[int]:
        return list(self.object_list.values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        n = len(self.ids)
        self.capped = n > self.cap
        return min(n, self.cap)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self.ids[bottom : min(bottom + self.per_page, self.count)]
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)} if ids else {}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def filter_choices(user) -> tuple[QuerySet[Source], QuerySet[OrgUnit]]:
    """The sources and residential groups the inbox's filters offer: those of the tips ``user`` may see, each
    tested with an EXISTS probe of that source's (group's) index rather than by collecting every visible tip's."""
    visible = access.tips_visible_to(user)
    sources = Source.objects.filter(Exists(visible.filter(source=OuterRef("pk")))).order_by("name")
    groups = OrgUnit.objects.filter(
        Exists(visible.filter(residential_group=OuterRef("pk"))), kind=UnitKind.RESIDENTIAL_GROUP
    ).order_by("sort_order", "name")
    return sources, groups


def overdue_count(user) -> int:
    """How many tips ``user`` may see have a forward past its due date (from the forwards: few, and indexed)."""
    return (
        Forward.objects.filter(
            tip__in=access.tips_visible_to(user), status=ForwardStatus.OPEN, due_date__lt=timezone.localdate()
        )
        .values("tip")
        .distinct()
        .count()
    )


def timeline(tip: Tip) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.for_context(tip).select_related("actor")


def timeline_for(tip: Tip, user) -> list[tuple[AuditEntry, dict, str, bool]]:
    """The tip's audit trail as ``user`` may read it: ``(entry, changes, message, withheld)`` per entry, each
    change and message passed through ``access.timeline_entry`` (the page and the API both use this)."""
    view = access.visible_fields(user, tip)
    if not view.classes:
        return []
    agencies = access.forward_agencies(tip)
    return [(entry, *access.timeline_entry(view, entry, agencies)) for entry in timeline(tip)]


def timeline_rows(tip: Tip, user) -> list[dict]:
    """The tip's audit trail, in words, as ``user`` may read it."""
    return [
        {
            "at": entry.at,
            "actor": entry.actor_label,
            "action": labels.action_label(entry.action),
            "changes": [
                labels.change_row(entry.object_type, f, before, after)
                for f, (before, after) in changes.items()
            ],
            "message": message,
            "withheld": withheld,
        }
        for entry, changes, message, withheld in timeline_for(tip, user)
    ]


def status_counts(qs: QuerySet[Tip]) -> dict[str, int]:
    rows = qs.order_by().values("status").annotate(n=Count("id"))
    counts = {s.value: 0 for s in TipStatus}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def status_counts_capped(qs: QuerySet[Tip], cap: int | None = None) -> dict[str, str]:
    """Per status, how many of ``qs`` have it, as the inbox shows it: up to ``cap``, then "hơn 1.000". One
    ``count(*) … LIMIT cap + 1`` per status, each served by the (ward, status, created_at) index, instead of a
    GROUP BY that reads every tip (1.4 s at 1,000,000 tips, bench/inbox_search.py)."""
    cap = INBOX_COUNT_CAP if cap is None else cap
    out = {}
    for value in TipStatus.values:
        n = qs.filter(status=value).order_by().values("pk")[: cap + 1].count()
        out[value] = f"hơn {cap:,}".replace(",", ".") if n > cap else str(n)
    return out


def sources_for(user, ward) -> QuerySet[Source]:
    return (
        Source.objects.filter(ward=ward)
        .select_related("owner_unit")
        .annotate(
            n_tips=Count("tips", distinct=True),
            n_verified=Count("tips", filter=Q(tips__status=TipStatus.VERIFIED), distinct=True),
        )
        .order_by("kind", "name")
    )


SOURCE_CACHE_SECONDS = 60


def _source_cache_key(code: str) -> str:
    return f"tips:source:{code}"


def active_source(code: str) -> Source | None:
    """The active source behind a QR code, cached briefly: every public request needs it, and sources change
    rarely (``forget_source`` is called when one does)."""
    code = code.lower()
    cached = cache.get(_source_cache_key(code))
    if cached is None:
        cached = Source.objects.select_related("ward").filter(code=code, active=True).first() or False
        cache.set(_source_cache_key(code), cached, SOURCE_CACHE_SECONDS)
    return cached or None


def forget_source(code: str) -> None:
    cache.delete(_source_cache_key(code.lower()))


# The staff overview's and the API's exact counts (all, per status, per kind) read every tip the viewer may see:
# seconds at 1,000,000 tips (bench/inbox_search.py). So they are one scan, kept in the cache until any tip or
# forward is written (``forget_counts``, connected in apps.py; a forward widens an agency's view) and at most this
# long (seconds): a ceiling for writes that bypass the signals, such as a queryset ``update``.
COUNTS_CACHE_SECONDS = 300
_COUNTS_GENERATION = Generation("tips:counts:generation")


def tip_counts(visible: QuerySet[Tip]) -> dict:
    """``{"total", "by_status", "by_kind"}`` of ``visible`` (a tip of several kinds counts under each), exact:
    one query, then from the cache until a tip or forward changes."""
    visible = visible.order_by()
    try:
        sql, params = visible.query.sql_with_params()
    except EmptyResultSet:  # ``none()``: a viewer who may see nothing
        return {
            "total": 0,
            "by_status": dict.fromkeys(TipStatus.values, 0),
            "by_kind": dict.fromkeys(TipKind.values, 0),
        }
    generation = _COUNTS_GENERATION.current()
    key = "tips:counts:" + hashlib.sha256(f"{generation}|{sql}|{params!r}".encode()).hexdigest()
    counts = cache.get(key)
    if counts is None:
        row = visible.aggregate(
            total=Count("pk"),
            **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in TipStatus.values},
            **{f"kind_{k}": Count("pk", filter=kinds_q(k)) for k in TipKind.values},
        )
        counts = {
            "total": row["total"],
            "by_status": {s: row[f"status_{s}"] for s in TipStatus.values},
            "by_kind": {k: row[f"kind_{k}"] for k in TipKind.values},
        }
        cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


def forget_counts(**kwargs) -> None:
    """A tip or forward was written: counts cached before are not used again (now, and once it commits, so a
    count read meanwhile from the old data is not kept either)."""
    _COUNTS_GENERATION.renew()


def kind_counts(tips: QuerySet[Tip]) -> dict[str, int]:
    """How many of ``tips`` are of each kind (a tip of several kinds counts under each): one query."""
    return tips.order_by().aggregate(**{kind: Count("pk", filter=kinds_q(kind)) for kind in TipKind.values})
