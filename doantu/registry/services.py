"""Every write to the registry: imports, edits, merges, tip links. Each keeps the linkage index current in the
same transaction and writes the audit trail; martyrs and graves also keep their version history."""

import copy
import dataclasses
import logging
import operator
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from doantu import indicators
from doantu.audit import labels
from doantu.audit.services import audit_record, diff
from doantu.linkage.engine import Candidate
from doantu.linkage.people import interleave, split_people
from doantu.linkage.records import Record
from doantu.tips import access as tip_access
from doantu.tips.models import Tip, TipKind, TipMartyr
from doantu.tips.uploads import UploadError, prepare_upload

from . import access, import_reader
from .imports import (
    ENCODINGS,
    FIELDS,
    KINDS,
    SYSTEM_ID_LABEL,
    ImportFileError,
    ParsedRow,
    content_hash,
    detect_encoding,
    headers_look_garbled,
    is_spreadsheet,
    martyr_values,
    read_table,
)
from .matching import (
    bulk_key_load,
    ensure_key_index,
    grave_count,
    grave_record,
    index_graves,
    index_martyrs,
    insert_rows,
    martyr_record,
    new_terms,
    registry_version,
    search_graves_each,
    search_martyrs,
    search_martyrs_each,
    write_new_terms,
)
from .models import (
    Document,
    DuplicatePair,
    DuplicateStatus,
    Grave,
    ImportBatch,
    ImportKind,
    ImportStatus,
    LinkDecision,
    Martyr,
    RegistryList,
    Relative,
    TipLink,
    Witness,
)

logger = logging.getLogger(__name__)

CHUNK = 5000  # rows per transaction: large enough that per-chunk queries do not dominate, small enough that
# the progress bar moves every few seconds and a crash loses little (each chunk commits)
MAX_REPORTED_ERRORS = 500
ACTION_LABELS = {
    "martyr_created": "Thêm hồ sơ liệt sĩ",
    "martyr_edited": "Sửa hồ sơ liệt sĩ",
    "martyr_merged": "Gộp hồ sơ trùng",
    "duplicate_rejected": "Xác nhận không trùng",
    "import_applied": "Nhập danh sách",
    "link_confirmed": "Xác nhận liên quan hồ sơ liệt sĩ / mộ",
    "link_rejected": "Loại hồ sơ / mộ đề xuất",
    "grave_created": "Thêm mộ",
    "grave_identified": "Xác định mộ của liệt sĩ",
    "grave_unidentified": "Bỏ xác định mộ",
    "relative_added": "Thêm thân nhân",
    "witness_added": "Thêm nhân chứng",
    "document_added": "Thêm kỷ vật, tài liệu",
    "relative_viewed": "Xem thông tin cá nhân của thân nhân",
    "witness_viewed": "Xem thông tin cá nhân của nhân chứng",
}

labels.register(
    "registry",
    actions=ACTION_LABELS,
    fields={
        "decision": ("Quyết định", dict(LinkDecision.choices)),
        "martyr": ("Hồ sơ liệt sĩ", {}),
        "grave": ("Mộ", {}),
        "named": ("Liệt sĩ được nêu trong thông tin", {}),
        "is_veteran": ("Cựu chiến binh", {True: "Có", False: "Không"}),
        "merged_into": ("Gộp vào", {}),
        "distinct_from": ("Khác người với", {}),
        "created": ("Thêm mới", {}),
        "updated": ("Cập nhật", {}),
        "errors": ("Dòng lỗi", {}),
        **{name: (label, {}) for name, label in FIELDS.items()},
    },
)


class RegistryError(Exception):
    """A refused request, with a Vietnamese message for the user."""


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")


# ------------------------------------------------------------------------------------------ records

EDITABLE = [f for f in FIELDS if f != "external_id"]


def martyr_create(*, actor, values: dict[str, Any], source_list: RegistryList | None = None) -> Martyr:
    access.require_edit(actor, source_list)
    with transaction.atomic():
        martyr = Martyr(owner=access.owner_for(actor), source_list=source_list, **martyr_values(values))
        martyr._history_user = actor
        martyr.save()
        index_martyrs([martyr])
        audit_record(actor=actor, action="martyr_created", obj=martyr, message=martyr.full_name)
        return martyr


def martyr_update(*, martyr: Martyr, actor, values: dict[str, Any]) -> Martyr:
    access.require_edit(actor, martyr)
    with transaction.atomic():
        martyr = Martyr.objects.select_for_update().get(pk=martyr.pk)
        old = martyr_record(martyr)
        new = martyr_values({**{f: getattr(martyr, f) for f in FIELDS}, **values})
        # the home place's codes are for the engine, not for staff: they are written, never listed as a change
        changes = diff(
            {k: getattr(martyr, k) for k in new}, {k: v for k, v in new.items() if k != "home_codes"}
        )
        if not changes:
            return martyr
        for k, v in new.items():
            setattr(martyr, k, v)
        martyr._history_user = actor
        martyr.save()
        index_martyrs([martyr], old=[old])
        audit_record(actor=actor, action="martyr_edited", obj=martyr, changes=changes)
        return martyr


# ------------------------------------------------------------------------------------------ imports


def import_upload(
    *,
    actor,
    upload,
    list_name: str,
    issuer: str = "",
    kind: str = ImportKind.MARTYRS,
    cemetery: str = "",
) -> ImportBatch:
    """Store an uploaded list and guess its columns. ``cemetery``: for a grave list whose rows do not name
    their cemetery (a list of one cemetery's graves usually does not)."""
    _require(access.can_edit_registry(actor))
    if kind not in KINDS:
        raise RegistryError("Loại danh sách không hợp lệ.")
    owner = access.owner_for(actor)
    name = (list_name or "").strip()
    if not name:
        raise RegistryError("Hãy đặt tên cho danh sách (để lần nhập sau cập nhật đúng danh sách này).")
    with transaction.atomic():
        source_list, _ = RegistryList.objects.get_or_create(
            owner=owner, name=name, defaults={"issuer": issuer}
        )
        batch = ImportBatch(
            owner=owner,
            source_list=source_list,
            kind=kind,
            defaults={"cemetery": cemetery.strip()} if kind == ImportKind.GRAVES and cemetery.strip() else {},
            original_name=upload.name[:200],
            created_by=actor,
        )
        extension = upload.name.rsplit(".", 1)[-1].lower()[:5] if "." in upload.name else "csv"
        batch.file.save(f"list.{extension}", upload, save=False)
        try:
            _read_headers(batch)
        except ImportFileError as exc:
            batch.file.delete(save=False)
            raise RegistryError(str(exc)) from None
        batch.save()
        return batch


def _read_headers(batch: ImportBatch) -> None:
    """The file's headers (in ``batch.encoding``; detected when empty), the guessed columns and what to tell the
    user when the headers look wrong."""
    spec = KINDS[batch.kind]
    with local_copy(batch.file) as path:
        if not is_spreadsheet(path) and not batch.encoding:
            batch.encoding = detect_encoding(path)
        headers, rows = read_table(path, batch.original_name, batch.encoding)
        rows.close()
    batch.headers = headers
    batch.mapping = spec.guess_columns(headers)
    batch.message = ""
    if batch.encoding and headers_look_garbled(headers):
        batch.message = (
            f"Tiêu đề có vẻ bị lỗi chữ khi đọc theo bảng mã {ENCODINGS.get(batch.encoding, batch.encoding)}: "
            "hãy chọn bảng mã khác bên dưới."
        )
    elif not _has_required(batch, batch.mapping):
        batch.message = f"Chưa nhận ra cột “{spec.fields[spec.required]}”: hãy chọn cột tương ứng."


def import_set_encoding(*, batch: ImportBatch, actor, encoding: str) -> ImportBatch:
    """Read a CSV file again in the encoding the user chose (the detected one gave garbled headers)."""
    access.require_edit(actor, batch)
    if encoding not in ENCODINGS:
        raise RegistryError("Bảng mã không hợp lệ.")
    if batch.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED):
        raise RegistryError("Danh sách đang được xử lý; đợi xong rồi hãy đổi bảng mã.")
    with transaction.atomic():
        batch.encoding = encoding
        try:
            _read_headers(batch)
        except (ImportFileError, UnicodeError) as exc:
            raise RegistryError(str(exc)) from None
        batch.status = ImportStatus.UPLOADED
        batch.save(update_fields=["encoding", "headers", "mapping", "message", "status"])
    return batch


def _has_required(batch: ImportBatch, mapping: dict[str, int]) -> bool:
    required = KINDS[batch.kind].required
    return required in mapping or bool(batch.defaults.get(required))


def import_set_mapping(*, batch: ImportBatch, actor, mapping: dict[str, int]) -> ImportBatch:
    access.require_edit(actor, batch)
    if not _has_required(batch, mapping):
        spec = KINDS[batch.kind]
        raise RegistryError(f"Cần chọn cột “{spec.fields[spec.required]}”.")
    if len(set(mapping.values())) != len(mapping):
        raise RegistryError("Mỗi cột chỉ gắn với một trường.")
    batch.mapping = mapping
    batch.status = ImportStatus.UPLOADED
    batch.save(update_fields=["mapping", "status"])
    return batch


@contextmanager
def local_copy(fieldfile):
    """A local path for a stored file (the file itself on disk storage; a temporary copy from S3)."""
    try:
        yield fieldfile.path
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile(suffix="-" + fieldfile.name.rsplit("/", 1)[-1]) as tmp:
        with fieldfile.open("rb") as src:
            shutil.copyfileobj(src, tmp)
        tmp.flush()
        yield tmp.name


def _iter_rows(batch: ImportBatch, apply: bool):
    """The batch's rows, parsed, checked and hashed (``import_reader``). A large file is read in a reader
    process, which is given the list's stored ids and digests (``_list_digests``, read once per pass): it sends
    a row whose digest its record keeps as ``Unchanged`` (nothing to look up or write), marks the rows whose id
    is not in the list as new and, when importing, works out their values and linkage terms, so the writer here
    only looks up the changed rows and writes."""
    parallel = batch.total_rows >= import_reader.PARALLEL_MIN_ROWS
    model = KINDS[batch.kind].model
    stored_of = (lambda: _list_digests(model, batch.source_list_id)) if parallel else None
    with local_copy(batch.file) as path:
        yield from import_reader.parsed_rows(path, batch, stored_of, apply, parallel)


def _list_digests(model, source_list_id: int) -> dict[str, bytes]:
    """``id in the list -> import_hash`` (16 bytes; empty when a save since cleared it) of every record of the
    list with an id, in one streamed query. About 160 bytes an entry in memory (measured: see README)."""
    q = connection.ops.quote_name
    sql = (
        f"SELECT {q('external_id')}, {q('import_hash')} FROM {q(model._meta.db_table)} "
        f"WHERE {q('source_list_id')} = %s AND {q('external_id')} <> ''"
    )
    out: dict[str, bytes] = {}
    fromhex = bytes.fromhex
    with connection.chunked_cursor() as cursor:  # a server-side cursor on PostgreSQL: rows arrive in parts
        cursor.execute(sql, [source_list_id])
        while part := cursor.fetchmany(20_000):
            for external_id, digest in part:
                out[external_id] = fromhex(digest)
    return out


def _count_rows(batch: ImportBatch) -> int:
    """Rows in the file (for the progress bar), read but not parsed or checked: a fraction of a full pass."""
    with local_copy(batch.file) as path:
        _headers, rows = read_table(path, batch.original_name, batch.encoding)
        return sum(1 for cells in rows if any(str(c).strip() for c in cells))


def import_start(*, batch: ImportBatch, actor, apply: bool) -> ImportBatch:
    """Queue the dry run (``apply=False``) or the import itself (after a dry run) of ``batch``, as ``actor``."""
    from . import tasks

    access.require_edit(actor, batch)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if apply and batch.status != ImportStatus.CHECKED:
            raise RegistryError("Hãy chạy thử (kiểm tra) trước khi nhập.")
        batch.status = ImportStatus.RUNNING if apply else ImportStatus.CHECKING
        batch.save(update_fields=["status"])
    tasks.run_import.enqueue(batch_id=batch.pk, apply=apply, actor_id=actor.pk)
    return batch


def import_run(*, batch_id: int, apply: bool, actor_id: int | None = None) -> ImportBatch:
    """Check (``apply=False``: the dry run) or apply an import, as ``actor_id`` (the uploader when not given;
    either must still be allowed to change this list). Rows with errors are reported and skipped; the
    rest are created or updated by their id in the list, in chunks (each chunk commits with its index and
    history), so the progress bar moves and a crashed import can simply be run again."""
    from django.contrib.auth import get_user_model

    batch = ImportBatch.objects.select_related("source_list", "created_by").get(pk=batch_id)
    actor = get_user_model().objects.get(pk=actor_id) if actor_id is not None else batch.created_by
    access.require_edit(actor, batch, batch.source_list)
    # what the dry run counted as new: a large first load builds the keys' search index at its end
    new_records = batch.created if apply else 0
    batch.status = ImportStatus.RUNNING if apply else ImportStatus.CHECKING
    batch.processed_rows = batch.created = batch.updated = batch.unchanged = batch.error_count = 0
    batch.errors = []
    if not (apply and batch.total_rows):  # the import follows its dry run, which counted the same file's rows
        batch.total_rows = _count_rows(batch)
    batch.save()
    if apply and not ImportBatch.objects.filter(status=ImportStatus.RUNNING).exclude(pk=batch.pk).exists():
        ensure_key_index()  # (an import running meanwhile may be loading without it)
    try:
        with _page_cache(), bulk_key_load(new_records):
            _run_chunks(batch, actor, apply)
    except ImportFileError as exc:
        batch.status = ImportStatus.FAILED
        batch.message = str(exc)
        batch.save()
        return batch
    batch.status = ImportStatus.DONE if apply else ImportStatus.CHECKED
    batch.finished_at = timezone.now() if apply else None
    batch.save()
    if apply:
        indicators.forget()  # the chunks' bulk writes send no signal: figures counting the registry go now
        audit_record(
            actor=actor,
            action="import_applied",
            obj=batch.source_list,
            changes={
                "created": [0, batch.created],
                "updated": [0, batch.updated],
                "errors": [0, batch.error_count],
            },
            message=f"{batch.get_kind_display()}: {batch.original_name}",
        )
    return batch


def _run_chunks(batch: ImportBatch, actor, apply: bool) -> None:
    seen: set[str] = set()
    chunk: list[ParsedRow] = []
    writer = _ChunkWriter(pipelined=apply and _can_pipeline())
    try:
        for row in _iter_rows(batch, apply):
            batch.processed_rows += 1
            if type(row) is import_reader.Unchanged:  # its record keeps this row's digest: nothing to do
                if row.external_id in seen:  # as any other row whose id came before
                    message = f"Mã “{row.external_id}” lặp lại trong tệp"
                    _report(batch, ParsedRow(row.number, {}, errors=[("Mã", message)]))
                else:
                    seen.add(row.external_id)
                    batch.unchanged += 1
            else:
                key = f"#{row.system_id}" if row.system_id else row.values["external_id"]
                if key in seen:
                    what = f"Số hiệu {key}" if row.system_id else f"Mã “{key}”"
                    row.errors.append(("Mã", f"{what} lặp lại trong tệp"))
                seen.add(key)
                if row.errors:
                    _report(batch, row)
                else:
                    chunk.append(row)
            # an import writes a chunk when full, and at least every CHUNK rows of the file: most rows of a
            # re-import come as Unchanged and never join one, and a chunk gathering a whole file's changed rows
            # would hold back the commit and the progress bar (measured: 141 s without a progress save, 1,980
            # changed rows in 200,000). A dry run writes nothing: its chunks wait until full (fewer look-ups),
            # its progress is saved every CHUNK rows all the same.
            if len(chunk) >= CHUNK or (apply and chunk and batch.processed_rows % CHUNK == 0):
                _import_chunk(batch, chunk, actor, apply, writer)
                chunk = []
            elif batch.processed_rows % CHUNK == 0:
                writer.run(_progress_save(batch))
        _import_chunk(batch, chunk, actor, apply, writer)
        writer.wait()
    finally:
        writer.close()


def _can_pipeline() -> bool:
    """Whether an import's chunks may be written by a thread of their own (``_ChunkWriter``): on PostgreSQL, and
    only outside a transaction (another connection would not see what this one has not committed, such as the
    batch itself inside a test's transaction). SQLite has one writer at a time: its chunks are written inline."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class _ChunkWriter:
    """Where an import's chunks are written, each in its own transaction, in the file's order.

    Inline (the default), a chunk is written when asked, in this thread. Pipelined (``_can_pipeline``), it is
    written by one thread of its own, on that thread's own database connection, while this thread goes on reading
    and preparing the next chunk: PostgreSQL works through one chunk's COPYs, upserts and commit (the client
    waits on the socket, without the GIL) while this process's CPU builds the next one's rows (issue 14: a first
    import of 1,000,000 rows was the writer's own CPU, about 90 s, *then* the server's work on each chunk,
    about 165 s, one after the other). At most one chunk is in flight: ``run`` waits for the previous chunk's
    commit before handing over the next, so the memory held stays at two chunks and the commits (and with
    them the progress bar) keep the file's order. A look-up of stored records waits too (``wait``), so it
    sees every earlier chunk committed, as inline. An error in the thread is raised here, at the next
    ``run``/``wait``; what the chunk wrote is rolled back with its transaction, as inline."""

    def __init__(self, pipelined: bool = False) -> None:
        self._pool = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer") if pipelined else None
        )
        self._pending: Future | None = None

    def run(self, write: Callable[[], None]) -> None:
        if self._pool is None:
            write()
            return
        self.wait()
        self._pending = self._pool.submit(write)

    def wait(self) -> None:
        """Until the chunk in flight (if any) is committed; its error, if it failed, is raised here."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Let the chunk in flight finish (after an error of this thread: its own error is only logged, the
        first one is what the import reports) and close the thread's database connection."""
        if self._pool is None:
            return
        pending, self._pending = self._pending, None
        try:
            if pending is not None and pending.exception() is not None:
                logger.error("import chunk failed after an earlier error", exc_info=pending.exception())
        finally:
            self._pool.submit(connections.close_all).result()
            self._pool.shutdown()


def _progress_save(batch: ImportBatch) -> Callable[[], None]:
    """Saving the batch's counters and errors as they are now (a copy: this thread goes on counting while a
    pipelined writer saves them with the chunk they belong to)."""
    snapshot = copy.copy(batch)
    snapshot.errors = list(batch.errors)

    def save() -> None:
        snapshot.save(
            update_fields=["processed_rows", "created", "updated", "unchanged", "error_count", "errors"]
        )

    return save


# SQLite's page cache for the connection running an import, in KiB. SQLite's default is 2 MiB, while a large
# import inserts into indexes (the linkage keys above all) of hundreds of MB in random order; 256 MiB holds most
# of their pages and stays well inside the 2 GB an import may use (issue 14). A cache only: durability is as
# configured in settings (WAL, synchronous=NORMAL), not changed here.
SQLITE_IMPORT_CACHE_KIB = 256 * 1024


@contextmanager
def _page_cache():
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _report(batch: ImportBatch, row) -> None:
    batch.error_count += 1
    for column, message in row.errors:
        if len(batch.errors) < MAX_REPORTED_ERRORS:
            batch.errors.append({"row": row.number, "column": column, "message": message})


def _import_chunk(batch: ImportBatch, rows, actor, apply: bool, writer: _ChunkWriter) -> None:
    """Create or update one chunk of checked rows. A row is the record it names by its system number (rows of
    our own exports), else the record with its id in this list, else a new record of this list.

    A record keeps a digest of the row it was last imported from (``import_hash``, cleared by any other save):
    a row with the same digest is unchanged, known from two stored columns. Only the other rows are compared
    column by column as plain values, and only the changed ones are loaded as objects, updated, versioned and
    re-indexed. The dry run builds no objects at all.

    The rows are looked up and compared, and the new records' rows built, here; the writes (and the batch's
    progress, which commits with them) are handed to ``writer`` as one transaction."""
    spec = KINDS[batch.kind]
    model = spec.model
    columns = ["pk", *(f.attname for f in model._meta.concrete_fields if f.attname != "id")]
    # a row the reader marked new is known to be new (its id was not in the list when the pass began, and an
    # id appears once in a file): it is not looked up
    ids = [r.values["external_id"] for r in rows if not r.system_id and not r.new]
    numbered_ids = [r.system_id for r in rows if r.system_id]
    if ids or numbered_ids:
        writer.wait()  # the look-ups see every earlier chunk committed (a row may name a record one wrote)
    by_id = _stored_digests(model, batch.source_list_id, ids)
    numbered = model.objects.filter(owner=batch.owner, pk__in=numbered_ids)
    if model is Martyr:
        numbered = numbered.filter(merged_into=None)
    current = {r["pk"]: r for r in numbered.values(*columns)}
    creates: list[ParsedRow] = []
    compare: list[tuple[ParsedRow, int, str]] = []  # (row, its record, the row's digest)
    for row in rows:
        if row.system_id:
            if row.system_id not in current:
                row.errors.append(
                    (
                        SYSTEM_ID_LABEL,
                        f"Không có hồ sơ số hiệu {row.system_id} trong sổ (hoặc hồ sơ đã được gộp)",
                    )
                )
                _report(batch, row)
                continue
            compare.append((row, row.system_id, ""))  # its own id may differ: compared column by column
            continue
        found = None if row.new else by_id.get(row.values["external_id"])
        if found is None:
            creates.append(row)
            continue
        digest = row.digest or content_hash(row.values)
        if digest == found[1]:
            batch.unchanged += 1  # the very row last imported into a record not changed since
            continue
        compare.append((row, found[0], digest))
    wanted = [pk for _row, pk, _digest in compare if pk not in current]
    if wanted:
        current.update((r["pk"], r) for r in model.objects.filter(pk__in=wanted).values(*columns))
    changed: dict[int, tuple[dict, str]] = {}
    changed_fields: set[str] = set()
    rehash: list[tuple[str, int]] = []
    for row, pk, digest in compare:
        stored = current[pk]
        if not row.system_id and all(stored.get(k) == v for k, v in row.values.items()):
            # every column as stored: unchanged, without working out the derived fields (they follow
            # their source columns); the record learns the row's digest for next time
            batch.unchanged += 1
            rehash.append((digest, pk))
            continue
        values = spec.values(row.values)
        if row.system_id:
            values.pop("external_id", None)  # the record keeps its own id in its own list
        changes = {k: v for k, v in values.items() if stored[k] != v}
        if not changes:
            batch.unchanged += 1
            continue
        changed[pk] = (changes, digest)
        changed_fields.update(changes)
    batch.created += len(creates)
    batch.updated += len(changed)
    writes: list[Callable[[], None]] = []
    if apply:
        if creates:
            writes.append(_new_records(batch, spec, creates, actor, f"Nhập {batch.original_name}"))
        if rehash:  # bookkeeping only: no value, version or index changes
            writes.append(lambda: _rehash(model, rehash))
        if changed:
            writes.append(lambda: _update_changed(batch, model, changed, changed_fields, actor))
    writes.append(_progress_save(batch))

    def write() -> None:
        with transaction.atomic():
            if apply:
                _chunk_commit_settings()
            for each in writes:
                each()

    writer.run(write)


def _rehash(model, rehash: list[tuple[str, int]]) -> None:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {q(model._meta.db_table)} SET {q('import_hash')} = %s WHERE {q('id')} = %s", rehash
        )


def _chunk_commit_settings() -> None:
    """Settings of one chunk's transaction of an import (call first inside it). On PostgreSQL the commit does
    not wait for its WAL to reach the disk (``SET LOCAL synchronous_commit = off``, this transaction only).

    Why this is safe here: an asynchronous commit is still atomic and in order. A crash of the database server
    (not of our process, which loses nothing committed) can lose only the last transactions committed before
    it, each as a whole (at most about three times ``wal_writer_delay``, 0.6 s by default); the database is
    never left inconsistent, and no chunk is ever half written. The import is restartable and idempotent: each
    record keeps the digest of the row it came from (``import_hash``) and is found again by its id in the
    list, so running the import again skips the chunks that survived and redoes the lost ones, with the same
    records, versions, keys and counts. The import's last save (status DONE, the audit record) commits
    synchronously, which flushes the WAL of every earlier chunk with it: once an import is reported done, all
    of it is durable. Every other write of the project keeps the server's setting."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _stored_digests(model, source_list_id: int, ids: list[str]) -> dict[str, tuple[int, str]]:
    """``id in the list -> (pk, import_hash)`` of the list's records among ``ids``. On PostgreSQL one array
    parameter (``= ANY(%s)``) instead of an IN list of thousands of placeholders: one short statement to
    parse and plan, whatever the chunk's size."""
    if not ids:
        return {}
    if connection.vendor == "postgresql":
        q = connection.ops.quote_name
        sql = (
            f"SELECT {q('external_id')}, {q('id')}, {q('import_hash')} FROM {q(model._meta.db_table)} "
            f"WHERE {q('source_list_id')} = %s AND {q('external_id')} = ANY(%s) AND {q('external_id')} <> ''"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [source_list_id, ids])
            return {external_id: (pk, digest) for external_id, pk, digest in cursor.fetchall()}
    return {
        external_id: (pk, digest)
        for external_id, pk, digest in model.objects.filter(
            source_list_id=source_list_id, external_id__in=ids
        )
        # "not empty" lets the planner use the unique (list, id) index, which is partial (ids not empty):
        # without it SQLite scanned the whole list per chunk (0.5 s CPU per chunk at 1,000,000 records)
        .exclude(external_id="")
        .order_by()
        .values_list("external_id", "pk", "import_hash")
    }


def _next_ids(model, n: int) -> list[int]:
    """``n`` new primary keys from the table's sequence (PostgreSQL): the rows are then inserted with their ids,
    so nothing is read back. A sequence never gives a value twice, whatever else inserts at the same time."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [q(model._meta.db_table), model._meta.pk.column, n],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _update_changed(batch: ImportBatch, model, changed: dict, changed_fields: set[str], actor) -> None:
    """Apply the changes of a chunk's changed rows (``pk -> (changes, digest)``) with their versions and index."""
    now = timezone.now()
    updates, olds = [], []
    for pk, obj in model.objects.in_bulk(list(changed)).items():
        if model is Martyr:
            olds.append(martyr_record(obj))  # its old values leave the frequency counts
        changes, digest = changed[pk]
        for k, v in changes.items():
            setattr(obj, k, v)
        obj.updated_at = now  # bulk_update skips auto_now
        obj.import_hash = digest
        updates.append(obj)
    bulk_update_with_history(
        updates,
        model,
        sorted(changed_fields | {"updated_at", "import_hash"}),
        batch_size=500,
        default_user=actor,
        default_change_reason=f"Nhập lại {batch.original_name}",
    )
    if model is Martyr:
        index_martyrs(updates, old=olds)
    else:
        index_graves(updates)


def _new_records(batch: ImportBatch, spec, rows: list, actor, reason: str) -> Callable[[], None]:
    """Insert new records of one list, their first version ("+") and their linkage keys and counts, without a
    model instance per row: executemany INSERTs, COPY on PostgreSQL. Returns the writing, to run inside the
    chunk's transaction; what needs no database is done now.

    Django's bulk_create (and django-simple-history's, which calls it twice) compiles every value of every row
    through the ORM, which was most of an import's time. The values here are already plain: text, numbers,
    ids, one timestamp; each non-text field still goes through its own ``get_db_prep_save`` so dates, decimals
    and booleans are adapted exactly as the ORM would. Each row's linkage features were worked out while its
    row was read. On PostgreSQL the new ids are taken from the table's sequence now (a sequence is not
    transactional: numbers taken by a chunk that then fails are simply skipped), so the rows of all three
    tables are built before the writing starts; elsewhere the ids are read back after the insert by (list, id
    in the list), which is unique, and the rest is built then."""
    model = spec.model
    history = model.history.model
    now = timezone.now()
    records: list[dict] = []
    terms = []
    for row in rows:
        values, keys, items = row.derived or import_reader.derive(spec, row.values)
        values["import_hash"] = row.digest or content_hash(row.values)
        records.append(values)
        terms.append((keys, items))
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    fixed = {
        "owner_id": batch.owner_id,
        "source_list_id": batch.source_list_id,
        "created_at": now,
        "updated_at": now,
    }
    special = {
        "history_date": now,
        "history_type": "+",
        "history_user_id": actor.pk if actor is not None else None,
        "history_change_reason": reason,
    }
    history_fields = [f for f in history._meta.concrete_fields if f.attname != "history_id"]
    known = {"id", *fixed, *(f.attname for f in fields)}
    plain_history = all(f.attname in special or f.attname in known for f in history_fields)

    def with_ids():
        """The versions' rows (None: a history field this fast path does not know how to fill) and the keys."""
        versions = (
            _row_tuples(history, history_fields, records, {**fixed, **special}) if plain_history else None
        )
        keys = new_terms(spec.index_kind, [(r["id"], *t) for r, t in zip(records, terms, strict=True)])
        return versions, keys

    postgres = connection.vendor == "postgresql"
    if postgres:
        for values, pk in zip(records, _next_ids(model, len(records)), strict=True):
            values["id"] = pk
        inserts = _row_tuples(model, [model._meta.pk, *fields], records, fixed)
        prepared = with_ids()

    def write() -> None:
        if postgres:
            _write_rows(inserts)
            versions, keys = prepared
        else:
            # The new ids are read back as the list's records above the largest id before the insert: a range of
            # the primary key instead of thousands of ids looked up. (Ids only grow: SQLite's AUTOINCREMENT
            # never gives a new row an id below an existing one; the rows are matched by their id in the list,
            # which is unique in it.)
            before = model.objects.order_by().aggregate(top=models.Max("pk"))["top"] or 0
            _write_rows(_row_tuples(model, fields, records, fixed))
            ids = dict(
                model.objects.filter(source_list=batch.source_list, pk__gt=before)
                .order_by()
                .values_list("external_id", "pk")
            )
            for values in records:
                values["id"] = ids[values["external_id"]]
            versions, keys = with_ids()
        if versions is not None:
            _write_rows(versions)
        else:  # let the library write the versions
            objs = model.objects.filter(pk__in=[r["id"] for r in records])
            model.history.bulk_history_create(list(objs), default_user=actor, default_change_reason=reason)
        write_new_terms(spec.index_kind, *keys)

    return write


def _row_tuples(model, fields, rows: list[dict], fixed: dict) -> tuple:
    """``(model, fields, tuples)``: one tuple of ``model``'s ``fields`` per dict of values by attribute name
    (``fixed``: values the same for every row; a field in neither gets its default), for ``_write_rows``."""
    db = connections[connection.alias]  # the connection itself, not the proxy (looked up per value otherwise)
    # Text is sent as it is; so are whole numbers and empty values of integer fields and foreign keys (what
    # their get_db_prep_save returns for them). Any other value goes through its field.
    plain = (models.CharField, models.TextField)
    numeric = (models.IntegerField, models.BigIntegerField, models.SmallIntegerField, models.ForeignKey)

    def prep(f, value):
        return value if isinstance(f, plain) else f.get_db_prep_save(value, db)

    constants = {f.attname: prep(f, fixed[f.attname]) for f in fields if f.attname in fixed}
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in fixed}
    # each row's tuple is taken from (defaults, its values, the constants) by one itemgetter call, in C; only
    # the fields that are neither text nor (whole or empty) numbers then go through their field
    take = operator.itemgetter(*(f.attname for f in fields))
    adapt = [
        (i, f, isinstance(f, numeric))
        for i, f in enumerate(fields)
        if f.attname not in fixed and not isinstance(f, plain)
    ]
    tuples = []
    for values in rows:
        out = take({**defaults, **values, **constants})
        for i, field, is_numeric in adapt:
            value = out[i]
            if is_numeric and (value is None or type(value) is int):
                continue
            out = (*out[:i], field.get_db_prep_save(value, db), *out[i + 1 :])
        tuples.append(out)
    return model, fields, tuples


def _write_rows(prepared: tuple) -> None:
    """INSERT the rows ``_row_tuples`` built (``matching.insert_rows``: COPY on PostgreSQL)."""
    model, fields, tuples = prepared
    insert_rows(model._meta.db_table, [f.column for f in fields], tuples)


# ------------------------------------------------------------------------------------------ tip links


def tip_query_record(named: TipMartyr):
    """The linkage engine's query for one martyr a tip names (``TipMartyr``)."""
    return Record(
        id=f"tip-{named.tip_id}-{named.pk}",
        full_name=named.name,
        alias=named.alias,
        birth=named.birth_year,
        home_place=named.home_place,
        enlistment=str(named.enlistment_year or ""),
        unit=named.unit,
        death_date=named.death_date,
        death_place=named.death_place,
        burial_place=named.burial_place,
    )


def _named(tip: Tip, named: TipMartyr | None) -> list[TipMartyr]:
    if named is not None:
        if named.tip_id != tip.pk:
            raise RegistryError("Liệt sĩ này không thuộc thông tin đang xem.")
        return [named]
    return list(tip.martyrs.all())


@dataclasses.dataclass(frozen=True)
class TipPerson:
    """One person a tip names: a martyr block of the tip (``named``) names one person, or several in its name
    field ("Nguyễn Văn A, Trần Văn B và Lê Văn C": comrades a witness saw fall together). Each is searched on
    its own, with the block's other details (unit, places, date of death) shared (``linkage.people``)."""

    named: TipMartyr
    number: int  # 1.. within the block
    count: int  # how many people the block names
    query: Record  # the linkage Record searched for this person

    @property
    def name(self) -> str:
        return self.query.full_name if self.count > 1 else self.named.display_name


def tip_people(tip: Tip, named: TipMartyr | None = None) -> list[TipPerson]:
    """The people the tip names (or only ``named`` names), block by block, each block's people in the order
    written. Reads nothing beyond the tip's own blocks: callers check access."""
    out = []
    for m in _named(tip, named):
        query = tip_query_record(m)
        people = split_people(query) if m.name else [query]
        out.extend(TipPerson(m, i, len(people), q) for i, q in enumerate(people, start=1))
    return out


def tip_candidates(*, tip: Tip, actor, top: int = 8, named: TipMartyr | None = None):
    """Registry records a martyr the tip names (``named``; by default each of them, one list after the other)
    may be, best first, with the engine's reasons. Use ``tip_person_candidates`` to keep them apart."""
    return [
        c for _, found in tip_person_candidates(tip=tip, actor=actor, top=top, named=named) for c in found
    ]


def tip_person_candidates(*, tip: Tip, actor, top: int = 8, named: TipMartyr | None = None):
    """``(TipPerson, candidates)`` for each person the tip names (or only ``named`` names), each matched
    against the registry on its own, among the records ``actor`` may read (a witness who buried two comrades
    names two people, not one with two names; so does one block naming two)."""
    _require(access.can_view_registry(actor) and tip_access.can_view_tip(actor, tip))
    within = access.scope(actor, Martyr.objects)
    people = tip_people(tip, named)
    return list(zip(people, _people_martyrs(people, top, within), strict=True))


def _people_martyrs(people: list[TipPerson], top: int, within) -> list[list[Candidate]]:
    """The martyrs' records (among ``within``) each person a tip names may be, each person searched on their
    own (none for a block with no name); the people's pre-rankings one statement and their candidates one
    fetch (``matching.search_martyrs_each``)."""
    asked = [p.named.has_name for p in people]
    return _searched_each(people, asked, lambda queries: search_martyrs_each(queries, top=top, within=within))


def _searched_each(people: list[TipPerson], asked: list[bool], search) -> list[list[Candidate]]:
    """What ``search`` (one call for every query) finds for each person ``asked``, in order; none for the others."""
    queries = [p.query for p, ask in zip(people, asked, strict=True) if ask]
    found = iter(search(queries) if queries else [])
    return [next(found) if ask else [] for ask in asked]


def _per_block(pairs) -> list:
    """``(TipPerson, found)`` pairs → ``(named, found)`` per block: a block naming several people gets one list,
    each person's best first, then each one's second, … (``linkage.people.interleave``), each record once."""
    blocks: dict[int, tuple[TipMartyr, list]] = {}
    for person, found in pairs:
        blocks.setdefault(person.named.pk, (person.named, []))[1].append((person.query, found))
    out = []
    for named, results in blocks.values():
        if len(results) == 1:
            out.append((named, results[0][1]))
        else:
            out.append((named, [c for _, _, c in interleave(results)]))
    return out


def tip_martyr_candidates(*, tip: Tip, actor, top: int = 8, named: TipMartyr | None = None):
    """For each martyr block the tip has (or only ``named``): ``(named martyr, candidates)``; a block naming
    several people gets their candidates in one list, each person's best first (``tip_person_candidates`` keeps
    the people apart)."""
    return _per_block(tip_person_candidates(tip=tip, actor=actor, top=top, named=named))


def explained(candidates, user, model=Martyr) -> list[dict]:
    """Candidates (martyrs, or graves with ``model=Grave``) the user may see, with their records (under the
    key "martyr" or "grave") and reasons split into what agrees and what differs."""
    return _explained_lists([candidates], user, model)[0]


def _explained_lists(lists, user, model=Martyr) -> list[list[dict]]:
    """``explained`` for several lists of candidates, their records read in one query (none for no candidate)."""
    ids = {int(c.record_id) for candidates in lists for c in candidates}
    records = {r.pk: r for r in access.scope(user, model.objects).filter(pk__in=ids)} if ids else {}
    return [
        _explained_rows(candidates, records, "grave" if model is Grave else "martyr") for candidates in lists
    ]


def _explained_rows(candidates, records: dict, key: str) -> list[dict]:
    rows = []
    for c in candidates:
        record = records.get(int(c.record_id))
        if record is None:
            continue
        agree = [e.text_vi for e in c.evidence if e.weight > 0]
        differ = [e.text_vi for e in c.evidence if e.weight < 0]
        rows.append(
            {
                key: record,
                "score": c.score,
                "decision": c.decision,
                "probability": c.probability,
                "agree": agree,
                "differ": differ,
                "reasons": [
                    {"field": e.field, "level": e.level, "weight": round(e.weight, 2), "text": e.text_vi}
                    for e in c.evidence
                ],
            }
        )
    return rows


@dataclasses.dataclass(frozen=True)
class PersonMatches:
    """What the registry holds for one person a tip names: martyrs' records and graves (``explained`` rows:
    the record, score, decision, reasons), best first."""

    person: TipPerson
    martyrs: list[dict]
    graves: list[dict]


def tip_person_matches(
    *, tip: Tip, actor, top: int = 8, graves_top: int = 5, named: TipMartyr | None = None
) -> list[PersonMatches]:
    """For each person the tip names (or only ``named`` names; one person per name its text holds), the
    martyrs' records and the graves they may be, each person searched on their own, among the records ``actor``
    may read, with the records and the engine's reasons — what the tip's candidates page and the API show.
    Refused (PermissionDenied) to one who may not read the registry or may not see the tip: the look-ups read
    its content. Graves are kept only when the engine finds them plausible (a nameless grave with a matching
    province alone is not shown); with no grave listed anywhere, none is looked for. The records of every
    person's candidates are read in one query per kind."""
    _require(access.can_view_registry(actor) and tip_access.can_view_tip(actor, tip))
    martyrs_within = access.scope(actor, Martyr.objects)
    graves_within = access.scope(actor, Grave.objects) if grave_count() > 0 else None
    people = tip_people(tip, named)
    martyrs = _people_martyrs(people, top, martyrs_within)
    graves = _people_graves(people, graves_top, graves_within)
    martyr_rows = _explained_lists(martyrs, actor)
    grave_rows = _explained_lists(graves, actor, Grave)
    return [PersonMatches(p, m, g) for p, m, g in zip(people, martyr_rows, grave_rows, strict=True)]


def martyr_search(*, actor, query, top: int = 20):
    """Martyrs' records like ``query`` (a linkage Record) among those ``actor`` may read, best first."""
    _require(access.can_view_registry(actor))
    return search_martyrs(query, top=top, within=access.scope(actor, Martyr.objects))


TOTAL_TTL = 600  # seconds; a registry change gives a new key within FREQ_CHECK seconds, this bounds the rest


def martyr_total(*, actor) -> int:
    """How many martyrs' records (not merged away) ``actor`` may read. Counting is a scan of every record (at
    a million, the largest SQL statement of the search page), so the figure is cached per scope and per registry
    version: any change to the registry (``registry_version``) gives a new key."""
    _require(access.can_view_registry(actor))
    key = f"registry:total:{registry_version()}:{access.scope_key(actor)}"
    return cache.get_or_set(
        key,
        lambda: access.scope(actor, Martyr.objects).filter(merged_into=None).count(),
        timeout=TOTAL_TTL,
    )


def grave_martyr_candidates(*, actor, grave: Grave, top: int = 5):
    """Martyrs whose grave ``grave`` may be, among those ``actor`` may read."""
    access.require_view(actor, grave)
    if grave.martyr_id is not None or not (grave.headstone_name or grave.partial_info):
        return []
    return search_martyrs(grave_record(grave), top=top, within=access.scope(actor, Martyr.objects))


def tip_grave_candidates(*, tip: Tip, actor, top: int = 5, named: TipMartyr | None = None):
    """Graves a martyr the tip names (``named``; by default any of them) may lie in (a headstone name, a home
    place or unit on the headstone), best first; only those the engine finds plausible (a nameless grave with a
    matching province alone is not shown)."""
    return [c for _, found in tip_person_graves(tip=tip, actor=actor, top=top, named=named) for c in found]


def tip_person_graves(*, tip: Tip, actor, top: int = 5, named: TipMartyr | None = None):
    """``(TipPerson, grave candidates)`` for each person the tip names (or only ``named`` names)."""
    _require(access.can_view_registry(actor) and tip_access.can_view_tip(actor, tip))
    within = access.scope(actor, Grave.objects)
    people = tip_people(tip, named)
    return list(zip(people, _people_graves(people, top, within), strict=True))


def _people_graves(people: list[TipPerson], top: int, within) -> list[list[Candidate]]:
    """The graves (among ``within``; ``None``: no grave is listed, none is looked for) each person a tip names
    may lie in, only those the engine finds plausible (a nameless grave with a matching province alone is not);
    each person searched on their own, all of them in one pre-ranking and one fetch (``search_graves_each``)."""
    if within is None:
        return [[] for _ in people]
    asked = [bool(p.named.name or p.named.alias or p.named.home_place or p.named.unit) for p in people]
    found = _searched_each(people, asked, lambda queries: search_graves_each(queries, top=top, within=within))
    return [[c for c in candidates if c.decision] for candidates in found]


def tip_martyr_graves(*, tip: Tip, actor, top: int = 5, named: TipMartyr | None = None):
    """``(named martyr, grave candidates)`` for each martyr block the tip has (or only ``named``)."""
    return _per_block(tip_person_graves(tip=tip, actor=actor, top=top, named=named))


def tip_link_decide(
    *,
    tip: Tip,
    actor,
    decision: str,
    martyr: Martyr | None = None,
    grave: Grave | None = None,
    score: float | None = None,
    reasons: list | None = None,
    named: TipMartyr | None = None,
) -> TipLink:
    """Record that ``tip`` is (confirmed) or is not (rejected) about a martyr's record or a grave — for one of
    the martyrs it names (``named``), when known. Deciding again changes the decision; both are on the tip's
    audit trail."""
    _require(access.can_link_tip(actor, tip))
    if decision not in LinkDecision.values:
        raise RegistryError("Quyết định không hợp lệ.")
    if (martyr is None) == (grave is None):
        raise RegistryError("Chọn một hồ sơ liệt sĩ hoặc một ngôi mộ.")
    access.require_edit(actor, martyr, grave)
    if martyr is not None:
        if Martyr.objects.filter(pk=martyr.pk).exclude(merged_into=None).exists():
            raise RegistryError("Hồ sơ liệt sĩ đã được gộp vào hồ sơ khác.")
        target = {"martyr": martyr}
        shown = {"martyr": [None, f"{martyr.full_name} (#{martyr.pk})"]}
    else:
        target = {"grave": grave}
        shown = {"grave": [None, f"{grave} (#{grave.pk})"]}
    if named is not None and named.tip_id != tip.pk:
        raise RegistryError("Liệt sĩ này không thuộc thông tin đang xem.")
    if named is not None:
        shown["named"] = [None, f"Liệt sĩ thứ {named.position}: {named.display_name or '—'}"]
    with transaction.atomic():
        link = TipLink.objects.filter(tip=tip, **target).first()
        before = link.decision if link else None
        if link is None:
            link = TipLink(tip=tip, **target)
        if named is not None:
            link.named = named
        link.decision, link.decided_by, link.decided_at = decision, actor, timezone.now()
        link.score, link.reasons = score, reasons or []
        link.save()
        audit_record(
            actor=actor,
            action="link_confirmed" if decision == LinkDecision.CONFIRMED else "link_rejected",
            obj=link,
            context=tip,
            changes={**shown, "decision": [before, decision]},
        )
        return link


# ------------------------------------------------------------------------------------------ duplicates


def duplicates_find(*, actor=None, min_score: float | None = None) -> int:
    """Run the engine's deduplication over the registry; new pairs join the review queue (decided ones stay).

    Asked by a user, only pairs of records that user may read join the queue (their province's: the people who
    can decide them); the system's own run (no actor) keeps every pair."""
    if actor is not None:
        _require(access.can_edit_registry(actor))
    from .matching import martyr_engine

    result = martyr_engine().dedupe()
    in_scope = (
        None if actor is None else set(access.scope(actor, Martyr.objects).values_list("pk", flat=True))
    )
    known = {(a, b) for a, b in DuplicatePair.objects.values_list("a_id", "b_id")}
    new = []
    for a, b, score, decision in result.pairs:
        if not decision and min_score is None:
            continue
        if min_score is not None and score < min_score:
            continue
        ia, ib = sorted((int(a), int(b)))
        if in_scope is not None and not (ia in in_scope and ib in in_scope):
            continue
        if (ia, ib) not in known:
            known.add((ia, ib))
            new.append(DuplicatePair(a_id=ia, b_id=ib, score=score, engine_decision=decision))
    DuplicatePair.objects.bulk_create(new, batch_size=1000)
    return len(new)


MERGE_FIELDS = [f for f in FIELDS if f not in ("external_id",)]


def martyr_merge(*, pair: DuplicatePair, actor, keep: Martyr) -> Martyr:
    """Merge the pair into ``keep``: its empty fields are filled from the other record, everything attached
    to the other (graves, relatives, witnesses, documents, tip links) moves to ``keep``; the other stays, marked as merged,
    with its full history."""
    access.require_pair(actor, pair)
    if keep.pk not in (pair.a_id, pair.b_id):
        raise RegistryError("Hồ sơ giữ lại phải là một trong hai hồ sơ.")
    with transaction.atomic():
        pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
        if pair.status != DuplicateStatus.PENDING:
            raise RegistryError("Cặp hồ sơ này đã được xử lý.")
        keep = Martyr.objects.select_for_update().get(pk=keep.pk)
        other = Martyr.objects.select_for_update().get(pk=pair.b_id if keep.pk == pair.a_id else pair.a_id)
        if keep.merged_into_id or other.merged_into_id:
            raise RegistryError("Một trong hai hồ sơ đã được gộp trước đó.")
        old_keep, old_other = martyr_record(keep), martyr_record(other)
        filled = {f: getattr(other, f) for f in MERGE_FIELDS if not getattr(keep, f) and getattr(other, f)}
        for f, v in filled.items():
            setattr(keep, f, v)
        for f, v in martyr_values({f: getattr(keep, f) for f in EDITABLE}).items():
            setattr(keep, f, v)
        keep._history_user = actor
        keep._change_reason = f"Gộp hồ sơ #{other.pk}"
        keep.save()
        other.merged_into = keep
        other._history_user = actor
        other._change_reason = f"Gộp vào hồ sơ #{keep.pk}"
        other.save()
        for rel in ("graves", "relatives", "documents"):
            getattr(other, rel).update(martyr=keep)
        for witness in other.witnesses.all():
            witness.martyrs.remove(other)
            witness.martyrs.add(keep)
        for link in TipLink.objects.filter(martyr=other):
            if TipLink.objects.filter(tip=link.tip_id, martyr=keep).exists():
                link.delete()
            else:
                link.martyr = keep
                link.save(update_fields=["martyr"])
        index_martyrs([keep, other], old=[old_keep, old_other])
        pair.status, pair.reviewed_by, pair.reviewed_at = DuplicateStatus.MERGED, actor, timezone.now()
        pair.save()
        audit_record(
            actor=actor,
            action="martyr_merged",
            obj=other,
            context=keep,
            changes={"merged_into": [None, f"#{keep.pk}"], **{f: [None, v] for f, v in filled.items()}},
            message=f"Gộp #{other.pk} {other.full_name} vào #{keep.pk} {keep.full_name}",
        )
        return keep


REASON_MAX_CHARS = (
    4000  # a stated reason or basis: as long as the staff forms' reasons (tips.forms.ReasonForm)
)


def _reason(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > REASON_MAX_CHARS:
        raise RegistryError(f"Nội dung quá dài (tối đa {REASON_MAX_CHARS:,} ký tự).".replace(",", "."))
    return text


def duplicate_reject(*, pair: DuplicatePair, actor, note: str = "") -> DuplicatePair:
    access.require_pair(actor, pair)
    note = _reason(note)
    with transaction.atomic():
        pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
        if pair.status != DuplicateStatus.PENDING:
            raise RegistryError("Cặp hồ sơ này đã được xử lý.")
        pair.status, pair.reviewed_by, pair.reviewed_at = DuplicateStatus.DISTINCT, actor, timezone.now()
        pair.save()
        audit_record(
            actor=actor,
            action="duplicate_rejected",
            obj=pair.a,
            context=pair.a,
            changes={"distinct_from": [None, f"#{pair.b_id}"]},
            message=note,
        )
        return pair


# ------------------------------------------------------------------------------------------ graves, people, documents


def grave_create(*, actor, values: dict[str, Any], martyr: Martyr | None = None) -> Grave:
    access.require_edit(actor, martyr)
    with transaction.atomic():
        grave = Grave(
            owner=access.owner_for(actor),
            martyr=martyr,
            **{k: v for k, v in values.items() if k in Grave.EDITABLE_FIELDS},
        )
        grave._history_user = actor
        grave.save()
        index_graves([grave])
        audit_record(
            actor=actor, action="grave_created", obj=grave, context=martyr or grave, message=str(grave)
        )
        return grave


def grave_set_martyr(*, actor, grave: Grave, martyr: Martyr | None, basis: str) -> Grave:
    """Record whose grave this is (``martyr``), or that it is no longer known (``None``), on a stated basis (a DNA
    result, a verified headstone, the military command's conclusion). On the grave's history and the audit
    trail of both the grave and the martyr."""
    access.require_edit(actor, grave, martyr)
    basis = _reason(basis)
    if not basis:
        raise RegistryError("Hãy ghi căn cứ (ví dụ: kết quả giám định ADN số…, kết luận của Ban CHQS…).")
    if martyr is not None and Martyr.objects.filter(pk=martyr.pk).exclude(merged_into=None).exists():
        raise RegistryError("Hồ sơ liệt sĩ không tồn tại hoặc đã được gộp.")
    with transaction.atomic():
        grave = Grave.objects.select_for_update().get(pk=grave.pk)
        before = grave.martyr
        if (before.pk if before else None) == (martyr.pk if martyr else None):
            raise RegistryError("Mộ đã ở đúng trạng thái này.")
        grave.martyr = martyr
        grave._history_user, grave._change_reason = actor, basis[:100]
        grave.save()
        shown = {"martyr": [f"{before.full_name} (#{before.pk})" if before else None, None]}
        if martyr is not None:
            shown["martyr"][1] = f"{martyr.full_name} (#{martyr.pk})"
        audit_record(
            actor=actor,
            action="grave_identified" if martyr else "grave_unidentified",
            obj=grave,
            context=martyr or before,
            changes=shown,
            message=basis,
        )
        return grave


def relative_add(*, actor, martyr: Martyr, values: dict[str, Any], from_tip: Tip | None = None) -> Relative:
    access.require_people(actor)
    access.require_edit(actor, martyr)
    access.require_tip_source(actor, from_tip)
    fields = [
        "full_name",
        "relationship",
        "id_number",
        "birth",
        "sex",
        "residence",
        "phone",
        "alive",
        "dna_consent",
    ]
    with transaction.atomic():
        relative = Relative.objects.create(
            martyr=martyr,
            owner=access.people_unit(actor),
            from_tip=from_tip,
            **{k: v for k, v in values.items() if k in fields},
        )
        audit_record(
            actor=actor,
            action="relative_added",
            obj=relative,
            context=martyr,
            changes={"relationship": [None, relative.get_relationship_display()]},
        )
        return relative


PRIVATE_REPORTER = (
    "Người gửi chỉ đồng ý để cán bộ phường phụ trách chiến dịch biết danh tính (hoặc đã rút lại sự đồng ý), "
    "nên không ghi họ tên, số điện thoại vào sổ (nơi cơ quan khác cũng xem được)."
)


def _person_from_tip(*, actor, tip: Tip, martyr: Martyr, refusal: str, add, address_field: str, extra: dict):
    """Copy a tip's sender (name, phone, address) into a person record of ``martyr`` made by ``add``. Reading
    the identity is itself recorded, in the same transaction: a refused copy leaves no reading on the record."""
    _require(access.can_link_tip(actor, tip))
    access.require_people(actor)
    access.require_edit(actor, martyr)
    if tip.anonymous:
        raise RegistryError(refusal)
    from doantu.tips.access import identity_shareable
    from doantu.tips.services import tip_reveal_reporter

    if not identity_shareable(tip, for_dna=add is relative_add):
        # a person record is read by the ward's military and police and by provincial agencies
        raise RegistryError(PRIVATE_REPORTER)

    with transaction.atomic():
        reporter = tip_reveal_reporter(tip=tip, actor=actor)
        values = {
            "full_name": reporter["name"],
            "phone": reporter["phone"],
            address_field: reporter["address"],
        }
        return add(actor=actor, martyr=martyr, from_tip=tip, values={**values, **extra})


def relative_from_tip(*, actor, tip: Tip, martyr: Martyr) -> Relative:
    """A relative who wrote in (and offered a DNA sample) becomes a relative record of the martyr linked."""
    refusal = "Thông tin này không có quan hệ thân nhân hoặc người gửi giấu tên."
    if not tip.relationship:
        raise RegistryError(refusal)
    return _person_from_tip(
        actor=actor,
        tip=tip,
        martyr=martyr,
        refusal=refusal,
        add=relative_add,
        address_field="residence",
        extra={
            "relationship": tip.relationship,
            "alive": True,
            "dna_consent": tip.dna_offer and tip.consent_dna,
        },
    )


WITNESS_FIELDS = ("full_name", "phone", "address", "is_veteran", "account")


def witness_add(*, actor, martyr: Martyr, values: dict[str, Any], from_tip: Tip | None = None) -> Witness:
    """A witness (a comrade, a villager who saw the burial) whose account concerns ``martyr``. One tip gives one
    witness, however many martyrs the account names: linking it to a second martyr adds that martyr."""
    access.require_people(actor)
    access.require_edit(actor, martyr)
    access.require_tip_source(actor, from_tip)
    with transaction.atomic():
        witness = Witness.objects.filter(from_tip=from_tip).first() if from_tip is not None else None
        access.require_people(actor, witness)
        if witness is None:
            witness = Witness.objects.create(
                owner=access.people_unit(actor),
                from_tip=from_tip,
                **{k: v for k, v in values.items() if k in WITNESS_FIELDS},
            )
        elif witness.martyrs.filter(pk=martyr.pk).exists():
            raise RegistryError("Người này đã có trong danh sách nhân chứng của liệt sĩ.")
        witness.martyrs.add(martyr)
        audit_record(
            actor=actor,
            action="witness_added",
            obj=witness,
            context=martyr,
            changes={"is_veteran": [None, witness.is_veteran]},
        )
        return witness


def witness_from_tip(*, actor, tip: Tip, martyr: Martyr) -> Witness:
    """The person who sent a witness account becomes a witness of the martyr the tip was confirmed to be about
    (for a second martyr named in the same account, the witness already copied is reused)."""
    if not tip.has_kind(TipKind.WITNESS):
        raise RegistryError("Chỉ thông tin loại “lời kể nhân chứng” mới ghi vào danh sách nhân chứng.")
    if Witness.objects.filter(from_tip=tip).exists():  # already copied for another martyr of the account
        _require(access.can_link_tip(actor, tip))
        return witness_add(actor=actor, martyr=martyr, from_tip=tip, values={})
    return _person_from_tip(
        actor=actor,
        tip=tip,
        martyr=martyr,
        refusal="Người gửi giấu tên: không thể ghi vào danh sách nhân chứng.",
        add=witness_add,
        address_field="address",
        extra={"account": tip.account},
    )


def document_add(
    *,
    actor,
    martyr: Martyr | None,
    kind: str,
    title: str,
    upload=None,
    description: str = "",
    provenance: str = "",
    from_tip: Tip | None = None,
) -> Document:
    access.require_edit(actor, martyr)
    access.require_tip_source(actor, from_tip)
    # The same checks and cleaning as a file sent with a tip: type by content, size, pixels, metadata stripped,
    # PDFs without active content; done before the transaction (it decodes in a child process).
    prepared = None
    if upload is not None:
        try:
            prepared = prepare_upload(upload)
        except UploadError as exc:
            raise RegistryError(str(exc)) from None
    with transaction.atomic():
        document = Document(
            owner=access.owner_for(actor),
            martyr=martyr,
            kind=kind,
            title=title.strip(),
            description=description,
            provenance=provenance,
            from_tip=from_tip,
        )
        if prepared is not None:
            document.sha256 = prepared.sha256
            document.file.save(f"doc{prepared.extension}", prepared.content, save=False)
        document.save()
        audit_record(
            actor=actor,
            action="document_added",
            obj=document,
            context=martyr or document,
            changes={"sha256": [None, document.sha256]} if document.sha256 else {},
            message=title,
        )
        return document


def person_reveal(*, actor, person: Relative | Witness, martyr: Martyr | None = None) -> dict[str, str]:
    """Who a relative or witness is (name, phone, identity number, address), for those who need it (a DNA
    donor's: only the recipients the consent names); the reading itself goes on the record, on the martyr's
    trail (``martyr``: the record it was read from, for a witness of several)."""
    _require(access.can_reveal_person(actor, person))
    if isinstance(person, Relative):
        action, context = "relative_viewed", person.martyr
    else:
        action = "witness_viewed"
        context = martyr if martyr is not None and person.martyrs.filter(pk=martyr.pk).exists() else person
    with transaction.atomic():
        audit_record(actor=actor, action=action, obj=person, context=context)
    return access.person_identity(person)


# ------------------------------------------------------------------------------------------ DNA donors (dna app)


def relative_set_dna(*, actor, relative: Relative, consent: bool, sampled_at=None) -> Relative:
    """Set a relative's "consents to DNA" flag and "sample taken" (with its date), as the DNA pipeline records
    them (``dna.services``, which decides who may record each step; here: the person must be within the
    actor's view of relatives)."""
    _require(access.can_view_person(actor, relative))
    with transaction.atomic():
        relative = Relative.objects.select_for_update().get(pk=relative.pk)
        before = {
            "dna_consent": relative.dna_consent,
            "sampled": relative.sampled,
            "sampled_at": relative.sampled_at,
        }
        relative.dna_consent = consent
        relative.sampled = sampled_at is not None
        relative.sampled_at = sampled_at
        after = {
            "dna_consent": relative.dna_consent,
            "sampled": relative.sampled,
            "sampled_at": relative.sampled_at,
        }
        changes = diff(before, after)
        if changes:
            relative.save(update_fields=["dna_consent", "sampled", "sampled_at"])
            audit_record(
                actor=actor, action="relative_dna_set", obj=relative, context=relative.martyr, changes=changes
            )
        return relative


def relative_erase_identity(*, actor, relative: Relative, reason: str, label: str = "") -> Relative:
    """Erase a relative's name, identity number, residence and phone (a withdrawn DNA consent: Law 91/2025). The
    record stays (its relationship, that it existed), so the family is not asked again by mistake. ``actor``
    None: the person withdrew themselves (``label`` says how), nobody's access to check."""
    if actor is not None:
        _require(access.can_view_person(actor, relative))
    with transaction.atomic():
        relative = Relative.objects.select_for_update().get(pk=relative.pk)
        relative.full_name, relative.id_number, relative.residence, relative.phone = "", "", "", ""
        relative.dna_consent = False
        relative.save(update_fields=["full_name", "id_number", "residence", "phone", "dna_consent"])
        audit_record(
            actor=actor,
            action="relative_erased",
            obj=relative,
            context=relative.martyr,
            message=reason,
            label=label if actor is None else "",
        )
        return relative


ACTION_LABELS.update(
    {
        "relative_dna_set": "Cập nhật đồng ý/lấy mẫu ADN của thân nhân",
        "relative_erased": "Xóa thông tin cá nhân của thân nhân",
    }
)
labels.register(
    "registry",
    actions=ACTION_LABELS,
    fields={
        "dna_consent": ("Đồng ý cho mẫu ADN", {True: "Có", False: "Không"}),
        "sampled": ("Đã lấy mẫu", {True: "Có", False: "Không"}),
        "sampled_at": ("Ngày lấy mẫu", {}),
    },
)
