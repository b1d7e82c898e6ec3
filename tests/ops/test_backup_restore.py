"""Backup and restore of the whole system (manage.py backup / restore).

The main test runs the real commands in their own processes, each with its own database and media store, as on
two machines: a system with the demo data is backed up while a thread keeps submitting tips with files, the
archive is restored into a fresh database, and every row of every table (every column, read with the database's
own driver, not through Django) and every file hash is compared with the source at the snapshot.
On SQLite, and on PostgreSQL when the suite runs there (two databases of its own next to the test database).
"""

import gzip
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections import Counter
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from doantu.audit.models import AuditEntry
from doantu.encryption import _fernet
from doantu.ops.backup import BackupError, backup_create, backup_restore
from doantu.tips.models import Tip
from doantu.tips.sweep import file_fields

ROOT = Path(__file__).resolve().parents[2]
# Not compared: logins (not backed up, on purpose), SQLite's own bookkeeping, the migration records (compared
# as a set of names: their ids and times are the restore's).
# doantu_cache: the shared cache (rate counters, cached sources): transient, not data; the restored system
# gets the table from its migration (tips 0002), empty.
NOT_COMPARED = {"django_session", "sqlite_sequence", "django_migrations", "doantu_cache"}
# Tables a public submission writes: rows the source has and the archive has not must all be here and belong
# to tips submitted after the snapshot.
WRITTEN_BY_A_SUBMISSION = {"tips_tip", "tips_attachment", "audit_auditentry"}


# ------------------------------------------------------------------------------------------ two databases


class Side:
    """One system: a database (driver-level access) and a media directory."""

    def __init__(self, tmp: Path, name: str):
        self.name = name
        self.media = tmp / f"{name}-media"
        self.vendor = connection.vendor
        settings_dict = connection.settings_dict
        if self.vendor == "sqlite":
            self.path = tmp / f"{name}.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.dbname = f"{settings_dict['NAME']}_bk_{name}"[:63]
            self.server = {
                "host": settings_dict["HOST"] or "127.0.0.1",
                "port": settings_dict["PORT"] or 5432,
                "user": settings_dict["USER"],
                "password": settings_dict["PASSWORD"] or None,
            }
            auth = settings_dict["USER"] + (
                f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
            )
            self.url = f"postgres://{auth}@{self.server['host']}:{self.server['port']}/{self.dbname}"
            self._admin(f'DROP DATABASE IF EXISTS "{self.dbname}"', f'CREATE DATABASE "{self.dbname}"')

    def _admin(self, *statements):
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as conn:
            for sql in statements:
                conn.execute(sql)

    def drop(self):
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')

    def connect(self):
        if self.vendor == "sqlite":
            return sqlite3.connect(self.path)
        import psycopg

        return psycopg.connect(dbname=self.dbname, **self.server)

    def tables(self) -> dict[str, list]:
        """table -> rows (each a tuple of every column, normalised to compare), read with the driver."""
        found = {}
        with self.connect() as conn:
            cur = conn.cursor()
            if self.vendor == "sqlite":
                cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            else:
                cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            names = sorted(r[0] for r in cur.fetchall())
            for table in names:
                cur.execute(f'SELECT * FROM "{table}"')
                columns = tuple(d[0] for d in cur.description)
                found[table] = (columns, [tuple(_plain(v) for v in row) for row in cur.fetchall()])
        return found

    def migrations(self) -> set:
        with self.connect() as conn:
            cur = conn.cursor()
            cur.execute("SELECT app, name FROM django_migrations")
            return set(cur.fetchall())

    def files(self) -> dict[str, str]:
        return {
            p.relative_to(self.media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in self.media.rglob("*")
            if p.is_file()
        }


def _plain(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _env(side: Side, tmp: Path, keys: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DOANTU_ENV="dev",
        DATABASE_URL=side.url,
        MEDIA_ROOT=str(side.media),
        DOANTU_DATA_DIR=str(tmp / f"{side.name}-data"),
        SECRET_KEY="backup-test-secret-key-0123456789-abcdefghijklmnop",
        FIELD_ENCRYPTION_KEYS=keys,
        TASK_BACKEND="django_tasks_db.DatabaseBackend",
        DJANGO_SETTINGS_MODULE="doantu.settings",
    )
    return env


def _run(args, env) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


# ------------------------------------------------------------------------------------------ the main test


def test_a_backup_taken_under_load_restores_every_row_and_file(tmp_path):
    keys = Fernet.generate_key().decode()
    source, target = Side(tmp_path, "src"), Side(tmp_path, "dst")
    archive = tmp_path / "backup.tar"
    try:
        load = _run(["tests/ops/backup_under_load.py", str(archive)], _env(source, tmp_path, keys))
        stats = json.loads(load.stdout.strip().splitlines()[-1])
        assert stats["errors"] == []
        # The README's order on the new machine: migrate (which writes content types and permissions), then
        # restore (which replaces those with the archive's own, as foreign keys point at their ids).
        _run(["manage.py", "migrate", "-v0"], _env(target, tmp_path, keys))
        restored = _run(["manage.py", "restore", str(archive)], _env(target, tmp_path, keys))

        src, dst = source.tables(), target.tables()
        src_files, dst_files = source.files(), target.files()
        assert source.migrations() == target.migrations()
        assert set(src) == set(dst)

        restored_tips = {row[0] for row in dst["tips_tip"][1]}
        tip_id = src["tips_tip"][0].index("id")
        late_tips = {row[tip_id] for row in src["tips_tip"][1]} - restored_tips
        # The load overlapped the backup: tips committed before the snapshot are in, the ones committed while
        # it was being read (at least three) and after are not. The demo data has tips of its own.
        demo = stats["demo_tips"]
        assert stats["submitted_during_backup"] >= 3
        assert (
            stats["submitted_before_backup"]
            <= len(restored_tips) - demo
            <= stats["submitted_before_backup"] + 1
        )
        assert len(late_tips) >= stats["submitted_during_backup"] + 2
        assert max(restored_tips) < min(late_tips)  # one writer: the snapshot is a prefix of its commits
        assert stats["submitted"] == len(restored_tips) + len(late_tips) - demo

        compared_rows = 0
        for table in sorted(set(src) - NOT_COMPARED):
            (src_columns, src_rows), (dst_columns, dst_rows) = src[table], dst[table]
            assert src_columns == dst_columns, table
            missing = Counter(src_rows) - Counter(dst_rows)
            extra = Counter(dst_rows) - Counter(src_rows)
            assert not extra, f"{table}: rows that the source never had: {list(extra)[:3]}"
            for row in missing:
                assert table in WRITTEN_BY_A_SUBMISSION, f"{table}: row not restored: {row}"
                values = dict(zip(src_columns, row, strict=True))
                if table == "tips_tip":
                    assert values["id"] in late_tips
                elif table == "tips_attachment":
                    assert values["tip_id"] in late_tips
                else:
                    assert (values["context_type"], int(values["context_id"])) in {
                        ("tips.tip", t) for t in late_tips
                    }
            compared_rows += len(dst_rows)

        # Files: every file a restored row names (any app's file field), with the source's content; only late
        # tips' files left out.
        named = set()
        for model, field_name in file_fields():
            table, column = model._meta.db_table, model._meta.get_field(field_name).column
            if table in dst:
                at = dst[table][0].index(column)
                named.update(row[at] for row in dst[table][1] if row[at])
        assert named - {
            dict(zip(dst["tips_attachment"][0], r, strict=True))["file"] for r in dst["tips_attachment"][1]
        }
        assert set(dst_files) == named
        for name, digest in dst_files.items():
            assert src_files[name] == digest, name
        late_files = {
            dict(zip(src["tips_attachment"][0], row, strict=True))["file"]
            for row in src["tips_attachment"][1]
            if dict(zip(src["tips_attachment"][0], row, strict=True))["tip_id"] in late_tips
        }
        assert set(src_files) - set(dst_files) == late_files

        # Encrypted names stayed ciphertext, readable with the same keys on the restored system.
        names = dst["tips_tip"]
        name_at = names[0].index("reporter_name")
        stored = [row[name_at] for row in names[1] if row[name_at]]
        assert stored and not any("Người gửi" in value for value in stored)

        print(
            f"\n[backup under load, {connection.vendor}] tips: {stats['submitted_before_backup']} before the "
            f"backup, {stats['submitted_during_backup']} during it, {len(restored_tips)} in the snapshot (with "
            f"the demo data's), {len(late_tips)} not; rows compared "
            f"{compared_rows} in {len(set(src) - NOT_COMPARED)} tables; files compared {len(dst_files)}; "
            f"backup {stats['backup_seconds']:.2f} s; restore: {restored.stdout.splitlines()[0]}"
        )
    finally:
        source.drop()
        target.drop()


# ------------------------------------------------------------------------------------------ a small system


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """One tip with two files and a login session, backed up (in its own process, on SQLite) as it is and
    after one file vanished from the store. Same keys as this test process, so it can read the archives."""
    from django.conf import settings

    tmp = tmp_path_factory.mktemp("small")
    side = Side.__new__(Side)
    side.name, side.media, side.vendor = "small", tmp / "small-media", "sqlite"
    side.path = tmp / "small.sqlite3"
    side.url = f"sqlite:///{side.path}"
    env = _env(side, tmp, ",".join(settings.FIELD_ENCRYPTION_KEYS))
    env["SECRET_KEY"] = settings.SECRET_KEY
    done = _run(["tests/ops/backup_under_load.py", str(tmp / "small.tar"), "small"], env)
    return {
        "archive": tmp / "small.tar",
        "missing_archive": tmp / "small.tar.missing.tar",
        "missing": json.loads(done.stdout.strip().splitlines()[-1])["missing"],
        "side": side,
        "env": env,
        "tmp": tmp,
    }


@pytest.fixture
def archive(small, tmp_path):
    copy = tmp_path / "b.tar"
    copy.write_bytes(small["archive"].read_bytes())
    return copy


def _archive_member(path: Path, name: str) -> bytes:
    with tarfile.open(path) as tar:
        return tar.extractfile(name).read()


def _rewrite(path: Path, name: str, change) -> None:
    """Rewrite one member of an archive (a damaged or tampered copy)."""
    with tarfile.open(path) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for member, data in members:
            if member.name == name:
                data = change(data)
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


def _rows_of(path: Path, label: str) -> list[list]:
    data = gzip.decompress(_archive_member(path, f"data/{label}.jsonl.gz"))
    return [json.loads(line) for line in data.decode().splitlines()]


def test_the_archive_holds_every_table_the_files_and_ciphertext_as_stored(small):
    out = small["archive"]
    assert out.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    manifest = json.loads(_archive_member(out, "manifest.json"))

    models_ = {t["model"]: t for t in manifest["tables"]}
    assert {"tips.tip", "tips.attachment", "audit.auditentry", "org.user", "auth.permission"} <= set(models_)
    assert {"django_tasks_database.dbtaskresult", "otp_totp.totpdevice", "admin.logentry"} <= set(models_)
    assert "registry.historicalmartyr" in models_
    assert "sessions.session" not in models_ and "sessions.session" in manifest["excluded"]
    # every concrete column of the audit table, whatever it has today
    assert [f["name"] for f in models_["audit.auditentry"]["fields"]] == [
        f.attname for f in AuditEntry._meta.concrete_fields
    ]
    assert models_["audit.auditentry"]["rows"] >= 1
    assert manifest["schema"]["latest"]["tips"] == max(manifest["schema"]["applied"]["tips"])
    assert manifest["app"]["version"] == "0.1.0"
    assert "FIELD_ENCRYPTION_KEYS" in manifest["keys"]

    # the reporter's name and phone: the ciphertext exactly as stored, never the plain text
    fields = [f["name"] for f in models_["tips.tip"]["fields"]]
    (row,) = _rows_of(out, "tips.tip")
    with sqlite3.connect(small["side"].path) as conn:
        stored = conn.execute("SELECT reporter_name, reporter_phone, created_at FROM tips_tip").fetchone()
    assert [row[fields.index("reporter_name")], row[fields.index("reporter_phone")]] == list(stored[:2])
    assert "Người gửi" not in stored[0] and _fernet().decrypt(stored[0].encode()).decode() == "Người gửi 1"
    assert row[fields.index("created_at")].startswith(stored[2][:19].replace(" ", "T"))  # microseconds kept
    assert len(row[fields.index("created_at")]) > 25

    # both files, with their checksums; every member checksummed, nothing else in the archive
    attachments = _rows_of(out, "tips.attachment")
    names = [r[[f["name"] for f in models_["tips.attachment"]["fields"]].index("file")] for r in attachments]
    assert len(names) == 2
    in_store = small["side"].files()  # one of them was deleted after this backup
    for name in names:
        digest = hashlib.sha256(_archive_member(out, f"media/{name}")).hexdigest()
        assert manifest["members"][f"media/{name}"]["sha256"] == digest
        assert in_store.get(name, digest) == digest
    assert len(set(names) - set(in_store)) == 1
    with tarfile.open(out) as tar:
        assert {m.name for m in tar.getmembers()} == set(manifest["members"]) | {"manifest.json"}


def test_a_file_the_data_names_but_the_store_lacks_is_reported(small):
    manifest = json.loads(_archive_member(small["missing_archive"], "manifest.json"))
    assert manifest["missing_files"] == [small["missing"]]
    assert f"media/{small['missing']}" not in manifest["members"]


def test_restore_on_an_empty_machine_then_refuses_to_run_again(small, tmp_path):
    target = Side.__new__(Side)
    target.name, target.media, target.vendor = "fresh", tmp_path / "fresh-media", "sqlite"
    target.path = tmp_path / "fresh.sqlite3"
    target.url = f"sqlite:///{target.path}"
    env = {**small["env"], "DATABASE_URL": target.url, "MEDIA_ROOT": str(target.media)}
    done = _run(["manage.py", "restore", str(small["archive"])], env)
    assert "2 tệp" in done.stdout and "tips.tip: 1" in done.stdout
    assert target.files() == small["side"].files() | {
        small["missing"]: hashlib.sha256(
            _archive_member(small["archive"], f"media/{small['missing']}")
        ).hexdigest()
    }
    with sqlite3.connect(target.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM django_session").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM tips_attachment").fetchone() == (2,)

    again = subprocess.run(
        [sys.executable, "manage.py", "restore", str(small["archive"])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.returncode != 0 and "đã có dữ liệu" in again.stderr


# ------------------------------------------------------------------------------------------ refusals


def test_a_backup_inside_a_transaction_is_refused(db, tmp_path):
    with pytest.raises(BackupError, match="ngoài mọi giao dịch"):
        backup_create(out=tmp_path / "b.tar")
    assert not (tmp_path / "b.tar").exists()


def _state(media_root):
    return (
        sorted(p.name for p in media_root.rglob("*") if p.is_file()),
        Tip.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("member", ["data/tips.tip.jsonl.gz", "data/audit.auditentry.jsonl.gz", "media"])
def test_a_damaged_archive_is_refused_before_anything_is_written(db, archive, media_root, member):
    if member == "media":
        member = next(
            m for m in json.loads(_archive_member(archive, "manifest.json"))["members"] if m[:6] == "media/"
        )
    _rewrite(archive, member, lambda data: data[:-1] + bytes([data[-1] ^ 1]))
    before = _state(media_root)
    with pytest.raises(BackupError, match="SHA-256"):
        backup_restore(archive=archive)
    assert _state(media_root) == before


def test_a_database_with_data_is_refused_never_merged(ward, archive, media_root):
    before = _state(media_root)
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("restore", archive)
    assert _state(media_root) == before


def test_other_encryption_keys_are_refused(db, archive, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    _fernet.cache_clear()
    try:
        with pytest.raises(BackupError, match="FIELD_ENCRYPTION_KEYS"):
            backup_restore(archive=archive)
    finally:
        _fernet.cache_clear()


def test_an_archive_from_a_newer_schema_is_refused_clearly(db, archive):
    def newer(data):
        manifest = json.loads(data)
        manifest["schema"]["applied"]["tips"].append("9999_from_the_future")
        manifest["schema"]["latest"]["tips"] = "9999_from_the_future"
        return json.dumps(manifest).encode()

    _rewrite(archive, "manifest.json", newer)
    with pytest.raises(BackupError, match="mới hơn mã nguồn.*tips.9999_from_the_future"):
        backup_restore(archive=archive)


def test_not_an_archive(db, tmp_path):
    bogus = tmp_path / "x.tar"
    bogus.write_bytes(b"not a tar file at all" * 40)
    with pytest.raises(CommandError, match="không phải một bản sao lưu"):
        call_command("restore", bogus)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs the PostgreSQL server the suite runs on")
def test_a_sqlite_archive_restores_into_postgresql_and_backs_up_the_same(small, tmp_path):
    """The dump is database-agnostic: SQLite → archive → PostgreSQL → archive gives the same rows (JSON
    compared parsed: PostgreSQL orders a jsonb's keys its own way) and the same files."""
    target = Side(tmp_path, "pg")
    try:
        env = {**small["env"], "DATABASE_URL": target.url, "MEDIA_ROOT": str(target.media)}
        _run(["manage.py", "restore", str(small["archive"])], env)
        again = tmp_path / "again.tar"
        _run(["manage.py", "backup", "--out", str(again)], env)
        first = json.loads(_archive_member(small["archive"], "manifest.json"))
        second = json.loads(_archive_member(again, "manifest.json"))
        assert set(first["members"]) == set(second["members"])
        for member in first["members"]:
            if member.startswith("data/"):
                assert _rows_of(small["archive"], member[5:-9]) == _rows_of(again, member[5:-9]), member
            else:
                assert first["members"][member] == second["members"][member]
    finally:
        target.drop()
