"""The misinformation watch: entries, write-once evidence, every view of it audited, actions to their end, the
police's answers, who may do what, the figures."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from doantu.audit.models import AuditEntry
from doantu.indicators import Period
from doantu.notify.models import Notification
from doantu.org.models import Role
from doantu.tips.services import WorkflowError
from doantu.watch import indicators, services
from doantu.watch.models import (
    Action,
    ActionKind,
    ActionStatus,
    Capture,
    CaptureError,
    Entry,
    EntryStatus,
)

from ..conftest import PASSWORD, jpeg_with_gps, make_user, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

VALUES = {
    "platform": "facebook",
    "link": "https://facebook.com/groups/x/posts/1",
    "first_seen": dt.date(2026, 11, 20),
    "estimated_reach": 1200,
    "claim": "Bài đăng nói phải nộp tiền mới được lấy mẫu ADN cho thân nhân liệt sĩ.",
    "assessment": "false",
    "severity": "high",
}


@pytest.fixture
def watchers(users, units):
    return users | {
        "party": make_user(units["xdd"], Role.PARTY_BOARD, "xdd"),
        "other_ward_party": None,
    }


def new_entry(actor, files=(), **overrides):
    return services.entry_create(actor=actor, values=VALUES | overrides, uploads=list(files))


# ----------------------------------------------------------------------------------------------- entries


def test_culture_office_records_an_entry_with_a_capture_hashed_and_cleaned(watchers):
    # given a phone screenshot carrying GPS in its EXIF
    raw = jpeg_with_gps()
    # when the culture office records the entry with it
    entry = new_entry(watchers["campaign"], [upload("chup.jpg", raw, "image/jpeg")])
    # then the capture is stored cleaned, with the hash of what is stored and of what was received
    capture = entry.captures.get()
    stored = capture.file.read()
    assert capture.sha256 == hashlib.sha256(stored).hexdigest()
    assert capture.received_sha256 == hashlib.sha256(raw).hexdigest()
    assert b"Exif" not in stored[:200] and capture.sha256 != capture.received_sha256
    assert capture.captured_at == entry.found_at
    assert entry.ward == watchers["campaign"].ward and entry.found_by == watchers["campaign"]
    assert AuditEntry.objects.filter(action="watch_capture_added", object_id=str(capture.pk)).exists()


@pytest.mark.parametrize("role", ["police", "party"])
def test_police_and_party_board_record_entries_too(watchers, role):
    entry = new_entry(watchers[role])
    assert entry.found_by == watchers[role]


@pytest.mark.parametrize(
    "role", ["leadership", "military", "front", "group_leader", "school", "province", "channel"]
)
def test_others_cannot_record(watchers, role):
    with pytest.raises(PermissionDenied):
        new_entry(watchers[role])
    assert not Entry.objects.exists()


def test_bad_values_are_refused_in_vietnamese_and_nothing_is_saved(watchers):
    with pytest.raises(WorkflowError, match="tương lai"):
        new_entry(watchers["campaign"], first_seen=timezone.localdate() + dt.timedelta(days=2))
    with pytest.raises(WorkflowError, match="đường dẫn"):
        new_entry(watchers["campaign"], link="")
    with pytest.raises(WorkflowError, match="PDF"):
        bad = pdf_bytes(
            OpenAction=DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.alert(1)"),
                }
            )
        )
        new_entry(watchers["campaign"], [upload("trang.pdf", bad, "application/pdf")])
    assert not Entry.objects.exists() and not Capture.objects.exists()
    entry = new_entry(watchers["campaign"], platform="word_of_mouth", link="")
    assert entry.link == ""


# ---------------------------------------------------------------------------------------------- evidence


def test_a_capture_can_never_be_changed_or_deleted(watchers):
    entry = new_entry(watchers["campaign"], [upload("a.png", png_bytes(), "image/png")])
    capture = entry.captures.get()
    capture.note = "sửa"
    with pytest.raises(CaptureError):
        capture.save()
    with pytest.raises(CaptureError):
        capture.delete()
    with pytest.raises(CaptureError):
        Capture.objects.filter(pk=capture.pk).update(sha256="0" * 64)
    with pytest.raises(CaptureError):
        Capture.objects.filter(pk=capture.pk).delete()
    # and not even a raw statement (database triggers)
    for sql in (
        "UPDATE watch_capture SET sha256 = 'x' WHERE id = %s",
        "DELETE FROM watch_capture WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [capture.pk])
    assert Capture.objects.get(pk=capture.pk).sha256 == capture.sha256
    # the entry that holds evidence cannot be deleted either
    with pytest.raises(ProtectedError), transaction.atomic():
        entry.delete()


def test_every_view_of_the_evidence_is_audited_with_its_integrity(client, watchers):
    entry = new_entry(watchers["campaign"], [upload("a.png", png_bytes(), "image/png")])
    capture = entry.captures.get()
    url = reverse("watch:capture", args=[entry.pk, capture.pk])
    for role in ("leadership", "police", "party"):
        client.force_login(watchers[role])
        response = client.get(url)
        assert response.status_code == 200
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == capture.sha256
    viewed = AuditEntry.objects.filter(action="watch_evidence_viewed", object_id=str(capture.pk))
    assert viewed.count() == 3
    assert {e.actor for e in viewed} == {watchers["leadership"], watchers["police"], watchers["party"]}
    assert all("khớp" in e.message for e in viewed)
    # the entry's page lists who viewed it; it does not show the file itself (no unaudited view)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert capture.sha256 in page and "<img" not in page
    assert viewed.count() == 3


@pytest.mark.parametrize(
    "role",
    ["military", "front", "group_leader", "school", "province", "channel", "other_campaign", "other_police"],
)
def test_nobody_else_sees_entries_or_evidence(client, watchers, role):
    entry = new_entry(watchers["campaign"], [upload("a.png", png_bytes(), "image/png")])
    capture = entry.captures.get()
    client.force_login(watchers[role])
    assert client.get(reverse("watch:capture", args=[entry.pk, capture.pk])).status_code in (403, 404)
    assert client.get(entry.get_absolute_url()).status_code in (403, 404)
    assert VALUES["claim"] not in client.get(reverse("watch:list")).content.decode()
    assert not AuditEntry.objects.filter(action="watch_evidence_viewed").exists()


def test_leadership_reads_but_changes_nothing(watchers):
    entry = new_entry(watchers["campaign"])
    lead = watchers["leadership"]
    with pytest.raises(PermissionDenied):
        services.entry_edit(entry=entry, actor=lead, changes={"severity": "low"})
    with pytest.raises(PermissionDenied):
        services.action_create(entry=entry, actor=lead, kind="rebuttal", description="x")
    with pytest.raises(PermissionDenied):
        services.capture_add(
            entry=entry, actor=lead, uploads=[upload("a.png", png_bytes())], captured_at=timezone.now()
        )
    with pytest.raises(PermissionDenied):
        services.entry_close(entry=entry, actor=lead, note="x")


# ------------------------------------------------------------------------------------------------ actions


def test_rebuttal_is_published_with_its_address_and_the_figure_counts_it(watchers):
    campaign = watchers["campaign"]
    entry = new_entry(campaign, first_seen=timezone.localdate() - dt.timedelta(days=3))
    rebuttal = services.action_create(
        entry=entry, actor=campaign, kind="rebuttal", description="Lấy mẫu ADN miễn phí."
    )
    assert rebuttal.status == ActionStatus.DRAFTING
    with pytest.raises(WorkflowError, match="đường dẫn"):
        services.action_advance(action=rebuttal, actor=campaign, status="published")
    with pytest.raises(WorkflowError, match="Mã tin bài"):
        services.action_advance(
            action=rebuttal, actor=campaign, status="published", content_ref="khong-hop-le"
        )
    services.action_advance(
        action=rebuttal, actor=campaign, status="published", published_url="https://ducxuan.gov.vn/bai/1"
    )
    rebuttal.refresh_from_db()
    assert rebuttal.status == ActionStatus.PUBLISHED and rebuttal.published_at and not rebuttal.is_open
    period = Period.custom(timezone.localdate() - dt.timedelta(days=30), timezone.localdate())
    assert indicators.time_to_rebuttal(entry.ward, period) == 3
    assert indicators.time_to_rebuttal(entry.ward.parent, period) == 3  # the province's wards
    assert (
        indicators.time_to_rebuttal(entry.ward, Period.custom(dt.date(2026, 7, 1), dt.date(2026, 7, 31)))
        is None
    )
    # a published rebuttal cannot be moved again
    with pytest.raises(WorkflowError):
        services.action_advance(action=rebuttal, actor=campaign, status="cancelled")


def test_police_referral_is_answered_by_the_police_and_notifies_both_ways(watchers):
    campaign, police = watchers["campaign"], watchers["police"]
    entry = new_entry(campaign)
    referral = services.action_create(
        entry=entry,
        actor=campaign,
        kind="police_referral",
        description="Đề nghị xác minh tài khoản đăng bài.",
    )
    told = Notification.objects.filter(recipient=police)
    assert told.count() == 1 and entry.code in told.get().text and told.get().link == entry.get_absolute_url()
    # the culture office cannot answer for the police; the other ward's police cannot either
    with pytest.raises(PermissionDenied):
        services.action_advance(action=referral, actor=campaign, status="received")
    with pytest.raises(PermissionDenied):
        services.action_advance(action=referral, actor=watchers["other_police"], status="received")
    with pytest.raises(WorkflowError):
        services.action_advance(action=referral, actor=police, status="resolved", note="x")  # received first
    services.action_advance(action=referral, actor=police, status="received")
    services.action_advance(
        action=referral, actor=police, status="handling", note="Đã mời người đăng làm việc."
    )
    with pytest.raises(WorkflowError, match="kết quả"):
        services.action_advance(action=referral, actor=police, status="resolved")
    services.action_advance(
        action=referral, actor=police, status="resolved", answer="Người đăng đã gỡ bài, cam kết."
    )
    referral.refresh_from_db()
    assert referral.status == ActionStatus.RESOLVED and referral.answer.startswith("Người đăng")
    assert [s.status for s in referral.steps.all()] == ["sent", "received", "handling", "resolved"]
    assert Notification.objects.filter(recipient=campaign).count() == 3
    figures = indicators.referrals(entry.ward, Period.custom(timezone.localdate(), timezone.localdate()))
    assert figures.get("resolved") == 1 and figures.total() == 1


def test_guidance_goes_to_the_wards_groups_only_and_entry_closes_when_all_ended(watchers, units):
    campaign = watchers["campaign"]
    entry = new_entry(campaign)
    with pytest.raises(WorkflowError, match="tổ dân phố"):
        services.action_create(entry=entry, actor=campaign, kind="group_guidance", description="x")
    foreign = units["other_vhxh"]
    with pytest.raises(WorkflowError, match="thuộc phường"):
        services.action_create(
            entry=entry, actor=campaign, kind="group_guidance", description="x", groups=[foreign]
        )
    guidance = services.action_create(
        entry=entry,
        actor=campaign,
        kind="group_guidance",
        description="Phổ biến: lấy mẫu miễn phí.",
        groups=[units["tdp-01"], units["tdp-02"]],
    )
    report = services.action_create(
        entry=entry, actor=campaign, kind="platform_report", description="Báo cáo Facebook."
    )
    with pytest.raises(WorkflowError, match="chưa xong"):
        services.entry_close(entry=entry, actor=campaign, note="Xong")
    today = Period.custom(timezone.localdate(), timezone.localdate())
    assert indicators.open_items(entry.ward, today) == 1
    services.action_advance(action=guidance, actor=campaign, status="confirmed")
    services.action_advance(action=report, actor=campaign, status="removed", platform_reference="FB-123")
    services.entry_close(entry=entry, actor=campaign, note="Bài đã gỡ, đã phổ biến.")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CLOSED and indicators.open_items(entry.ward, today) == 0
    assert Action.objects.get(pk=report.pk).platform_reference == "FB-123"


def test_other_wards_campaign_staff_cannot_act(watchers):
    entry = new_entry(watchers["campaign"])
    with pytest.raises(PermissionDenied):
        services.action_create(
            entry=entry, actor=watchers["other_campaign"], kind=ActionKind.REBUTTAL, description="x"
        )


# -------------------------------------------------------------------------------------------------- pages


def test_pages_record_and_show_an_entry(client, watchers):
    client.login(username="vhxh", password=PASSWORD)
    data = {
        "platform": "tiktok",
        "link": "https://tiktok.com/@x/video/1",
        "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "first_seen": timezone.localdate().isoformat(),
        "estimated_reach": "",
        "claim": "Video nói hài cốt được trả về không đúng người.",
        "assessment": "distorted",
        "severity": "medium",
        "files": [upload("chup.png", png_bytes(), "image/png")],
    }
    response = client.post(reverse("watch:new"), data)
    assert response.status_code == 302
    entry = Entry.objects.get()
    page = client.get(response.url).content.decode()
    assert "Video nói hài cốt" in page and entry.captures.get().sha256 in page
    # bad input: a Vietnamese message, nothing saved
    bad = client.post(reverse("watch:new"), data | {"platform": "myspace", "files": []})
    assert bad.status_code == 400 and "Hãy chọn trong danh sách" in bad.content.decode()
    assert Entry.objects.count() == 1


def test_rebuttal_linked_to_a_comms_item_is_published_only_once_the_item_is(watchers, units):
    from doantu.comms import services as comms
    from doantu.comms.models import Channel, ContentItem

    campaign, channel = watchers["campaign"], watchers["channel"]
    ward = campaign.ward
    entry = new_entry(campaign)
    item = comms.item_save(
        actor=campaign,
        item=ContentItem(
            ward=ward,
            title="Lấy mẫu ADN thân nhân liệt sĩ là miễn phí",
            kind="video",
            topic="iv5",
            planned_date=timezone.localdate(),
            owner_unit=units["ttdvth"],
        ),
        channels=list(Channel.objects.filter(ward=ward, code="facebook")),
    )
    ref = f"comms.contentitem:{item.pk}"
    rebuttal = services.action_create(
        entry=entry, actor=campaign, kind="rebuttal", description="x", content_ref=ref
    )
    with pytest.raises(WorkflowError, match="chưa được đăng"):
        services.action_advance(action=rebuttal, actor=campaign, status="published")
    comms.item_submit(actor=channel, item=item)
    comms.item_approve(actor=campaign, item=item, note="Đồng ý")
    comms.item_publish(actor=channel, item=item, evidence_url="https://facebook.com/ducxuan/posts/9")
    services.action_advance(action=rebuttal, actor=campaign, status="published")
    rebuttal.refresh_from_db()
    assert rebuttal.status == "published" and rebuttal.published_url == "https://facebook.com/ducxuan/posts/9"
    # another ward's item cannot be linked
    with pytest.raises(WorkflowError, match="Không tìm thấy"):
        services.action_create(
            entry=entry,
            actor=campaign,
            kind="rebuttal",
            description="x",
            content_ref="comms.contentitem:999999",
        )
