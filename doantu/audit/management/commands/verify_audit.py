"""Verify the audit trail's hash chain; report the first break and exit non-zero on one.

manage.py verify_audit                              # the whole chain
manage.py verify_audit --anchor-file /srv/anchors   # also: every head recorded there is still in place,
                                                    # then record today's head (run it from cron, and keep
                                                    # the file off the database server)
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from doantu.audit import chain
from doantu.audit.models import AuditEntry


def _when(at) -> str:
    return timezone.localtime(at).strftime("%d/%m/%Y %H:%M:%S %Z")


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký thay đổi; báo chỗ đứt đầu tiên (mã thoát khác 0 nếu đứt)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="ID:HASH",
            help="a head recorded earlier (verify_audit prints it): that entry must still be there, unchanged",
        )
        parser.add_argument(
            "--anchor-file",
            type=Path,
            help="a file of heads recorded earlier (one ID:HASH a line): check them all, then append today's head",
        )

    def handle(self, *args, **options):
        rows = AuditEntry.objects.order_by("id").values("id", "prev_hash", "entry_hash", *chain.FIELDS)
        result = chain.verify(rows.iterator(chunk_size=2000))
        if result.broken:
            broken = result.broken
            raise CommandError(
                f"audit chain broken at entry #{broken.entry_id} ({_when(broken.at)}): {broken.reason}. "
                f"{result.count} entries before it verify."
            )
        anchors = list(options["anchor"])
        anchor_file: Path | None = options["anchor_file"]
        if anchor_file and anchor_file.exists():
            anchors += [line.strip() for line in anchor_file.read_text().splitlines() if line.strip()]
        for anchor in anchors:
            entry_id, _, digest = anchor.partition(":")
            if not entry_id.isdigit() or len(digest) != 64:
                raise CommandError(f"not an anchor (ID:HASH): {anchor!r}")
            found = AuditEntry.objects.filter(pk=int(entry_id)).values_list("entry_hash", flat=True).first()
            if found != digest:
                state = "is missing" if found is None else "has another hash"
                raise CommandError(
                    f"audit chain broken: entry #{entry_id}, a head recorded earlier, {state} "
                    "(entries at the end of the trail were removed or replaced)"
                )
        head = f"{result.head_id}:{result.head_hash}" if result.head_id is not None else "(empty)"
        if anchor_file and result.head_id is not None:
            with anchor_file.open("a") as out:
                out.write(head + "\n")
        self.stdout.write(f"audit chain OK: {result.count} entries, head {head}")
