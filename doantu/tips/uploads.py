"""Checking and cleaning files sent with a tip.

A file's type is decided by its content, never by its name or the browser's claim. Images are decoded and
re-encoded, which drops every metadata block (EXIF, XMP, maker notes: GPS inside a photo is personal data);
video and sound are re-muxed by ffmpeg, streams copied bit for bit, without their metadata (a phone writes
where a video was shot into its container). The location we keep is only the structured one the person chose
to give.
"""

import hashlib
import io
import logging
import os
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import AttachmentKind

MB = 1024 * 1024
MAX_IMAGE_PIXELS = 60_000_000  # larger than any phone camera; beyond it is a decompression bomb

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
        f"{settings.TIP_MAX_TOTAL_MB} MB."
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


def _clean_image(upload: UploadedFile, name: str) -> PreparedFile:
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise UploadError(f"Ảnh “{name}” quá lớn về kích thước điểm ảnh.")
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        fmt = image.format
        image.load()
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadError(f"Tệp “{name}” không phải là ảnh hợp lệ hoặc đã bị hỏng.") from None
    if fmt not in PIL_FORMATS:
        raise UploadError(f"Ảnh “{name}” có định dạng chưa hỗ trợ (hãy gửi JPEG, PNG hoặc WebP).")

    # Turn the pixels the way the camera meant, then drop the EXIF that said so (and everything else in it).
    image = ImageOps.exif_transpose(image)
    side = settings.TIP_IMAGE_MAX_SIDE
    if max(image.size) > side:
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    icc = image.info.get("icc_profile")
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "PNG":
        image.save(out, "PNG", optimize=True, **extra)
        content_type, ext = "image/png", ".png"
    else:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        if fmt == "WEBP":
            image.save(out, "WEBP", quality=88, **extra)
            content_type, ext = "image/webp", ".webp"
        else:
            image.save(out, "JPEG", quality=88, optimize=True, **extra)
            content_type, ext = "image/jpeg", ".jpg"
    data = out.getvalue()
    return PreparedFile(
        kind=AttachmentKind.IMAGE,
        content=ContentFile(data),
        content_type=content_type,
        extension=ext,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=name,
        width=image.width,
        height=image.height,
    )


@contextmanager
def _path_of(upload: UploadedFile, suffix: str):
    """A path to the upload's bytes: its temporary file if Django spooled it to disk, else a copy."""
    if isinstance(upload, TemporaryUploadedFile):
        upload.file.flush()
        yield upload.temporary_file_path()
        return
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        upload.seek(0)
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        yield copy.name


def _clean_media(upload: UploadedFile, name: str, ext: str, kind: str) -> UploadedFile:
    """The same video or sound in a new container without metadata (global, per stream, chapters) and without
    data tracks or a recording's cover picture; the streams are copied, not re-encoded. A file ffmpeg cannot
    read is refused."""
    ffmpeg = settings.FFMPEG_PATH
    if not ffmpeg:
        return upload  # stored as sent; `manage.py check` warns about it (doantu.tips.W001)
    out = TemporaryUploadedFile(f"clean{ext}", "application/octet-stream", 0, None)
    # fmt: off
    command = [
        ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y",
        "-i", "{source}",
        *(["-map", "0:v?"] if kind == AttachmentKind.VIDEO else []), "-map", "0:a?",
        "-map_metadata", "-1", "-map_chapters", "-1",
        "-c", "copy", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
        "-f", MUXERS[ext], out.temporary_file_path(),
    ]
    # fmt: on
    try:
        with _path_of(upload, ext) as source:
            command[command.index("{source}")] = source
            result = subprocess.run(command, capture_output=True, timeout=settings.MEDIA_CLEAN_TIMEOUT)
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


def prepare_upload(upload: UploadedFile) -> PreparedFile:
    """Check one file by its content and size; clean it if it is an image. Raises UploadError."""
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
    if kind == AttachmentKind.IMAGE:
        return _clean_image(upload, name)
    media = kind in (AttachmentKind.VIDEO, AttachmentKind.AUDIO)
    content = _clean_media(upload, name, ext, kind) if media else upload
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
    )


def prepare_uploads(uploads: list[UploadedFile]) -> tuple[list[PreparedFile], list[str]]:
    """Check every file; return the prepared ones and the messages for the refused ones (all of them, so the
    person can fix everything at once)."""
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
    prepared = []
    for upload in uploads:
        try:
            prepared.append(prepare_upload(upload))
        except UploadError as exc:
            errors.append(str(exc))
    return prepared, errors
