"""Which piece brought information: each content item may carry its own QR source (a short link ``/t/<code>``),
and what came through it — visits to the form, tips, verified tips, DNA offers — is counted per item, per
channel and per source (``tips.visits`` counts per source; this module adds them up along the items).

Reads check ``comms.access`` (the item's or the ward's readers) and ``tips.access`` (DNA offers only for those
who may know them); the one write, giving an item its own QR source, goes through ``tips.services`` (which
checks the sources rule and audits the new source) and audits the item's change here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import NoReverseMatch, reverse

from doantu.audit import labels
from doantu.audit.services import audit_record
from doantu.tips import access as tips_access
from doantu.tips import services as tips_services
from doantu.tips.models import Source, SourceKind
from doantu.tips.visits import SourceFigures, source_figures

from . import access
from .models import ChannelKind, ContentItem, ContentStatus

labels.register(
    "comms",
    actions={"content_item_source_created": "Tạo mã QR riêng cho sản phẩm"},
    fields={"source": ("Mã QR riêng", {})},
)

# The tips' source kind of an item's QR code, from its first channel (tips.SourceKind names where a tip came from).
SOURCE_KIND_OF_CHANNEL = {
    ChannelKind.LOUDSPEAKER: SourceKind.LOUDSPEAKER,
    ChannelKind.PORTAL: SourceKind.PORTAL,
    ChannelKind.FACEBOOK: SourceKind.FACEBOOK,
    ChannelKind.ZALO_OA: SourceKind.ZALO,
    ChannelKind.ZALO_GROUP: SourceKind.ZALO,
    ChannelKind.BANNER: SourceKind.BANNER,
    ChannelKind.MEETING: SourceKind.MEETING,
    ChannelKind.SCHOOL: SourceKind.SCHOOL,
}


class BroughtError(Exception):
    """A request that makes no sense (the message is for the user, in Vietnamese)."""


def can_give_source(user, item: ContentItem) -> bool:
    """Who may give an item its own QR code: whoever may still change or publish it, and the ward's editors
    afterwards too (a post's text can still take its link) — the comms.access rules; the tips' rule on sources
    (``tips.access.can_manage_sources``) applies inside ``source_create`` as well. Never a withdrawn item."""
    if item.status == ContentStatus.WITHDRAWN:
        return False
    return access.can_edit(user, item) or access.can_publish(user, item) or access.can_withdraw(user, item)


def item_source_create(*, actor, item: ContentItem) -> Source:
    """Give ``item`` its own QR source (a short random code), once."""
    access.require(can_give_source(actor, item))
    with transaction.atomic():
        item = ContentItem.objects.select_for_update().get(pk=item.pk)
        if item.source_id is not None:
            raise BroughtError("Sản phẩm này đã có mã QR riêng.")
        first = item.channels.order_by("sort_order", "name").first()
        kind = SOURCE_KIND_OF_CHANNEL.get(first.kind if first else "", SourceKind.OTHER)
        source = tips_services.source_create(
            ward=item.ward,
            actor=actor,
            name=item.title[:180],
            kind=kind,
            placement=f"Sản phẩm truyền thông số {item.pk}" + (f" ({first.name})" if first else ""),
        )
        item.source = source
        item.save(update_fields=["source", "updated_at"])
        audit_record(
            actor=actor,
            action="content_item_source_created",
            obj=item,
            changes={"source": [None, f"/t/{source.code}"]},
            message=source.name,
        )
    return source


# ------------------------------------------------------------------------------------------------ reads


def _with_dna(user) -> bool:
    return tips_access.may_filter_relative(user)


def item_figures(user, item: ContentItem) -> SourceFigures | None:
    """What the item's own QR code brought in; None when it has none."""
    access.require(access.can_view_item(user, item))
    if item.source_id is None:
        return None
    return source_figures([item.source_id], with_dna=_with_dna(user))[item.source_id]


@dataclass
class Ranked:
    """One row of a ranking: an item (or a channel, or a source) and what it brought in."""

    label: str
    figures: SourceFigures
    item: ContentItem | None = None
    source: Source | None = None
    channels: list[str] = field(default_factory=list)

    @property
    def item_url(self) -> str:
        """The item's page (comms' own URL), or nothing while there is none."""
        if self.item is None:
            return ""
        try:
            return reverse("comms:item", args=[self.item.pk])
        except NoReverseMatch:
            return ""

    @property
    def score(self) -> tuple:
        f = self.figures
        return (f.verified, f.tips, f.dna_offers or 0, f.visits)


def item_ranking(user, *, ward, limit: int | None = 10) -> list[Ranked]:
    """The ward's items with their own QR code, best first: verified tips, then tips, DNA offers, visits."""
    access.require(access.can_view_ward(user, ward))
    items = list(
        access.items_visible_to(user)
        .filter(ward=ward, source__isnull=False)
        .select_related("source")
        .prefetch_related("channels")
    )
    figures = source_figures([i.source_id for i in items], with_dna=_with_dna(user))
    rows = [
        Ranked(
            label=i.title,
            figures=figures[i.source_id],
            item=i,
            source=i.source,
            channels=[c.name for c in i.channels.all()],
        )
        for i in items
    ]
    rows.sort(key=lambda r: r.score, reverse=True)
    return rows[:limit] if limit else rows


def channel_ranking(user, *, ward) -> list[Ranked]:
    """Per channel: the sum over its items that carry their own QR code (an item on two channels counts on
    both: a tip cannot tell which of them the person saw)."""
    access.require(access.can_view_ward(user, ward))
    items = list(
        access.items_visible_to(user).filter(ward=ward, source__isnull=False).prefetch_related("channels")
    )
    figures = source_figures([i.source_id for i in items], with_dna=_with_dna(user))
    empty = SourceFigures(dna_offers=0 if _with_dna(user) else None)
    by_channel: dict[int, Ranked] = {}
    for item in items:
        for channel in item.channels.all():
            row = by_channel.setdefault(channel.pk, Ranked(label=channel.name, figures=empty))
            row.figures = row.figures + figures[item.source_id]
    rows = list(by_channel.values())
    rows.sort(key=lambda r: r.score, reverse=True)
    return rows


def source_ranking(user, *, ward) -> list[Ranked]:
    """Every QR source of the ward (banners, groups, schools, items' own codes), best first."""
    access.require(access.can_view_ward(user, ward))
    # ties keep the order people count in: "Tổ dân phố 2" before "Tổ dân phố 10"
    sources = sorted(Source.objects.filter(ward=ward), key=lambda s: (s.kind, _in_reading_order(s.name)))
    figures = source_figures([s.pk for s in sources], with_dna=_with_dna(user))
    items = {
        i.source_id: i
        for i in access.items_visible_to(user).filter(ward=ward, source__in=[s.pk for s in sources])
    }
    rows = [Ranked(label=s.name, figures=figures[s.pk], source=s, item=items.get(s.pk)) for s in sources]
    rows.sort(key=lambda r: r.score, reverse=True)
    return rows


def _in_reading_order(name: str) -> tuple:
    """A sort key reading the numbers in a name as numbers ("Tổ dân phố 10" after "Tổ dân phố 9")."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name))


def items_to_tag(user, *, ward, limit: int = 50) -> list[ContentItem]:
    """The ward's items without a QR code of their own that ``user`` may give one (most recent plans first)."""
    access.require(access.can_view_ward(user, ward))
    items = (
        access.items_visible_to(user)
        .filter(ward=ward, source__isnull=True)
        .exclude(status=ContentStatus.WITHDRAWN)
        .order_by("-planned_date", "-pk")[:limit]
    )
    return [i for i in items if can_give_source(user, i)]


def item_panel(user, item: ContentItem) -> dict:
    """The context of ``comms/posters/_item_brought.html`` (the section on the item's page)."""
    from .public import can_mark_public

    return {
        "can_mark_public": can_mark_public(user, item),
        "brought_item": item,
        "brought": item_figures(user, item),
        "brought_can_give": item.source_id is None and can_give_source(user, item),
        "brought_source": item.source,
    }
