"""Graves, relatives (from a tip, maternal line), documents with their hash; who may see them."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from doantu.audit.models import AuditEntry
from doantu.registry import services
from doantu.registry.models import LinkDecision, Relative, TipLink, Witness
from tests.conftest import PASSWORD, PDF_BYTES, make_tip

pytestmark = pytest.mark.django_db


def assert_people_visible_to_need_to_know(client, users, martyr, name: str) -> None:
    """Relatives and witnesses on a martyr's page: campaign staff and police of the ward that recorded them, and
    provincial military staff, see them; readers without the need (leadership, the Front) and the same roles in
    another ward of the province see the (provincial) record without them. Even those who see the record read
    the person's identity only on request, and each reading is on the record."""
    from doantu.org.models import OrgUnit, Role
    from doantu.registry.models import Relative, Witness
    from tests.conftest import make_user

    person = Relative.objects.filter(martyr=martyr).last() or Witness.objects.filter(martyrs=martyr).last()
    kind = "relative" if isinstance(person, Relative) else "witness"
    reveal = reverse("registry:person_identity", args=[martyr.pk, kind, person.pk])
    province_military = make_user(OrgUnit.objects.get(code="bchqs-tinh"), Role.MILITARY, "bchqs-tinh")
    cases = [
        (users["campaign"], True),
        (users["police"], True),
        (province_military, True),
        (users["leadership"], False),
        (users["front"], False),
        (users["other_campaign"], False),
        (users["other_police"], False),
    ]
    for user, visible in cases:
        client.logout()
        client.login(username=user.username, password=PASSWORD)
        html = client.get(martyr.get_absolute_url()).content.decode()
        assert "Liệt sĩ" in html and name not in html, user.username
        assert (f'id="{kind}-{person.pk}"' in html) is visible, user.username
        readings = AuditEntry.objects.filter(action=f"{kind}_viewed", actor=user).count()
        response = client.post(reveal)
        assert (response.status_code == 200 and name in response.content.decode()) is visible, user.username
        assert response.status_code in ((200,) if visible else (403, 404)), user.username
        assert AuditEntry.objects.filter(action=f"{kind}_viewed", actor=user).count() == readings + visible


def dens_grave(actor):
    """The grave whose headstone names the ``martyr`` fixture's soldier."""
    return services.grave_create(
        actor=actor,
        values={
            "cemetery": "NTLS Na Rì",
            "number": "12",
            "headstone_name": "Nông Văn Dền",
            "death_year_hint": "1971",
        },
    )


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
    assert_people_visible_to_need_to_know(client, users, martyr, "Hà Thị Nhung")


def test_document_with_hash_served_to_registry_readers_only(client, users, martyr):
    data = PDF_BYTES
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
    url = reverse("registry:document_file", args=[document.pk])
    stored = b"".join(client.get(url).streaming_content)  # rewritten without metadata, as a tip's PDF is
    assert stored.startswith(b"%PDF-") and document.sha256 == hashlib.sha256(stored).hexdigest()
    client.logout()
    client.login(username=users["group_leader"].username, password=PASSWORD)
    assert client.get(url).status_code in (403, 404)
    # a row whose file is gone (a restore without media, a disk fault) is a 404, not a server error
    client.logout()
    client.login(username=users["campaign"].username, password=PASSWORD)
    document.file.storage.delete(document.file.name)
    assert client.get(url).status_code == 404


def test_long_reasons_are_refused_whole(users, martyr):
    grave = services.grave_create(
        actor=users["campaign"], values={"cemetery": "NTLS Đức Xuân", "number": "7"}
    )
    with pytest.raises(services.RegistryError, match="quá dài"):
        services.grave_set_martyr(actor=users["campaign"], grave=grave, martyr=martyr, basis="x" * 4001)
    grave.refresh_from_db()
    assert grave.martyr is None


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
    assert any("Bắc Kạn" in reason or "Bac Kan" in reason for reason in context["graves"][0]["agree"])


def test_a_tip_is_linked_to_a_grave_on_the_record(client, users, source):
    grave = dens_grave(users["military"])
    tip = make_tip(source, kind="grave", martyr_name="Nong Van Den", martyr_death_date="1971")
    link_url = reverse("registry:tip_link", args=[tip.pk])
    # leadership sees the tip and the registry but does not decide links
    client.login(username=users["leadership"].username, password=PASSWORD)
    assert client.get(reverse("registry:tip_candidates", args=[tip.pk])).status_code == 200
    assert client.post(link_url, {"grave": grave.pk, "decision": "confirmed"}).status_code == 403
    assert not TipLink.objects.exists()
    client.logout()
    client.login(username=users["campaign"].username, password=PASSWORD)
    client.post(link_url, {"grave": grave.pk, "decision": "confirmed"})
    link = TipLink.objects.get(tip=tip)
    assert (link.grave, link.martyr, link.decision) == (grave, None, LinkDecision.CONFIRMED)
    # the engine's score and reasons at the time of the decision are kept with it
    assert link.score is not None and link.reasons and all(r["text"] for r in link.reasons)
    assert link.reasons[-1]["text"] == "Sổ có 1 mộ: khả năng ban đầu 1/1"  # the prior is over the graves
    entry = AuditEntry.objects.for_context(tip).get(action="link_confirmed")
    assert "NTLS Na Rì" in entry.changes["grave"][1]
    panel = client.get(reverse("registry:tip_candidates", args=[tip.pk])).content.decode()
    assert "Đã xác nhận liên quan mộ" in panel
    assert tip.receipt_code in client.get(grave.get_absolute_url()).content.decode()
    # changing one's mind is a second decision on the same link, also on the record
    client.post(link_url, {"grave": grave.pk, "decision": "rejected"})
    assert TipLink.objects.get(tip=tip).decision == LinkDecision.REJECTED
    assert AuditEntry.objects.for_context(tip).filter(action="link_rejected").count() == 1
    with pytest.raises(services.RegistryError):
        services.tip_link_decide(tip=tip, actor=users["campaign"], decision="confirmed")  # neither record


def test_witness_from_a_tip_covers_every_martyr_the_account_names(client, users, source, martyr):
    second = services.martyr_create(
        actor=users["campaign"], values={"full_name": "Hà Văn Sinh", "birth": "1950", "home_place": "Na Rì"}
    )
    tip = make_tip(
        source,
        kind="witness",
        account="Tôi cùng đơn vị với anh Dền và anh Sinh, chôn hai anh cạnh suối năm 1971.",
        martyr_name="Nong Van Den",
        reporter_name="Triệu Văn Tài",
        reporter_phone="0913000111",
    )
    client.login(username=users["campaign"].username, password=PASSWORD)
    for m in (martyr, second):
        services.tip_link_decide(tip=tip, actor=users["campaign"], martyr=m, decision=LinkDecision.CONFIRMED)
    panel = client.get(reverse("registry:tip_candidates", args=[tip.pk])).content.decode()
    assert "Thêm người gửi vào danh sách nhân chứng" in panel
    assert "hồ sơ thân nhân" not in panel  # a witness is not a relative
    for m in (martyr, second):
        client.post(reverse("registry:tip_make_witness", args=[tip.pk]), {"martyr": m.pk})
    witness = Witness.objects.get()  # one person, two martyrs
    assert set(witness.martyrs.all()) == {martyr, second}
    assert (witness.full_name, witness.phone) == ("Triệu Văn Tài", "0913000111")
    assert witness.account.startswith("Tôi cùng đơn vị")
    # the identity was copied once, and that copy is on the record
    assert AuditEntry.objects.for_context(tip).filter(action="reporter_viewed").count() == 1
    assert AuditEntry.objects.filter(action="witness_added", context_id=str(second.pk)).exists()
    # twice for the same martyr is refused with a message, nothing added
    response = client.post(
        reverse("registry:tip_make_witness", args=[tip.pk]), {"martyr": martyr.pk}, follow=True
    )
    assert "đã có trong danh sách nhân chứng" in response.content.decode()
    assert AuditEntry.objects.filter(action="witness_added").count() == 2
    # a request without a martyr, or naming one the tip is not confirmed for, finds nothing
    for data in ({}, {"martyr": "x"}, {"martyr": martyr.pk + 100}):
        assert client.post(reverse("registry:tip_make_witness", args=[tip.pk]), data).status_code == 404


def test_witness_cannot_come_from_an_anonymous_tip_or_an_unconfirmed_link(client, users, source, martyr):
    anonymous = make_tip(source, kind="witness", anonymous=True, reporter_name="", reporter_phone="")
    services.tip_link_decide(
        tip=anonymous, actor=users["campaign"], martyr=martyr, decision=LinkDecision.CONFIRMED
    )
    with pytest.raises(services.RegistryError, match="giấu tên"):
        services.witness_from_tip(actor=users["campaign"], tip=anonymous, martyr=martyr)
    # a relative's tip is not a witness account, whatever the request says
    relative_tip = make_tip(source, kind="relative", relationship="sibling_same_mother")
    services.tip_link_decide(
        tip=relative_tip, actor=users["campaign"], martyr=martyr, decision=LinkDecision.CONFIRMED
    )
    with pytest.raises(services.RegistryError, match="lời kể nhân chứng"):
        services.witness_from_tip(actor=users["campaign"], tip=relative_tip, martyr=martyr)
    assert not AuditEntry.objects.filter(action="reporter_viewed").exists()
    unlinked = make_tip(source, kind="witness")
    client.login(username=users["campaign"].username, password=PASSWORD)
    response = client.post(reverse("registry:tip_make_witness", args=[unlinked.pk]), {"martyr": martyr.pk})
    assert response.status_code == 404 and not Witness.objects.exists()


def test_witnesses_added_by_hand_are_personal_data(client, users, martyr):
    client.login(username=users["military"].username, password=PASSWORD)
    client.post(
        reverse("registry:witness_add", args=[martyr.pk]),
        {
            "full_name": "Đặng Văn Quý",
            "phone": "0977000222",
            "is_veteran": "on",
            "account": "Cùng trung đội.",
        },
    )
    assert Witness.objects.get().is_veteran
    response = client.post(reverse("registry:witness_add", args=[martyr.pk]), {"full_name": ""}, follow=True)
    assert "Chưa thêm được nhân chứng" in response.content.decode() and Witness.objects.count() == 1
    assert_people_visible_to_need_to_know(client, users, martyr, "Đặng Văn Quý")
    client.logout()
    client.login(username=users["leadership"].username, password=PASSWORD)
    client.post(reverse("registry:witness_add", args=[martyr.pk]), {"full_name": "Người lạ"})
    assert Witness.objects.count() == 1


def test_an_imported_grave_is_recorded_as_a_martyrs_on_a_stated_basis(client, users, martyr):
    grave = dens_grave(users["campaign"])
    url = grave.get_absolute_url()
    # leadership reads the grave and the proposal, but records nothing
    client.login(username=users["leadership"].username, password=PASSWORD)
    page = client.get(url)
    assert [c["martyr"] for c in page.context["candidates"]] == [martyr]  # the engine proposes the martyr
    assert "Đây là mộ của liệt sĩ này" not in page.content.decode()
    assert client.post(url, {"martyr": martyr.pk, "basis": "x"}).status_code == 403
    client.logout()
    client.login(username=users["military"].username, password=PASSWORD)
    assert "Đây là mộ của liệt sĩ này" in client.get(url).content.decode()
    # no basis, no record
    response = client.post(url, {"martyr": martyr.pk, "basis": " "}, follow=True)
    assert "Hãy ghi căn cứ" in response.content.decode()
    grave.refresh_from_db()
    assert grave.martyr is None
    client.post(url, {"martyr": martyr.pk, "basis": "Kết quả giám định ADN số 15/GĐ-2026"})
    grave.refresh_from_db()
    assert grave.martyr == martyr
    assert grave.history.first().history_change_reason == "Kết quả giám định ADN số 15/GĐ-2026"
    entry = AuditEntry.objects.get(action="grave_identified")
    assert entry.message == "Kết quả giám định ADN số 15/GĐ-2026" and entry.context_id == str(martyr.pk)
    assert url in client.get(martyr.get_absolute_url()).content.decode()  # listed on the martyr's page
    # and undone, on the record too
    client.post(url, {"martyr": "", "basis": "Giám định lại: không trùng khớp"})
    grave.refresh_from_db()
    assert grave.martyr is None and AuditEntry.objects.filter(action="grave_unidentified").count() == 1


def add_document(client, users, martyr, name: str, data: bytes):
    client.login(username=users["campaign"].username, password=PASSWORD)
    return client.post(
        reverse("registry:document_add", args=[martyr.pk]),
        {"kind": "letter", "title": "Thư gửi mẹ", "file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_document_upload_gets_the_same_checks_as_a_tip_attachment(client, users, martyr):
    from tests.tips.test_upload_safety import catalog, raw_pdf

    # a PDF that runs JavaScript when opened
    scripted = raw_pdf({**catalog(b"/OpenAction 4 0 R"), 4: b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"})
    response = add_document(client, users, martyr, "thu.pdf", scripted)
    assert response.status_code == 200
    assert "Chưa thêm được" in response.content.decode() and "JavaScript" in response.content.decode()
    assert not martyr.documents.exists()
    assert not AuditEntry.objects.filter(action="document_added").exists()
    # a file that is not what it says
    add_document(client, users, martyr, "giay-bao-tu.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 200)
    assert not martyr.documents.exists()


def test_document_photo_loses_its_comment_and_gps(client, users, martyr, media_root):
    import io

    from PIL import Image

    from tests.conftest import jpeg_with_gps
    from tests.tips.test_upload_safety import jpeg_segments

    image = Image.open(io.BytesIO(jpeg_with_gps()))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=image.info["exif"], comment=b"GPS 22.1483N 105.8291E <script>")
    add_document(client, users, martyr, "anh.jpg", out.getvalue())
    document = martyr.documents.get()
    stored = (media_root / document.file.name).read_bytes()
    assert document.file.name.endswith(".jpg")
    assert b"22.1483" not in stored and b"Exif" not in stored
    assert 0xFE not in {marker for marker, _ in jpeg_segments(stored)}  # no comment segment
