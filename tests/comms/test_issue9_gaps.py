"""Issue 9 checked bullet by bullet: what the earlier tests left unproved. Another ward loads its own channels
from its seed file; the target warns from exactly the 20th and only when behind; the calendar's filters by
channel, unit and status, its week view and phone agenda; the peak countdown; an item's owner, relayed
production and files (a Word script, checked); an activity with its place, attendance and photo; the API's
channels, calendar, item with what it brought, ranking and targets, each within the reader's ward."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doantu.audit.models import AuditEntry
from doantu.comms import brought, selectors, services
from doantu.comms.models import Channel, ContentFile, ContentItem, ContentStatus, Peak, Target
from doantu.notify.models import Notification
from doantu.org.models import OrgUnit, UnitKind
from tests.conftest import PASSWORD, jpeg_with_gps, make_tip

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parents[2] / "doantu" / "org" / "seed" / "duc-xuan.toml"


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def make(actor, ward, units, *, title, kind="video", channels=("facebook",), day=None, **fields):
    item = ContentItem(
        ward=ward,
        title=title,
        kind=kind,
        topic=fields.pop("topic", "iv3"),
        planned_date=day or timezone.localdate(),
        owner_unit=fields.pop("owner_unit", units["ttdvth"]),
        **fields,
    )
    return services.item_save(
        actor=actor, item=item, channels=list(Channel.objects.filter(ward=ward, code__in=channels))
    )


def publish(users, item, url="https://www.facebook.com/phuongducxuan/posts/1"):
    services.item_submit(actor=users["channel"], item=item)
    services.item_approve(actor=users["campaign"], item=item)
    return services.item_publish(actor=users["channel"], item=item, evidence_url=url)


# ------------------------------------------------------------------ channels: another ward loads its own


def test_another_ward_loads_its_own_channels_from_its_seed_file(ward, tmp_path):
    from doantu.org.seed import load_seed

    text = SEED.read_text(encoding="utf-8")
    text = (
        text.replace('code = "01840"', 'code = "01850"', 1)
        .replace('name = "Phường Đức Xuân"', 'name = "Phường Thử Seed"', 1)
        .replace('source_prefix = "dx"', 'source_prefix = "ts"')
        .replace('code = "dx', 'code = "ts')
        .replace('plan_file = "duc-xuan-ke-hoach.xlsx"', "")
        .replace('name = "Trang Facebook của phường"', 'name = "Trang Facebook phường Thử Seed"')
    )
    assert 'code = "01850"' in text and "Trang Facebook phường Thử Seed" in text
    path = tmp_path / "thu-seed.toml"
    path.write_text(text, encoding="utf-8")
    before = set(Channel.objects.filter(ward=ward).values_list("pk", "name"))

    counts = load_seed(path)

    other = OrgUnit.objects.get(kind=UnitKind.WARD, code="01850")
    channels = Channel.objects.filter(ward=other)
    assert counts["channels"] == channels.count() == 9
    facebook = channels.get(code="facebook")
    assert facebook.name == "Trang Facebook phường Thử Seed"
    # each channel answers to a unit of that ward, never of Đức Xuân
    assert all(c.responsible_unit.path.startswith(other.path + "/") for c in channels)
    assert Target.objects.get(ward=other, code="v1-chuyen-sau").owner_unit.parent == other
    assert Peak.objects.filter(ward=other).count() == 3
    # Đức Xuân's own are untouched
    assert set(Channel.objects.filter(ward=ward).values_list("pk", "name")) == before


# ------------------------------------------------------------------ the target's warning from the 20th


def test_target_warns_from_exactly_the_20th_and_only_when_behind(ward, units, users):
    target = Target.objects.get(ward=ward, code="v1-chuyen-sau")
    assert target.warn_from_day == 20  # the seed file: plan V.1's owner warned from the 20th
    today = timezone.localdate()
    assert services.targets_warn(today=today.replace(day=19)) == 0
    assert services.targets_warn(today=today.replace(day=20)) == 1
    text = Notification.objects.get(recipient=users["campaign"]).text
    assert f"0/3 — còn {(selectors.period_of_month(today)[1] - today.replace(day=20)).days} ngày" in text


def test_target_met_warns_nobody(ward, units, users):
    for n, kind in enumerate(("video", "report", "in_depth"), start=1):
        publish(
            users,
            make(users["channel"], ward, units, title=f"Sản phẩm {n}", kind=kind),
            url=f"https://x.vn/{n}",
        )
    progress = selectors.target_progress(Target.objects.get(ward=ward, code="v1-chuyen-sau"))
    assert progress.done == 3 and not progress.behind
    assert services.targets_warn(today=timezone.localdate().replace(day=25)) == 0
    assert not Notification.objects.filter(recipient=users["campaign"]).exists()


# ------------------------------------------------------------------ the calendar: filters, week, agenda


def test_calendar_filters_by_channel_unit_and_status(ward, units, users):
    day = timezone.localdate()
    on_fb = make(users["channel"], ward, units, title="Zqx trên Facebook", channels=("facebook",), day=day)
    on_loa = make(
        users["channel"],
        ward,
        units,
        title="Zqx trên loa",
        kind="broadcast_script",
        channels=("loa",),
        day=day,
    )
    school = make(
        users["school"],
        ward,
        units,
        title="Zqx sinh hoạt dưới cờ",
        kind="activity",
        channels=("truong-hoc",),
        owner_unit=units["thcs-duc-xuan"],
        place="Sân trường",
        day=day,
    )
    services.item_submit(actor=users["channel"], item=on_loa)
    client = login(users["campaign"])
    url = reverse("comms:calendar")

    def titles(**query):
        body = client.get(url, {"date": day.isoformat(), **query}).content.decode()
        return {t for t in (on_fb.title, on_loa.title, school.title) if t in body}

    assert titles() == {on_fb.title, on_loa.title, school.title}
    fb = Channel.objects.get(ward=ward, code="facebook")
    assert titles(channel=fb.pk) == {on_fb.title}
    assert titles(unit=units["thcs-duc-xuan"].pk) == {school.title}
    assert titles(status=ContentStatus.SUBMITTED) == {on_loa.title}
    # the filters stay when moving to the next month or the week view
    body = client.get(url, {"date": day.isoformat(), "channel": fb.pk}).content.decode()
    assert f"channel={fb.pk}" in body.split('aria-label="Sau"')[0].rsplit("href=", 1)[1]
    week = client.get(url, {"view": "week", "date": day.isoformat(), "channel": fb.pk}).content.decode()
    assert on_fb.title in week and on_loa.title not in week


def test_week_view_shows_seven_days_and_agenda_lists_each_item(ward, units, users):
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    inside = make(users["channel"], ward, units, title="Zqx trong tuần", day=monday + dt.timedelta(days=6))
    outside = make(users["channel"], ward, units, title="Zqx tuần sau", day=monday + dt.timedelta(days=7))
    body = login(users["channel"]).get(
        reverse("comms:calendar"), {"view": "week", "date": monday.isoformat()}
    )
    html = body.content.decode()
    grid = html.split('data-testid="agenda"')[0]
    assert grid.count("<td") == 7
    assert inside.title in grid and outside.title not in grid
    agenda = html.split('data-testid="agenda"')[1]
    assert agenda.count(inside.title) == 1 and outside.title not in agenda


def test_overview_shows_the_next_peak_countdown(ward, users):
    from doantu.comms.selectors import peaks_for

    today = dt.date(2026, 12, 12)
    views = peaks_for(users["campaign"], today=today, upcoming_only=True)
    assert views[0].peak.date == dt.date(2026, 12, 22) and views[0].countdown == "còn 10 ngày"
    page = login(users["campaign"]).get(reverse("comms:overview")).content.decode()
    nxt = peaks_for(users["campaign"], upcoming_only=True)[0]
    assert nxt.countdown in page and f"{nxt.done}/{nxt.total}" in page


# ------------------------------------------------------------------ an item's fields, files, activities


def _docx(text: str, *, macro: bool = False) -> bytes:
    from docx import Document

    out = io.BytesIO()
    doc = Document()
    doc.add_paragraph(text)
    doc.save(out)
    if not macro:
        return out.getvalue()
    src = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    with_macro = io.BytesIO()
    with zipfile.ZipFile(with_macro, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("word/vbaProject.bin", b"\x00" * 64)
    return with_macro.getvalue()


def test_item_form_keeps_owner_person_relayed_production_and_time(ward, units, users):
    client = login(users["channel"])
    response = client.post(
        reverse("comms:item_new"),
        {
            "title": "Chia sẻ phóng sự của Đài tỉnh",
            "kind": "report",
            "topic": "iv4",
            "planned_date": "2026-12-20",
            "planned_time": "06:15",
            "channels": [Channel.objects.get(ward=ward, code="zalo-nhom").pk],
            "owner_unit": units["ttdvth"].pk,
            "owner": users["channel"].pk,
            "production": "relayed",
            "relayed_from": "Đài Phát thanh - Truyền hình Thái Nguyên",
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    item = ContentItem.objects.get(title="Chia sẻ phóng sự của Đài tỉnh")
    assert (item.owner, item.production, item.relayed_from) == (
        users["channel"],
        "relayed",
        "Đài Phát thanh - Truyền hình Thái Nguyên",
    )
    assert (item.planned_time, item.phase.number) == (dt.time(6, 15), 2)
    page = client.get(reverse("comms:item", args=[item.pk])).content.decode()
    assert "Chia sẻ, tiếp sóng từ cấp trên" in page and "Đài Phát thanh - Truyền hình Thái Nguyên" in page


def test_word_script_image_attached_and_bad_files_refused(ward, units, users):
    item = make(
        users["channel"], ward, units, title="Bài phát thanh tuần", kind="broadcast_script", channels=("loa",)
    )
    client = login(users["channel"])
    action = reverse("comms:item_action", args=[item.pk, "file"])
    script = _docx("Kính thưa bà con Nhân dân phường Đức Xuân")
    client.post(action, {"kind": "script", "file": SimpleUploadedFile("ban-phat-thanh.docx", script)})
    client.post(action, {"kind": "image", "file": SimpleUploadedFile("anh.jpg", jpeg_with_gps())})
    client.post(
        action, {"kind": "script", "file": SimpleUploadedFile("ghi-chu.txt", "Lời kêu gọi\n".encode())}
    )
    files = {f.name: f for f in ContentFile.objects.filter(item=item)}
    assert set(files) == {"ban-phat-thanh.docx", "anh.jpg", "ghi-chu.txt"}
    assert files["ban-phat-thanh.docx"].kind == "script" and files["anh.jpg"].kind == "image"
    assert not files["anh.jpg"].file.name.endswith("..jpg")
    download = client.get(reverse("comms:item_file", args=[item.pk, files["ban-phat-thanh.docx"].pk]))
    assert b"".join(download.streaming_content) == script
    page = client.get(reverse("comms:item", args=[item.pk])).content.decode()
    assert "ban-phat-thanh.docx" in page
    # refused, with a Vietnamese reason, and nothing stored
    for name, data, reason in (
        ("co-macro.docx", _docx("x", macro=True), "macro"),
        ("gia.docx", b"PK\x03\x04 not a zip", "không phải tệp Word"),
        ("cu.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Word Document (.docx)"),
        ("sai-ma.txt", "Lời".encode("utf-16"), "UTF-8"),
    ):
        r = client.post(action, {"kind": "script", "file": SimpleUploadedFile(name, data)}, follow=True)
        assert reason in r.content.decode(), name
    assert ContentFile.objects.filter(item=item).count() == 3
    assert AuditEntry.objects.filter(action="content_file_added").count() == 3
    # leadership reads, never adds
    with pytest.raises(PermissionDenied):
        services.item_add_file(actor=users["leadership"], item=item, upload=SimpleUploadedFile("a.txt", b"x"))


def test_residential_group_logs_its_meeting_with_place_attendance_and_photo(ward, units, users):
    leader = users["group_leader"]
    item = make(
        leader,
        ward,
        units,
        title="Họp tổ dân phố số 1 triển khai Chiến dịch",
        kind="activity",
        channels=("hoi-nghi",),
        owner_unit=units["tdp-01"],
        place="Nhà văn hóa tổ 1",
    )
    services.item_submit(actor=leader, item=item)
    services.item_approve(actor=users["campaign"], item=item)
    client = login(leader)
    held = timezone.localtime() - dt.timedelta(days=1)
    client.post(
        reverse("comms:item_action", args=[item.pk, "publish"]),
        {
            "evidence_photo": SimpleUploadedFile("hop-to.jpg", jpeg_with_gps()),
            "attendance": "64",
            "published_at": held.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED
    assert (item.held_on, item.place, item.attendance) == (held.date(), "Nhà văn hóa tổ 1", 64)
    assert item.activity_photo and not item.evidence_photo
    photo = client.get(reverse("comms:item_evidence", args=[item.pk]))
    assert photo.status_code == 200
    # the photo lost its GPS position on arrival
    from PIL import Image

    data = b"".join(photo.streaming_content) if photo.streaming else photo.content
    assert not Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)


# ------------------------------------------------------------------ the API for a Zalo mini-app


def _api(user) -> Client:
    return login(user)


def test_api_channels_calendar_item_figures_ranking_targets(ward, units, users):
    day = timezone.localdate()
    video = publish(users, make(users["channel"], ward, units, title="Zqx video có mã QR", day=day))
    draft = make(users["channel"], ward, units, title="Zqx tin loa", kind="news", channels=("loa",), day=day)
    source = brought.item_source_create(actor=users["channel"], item=video)
    Client().get(f"/t/{source.code}")
    make_tip(source, kind="relative", relationship="sibling", dna_offer=True, consent_dna=True)
    campaign = _api(users["campaign"])

    channels = campaign.get("/api/comms/channels").json()
    assert {c["code"] for c in channels} >= {"loa", "facebook", "zalo-oa"}
    loa = next(c for c in channels if c["code"] == "loa")
    assert loa["responsible_unit"] == units["ttdvth"].label

    items = campaign.get("/api/comms/items", {"start": day.isoformat(), "end": day.isoformat()}).json()
    assert {i["title"] for i in items} == {video.title, draft.title}
    only_loa = campaign.get("/api/comms/items", {"start": day, "end": day, "channel": loa["id"]}).json()
    assert [i["id"] for i in only_loa] == [draft.pk]
    published = campaign.get("/api/comms/items", {"start": day, "end": day, "status": "published"}).json()
    assert [i["id"] for i in published] == [video.pk]
    assert campaign.get("/api/comms/items", {"status": "xyz"}).status_code == 400
    assert (
        campaign.get("/api/comms/items", {"start": day, "end": day - dt.timedelta(days=1)}).status_code == 400
    )

    detail = campaign.get(f"/api/comms/items/{video.pk}").json()
    from doantu.comms.posters import short_address, source_url

    assert detail["brought"] == {
        "short_url": short_address(source_url(source)),
        "visits": 1,
        "tips": 1,
        "verified": 0,
        "dna_offers": 1,
    }
    assert detail["brought"]["short_url"].endswith(f"/t/{source.code}")
    assert "://" not in detail["brought"]["short_url"]
    assert campaign.get(f"/api/comms/items/{draft.pk}").json()["brought"] is None
    # the service centre may not know DNA offers (tips.access.may_filter_relative)
    assert _api(users["channel"]).get(f"/api/comms/items/{video.pk}").json()["brought"]["dna_offers"] is None

    ranking = campaign.get("/api/comms/ranking").json()
    assert [(r["id"], r["brought"]["tips"]) for r in ranking] == [(video.pk, 1)]

    targets = {t["code"]: t for t in campaign.get("/api/comms/targets").json()}
    assert targets["v1-chuyen-sau"]["done"] == 1 and targets["v1-chuyen-sau"]["text"].startswith("1/3 — ")

    # another ward's reader sees none of it; an agency outside the work is refused
    other = _api(users["other_campaign"])
    assert other.get(f"/api/comms/items/{video.pk}").status_code == 404
    assert video.pk not in [i["id"] for i in other.get("/api/comms/items", {"start": day, "end": day}).json()]
    assert other.get("/api/comms/ranking").json() == []
    assert other.get("/api/comms/ranking", {"ward": ward.pk}).status_code == 404
    assert _api(users["police"]).get("/api/comms/ranking").status_code == 403
    assert _api(users["police"]).get("/api/comms/channels").status_code == 403


def test_api_is_in_the_openapi_schema():
    schema = Client().get("/api/openapi.json").json()
    for path in (
        "/api/comms/channels",
        "/api/comms/items",
        "/api/comms/items/{item_id}",
        "/api/comms/ranking",
        "/api/comms/targets",
    ):
        assert "get" in schema["paths"][path], path
    detail = schema["components"]["schemas"]["ItemDetailOut"]
    assert "brought" in detail["properties"]


# ------------------------------------------------------------------ posters as a person reads them


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_poster_lines_keep_the_motto_and_question_whole(ward, size):
    """Seen on the rendered posters: the motto wrapped as "… về với / đất mẹ" and the question as "… của /
    liệt sĩ?". The lines as LibreOffice laid them out now end on whole phrases, and the ward reads in lower case
    inside the sentence ("UBND phường Đức Xuân")."""
    from pypdf import PdfReader

    from doantu.comms import posters
    from doantu.tips.models import Source
    from tests.comms.test_posters_pdf import require_pdf

    require_pdf()
    pdf = posters.posters_pdf([posters.page_for(Source.objects.get(code="dx-fb"))], size=size)
    lines = [
        " ".join(line.split()) for line in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    ]
    assert "đất mẹ" not in lines and "liệt sĩ?" not in lines, lines
    assert any(line.endswith("về với đất mẹ") for line in lines), lines
    assert any(line.startswith("hay gia đình của liệt sĩ?") for line in lines), lines
    assert any(line.startswith("Hoặc đến UBND phường Đức Xuân") for line in lines), lines
    assert any(line.startswith("Mã QR: Trang Facebook của phường") for line in lines), lines


# ------------------------------------------------------------------ the weekly loudspeaker script


def test_weekly_script_reads_all_three_figures_and_keeps_staff_edits(ward, units, users, source):
    from docx import Document

    from doantu.tips.models import Tip, TipStatus

    first = make_tip(source, kind="relative", relationship="sibling", dna_offer=True, consent_dna=True)
    make_tip(source)
    make_tip(source)
    Tip.objects.filter(pk=first.pk).update(status=TipStatus.VERIFIED)
    client = login(users["channel"])
    client.post(reverse("comms:script_new"))
    item = ContentItem.objects.get(kind="broadcast_script")
    for line in (
        "Số thông tin Nhân dân đã cung cấp: 3;",
        "Số thông tin đã được xác minh: 1;",
        "Số thân nhân liệt sĩ đăng ký cho mẫu sinh phẩm ADN: 1.",
        "kêu gọi bà con Nhân dân",  # the call for information (plan IV.3)
    ):
        assert line in item.summary, line

    def docx_text() -> str:
        data = client.get(reverse("comms:item_script_docx", args=[item.pk])).content
        return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)

    assert "DỰ THẢO" in docx_text()
    # staff edit it before it goes for approval; both downloads carry the edit
    edited = item.summary.replace(
        "Xin trân trọng cảm ơn!", "Tối thứ Bảy phát lại lúc 19 giờ. Xin trân trọng cảm ơn!"
    )
    r = client.post(
        reverse("comms:item_edit", args=[item.pk]),
        {
            "title": item.title,
            "kind": item.kind,
            "topic": item.topic,
            "planned_date": item.planned_date.isoformat(),
            "channels": [c.pk for c in item.channels.all()],
            "owner_unit": item.owner_unit_id,
            "owner": item.owner_id,
            "production": item.production,
            "summary": edited,
        },
    )
    assert r.status_code == 302, r.content.decode()[:1000]
    txt = client.get(reverse("comms:item_script_txt", args=[item.pk])).content.decode()
    assert "Tối thứ Bảy phát lại lúc 19 giờ." in txt and "Tối thứ Bảy phát lại lúc 19 giờ." in docx_text()
    services.item_submit(actor=users["channel"], item=item)
    services.item_approve(actor=users["campaign"], item=item)
    assert "DỰ THẢO" not in docx_text()
    assert AuditEntry.objects.filter(action="content_item_updated", object_id=str(item.pk)).exists()


def test_source_ranking_ties_in_reading_order(ward, users):
    """Seen on the ranking page: "Tổ dân phố 10" listed between 1 and 2 when nothing has come in yet."""
    rows = [r.label for r in brought.source_ranking(users["campaign"], ward=ward)]
    groups = [label for label in rows if label.startswith("Tổ dân phố ")]
    assert groups == [f"Tổ dân phố {n}" for n in range(1, 11)], groups


def test_filter_box_opens_only_when_filtering(ward, users):
    """Seen on the week view: the filter box stood open for ?view=week, with no filter set."""
    client = login(users["campaign"])
    url = reverse("comms:calendar")
    for query in ({}, {"view": "week"}, {"date": "2026-12-01"}):
        assert '<details class="filterbox">' in client.get(url, query).content.decode(), query
    fb = Channel.objects.get(ward=ward, code="facebook")
    for query in ({"channel": fb.pk}, {"view": "week", "status": "draft"}):
        assert '<details class="filterbox" open>' in client.get(url, query).content.decode(), query


def test_a_ward_set_weekly_target_counts_and_warns_from_its_weekday(ward, units, users):
    """ "The same for any target a ward sets (e.g. broadcasts a week)": counted per week, warned from its day."""
    Target.objects.filter(ward=ward).update(active=False)  # only the weekly one speaks here
    weekly = services.target_save(
        actor=users["campaign"],
        target=Target(
            ward=ward,
            code="loa-tuan",
            name="Bài phát thanh mỗi tuần",
            period="week",
            minimum=2,
            kinds=["broadcast_script"],
            channel_kinds=["loudspeaker"],
            owner_unit=units["ttdvth"],
            warn_from_day=4,  # Thursday
        ),
    )
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    publish(
        users,
        make(users["channel"], ward, units, title="Bài loa", kind="broadcast_script", channels=("loa",)),
        url="https://ducxuan.vn/loa/1",
    )
    progress = selectors.target_progress(weekly, today=today)
    assert (progress.period_start, progress.period_end, progress.done) == (
        monday,
        monday + dt.timedelta(days=6),
        1,
    )
    assert services.targets_warn(today=monday + dt.timedelta(days=2)) == 0  # Wednesday
    assert services.targets_warn(today=monday + dt.timedelta(days=3)) == 1  # Thursday
    text = Notification.objects.get(recipient=users["channel"]).text
    assert "Bài phát thanh mỗi tuần" in text and "1/2" in text


def test_pages_show_no_english_or_python_values(ward, units, users):
    item = make(users["channel"], ward, units, title="Zqx tin chưa có người phụ trách", kind="news")
    client = login(users["campaign"])
    pages = [
        reverse("comms:overview"),
        reverse("comms:calendar"),
        reverse("comms:calendar") + "?view=week",
        reverse("comms:item", args=[item.pk]),
        reverse("comms:item_edit", args=[item.pk]),
        reverse("comms:peaks"),
        reverse("comms:targets"),
        reverse("comms:feeds"),
        reverse("comms:reach_import"),
        reverse("comms:script_new"),
        "/staff/comms/thu-ve/",
        "/staff/comms/ap-phich/",
        "/chien-dich/01840/",
    ]
    import re

    for url in pages:
        body = client.get(url).content.decode()
        text = re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", body, flags=re.S)
        for word in (
            "None",
            "True",
            "False",
            "Submit",
            "Save",
            "Cancel",
            "Download",
            "January",
            "Monday",
            "Filter",
        ):
            assert not re.search(rf"\b{word}\b", text), (url, word)


def test_unit_ics_feed_carries_the_units_items_and_a_deactivated_owner_gets_nothing(ward, units, users):
    from icalendar import Calendar

    from doantu.comms.models import CalendarFeed

    ours = make(
        users["school"],
        ward,
        units,
        title="Zqx ngoại khóa của trường",
        kind="activity",
        channels=("truong-hoc",),
        owner_unit=units["thcs-duc-xuan"],
        place="Sân trường",
    )
    make(users["channel"], ward, units, title="Zqx phóng sự của TT DVTH")
    client = login(users["school"])
    client.post(reverse("comms:feeds"), {"scope": "unit"})
    feed = CalendarFeed.objects.get(user=users["school"], unit=units["thcs-duc-xuan"])
    url = reverse("comms_public:ics", args=[feed.token])
    events = Calendar.from_ical(Client().get(url).content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [f"[Bản nháp] {ours.title}"]
    # the link is the key only while its owner may see the work
    users["school"].is_active = False
    users["school"].save(update_fields=["is_active"])
    assert Client().get(url).status_code == 404
