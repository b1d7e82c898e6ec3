"""The province roll-up: a ward signs its figures for a period (Ed25519), the province verifies and keeps them.

Envelope (JSON)::

    {"format": "doantu-rollup/1",
     "payload": {"ward": {"code": "01840", "name": ..., "province": "19"},
                 "period": {"kind": "month", "start": "2026-11-01", "end": "2026-11-30", "key": "2026-11"},
                 "issued_at": "2026-11-30T10:00:00+07:00",
                 "figures": {"tips.received": 42, "tips.received_by_kind": {"dimension":..., "rows": [...]}, ...}},
     "key": "<the ward's public key, base64>",
     "signature": "<Ed25519 over the canonical payload (sorted keys, no spaces, UTF-8), base64>"}

Only aggregates travel: the indicators' numbers and tables, never a tip or a person. The import is idempotent (the
same envelope twice changes nothing), refuses an envelope whose signature does not verify against a key the province
registered for that ward (nothing saved), and keeps the newest issue for a ward and period.
The same figures are offered in DHIS2's dataValueSets format (import with dataElementIdScheme=CODE and
orgUnitIdScheme=CODE): one data value per number, one per breakdown line (its key as categoryOptionCombo)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from doantu.audit.services import audit_record
from doantu.indicators import Period
from doantu.org.models import OrgUnit, UnitKind

from . import access
from .models import Submission, WardKey
from .services import ReportError, snapshot

FORMAT = "doantu-rollup/1"
MAX_ENVELOPE_BYTES = 5 * 1024 * 1024


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _private_key() -> Ed25519PrivateKey:
    """The ward's signing key: ``ROLLUP_SIGNING_KEY`` (base64 of 32 random bytes); in development, derived from
    SECRET_KEY so that an export works out of the box (production sets its own, see settings)."""
    configured = getattr(settings, "ROLLUP_SIGNING_KEY", "")
    seed = (
        base64.b64decode(configured)
        if configured
        else hashlib.sha256(b"doantu-rollup:" + settings.SECRET_KEY.encode()).digest()
    )
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_text(private: Ed25519PrivateKey | None = None) -> str:
    raw = (private or _private_key()).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def export_envelope(
    *, actor, ward: OrgUnit, period: Period, private: Ed25519PrivateKey | None = None
) -> dict:
    access.require(
        access.can_export_figures(actor, ward), "Chỉ cán bộ chiến dịch của phường được xuất số liệu."
    )
    province = ward.nearest(UnitKind.PROVINCE)
    payload = {
        "ward": {"code": ward.code, "name": ward.name, "province": province.code if province else ""},
        "period": {
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "key": period.key,
        },
        "issued_at": timezone.localtime().isoformat(),
        "figures": snapshot(ward, period),
    }
    key = private or _private_key()
    envelope = {
        "format": FORMAT,
        "payload": payload,
        "key": public_key_text(key),
        "signature": base64.b64encode(key.sign(canonical(payload))).decode(),
    }
    with transaction.atomic():
        audit_record(
            actor=actor, action="rollup_exported", obj=ward, message=f"Số liệu {period.label}, đã ký"
        )
    return envelope


def ward_key_add(*, actor, ward: OrgUnit, public_key: str) -> WardKey:
    province = ward.nearest(UnitKind.PROVINCE)
    access.require(access.can_import(actor, province), "Chỉ cấp tỉnh được đăng ký khóa của phường.")
    text = (public_key or "").strip()
    try:
        raw = base64.b64decode(text, validate=True)
        Ed25519PublicKey.from_public_bytes(raw)
    except Exception as exc:
        raise ReportError(
            "Khóa công khai không hợp lệ (cần chuỗi base64 của khóa Ed25519, 32 byte)."
        ) from exc
    with transaction.atomic():
        key, _ = WardKey.objects.get_or_create(public_key=text, defaults={"ward": ward})
        if key.ward_id != ward.pk:
            raise ReportError("Khóa này đã được đăng ký cho một phường khác.")
        audit_record(actor=actor, action="ward_key_added", obj=key, message=str(ward))
    return key


def _refuse(message: str):
    raise ReportError(f"Không nhận số liệu: {message}. Không có gì được lưu.")


def import_envelope(*, actor, data: bytes | str | dict) -> tuple[Submission, str]:
    """Verify and keep a ward's signed figures. Returns ``(submission, outcome)``, outcome one of "created",
    "unchanged" (the same envelope again), "updated" (a newer issue for the same period)."""
    province = access.province_of(actor)
    access.require(access.can_import(actor, province), "Chỉ cấp tỉnh được nhận số liệu của phường.")
    if isinstance(data, (bytes, str)):
        if len(data) > MAX_ENVELOPE_BYTES:
            _refuse("tệp quá lớn")
        try:
            envelope = json.loads(data)
        except ValueError:
            _refuse("tệp không phải JSON")
    else:
        envelope = data
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        _refuse("không đúng định dạng số liệu của Đoàn Tụ")
    payload, key_text, signature = envelope.get("payload"), envelope.get("key"), envelope.get("signature")
    if not isinstance(payload, dict) or not isinstance(key_text, str) or not isinstance(signature, str):
        _refuse("thiếu nội dung, khóa hoặc chữ ký")
    try:
        ward_code = str(payload["ward"]["code"])
        period = Period(
            payload["period"]["kind"],
            dt.date.fromisoformat(payload["period"]["start"]),
            dt.date.fromisoformat(payload["period"]["end"]),
        )
        issued_at = dt.datetime.fromisoformat(payload["issued_at"])
        figures = payload["figures"]
        assert isinstance(figures, dict)
    except (KeyError, TypeError, ValueError, AssertionError):
        _refuse("nội dung thiếu phường, kỳ, thời điểm ký hoặc số liệu")
    ward = OrgUnit.objects.filter(
        kind=UnitKind.WARD, code=ward_code, path__startswith=province.path + "/"
    ).first()
    if ward is None:
        _refuse(f"phường mã {ward_code} không thuộc {province.name}")
    key = WardKey.objects.filter(ward=ward, public_key=key_text, active=True).first()
    if key is None:
        _refuse(f"khóa ký chưa được đăng ký cho {ward.name}")
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(key_text)).verify(
            base64.b64decode(signature), canonical(payload)
        )
    except (InvalidSignature, ValueError):
        _refuse("chữ ký không khớp — số liệu đã bị sửa sau khi phường ký, hoặc không phải do phường ký")
    digest = hashlib.sha256(canonical(payload)).hexdigest()
    with transaction.atomic():
        existing = Submission.objects.select_for_update().filter(ward=ward, period_key=period.key).first()
        if existing is not None and existing.digest == digest:
            return existing, "unchanged"
        if existing is not None and existing.issued_at >= issued_at:
            _refuse("đã có bản số liệu mới hơn của phường cho kỳ này")
        fields = dict(
            period_start=period.start,
            period_end=period.end,
            issued_at=issued_at,
            payload=payload,
            signature=signature,
            digest=digest,
            key=key,
        )
        if existing is None:
            submission = Submission.objects.create(ward=ward, period_key=period.key, **fields)
            outcome = "created"
        else:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            submission, outcome = existing, "updated"
        audit_record(
            actor=actor,
            action="rollup_imported",
            obj=submission,
            message=f"{ward.name}, {period.label}: {'nhận mới' if outcome == 'created' else 'cập nhật bản mới hơn'}",
        )
    return submission, outcome


DHIS2_PERIOD = {
    "month": lambda p: f"{p.start:%Y%m}",
    "week": lambda p: f"{p.start.isocalendar().year}W{p.start.isocalendar().week}",
    "quarter": lambda p: f"{p.start.year}Q{(p.start.month - 1) // 3 + 1}",
    "year": lambda p: f"{p.start.year}",
}


def dhis2_data_value_set(payload: dict[str, Any]) -> dict:
    """The figures of a signed payload as a DHIS2 dataValueSet (codes as identifiers)."""
    period = Period(
        payload["period"]["kind"],
        dt.date.fromisoformat(payload["period"]["start"]),
        dt.date.fromisoformat(payload["period"]["end"]),
    )
    if period.kind not in DHIS2_PERIOD:
        raise ReportError("DHIS2 chỉ nhận kỳ tuần, tháng, quý hoặc năm.")
    pe, ou = DHIS2_PERIOD[period.kind](period), payload["ward"]["code"]
    values = []
    for name, value in sorted(payload["figures"].items()):
        if isinstance(value, dict):
            for row in value.get("rows", []):
                for c, column_value in enumerate(row["values"]):
                    if column_value is None:
                        continue
                    element = name if c == 0 else f"{name}.{c}"
                    values.append(
                        {
                            "dataElement": element,
                            "period": pe,
                            "orgUnit": ou,
                            "categoryOptionCombo": str(row["key"]),
                            "value": str(column_value),
                        }
                    )
        elif value is not None:
            values.append({"dataElement": name, "period": pe, "orgUnit": ou, "value": str(value)})
    return {"period": pe, "orgUnit": ou, "completeDate": payload["issued_at"][:10], "dataValues": values}


def province_table(*, viewer, province: OrgUnit, period: Period, rank_by: str = "tips.received") -> dict:
    """Every ward of ``province`` side by side for ``period``: the numbers (from the ward's signed submission when
    the province holds one, else computed here for wards on this system), ranked, with completeness."""
    from doantu import indicators

    from .models import Report, ReportStatus

    access.require(access.can_see_rollup(viewer, province), "Chỉ cấp tỉnh xem được số liệu các phường.")
    numeric = [
        ind
        for ind in indicators.visible_indicators(viewer, province)
        if ind.province and ind.name in NUMERIC_ROLLUP
    ]
    wards = list(
        OrgUnit.objects.filter(kind=UnitKind.WARD, path__startswith=province.path + "/", active=True)
    )
    submissions = {s.ward_id: s for s in Submission.objects.filter(ward__in=wards, period_key=period.key)}
    sent = set(
        Report.objects.filter(
            ward__in=wards, status=ReportStatus.SENT, period_start=period.start, period_end=period.end
        ).values_list("ward_id", flat=True)
    )
    # Wards on this system: every figure for all of them at once (one grouped query per indicator, not one
    # query per ward and indicator); the wards that sent a signed submission are not computed at all.
    local = [w for w in wards if w.pk not in submissions]
    # Indicators reading the same grouped counts read them once; all of them are cached together.
    computed = indicators.ward_values_many(
        [ind.name for ind in numeric], viewer=viewer, province=province, wards=local, period=period
    )
    rows = []
    for ward in wards:
        submission = submissions.get(ward.pk)
        if submission is not None:
            values = {ind.name: submission.payload["figures"].get(ind.name) for ind in numeric}
            origin = "signed"
        else:
            values = {ind.name: computed[ind.name][ward.pk] for ind in numeric}
            origin = "local"
        rows.append(
            {
                "ward": ward,
                "values": [values[ind.name] for ind in numeric],
                "by_name": values,
                "origin": origin,
                "reported": ward.pk in sent or submission is not None,
            }
        )
    rows.sort(key=lambda r: (-(r["by_name"].get(rank_by) or 0), r["ward"].name))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    totals = [sum(r["values"][i] or 0 for r in rows) for i in range(len(numeric))]
    return {
        "indicators": numeric,
        "rows": rows,
        "totals": totals,
        "complete": sum(1 for r in rows if r["reported"]),
        "wards": len(rows),
    }


# The figures that add up across wards: counts of things that belong to one ward each (medians, shares and
# tables do not add up, so they are not summed in the roll-up). Each has a grouped ``per_ward`` form.
NUMERIC_ROLLUP = (
    "tips.received",
    "tips.verified",
    "tips.verified_in_period",
    "tips.contributors",
    "tips.dna_offers",
    "tips.awaiting_review",
    "comms.published",
    "comms.own_production",
    "comms.views",
    "dna.samples_collected",
    "dna.rounds_held",
    "plan.check_ins_due",
    "plan.check_ins_met",
    "plan.check_ins_overdue",
    "plan.updates_sent",
    "watch.open_items",
)


# ------------------------------------------------------------------------------------ the province's own report

# The addressees of a province's report on the campaign: the National Steering Committee 515 that launched it, the
# Ministry of Home Affairs that holds martyr policy since 2025 (../shared/docs/domain.md), the province's own
# leadership and department, and the communes/wards that carry the plan out (plan 238/KH-UBND).
PROVINCE_RECIPIENTS = [
    "Ban Chỉ đạo Quốc gia 515 (b/c)",
    "Bộ Nội vụ (Cục Người có công) (b/c)",
    "Thường trực Tỉnh ủy (b/c)",
    "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
    "Sở Nội vụ",
    "UBND các xã, phường",
    "Lưu: VT",
]
# The columns of the body's ward table (portrait A4 holds four numbers); every rolled-up figure is in the annex.
PROVINCE_BODY_COLUMNS = {
    "tips.received": "Tin tiếp nhận",
    "tips.verified_in_period": "Xác minh trong kỳ",
    "tips.contributors": "Người cung cấp",
    "dna.samples_collected": "Mẫu ADN đã lấy",
}


def province_report(*, viewer, province: OrgUnit, period: Period):
    """The province's own report for ``period``: its wards' figures summed (``province_table``: the signed
    submissions where the province holds them, the figures computed here for the others), in the Nghị định
    30/2020 layout (``documents.OfficialDocument``), unnumbered and marked as a draft for the province's office
    to number and sign. Returns ``(document, table)``."""
    from doantu.documents.official import OfficialDocument

    from .services import NARRATIVE, ROMAN, format_number

    table = province_table(viewer=viewer, province=province, period=period)
    name = province.name[0].lower() + province.name[1:]
    doc = OfficialDocument(
        issuer_parent="",
        issuer=f"ỦY BAN NHÂN DÂN\n{province.name.upper()}",
        kind="Báo cáo",
        number=None,
        symbol="BC-UBND",
        place=province.short_name or province.name,
        date=timezone.localdate(),
        title=(
            "Tổng hợp kết quả thực hiện công tác truyền thông Chiến dịch tìm kiếm, quy tập và xác định danh "
            f"tính hài cốt liệt sĩ của các xã, phường {period.phrase}"
        ),
        recipients=PROVINCE_RECIPIENTS,
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="CHỦ TỊCH",
        draft_label="DỰ THẢO",
    )
    doc.heading(f"{ROMAN[0]}. KẾT QUẢ THỰC HIỆN")
    doc.heading("1. Tình hình báo cáo của các xã, phường", 2)
    missing = [r["ward"].name for r in table["rows"] if not r["reported"]]
    text = (
        f"Trong {period.phrase}, {table['complete']}/{table['wards']} xã, phường đã gửi báo cáo hoặc số liệu "
        f"đã ký về UBND {name}."
    )
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" và {len(missing) - 10} đơn vị khác" if len(missing) > 10 else ""
        )
        text += f" Chưa gửi: {shown}; số liệu của các đơn vị này lấy trên hệ thống."
    doc.paragraph(text)
    doc.heading("2. Số liệu tổng hợp toàn tỉnh", 2)
    doc.bullets(
        [
            f"{ind.label}: {format_number(total, ind.unit)}."
            for ind, total in zip(table["indicators"], table["totals"], strict=True)
        ]
    )
    doc.paragraph(
        "Số liệu toàn tỉnh là tổng số liệu của các xã, phường; một người cung cấp thông tin cho nhiều phường "
        "được tính ở mỗi phường.",
        italic=True,
    )
    position = {ind.name: i for i, ind in enumerate(table["indicators"])}
    columns = [name for name in PROVINCE_BODY_COLUMNS if name in position]
    if columns:
        doc.heading("3. Số liệu theo xã, phường", 2)
        labels = {ind.name: ind.label for ind in table["indicators"]}
        rows = [
            [
                r["ward"].name,
                *(r["values"][position[c]] for c in columns),
                "Đã gửi" if r["reported"] else "Chưa",
            ]
            for r in table["rows"]
        ]
        rows.append(["Toàn tỉnh", *(table["totals"][position[c]] for c in columns), ""])
        value_cm, status_cm = 2.4, 1.8
        doc.table(
            ["Xã, phường", *(PROVINCE_BODY_COLUMNS[c] for c in columns), "Báo cáo"],
            rows,
            widths_cm=[1.2, doc.body_width_cm - 1.2 - value_cm * len(columns) - status_cm]
            + [value_cm] * len(columns)
            + [status_cm],
            caption=f"Bảng 1. Số liệu theo xã, phường (xếp theo {labels[columns[0]].lower()})",
            numbered=True,
            total_row=True,
        )
    for n, (_key, label, _help) in enumerate(NARRATIVE[1:], start=1):
        doc.heading(f"{ROMAN[n]}. {label.upper()}")
        doc.paragraph("(Văn phòng UBND tỉnh tổng hợp từ báo cáo của các xã, phường.)", italic=True)
    doc.paragraph(
        f"Trên đây là báo cáo tổng hợp của UBND {name} {period.phrase}. Số liệu từng xã, phường tại phụ lục kèm "
        "theo (tệp XLSX)./."
    )
    return doc, table


def province_report_xlsx(*, viewer, province: OrgUnit, period: Period) -> bytes:
    """The annex: every rolled-up figure of every ward, ranked, with the province's totals."""
    from doantu.documents.xlsx import Sheet, workbook

    table = province_table(viewer=viewer, province=province, period=period)
    headers = [
        "Hạng",
        "Xã, phường",
        *(ind.label for ind in table["indicators"]),
        "Đã báo cáo",
        "Nguồn số liệu",
    ]
    rows = [
        [
            r["rank"],
            r["ward"].name,
            *r["values"],
            "Đã gửi" if r["reported"] else "Chưa",
            "Bản phường ký gửi" if r["origin"] == "signed" else "Trên hệ thống",
        ]
        for r in table["rows"]
    ]
    rows.append(["", "Toàn tỉnh", *table["totals"], f"{table['complete']}/{table['wards']}", ""])
    return workbook([Sheet("Các xã, phường", headers, rows, note=f"{province.name} — {period.label}")])
