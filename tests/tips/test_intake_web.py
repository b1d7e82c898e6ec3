"""The public form behind a QR code: what a person on a phone experiences."""

import pytest
from django.urls import reverse
from PIL import Image

from doantu.audit.models import AuditEntry
from doantu.phones import PHONE_ERROR
from doantu.tips.models import Attachment, Tip, TipStatus
from tests.conftest import PDF_BYTES, jpeg_with_gps, png_bytes, tip_post_data, upload

pytestmark = pytest.mark.django_db


def stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_form_loads_in_vietnamese_with_fresh_submission_key(client, source):
    # when
    first = client.get(reverse("public:intake", args=["dx"]))
    second = client.get(reverse("public:intake", args=["DX"]))
    # then
    assert first.status_code == 200
    html = first.content.decode()
    assert "Cung cấp thông tin về liệt sĩ" in html
    assert 'lang="vi"' in html
    assert first.context["form"]["submission_key"].value() != second.context["form"]["submission_key"].value()
    # consent boxes are never pre-ticked
    assert "checked" not in html.split('name="consent_processing"')[1].split(">")[0]


def test_unknown_or_inactive_source_is_404(client, source):
    assert client.get("/t/khong-co").status_code == 404
    source.active = False
    source.save()
    assert client.get("/t/dx").status_code == 404


def test_valid_submission_gives_receipt_and_records_source(client, source, media_root):
    # given
    data = tip_post_data(
        latitude="22.146123", longitude="105.834567", location_source="gps", location_accuracy_m="12"
    )
    # when
    response = client.post("/t/dx", data)
    # then
    tip = Tip.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("public:receipt", args=[tip.receipt_code])
    assert tip.source == source and tip.ward == source.ward
    assert tip.status == TipStatus.NEW
    assert tip.reporter_phone == "0912345678"  # normalised
    assert str(tip.latitude) == "22.146123" and tip.location_source == "gps" and tip.location_accuracy_m == 12
    receipt = client.get(response["Location"])
    assert tip.receipt_code in receipt.content.decode()
    assert AuditEntry.objects.for_context(tip).get().action == "submitted"


def test_reporter_identity_is_encrypted_at_rest(source, client):
    from django.db import connection

    client.post("/t/dx", tip_post_data())
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_name, reporter_phone FROM tips_tip")
        name, phone = cursor.fetchone()
    assert "Lan" not in name and "0912" not in phone
    assert Tip.objects.get().reporter_name == "Trần Thị Lan"


def test_photo_is_stored_without_exif_and_upright(client, source, media_root):
    # given a phone photo with GPS in its EXIF and an orientation flag
    photo = upload("IMG_0001.JPG", jpeg_with_gps(size=(64, 48)), "image/jpeg")
    # when
    client.post("/t/dx", tip_post_data(files=[photo]))
    # then
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
        assert stored.size == (48, 64)  # rotated as the camera meant, then the flag dropped
    raw = attachment.file.open("rb").read()
    assert b"GPS" not in raw and "Thử nghiệm".encode() not in raw
    assert attachment.original_name == "IMG_0001.JPG"
    assert not attachment.file.name.endswith("IMG_0001.JPG")  # stored names reveal nothing
    assert Tip.objects.get().latitude is None  # the photo's GPS never becomes the tip's location


def test_pdf_and_png_accepted_by_content(client, source):
    client.post(
        "/t/dx", tip_post_data(files=[upload("thu.pdf", PDF_BYTES), upload("ban-do.png", png_bytes())])
    )
    kinds = sorted(Attachment.objects.values_list("kind", flat=True))
    assert kinds == ["image", "pdf"]


def test_file_with_wrong_content_is_refused_and_nothing_saved(client, source, media_root):
    # given a text file named like a photo
    fake = upload("anh.jpg", b"this is not an image at all, just text", "image/jpeg")
    # when
    response = client.post("/t/dx", tip_post_data(files=[fake]))
    # then
    assert response.status_code == 400
    html = response.content.decode()
    assert "không thuộc loại được nhận" in html
    assert "Các tệp đã chọn cần được chọn lại" in html
    assert Tip.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(media_root) == []


def test_executable_renamed_pdf_is_refused(client, source):
    elf = upload("giay-bao-tu.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 200)
    response = client.post("/t/dx", tip_post_data(files=[elf]))
    assert response.status_code == 400 and Tip.objects.count() == 0


def test_file_over_size_limit_is_refused_with_message(client, source, settings, media_root):
    settings.TIP_MAX_MB = {**settings.TIP_MAX_MB, "pdf": 1}
    big = upload("ho-so.pdf", PDF_BYTES + b"0" * (1024 * 1024 + 10))
    response = client.post("/t/dx", tip_post_data(files=[big]))
    assert response.status_code == 400
    assert "vượt quá giới hạn 1 MB" in response.content.decode()
    assert Tip.objects.count() == 0 and stored_files(media_root) == []


def test_too_many_files_refused(client, source, settings):
    settings.TIP_MAX_FILES = 2
    files = [upload(f"{i}.png", png_bytes()) for i in range(3)]
    response = client.post("/t/dx", tip_post_data(files=files))
    assert "tối đa 2 tệp" in response.content.decode()
    assert Tip.objects.count() == 0


def test_request_over_total_limit_is_refused_before_reading(client, source, settings):
    settings.TIP_MAX_TOTAL_MB = 0
    response = client.post(
        "/t/dx", tip_post_data(files=[upload("a.png", png_bytes())]), CONTENT_LENGTH=str(5 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert Tip.objects.count() == 0


def test_retried_submission_does_not_create_second_tip(client, source):
    # given the same form sent twice (double tap, or the network dropped the first answer)
    data = tip_post_data(files=None)
    # when
    first = client.post("/t/dx", data)
    second = client.post("/t/dx", data)
    # then
    assert Tip.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_reused_key_with_other_content_is_refused_not_dropped(client, source):
    # given a tip sent, then the Back button, a file added and the same page sent again (same hidden key)
    data = tip_post_data(files=None)
    client.post("/t/dx", data)
    # when
    again = client.post("/t/dx", {**data, "files": [upload("a.png", png_bytes())]})
    edited = client.post("/t/dx", {**data, "account": data["account"] + " Thêm: mộ ở đồi thông."})
    # then nothing is silently dropped: the person is told, keeps what they wrote, under a fresh key
    for response in (again, edited):
        assert response.status_code == 409
        assert "chưa được lưu" in response.content.decode()
        assert response.context["form"]["submission_key"].value() != data["submission_key"]
    assert "Thêm: mộ ở đồi thông." in edited.content.decode()
    assert Tip.objects.count() == 1 and Attachment.objects.count() == 0
    # and sending the kept form again (its fresh key) is taken
    resend = edited.context["form"].data.copy()
    assert client.post("/t/dx", resend).status_code == 302
    assert Tip.objects.count() == 2


def test_missing_and_bad_fields_get_vietnamese_messages(client, source):
    response = client.post(
        "/t/dx",
        tip_post_data(account="", kinds="", consent_processing=None, reporter_phone="12345", latitude="21.5"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["kinds"] == ["Hãy chọn ít nhất một ô: bạn muốn cho biết điều gì."]
    assert errors["account"] == ["Hãy kể vài dòng về điều bạn biết."]
    assert errors["consent_processing"] == ["Cần có sự đồng ý này để tiếp nhận thông tin."]
    assert errors["reporter_phone"] == [PHONE_ERROR]
    assert "Cần cả vĩ độ và kinh độ" in errors["longitude"][0]
    assert Tip.objects.count() == 0


def test_anonymous_tip_keeps_no_contact(client, source):
    client.post(
        "/t/dx",
        tip_post_data(
            anonymous="on", reporter_name="Ai Đó", reporter_phone="0911111111", consent_contact=None
        ),
    )
    tip = Tip.objects.get()
    assert tip.anonymous and tip.reporter_name == "" and tip.reporter_phone == "" and tip.status_check == ""


def test_dna_offer_needs_relationship_and_explicit_consent(client, source):
    response = client.post("/t/dx", tip_post_data(kind="relative", dna_offer="on"))
    errors = response.context["form"].errors
    assert "consent_dna" in errors and "relationship" in errors
    client.post(
        "/t/dx",
        tip_post_data(kind="relative", dna_offer="on", relationship="sibling_same_mother", consent_dna="on"),
    )
    tip = Tip.objects.get()
    assert tip.dna_offer and tip.consent_dna and tip.is_maternal_line


def test_anonymous_cannot_offer_dna(client, source):
    response = client.post(
        "/t/dx",
        tip_post_data(
            kind="relative", anonymous="on", dna_offer="on", relationship="mother", consent_dna="on"
        ),
    )
    assert "dna_offer" in response.context["form"].errors


def test_tip_and_files_commit_together_or_not_at_all(client, source, media_root, monkeypatch):
    # given the audit write fails after the tip row and its file were written
    import doantu.tips.services as services

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record", broken)
    # when
    with pytest.raises(RuntimeError):
        client.post("/t/dx", tip_post_data(files=[upload("a.png", png_bytes()), upload("b.pdf", PDF_BYTES)]))
    # then: no tip, no attachment row, no orphan file
    assert Tip.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(media_root) == []


def test_form_works_without_javascript_markup(client, source):
    html = client.get("/t/dx").content.decode()
    # plain HTML controls for everything the script improves
    assert 'name="latitude"' in html and 'name="longitude"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and "multiple" in html


def test_rate_limit_blocks_floods(client, source, settings):
    settings.TIP_RATE_PER_HOUR = 2
    for _ in range(2):
        client.post("/t/dx", tip_post_data())
    response = client.post("/t/dx", tip_post_data())
    assert response.status_code == 429
    assert Tip.objects.count() == 2


def test_map_picker_offered_only_when_tiles_are_configured(client, source, settings):
    settings.MAP_TILE_URL = ""
    assert 'id="pick-on-map"' not in client.get("/t/dx").content.decode()
    settings.MAP_TILE_URL = "https://tiles.example.vn/{z}/{x}/{y}.png"
    html = client.get("/t/dx").content.decode()
    assert 'id="pick-on-map"' in html and "tiles.example.vn" in html
    assert "leaflet.js" not in html.split('id="pick-on-map"')[0]  # not loaded with the page


def test_location_picked_on_map_is_recorded_as_such(client, source):
    client.post("/t/dx", tip_post_data(latitude="22.150000", longitude="105.830000", location_source="map"))
    assert Tip.objects.get().location_source == "map"


def test_deactivated_source_stops_at_once_despite_the_cache(client, source):
    assert client.get("/t/dx").status_code == 200  # now cached
    source.active = False
    source.save()  # as the admin would
    assert client.get("/t/dx").status_code == 404


def test_error_summary_links_each_field_with_a_short_label(client, source):
    html = client.post("/t/dx", tip_post_data(account="", consent_processing=None)).content.decode()
    summary = html.split('id="form-errors"')[1].split("</div>")[0]
    assert 'href="#f-account"' in summary and "Bạn biết những gì" in summary
    assert "Sự đồng ý để xử lý thông tin" in summary and "Ban Chỉ huy" not in summary
