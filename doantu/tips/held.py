"""Files kept for a retry when the public form is sent back with an error (without JavaScript).

A person who chose a 2 MB photo on a slow phone must not choose and upload it again because a consent box was
left empty. When a submission fails validation, the files that passed the checks (already cleaned by
``prepare_uploads``) are written to the media store under ``held/<random>/`` and the re-rendered form carries a
signed token (``django.core.signing``) that lists them: path, name, kind, size, SHA-256. The token is bound to
the form's submission key (a token only counts with the form it was given to) and expires after
``HELD_FILES_MAX_AGE_HOURS``. Files are read back only through a valid token, only from ``held/``, and only if
their SHA-256 still matches; there is no URL that serves them. The sweep (``tips.sweep``) removes held files
older than the token's lifetime; a successful submission removes its own at once.
"""

import posixpath
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .uploads import PreparedFile, _sha256

HELD_FOLDER = "held"
SALT = "doantu.tips.held-files"
EXPIRED_MESSAGE = (
    "Các tệp đã gửi lần trước không còn được giữ (quá thời gian hoặc trang đã cũ). Hãy chọn lại tệp nếu cần."
)


class HeldFilesInvalid(ValueError):
    """The token is tampered with, expired, or belongs to another form."""


@dataclass
class HeldFile:
    path: str
    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str
    width: int | None = None
    height: int | None = None

    def as_dict(self) -> dict:
        return vars(self).copy()


def max_age_seconds() -> int:
    return int(settings.HELD_FILES_MAX_AGE_HOURS * 3600)


def hold(prepared: list[PreparedFile]) -> list[HeldFile]:
    """Write cleaned files to the holding area; returns what the token will list."""
    if not prepared:
        return []
    folder = posixpath.join(HELD_FOLDER, secrets.token_urlsafe(18))
    held = []
    for index, p in enumerate(prepared):
        p.content.seek(0)
        path = default_storage.save(posixpath.join(folder, f"{index}{p.extension}"), p.content)
        p.content.seek(0)
        held.append(
            HeldFile(
                path=path,
                kind=p.kind,
                content_type=p.content_type,
                extension=p.extension,
                size=p.size,
                sha256=p.sha256,
                original_name=p.original_name,
                width=p.width,
                height=p.height,
            )
        )
    return held


def make_token(*, submission_key: str, held: list[HeldFile]) -> str:
    if not held:
        return ""
    return signing.dumps({"k": submission_key, "f": [h.as_dict() for h in held]}, salt=SALT, compress=True)


def read_token(token: str, *, submission_key: str) -> list[HeldFile]:
    """The files a token lists; raises HeldFilesInvalid if it was altered, is too old or is another form's."""
    if not token:
        return []
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age_seconds())
    except signing.BadSignature as exc:  # SignatureExpired is a BadSignature
        raise HeldFilesInvalid(EXPIRED_MESSAGE) from exc
    if not isinstance(data, dict) or data.get("k") != submission_key or not submission_key:
        raise HeldFilesInvalid(EXPIRED_MESSAGE)
    held = []
    for item in data.get("f") or []:
        h = HeldFile(**item)
        parts = h.path.split("/")
        if parts[0] != HELD_FOLDER or ".." in parts or len(parts) != 3:
            raise HeldFilesInvalid(EXPIRED_MESSAGE)
        held.append(h)
    return held


def load(held: list[HeldFile]) -> list[PreparedFile]:
    """The held files as prepared files for ``tip_submit``; raises HeldFilesInvalid if one is gone or changed."""
    prepared = []
    for h in held:
        try:
            with default_storage.open(h.path, "rb") as f:
                content = ContentFile(f.read())
        except FileNotFoundError as exc:
            raise HeldFilesInvalid(EXPIRED_MESSAGE) from exc
        if _sha256(content.chunks()) != h.sha256:
            raise HeldFilesInvalid(EXPIRED_MESSAGE)
        content.seek(0)
        prepared.append(
            PreparedFile(
                kind=h.kind,
                content=content,
                content_type=h.content_type,
                extension=h.extension,
                size=content.size,
                sha256=h.sha256,
                original_name=h.original_name,
                width=h.width,
                height=h.height,
            )
        )
    return prepared


def release(held: list[HeldFile]) -> None:
    """Remove held files (after they were attached to a tip, or removed by the person)."""
    for h in held:
        default_storage.delete(h.path)
