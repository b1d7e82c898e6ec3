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
from doantu.documents.official import OfficialDocument

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
        # "… của Chủ tịch UBND phường Đức Xuân": the unit's kind in lower case inside a sentence
        "attached": attached.format(
            number=number, date=date, ward=ward.name[:1].lower() + ward.name[1:] if ward else "phường"
        ),
        "ward": ward,
        "review": dict(Review.choices).get(review, "") if review else "",
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
    """The list in the official layout (``documents.official``, the project's one renderer): the ward's people's
    committee as issuer, the list's title and what it is attached to, the collectives then the individuals, each
    with the summary of their achievements and the form of commendation; the recipients and the signature."""
    data, meta = rows(actor=actor, purpose=purpose, review=review)
    ward = meta["ward"]
    proposal = purpose == "proposal"
    doc = OfficialDocument(
        # A proposal comes from the culture office (plan VIII.1: "tham mưu"), a decision's list from the committee.
        issuer_parent=f"ỦY BAN NHÂN DÂN\n{ward.name}" if proposal and ward else "",
        issuer="PHÒNG VĂN HÓA - XÃ HỘI"
        if proposal
        else f"ỦY BAN NHÂN DÂN\n{ward.name if ward else 'PHƯỜNG'}",
        kind="Danh sách",
        number=None,
        symbol="DS-VHXH" if proposal else "DS-UBND",
        place=ward.short_name or ward.name if ward else "",
        date=timezone.localdate(),
        title=meta["title"].removeprefix("DANH SÁCH ").capitalize()
        + (f" ({meta['attached']})" if meta["attached"] else ""),
        recipients=["Như trên", "Lãnh đạo UBND phường", "Phòng Văn hóa - Xã hội", "Lưu: VT, VHXH"],
        signer_authority="PHÒNG VĂN HÓA - XÃ HỘI" if proposal else "KT. CHỦ TỊCH",
        signer_title="TRƯỞNG PHÒNG" if proposal else "PHÓ CHỦ TỊCH",
    )
    headers = ["STT", "Tên tập thể / họ tên, chức vụ, địa chỉ", "Tóm tắt thành tích", "Hình thức khen thưởng"]
    widths = [1.2, 4.8, 7.3, 3.2]  # 16.5 cm: the A4 body between the decree's margins
    counted = {}
    for kind, heading in ((NomineeKind.COLLECTIVE, "I. TẬP THỂ"), (NomineeKind.INDIVIDUAL, "II. CÁ NHÂN")):
        label = dict(NomineeKind.choices)[kind]
        members = [r for r in data if r.kind == label]
        counted[kind] = len(members)
        if not members:
            continue
        doc.heading(heading)
        body = []
        for n, r in enumerate(members, start=1):
            who = r.name + (f"\n{r.position}" if r.position else "") + f"\n({r.category})"
            award = r.award + (f"\n{r.decision}" if r.decision else "")
            body.append([n, who, "\n".join(f"- {a}" for a in r.achievements), award])
        doc.table(headers, body, widths_cm=widths)
    # "(tổng kết chiến dịch năm 2027)" when the list is of one review; a list of every review says nothing more.
    review = f" ({meta['review'][:1].lower()}{meta['review'][1:]})" if meta["review"] else ""
    doc.paragraph(
        f"Danh sách gồm {counted[NomineeKind.COLLECTIVE]} tập thể và {counted[NomineeKind.INDIVIDUAL]} cá nhân"
        f"{review}.",
        italic=True,
    )
    out = doc.to_docx()
    _audit(actor, purpose, "docx", len(data))
    return out


AWARD_LABEL = dict(AwardForm.choices)
