"""A ward's report for a period, from the shell: DOCX (ND 30/2020 layout), its XLSX annex and the PDF.

    python manage.py campaign_report --ward 01840 --kind monthly --period 2026-11 --out report.docx \\
        --xlsx annex.xlsx --pdf report.pdf [--number 12 --date 2026-11-30 --signer "Nguyễn Văn A"]

Nothing is saved in the database: the figures are today's (the same indicators the dashboard shows); a report to
approve and send is made on the reports page."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from doantu.org.models import OrgUnit, UnitKind
from doantu.reports import services
from doantu.reports.models import Report, ReportKind, ReportStatus


class Command(BaseCommand):
    help = "Lập báo cáo của phường cho một kỳ (DOCX, XLSX, PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--ward", required=True, help="mã phường, ví dụ 01840")
        parser.add_argument("--kind", required=True, choices=ReportKind.values)
        parser.add_argument(
            "--period", required=True, help="2026-11, 2026-W45, 2026-Q4, phase-2, 2026-11-01..2026-11-30"
        )
        parser.add_argument("--out", help="tệp DOCX")
        parser.add_argument("--xlsx", help="tệp XLSX (phụ lục số liệu)")
        parser.add_argument("--pdf", help="tệp PDF (cần LibreOffice)")
        parser.add_argument("--number", type=int, help="số văn bản (để trống: dự thảo chưa có số)")
        parser.add_argument("--date", help="ngày ban hành YYYY-MM-DD")
        parser.add_argument("--signer", default="", help="họ tên người ký")
        parser.add_argument("--title", default="")

    def handle(self, *args, **o):
        if not (o["out"] or o["xlsx"] or o["pdf"]):
            raise CommandError("Hãy chỉ ít nhất một tệp ra: --out, --xlsx hoặc --pdf.")
        ward = OrgUnit.objects.filter(kind=UnitKind.WARD, code=o["ward"]).first()
        if ward is None:
            raise CommandError(f"Không có phường mã {o['ward']}.")
        try:
            period = services.period_for(o["kind"], o["period"], ward)
            issued = dt.date.fromisoformat(o["date"]) if o["date"] else None
        except (services.ReportError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        report = Report(
            ward=ward,
            kind=o["kind"],
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            period_number=period.number,
            title=o["title"] or services.default_title(o["kind"], period, ward),
            recipients=services.default_recipients(ward),
            signer_name=o["signer"],
            status=ReportStatus.APPROVED,  # no "DỰ THẢO" line: the shell's report is for printing
            number=o["number"],
            issued_on=issued,
        )
        docx = services.render_docx(report)
        if o["out"]:
            with open(o["out"], "wb") as fh:
                fh.write(docx)
            self.stdout.write(f"DOCX: {o['out']}")
        if o["xlsx"]:
            with open(o["xlsx"], "wb") as fh:
                fh.write(services.render_xlsx(report))
            self.stdout.write(f"XLSX: {o['xlsx']}")
        if o["pdf"]:
            from doantu.documents.pdf import DocumentsUnavailable, docx_to_pdf

            try:
                pdf = docx_to_pdf(docx)
            except DocumentsUnavailable as exc:
                raise CommandError(str(exc)) from exc
            with open(o["pdf"], "wb") as fh:
                fh.write(pdf)
            self.stdout.write(f"PDF: {o['pdf']}")
