"""Files a crash leaves behind, and expired cache rows, removed by a periodic task.

A tip and its files are written in one transaction, but a file reaches the media store before the rows commit:
a worker killed (kill -9, out of memory) between the two leaves a file no row names. Django's upload
temporary files (``FILE_UPLOAD_TEMP_DIR``) are removed when a request ends, except when the process dies.
Both are removed here once older than ``ORPHAN_MIN_AGE_HOURS`` (a request still being written is never
that old). A file named by any row of any model's FileField (tips' attachments, registry documents, import
files, and their history tables) is never touched, whatever its age.
"""

import datetime as dt
import logging
import os
import posixpath
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    media_removed: int = 0
    temp_removed: int = 0
    cache_rows_removed: int = 0
    media_kept_young: int = 0
    held_removed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"Đã xóa {self.media_removed} tệp mồ côi trong kho tệp, {self.temp_removed} tệp tạm, "
            f"{self.cache_rows_removed} mục bộ nhớ đệm hết hạn "
            f"({self.media_kept_young} tệp chưa có bản ghi nhưng còn mới, chưa xóa), "
            f"{self.held_removed} tệp giữ lại cho lần gửi lại đã hết hạn."
        )


def file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def upload_folders() -> list[str]:
    """Where FileFields store their files: the first folder of each one's upload_to, read from the models, so a new
    app's files are swept without anyone remembering to list them."""
    folders = set()
    for model, name in file_fields():
        upload_to = model._meta.get_field(name).upload_to
        path = upload_to if isinstance(upload_to, str) else upload_to(None, "x.bin")
        folders.add(path.strip("/").split("/")[0])
    return sorted(folders)


def referenced_files() -> set[str]:
    names: set[str] = set()
    for model, field in file_fields():
        names.update(
            name
            for name in model._base_manager.exclude(**{field: ""}).values_list(field, flat=True).iterator()
            if name
        )
    return names


def _walk(storage, folder: str):
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield posixpath.join(folder, name)
    for name in dirs:
        yield from _walk(storage, posixpath.join(folder, name))


def sweep_orphans(*, min_age_hours: float | None = None, dry_run: bool = False) -> SweepResult:
    age = dt.timedelta(hours=settings.ORPHAN_MIN_AGE_HOURS if min_age_hours is None else min_age_hours)
    cutoff = timezone.now() - age
    result = SweepResult()
    storage = default_storage
    # Listed before the rows are read: a file written after this listing is not looked at, and a row
    # committed before the read below protects its file.
    candidates = [name for folder in upload_folders() for name in _walk(storage, folder)]
    referenced = referenced_files()
    for name in candidates:
        if name in referenced:
            continue
        try:
            modified = storage.get_modified_time(name)
        except FileNotFoundError:
            continue
        if modified > cutoff:
            result.media_kept_young += 1
            continue
        if not dry_run:
            storage.delete(name)
        log.info("orphan file removed from the media store: %s", name)
        result.media_removed += 1

    # Files kept for a retry of the public form (tips.held): their token expires after HELD_FILES_MAX_AGE_HOURS,
    # so older ones can never be used again, whatever ORPHAN_MIN_AGE_HOURS says.
    held_cutoff = timezone.now() - dt.timedelta(hours=settings.HELD_FILES_MAX_AGE_HOURS)
    for name in list(_walk(storage, "held")):
        try:
            if storage.get_modified_time(name) > held_cutoff:
                continue
        except FileNotFoundError:
            continue
        if not dry_run:
            storage.delete(name)
        result.held_removed += 1

    temp_dir = Path(settings.FILE_UPLOAD_TEMP_DIR)
    if temp_dir.is_dir():
        oldest = time.time() - age.total_seconds()
        for entry in os.scandir(temp_dir):
            try:
                if entry.stat(follow_symlinks=False).st_mtime >= oldest:
                    continue
                if entry.is_file(follow_symlinks=False):
                    if not dry_run:
                        os.unlink(entry.path)
                    result.temp_removed += 1
                elif entry.is_dir(follow_symlinks=False):  # an upload check's working folder
                    if not dry_run:
                        shutil.rmtree(entry.path, ignore_errors=True)
                    result.temp_removed += 1
            except FileNotFoundError:  # removed by its own request meanwhile
                continue

    cache = caches["default"]
    if hasattr(cache, "delete_expired") and not dry_run:
        result.cache_rows_removed = cache.delete_expired()
    return result
