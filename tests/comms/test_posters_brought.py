"""What each piece brought in: visits to a source's form, an item's own QR source, the per-item, per-channel and
per-source figures, and who reads DNA offers."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from doantu.audit.models import AuditEntry
from doantu.comms import brought, services
from doantu.comms.models import Channel, ContentItem
from doantu.tips.models import Source, SourceKind, SourceVisit, Tip, TipStatus
from doantu.tips.visits import source_figures
from tests.conftest import PASSWORD, make_tip, tip_post_data

pytestmark = pytest.mark.django_db


def make_item(
    actor, ward, units, *, channels=("facebook",), title="Phóng sự: hành trình tìm đồng đội", **fields
):
    item = ContentItem(
        ward=ward,
        title=title,
        kind=fields.pop("kind", "video"),
        topic=fields.pop("topic", "iv3"),
        planned_date=timezone.localdate(),
        owner_unit=units["ttdvth"],
        **fields,
    )
    return services.item_save(
        actor=actor, item=item, channels=list(Channel.objects.filter(ward=ward, code__in=channels))
    )


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_visits_counted_per_source_and_day_not_on_post_or_prefetch(source, client):
    # given a source's public form
    url = f"/t/{source.code}"
    # when it is opened twice, prefetched once, and a form is sent
    assert client.get(url).status_code == 200
    assert client.get(url + "/").status_code == 200
    assert client.get(url, headers={"Sec-Purpose": "prefetch"}).status_code == 200
    client.post(url, tip_post_data())
    # then two visits, on today's one row, and one tip
    visit = SourceVisit.objects.get(source=source)
    assert (visit.day, visit.count) == (timezone.localdate(), 2)
    figures = source_figures([source.pk], with_dna=True)[source.pk]
    assert (figures.visits, figures.tips) == (2, 1)


def test_item_gets_its_own_source_through_tips_services_audited(ward, units, users):
    item = make_item(users["channel"], ward, units, channels=("facebook",))
    source = brought.item_source_create(actor=users["channel"], item=item)
    item.refresh_from_db()
    assert item.source == source
    assert source.ward == ward and source.active and source.kind == SourceKind.FACEBOOK
    assert Source.objects.filter(code=source.code).count() == 1
    assert AuditEntry.objects.filter(action="source_created", object_id=str(source.pk)).exists()
    entry = AuditEntry.objects.get(action="content_item_source_created", object_id=str(item.pk))
    assert entry.changes["source"] == [None, f"/t/{source.code}"]
    # once only
    with pytest.raises(brought.BroughtError):
        brought.item_source_create(actor=users["channel"], item=item)


@pytest.mark.parametrize("role", ["leadership", "group_leader", "police", "other_campaign"])
def test_item_source_refused_to_others(ward, units, users, role):
    item = make_item(users["channel"], ward, units)
    with pytest.raises(PermissionDenied):
        brought.item_source_create(actor=users[role], item=item)
    item.refresh_from_db()
    assert item.source is None
    assert not Source.objects.filter(name=item.title).exists()


def test_tip_through_item_qr_counted_on_item_channel_and_source(ward, units, users, source):
    # given two items with their own codes, one on Facebook and the loudspeakers, one on Zalo
    video = make_item(users["channel"], ward, units, channels=("facebook", "loa"))
    zalo = make_item(users["channel"], ward, units, channels=("zalo-oa",), title="Tin Zalo: kêu gọi")
    s_video = brought.item_source_create(actor=users["channel"], item=video)
    s_zalo = brought.item_source_create(actor=users["channel"], item=zalo)
    public = Client()
    for _ in range(3):
        public.get(f"/t/{s_video.code}")
    public.get(f"/t/{s_zalo.code}")
    # when tips come through them: two through the video (one a relative offering DNA, later verified)
    first = make_tip(s_video, kind="relative", relationship="sibling", dna_offer=True, consent_dna=True)
    make_tip(s_video)
    make_tip(s_zalo)
    make_tip(source)  # the ward's general code: not any item's
    Tip.objects.filter(pk=first.pk).update(status=TipStatus.VERIFIED)
    # then the item's figures
    video.refresh_from_db()
    f = brought.item_figures(users["campaign"], video)
    assert (f.visits, f.tips, f.verified, f.dna_offers) == (3, 2, 1, 1)
    # the ranking: the video first; per channel, Facebook and loudspeakers carry the video, Zalo its item
    ranking = brought.item_ranking(users["campaign"], ward=ward)
    assert [r.item.pk for r in ranking] == [video.pk, zalo.pk]
    channels = {r.label: r.figures for r in brought.channel_ranking(users["campaign"], ward=ward)}
    fb = Channel.objects.get(ward=ward, code="facebook").name
    zalo_name = Channel.objects.get(ward=ward, code="zalo-oa").name
    assert (channels[fb].tips, channels[fb].verified) == (2, 1)
    assert channels[zalo_name].tips == 1
    sources = {r.source.code: r.figures for r in brought.source_ranking(users["campaign"], ward=ward)}
    assert sources[source.code].tips == 1 and sources[s_video.code].tips == 2
    # the service centre sees the counts, not the DNA offers (tips.access.may_filter_relative)
    f = brought.item_figures(users["channel"], video)
    assert f.tips == 2 and f.dna_offers is None
    # another ward sees nothing
    with pytest.raises(PermissionDenied):
        brought.item_figures(users["other_campaign"], video)
    with pytest.raises(PermissionDenied):
        brought.item_ranking(users["other_campaign"], ward=ward)


def test_ranking_page_and_item_qr_view(ward, units, users):
    item = make_item(users["channel"], ward, units)
    client = login(users["channel"])
    response = client.post(f"/staff/comms/thu-ve/san-pham/{item.pk}/ma-qr/", {"next": "/staff/comms/thu-ve/"})
    assert response.status_code == 302 and response["Location"] == "/staff/comms/thu-ve/"
    item.refresh_from_db()
    assert item.source is not None
    page = client.get("/staff/comms/thu-ve/")
    assert page.status_code == 200
    body = page.content.decode()
    assert item.title in body and f"/t/{item.source.code}" in body
    assert "Đăng ký mẫu ADN" not in body  # the service centre does not read DNA offers
    assert "Đăng ký mẫu ADN" in login(users["campaign"]).get("/staff/comms/thu-ve/").content.decode()
    # a reader of another ward is refused; the item stays as it was
    other = login(users["other_campaign"])
    assert other.post(f"/staff/comms/thu-ve/san-pham/{item.pk}/ma-qr/").status_code == 404


def test_item_panel_include_renders(ward, units, users, rf):
    from django.template.loader import render_to_string

    item = make_item(users["channel"], ward, units)
    request = rf.get(f"/staff/comms/items/{item.pk}/")
    request.user = users["channel"]
    html = render_to_string(
        "comms/posters/_item_brought.html", {**brought.item_panel(users["channel"], item), "request": request}
    )
    assert "chưa có mã QR riêng" in html and "Tạo mã QR" in html
    brought.item_source_create(actor=users["channel"], item=item)
    item.refresh_from_db()
    html = render_to_string(
        "comms/posters/_item_brought.html", {**brought.item_panel(users["channel"], item), "request": request}
    )
    assert f"/t/{item.source.code}" in html and 'data-figure="tips">0<' in html


def test_item_page_and_overview_show_what_it_brought(ward, units, users):
    from django.urls import reverse

    item = make_item(users["channel"], ward, units, title="Tin loa: kêu gọi cung cấp thông tin")
    source = brought.item_source_create(actor=users["channel"], item=item)
    Client().get(f"/t/{source.code}")
    make_tip(source, kind="relative", relationship="sibling", dna_offer=True, consent_dna=True)
    campaign = login(users["campaign"])
    page = campaign.get(reverse("comms:item", args=[item.pk])).content.decode()
    assert 'id="thu-ve"' in page and f"/t/{source.code}" in page
    assert (
        'data-figure="visits">1<' in page
        and 'data-figure="tips">1<' in page
        and 'data-figure="dna">1<' in page
    )
    # the service centre reads the same section without the DNA offers
    page = login(users["channel"]).get(reverse("comms:item", args=[item.pk])).content.decode()
    assert 'data-figure="tips">1<' in page and 'data-figure="dna"' not in page
    overview = campaign.get(reverse("comms:overview")).content.decode()
    assert "Sản phẩm nào mang lại thông tin" in overview and item.title in overview
