"""Links from a progress update to what other apps own (issue 10: "links to content items, tips, events, DNA
rounds when they exist"): a communication item or activity, a peak, a DNA collection round; each checked for the
agency that links it and shown to each reader by the owning app's own rules."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from doantu.comms import services as comms
from doantu.comms.models import Channel, ContentItem, Peak
from doantu.dna.models import CollectionRound
from doantu.plan import selectors, services
from doantu.plan.models import Link, Plan, Update

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(selectors, "current_date", lambda: dt.date(2026, 10, 14))


@pytest.fixture
def tasks(ward):
    return {t.code: t for t in Plan.objects.get(ward=ward).tasks.all()}


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def item_of(users, units, ward, title):
    return comms.item_save(
        actor=users["campaign"],
        item=ContentItem(
            ward=ward,
            title=title,
            kind="video",
            topic="iv3",
            planned_date=timezone.localdate(),
            owner_unit=units["ttdvth"],
        ),
        channels=list(Channel.objects.filter(ward=ward, code="facebook")),
    )


def test_an_update_links_a_communication_item_seen_by_comms_readers_only(client, users, units, ward, tasks):
    item = item_of(users, units, ward, "Phóng sự: hành trình tìm mộ liệt sĩ Nguyễn Văn Hùng")
    task = tasks["II.1"]  # lead: the service centre (ttdvth)
    login(client, users["channel"])
    response = client.post(
        task.get_absolute_url(),
        {
            "status": "on_track",
            "narrative": "Đã phát phóng sự trên Facebook.",
            "link_comms_item": str(item.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    update = Update.objects.get(task=task)
    assert list(update.links.values_list("kind", "ref")) == [("comms_item", str(item.pk))]
    page = login(client, users["campaign"]).get(task.get_absolute_url()).content.decode()
    assert item.title in page and reverse("comms:item", args=[item.pk]) in page
    # the military command reads the plan, not the ward's communication work: it learns there is a link, no more
    page = login(client, users["military"]).get(task.get_absolute_url()).content.decode()
    assert item.title not in page and "(bạn không được xem)" in page


def test_another_wards_item_or_a_bad_number_is_refused_in_vietnamese(users, units, tasks):
    other = item_of(
        users | {"campaign": users["other_campaign"]},
        units | {"ttdvth": units["other_vhxh"]},
        units["other_ward"],
        "x",
    )
    for ref, message in (
        (str(other.pk), "Không tìm thấy tin bài / hoạt động số"),
        ("mười hai", "chỉ gồm chữ số"),
    ):
        with pytest.raises(services.PlanError, match=message):
            services.update_post(
                actor=users["channel"],
                task=tasks["II.1"],
                status="on_track",
                narrative="x",
                link_refs=[("comms_item", ref)],
            )
    assert not Update.objects.exists() and not Link.objects.exists()


def test_the_police_link_a_dna_round(client, users, units, ward, tasks):
    collection_round = CollectionRound.objects.create(
        owner=ward,
        police_unit=units["cong-an"],
        name="Đợt lấy mẫu tháng 10",
        date=dt.date(2026, 10, 20),
        place="Nhà văn hóa tổ 3",
        created_by=users["campaign"],
    )
    update = services.update_post(
        actor=users["police"],
        task=tasks["II.3"],  # the police coordinate it
        status="on_track",
        narrative="Phối hợp xác minh 2 thân nhân trước đợt lấy mẫu.",
        link_refs=[("dna_round", str(collection_round.pk))],
    )
    assert list(update.links.values_list("kind", flat=True)) == ["dna_round"]
    page = login(client, users["campaign"]).get(tasks["II.3"].get_absolute_url()).content.decode()
    assert "Đợt lấy mẫu tháng 10 (20/10/2026)" in page
    assert reverse("dna:round", args=[collection_round.pk]) in page
    # the military command does not take part in the rounds
    page = login(client, users["military"]).get(tasks["II.3"].get_absolute_url()).content.decode()
    assert "Đợt lấy mẫu tháng 10" not in page
    # and it cannot link one
    with pytest.raises(services.PlanError, match="Không tìm thấy đợt lấy mẫu ADN"):
        services.update_post(
            actor=users["military"],
            task=tasks["II.3"],
            status="on_track",
            narrative="x",
            link_refs=[("dna_round", str(collection_round.pk))],
        )


def test_the_service_centre_links_a_peak_to_its_banners(client, users, ward, tasks):
    peak = Peak.objects.filter(ward=ward).select_related("peak_date").first()
    assert peak is not None  # the seeded ward's peaks (27/7/2026, 22/12/2026, 27/7/2027)
    update = services.update_post(
        actor=users["channel"],
        task=tasks["II.4"],  # "Các đợt cao điểm", led by the service centre
        status="done",
        narrative="Đã treo 12 băng-rôn, 4 pa-nô có mã QR.",
        link_refs=[("peak", f"#{peak.pk}")],
    )
    assert list(update.links.values_list("kind", "ref")) == [("peak", str(peak.pk))]
    page = login(client, users["campaign"]).get(tasks["II.4"].get_absolute_url()).content.decode()
    assert f"{peak.peak_date.name} ({peak.date:%d/%m/%Y})" in page
    assert reverse("comms:peak", args=[peak.pk]) in page
