"""A rebuttal published through a communication item reaches the public campaign page (issue 10: "a rebuttal
(linked to a communication item, and published on the public campaign page when it exists)"): the culture office
chooses the item from the ward's IV.5 items (no code to type), and the entry says whether the page shows it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from doantu.comms import public
from doantu.comms import services as comms
from doantu.comms.models import Channel, ContentItem
from doantu.watch import services
from doantu.watch.models import Action

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

TITLE = "Lấy mẫu ADN thân nhân liệt sĩ hoàn toàn miễn phí"


def published_item(users, units, *, topic="iv5"):
    campaign, channel = users["campaign"], users["channel"]
    ward = campaign.ward
    item = comms.item_save(
        actor=campaign,
        item=ContentItem(
            ward=ward,
            title=TITLE if topic == "iv5" else "Tin hoạt động tri ân",
            kind="video",
            topic=topic,
            planned_date=timezone.localdate(),
            owner_unit=units["ttdvth"],
        ),
        channels=list(Channel.objects.filter(ward=ward, code="facebook")),
    )
    comms.item_submit(actor=channel, item=item)
    comms.item_approve(actor=campaign, item=item, note="Đồng ý")
    comms.item_publish(actor=channel, item=item, evidence_url="https://facebook.com/ducxuan/posts/11")
    return item


def entry_of(users):
    return services.entry_create(
        actor=users["campaign"],
        values={
            "platform": "zalo",
            "link": "https://zalo.me/g/nhom/bai-2",
            "first_seen": timezone.localdate() - dt.timedelta(days=1),
            "estimated_reach": 200,
            "claim": "Bài đăng nói phải nộp tiền mới được lấy mẫu ADN.",
            "assessment": "false",
            "severity": "high",
        },
    )


def test_rebuttal_chosen_from_the_wards_items_reaches_the_campaign_page(client, users, units):
    item = published_item(users, units)
    other_topic = published_item(users, units, topic="iv4")
    entry = entry_of(users)
    assert client.login(username=users["campaign"].username, password=PASSWORD)
    page = client.get(entry.get_absolute_url()).content.decode()
    ref = f"comms.contentitem:{item.pk}"
    # the form offers the ward's IV.5 items by title, with where each stands; not items of other topics
    assert f'<option value="{ref}">{TITLE} (đã đăng, chưa hiện công khai)</option>' in page
    assert f"comms.contentitem:{other_topic.pk}" not in page
    response = client.post(
        reverse("watch:entry_action", args=[entry.pk, "act"]),
        {"act-kind": "rebuttal", "act-description": "Lấy mẫu ADN là miễn phí.", "act-content_ref": ref},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rebuttal = Action.objects.get(entry=entry)
    step = client.post(
        reverse("watch:action_step", args=[entry.pk, rebuttal.pk]),
        {"status": "published", "content_ref": ref, "note": ""},
    )
    assert step.status_code == 302
    rebuttal.refresh_from_db()
    assert rebuttal.status == "published" and rebuttal.content_ref == ref
    assert rebuttal.published_url == "https://facebook.com/ducxuan/posts/11"

    # published but not marked public: the page does not show it, and the entry says why
    public.forget(entry.ward)
    assert TITLE not in client.get("/chien-dich/01840/").content.decode()
    shown = client.get(entry.get_absolute_url()).content.decode()
    assert "chưa được đánh dấu hiện công khai" in shown

    public.item_set_public(actor=users["campaign"], item=item, public=True)
    campaign_page = client.get("/chien-dich/01840/").content.decode()
    assert TITLE in campaign_page and "https://facebook.com/ducxuan/posts/11" in campaign_page
    shown = client.get(entry.get_absolute_url()).content.decode()
    assert "Đang hiện trên" in shown and 'href="/chien-dich/01840/"' in shown
    # the police read the entry but not the ward's communication work: they still learn what the public can read
    client.logout()
    assert client.login(username=users["police"].username, password=PASSWORD)
    shown = client.get(entry.get_absolute_url()).content.decode()
    assert "Đang hiện trên" in shown and f"Tin bài: {TITLE}" in shown
    assert reverse("comms:item", args=[item.pk]) not in shown


def test_a_rebuttal_published_only_at_an_address_says_it_is_not_on_the_page(client, users):
    entry = entry_of(users)
    rebuttal = services.action_create(
        entry=entry, actor=users["campaign"], kind="rebuttal", description="Đính chính."
    )
    services.action_advance(
        action=rebuttal,
        actor=users["campaign"],
        status="published",
        published_url="https://ducxuan.thainguyen.gov.vn/tin/dinh-chinh",
    )
    assert client.login(username=users["campaign"].username, password=PASSWORD)
    shown = client.get(entry.get_absolute_url()).content.decode()
    assert "Không hiện trên trang chiến dịch: chưa gắn tin bài truyền thông" in shown
