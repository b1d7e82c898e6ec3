"""CSV lists in the encodings and separators offices produce, at sizes where the encoding sample ends inside
the file (issue 14: a UTF-8 file over 64 KB was read as cp1258 when the sample ended inside a character)."""

import csv
import io
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from doantu.registry import services
from doantu.registry.imports import SAMPLE_BYTES, detect_encoding, headers_look_garbled, read_table
from doantu.registry.models import ImportStatus, Martyr
from tests.conftest import PASSWORD
from tests.registry.test_registry import HEADER

pytestmark = pytest.mark.django_db

# Made-up rows of the kind official lists hold: names, places and units dense with Vietnamese letters.
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["Văn Hùng", "Thị Lụa", "Đức Thắng", "Quốc Việt", "Hữu Nghĩa", "Ngọc Ánh", "Xuân Trường"]
PLACES = ["Xã Yên Ninh, huyện Phú Lương", "Phường Đức Xuân, Bắc Kạn", "Xã Hòa Bình, Đồng Hỷ"]


def rows(count: int, sep: str = ";") -> list[str]:
    """CSV lines (quoted where a field holds the separator, as spreadsheet programs write them)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    for i in range(count):
        writer.writerow(
            [
                f"LS{i:06d}",
                f"{SURNAMES[i % 10]} {GIVEN[i % 7]}",
                "",
                "Nam",
                str(1940 + i % 15),
                PLACES[i % 3],
                "",
                f"Đại đội {i % 9 + 1}, Tiểu đoàn {i % 5 + 1}",
                "",
                "Chiến sĩ",
                str(1965 + i % 10),
                "Quảng Trị",
                "",
            ]
        )
    return out.getvalue().splitlines()


def utf8_cut_at(boundary: int) -> bytes:
    """A UTF-8 list without byte-order mark, longer than ``boundary``, whose byte at ``boundary`` is the middle of
    a character (the sample the encoding is guessed from ends inside it)."""
    count = boundary // 60 + 50
    body = rows(count)
    pad = 0
    while True:
        body[0] = body[0].replace("Chiến sĩ", "Chiến sĩ" + "a" * pad, 1) if pad else body[0]
        data = ("\n".join([HEADER, *body]) + "\n").encode()
        if len(data) > boundary and data[boundary] & 0xC0 == 0x80:
            return data
        body = rows(count)
        pad += 1


TONES = "\u0300\u0301\u0303\u0309\u0323"  # the five tone marks; cp1258 has each as a combining character


def to_cp1258(text: str) -> bytes:
    """Text as Vietnamese Windows wrote it: the letter with its hat or horn (cp1258 has those precomposed),
    then the tone mark as a combining character."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tone = next(c for c in parts if c in TONES)
            out += unicodedata.normalize("NFC", parts.replace(tone, "")).encode("cp1258") + tone.encode(
                "cp1258"
            )
    return bytes(out)


@pytest.mark.parametrize("boundary", [65536, SAMPLE_BYTES])
def test_utf8_without_bom_cut_inside_a_character_is_read_as_utf8(tmp_path, boundary):
    data = utf8_cut_at(boundary)
    with pytest.raises(UnicodeDecodeError):
        data[:boundary].decode("utf-8")  # the sample alone is not valid UTF-8: the old guess failed here
    path = tmp_path / "ds.csv"
    path.write_bytes(data)
    assert detect_encoding(path) == "utf-8"
    headers, table = read_table(path, "ds.csv")
    assert headers[1] == "Họ và tên" and not headers_look_garbled(headers)
    last = list(table)[-1]
    assert last[1] in {f"{s} {g}" for s in SURNAMES for g in GIVEN}


def test_upload_of_a_large_utf8_list_maps_its_columns(users, tmp_path):
    data = utf8_cut_at(65536)
    batch = services.import_upload(
        actor=users["campaign"], upload=SimpleUploadedFile("ds.csv", data), list_name="DS tỉnh"
    )
    assert batch.encoding == "utf-8" and batch.message == ""
    assert batch.headers[1] == "Họ và tên" and batch.mapping["full_name"] == 1


@pytest.mark.parametrize(
    ("name", "encode", "sep", "expected"),
    [
        ("utf8-bom", lambda t: b"\xef\xbb\xbf" + t.encode(), ";", "utf-8"),
        ("utf16-bom-tab", lambda t: t.encode("utf-16"), "\t", "utf-16"),
        ("utf16le-no-bom", lambda t: t.encode("utf-16-le"), "\t", "utf-16-le"),
        ("cp1258", to_cp1258, ",", "cp1258"),
    ],
)
def test_encodings_and_separators_import_the_same_names(users, name, encode, sep, expected):
    text = "\n".join([HEADER.replace(";", sep), *rows(30, sep)]) + "\n"
    batch = services.import_upload(
        actor=users["campaign"], upload=SimpleUploadedFile(f"{name}.csv", encode(text)), list_name=name
    )
    assert batch.encoding == expected and batch.message == ""
    assert batch.mapping["full_name"] == 1 and batch.mapping["home_place"] == 5
    services.import_run(batch_id=batch.pk, apply=False)
    done = services.import_run(batch_id=batch.pk, apply=True)
    assert done.status == ImportStatus.DONE and done.created == 30 and done.error_count == 0
    names = set(Martyr.objects.values_list("full_name", flat=True))
    assert "Nguyễn Văn Hùng" in names and "Đặng Văn Hùng" in names  # composed, exactly as typed in Unicode


def test_a_wrong_encoding_is_named_and_the_user_chooses_another(client, users):
    """A UTF-8 list read as Windows-1258 (the user's choice here; a detector's mistake in real life) gives
    garbled headers: the page says which encoding was used and offers the others; choosing UTF-8 fixes it."""
    text = "\n".join([HEADER, *rows(5)]) + "\n"
    batch = services.import_upload(
        actor=users["campaign"], upload=SimpleUploadedFile("ds.csv", text.encode()), list_name="DS"
    )
    batch = services.import_set_encoding(batch=batch, actor=users["campaign"], encoding="cp1258")
    assert headers_look_garbled(batch.headers)
    assert "Windows-1258" in batch.message and "bảng mã khác" in batch.message
    client.login(username=users["campaign"].username, password=PASSWORD)
    url = reverse("registry:import", args=[batch.pk])
    page = client.get(url).content.decode()
    assert "Windows-1258" in page and 'name="encoding"' in page
    assert client.post(url, {"encoding": "utf-8"}).status_code == 302
    batch.refresh_from_db()
    assert batch.encoding == "utf-8" and batch.message == "" and batch.headers[1] == "Họ và tên"
    assert batch.mapping["full_name"] == 1
    # an unknown encoding is refused with a message, and changes nothing
    with pytest.raises(services.RegistryError, match="Bảng mã không hợp lệ"):
        services.import_set_encoding(batch=batch, actor=users["campaign"], encoding="koi8-r")
    # a role that may not import cannot touch the batch
    with pytest.raises(services.PermissionDenied):
        services.import_set_encoding(batch=batch, actor=users["group_leader"], encoding="cp1258")


def test_command_reads_a_large_utf8_list_and_takes_an_encoding(users, tmp_path, capsys):
    path = tmp_path / "ds.csv"
    path.write_bytes(utf8_cut_at(65536))
    call_command("import_registry", str(path), "--list", "DS tỉnh", "--user", "vhxh", "--dry-run")
    assert "0 lỗi" in capsys.readouterr().out
    with pytest.raises(CommandError, match="bảng mã: latin-1"):
        call_command(
            "import_registry", str(path), "--list", "DS 2", "--user", "vhxh", "--encoding", "latin-1"
        )
