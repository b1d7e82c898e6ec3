"""The public campaign page /chien-dich/: what it shows (stories and rebuttals staff published and marked public,
whole-ward figures, how to give information), what it never shows, its cache, no JavaScript, ≤ 50 KB."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.test import Client

from doantu.audit.models import AuditEntry
from doantu.comms import public, services
from doantu.comms.models import ContentItem
from doantu.tips.models import Tip, TipStatus
from tests.comms.test_posters_brought import make_item
from tests.conftest import make_tip

pytestmark = pytest.mark.django_db

FIRST_LOAD_LIMIT = 50 * 1024  # issue 9: first load ≤ 50 KB
URL = "/chien-dich/01840/"  # the fixtures add a second ward, so /chien-dich/ lists both


def publish(users, item, url="https://facebook.com/ducxuan/posts/1"):
    services.item_submit(actor=users["channel"], item=item)
    services.item_approve(actor=users["campaign"], item=item, note="Đồng ý")
    return services.item_publish(actor=users["channel"], item=item, evidence_url=url)


@pytest.fixture
def world(ward, units, users, source):
    ward.contact_phone = "0209 3870 123"
    ward.contact_address = "Bộ phận một cửa, UBND phường Đức Xuân"
    ward.contact_hours = "Thứ Hai – Thứ Sáu, 7:30–11:30"
    ward.save()
    story = publish(
        users,
        make_item(users["channel"], ward, units, title="Hành trình đưa liệt sĩ Hùng về quê", topic="iv2"),
    )
    rebuttal = publish(
        users,
        make_item(
            users["channel"],
            ward,
            units,
            title="Cảnh báo: không có chuyện thu phí giám định ADN",
            topic="iv5",
        ),
        url="https://ducxuan.gov.vn/canh-bao",
    )
    hidden = publish(users, make_item(users["channel"], ward, units, title="Bài đã đăng nhưng chưa cho hiện"))
    draft = make_item(users["channel"], ward, units, title="Bản nháp chưa duyệt", public=True)
    for item in (story, rebuttal):
        public.item_set_public(actor=users["campaign"], item=item, public=True)
    tip = make_tip(
        source,
        account="Nội dung riêng Zqxbimat của người cung cấp",
        reporter_name="Người Cung Cấp Zqxten",
        kind="relative",
        relationship="sibling",
        dna_offer=True,
        consent_dna=True,
    )
    Tip.objects.filter(pk=tip.pk).update(status=TipStatus.VERIFIED)
    make_tip(source)
    public.forget(ward)
    return {"story": story, "rebuttal": rebuttal, "hidden": hidden, "draft": draft, "tip": tip}


def test_page_shows_public_stories_rebuttals_figures_and_contact(world, ward, source):
    response = Client().get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert world["story"].title in body
    assert world["rebuttal"].title in body and 'href="https://ducxuan.gov.vn/canh-bao"' in body
    assert body.index("Cảnh giác với thông tin sai sự thật") < body.index(world["rebuttal"].title)
    assert world["hidden"].title not in body and world["draft"].title not in body
    # how to give information: the form, the ward's phone, address and hours
    assert f'href="/t/{source.code}"' in body
    for text in ("0209 3870 123", "Bộ phận một cửa", "7:30–11:30"):
        assert text in body
    # whole-ward figures: 2 tips, 1 verified, 1 DNA offer
    figures = re.findall(r"<li><strong>(\d+)</strong> ([^<]+)</li>", body)
    assert figures == [
        ("2", "thông tin đã tiếp nhận"),
        ("1", "thông tin đã xác minh"),
        ("1", "thân nhân đăng ký cho mẫu ADN"),
    ]
    # nothing a tipster wrote, nobody's name
    assert "Zqxbimat" not in body and "Zqxten" not in body


def test_page_is_light_cacheable_and_needs_no_javascript(world):
    client = Client()
    response = client.get(URL)
    body = response.content.decode()
    assert "<script" not in body.lower()
    assert "max-age=" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert not response.cookies  # the same page for everyone: no session, no CSRF cookie
    assert "Cookie" not in response.get("Vary", "")
    # first load: the page and everything it links to (styles, icon)
    total = len(response.content)
    linked = re.findall(r'<link[^>]+href="([^"]+)"', body) + re.findall(r'<img[^>]+src="([^"]+)"', body)
    assert any(href.endswith("campaign.css") for href in linked)
    for href in linked:
        path = finders.find(href.removeprefix("/static/"))
        assert path, href
        with open(path, "rb") as fh:
            total += len(fh.read())
    assert total <= FIRST_LOAD_LIMIT, f"first load {total} bytes"


def test_page_is_cached_and_refreshed_when_staff_change_what_is_public(world, users, ward, source):
    client = Client()
    assert world["hidden"].title not in client.get(URL).content.decode()
    make_tip(source)  # a new tip: the cached page keeps its figures for CACHE_SECONDS
    assert "<strong>2</strong> thông tin đã tiếp nhận" in client.get(URL).content.decode()
    # staff show a published item: the cache is dropped, the page shows it and the new figures
    public.item_set_public(actor=users["channel"], item=world["hidden"], public=True)
    body = client.get(URL).content.decode()
    assert world["hidden"].title in body and "<strong>3</strong> thông tin đã tiếp nhận" in body
    entry = AuditEntry.objects.get(action="content_item_public", object_id=str(world["hidden"].pk))
    assert entry.changes == {"public": [False, True]}
    # withdrawn: gone from the page whatever its flag
    services.item_withdraw(actor=users["campaign"], item=world["story"], reason="Sai ngày")
    public.forget(ward)
    assert world["story"].title not in client.get(URL).content.decode()


@pytest.mark.parametrize("role", ["leadership", "group_leader", "police", "other_campaign"])
def test_marking_public_refused_to_others(world, users, role):
    with pytest.raises(PermissionDenied):
        public.item_set_public(actor=users[role], item=world["hidden"], public=True)
    assert not ContentItem.objects.get(pk=world["hidden"].pk).public


def test_mark_public_view(world, users):
    from tests.comms.test_posters_brought import login

    client = login(users["channel"])
    response = client.post(f"/staff/comms/thu-ve/san-pham/{world['hidden'].pk}/cong-khai/", {"public": "1"})
    assert response.status_code == 302
    assert ContentItem.objects.get(pk=world["hidden"].pk).public
    assert (
        login(users["other_campaign"])
        .post(f"/staff/comms/thu-ve/san-pham/{world['story'].pk}/cong-khai/")
        .status_code
        == 404
    )


def test_ward_page_by_code_and_unknown_ward(world, ward):
    assert Client().get(f"/chien-dich/{ward.code}/").status_code == 200
    assert Client().get("/chien-dich/00000/").status_code == 404


def test_single_ward_served_at_the_short_address(ward):
    response = Client().get("/chien-dich/")
    assert response.status_code == 200 and ward.name in response.content.decode()
    assert "Cung cấp thông tin ngay" in response.content.decode()


def test_several_wards_listed(world, ward, units):
    body = Client().get("/chien-dich/").content.decode()
    assert f'href="/chien-dich/{ward.code}/"' in body and units["other_ward"].name in body
