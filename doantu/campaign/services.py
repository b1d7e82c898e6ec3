"""Writes to campaign plans (from the admin site): administrators only, each with its audit entry. A phase's or
a peak date's entry sits on its campaign's history."""

from django.db import transaction

from doantu.audit import labels
from doantu.org.services import delete_audited, require_admin, save_audited

from .models import Campaign, PeakDate, Phase

labels.register(
    "campaign",
    actions={
        "campaign_created": "Tạo kế hoạch chiến dịch",
        "campaign_updated": "Sửa kế hoạch chiến dịch",
        "campaign_deleted": "Xóa kế hoạch chiến dịch",
        "phase_created": "Thêm giai đoạn",
        "phase_updated": "Sửa giai đoạn",
        "phase_deleted": "Xóa giai đoạn",
        "peakdate_created": "Thêm đợt cao điểm",
        "peakdate_updated": "Sửa đợt cao điểm",
        "peakdate_deleted": "Xóa đợt cao điểm",
    },
)

_PREFIX = {Phase: "phase", PeakDate: "peakdate"}


def campaign_save(*, actor, campaign: Campaign) -> Campaign:
    require_admin(actor)
    with transaction.atomic():
        stored = Campaign.objects.select_for_update().get(pk=campaign.pk) if campaign.pk else None
        return save_audited(actor=actor, obj=campaign, stored=stored, prefix="campaign")


def campaign_delete(*, actor, campaign: Campaign) -> None:
    require_admin(actor)
    with transaction.atomic():
        delete_audited(actor=actor, obj=campaign, prefix="campaign")


def campaign_part_save(*, actor, part: Phase | PeakDate) -> Phase | PeakDate:
    """Add or change a phase or a peak date of a campaign."""
    require_admin(actor)
    with transaction.atomic():
        stored = type(part).objects.select_for_update().get(pk=part.pk) if part.pk else None
        if stored is not None and stored.campaign_id != part.campaign_id:
            raise ValueError("a phase or peak date stays with its campaign")
        return save_audited(
            actor=actor, obj=part, stored=stored, prefix=_PREFIX[type(part)], context=part.campaign
        )


def campaign_part_delete(*, actor, part: Phase | PeakDate) -> None:
    require_admin(actor)
    with transaction.atomic():
        delete_audited(actor=actor, obj=part, prefix=_PREFIX[type(part)], context=part.campaign)
