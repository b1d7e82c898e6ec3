"""Communication work: seed, workflow, access, targets, peaks, reach, ICS (issue 9)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from doantu.audit.models import AuditEntry
from doantu.comms import selectors, services
from doantu.comms.models import Channel, ChecklistItem, ContentItem, ContentStatus, Peak, Target
from doantu.comms.services import CommsError
from doantu.notify.models import Notification

pytestmark = pytest.mark.django_db


def _item(actor, ward, units, *, kind="video", channels=("facebook",), day=None, **fields):
    item = ContentItem(
        ward=ward,
        title=fields.pop("title", "Phóng sự: hành trình tìm đồng đội"),
        kind=kind,
        topic=fields.pop("topic", "iv2"),
        planned_date=day or timezone.localdate(),
        owner_unit=fields.pop("owner_unit", units["ttdvth"]),
        **fields,
    )
    return services.item_save(
        actor=actor, item=item, channels=list(Channel.objects.filter(ward=ward, code__in=channels))
    )


def _publish(users, item, url="https://facebook.com/ducxuan/posts/1"):
    services.item_submit(actor=users["channel"], item=item)
    services.item_approve(actor=users["campaign"], item=item, note="Đồng ý")
    return services.item_publish(actor=users["channel"], item=item, evidence_url=url)


def test_seed_channels_targets_peaks(ward, units):
    codes = set(Channel.objects.filter(ward=ward).values_list("code", flat=True))
    assert {
        "loa",
        "cong-ttdt",
        "facebook",
        "zalo-oa",
        "zalo-nhom",
        "truc-quan",
        "hoi-nghi",
        "truong-hoc",
        "bao-chi",
    } <= codes
    assert Channel.objects.get(ward=ward, code="loa").responsible_unit == units["ttdvth"]
    assert set(Channel.objects.filter(ward=ward, social=True).values_list("code", flat=True)) == {
        "facebook",
        "zalo-oa",
        "zalo-nhom",
    }
    target = Target.objects.get(ward=ward, code="v1-chuyen-sau")
    assert (target.minimum, target.maximum, target.owner_unit) == (3, 5, units["vhxh"])
    peaks = Peak.objects.filter(ward=ward).order_by("peak_date__date")
    assert [p.date for p in peaks] == [dt.date(2026, 7, 27), dt.date(2026, 12, 22), dt.date(2027, 7, 27)]
    # 5 unit items + one per residential group
    assert peaks[0].checklist.count() == 5 + 10
    # loading again duplicates nothing and keeps what staff did
    entry = peaks[0].checklist.first()
    ChecklistItem.objects.filter(pk=entry.pk).update(done=True)
    from doantu.org.seed import load_seed

    load_seed()
    assert Channel.objects.filter(ward=ward).count() == 9
    assert peaks[0].checklist.count() == 15
    assert ChecklistItem.objects.get(pk=entry.pk).done


def test_workflow_audited_and_roles(ward, units, users):
    item = _item(users["channel"], ward, units)
    assert item.status == ContentStatus.DRAFT
    with pytest.raises(PermissionDenied):
        services.item_approve(actor=users["campaign"], item=item)  # not submitted yet
    services.item_submit(actor=users["channel"], item=item)
    for who in ("channel", "leadership", "group_leader", "other_campaign"):
        with pytest.raises(PermissionDenied):
            services.item_approve(actor=users[who], item=item)
    services.item_approve(actor=users["campaign"], item=item, note="Được")
    with pytest.raises(CommsError, match="minh chứng"):
        services.item_publish(actor=users["channel"], item=item)
    with pytest.raises(CommsError, match="không hợp lệ"):
        services.item_publish(actor=users["channel"], item=item, evidence_url="javascript:alert(1)")
    item.refresh_from_db()
    assert item.status == ContentStatus.APPROVED
    services.item_publish(actor=users["channel"], item=item, evidence_url="https://facebook.com/p/1")
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED and item.published_at
    with pytest.raises(PermissionDenied):
        services.item_save(actor=users["channel"], item=item)
    services.item_withdraw(actor=users["channel"], item=item, reason="Sai thông tin")
    actions = list(
        AuditEntry.objects.filter(object_type="comms.contentitem", object_id=str(item.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "content_item_created",
        "content_item_submitted",
        "content_item_approved",
        "content_item_published",
        "content_item_withdrawn",
    ]


def test_leadership_reads_only_and_other_ward_sees_nothing(ward, units, users):
    item = _item(users["channel"], ward, units)
    with pytest.raises(PermissionDenied):
        _item(users["leadership"], ward, units)
    from doantu.comms import access

    assert access.items_visible_to(users["leadership"]).filter(pk=item.pk).exists()
    assert not access.items_visible_to(users["other_campaign"]).exists()
    assert not access.items_visible_to(users["police"]).exists()


def test_school_logs_own_activity(ward, units, users):
    school = units["thcs-duc-xuan"]
    with pytest.raises(PermissionDenied):
        _item(users["school"], ward, units, kind="video", owner_unit=school)
    with pytest.raises(PermissionDenied):
        _item(users["school"], ward, units, kind="activity", owner_unit=units["tdp-01"], place="Sân trường")
    with pytest.raises(CommsError, match="địa điểm"):
        _item(users["school"], ward, units, kind="activity", owner_unit=school, channels=("truong-hoc",))
    item = _item(
        users["school"],
        ward,
        units,
        kind="activity",
        owner_unit=school,
        channels=("truong-hoc",),
        place="Sân trường",
    )
    services.item_submit(actor=users["school"], item=item)
    services.item_approve(actor=users["campaign"], item=item)
    with pytest.raises(PermissionDenied):
        services.item_publish(actor=users["group_leader"], item=item, evidence_url="https://x.vn/a")
    services.item_publish(
        actor=users["school"], item=item, evidence_url="https://thcs.edu.vn/a", attendance=420
    )
    item.refresh_from_db()
    assert item.attendance == 420 and item.held_on == timezone.localdate()


def test_target_counts_only_published_kinds_on_social(ward, units, users):
    today = timezone.localdate()
    target = Target.objects.get(ward=ward, code="v1-chuyen-sau")
    _publish(users, _item(users["channel"], ward, units, kind="video"))
    _publish(users, _item(users["channel"], ward, units, kind="report", channels=("zalo-oa", "facebook")))
    _publish(users, _item(users["channel"], ward, units, kind="news"))  # wrong kind
    _publish(
        users, _item(users["channel"], ward, units, kind="in_depth", channels=("cong-ttdt",))
    )  # not social
    _item(users["channel"], ward, units, kind="video")  # not published
    progress = selectors.target_progress(target, today=today)
    assert progress.done == 2
    last = progress.period_end
    assert progress.text == f"2/3 — còn {(last - today).days} ngày"


def test_target_warns_owner_once_from_the_20th(ward, units, users):
    target = Target.objects.get(ward=ward, code="v1-chuyen-sau")
    today = timezone.localdate()
    early = today.replace(day=19)
    assert services.targets_warn(today=early) == 0
    day = today.replace(day=21)
    assert services.targets_warn(today=day) == 1
    assert services.targets_warn(today=day) == 0  # once per month
    texts = list(Notification.objects.filter(recipient=users["campaign"]).values_list("text", flat=True))
    assert len(texts) == 1 and "0/3" in texts[0] and target.name in texts[0]
    assert not Notification.objects.filter(recipient=users["channel"]).exists()


def test_checklist_tick_by_assigned_unit_with_evidence(ward, units, users):
    peak = Peak.objects.filter(ward=ward).order_by("peak_date__date").first()
    entry = peak.checklist.get(template_code="bang-ron-qr")
    group_entry = peak.checklist.get(template_code="hop-to", unit=units["tdp-01"])
    with pytest.raises(PermissionDenied):
        services.checklist_tick(actor=users["group_leader"], entry=entry, evidence_url="https://x.vn")
    with pytest.raises(CommsError, match="minh chứng"):
        services.checklist_tick(actor=users["channel"], entry=entry)
    services.checklist_tick(
        actor=users["channel"], entry=entry, evidence_url="https://ducxuan.vn/anh-bang-ron"
    )
    services.checklist_tick(
        actor=users["group_leader"], entry=group_entry, evidence_url="https://zalo.me/g/1"
    )
    with pytest.raises(PermissionDenied):
        services.checklist_tick(
            actor=users["group_leader2"],
            entry=peak.checklist.get(template_code="hop-to", unit=units["tdp-03"]),
            evidence_url="https://zalo.me/g/1",
        )
    views = {v.peak.pk: v for v in selectors.peaks_for(users["leadership"])}
    assert views[peak.pk].done == 2 and views[peak.pk].total == 15


def test_reach_typed(ward, units, users):
    item = _publish(users, _item(users["channel"], ward, units))
    fb = Channel.objects.get(ward=ward, code="facebook")
    today = timezone.localdate()
    services.reach_save(
        actor=users["channel"],
        item=item,
        channel=fb,
        measured_on=today - dt.timedelta(days=1),
        figures={"views": 100},
    )
    services.reach_save(
        actor=users["channel"], item=item, channel=fb, measured_on=today, figures={"views": 250, "shares": 7}
    )
    services.reach_save(
        actor=users["channel"], item=item, channel=fb, measured_on=today, figures={"views": 260, "shares": 7}
    )
    assert selectors.item_reach_totals(users["leadership"], item)["views"] == 260
    with pytest.raises(CommsError):
        services.reach_save(
            actor=users["channel"], item=item, channel=fb, measured_on=today, figures={"views": -1}
        )
    with pytest.raises(PermissionDenied):
        services.reach_save(
            actor=users["leadership"], item=item, channel=fb, measured_on=today, figures={"views": 1}
        )
