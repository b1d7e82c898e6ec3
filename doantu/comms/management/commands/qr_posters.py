"""``manage.py qr_posters --ward 01840 --size a4 --out posters.pdf``: one poster page per active QR source of a
ward (or of the sources named with ``--source``), as one PDF to print."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doantu.comms import posters
from doantu.documents.pdf import DocumentsUnavailable
from doantu.org.models import OrgUnit, UnitKind
from doantu.tips.models import Source


class Command(BaseCommand):
    help = "In áp phích mã QR (A4, A3 hoặc băng-rôn 3:1) cho các nguồn đang dùng của một phường, một trang mỗi mã."

    def add_arguments(self, parser):
        parser.add_argument("--ward", required=True, help="mã phường (vd. 01840)")
        parser.add_argument("--size", default="a4", choices=sorted(posters.LAYOUTS), help="khổ in")
        parser.add_argument("--out", required=True, help="tệp PDF ghi ra")
        parser.add_argument(
            "--source", action="append", default=[], help="chỉ mã này (lặp lại để chọn nhiều mã), vd. dx-tdp1"
        )
        parser.add_argument("--docx", action="store_true", help="ghi bản DOCX thay vì PDF (để sửa thêm)")

    def handle(self, *args, ward, size, out, source, docx, **options):
        unit = OrgUnit.objects.filter(kind=UnitKind.WARD, code=ward).first()
        if unit is None:
            raise CommandError(f"Không có phường mã {ward}.")
        sources = (
            Source.objects.filter(ward=unit, active=True).select_related("ward").order_by("kind", "name")
        )
        if source:
            codes = [c.strip().lower() for c in source]
            found = {s.code: s for s in sources.filter(code__in=codes)}
            missing = [c for c in codes if c not in found]
            if missing:
                raise CommandError("Không có mã đang dùng của phường này: " + ", ".join(missing))
            sources = [found[c] for c in codes]
        sources = list(sources)
        if not sources:
            raise CommandError("Phường này không có mã QR nào đang dùng.")
        pages = [posters.page_for(s) for s in sources]
        try:
            data = posters.posters_docx(pages, size=size) if docx else posters.posters_pdf(pages, size=size)
        except DocumentsUnavailable as exc:
            raise CommandError(str(exc)) from exc
        Path(out).write_bytes(data)
        self.stdout.write(
            f"{out}: {len(sources)} trang ({posters.LAYOUTS[size].label}), địa chỉ {posters.public_base_url()}"
        )
