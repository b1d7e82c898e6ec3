"""Reports: draft → approved (leadership) → sent (with its number, archived, immutable). Every write is audited.

The figures of a report come from ``doantu.indicators`` — the same functions the dashboard calls — computed live while
the report is a draft and frozen into ``Report.figures`` when leadership approves it; a sent report keeps the DOCX,
XLSX and PDF it was sent as."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from doantu import indicators
from doantu.audit import labels
from doantu.audit.services import audit_record, diff
from doantu.documents.official import OfficialDocument
from doantu.documents.pdf import DocumentsUnavailable, docx_to_pdf, pdf_available
from doantu.documents.xlsx import Sheet, workbook
from doantu.indicators import SYSTEM, Breakdown, Period
from doantu.indicators.periods import PeriodError, parse_period
from doantu.org.models import OrgUnit, UnitKind

from . import access
from .models import Report, ReportKind, ReportStatus

labels.register(
    "reports",
    actions={
        "report_created": "Tạo dự thảo báo cáo",
        "report_edited": "Sửa dự thảo báo cáo",
        "report_approved": "Duyệt báo cáo",
        "report_sent": "Gửi báo cáo",
        "rollup_exported": "Xuất số liệu đã ký",
        "rollup_imported": "Nhận số liệu của phường",
        "ward_key_added": "Đăng ký khóa ký số liệu của phường",
    },
    fields={
        "status": ("Trạng thái", dict(ReportStatus.choices)),
        "number": ("Số văn bản", {}),
        "title": ("Trích yếu", {}),
    },
)


class ReportError(Exception):
    """A request that cannot be done as asked; the message is for the person (Vietnamese)."""


# The narrative sections staff write (the usual outline of a Vietnamese periodic report: results, assessment,
# next tasks, proposals — ND 30/2020 leaves the body to the issuer).
NARRATIVE = [
    ("situation", "Tình hình chung", "Tình hình triển khai trong kỳ (do cán bộ viết)."),
    ("assessment", "Đánh giá chung", "Ưu điểm, hạn chế và nguyên nhân."),
    ("next_tasks", "Nhiệm vụ trọng tâm kỳ tới", "Những việc sẽ làm trong kỳ tới."),
    ("proposals", "Đề xuất, kiến nghị", "Đề xuất với cấp trên (nếu có)."),
]
NARRATIVE_KEYS = {key for key, _, _ in NARRATIVE}
NARRATIVE_MAX = 20000

KIND_PERIOD = {
    ReportKind.WEEKLY: "week",
    ReportKind.MONTHLY: "month",
    ReportKind.QUARTERLY: "quarter",
}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


def period_for(kind: str, text: str, ward: OrgUnit) -> Period:
    """The period of a report of ``kind`` given as typed ("2026-11", "2026-W45", "2026-Q4", "phase-2", a range)."""
    try:
        period = parse_period(text, ward)
    except PeriodError as exc:
        raise ReportError(str(exc)) from exc
    expected = KIND_PERIOD.get(kind)
    if expected and period.kind != expected:
        words = {
            "week": "một tuần (2026-W45)",
            "month": "một tháng (2026-11)",
            "quarter": "một quý (2026-Q4)",
        }
        raise ReportError(f"{ReportKind(kind).label} cần kỳ là {words[expected]}.")
    if kind == ReportKind.PHASE and period.kind != "phase":
        raise ReportError("Báo cáo sơ kết giai đoạn cần kỳ là một giai đoạn của kế hoạch (ví dụ phase-2).")
    return period


def default_title(kind: str, period: Period, ward: OrgUnit) -> str:
    subject = "công tác truyền thông Chiến dịch tìm kiếm, quy tập và xác định danh tính hài cốt liệt sĩ"
    if kind == ReportKind.PHASE:
        return f"Sơ kết {period.phrase} thực hiện {subject}"
    if kind == ReportKind.FINAL:
        return f"Tổng kết thực hiện {subject}"
    return f"Kết quả thực hiện {subject} {period.phrase}"


def default_recipients(ward: OrgUnit) -> str:
    """The usual addressees of a ward's report on the campaign (the plan's "báo cáo cơ quan cấp trên", V.4)."""
    province = ward.nearest(UnitKind.PROVINCE)
    lines = []
    if province is not None:
        lines.append(f"UBND {province.name[0].lower()}{province.name[1:]} (b/c)")
        home_affairs = OrgUnit.objects.filter(parent=province, agency_type="home_affairs").first()
        if home_affairs is not None:
            lines.append(f"{home_affairs.name} (b/c)")
    lines += ["Thường trực Đảng ủy phường (b/c)", "Chủ tịch, các Phó Chủ tịch UBND phường", "Lưu: VT, VH-XH"]
    return "\n".join(lines)


def _clean_narrative(narrative: dict[str, Any] | None) -> dict[str, str]:
    out = {}
    for key, value in (narrative or {}).items():
        if key not in NARRATIVE_KEYS:
            raise ReportError(f"Không có mục “{key}” trong báo cáo.")
        text = str(value or "").replace("\r\n", "\n").strip()
        if len(text) > NARRATIVE_MAX:
            raise ReportError(f"Mục “{dict((k, t) for k, t, _ in NARRATIVE)[key]}” quá dài.")
        out[key] = text
    return out


def report_create(
    *, actor, ward: OrgUnit, kind: str, period_text: str, title: str = "", narrative: dict | None = None
) -> Report:
    if kind not in ReportKind.values:
        raise ReportError("Hãy chọn loại báo cáo.")
    access.require(access.can_draft(actor, ward), "Chỉ cán bộ chiến dịch của phường được lập báo cáo.")
    period = period_for(kind, period_text, ward)
    with transaction.atomic():
        report = Report.objects.create(
            ward=ward,
            kind=kind,
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            period_number=period.number,
            title=(title or "").strip()[:300] or default_title(kind, period, ward),
            recipients=default_recipients(ward),
            narrative=_clean_narrative(narrative),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(actor=actor, action="report_created", obj=report, message=f"{report} ({period.label})")
    return report


EDITABLE = ("title", "recipients", "signer_authority", "signer_title", "signer_name")


def report_update(*, actor, report: Report, changes: dict[str, Any]) -> Report:
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.DRAFT:
            raise ReportError("Chỉ sửa được dự thảo; báo cáo đã duyệt hoặc đã gửi được giữ nguyên.")
        access.require(access.can_edit(actor, report))
        fields = {k: str(v or "").strip() for k, v in changes.items() if k in EDITABLE}
        if "title" in fields and not fields["title"]:
            raise ReportError("Trích yếu không được để trống.")
        if "recipients" in fields and not fields["recipients"]:
            raise ReportError("Hãy ghi nơi nhận.")
        before = {k: getattr(report, k) for k in fields}
        for k, v in fields.items():
            setattr(report, k, v[:300] if k != "recipients" else v)
        if "narrative" in changes:
            before["narrative"] = report.narrative
            report.narrative = {**report.narrative, **_clean_narrative(changes["narrative"])}
            fields["narrative"] = report.narrative
        report.save()
        audit_record(actor=actor, action="report_edited", obj=report, changes=diff(before, fields))
    return report


def report_approve(*, actor, report: Report) -> Report:
    """Leadership approves the draft: its figures are frozen as they are now."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.DRAFT:
            raise ReportError("Báo cáo này đã được duyệt.")
        access.require(access.can_approve(actor, report), "Chỉ lãnh đạo UBND phường được duyệt báo cáo.")
        report.figures = snapshot(report.ward, report.period)
        report.status = ReportStatus.APPROVED
        report.approved_by = actor
        report.approved_at = timezone.now()
        report.save()
        audit_record(
            actor=actor,
            action="report_approved",
            obj=report,
            changes={"status": [ReportStatus.DRAFT, ReportStatus.APPROVED]},
        )
    return report


def report_send(*, actor, report: Report, number: int, issued_on: dt.date | None = None) -> Report:
    """Give the approved report its number and date, render it once (DOCX, XLSX, PDF) and archive it."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise ReportError("Số văn bản phải là một số.") from None
    if number <= 0:
        raise ReportError("Số văn bản phải là một số dương.")
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.APPROVED:
            raise ReportError("Chỉ gửi được báo cáo đã được lãnh đạo duyệt.")
        access.require(access.can_send(actor, report))
        taken = Report.objects.filter(
            ward=report.ward, symbol=report.symbol, number=number, issued_on__year=issued_on.year
        ).exclude(pk=report.pk)
        if taken.exists():
            raise ReportError(
                f"Số {number}/{report.symbol} năm {issued_on.year} đã dùng cho một văn bản khác."
            )
        report.number = number
        report.issued_on = issued_on
        report.docx = render_docx(report)
        report.xlsx = render_xlsx(report)
        if pdf_available():
            try:
                report.pdf = docx_to_pdf(bytes(report.docx))
            except DocumentsUnavailable:
                report.pdf = None  # the DOCX is the document; a PDF can be made from it later
        report.docx_sha256 = hashlib.sha256(bytes(report.docx)).hexdigest()
        report.status = ReportStatus.SENT
        report.sent_by = actor
        report.sent_at = timezone.now()
        Report.objects.filter(pk=report.pk).update(
            **{
                f: getattr(report, f)
                for f in (
                    "number",
                    "issued_on",
                    "docx",
                    "xlsx",
                    "pdf",
                    "docx_sha256",
                    "status",
                    "sent_by",
                    "sent_at",
                )
            }
        )
        audit_record(
            actor=actor,
            action="report_sent",
            obj=report,
            changes={"status": [ReportStatus.APPROVED, ReportStatus.SENT], "number": [None, number]},
            message=f"Số {number}/{report.symbol}, sha256 {report.docx_sha256[:16]}…",
        )
    return report


# ------------------------------------------------------------------------------------------- figures


def snapshot(unit: OrgUnit, period: Period) -> dict[str, Any]:
    """Every indicator of ``unit`` for ``period`` as plain JSON (numbers; breakdowns as dicts)."""
    out = {}
    for name, value in indicators.figures(viewer=SYSTEM, unit=unit, period=period).items():
        out[name] = value.as_dict() if isinstance(value, Breakdown) else value
    return out


def report_figures(report: Report) -> dict[str, Any]:
    """The report's figures: frozen once approved, today's while a draft. Breakdowns as ``Breakdown``."""
    data = report.figures if report.figures is not None else snapshot(report.ward, report.period)
    return {k: Breakdown.from_dict(v) if isinstance(v, dict) else v for k, v in data.items()}


def format_number(value, unit: str = "") -> str:
    if value is None:
        return "chưa có số liệu"
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.1f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    else:
        text = f"{int(value):,}".replace(",", ".")
    return f"{text} {unit}".strip()


def _figure_sections(figures: dict[str, Any]) -> list[tuple[str, list[tuple[indicators.Indicator, Any]]]]:
    sections: dict[str, list] = {}
    for ind in indicators.all_indicators():
        if ind.name in figures:
            sections.setdefault(ind.section_label, []).append((ind, figures[ind.name]))
    return list(sections.items())


def _lead_sentence(report: Report, figures: dict[str, Any]) -> str | None:
    received = figures.get("tips.received")
    if received is None:
        return None
    text = f"Trong {report.period.phrase}, UBND phường đã tiếp nhận {format_number(received, 'thông tin')}"
    by_kind = figures.get("tips.received_by_kind")
    if isinstance(by_kind, Breakdown) and received:
        parts = [
            f"{row.label.lower()}: {format_number(row.values[0])}" for row in by_kind.rows if row.values[0]
        ]
        if parts:
            text += " (" + "; ".join(parts) + ")"
    verified = figures.get("tips.verified_in_period")
    if verified is not None:
        text += f"; {format_number(verified, 'trường hợp')} đã được xác minh trong kỳ"
    contributors = figures.get("tips.contributors")
    if contributors is not None:
        text += f"; {format_number(contributors, 'người')} đã cung cấp thông tin"
    return text + "."


def build_document(report: Report) -> OfficialDocument:
    ward = report.ward
    figures = report_figures(report)
    doc = OfficialDocument(
        issuer_parent="",
        issuer=f"ỦY BAN NHÂN DÂN\n{ward.name.upper()}",
        kind="Báo cáo",
        number=report.number,
        symbol=report.symbol,
        place=ward.short_name or ward.name,
        date=report.issued_on,
        title=report.title,
        recipients=report.recipient_list,
        signer_authority=report.signer_authority,
        signer_title=report.signer_title,
        signer_name=report.signer_name,
        draft_label="DỰ THẢO" if report.status == ReportStatus.DRAFT else "",
    )
    narrative = report.narrative or {}
    n = 0
    doc.heading(f"{ROMAN[n]}. KẾT QUẢ THỰC HIỆN")
    n += 1
    if narrative.get("situation"):
        doc.heading("1. Tình hình chung", 2)
        for para in narrative["situation"].split("\n"):
            if para.strip():
                doc.paragraph(para.strip())
    if lead := _lead_sentence(report, figures):
        doc.paragraph(lead)
    table_no = 0
    for i, (section, items) in enumerate(
        _figure_sections(figures), start=2 if narrative.get("situation") else 1
    ):
        doc.heading(f"{i}. {section}", 2)
        numbers = [(ind, v) for ind, v in items if not isinstance(v, Breakdown)]
        if numbers:
            doc.bullets([f"{ind.label}: {format_number(v, ind.unit)}." for ind, v in numbers])
        for ind, value in items:
            if not isinstance(value, Breakdown):
                continue
            # the body lists the lines that have something; every line, zeros included, is in the XLSX annex
            shown = [r for r in value.rows if any(v for v in r.values)]
            if not shown:
                continue
            table_no += 1
            rows = [[r.label, *r.values] for r in shown]
            if value.totals and len(shown) > 1:
                rows.append(["Tổng cộng", *(value.total(c) for c in range(len(value.columns)))])
            doc.table(
                value.headers(),
                rows,
                caption=f"Bảng {table_no}. {ind.label}",
                numbered=True,
                total_row=value.totals and len(shown) > 1,
            )
    for key, label, _help in NARRATIVE[1:]:
        text = narrative.get(key, "")
        doc.heading(f"{ROMAN[n]}. {label.upper()}")
        n += 1
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()] or ["(Chưa có nội dung.)"]
        for para in paragraphs:
            if para.startswith(("- ", "+ ")):
                doc.bullets([para[2:]])
            else:
                doc.paragraph(para)
    doc.paragraph(
        f"Trên đây là báo cáo {report.title[0].lower()}{report.title[1:]} của UBND {ward.name[0].lower()}"
        f"{ward.name[1:]}. Số liệu chi tiết tại phụ lục kèm theo (tệp XLSX)./.",
    )
    return doc


def render_docx(report: Report) -> bytes:
    if report.status == ReportStatus.SENT and report.docx:
        return bytes(report.docx)
    return build_document(report).to_docx()


def render_xlsx(report: Report) -> bytes:
    if report.status == ReportStatus.SENT and report.xlsx:
        return bytes(report.xlsx)
    figures = report_figures(report)
    period = report.period
    summary = [
        [ind.section_label, ind.label, value, ind.unit]
        for ind in indicators.all_indicators()
        if ind.name in figures and not isinstance(value := figures[ind.name], Breakdown)
    ]
    sheets = [
        Sheet(
            "Tổng hợp",
            ["Nhóm chỉ số", "Chỉ số", "Giá trị", "Đơn vị tính"],
            summary,
            widths=[30, 60, 12, 12],
            note=f"{report.ward.name} — {period.label} — {report.title}",
        )
    ]
    for ind in indicators.all_indicators():
        value = figures.get(ind.name)
        if isinstance(value, Breakdown):
            sheets.append(
                Sheet(ind.label[:31], value.headers(), value.table(), note=f"{ind.label} — {period.label}")
            )
    return workbook(sheets)


def render_pdf(report: Report) -> bytes:
    if report.status == ReportStatus.SENT and report.pdf:
        return bytes(report.pdf)
    return docx_to_pdf(render_docx(report))
