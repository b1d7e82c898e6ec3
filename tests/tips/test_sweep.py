"""Files a crash leaves behind (media without a row, upload temporary files) are swept once old enough; a
file any row names is never touched."""

import os
import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from doantu.registry.models import Document, ImportBatch, RegistryList
from doantu.tips import sweep
from doantu.tips.models import Attachment
from doantu.tips.tasks import sweep_orphans as sweep_task
from tests.conftest import make_tip, png_bytes

DAY = 24 * 3600


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_an_old_orphan_of_every_file_field_is_swept(media_root, db):
    # one file without a row where each FileField of every app (tips, registry, comms, plan, watch, DNA, …) stores
    orphans = {}
    for model, name in sweep.file_fields():
        field = model._meta.get_field(name)
        path = field.generate_filename(None, "orphan.bin")
        orphans[(model.__name__, name)] = default_storage.save(path, ContentFile(b"x"))
        age(default_storage.path(orphans[(model.__name__, name)]), 10 * DAY)
    assert {"tips", "registry", "imports", "comms", "dna"} <= {
        path.split("/")[0] for path in orphans.values()
    }
    sweep.sweep_orphans()
    left = {key: path for key, path in orphans.items() if default_storage.exists(path)}
    assert left == {}


def test_sweep_removes_old_orphans_only(source, users, media_root, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    # given files with rows: a tip's attachment, a registry document, an import's file — all old
    from doantu.tips.uploads import prepare_upload
    from tests.conftest import upload

    tip = make_tip(source, files=[prepare_upload(upload("a.png", png_bytes()))])
    attachment = Attachment.objects.get(tip=tip)
    document = Document(owner=users["campaign"].unit, kind="letter", title="Thư")
    document.file.save("thu.pdf", ContentFile(b"%PDF-1.4 thu"), save=True)
    batch = ImportBatch(
        owner=users["campaign"].unit,
        source_list=RegistryList.objects.create(owner=users["campaign"].unit, name="DS"),
        original_name="ds.csv",
        created_by=users["campaign"],
    )
    batch.file.save("ds.csv", ContentFile(b"Ho va ten\n"), save=True)
    kept = [attachment.file.name, document.file.name, batch.file.name]
    # and files no row names: two old (a crash a day ago), one young (a submission being written)
    old_orphans = [
        default_storage.save("tips/2026/11/dead.jpg", ContentFile(b"x")),
        default_storage.save("registry/2026/11/dead.pdf", ContentFile(b"x")),
    ]
    young = default_storage.save("tips/2026/11/inflight.jpg", ContentFile(b"x"))
    for name in [*kept, *old_orphans]:
        age(default_storage.path(name), 2 * DAY)
    old_temp = settings.FILE_UPLOAD_TEMP_DIR / "tmpabc.upload.mp4"
    young_temp = settings.FILE_UPLOAD_TEMP_DIR / "tmpdef.upload.jpg"
    old_temp.write_bytes(b"x")
    young_temp.write_bytes(b"x")
    age(old_temp, 2 * DAY)
    # when
    dry = sweep.sweep_orphans(dry_run=True)
    assert (dry.media_removed, dry.temp_removed) == (2, 1)
    assert all(default_storage.exists(n) for n in old_orphans)  # the dry run removed nothing
    result = sweep.sweep_orphans()
    # then
    assert (result.media_removed, result.temp_removed, result.media_kept_young) == (2, 1, 1)
    assert not any(default_storage.exists(n) for n in old_orphans)
    assert all(default_storage.exists(n) for n in kept)
    assert default_storage.exists(young)
    assert not old_temp.exists() and young_temp.exists()


def test_sweep_counts_what_it_removed(source, media_root, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path
    name = default_storage.save("tips/2026/11/dead.jpg", ContentFile(b"x"))
    age(default_storage.path(name), 2 * DAY)
    result = sweep.sweep_orphans()
    assert (result.media_removed, result.temp_removed, result.media_kept_young) == (1, 0, 0)
    assert "Đã xóa 1 tệp mồ côi" in str(result)


def test_command_and_task(source, media_root, settings, tmp_path, capsys):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path
    for n in range(2):
        name = default_storage.save(f"tips/2026/11/dead{n}.jpg", ContentFile(b"x"))
        age(default_storage.path(name), 2 * DAY)
    call_command("sweep_orphans", "--dry-run")
    assert "Đã xóa 2 tệp mồ côi" in capsys.readouterr().out
    result = sweep_task.enqueue()  # the test queue runs it at once
    assert result.return_value["media_removed"] == 2
    call_command("sweep_orphans", "--min-age-hours", "0")
    assert "Đã xóa 0 tệp mồ côi" in capsys.readouterr().out


def test_expired_cache_rows_are_removed(db):
    from django.core.cache import cache

    cache.set("short-lived", 1, timeout=-1)  # already expired
    cache.set("alive", 1, timeout=3600)
    result = sweep.sweep_orphans()
    assert result.cache_rows_removed >= 1 and cache.get("alive") == 1


def test_periodic_sweep_is_queued_once_on_the_database_queue(db, settings):
    from django_tasks_db.models import DBTaskResult

    from doantu.tips.tasks import schedule_sweep

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    DBTaskResult.objects.all().delete()
    assert schedule_sweep() is True
    assert schedule_sweep() is False  # one waiting is enough
    waiting = DBTaskResult.objects.get(task_path=sweep_task.module_path)
    assert waiting.run_after is not None


def test_an_upload_checks_working_folder_left_by_a_killed_process_is_swept(db, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    old_dir = settings.FILE_UPLOAD_TEMP_DIR / "doantu-upload-dead"
    old_dir.mkdir()
    (old_dir / "photo.jpg").write_bytes(b"x")
    age(old_dir, 2 * DAY)
    young_dir = settings.FILE_UPLOAD_TEMP_DIR / "doantu-upload-live"
    young_dir.mkdir()
    result = sweep.sweep_orphans()
    assert result.temp_removed == 1
    assert not old_dir.exists() and young_dir.exists()


def test_upload_checks_work_inside_the_swept_folder(db, settings, tmp_path, monkeypatch):
    import tempfile

    from doantu.tips.uploads import prepare_upload
    from tests.conftest import upload

    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    seen = []
    real = tempfile.TemporaryDirectory

    def spy(*args, **kwargs):
        seen.append(kwargs.get("dir"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryDirectory", spy)
    prepare_upload(upload("a.png", png_bytes()))
    assert seen and all(str(d) == str(settings.FILE_UPLOAD_TEMP_DIR) for d in seen)
