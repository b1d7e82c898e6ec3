"""Tips export to XLSX: the inbox's current filters, columns chosen per viewer through ``access.visible_fields``
(never identity; location and the DNA offer only for those who read them), audited as one "exported" entry."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from doantu.audit.services import audit_record

from . import access, selectors
from .models import Tip
from .services import WorkflowError

EXPORT_MAX = 5000
BASIC_COLUMNS = [
    ("receipt_code", "Mã biên nhận"),
    ("created_at", "Tiếp nhận lúc"),
    ("kinds", "Loại thông tin"),
    ("status", "Trạng thái"),
    ("source", "Nguồn"),
    ("residential_group", "Tổ dân phố"),
    ("martyr_names", "Họ tên liệt sĩ được nêu"),
    ("martyr_details", "Chi tiết từng liệt sĩ"),
    ("account", "Nội dung"),
    ("outcome_note", "Kết luận"),
]
CLASS_COLUMNS = {
    access.LOCATION: [
        ("location_description", "Mô tả địa điểm"),
        ("latitude", "Vĩ độ"),
        ("longitude", "Kinh độ"),
        ("location_accuracy_m", "Độ chính xác (m)"),
    ],
    access.RELATIVE: [("relationship", "Quan hệ với liệt sĩ"), ("dna_offer", "Đăng ký cho mẫu ADN")],
}


def columns_for(views: list[access.TipView]) -> list[tuple[str, str]]:
    """The columns every exported row's viewer may read (a class shown only if the viewer reads it on all rows)."""
    shared = frozenset.intersection(*(v.classes for v in views)) if views else frozenset({access.BASIC})
    cols = list(BASIC_COLUMNS)
    for cls, extra in CLASS_COLUMNS.items():
        if cls in shared:
            cols += extra
    assert all(access.TIP_FIELDS.get(name, access.BASIC) != access.IDENTITY for name, _ in cols)
    return cols


# What each named martyr's details read as, in one cell (the labels are the public form's, shortened).
DETAIL_WORDS = (
    ("alias", "bí danh"),
    ("birth_year", "sinh"),
    ("home_place", "quê"),
    ("unit", "đơn vị"),
    ("enlistment_year", "nhập ngũ"),
    ("death_date", "hy sinh"),
    ("death_place", "nơi hy sinh"),
    ("burial_place", "an táng"),
)


def martyr_details(tip: Tip) -> str:
    """ "1. Nguyễn Văn A — sinh 1950; quê …" per named martyr, one line each."""
    lines = []
    for m in tip.martyrs.all():
        parts = [f"{words} {getattr(m, f)}" for f, words in DETAIL_WORDS if getattr(m, f) not in ("", None)]
        lines.append(f"{m.position}. {m.name or '—'}" + (" — " + "; ".join(parts) if parts else ""))
    return "\n".join(lines)


def _cell(tip: Tip, name: str) -> Any:
    if name == "kinds":
        return tip.get_kinds_display()
    if name == "martyr_details":
        return martyr_details(tip)
    value = getattr(tip, name)
    if name in ("status", "relationship"):
        return getattr(tip, f"get_{name}_display")() if value else ""
    if name == "created_at":
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if name == "dna_offer":
        return "có" if value else "không"
    if value is None:
        return ""
    return str(value) if not isinstance(value, (int, float)) else value


def tips_export(*, actor, filters: dict[str, Any]) -> tuple[bytes, int]:
    """The inbox for ``actor`` with ``filters`` as an XLSX workbook; ``(content, rows)``. Recorded as one audit
    entry with the count and the filters. Refuses (changing nothing) above ``EXPORT_MAX`` rows."""
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied("Bạn không có quyền xuất danh sách thông tin.")
    tips = list(selectors.inbox(actor, **filters)[: EXPORT_MAX + 1])
    if len(tips) > EXPORT_MAX:
        raise WorkflowError(f"Danh sách có hơn {EXPORT_MAX} thông tin; hãy lọc bớt rồi xuất lại.")
    views = access.views_for(actor, tips)
    cols = columns_for([views[t.pk] for t in tips])
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Thông tin")
    bold = workbook.add_format({"bold": True})
    for c, (_, label) in enumerate(cols):
        sheet.write_string(0, c, label, bold)
    for r, tip in enumerate(tips, start=1):
        for c, (name, _) in enumerate(cols):
            value = _cell(tip, name)
            if isinstance(value, str):
                sheet.write_string(r, c, value)  # never a formula, whatever the text
            else:
                sheet.write(r, c, value)
    sheet.freeze_panes(1, 0)
    workbook.close()
    described = {k: str(v) for k, v in filters.items()}
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="exported",
            obj=actor,
            changes={"count": [None, len(tips)]},
            message=f"Xuất {len(tips)} thông tin (XLSX); bộ lọc: {described or 'không'}",
        )
    return buffer.getvalue(), len(tips)
