"""Reads for staff pages and the API. Always start from ``access.tips_visible_to`` so scoping can't be skipped."""

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from doantu.audit import labels
from doantu.audit.models import AuditEntry

from . import access, search
from .models import Attachment, Forward, ForwardStatus, Source, Tip, TipKind, TipStatus, kinds_q


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
    """The tips ``user`` may see, filtered. ``q`` ignores diacritics, case, tone placement and small typos
    (``tips.search``); ``dna_offer`` is ignored for a viewer who may not read DNA offers
    (``access.may_filter_relative``), so the filter cannot reveal them."""
    overdue_forwards = Forward.objects.filter(
        tip=OuterRef("pk"), status=ForwardStatus.OPEN, due_date__lt=timezone.localdate()
    )
    qs = (
        access.tips_visible_to(user)
        .select_related("source", "residential_group", "assignee", "ward", "entered_by")
        .prefetch_related("martyrs")
        # a subquery, not a join + GROUP BY: PostgreSQL evaluates it for the page's rows only, and count() drops it
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
    if q and (words := search.query_words(q)):
        code = q.strip().upper().replace(" ", "")
        by_code = Q(receipt_code=code) | Q(receipt_code=f"{code[:4]}-{code[4:]}")
        found = qs.filter(by_code | search.match(words))
        if not found.exists() and (fuzzy := search.fuzzy_match(words)) is not None:
            found = qs.filter(fuzzy)
        qs = found
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
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    if overdue:
        qs = qs.filter(is_overdue=True)
    if mine:
        qs = qs.filter(assignee=user)
    if entered:
        qs = qs.filter(entered_by=user)
    return qs.order_by("-is_overdue", "-created_at", "-id")


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


def kind_counts(tips: QuerySet[Tip]) -> dict[str, int]:
    """How many of ``tips`` are of each kind (a tip of several kinds counts under each): one query."""
    return tips.order_by().aggregate(**{kind: Count("pk", filter=kinds_q(kind)) for kind in TipKind.values})
