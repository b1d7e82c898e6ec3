"""The list of collectives and individuals for a decision or a proposal, as DOCX in the official layout
(Decree 30/2020/NĐ-CP, appendix I: see shared/docs/domain.md) and as XLSX; and the 2027 summary list (the
campaign's final review, plan appendix IV.1 "Năm 2027").

Every field exported passes ``honours.access`` (only those who read nominations export them) and the
achievements' sources are checked again (``contributions.still_citable``): a tipster who withdrew their consent
after the nomination was written is no longer cited. Each export is written to the audit trail.
"""

import io
from dataclasses import dataclass

import xlsxwriter
from django.db import transaction
from django.utils import timezone

from doantu.audit.services import audit_record

from . import access, selectors
from .models import AwardForm, NomineeKind, Review, Status

PURPOSES = {
    # purpose -> (title, statuses listed, the document it is attached to)
    "proposal": ("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", (Status.PROPOSED,), "Kèm theo Tờ trình số …/TTr-VHXH"),
    "decision": (
        "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG",
        (Status.APPROVED,),
        "Kèm theo Quyết định số {number} ngày {date} của Chủ tịch UBND {ward}",
    ),
    "higher": (
        "DANH SÁCH ĐỀ NGHỊ CẤP TRÊN KHEN THƯỞNG",
        (Status.FORWARDED,),
        "Kèm theo Tờ trình số {number} ngày {date} của UBND {ward}",
    ),
    "summary_2027": (
        "DANH SÁCH TỔNG HỢP KHEN THƯỞNG TỔNG KẾT CHIẾN DỊCH NĂM 2027",
        (Status.PROPOSED, Status.APPROVED, Status.FORWARDED),
        "",
    ),
}


@dataclass
class Row:
    number: int
    name: str
    kind: str
    category: str
    position: str
    achievements: list[str]
    award: str
    status: str
    decision: str


def rows(*, actor, purpose: str, review: str | None) -> tuple[list[Row], dict]:
    access.require(access.can_export(actor))
    title, statuses, attached = PURPOSES[purpose]
    if purpose == "summary_2027":
        review = Review.FINAL_2027
    qs = (
        selectors.nominations(actor, review=review).filter(status__in=statuses).order_by("kind", "name", "pk")
    )
    out, first = [], None
    for n, nomination in enumerate(qs, start=1):
        first = first or nomination
        achievements = [a.summary for a in selectors.achievements_shown(actor, nomination)]
        out.append(
            Row(
                number=n,
                name=nomination.name,
                kind=nomination.get_kind_display(),
                category=nomination.get_category_display(),
                position=nomination.position,
                achievements=[nomination.summary, *achievements],
                award=nomination.get_award_display(),
                status=nomination.get_status_display(),
                decision=f"{nomination.decision_number}, {nomination.decision_date:%d/%m/%Y}"
                if nomination.decision_number and nomination.decision_date
                else "",
            )
        )
    ward = actor.ward or (first.ward if first else None)
    number = first.decision_number if first and purpose in ("decision", "higher") else "…"
    date = (
        f"{first.decision_date:%d/%m/%Y}"
        if first and first.decision_date and purpose in ("decision", "higher")
        else "…"
    )
    meta = {
        "title": title,
        "attached": attached.format(number=number, date=date, ward=ward.name if ward else "phường"),
        "ward": ward,
        "review": dict(Review.choices).get(review, "Tất cả các đợt") if review else "Tất cả các đợt",
    }
    return out, meta


def _audit(actor, purpose: str, fmt: str, count: int) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="honours_exported",
            obj=actor,
            message=f"{PURPOSES[purpose][0]} ({fmt.upper()}, {count} dòng)",
        )


def to_xlsx(*, actor, purpose: str, review: str | None = None) -> bytes:
    data, meta = rows(actor=actor, purpose=purpose, review=review)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Danh sách")
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    sheet.write(0, 0, meta["title"], book.add_format({"bold": True, "font_size": 13}))
    sheet.write(1, 0, meta["attached"] or meta["review"])
    headers = [
        "STT",
        "Tên tập thể / họ tên",
        "Tập thể / cá nhân",
        "Đối tượng",
        "Chức vụ, địa chỉ",
        "Tóm tắt thành tích",
        "Hình thức",
        "Trạng thái",
        "Số, ngày quyết định",
    ]
    widths = [5, 30, 12, 18, 28, 70, 26, 20, 22]
    for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write(3, col, header, bold)
        sheet.set_column(col, col, width)
    for i, row in enumerate(data, start=4):
        values = [
            row.number,
            row.name,
            row.kind,
            row.category,
            row.position,
            "\n".join(f"- {a}" for a in row.achievements),
            row.award,
            row.status,
            row.decision,
        ]
        for col, value in enumerate(values):
            sheet.write(i, col, value, wrap)
    book.close()
    _audit(actor, purpose, "xlsx", len(data))
    return out.getvalue()


def to_docx(*, actor, purpose: str, review: str | None = None) -> bytes:
    from .official import OfficialDocument

    data, meta = rows(actor=actor, purpose=purpose, review=review)
    ward = meta["ward"]
    doc = OfficialDocument(
        issuer=["ỦY BAN NHÂN DÂN", ward.name.upper() if ward else "PHƯỜNG"],
        number="",
        place=ward.name if ward else "",
        date=timezone.localdate(),
        title=meta["title"],
        subtitle=meta["attached"],
        landscape=True,
    )
    groups = [(NomineeKind.COLLECTIVE, "I. TẬP THỂ"), (NomineeKind.INDIVIDUAL, "II. CÁ NHÂN")]
    header = ["STT", "Tên tập thể / họ tên, chức vụ, địa chỉ", "Tóm tắt thành tích", "Hình thức khen thưởng"]
    body = []
    for kind, heading in groups:
        label = dict(NomineeKind.choices)[kind]
        members = [r for r in data if r.kind == label]
        if not members:
            continue
        body.append([heading, "", "", ""])
        for n, r in enumerate(members, start=1):
            who = r.name + (f"\n{r.position}" if r.position else "") + f"\n({r.category})"
            award = r.award + (f"\n{r.decision}" if r.decision else "")
            body.append([str(n), who, "\n".join(f"- {a}" for a in r.achievements), award])
    doc.table(header, body, widths_cm=[1.3, 7.0, 12.0, 5.2], group_rows=True)
    doc.paragraph(
        f"Danh sách gồm {sum(1 for r in data if r.kind == 'Tập thể')} tập thể và "
        f"{sum(1 for r in data if r.kind == 'Cá nhân')} cá nhân.",
        italic=True,
    )
    doc.closing(
        recipients=["Như trên;", "Lãnh đạo UBND phường;", "Phòng Văn hóa - Xã hội;", "Lưu: VT, VHXH."],
        signature=["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        if purpose != "proposal"
        else ["PHÒNG VĂN HÓA - XÃ HỘI", "TRƯỞNG PHÒNG"],
    )
    out = doc.to_bytes()
    _audit(actor, purpose, "docx", len(data))
    return out


AWARD_LABEL = dict(AwardForm.choices)
