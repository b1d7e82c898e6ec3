"""Communication pages through the test client: calendar, workflow by POST, ICS feed, Facebook import, script."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from doantu.comms import services
from doantu.comms.models import CalendarFeed, Channel, ContentItem, ContentStatus, Peak, Reach

from .conftest import PASSWORD, jpeg_with_gps, make_tip

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _new_item(client, ward, units, **over):
    fb = Channel.objects.get(ward=ward, code="facebook")
    data = {
        "title": "Video: lời kể nhân chứng",
        "kind": "video",
        "topic": "iv3",
        "planned_date": timezone.localdate().isoformat(),
        "planned_time": "19:30",
        "channels": [fb.pk],
        "owner_unit": units["ttdvth"].pk,
        "production": "own",
        **over,
    }
    response = client.post(reverse("comms:item_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ContentItem.objects.latest("pk")


def test_pages_render_for_every_reader(client, ward, units, users):
    for role in ("campaign", "channel", "group_leader", "school", "leadership", "admin"):
        client.logout()
        login(client, users[role])
        for name in ("comms:overview", "comms:calendar", "comms:peaks", "comms:feeds"):
            response = client.get(reverse(name))
            assert response.status_code == 200, (role, name)
        assert client.get(reverse("comms:calendar") + "?view=week").status_code == 200
    for role in ("police", "military", "other_police"):
        client.logout()
        login(client, users[role])
        assert client.get(reverse("comms:overview")).status_code == 403


def test_workflow_through_pages_and_target(client, ward, units, users):
    login(client, users["channel"])
    item = _new_item(client, ward, units)
    assert item.ward == ward and item.status == ContentStatus.DRAFT and item.planned_time == dt.time(19, 30)
    page = client.get(reverse("comms:calendar")).content.decode()
    assert "Video: lời kể nhân chứng" in page
    client.post(reverse("comms:item_action", args=[item.pk, "submit"]))
    # the channel staff cannot approve
    client.post(reverse("comms:item_action", args=[item.pk, "approve"]))
    item.refresh_from_db()
    assert item.status == ContentStatus.SUBMITTED
    client.logout()
    login(client, users["campaign"])
    assert "Video: lời kể nhân chứng" in client.get(reverse("comms:overview")).content.decode()
    client.post(reverse("comms:item_action", args=[item.pk, "approve"]), {"note": "Được"})
    item.refresh_from_db()
    assert item.status == ContentStatus.APPROVED
    client.logout()
    login(client, users["channel"])
    r = client.post(
        reverse("comms:item_action", args=[item.pk, "publish"]), {"evidence_url": ""}, follow=True
    )
    assert "Cần minh chứng" in r.content.decode()
    client.post(
        reverse("comms:item_action", args=[item.pk, "publish"]), {"evidence_url": "https://fb.com/dx/posts/9"}
    )
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED
    overview = client.get(reverse("comms:overview")).content.decode()
    assert "1/3 — còn" in overview


def test_publish_with_photo_evidence(client, ward, units, users):
    login(client, users["channel"])
    item = _new_item(client, ward, units)
    services.item_submit(actor=users["channel"], item=item)
    services.item_approve(actor=users["campaign"], item=item)
    photo = SimpleUploadedFile("anh.jpg", jpeg_with_gps(), content_type="image/jpeg")
    client.post(reverse("comms:item_action", args=[item.pk, "publish"]), {"evidence_photo": photo})
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED and item.evidence_photo
    assert client.get(reverse("comms:item_evidence", args=[item.pk])).status_code == 200


def test_ics_feed_private_and_revocable(client, ward, units, users):
    login(client, users["channel"])
    item = _new_item(client, ward, units)
    client.post(reverse("comms:feeds"), {"scope": "me"})
    feed = CalendarFeed.objects.get(user=users["channel"])
    client.logout()
    url = reverse("comms_public:ics", args=[feed.token])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = [e for e in cal.walk("VEVENT")]
    assert [str(e["summary"]) for e in events] == [f"[Bản nháp] {item.title}"]
    assert events[0].decoded("dtstart").hour == 19
    assert client.get(reverse("comms_public:ics", args=["sai-ma"])).status_code == 404
    login(client, users["channel"])
    client.post(reverse("comms:feed_revoke", args=[feed.pk]))
    client.logout()
    assert client.get(url).status_code == 404


def test_unit_feed_only_own_unit(client, ward, units, users):
    login(client, users["school"])
    client.post(reverse("comms:feeds"), {"scope": "unit"})
    feed = CalendarFeed.objects.get(user=users["school"])
    assert feed.unit == units["thcs-duc-xuan"]


def _published(ward, units, users, url):
    item = ContentItem(
        ward=ward,
        title=f"Phóng sự {url[-2:]}",
        kind="report",
        topic="iv2",
        planned_date=timezone.localdate(),
        owner_unit=units["ttdvth"],
    )
    services.item_save(
        actor=users["channel"], item=item, channels=[Channel.objects.get(ward=ward, code="facebook")]
    )
    services.item_submit(actor=users["channel"], item=item)
    services.item_approve(actor=users["campaign"], item=item)
    return services.item_publish(actor=users["channel"], item=item, evidence_url=url)


def test_facebook_csv_import_matches_by_link(client, ward, units, users):
    a = _published(ward, units, users, "https://www.facebook.com/phuongducxuan/posts/pfbid0AbC11")
    b = _published(ward, units, users, "https://facebook.com/phuongducxuan/videos/12345/")
    csv_text = (
        "Post ID,Permalink,Title,Reach,Reactions,Comments,Shares\n"
        ",Lifetime: The permalink,,Lifetime: reach,,,\n"
        "1,https://m.facebook.com/phuongducxuan/posts/pfbid0AbC11?ref=share,A,1.234,56,7,8\n"
        "2,https://www.facebook.com/phuongducxuan/videos/12345,B,300,5,1,0\n"
        "3,https://www.facebook.com/phuongducxuan/posts/khac,C,10,1,0,0\n"
    )
    login(client, users["channel"])
    upload = SimpleUploadedFile("insights.csv", csv_text.encode("utf-8-sig"), content_type="text/csv")
    r = client.post(
        reverse("comms:reach_import"), {"file": upload, "measured_on": timezone.localdate().isoformat()}
    )
    page = r.content.decode()
    assert r.status_code == 200 and "2</strong>/3" in page and "Dòng 5" in page
    assert Reach.objects.get(item=a).views == 1234 and Reach.objects.get(item=a).shares == 8
    assert Reach.objects.get(item=b).views == 300
    bad = csv_text.replace("300", "ba trăm")
    upload = SimpleUploadedFile("insights.csv", bad.encode(), content_type="text/csv")
    Reach.objects.all().delete()
    r = client.post(
        reverse("comms:reach_import"), {"file": upload, "measured_on": timezone.localdate().isoformat()}
    )
    assert "Dòng 4: cột “Lượt tiếp cận” phải là số" in r.content.decode()
    assert not Reach.objects.exists()  # all or nothing
    r = client.post(
        reverse("comms:reach_import"),
        {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n"), "measured_on": timezone.localdate().isoformat()},
    )
    assert "Không thấy cột đường dẫn" in r.content.decode()


def test_facebook_xlsx_import(client, ward, units, users):
    from openpyxl import Workbook

    a = _published(ward, units, users, "https://www.facebook.com/phuongducxuan/posts/77")
    wb = Workbook()
    ws = wb.active
    ws.append(["Liên kết vĩnh viễn", "Số người tiếp cận", "Cảm xúc", "Bình luận", "Lượt chia sẻ"])
    ws.append(["https://facebook.com/phuongducxuan/posts/77", 900, 40, 3, 2])
    out = io.BytesIO()
    wb.save(out)
    login(client, users["channel"])
    client.post(
        reverse("comms:reach_import"),
        {
            "file": SimpleUploadedFile("x.xlsx", out.getvalue()),
            "measured_on": timezone.localdate().isoformat(),
        },
    )
    assert Reach.objects.get(item=a).views == 900


def test_weekly_script_draft_text_and_docx(client, ward, units, users, source):
    make_tip(source)
    login(client, users["channel"])
    assert "Số thông tin Nhân dân đã cung cấp: 1" in client.get(reverse("comms:script_new")).content.decode()
    client.post(reverse("comms:script_new"))
    item = ContentItem.objects.get(kind="broadcast_script")
    assert item.status == ContentStatus.DRAFT and item.channels.get().code == "loa"
    txt = client.get(reverse("comms:item_script_txt", args=[item.pk])).content.decode()
    assert "BÀI PHÁT THANH TUẦN" in txt and "mẫu ADN" in txt
    docx = client.get(reverse("comms:item_script_docx", args=[item.pk])).content
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "Số thông tin Nhân dân đã cung cấp: 1" in text
    # staff edit it like any other item; the culture office approves
    client.post(reverse("comms:item_action", args=[item.pk, "submit"]))
    item.refresh_from_db()
    assert item.status == ContentStatus.SUBMITTED


def test_peak_checklist_tick_through_page(client, ward, units, users):
    peak = Peak.objects.filter(ward=ward).order_by("peak_date__date").first()
    entry = peak.checklist.get(template_code="hop-to", unit=units["tdp-01"])
    login(client, users["group_leader"])
    page = client.get(reverse("comms:peak", args=[peak.pk])).content.decode()
    assert "Đánh dấu hoàn thành" in page
    client.post(
        reverse("comms:checklist_action", args=[entry.pk, "tick"]), {"evidence_url": "https://zalo.me/g/abc"}
    )
    entry.refresh_from_db()
    assert entry.done and entry.done_by == users["group_leader"]
    other = peak.checklist.get(template_code="bang-ron-qr")
    client.post(
        reverse("comms:checklist_action", args=[other.pk, "tick"]), {"evidence_url": "https://x.vn/a"}
    )
    other.refresh_from_db()
    assert not other.done
