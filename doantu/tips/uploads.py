"""Checking and cleaning files sent to the system: with a tip (public form, API) and as registry documents
(staff). One function, ``prepare_uploads``, for all of them.

A file's type is decided by its content, never by its name or the browser's claim. What it may cost is decided
before it is decoded: size per kind and per request, pixels per image (from the header) and per request. Images
and PDFs are then decoded in a bounded child process (``upload_worker.py``: memory, CPU and a deadline). Images
are encoded again from their pixels alone, so no metadata block survives (EXIF with GPS, XMP, IPTC, comments,
ICC, PNG text chunks); PDFs with active content (JavaScript, launch actions, embedded files, multimedia, XFA) or
with something before their header or after their end are refused, the others are rewritten without their
metadata; video and sound are re-muxed by ffmpeg, streams copied bit for bit, without their metadata (a phone
writes where a video was shot into its container). The location we keep is only the structured one the person
chose to give.
"""

import hashlib
import json
import logging
import math
import os
import subprocess
import sys
import tempfile
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from PIL import Image, UnidentifiedImageError

from . import upload_worker
from .models import AttachmentKind

MB = 1024 * 1024
WORKER_PATH = upload_worker.__file__

# Content type as sniffed -> (kind, extension we store it under)
ACCEPTED: dict[str, tuple[str, str]] = {
    "image/jpeg": (AttachmentKind.IMAGE, ".jpg"),
    "image/png": (AttachmentKind.IMAGE, ".png"),
    "image/webp": (AttachmentKind.IMAGE, ".webp"),
    "video/mp4": (AttachmentKind.VIDEO, ".mp4"),
    "video/quicktime": (AttachmentKind.VIDEO, ".mov"),
    "video/webm": (AttachmentKind.VIDEO, ".webm"),
    "video/3gpp": (AttachmentKind.VIDEO, ".3gp"),
    "video/x-matroska": (AttachmentKind.VIDEO, ".mkv"),
    "audio/mpeg": (AttachmentKind.AUDIO, ".mp3"),
    "audio/mp4": (AttachmentKind.AUDIO, ".m4a"),
    "audio/m4a": (AttachmentKind.AUDIO, ".m4a"),
    "audio/ogg": (AttachmentKind.AUDIO, ".ogg"),
    "audio/x-wav": (AttachmentKind.AUDIO, ".wav"),
    "audio/amr": (AttachmentKind.AUDIO, ".amr"),
    "audio/aac": (AttachmentKind.AUDIO, ".aac"),
    "audio/x-flac": (AttachmentKind.AUDIO, ".flac"),
    "application/pdf": (AttachmentKind.PDF, ".pdf"),
}
PIL_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# ffmpeg muxer for each stored extension (the container stays what the person sent)
MUXERS = {
    ".mp4": "mp4",
    ".mov": "mov",
    ".webm": "webm",
    ".3gp": "3gp",
    ".mkv": "matroska",
    ".mp3": "mp3",
    ".m4a": "ipod",
    ".ogg": "ogg",
    ".wav": "wav",
    ".amr": "amr",
    ".aac": "adts",
    ".flac": "flac",
}
# ffmpeg demuxer for each stored extension: the input is read as that container and nothing else
DEMUXERS = {
    ".mp4": "mov",
    ".mov": "mov",
    ".3gp": "mov",
    ".m4a": "mov",
    ".webm": "matroska",
    ".mkv": "matroska",
}
DEMUXERS |= {".mp3": "mp3", ".ogg": "ogg", ".wav": "wav", ".amr": "amr", ".aac": "aac", ".flac": "flac"}

log = logging.getLogger(__name__)

ACCEPT_ATTR = "image/*,video/*,audio/*,application/pdf"
KIND_LABEL = dict(AttachmentKind.choices)


class UploadError(ValueError):
    """A file we refuse, with the Vietnamese message to show next to the field."""


@dataclass
class PreparedFile:
    kind: str
    content: ContentFile | UploadedFile
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str
    width: int | None = None
    height: int | None = None


def limits_text() -> str:
    mb = settings.TIP_MAX_MB
    return (
        f"Tối đa {settings.TIP_MAX_FILES} tệp: ảnh đến {mb['image']} MB, video đến {mb['video']} MB, "
        f"ghi âm đến {mb['audio']} MB, PDF đến {mb['pdf']} MB mỗi tệp; tổng cộng không quá "
        f"{settings.TIP_MAX_TOTAL_MB} MB. Mỗi ảnh không quá {settings.TIP_MAX_IMAGE_PIXELS / 1e6:.0f} triệu "
        "điểm ảnh."
    )


def _display_name(upload: UploadedFile) -> str:
    name = (upload.name or "tệp").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:200]


def _sniff(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    mime = kind.mime
    if mime == "video/mp4" and kind.extension == "m4a":
        mime = "audio/mp4"
    return mime


def _sha256(chunks) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _image_cost(upload: UploadedFile, name: str) -> int:
    """The pixels this image will be decoded at, read from its header without decoding (Pillow opens lazily).
    Refuses an image over the per-image limit at once."""
    limit = settings.TIP_MAX_IMAGE_PIXELS
    upload.seek(0)
    try:
        # Pillow warns between the limit and twice the limit (and raises beyond): we refuse, with the size.
        with (
            warnings.catch_warnings(action="ignore", category=Image.DecompressionBombWarning),
            upload_worker.open_lazily(upload, limit) as probe,
        ):
            width, height = probe.size
            if width * height > limit:
                raise UploadError(_too_many_pixels(name, width, height))
            cost = math.prod(upload_worker.decode_size(probe, settings.TIP_IMAGE_MAX_SIDE))
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(_too_many_pixels(name)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise UploadError(f"Tệp “{name}” không phải là ảnh hợp lệ hoặc đã bị hỏng.") from None
    finally:
        upload.seek(0)
    return cost


def _too_many_pixels(name: str, width: int = 0, height: int = 0) -> str:
    limit = settings.TIP_MAX_IMAGE_PIXELS / 1e6
    size = f" ({width}×{height}, {width * height / 1e6:.1f} triệu điểm ảnh)" if width else ""
    return (
        f"Ảnh “{name}” quá lớn{size}; mỗi ảnh tối đa {limit:.0f} triệu điểm ảnh. "
        "Hãy gửi ảnh chụp ở chế độ thường hoặc thu nhỏ ảnh rồi gửi lại."
    )


WORKER_MESSAGES = {
    "pixels": "Ảnh “{name}” quá lớn; hãy gửi ảnh chụp ở chế độ thường hoặc thu nhỏ ảnh rồi gửi lại.",
    "invalid": "Tệp “{name}” không phải là ảnh hợp lệ hoặc đã bị hỏng.",
    "format": "Ảnh “{name}” có định dạng chưa hỗ trợ (hãy gửi JPEG, PNG hoặc WebP).",
    "memory": "Tệp “{name}” cần quá nhiều bộ nhớ để xử lý; hãy gửi tệp nhỏ hơn.",
    "crashed": "Tệp “{name}” không xử lý được (quá lớn hoặc bị hỏng); hãy gửi tệp nhỏ hơn hoặc tệp gốc.",
    "timeout": "Tệp “{name}” xử lý quá lâu; hãy gửi ít tệp hơn hoặc tệp nhỏ hơn.",
    "pdf_header": "Tệp “{name}” không bắt đầu như một tệp PDF (có nội dung lạ ở đầu tệp) nên không được nhận.",
    "pdf_trailing": "Tệp PDF “{name}” có dữ liệu lạ sau phần kết thúc của tệp nên không được nhận. "
    "Hãy lưu (in) lại thành PDF mới rồi gửi.",
    "pdf_encrypted": "Tệp PDF “{name}” có mật khẩu; hãy gửi bản không đặt mật khẩu.",
    "pdf_active": "Tệp PDF “{name}” chứa {detail} — nội dung có thể tự chạy khi mở — nên không được nhận. "
    "Hãy in (lưu) lại thành PDF mới, hoặc gửi ảnh chụp các trang.",
    "pdf_html": "Tệp PDF “{name}” có chứa mã trang web (HTML, JavaScript) nên không được nhận. "
    "Hãy in (lưu) lại thành PDF mới, hoặc gửi ảnh chụp các trang.",
    "pdf_invalid": "Tệp PDF “{name}” bị hỏng hoặc không đọc được; hãy gửi lại tệp gốc.",
}


def _worker_prefix() -> list[str]:
    """The command that starts the bounded worker (``upload_worker.py``): isolated Python, its own limits."""
    return [sys.executable, "-I", WORKER_PATH]


def run_worker(jobs: list[dict]) -> list[dict]:
    """Run ``jobs`` in one bounded child process (memory, CPU, deadline). Returns one result per job; the jobs
    not finished when the child died or ran out of time get ``crashed`` or ``timeout``."""
    if not jobs:
        return []
    timeout = settings.UPLOAD_WORKER_TIMEOUT
    command = [*_worker_prefix(), str(settings.UPLOAD_WORKER_MEMORY_MB), str(timeout)]
    failure = "crashed"
    try:
        result = subprocess.run(
            command, input=json.dumps(jobs).encode(), capture_output=True, timeout=timeout
        )
        output = result.stdout
        if result.returncode != 0:
            log.warning("upload worker exited %s: %s", result.returncode, result.stderr[-500:])
    except subprocess.TimeoutExpired as exc:
        output, failure = exc.stdout or b"", "timeout"
        log.warning("upload worker killed after %ss", timeout)
    results = []
    for line in output.splitlines()[: len(jobs)]:
        try:
            results.append(json.loads(line))
        except ValueError:
            break
    return results + [{"ok": False, "code": failure, "detail": ""}] * (len(jobs) - len(results))


@contextmanager
def _path_of(upload: UploadedFile, suffix: str):
    """A path to the upload's bytes: its temporary file if Django spooled it to disk, else a copy."""
    if isinstance(upload, TemporaryUploadedFile):
        upload.file.flush()
        yield upload.temporary_file_path()
        return
    with tempfile.NamedTemporaryFile(suffix=suffix, dir=settings.FILE_UPLOAD_TEMP_DIR) as copy:
        upload.seek(0)
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        yield copy.name


def _clean_media(upload: UploadedFile, name: str, ext: str, kind: str) -> UploadedFile:
    """The same video or sound in a new container without metadata (global, per stream, chapters) and without
    data tracks or a recording's cover picture; the streams are copied, not re-encoded. A file ffmpeg cannot
    read is refused.

    ffmpeg reads the file only with the demuxer of the container it was sniffed as (so a playlist or a concat
    script behind an MP3 tag is never followed), only through the ``file`` protocol, and runs with the upload
    worker's memory and CPU limits."""
    ffmpeg = settings.FFMPEG_PATH
    if not ffmpeg:
        return upload  # stored as sent; `manage.py check` warns about it (doantu.tips.W001)
    _refuse_playlist(upload, name)
    out = TemporaryUploadedFile(f"clean{ext}", "application/octet-stream", 0, None)
    timeout = settings.MEDIA_CLEAN_TIMEOUT
    # fmt: off
    command = [
        *_worker_prefix(), "--exec", str(settings.UPLOAD_WORKER_MEMORY_MB), str(timeout),
        ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y",
        "-protocol_whitelist", "file", "-f", DEMUXERS[ext], "-i", "{source}",
        *(["-map", "0:v?"] if kind == AttachmentKind.VIDEO else []), "-map", "0:a?",
        "-map_metadata", "-1", "-map_chapters", "-1",
        "-c", "copy", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
        "-f", MUXERS[ext], out.temporary_file_path(),
    ]
    # fmt: on
    try:
        with _path_of(upload, ext) as source:
            command[command.index("{source}")] = "file:" + source
            result = subprocess.run(command, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        out.close()
        raise UploadError(f"Tệp “{name}” xử lý quá lâu; hãy gửi đoạn ngắn hơn.") from None
    size = os.path.getsize(out.temporary_file_path())
    if result.returncode != 0 or size == 0:
        out.close()
        log.info("ffmpeg refused an upload: %s", result.stderr.decode(errors="replace")[-500:])
        raise UploadError(f"Tệp “{name}” bị hỏng hoặc không đọc được; hãy gửi lại tệp gốc.")
    out.size = size
    out.seek(0)
    return out


PLAYLIST_MARKERS = (b"#EXTM3U", b"#EXT-X-", b"#EXTINF", b"ffconcat version", b"[playlist]", b"<MPD")


def _refuse_playlist(upload: UploadedFile, name: str) -> None:
    """A playlist (HLS, concat script, PLS, DASH) dressed as a recording — e.g. behind an ID3 tag, which makes
    it sniff as MP3 — would make a media tool read other files of this server. Refuse it outright."""
    upload.seek(0)
    head = upload.read(64 * 1024)
    upload.seek(0)
    if any(marker in head for marker in PLAYLIST_MARKERS):
        raise UploadError(
            f"Tệp “{name}” là danh sách phát, không phải bản ghi âm hay video; hãy gửi tệp gốc."
        )


def _check(upload: UploadedFile) -> tuple[str, str, str, str]:
    """(display name, sniffed type, kind, extension) of a file we may accept, by its content and size."""
    name = _display_name(upload)
    if upload.size == 0:
        raise UploadError(f"Tệp “{name}” rỗng.")
    mime = _sniff(upload)
    if mime not in ACCEPTED:
        raise UploadError(
            f"Tệp “{name}” không thuộc loại được nhận. Chỉ nhận ảnh (JPEG, PNG, WebP), video, ghi âm và PDF."
        )
    kind, ext = ACCEPTED[mime]
    limit = settings.TIP_MAX_MB[kind]
    if upload.size > limit * MB:
        raise UploadError(
            f"Tệp “{name}” ({upload.size / MB:.1f} MB) vượt quá giới hạn {limit} MB cho {KIND_LABEL[kind].lower()}."
        )
    return name, mime, kind, ext


def prepare_upload(upload: UploadedFile) -> PreparedFile:
    """Check and clean one file (see ``prepare_uploads``). Raises UploadError."""
    prepared, errors = prepare_uploads([upload])
    if errors:
        raise UploadError(" ".join(errors))
    return prepared[0]


def prepare_uploads(uploads: list[UploadedFile]) -> tuple[list[PreparedFile], list[str]]:
    """Check every file of one request by its content and size, then clean it: images and PDFs in the bounded
    worker, video and sound with ffmpeg. Returns the prepared files, or no file and the messages for the refused
    ones. The cheap checks (type, size, pixels from the image headers, the request's pixel budget) run first on
    every file; if any of them refuses, nothing is decoded and their messages are all that is returned (a
    refused request costs no decoding). Otherwise every file is cleaned and every refusal reported."""
    errors: list[str] = []
    if len(uploads) > settings.TIP_MAX_FILES:
        errors.append(
            f"Chỉ gửi được tối đa {settings.TIP_MAX_FILES} tệp mỗi lần (bạn đã chọn {len(uploads)})."
        )
        return [], errors
    total = sum(u.size or 0 for u in uploads)
    if total > settings.TIP_MAX_TOTAL_MB * MB:
        errors.append(
            f"Tổng dung lượng các tệp ({total / MB:.0f} MB) vượt quá {settings.TIP_MAX_TOTAL_MB} MB."
        )
        return [], errors
    checked = []
    pixels = 0
    for upload in uploads:
        try:
            name, mime, kind, ext = _check(upload)
            if kind == AttachmentKind.IMAGE:
                pixels += _image_cost(upload, name)
            checked.append((upload, name, mime, kind, ext))
        except UploadError as exc:
            errors.append(str(exc))
    budget = settings.TIP_MAX_REQUEST_PIXELS
    if pixels > budget:
        errors.append(
            f"Các ảnh gửi cùng lúc quá lớn (tổng {pixels / 1e6:.0f} triệu điểm ảnh, tối đa {budget / 1e6:.0f} "
            "triệu). Hãy gửi ít ảnh hơn hoặc ảnh nhỏ hơn."
        )
    if errors:
        return [], errors

    prepared: list[PreparedFile | None] = [None] * len(checked)
    # in the upload folder, so that what a killed process leaves behind is swept (tips.sweep)
    with tempfile.TemporaryDirectory(prefix="doantu-upload-", dir=settings.FILE_UPLOAD_TEMP_DIR) as workdir:
        jobs, positions = [], []
        for index, (upload, name, mime, kind, ext) in enumerate(checked):
            if kind in (AttachmentKind.VIDEO, AttachmentKind.AUDIO):
                try:
                    content = _clean_media(upload, name, ext, kind)
                    prepared[index] = _prepared(kind, content, mime, ext, name)
                except UploadError as exc:
                    errors.append(str(exc))
                continue
            src = os.path.join(workdir, f"in-{index}{ext}")
            upload.seek(0)
            with open(src, "wb") as copy:
                for chunk in upload.chunks():
                    copy.write(chunk)
            upload.seek(0)
            job = {"kind": "pdf" if kind == AttachmentKind.PDF else "image", "src": src}
            job["dst"] = os.path.join(workdir, f"out-{index}{ext}")
            if kind == AttachmentKind.IMAGE:
                job |= {"max_side": settings.TIP_IMAGE_MAX_SIDE, "max_pixels": settings.TIP_MAX_IMAGE_PIXELS}
            jobs.append(job)
            positions.append(index)
        for index, job, result in zip(positions, jobs, run_worker(jobs), strict=True):
            upload, name, mime, kind, ext = checked[index]
            if not result.get("ok"):
                log.info("upload refused by the worker: %s %s", result.get("code"), result.get("detail", ""))
                template = WORKER_MESSAGES.get(result.get("code"), WORKER_MESSAGES["crashed"])
                errors.append(template.format(name=name, detail=result.get("detail", "")))
                continue
            if kind == AttachmentKind.IMAGE:
                fmt = result["format"]
                mime = PIL_FORMATS[fmt]
                ext = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}[mime]
            with open(job["dst"], "rb") as cleaned:
                content = ContentFile(cleaned.read())
            prepared[index] = _prepared(
                kind, content, mime, ext, name, width=result.get("width"), height=result.get("height")
            )
    if errors:
        return [], errors
    return [p for p in prepared if p is not None], errors


def _prepared(kind, content, mime, ext, name, width=None, height=None) -> PreparedFile:
    content.seek(0)
    sha = _sha256(content.chunks())
    content.seek(0)
    return PreparedFile(
        kind=kind,
        content=content,
        content_type=mime,
        extension=ext,
        size=content.size,
        sha256=sha,
        original_name=name,
        width=width,
        height=height,
    )
