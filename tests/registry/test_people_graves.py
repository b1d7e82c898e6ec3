"""Graves, relatives (from a tip, maternal line), documents with their hash; who may see them."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from doantu.audit.models import AuditEntry
from doantu.registry import services
from doantu.registry.models import LinkDecision, Relative
from tests.conftest import PASSWORD, make_tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def martyr(users):
    return services.martyr_create(
        actor=users["campaign"],
        values={
            "full_name": "Nông Văn Dền",
            "birth": "1948",
            "home_place": "Na Rì, Bắc Kạn",
            "death_date": "05/1971",
            "unit": "Trung đoàn 141",
        },
    )


def test_relative_from_a_tip_keeps_maternal_line_and_consent(users, source, martyr, client):
    tip = make_tip(
        source,
        kind="relative",
        martyr_name="Nong Van Den",
        relationship="sibling_same_mother",
        dna_offer=True,
        consent_dna=True,
        reporter_name="Nông Thị Mai",
        reporter_phone="0911222333",
    )
    services.tip_link_decide(tip=tip, actor=users["campaign"], martyr=martyr, decision=LinkDecision.CONFIRMED)
    client.login(username=users["campaign"].username, password=PASSWORD)
    panel = client.get(reverse("registry:tip_candidates", args=[tip.pk])).content.decode()
    assert "Thêm người gửi vào hồ sơ thân nhân" in panel
    client.post(reverse("registry:tip_make_relative", args=[tip.pk]), {"martyr": martyr.pk})
    relative = Relative.objects.get()
    assert (relative.full_name, relative.phone, relative.dna_consent) == ("Nông Thị Mai", "0911222333", True)
    assert relative.is_maternal_line and relative.donor_priority == 3
    # copying the identity is itself on the record
    assert AuditEntry.objects.for_context(tip).filter(action="reporter_viewed").exists()
    assert AuditEntry.objects.filter(action="relative_added", context_id=str(martyr.pk)).exists()


def test_relatives_hidden_from_roles_without_need(client, users, martyr):
    services.relative_add(
        actor=users["campaign"], martyr=martyr, values={"full_name": "Hà Thị Nhung", "relationship": "mother"}
    )
    for role, visible in [("campaign", True), ("police", True), ("leadership", False), ("front", False)]:
        client.logout()
        client.login(username=users[role].username, password=PASSWORD)
        html = client.get(martyr.get_absolute_url()).content.decode()
        assert ("Hà Thị Nhung" in html) is visible, role


def test_document_with_hash_served_to_registry_readers_only(client, users, martyr):
    data = b"%PDF-1.4 giay bao tu\n%%EOF\n"
    client.login(username=users["campaign"].username, password=PASSWORD)
    client.post(
        reverse("registry:document_add", args=[martyr.pk]),
        {
            "kind": "death_notice",
            "title": "Giấy báo tử",
            "provenance": "Gia đình giữ",
            "file": SimpleUploadedFile("gbt.pdf", data),
        },
    )
    document = martyr.documents.get()
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    url = reverse("registry:document_file", args=[document.pk])
    assert b"".join(client.get(url).streaming_content) == data
    client.logout()
    client.login(username=users["group_leader"].username, password=PASSWORD)
    assert client.get(url).status_code in (403, 404)


def test_grave_location_need_to_know_and_grave_candidates(client, users, martyr, source):
    client.login(username=users["military"].username, password=PASSWORD)
    client.post(
        reverse("registry:graves"),
        {
            "cemetery": "NTLS Na Rì",
            "zone": "A",
            "row": "3",
            "number": "12",
            "headstone_name": "Nông Văn Dền",
            "home_place_hint": "Bắc Kạn",
            "latitude": "22.2",
            "longitude": "105.9",
            "martyr": martyr.pk,
        },
    )
    grave = martyr.graves.get()
    assert "22.2" in client.get(grave.get_absolute_url()).content.decode()
    client.logout()
    client.login(username=users["police"].username, password=PASSWORD)
    page = client.get(grave.get_absolute_url()).content.decode()
    assert "NTLS Na Rì" in page and "22.2" not in page
    tip = make_tip(source, martyr_name="Nong Van Den", martyr_home_place="Bac Kan")
    client.logout()
    client.login(username=users["campaign"].username, password=PASSWORD)
    context = client.get(reverse("registry:tip_candidates", args=[tip.pk])).context
    assert [g["grave"] for g in context["graves"]] == [grave]
