"""Files sent to the system cost a bounded amount to check, keep no metadata, and carry no active content:
images (pixels per image and per request, decoded in a bounded worker, encoded again from pixels alone), PDFs
(refused with JavaScript, actions, embedded files…, rewritten without metadata), recordings (ffmpeg reads no
other file)."""

import io
import shutil
import struct
import sys
import zlib

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from doantu.tips import uploads
from doantu.tips.models import Attachment, Tip
from tests.conftest import pdf_bytes, png_bytes, tip_post_data, upload

pytestmark = pytest.mark.django_db

SECRET = "GPS 22.1483N 105.8291E <script>alert(1)</script>"


def post(client, *files):
    return client.post("/t/dx", tip_post_data(files=list(files)))


def stored_bytes(media_root) -> bytes:
    attachment = Attachment.objects.get()
    return (media_root / attachment.file.name).read_bytes()


# ---------------------------------------------------------------------------------------------- decoding cost


def forged_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (what a decompression bomb looks like up front)."""
    data = bytearray(png_bytes((4, 4)))
    ihdr = 8 + 8  # signature, then length + b"IHDR"
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", zlib.crc32(bytes(data[ihdr - 4 : ihdr + 13])))
    return bytes(data)


def test_image_over_the_pixel_limit_is_refused_from_its_header(client, source, monkeypatch):
    def never(jobs):
        raise AssertionError("nothing may be decoded")

    monkeypatch.setattr(uploads, "run_worker", never)
    response = post(client, upload("ban-do.png", forged_png(7740, 7740)))
    assert response.status_code == 400
    text = response.content.decode()
    assert "quá lớn (7740×7740, 59.9 triệu điểm ảnh)" in text and "tối đa 52 triệu" in text
    assert Tip.objects.count() == 0


def test_far_larger_image_is_refused_too(client, source):
    response = post(client, upload("bom.png", forged_png(60000, 60000)))
    assert response.status_code == 400
    assert "quá lớn" in response.content.decode()


def test_pixels_of_all_images_in_one_request_are_bounded(client, source, settings):
    settings.TIP_MAX_REQUEST_PIXELS = 1000
    response = post(client, *[upload(f"{i}.png", png_bytes((20, 20))) for i in range(3)])  # 3 x 400
    assert response.status_code == 400
    assert "Các ảnh gửi cùng lúc quá lớn" in response.content.decode()
    assert Tip.objects.count() == 0
    settings.TIP_MAX_REQUEST_PIXELS = 1200
    assert post(client, *[upload(f"{i}.png", png_bytes((20, 20))) for i in range(3)]).status_code == 302


def jpeg(size=(64, 48), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 80, 40)).save(out, "JPEG", **save)
    return out.getvalue()


def test_a_large_jpeg_is_decoded_at_reduced_size(settings):
    settings.TIP_IMAGE_MAX_SIDE = 200
    photo = upload("anh.jpg", jpeg((1000, 800)))
    assert uploads._image_cost(photo, "anh.jpg") == 250 * 200  # 1/4 straight from the DCT, then shrunk
    prepared = uploads.prepare_upload(photo)
    assert (prepared.width, prepared.height) == (200, 160)


def test_decoding_runs_in_a_process_with_bounded_memory(client, source, settings):
    settings.UPLOAD_WORKER_MEMORY_MB = 120  # the worker needs ~40 MB; 5000 x 5000 pixels need 100 MB more
    settings.TIP_IMAGE_MAX_SIDE = 6000
    out = io.BytesIO()
    Image.new("RGB", (5000, 5000), (1, 2, 3)).save(out, "PNG")
    response = post(client, upload("lon.png", out.getvalue()))
    assert response.status_code == 400
    text = response.content.decode()
    assert "lon.png" in text and ("bộ nhớ" in text or "không xử lý được" in text)


def test_decoding_that_takes_too_long_is_stopped(client, source, settings, monkeypatch):
    settings.UPLOAD_WORKER_TIMEOUT = 1
    monkeypatch.setattr(
        uploads, "_worker_prefix", lambda: [sys.executable, "-c", "import time; time.sleep(30)"]
    )
    response = post(client, upload("a.png", png_bytes()))
    assert response.status_code == 400
    assert "xử lý quá lâu" in response.content.decode()


# ------------------------------------------------------------------------------------------------ metadata


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every segment before the image data."""
    assert data[:2] == b"\xff\xd8"
    found, at = [], 2
    while True:
        marker = data[at + 1]
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        found.append((marker, data[at + 4 : at + 2 + length]))
        if marker == 0xDA:  # start of scan
            return found
        at += 2 + length


def with_segment(data: bytes, marker: int, payload: bytes) -> bytes:
    return data[:2] + bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload + data[2:]


def icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def test_jpeg_keeps_no_comment_xmp_iptc_icc_or_trailing_data(client, source, media_root):
    data = jpeg((64, 48), comment=SECRET.encode(), icc_profile=icc_profile())
    xmp = (
        b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>"
        + SECRET.encode()
        + b"</exif:GPSLatitude>"
    )
    data = with_segment(data, 0xE1, xmp + b"</x:xmpmeta>")
    data = with_segment(
        data, 0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x30" + SECRET.encode()
    )
    data = with_segment(data, 0xEF, SECRET.encode())  # APP15, anything
    data += SECRET.encode()  # after the end of the image
    assert post(client, upload("anh.jpg", data)).status_code == 302
    stored = stored_bytes(media_root)
    assert SECRET.encode() not in stored and b"22.1483" not in stored
    markers = {marker for marker, _ in jpeg_segments(stored)}
    assert markers <= {0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDA}, sorted(
        hex(m) for m in markers
    )  # JFIF, tables, frame
    assert stored.rstrip(b"\0").endswith(b"\xff\xd9")


def png_chunks(data: bytes) -> list[bytes]:
    found, at = [], 8
    while at < len(data):
        length = struct.unpack(">I", data[at : at + 4])[0]
        found.append(data[at + 4 : at + 8])
        at += 12 + length
    return found


def test_png_keeps_no_text_exif_xmp_or_icc_chunks(client, source, media_root):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)
    info.add_text("Location", SECRET, zip=True)
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta>{SECRET}</x:xmpmeta>")
    exif = Image.Exif()
    exif[0x010E] = SECRET  # ImageDescription
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (9, 9, 9)).save(out, "PNG", pnginfo=info, exif=exif, icc_profile=icc_profile())
    sent = out.getvalue()
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"} <= set(png_chunks(sent))  # the premise
    assert post(client, upload("so-do.png", sent)).status_code == 302
    stored = stored_bytes(media_root)
    assert set(png_chunks(stored)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    assert SECRET.encode() not in stored


def riff_chunks(data: bytes) -> list[bytes]:
    found, at = [], 12
    while at < len(data):
        size = struct.unpack("<I", data[at + 4 : at + 8])[0]
        found.append(data[at : at + 4])
        at += 8 + size + (size & 1)
    return found


def test_webp_keeps_no_exif_xmp_or_icc(client, source, media_root):
    exif = Image.Exif()
    exif[0x010E] = SECRET
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (9, 9, 9)).save(
        out, "WEBP", exif=exif, xmp=f"<x:xmpmeta>{SECRET}</x:xmpmeta>".encode(), icc_profile=icc_profile()
    )
    sent = out.getvalue()
    assert {b"EXIF", b"XMP ", b"ICCP"} <= set(riff_chunks(sent))  # the premise
    assert post(client, upload("anh.webp", sent)).status_code == 302
    stored = stored_bytes(media_root)
    assert set(riff_chunks(stored)) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}
    assert SECRET.encode() not in stored


def test_gif_is_not_accepted_so_its_comment_never_stored(client, source):
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF", comment=SECRET.encode())
    response = post(client, upload("anh.gif", out.getvalue()))
    assert response.status_code == 400 and "không thuộc loại được nhận" in response.content.decode()


def test_transparent_palette_png_keeps_its_transparency(client, source, media_root):
    image = Image.new("P", (10, 10), 1)
    image.putpalette([0, 0, 0, 255, 0, 0])
    out = io.BytesIO()
    image.save(out, "PNG", transparency=1)
    assert post(client, upload("a.png", out.getvalue())).status_code == 302
    with Image.open(io.BytesIO(stored_bytes(media_root))) as stored:
        assert stored.convert("RGBA").getpixel((5, 5))[3] == 0


# ---------------------------------------------------------------------------------------------------- PDFs


def raw_pdf(
    objects: dict[int, bytes], *, packed: dict[int, bytes] | None = None, header=b"%PDF-1.7\n"
) -> bytes:
    """A PDF written by hand: ``objects`` as plain indirect objects, ``packed`` ones inside a compressed object
    stream (then the cross-reference is a stream too, as PDF 1.5+ writes it). Object 1 is the catalogue."""
    out = bytearray(header)
    offsets = {}
    for num, body in sorted(objects.items()):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, body)
    if not packed:
        xref = len(out)
        size = max(objects) + 1
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for num in range(1, size):
            out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n"
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
        return bytes(out)
    stm = max([*objects, *packed]) + 1
    bodies, pairs, at = b"", [], 0
    for num, body in packed.items():
        pairs.append(b"%d %d" % (num, at))
        bodies += body + b"\n"
        at = len(bodies)
    index = b" ".join(pairs) + b"\n"
    data = zlib.compress(index + bodies)
    offsets[stm] = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        stm,
        len(packed),
        len(index),
        len(data),
    )
    out += data + b"\nendstream\nendobj\n"
    xref_num = stm + 1
    offsets[xref_num] = len(out)
    rows = b""
    for num in range(xref_num + 1):
        if num in offsets:
            rows += struct.pack(">BIH", 1, offsets[num], 0)
        elif num in packed:
            rows += struct.pack(">BIH", 2, stm, list(packed).index(num))
        else:
            rows += struct.pack(">BIH", 0, 0, 65535)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % (
        xref_num,
        xref_num + 1,
        len(rows),
    )
    out += rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref_num]
    return bytes(out)


PAGES = {
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
}


def catalog(extra: bytes = b"") -> dict[int, bytes]:
    return {1: b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>", **PAGES}


def assert_refused(client, data: bytes, *words: str):
    response = post(client, upload("giay-bao-tu.pdf", data))
    assert response.status_code == 400, "accepted"
    text = response.content.decode()
    assert "giay-bao-tu.pdf" in text and all(word in text for word in words), text[text.find("giay-bao") :][
        :300
    ]
    assert Tip.objects.count() == 0 and Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("objects", "packed", "words"),
    [
        (catalog(b"/OpenAction 4 0 R"), {4: b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"}, ("JavaScript",)),
        # names written with #xx escapes, inside a compressed object stream: no byte search finds these
        (
            catalog(b"/OpenAction 4 0 R"),
            {4: b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"},
            ("JavaScript",),
        ),
        (catalog(b"/OpenAction 4 0 R"), {4: b"<< /S /Launch /F (cmd.exe) >>"}, ("Launch",)),
        (
            {
                1: b"<< /Type /Catalog /Pages 2 0 R >>",
                2: PAGES[2],
                3: PAGES[3][:-2] + b"/AA << /O 4 0 R >> >>",
            },
            {4: b"<< /S /JavaScript /JS (1) >>"},
            ("AA",),
        ),
        (catalog(b"/Names << /EmbeddedFiles 4 0 R >>"), {4: b"<< /Names [(a.exe) 5 0 R] >>"}, ("tệp nhúng",)),
        (catalog(b"/AcroForm << /Fields [] /XFA 4 0 R >>"), {4: b"[]"}, ("XFA",)),
        (
            {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: PAGES[2], 3: PAGES[3][:-2] + b"/Annots [4 0 R] >>"},
            {4: b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 1 1] >>"},
            ("RichMedia",),
        ),
        (
            catalog(b"/OpenAction 4 0 R"),
            {4: b"<< /S /URI /URI (file://attacker/share) >>"},
            ("không an toàn",),
        ),
        (catalog(b"/OpenAction 4 0 R"), {4: b"<< /S /SubmitForm /F (https://x.example) >>"}, ("SubmitForm",)),
    ],
)
def test_pdf_with_active_content_is_refused_with_the_reason(client, source, objects, packed, words):
    assert_refused(client, raw_pdf(objects, packed=packed), "không được nhận", *words)
    assert_refused(client, raw_pdf({**objects, **packed}), "không được nhận", *words)  # plain objects too


def test_pdf_with_content_after_its_end_is_refused(client, source):
    assert_refused(client, pdf_bytes() + b"<html><script>alert(1)</script></html>", "sau phần kết thúc")


def test_malformed_pdf_is_refused(client, source):
    assert_refused(client, b"%PDF-1.4\nthis is not a pdf at all\n%%EOF\n", "bị hỏng hoặc không đọc được")


def test_html_before_the_header_is_refused(client, source):
    response = post(client, upload("giay-bao-tu.pdf", b"<html><script>alert(1)</script>\n" + pdf_bytes()))
    assert response.status_code == 400 and Tip.objects.count() == 0


def test_html_hidden_after_the_header_is_not_stored(client, source, media_root):
    # a PDF/HTML polyglot: a comment line right after the header, which a browser sniffing HTML would run
    data = pdf_bytes().replace(b"\n", b"\n%<html><script>alert(1)</script></html>\n", 1)
    assert post(client, upload("thu.pdf", data)).status_code == 302
    stored = stored_bytes(media_root)
    assert stored.startswith(b"%PDF-") and b"<script" not in stored and b"<html" not in stored


def test_pdf_is_stored_without_its_metadata(client, source, media_root):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Trần Thị Lan", "/Title": SECRET})
    xmp = DecodedStreamObject()
    xmp.set_data(f"<x:xmpmeta>{SECRET}</x:xmpmeta>".encode())
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    assert post(client, upload("thu.pdf", out.getvalue())).status_code == 302
    stored = stored_bytes(media_root)
    reader = PdfReader(io.BytesIO(stored))
    assert "/Metadata" not in reader.root_object and not (reader.metadata or {}).get("/Author")
    assert SECRET.encode() not in stored and len(reader.pages) == 1


def test_ordinary_pdf_features_are_accepted(client, source):
    # an opening view (a destination, as LibreOffice writes), a web link: not active content
    data = raw_pdf(
        {
            **catalog(b"/OpenAction [3 0 R /XYZ null null 0]"),
            3: PAGES[3][:-2] + b"/Annots [4 0 R] >>",
            4: b"<< /Type /Annot /Subtype /Link /Rect [0 0 1 1] /A << /S /URI /URI (https://ducxuan.vn) >> >>",
        }
    )
    assert post(client, upload("thu.pdf", data)).status_code == 302
    assert Attachment.objects.get().kind == "pdf"


# ---------------------------------------------------------------------------------------------- recordings


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is not installed")
def test_playlist_dressed_as_mp3_does_not_read_local_files(client, source, settings, tmp_path):
    settings.FFMPEG_PATH = shutil.which("ffmpeg")
    local = tmp_path / "other-tip.mp3"
    import subprocess

    subprocess.run(
        [settings.FFMPEG_PATH, "-v", "error", "-f", "lavfi", "-i", "sine=duration=1", str(local)], check=True
    )
    # an ID3 tag makes it sniff as MP3; behind it, an HLS playlist that pulls in another file of this server
    playlist = f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{local}\n#EXT-X-ENDLIST\n".encode()
    response = post(client, upload("loi-ke.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00" + playlist))
    assert response.status_code == 400
    assert "danh sách phát" in response.content.decode()
    assert Attachment.objects.count() == 0


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is not installed")
def test_ffmpeg_reads_a_recording_only_as_the_container_it_was_sniffed_as(
    client, source, settings, tmp_path, monkeypatch
):
    """Even with the playlist check out of the way, ffmpeg (forced demuxer, file: protocol only) does not
    follow the playlist."""
    settings.FFMPEG_PATH = shutil.which("ffmpeg")
    monkeypatch.setattr(uploads, "_refuse_playlist", lambda upload, name: None, raising=False)
    local = tmp_path / "other-tip.mp3"
    import subprocess

    subprocess.run(
        [settings.FFMPEG_PATH, "-v", "error", "-f", "lavfi", "-i", "sine=duration=1", str(local)], check=True
    )
    playlist = f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{local}\n#EXT-X-ENDLIST\n".encode()
    response = post(client, upload("loi-ke.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00" + playlist))
    assert response.status_code == 400
    assert "bị hỏng hoặc không đọc được" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_pdf_with_a_password_is_refused(client, source):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password="mat-khau", owner_password="chu", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert_refused(client, out.getvalue(), "có mật khẩu")


def test_pdf_protected_only_against_editing_is_checked_inside(client, source):
    """An empty user password (only editing is restricted) does not hide active content from the check."""
    from pypdf import PdfReader, PdfWriter

    scripted = raw_pdf(catalog(b"/OpenAction 4 0 R"), packed={4: b"<< /S /JavaScript /JS (1) >>"})
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(scripted)))
    writer.encrypt(user_password="", owner_password="chu", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert_refused(client, out.getvalue(), "JavaScript")


def test_api_refuses_the_same_files_with_every_reason(client, source):
    payload = tip_post_data()
    scripted = raw_pdf(catalog(b"/OpenAction 4 0 R"), packed={4: b"<< /S /JavaScript /JS (1) >>"})
    launching = raw_pdf(catalog(b"/OpenAction 4 0 R"), packed={4: b"<< /S /Launch /F (cmd.exe) >>"})
    payload["files"] = [upload("thu.pdf", scripted), upload("don.pdf", launching)]
    response = client.post("/api/public/sources/dx/tips", payload)
    assert response.status_code == 422
    errors = response.json()["errors"]["files"]
    assert any("thu.pdf" in e and "JavaScript" in e for e in errors)
    assert any("don.pdf" in e and "Launch" in e for e in errors)
    # a file refused by the cheap checks (here: pixels, from the header) stops the request before any decoding
    payload["files"] = [upload("ban-do.png", forged_png(7740, 7740)), upload("thu.pdf", scripted)]
    errors = client.post("/api/public/sources/dx/tips", payload).json()["errors"]["files"]
    assert len(errors) == 1 and "ban-do.png" in errors[0] and "quá lớn" in errors[0]
    assert Tip.objects.count() == 0
