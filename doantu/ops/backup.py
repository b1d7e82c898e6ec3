"""Whole-system backup and restore: the database and the media store in one checksummed archive.

The archive is an uncompressed tar (photos and videos are compressed already):

    data/<app_label>.<model_name>.jsonl.gz   one JSON array per row: every concrete column, as stored
    media/<storage name>                     every file that a row of the snapshot refers to
    manifest.json (the last member)          versions, schema, tables, row counts, SHA-256 of every member

The dump is logical and database-agnostic (a SQLite backup restores into PostgreSQL and back): every model of
every app, every concrete field (``_meta.concrete_fields``, so a column added later is taken without a code
change), read with raw SQL in one read-only snapshot (PostgreSQL: REPEATABLE READ READ ONLY; SQLite: one
deferred read transaction, which in WAL mode does not hold writers up). The files to copy are the ones named by
the rows read in that snapshot: a file written after it is not taken, a file named but absent is reported.

Encrypted fields are dumped as the stored ciphertext. FIELD_ENCRYPTION_KEYS and SECRET_KEY are NOT in the
archive: keep them separately; a restore refuses to load encrypted values its keys cannot read.

A restore goes into an empty database only (never a merge): it checks every member's checksum before writing
anything, migrates an empty database to the archive's schema, inserts every row with its primary key in one
transaction (foreign keys are checked at commit), resets PostgreSQL's sequences, writes the files through the
storage API (S3 too), and then applies the migrations the code has beyond the archive's.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
import tomllib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps as global_apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20
BATCH = 1000

# Tables not taken, with the reason (also written into every manifest).
EXCLUDED = {
    "sessions.session": (
        "phiên đăng nhập đang mở: hệ thống khôi phục bắt mọi người đăng nhập lại (và phiên sao chép "
        "không thể bị dùng lại ở nơi khác)"
    ),
    "axes.accessattempt": "bộ đếm khóa tạm thời do đoán mật khẩu: chỉ có nghĩa trong thời gian chờ",
}
# Rows that `manage.py migrate` writes by itself; a database holding only these counts as empty, and they are
# replaced by the archive's own rows (same keys as the foreign keys that point at them).
DERIVED = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message is for the operator (Vietnamese)."""


# ---------------------------------------------------------------------------------------------- values


def _stored_as_is(field: models.Field) -> bool:
    """A field of ours (or a third party's) that changes values between the database and Python, such as the
    encrypted fields: copied exactly as stored, so ciphertext stays ciphertext. Django's own conversions
    (JSON, dates, booleans) are applied, so the archive is the same whatever the database."""
    return hasattr(field, "from_db_value") and not type(field).__module__.startswith("django.")


def _encode(value):
    if value is None or isinstance(value, (bool, int, float, str, dict, list)):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"cannot store a {type(value).__name__} in a backup")


def _dumped_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def _reader(field: models.Field, table: str, connection) -> Callable:
    """Raw column value → JSON value: the backend's converters (booleans, dates, decimals), then the field's own
    (JSON), except for fields stored as is."""
    col = field.get_col(table)
    steps = list(connection.ops.get_db_converters(col))
    if not _stored_as_is(field):
        steps += field.get_db_converters(connection)
    if field.get_internal_type() == "JSONField":
        return lambda value: None if value is None else _apply(steps, value, col, connection)
    return lambda value: None if value is None else _encode(_apply(steps, value, col, connection))


def _apply(steps, value, col, connection):
    for step in steps:
        value = step(value, col, connection)
    return value


def _writer(field: models.Field, connection) -> Callable:
    """JSON value → a parameter for an INSERT on this database."""
    if _stored_as_is(field):
        if field.get_internal_type() == "BinaryField":
            return lambda value: None if value is None else base64.b64decode(value)
        return lambda value: value
    if field.get_internal_type() == "JSONField":
        return lambda value: field.get_db_prep_save(value, connection)
    return lambda value: None if value is None else field.get_db_prep_save(field.to_python(value), connection)


def _file_names(model) -> list[str]:
    """Attnames of the columns that name a file in the storage: file fields, and the copies of file fields
    that django-simple-history keeps as text in its historical tables."""
    names = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    original = getattr(model, "instance_type", None)
    if original is not None:
        for f in original._meta.concrete_fields:
            if isinstance(f, models.FileField) and f.attname not in names:
                names.append(f.attname)
    return names


# ---------------------------------------------------------------------------------------------- models


def dumped_models(app_registry=global_apps) -> list:
    found = []
    for model in app_registry.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped or meta.label_lower in EXCLUDED:
            continue
        found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


def load_order(models_: list) -> list:
    """Models with the ones they point at first (cycles and self-references are fine: foreign keys are
    checked when the transaction commits, on SQLite and PostgreSQL alike)."""
    by_label = {m._meta.label_lower: m for m in models_}
    done: list = []
    seen: set[str] = set()

    def visit(model, stack: set[str]) -> None:
        label = model._meta.label_lower
        if label in seen or label in stack:
            return
        stack.add(label)
        for f in model._meta.concrete_fields:
            target = f.remote_field.model if f.remote_field else None
            if target is not None and not isinstance(target, str):
                target_label = target._meta.label_lower
                if target_label != label and target_label in by_label:
                    visit(by_label[target_label], stack)
        stack.discard(label)
        seen.add(label)
        done.append(model)

    for model in models_:
        visit(model, set())
    return done


def _pk_columns(model) -> list[str]:
    pk_fields = getattr(model._meta, "pk_fields", None) or [model._meta.pk]
    return [f.column for f in pk_fields]


def _app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as fh:
            return tomllib.load(fh)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _schema(connection) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _latest_per_app(graph, applied: dict[str, list[str]]) -> dict[str, str]:
    """The applied migration of each app that no other applied migration of that app comes after."""
    latest = {}
    for app_label, names in applied.items():
        nodes = {(app_label, n) for n in names}
        ancestors: set = set()
        for node in nodes:
            if node in graph.nodes:
                ancestors.update(a for a in graph.forwards_plan(node) if a != node)
        tips = sorted(n for n in nodes - ancestors)
        latest[app_label] = tips[-1][1] if tips else names[-1]
    return latest


# ---------------------------------------------------------------------------------------------- backup


@dataclass
class BackupReport:
    path: Path
    rows: dict[str, int]
    files: int
    file_bytes: int
    missing_files: list[str]
    seconds: float
    size: int


class _HashingReader:
    """A file's stream that hashes what is read from it (tarfile reads it once, in chunks)."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size=-1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


@contextmanager
def _snapshot(connection):
    """A transaction that sees one consistent state of the whole database and writes nothing."""
    if connection.in_atomic_block:
        raise BackupError("Sao lưu phải chạy ngoài mọi giao dịch (cần một ảnh chụp nhất quán của riêng nó).")
    if connection.vendor == "postgresql":
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # The settings start write transactions IMMEDIATE (they take the write lock at once); a backup
        # only reads, so it opens a deferred one: its first read fixes the snapshot, writers go on (WAL).
        connection.ensure_connection()
        saved = connection.transaction_mode
        connection.transaction_mode = None
        try:
            with transaction.atomic(using=connection.alias):
                yield
        finally:
            connection.transaction_mode = saved
    else:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")


def backup_create(*, out: Path, using: str = "default", log: Callable[[str], None] = lambda _: None):
    """Write the archive to ``out`` (through ``out.partial``, renamed only when complete)."""
    started = time.monotonic()
    connection = connections[using]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    members: dict[str, dict] = {}
    tables: list[dict] = []
    rows: dict[str, int] = {}
    files: set[str] = set()  # names in the default storage (every file field uses it)
    storage = storages["default"]

    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: owner only
    with (
        os.fdopen(fd, "wb") as raw_out,
        tarfile.open(fileobj=raw_out, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        with tempfile.TemporaryDirectory(prefix="doantu-backup-") as scratch, _snapshot(connection):
            executor = MigrationExecutor(connection)
            loader_graph = executor.loader.graph
            applied = _schema(connection)
            unapplied = executor.migration_plan(loader_graph.leaf_nodes())
            if unapplied:
                raise BackupError(
                    "Cơ sở dữ liệu còn migration chưa áp dụng "
                    f"({', '.join(f'{m.app_label}.{m.name}' for m, _ in unapplied[:5])}): chạy migrate trước."
                )
            for model in dumped_models():
                info = _dump_table(model, connection, Path(scratch), tar, members, files)
                tables.append(info)
                rows[info["model"]] = info["rows"]
                log(f"  {info['model']}: {info['rows']} dòng")
            created_at = timezone.now()
        missing = []
        file_bytes = 0
        for name in sorted(files):
            try:
                size = storage.size(name)
                handle = storage.open(name, "rb")
            except (FileNotFoundError, OSError):
                missing.append(name)
                continue
            with handle:
                member = f"media/{name}"
                info = tarfile.TarInfo(member)
                info.size = size
                info.mtime = int(time.time())
                info.mode = 0o600
                reader = _HashingReader(handle)
                tar.addfile(info, reader)
                members[member] = {"sha256": reader.sha256.hexdigest(), "size": size}
                file_bytes += size
        if missing:
            log(f"  THIẾU {len(missing)} tệp mà dữ liệu có nhắc tới: {', '.join(missing[:10])}")
        manifest = {
            "format": ARCHIVE_FORMAT,
            "created_at": created_at.isoformat(),
            "app": {"name": "doantu", "version": _app_version(), "django": django.get_version()},
            "database": {"vendor": connection.vendor},
            "schema": {"applied": applied, "latest": _latest_per_app(loader_graph, applied)},
            "tables": tables,
            "excluded": EXCLUDED,
            "members": members,
            "missing_files": missing,
            "keys": (
                "Encrypted fields hold the ciphertext as stored. FIELD_ENCRYPTION_KEYS and SECRET_KEY are not in "
                "this archive: the restored system needs the same ones (keep them apart from the backups)."
            ),
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(time.time())
        info.mode = 0o600
        tar.addfile(info, io.BytesIO(data))
    os.replace(partial, out)
    return BackupReport(
        path=out,
        rows=rows,
        files=len(members) - len(tables),
        file_bytes=file_bytes,
        missing_files=missing,
        seconds=time.monotonic() - started,
        size=out.stat().st_size,
    )


def _dump_table(model, connection, scratch: Path, tar, members: dict, files: set) -> dict:
    meta = model._meta
    fields = _dumped_fields(model)
    readers = [_reader(f, meta.db_table, connection) for f in fields]
    file_columns = [i for i, f in enumerate(fields) if f.attname in _file_names(model)]
    qn = connection.ops.quote_name
    sql = "SELECT {} FROM {} ORDER BY {}".format(
        ", ".join(qn(f.column) for f in fields),
        qn(meta.db_table),
        ", ".join(qn(c) for c in _pk_columns(model)),
    )
    member = f"data/{meta.label_lower}.jsonl.gz"
    path = scratch / (meta.label_lower + ".jsonl.gz")
    count = 0
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz:
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(sql)
            while batch := cursor.fetchmany(2000):
                lines = []
                for row in batch:
                    values = [read(value) for read, value in zip(readers, row, strict=True)]
                    for i in file_columns:
                        if values[i]:
                            files.add(values[i])
                    lines.append(json.dumps(values, ensure_ascii=False, separators=(",", ":")))
                gz.write(("\n".join(lines) + "\n").encode())
                count += len(batch)
        finally:
            cursor.close()
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    info = tar.gettarinfo(str(path), arcname=member)
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    with open(path, "rb") as fh:
        tar.addfile(info, fh)
    path.unlink()
    members[member] = {"sha256": digest.hexdigest(), "size": info.size}
    return {
        "model": meta.label_lower,
        "table": meta.db_table,
        "fields": [{"name": f.attname, "column": f.column, "type": f.get_internal_type()} for f in fields],
        "rows": count,
        "member": member,
    }


# ---------------------------------------------------------------------------------------------- restore


@dataclass
class RestoreReport:
    rows: dict[str, int]
    files: int
    files_present: int
    missing_files: list[str]
    migrated_to_archive: int
    migrated_after: int
    seconds: float
    notes: list[str] = field(default_factory=list)


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError("Tệp không phải bản sao lưu của Đoàn Tụ (không có manifest.json).") from None
    manifest = json.loads(tar.extractfile(member).read())
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"Định dạng bản sao lưu {manifest.get('format')!r} không được hỗ trợ.")
    return manifest


def _member_stream(tar: tarfile.TarFile, name: str):
    member = tar.getmember(name)
    if not member.isfile():
        raise BackupError(f"Thành phần {name} trong bản sao lưu không phải một tệp.")
    return member, tar.extractfile(member)


def verify_archive(tar: tarfile.TarFile, manifest: dict) -> None:
    """Every member is listed, present, a plain file of the right size and SHA-256; nothing else is there."""
    listed = manifest["members"]
    present = {m.name for m in tar.getmembers()} - {MANIFEST}
    if extra := sorted(present - set(listed)):
        raise BackupError(f"Bản sao lưu có thành phần không có trong manifest: {', '.join(extra[:5])}")
    if absent := sorted(set(listed) - present):
        raise BackupError(f"Bản sao lưu thiếu {len(absent)} thành phần: {', '.join(absent[:5])}")
    for name, expected in listed.items():
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts:
            raise BackupError(f"Tên không hợp lệ trong bản sao lưu: {name}")
        member, stream = _member_stream(tar, name)
        digest = hashlib.sha256()
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
        if member.size != expected["size"] or digest.hexdigest() != expected["sha256"]:
            raise BackupError(f"Sai mã kiểm tra (SHA-256) ở {name}: bản sao lưu bị hỏng hoặc bị sửa.")


def _rows(tar: tarfile.TarFile, member: str) -> Iterator[list]:
    _, stream = _member_stream(tar, member)
    with gzip.GzipFile(fileobj=stream) as gz:
        for line in io.TextIOWrapper(gz, encoding="utf-8"):
            if line.strip():
                yield json.loads(line)


def _targets(graph, manifest: dict) -> list[tuple[str, str]]:
    applied = manifest["schema"]["applied"]
    unknown = sorted(
        f"{app}.{name}" for app, names in applied.items() for name in names if (app, name) not in graph.nodes
    )
    if unknown:
        raise BackupError(
            "Bản sao lưu có lược đồ mới hơn mã nguồn đang chạy (migration chưa có ở đây: "
            f"{', '.join(unknown[:5])}). Hãy cài đúng phiên bản {manifest['app']['version']} trở lên rồi khôi phục."
        )
    return sorted(manifest["schema"]["latest"].items())


def _count_rows(connection, model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)}")
        return cursor.fetchone()[0]


def backup_restore(*, archive: Path, using: str = "default", log: Callable[[str], None] = lambda _: None):
    started = time.monotonic()
    connection = connections[using]
    notes: list[str] = []
    try:
        tar = tarfile.open(archive, mode="r:")  # noqa: SIM115 (closed by the with below)
    except tarfile.TarError:
        raise BackupError(f"{archive} không phải một bản sao lưu (tệp tar) đọc được.") from None
    with tar:
        manifest = read_manifest(tar)
        log("Kiểm tra mã SHA-256 của mọi thành phần…")
        verify_archive(tar, manifest)

        executor = MigrationExecutor(connection)
        graph = executor.loader.graph
        targets = _targets(graph, manifest)
        archived = {(app, name) for app, names in manifest["schema"]["applied"].items() for name in names}
        applied_here = set(executor.recorder.applied_migrations())
        if extra := sorted(applied_here - archived):
            raise BackupError(
                "Cơ sở dữ liệu đích đã có lược đồ khác bản sao lưu (đã áp dụng "
                f"{', '.join(f'{a}.{n}' for a, n in extra[:5])}). Hãy khôi phục vào một cơ sở dữ liệu mới, trống."
            )
        state_apps = executor.loader.project_state(targets, at_end=True).apps
        tables = [(t, state_apps.get_model(*t["model"].split("."))) for t in manifest["tables"]]
        _check_keys(tar, tables, connection)
        _refuse_non_empty(
            connection, [m for _, m in tables if m._meta.db_table in _existing_tables(connection)]
        )
        files = _media_plan(tar, manifest)
        if connection.in_atomic_block:
            raise BackupError("Khôi phục phải chạy ngoài mọi giao dịch.")

        plan = executor.migration_plan(targets)
        if plan:
            log(f"Tạo lược đồ của bản sao lưu ({len(plan)} migration)…")
            executor.migrate(targets, plan=plan)
        state_apps = MigrationExecutor(connection).loader.project_state(targets, at_end=True).apps
        tables = [(t, state_apps.get_model(*t["model"].split("."))) for t in manifest["tables"]]
        _refuse_non_empty(connection, [m for _, m in tables], allow_derived=True)

        rows: dict[str, int] = {}
        written: list[tuple[object, str]] = []
        try:
            with transaction.atomic(using=using):
                for (
                    label
                ) in DERIVED:  # written by a `migrate` run before the restore; the archive has its own
                    model = next((m for t, m in tables if t["model"] == label), None)
                    if model is not None:
                        with connection.cursor() as cursor:
                            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
                by_label = {t["model"]: t for t, _ in tables}
                for model in load_order([m for _, m in tables]):
                    info = by_label[model._meta.label_lower]
                    rows[info["model"]] = _load_table(tar, info, model, connection)
                    log(f"  {info['model']}: {rows[info['model']]} dòng")
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        for sql in connection.ops.sequence_reset_sql(no_style(), [m for _, m in tables]):
                            cursor.execute(sql)
                present = _write_media(tar, files, written)
        except BaseException:
            for storage, name in written:
                storage.delete(name)
            raise
    after = MigrationExecutor(connection)
    remaining = after.migration_plan(after.loader.graph.leaf_nodes())
    if remaining:
        log(f"Áp dụng {len(remaining)} migration mới hơn bản sao lưu…")
        from django.core.management import call_command

        call_command("migrate", database=using, interactive=False, verbosity=0)
    if manifest["missing_files"]:
        notes.append(f"{len(manifest['missing_files'])} tệp đã thiếu ngay khi sao lưu (xem manifest.json).")
    return RestoreReport(
        rows=rows,
        files=len(files),
        files_present=present,
        missing_files=manifest["missing_files"],
        migrated_to_archive=len(plan),
        migrated_after=len(remaining),
        seconds=time.monotonic() - started,
        notes=notes,
    )


def _existing_tables(connection) -> set[str]:
    return set(connection.introspection.table_names())


def _refuse_non_empty(connection, models_: list, allow_derived: bool = True) -> None:
    holding = [
        f"{m._meta.db_table} ({n})"
        for m in models_
        if (n := _count_rows(connection, m)) and not (allow_derived and m._meta.label_lower in DERIVED)
    ]
    if holding:
        raise BackupError(
            "Cơ sở dữ liệu đích đã có dữ liệu: "
            + ", ".join(holding[:8])
            + ". Khôi phục chỉ ghi vào một cơ sở "
            "dữ liệu trống (không bao giờ trộn). Hãy tạo cơ sở dữ liệu mới (PostgreSQL: createdb; SQLite: một "
            "tệp mới qua DATABASE_URL) rồi chạy lại."
        )


def _media_plan(tar, manifest: dict) -> list[tuple[str, object]]:
    """(storage name, storage) of every file in the archive; refuses a name the storage holds with other
    content (the same content is fine: a restore run again after a failure). Every file field of the
    system uses the default storage (local files or S3)."""
    storage = storages["default"]
    plan = []
    conflicts = []
    for member, expected in manifest["members"].items():
        if not member.startswith("media/"):
            continue
        name = member.removeprefix("media/")
        if storage.exists(name):
            with storage.open(name, "rb") as fh:
                if hashlib.file_digest(fh, "sha256").hexdigest() != expected["sha256"]:
                    conflicts.append(name)
        plan.append((name, storage))
    if conflicts:
        raise BackupError(
            f"Kho tệp đích đã có {len(conflicts)} tệp cùng tên nhưng khác nội dung (ví dụ {conflicts[0]}): "
            "hãy khôi phục vào một kho tệp trống."
        )
    return plan


def _check_keys(tar, tables, connection) -> None:
    """Every encrypted value must be readable with this system's keys, or the restored system is useless."""
    for info, model in tables:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        positions = [
            (i, fields[f["name"]])
            for i, f in enumerate(info["fields"])
            if f["name"] in fields and _stored_as_is(fields[f["name"]])
        ]
        if not positions or not info["rows"]:
            continue
        for row in _rows(tar, info["member"]):
            for i, f in positions:
                if row[i]:
                    try:
                        f.from_db_value(row[i], None, connection)
                    except ValueError:
                        raise BackupError(
                            f"Không đọc được dữ liệu mã hóa ({info['model']}.{f.name}) bằng khóa hiện có: đặt đúng "
                            "FIELD_ENCRYPTION_KEYS (và SECRET_KEY) của hệ thống đã sao lưu rồi chạy lại. "
                            "Khóa không nằm trong bản sao lưu."
                        ) from None


def _load_table(tar, info: dict, model, connection) -> int:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = [f["name"] for f in info["fields"]]
    if missing := [n for n in names if n not in fields]:
        raise BackupError(f"Bảng {info['model']} của bản sao lưu có cột không có trong lược đồ: {missing}")
    columns = [fields[n] for n in names]
    writers = [_writer(f, connection) for f in columns]
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table), ", ".join(qn(f.column) for f in columns), ", ".join(["%s"] * len(columns))
    )
    count = 0
    batch = []
    with connection.cursor() as cursor:
        for row in _rows(tar, info["member"]):
            batch.append([write(v) for write, v in zip(writers, row, strict=True)])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    if count != info["rows"]:
        raise BackupError(f"Bảng {info['model']}: đọc được {count} dòng, manifest ghi {info['rows']}.")
    return count


def _write_media(tar, files, written: list) -> int:
    present = 0
    for name, storage in files:
        member, stream = _member_stream(tar, f"media/{name}")
        if storage.exists(name):  # same content, checked before anything was written
            present += 1
            continue
        saved = storage.save(name, File(stream, name=name))
        written.append((storage, saved))
        if saved != name:
            raise BackupError(f"Kho tệp lưu {name} dưới tên khác ({saved}).")
    return present
