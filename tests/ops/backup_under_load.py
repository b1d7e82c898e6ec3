"""Run by tests/ops/test_backup_restore.py in its own process (its own DATABASE_URL and MEDIA_ROOT): set up a
system with the demo data, then take a backup while a thread keeps submitting tips with files through
``tip_submit``. Prints one JSON line of figures. Usage: python tests/ops/backup_under_load.py ARCHIVE [small]"""

import io
import json
import os
import sys
import threading
import time
import uuid

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doantu.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from PIL import Image  # noqa: E402

from doantu.ops import backup as backup_module  # noqa: E402
from doantu.ops.backup import backup_create  # noqa: E402
from doantu.tips.models import Source, Tip  # noqa: E402
from doantu.tips.services import Submission, tip_submit  # noqa: E402
from doantu.tips.uploads import prepare_upload  # noqa: E402


def pdf(n: int) -> bytes:
    """A valid PDF (the intake refuses anything after %%EOF), different for every ``n``."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200 + n, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def submit(n: int) -> None:
    image = io.BytesIO()
    Image.new("RGB", (40 + n % 50, 30), (n % 256, 80, 40)).save(image, "PNG")
    files = [
        prepare_upload(SimpleUploadedFile(f"anh-{n}.png", image.getvalue(), content_type="image/png")),
        prepare_upload(SimpleUploadedFile(f"thu-{n}.pdf", pdf(n), "application/pdf")),
    ]
    tip_submit(
        source=Source.objects.get(code="dx"),
        submission=Submission(
            kinds=["grave"],
            account=f"Lời kể số {n}: ngôi mộ ở đồi thông.",
            consent_processing=True,
            consent_contact=True,
            reporter_name=f"Người gửi {n}",
            reporter_phone=f"0912{n:06d}",
            latitude="22.146000",
            longitude="105.834000",
            location_source="gps",
        ),
        files=files,
        submission_key=uuid.uuid4().hex,
    )


def small(archive: str) -> None:
    """A small system: the ward, one tip with two files, an open login session. Backed up twice: as it is,
    and after one file has vanished from the store."""
    from django.contrib.sessions.backends.db import SessionStore

    from doantu.tips.models import Attachment

    call_command("migrate", verbosity=0)
    call_command("seed_ward", stdout=io.StringIO())
    submit(1)
    session = SessionStore()
    session["x"] = 1
    session.create()
    backup_create(out=archive)
    attachment = Attachment.objects.order_by("pk").first()
    attachment.file.storage.delete(attachment.file.name)
    backup_create(out=archive + ".missing.tar")
    print(json.dumps({"missing": attachment.file.name}))


def main() -> None:
    archive = sys.argv[1]
    if sys.argv[2:] == ["small"]:
        return small(archive)
    call_command("migrate", verbosity=0)
    call_command("seed_ward", stdout=io.StringIO())
    call_command("demo_data", stdout=io.StringIO())
    demo_tips = Tip.objects.count()
    for n in range(3):
        submit(n)

    done = {"count": 3, "errors": []}
    stop_after: list[int] = []

    def load() -> None:
        n = 3
        try:
            while not stop_after or done["count"] < stop_after[0]:
                submit(n)
                n += 1
                done["count"] = n
        except Exception as exc:  # reported to the test, which fails on any
            done["errors"].append(repr(exc))
        finally:
            connections.close_all()

    worker = threading.Thread(target=load)
    worker.start()
    while done["count"] < 6 and worker.is_alive():
        time.sleep(0.01)
    # Hold the snapshot open (after the first table is read) until the load has committed three more tips:
    # they and their files exist in the source when the rest is read, and must not be in the archive.
    first_table = backup_module._dump_table
    held = []

    def dump_table(*args, **kwargs):
        info = first_table(*args, **kwargs)
        if not held:
            held.append(done["count"])
            deadline = time.monotonic() + 60
            while done["count"] < held[0] + 3 and worker.is_alive() and time.monotonic() < deadline:
                time.sleep(0.01)
        return info

    backup_module._dump_table = dump_table
    before = done["count"]
    started = time.monotonic()
    try:
        report = backup_create(out=archive)
        during = done["count"] - before
    finally:
        seconds = time.monotonic() - started
        stop_after.append(done["count"] + 3)  # and a few more after the snapshot
        worker.join()
    print(
        json.dumps(
            {
                "demo_tips": demo_tips,
                "submitted_before_backup": before,
                "submitted_during_backup": during,
                "submitted": done["count"],
                "errors": done["errors"],
                "backup_seconds": seconds,
                "rows": sum(report.rows.values()),
                "files": report.files,
                "missing_files": report.missing_files,
            }
        )
    )


if __name__ == "__main__":
    main()
