"""The public campaign page (``/chien-dich/``): what the campaign is, how to give information, the stories the
ward's staff published and marked public, its rebuttals of false information (plan IV.5), and live aggregate
figures. No account, no personal data, nothing a tipster wrote: only what staff wrote for the public and
whole-ward counts.

Read by anyone, so the page is the same for everyone: rendered without the request (no session, no cookie, no
per-user context) and kept in the shared cache for ``CACHE_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from doantu.audit import labels
from doantu.campaign.models import Campaign
from doantu.org.models import OrgUnit, UnitKind
from doantu.tips.models import Source, SourceKind

from .models import ContentItem, ContentStatus, Topic

labels.register(
    "comms",
    actions={
        "content_item_public": "Hiện trên trang chiến dịch",
        "content_item_private": "Thôi hiện trên trang chiến dịch",
    },
    fields={"public": ("Hiện trên trang chiến dịch", {True: "có", False: "không"})},
)

# A published story or rebuttal shows up within this many seconds; the figures are as fresh.
CACHE_SECONDS = 120
STORIES_SHOWN = 12
REBUTTALS_SHOWN = 6

# What the campaign is, in plain words: the plan's general objective (section I.1) and its call (IV.3).
ABOUT = (
    "Cả hệ thống chính trị và Nhân dân cùng tìm lại, đưa về và trả lại tên cho các anh hùng liệt sĩ còn nằm "
    "đâu đó trên mọi miền Tổ quốc."
)
CALL = (
    "Mọi thông tin đều quý: một manh mối, một kỷ vật, lá thư, tấm bản đồ vẽ tay, lời kể của nhân chứng, hình "
    "ảnh, video hay vị trí trên điện thoại. Thân nhân liệt sĩ có thể đăng ký cho mẫu ADN để xác định danh tính."
)


def public_items(ward: OrgUnit):
    """Items the public may read: published and marked public by the staff (``ContentItem.public``), never a
    draft, an item awaiting approval or a withdrawn one."""
    return ContentItem.objects.filter(ward=ward, status=ContentStatus.PUBLISHED, public=True).order_by(
        "-published_at", "-pk"
    )


def campaign_wards():
    return OrgUnit.objects.filter(kind=UnitKind.WARD, active=True).order_by("code")


def form_source(ward: OrgUnit) -> Source | None:
    """The form the page points at: the ward's portal code (as the front page does), else any active one."""
    return (
        Source.objects.filter(ward=ward, active=True, kind=SourceKind.PORTAL).order_by("pk").first()
        or Source.objects.filter(ward=ward, active=True).order_by("pk").first()
    )


@dataclass(frozen=True)
class PublicFigures:
    tips: int
    verified: int
    dna_offers: int
    as_of: dt.datetime


# The figures shown, from the one registry of figures (``doantu.indicators``): the dashboard and the reports say the
# same. Whole-ward totals only, so none points at a family or a person.
PUBLIC_INDICATORS = {"tips": "tips.received", "verified": "tips.verified", "dna_offers": "tips.dna_offers"}


def figures(ward: OrgUnit, campaign: Campaign | None = None) -> PublicFigures:
    """Tips received, verified, DNA offers since the campaign began (or ever, without a campaign), to today."""
    from doantu import indicators

    today = timezone.localdate()
    start = campaign.starts if campaign and campaign.starts <= today else dt.date(2000, 1, 1)
    period = indicators.Period.parse(f"{start.isoformat()}..{today.isoformat()}")
    values = indicators.figures(
        viewer=indicators.SYSTEM, unit=ward, period=period, names=list(PUBLIC_INDICATORS.values())
    )
    return PublicFigures(
        **{key: int(values[name] or 0) for key, name in PUBLIC_INDICATORS.items()}, as_of=timezone.now()
    )


def _campaign(ward: OrgUnit) -> Campaign | None:
    """The campaign itself, as the public knows it: the plan the ward's own (its communication plan) carries
    out, when it has one above it (the province's ``Chiến dịch 500 ngày đêm``), else the ward's."""
    own = Campaign.objects.filter(unit=ward).select_related("parent").order_by("-starts").first()
    return own.parent if own and own.parent_id else own


def page_context(ward: OrgUnit) -> dict:
    items = list(public_items(ward).prefetch_related("channels")[: STORIES_SHOWN + REBUTTALS_SHOWN * 2])
    rebuttals = [i for i in items if i.topic == Topic.REBUTTAL][:REBUTTALS_SHOWN]
    stories = [i for i in items if i.topic != Topic.REBUTTAL][:STORIES_SHOWN]
    campaign = _campaign(ward)
    today = timezone.localdate()
    return {
        "ward": ward,
        "campaign": campaign,
        "days_left": (campaign.ends - today).days if campaign and campaign.ends >= today else None,
        "about": ABOUT,
        "call": CALL,
        "source": form_source(ward),
        "figures": figures(ward, campaign),
        "stories": stories,
        "rebuttals": rebuttals,
    }


def _cache_key(ward: OrgUnit) -> str:
    return f"comms:campaign-page:{ward.pk}"


def page_html(ward: OrgUnit) -> str:
    """The page, the same for everyone, from the cache when fresh."""
    key = _cache_key(ward)
    html = cache.get(key)
    if html is None:
        html = render_to_string("comms/public/campaign.html", page_context(ward))
        cache.set(key, html, CACHE_SECONDS)
    return html


def forget(ward: OrgUnit) -> None:
    """Drop the cached page (after a change staff want seen at once)."""
    cache.delete(_cache_key(ward))


def can_mark_public(user, item: ContentItem) -> bool:
    """Whether staff may show or hide an item on the public page: the ward's editors (comms.access: the same
    people who may withdraw it). Only a published item is ever shown (``public_items``)."""
    from . import access

    return access.can_withdraw(user, item)


def item_set_public(*, actor, item: ContentItem, public: bool) -> ContentItem:
    """Show (or hide) a published item on the public campaign page; audited; the cached page is dropped."""
    from django.db import transaction

    from doantu.audit.services import audit_record

    from . import access

    with transaction.atomic():
        item = ContentItem.objects.select_for_update().get(pk=item.pk)
        access.require(can_mark_public(actor, item))
        if item.public != public:
            item.public = public
            item.save(update_fields=["public", "updated_at"])
            audit_record(
                actor=actor,
                action="content_item_public" if public else "content_item_private",
                obj=item,
                changes={"public": [not public, public]},
            )
    forget(item.ward)
    return item
