"""Every write of the DNA pipeline, and the selectors the pages, API and exports read. Each write checks
``dna.access`` first, runs in one transaction and writes the audit trail (one entry per step, with its date)."""

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from doantu.audit import labels
from doantu.audit.services import audit_record
from doantu.notify.channels import DeliveryError, Message, channel, mobile_number
from doantu.notify.models import ChannelName
from doantu.notify.services import notify_message
from doantu.org.models import OrgUnit, Role, UnitKind, User
from doantu.registry import services as registry
from doantu.registry.models import Grave, Martyr, MartyrStatus, Relative
from doantu.tips.uploads import UploadError, prepare_upload

from . import access, pedigree
from .models import (
    FORWARD_STEPS,
    Attendance,
    CollectionRound,
    ConsentMethod,
    Donor,
    Recipient,
    Result,
    RoundEntry,
    RoundStatus,
    Step,
    Withdrawal,
)

# What the donor is told and agrees to (Law 91/2025/QH15, Decree 356/2025/NĐ-CP: explicit, informed — the data,
# the purpose, who receives it, how long — and withdrawable). The purpose and recipients follow the plan (V.2,
# VI.1) and plan 356/KH-BCA-C06 (police collect, the gene bank is the Ministry of Public Security's); the
# retention is the gene bank's purpose itself: no fixed term is set by the ward's plan — to confirm with the
# province's Department of Home Affairs.
CONSENT_VERSION = "adn-2026-1"
CONSENT_PURPOSE = (
    "Lấy mẫu sinh phẩm (máu hoặc niêm mạc miệng) để giám định ADN, chỉ nhằm đối chiếu, xác định danh tính hài "
    "cốt liệt sĩ là người thân của tôi."
)
CONSENT_RETENTION = (
    "Mẫu và kết quả được lưu tại ngân hàng gen liệt sĩ (Bộ Công an) cho đến khi xác định được danh tính hài cốt "
    "liệt sĩ, hoặc đến khi tôi rút lại sự đồng ý (khi đó mẫu được đề nghị hủy)."
)
CONSENT_WITHDRAW = (
    "Tôi có thể rút lại sự đồng ý bất cứ lúc nào, bằng cách báo cán bộ phường hoặc Công an phường."
)

ACTIONS = {
    "donor_recorded": "Ghi nhận thân nhân cho mẫu ADN",
    "donor_step": "Chuyển bước lấy mẫu ADN",
    "donor_consent": "Ghi nhận đồng ý cho mẫu ADN",
    "donor_viewed": "Xem danh tính người cho mẫu ADN",
    "donor_withdrawn": "Rút lại đồng ý cho mẫu ADN",
    "donor_result": "Ghi kết quả giám định ADN",
    "donor_import": "Nhập danh sách thân nhân",
    "round_created": "Lập đợt lấy mẫu",
    "round_scheduled": "Xếp vào đợt lấy mẫu",
    "round_recorded": "Ghi kết quả đợt lấy mẫu",
    "round_exported": "Xuất danh sách đợt lấy mẫu",
    "donor_confirmation": "Báo cho người cho mẫu",
}
labels.register(
    "dna",
    actions=ACTIONS,
    fields={
        "step": ("Bước", dict(Step.choices)),
        "date": ("Ngày", {}),
        "consent_recipients": ("Nơi nhận dữ liệu", {}),
        "consent_method": ("Hình thức đồng ý", dict(ConsentMethod.choices)),
        "outcome": ("Kết quả", dict(Attendance.choices)),
        "result": ("Kết quả giám định", dict(Result.choices)),
        "sample_number": ("Số hiệu mẫu", {}),
    },
)
SYSTEM_LABEL = "Hệ thống (nhắn tin)"


class DnaError(Exception):
    """A refused request, with a Vietnamese message for the user."""


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _audit(actor, action: str, donor: Donor, changes: dict | None = None, message: str = "") -> None:
    changes = {k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()}
    audit_record(
        actor=actor,
        action=action,
        obj=donor,
        context=donor.relative.martyr,
        changes=changes or {},
        message=message,
        label="" if actor is not None else PUBLIC_WITHDRAWAL,
    )


def _locked(donor: Donor) -> Donor:
    return Donor.objects.select_for_update().select_related("relative__martyr").get(pk=donor.pk)


def _group(actor, group: OrgUnit | None) -> OrgUnit | None:
    if group is None:
        return None
    ward = access.donor_unit(actor)
    if group.kind != UnitKind.RESIDENTIAL_GROUP or ward is None or group.parent_id != ward.pk:
        raise DnaError("Tổ dân phố không thuộc phường của bạn.")
    return group


def _day(value) -> dt.date:
    return value or timezone.localdate()


# ------------------------------------------------------------------------------------------ relatives in


def donor_add(
    *, actor, martyr: Martyr, values: dict[str, Any], group: OrgUnit | None = None, offered: bool = False
) -> Donor:
    """A relative entered by staff (the registry's relative, with its encrypted identity) and their place in the
    DNA pipeline: known, or offered (they asked to give a sample)."""
    access.require(access.can_manage(actor))
    if values.get("relationship") not in pedigree.RULES or not values.get("relationship"):
        raise DnaError("Hãy chọn quan hệ với liệt sĩ.")
    if not (values.get("full_name") or "").strip():
        raise DnaError("Hãy nhập họ và tên thân nhân.")
    with transaction.atomic():
        group = _group(actor, group)
        relative = registry.relative_add(actor=actor, martyr=martyr, values={**values, "dna_consent": False})
        return _donor_for(actor, relative, group, offered=offered, recipients=[])


def _donor_for(actor, relative: Relative, group, *, offered: bool, recipients: list[str], day=None) -> Donor:
    donor = Donor.objects.create(
        relative=relative,
        owner=access.donor_unit(actor),
        residential_group=group,
        step=Step.OFFERED if offered else Step.KNOWN,
        offered_at=_day(day) if offered else None,
        consent_recipients=recipients,
    )
    _audit(actor, "donor_recorded", donor, {"step": [None, donor.step], "date": [None, donor.offered_at]})
    return donor


def donor_from_tip(*, actor, tip, martyr: Martyr) -> Donor:
    """A tip's DNA offer becomes a donor (offered), with the tipster's consent: the tip's DNA consent names the
    police and the Department of Home Affairs (tips.forms.TipForm.consent_dna), so those are its recipients."""
    access.require(access.can_manage(actor))
    if not (tip.dna_offer and tip.consent_dna and tip.relationship):
        raise DnaError("Thông tin này không có đăng ký cho mẫu ADN kèm sự đồng ý của người gửi.")
    if Donor.objects.filter(relative__from_tip=tip).exists():
        raise DnaError("Đăng ký cho mẫu ADN của thông tin này đã được ghi nhận.")
    with transaction.atomic():
        try:
            relative = registry.relative_from_tip(actor=actor, tip=tip, martyr=martyr)
        except registry.RegistryError as exc:
            raise DnaError(str(exc)) from None
        group = tip.residential_group if tip.residential_group_id else None
        owner = getattr(tip.source, "owner_unit", None)
        if group is None and owner is not None and owner.kind == UnitKind.RESIDENTIAL_GROUP:
            group = owner  # sent from the group's own QR code
        return _donor_for(
            actor,
            relative,
            group,
            offered=True,
            recipients=[Recipient.POLICE, Recipient.HOME_AFFAIRS],
            day=timezone.localtime(tip.created_at).date(),
        )


# The province's relatives list (XLSX): header words -> field. Headers are matched without case or diacritics.
IMPORT_COLUMNS = {
    "ma ho so": "martyr_id",
    "ma liet si": "martyr_id",
    "ma trong danh sach": "external_id",
    "ho ten liet si": "martyr_name",
    "ho va ten": "full_name",
    "ho ten than nhan": "full_name",
    "quan he": "relationship",
    "nam sinh": "birth",
    "ngay sinh": "birth",
    "gioi tinh": "sex",
    "so cccd": "id_number",
    "cccd": "id_number",
    "noi o": "residence",
    "dia chi": "residence",
    "to dan pho": "group",
    "dien thoai": "phone",
    "con song": "alive",
}
IMPORT_REQUIRED = {"full_name": "Họ và tên", "relationship": "Quan hệ"}
MAX_IMPORT_ROWS = 5000


def _fold(text: str) -> str:
    from doantu.linkage.normalize import fold_plain

    return " ".join(fold_plain(str(text or "")).split())


def _relationship_of(text: str) -> str | None:
    wanted = _fold(text)
    for value, label in pedigree.Relationship.choices:
        if value and (wanted == _fold(label) or wanted == value):
            return value
    return None


@dataclass
class ImportReport:
    created: int = 0
    errors: list[str] = field(default_factory=list)


def relatives_import(*, actor, upload) -> ImportReport:
    """The province's list of relatives (XLSX), for the martyrs of the actor's province: every row checked first;
    one error and nothing is imported (the report lists each row's problem in Vietnamese)."""
    access.require(access.can_manage(actor))
    import openpyxl

    try:
        book = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same plain message
        return ImportReport(errors=["Không đọc được tệp: hãy lưu danh sách dưới dạng Excel (.xlsx)."])
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    if not rows:
        return ImportReport(errors=["Tệp không có dữ liệu."])
    headers = [_fold(h) for h in rows[0]]
    columns = {}
    for i, h in enumerate(headers):
        if h in IMPORT_COLUMNS and IMPORT_COLUMNS[h] not in columns:
            columns[IMPORT_COLUMNS[h]] = i
    missing = [label for key, label in IMPORT_REQUIRED.items() if key not in columns]
    if not ({"martyr_id", "external_id"} & set(columns)):
        missing.append("Mã hồ sơ (số trong hệ thống) hoặc Mã trong danh sách")
    if missing:
        return ImportReport(errors=[f"Thiếu cột: {', '.join(missing)}."])
    body = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
    if len(body) > MAX_IMPORT_ROWS:
        return ImportReport(errors=[f"Danh sách quá dài ({len(body)} dòng, tối đa {MAX_IMPORT_ROWS})."])
    martyrs = access.martyrs(actor, Martyr.objects.filter(merged_into=None))
    ward = access.donor_unit(actor)
    groups = {_fold(g.name): g for g in OrgUnit.objects.filter(parent=ward, kind=UnitKind.RESIDENTIAL_GROUP)}
    planned, errors = [], []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in row):
            continue
        cell = {
            k: ("" if row[i] is None or i >= len(row) else str(row[i]).strip()) for k, i in columns.items()
        }
        problems = []
        martyr = None
        if cell.get("martyr_id"):
            martyr = (
                martyrs.filter(pk=int(cell["martyr_id"])).first() if cell["martyr_id"].isdigit() else None
            )
        elif cell.get("external_id"):
            found = list(martyrs.filter(external_id=cell["external_id"])[:2])
            martyr = found[0] if len(found) == 1 else None
        if martyr is None:
            problems.append("không tìm thấy hồ sơ liệt sĩ theo mã đã ghi")
        if not cell.get("full_name"):
            problems.append("thiếu họ và tên thân nhân")
        relationship = _relationship_of(cell.get("relationship", ""))
        if relationship is None:
            problems.append(f"quan hệ “{cell.get('relationship', '')}” không có trong danh mục")
        group = None
        if cell.get("group"):
            group = groups.get(_fold(cell["group"])) or groups.get(_fold(f"Tổ dân phố {cell['group']}"))
            if group is None:
                problems.append(f"tổ dân phố “{cell['group']}” không có trong phường")
        alive = {"co": True, "con": True, "x": True, "khong": False, "da mat": False, "": None}.get(
            _fold(cell.get("alive", "")), "?"
        )
        if alive == "?":
            problems.append("cột “Còn sống” chỉ ghi Có / Không / Đã mất hoặc để trống")
        if problems:
            errors.append(f"Dòng {n}: " + "; ".join(problems) + ".")
            continue
        values = {
            k: cell.get(k, "") for k in ("full_name", "birth", "sex", "id_number", "residence", "phone")
        }
        planned.append((martyr, {**values, "relationship": relationship, "alive": alive}, group))
    if errors:
        return ImportReport(errors=errors)
    with transaction.atomic():
        for martyr, values, group in planned:
            relative = registry.relative_add(actor=actor, martyr=martyr, values=values)
            _donor_for(actor, relative, group, offered=False, recipients=[])
        audit_record(
            actor=actor,
            action="donor_import",
            obj=ward,
            changes={"created": [None, len(planned)]},
            message=getattr(upload, "name", ""),
        )
    return ImportReport(created=len(planned))


# ------------------------------------------------------------------------------------------ the pipeline


def _advance(
    actor, donor: Donor, step: str, day, extra: dict | None = None, action: str = "donor_step"
) -> Donor:
    before = donor.step
    donor.step = step
    date_field = f"{step}_at"
    changes = {"step": [before, step]}
    if hasattr(donor, date_field):
        setattr(donor, date_field, day)
        changes["date"] = [None, day]
    for k, v in (extra or {}).items():
        changes[k] = [getattr(donor, k) or None, v]
        setattr(donor, k, v)
    donor.save()
    _audit(actor, action, donor, changes)
    return donor


def _require_step(donor: Donor, allowed: tuple[str, ...], message: str) -> None:
    if donor.step not in allowed:
        raise DnaError(f"{message} (bước hiện tại: {donor.get_step_display()}).")


def donor_contacted(*, actor, donor: Donor, day=None) -> Donor:
    access.require_donor(actor, donor, manage=True)
    with transaction.atomic():
        donor = _locked(donor)
        _require_step(donor, (Step.KNOWN, Step.OFFERED), "Chỉ ghi “đã liên hệ” cho người chưa được liên hệ")
        return _advance(actor, donor, Step.CONTACTED, _day(day))


def consent_record(
    *,
    actor,
    donor: Donor,
    informed: bool,
    recipients: list[str],
    method: str,
    form_upload=None,
    witness: str = "",
    notify_family: bool = False,
    day=None,
) -> Donor:
    """The explicit, informed consent: the person was told the purpose, the recipients and how long it is kept
    (``informed``), named the recipients, and signed a form (uploaded) or agreed orally before a witness."""
    access.require_donor(actor, donor, manage=True)
    errors = []
    if not informed:
        errors.append("Cần xác nhận đã đọc cho người cho mẫu mục đích, nơi nhận và thời gian lưu giữ.")
    recipients = [r for r in recipients if r in Recipient.values]
    if Recipient.POLICE not in recipients:
        errors.append("Cần có sự đồng ý chuyển cho Công an: Công an là cơ quan lấy mẫu.")
    if method == ConsentMethod.SIGNED_FORM and form_upload is None:
        errors.append("Hãy tải lên ảnh hoặc bản PDF phiếu đồng ý có chữ ký.")
    elif method == ConsentMethod.ORAL and not witness.strip():
        errors.append("Đồng ý bằng lời cần ghi họ tên người làm chứng.")
    elif method not in ConsentMethod.values:
        errors.append("Hãy chọn hình thức đồng ý.")
    if errors:
        raise DnaError(" ".join(errors))
    prepared = None
    if form_upload is not None and method == ConsentMethod.SIGNED_FORM:
        try:
            prepared = prepare_upload(form_upload)
        except UploadError as exc:
            raise DnaError(str(exc)) from None
    with transaction.atomic():
        donor = _locked(donor)
        _require_step(
            donor, (Step.KNOWN, Step.OFFERED, Step.CONTACTED), "Sự đồng ý được ghi trước khi xếp đợt lấy mẫu"
        )
        if prepared is not None:
            donor.consent_form.save(f"dong-y{prepared.extension}", prepared.content, save=False)
        donor.consent_witness = witness.strip() if method == ConsentMethod.ORAL else ""
        donor.consent_version = CONSENT_VERSION
        donor.notify_family = notify_family
        donor = _advance(
            actor,
            donor,
            Step.CONSENTED,
            _day(day),
            {"consent_recipients": sorted(recipients), "consent_method": method},
            action="donor_consent",
        )
        registry.relative_set_dna(actor=actor, relative=donor.relative, consent=True)
        return donor


def round_create(*, actor, name: str, date, place: str) -> CollectionRound:
    access.require(access.can_manage(actor))
    ward = access.donor_unit(actor)
    police = OrgUnit.objects.filter(parent=ward, agency_type="police", kind=UnitKind.AGENCY).first()
    if police is None:
        raise DnaError("Phường chưa có đơn vị Công an trong danh mục đơn vị.")
    if not name.strip() or not place.strip() or date is None:
        raise DnaError("Hãy nhập tên đợt, ngày và địa điểm lấy mẫu.")
    with transaction.atomic():
        r = CollectionRound.objects.create(
            owner=ward,
            police_unit=police,
            name=name.strip(),
            date=date,
            place=place.strip(),
            created_by=actor,
        )
        audit_record(actor=actor, action="round_created", obj=r, changes={"date": [None, date.isoformat()]})
        return r


def round_schedule(*, actor, collection_round: CollectionRound, donor: Donor) -> RoundEntry:
    """Put a consenting donor on a round's list (only a consent that names the police: they collect)."""
    access.require_round(actor, collection_round, manage=True)
    access.require_donor(actor, donor, manage=True)
    with transaction.atomic():
        donor = _locked(donor)
        _require_step(donor, (Step.CONSENTED, Step.SCHEDULED), "Chỉ xếp đợt cho người đã ghi nhận đồng ý")
        if Recipient.POLICE not in access.recipients_of(donor):
            raise DnaError("Sự đồng ý của người này không gồm Công an.")
        if collection_round.status != RoundStatus.PLANNED:
            raise DnaError("Đợt lấy mẫu này đã tổ chức xong.")
        entry, created = RoundEntry.objects.get_or_create(round=collection_round, donor=donor)
        if not created:
            raise DnaError("Người này đã có trong danh sách đợt.")
        RoundEntry.objects.filter(donor=donor, outcome="").exclude(pk=entry.pk).update(
            outcome=Attendance.CANCELLED, recorded_at=timezone.now()
        )
        _advance(actor, donor, Step.SCHEDULED, timezone.localdate(), action="round_scheduled")
        return entry


def round_record(*, actor, entry: RoundEntry, outcome: str, sample_number: str = "") -> RoundEntry:
    """What happened at the round for one person (the police): collected (with the sample number), absent
    (back to be scheduled again) or refused."""
    collection_round = entry.round
    access.require_round(actor, collection_round)
    if outcome not in (Attendance.COLLECTED, Attendance.ABSENT, Attendance.REFUSED):
        raise DnaError("Hãy chọn: đã lấy mẫu, vắng mặt hoặc từ chối.")
    if outcome == Attendance.COLLECTED and not sample_number.strip():
        raise DnaError("Hãy ghi số hiệu mẫu.")
    with transaction.atomic():
        entry = RoundEntry.objects.select_for_update().get(pk=entry.pk)
        donor = _locked(entry.donor)
        if entry.outcome:
            raise DnaError("Kết quả của người này trong đợt đã được ghi.")
        if donor.step != Step.SCHEDULED:
            raise DnaError("Người này không còn trong danh sách lấy mẫu (có thể đã rút lại đồng ý).")
        entry.outcome, entry.recorded_at = outcome, timezone.now()
        entry.save()
        audit_record(
            actor=actor,
            action="round_recorded",
            obj=entry.round,
            context=donor.relative.martyr,
            changes={"outcome": [None, outcome]},
        )
        day = collection_round.date
        if outcome == Attendance.COLLECTED:
            _advance(
                actor,
                donor,
                Step.COLLECTED,
                day,
                {
                    "sample_number": sample_number.strip(),
                    "collecting_unit": collection_round.police_unit.name,
                },
            )
            registry.relative_set_dna(actor=actor, relative=donor.relative, consent=True, sampled_at=day)
        elif outcome == Attendance.ABSENT:
            _advance(actor, donor, Step.CONSENTED, donor.consented_at or day)
        else:
            _advance(actor, donor, Step.REFUSED, day)
        if not collection_round.entries.filter(outcome="").exists():
            CollectionRound.objects.filter(pk=collection_round.pk).update(status=RoundStatus.HELD)
        return entry


def round_close(*, actor, collection_round: CollectionRound) -> CollectionRound:
    access.require_round(actor, collection_round)
    with transaction.atomic():
        collection_round = CollectionRound.objects.select_for_update().get(pk=collection_round.pk)
        collection_round.status = RoundStatus.HELD
        collection_round.save(update_fields=["status"])
        audit_record(actor=actor, action="round_recorded", obj=collection_round, message="Đã tổ chức xong")
        return collection_round


def donor_sent(*, actor, donor: Donor, laboratory: str, day=None) -> Donor:
    access.require_donor(actor, donor, manage=True)
    if not laboratory.strip():
        raise DnaError("Hãy ghi nơi giám định.")
    with transaction.atomic():
        donor = _locked(donor)
        _require_step(donor, (Step.COLLECTED,), "Chỉ gửi giám định mẫu đã lấy")
        return _advance(
            actor, donor, Step.SENT, _day(day), {"laboratory": laboratory.strip(), "result": Result.PENDING}
        )


def donor_result(
    *, actor, donor: Donor, result: str, grave: Grave | None = None, reference: str = "", day=None
) -> Donor:
    """The laboratory's result. A match links donor, martyr and grave: the registry records "this is the grave of
    …" on the basis of this DNA result (``registry.services.grave_set_martyr``); the culture office is told, and
    the family if the donor agreed to be told."""
    access.require_donor(actor, donor, manage=True)
    if result not in Result.values:
        raise DnaError("Hãy chọn kết quả giám định.")
    if result == Result.MATCH and (grave is None or not reference.strip()):
        raise DnaError("Kết quả trùng khớp cần chọn mộ và ghi số kết luận giám định.")
    with transaction.atomic():
        donor = _locked(donor)
        _require_step(donor, (Step.SENT, Step.RESULT), "Chỉ ghi kết quả cho mẫu đã gửi giám định")
        if donor.result not in ("", Result.PENDING):
            raise DnaError("Kết quả đã được ghi.")
        martyr = donor.relative.martyr
        if result == Result.PENDING:
            return _advance(actor, donor, Step.SENT, donor.sent_at or _day(day), {"result": Result.PENDING})
        extra = {"result": result, "result_reference": reference.strip()}
        if result == Result.MATCH:
            basis = (
                f"Kết quả giám định ADN số {reference.strip()}: trùng khớp với mẫu của thân nhân "
                f"({pedigree.kind_words(_person(donor))}, mẫu số {donor.sample_number})."
            )
            try:
                registry.grave_set_martyr(actor=actor, grave=grave, martyr=martyr, basis=basis)
            except registry.RegistryError as exc:
                raise DnaError(str(exc)) from None
            Martyr.objects.filter(pk=martyr.pk).update(status=MartyrStatus.IDENTIFIED)
            donor.result_grave = grave
        donor = _advance(actor, donor, Step.RESULT, _day(day), extra, action="donor_result")
        _tell_result(actor, donor, martyr, grave)
        return donor


def _tell_result(actor, donor: Donor, martyr: Martyr, grave: Grave | None) -> None:
    ward = donor.owner
    staff = User.objects.filter(
        is_active=True, role=Role.CAMPAIGN, unit__parent=ward, unit__agency_type="culture_office"
    )
    words = (
        "trùng khớp với " + str(grave) if donor.result == Result.MATCH else donor.get_result_display().lower()
    )
    notify_message(
        users=staff, text=f"Kết quả giám định ADN cho liệt sĩ {martyr.full_name}: {words}.", actor=actor
    )
    if donor.result == Result.MATCH and donor.notify_family:
        text = (
            f"UBND {ward.name}: kết quả giám định ADN mẫu số {donor.sample_number} đã xác định được mộ liệt sĩ "
            f"{martyr.full_name}. Cán bộ phường sẽ liên hệ gia đình. Xin chân thành cảm ơn."
        )
        _tell_person(donor, donor.relative.phone, text, "Đã nhắn tin báo kết quả cho gia đình.")


def _tell_person(donor: Donor, phone: str, text: str, done: str) -> str:
    """An SMS to the donor (the number read only here, never recorded); the audit trail says what happened."""
    number, sender = mobile_number(phone or ""), channel(ChannelName.SMS)
    if number is None or sender is None:
        why = "không có số di động" if number is None else "chưa cấu hình kênh SMS/Zalo"
        message, outcome = f"Chưa nhắn được ({why}): hãy gọi điện hoặc gửi thư.", "not-sent"
    else:
        try:
            sender.send(number, Message("Đoàn Tụ", text))
            message, outcome = done, "sent"
        except DeliveryError:
            message, outcome = "Nhắn tin không thành công: hãy gọi điện hoặc gửi thư.", "failed"
    audit_record(
        actor=None,
        label=SYSTEM_LABEL,
        action="donor_confirmation",
        obj=donor,
        context=donor.relative.martyr,
        message=message,
    )
    return outcome


def donor_withdraw(*, actor, donor: Donor, note: str = "") -> Withdrawal:
    """Withdrawal of consent, at once: the identity is erased from the record (kept sealed in the data-protection
    record only), a scheduled collection is cancelled, a collected sample is the subject of a destruction request to
    the laboratory (the police and the culture office are told), and the person gets a confirmation."""
    access.require_donor(actor, donor, manage=True)
    with transaction.atomic():
        return _withdraw(actor, donor, note)


PUBLIC_WITHDRAWAL = "Người cho mẫu (tự rút qua trang tra cứu)"


def on_tip_consent_withdrawn(sender, tip, **kwargs) -> None:
    """The person withdrew their consent on the public status page of the tip they offered the sample on
    (``tips.signals.consent_withdrawn``, in that transaction): the donor made from that tip is withdrawn too, at
    once, in the same way."""
    for donor in Donor.objects.filter(relative__from_tip=tip).exclude(step=Step.WITHDRAWN):
        _withdraw(None, donor, "Người cho mẫu tự rút lại sự đồng ý qua trang tra cứu.")


def _withdraw(actor, donor: Donor, note: str) -> Withdrawal:
    """The withdrawal itself, in the caller's transaction; ``actor`` None: the person did it themselves."""
    donor = _locked(donor)
    if donor.step == Step.WITHDRAWN:
        raise DnaError("Người này đã rút lại sự đồng ý.")
    relative = donor.relative
    identity = {
        "name": relative.full_name,
        "phone": relative.phone,
        "id_number": relative.id_number,
        "residence": relative.residence,
    }
    actions = []
    cancelled = RoundEntry.objects.filter(donor=donor, outcome="").update(
        outcome=Attendance.CANCELLED, recorded_at=timezone.now()
    )
    if cancelled:
        actions.append("Đã hủy lịch lấy mẫu.")
    if donor.sampled:
        donor.destroy_requested_at = timezone.now()
        actions.append(
            f"Đã đề nghị {donor.laboratory or donor.collecting_unit or 'nơi giữ mẫu'} hủy mẫu số {donor.sample_number}."
        )
    before = donor.step
    donor.step, donor.withdrawn_at = Step.WITHDRAWN, timezone.now()
    donor.consent_witness = ""
    if donor.consent_form:
        # the signed form carries the name and signature: gone with the rest of the identity
        donor.consent_form.delete(save=False)
        actions.append("Đã xóa phiếu đồng ý đã ký.")
    donor.save()
    if relative.from_tip_id and actor is not None:
        # the same person, on the tip they offered the sample on: erased there too
        from doantu.tips import services as tip_services

        tip_services.tip_erase_reporter(
            actor=actor,
            tip=relative.from_tip,
            reason="Người gửi rút lại đồng ý cho mẫu ADN (báo cán bộ phường): họ tên, số điện thoại, địa chỉ "
            "đã được xóa.",
        )
        actions.append("Đã xóa họ tên, điện thoại trên thông tin người này đã gửi.")
    record = Withdrawal.objects.create(
        donor=donor,
        sealed_identity=json.dumps(identity, ensure_ascii=False),
        actions=actions,
        recorded_by=actor,
    )
    registry.relative_erase_identity(
        actor=actor, relative=relative, reason="Rút lại đồng ý cho mẫu ADN", label=PUBLIC_WITHDRAWAL
    )
    _audit(
        actor,
        "donor_withdrawn",
        donor,
        {"step": [before, Step.WITHDRAWN], "date": [None, timezone.localtime(donor.withdrawn_at).date()]},
        " ".join(actions) or note,
    )
    told = [
        u
        for u in User.objects.filter(
            is_active=True, unit__parent=donor.owner, role__in=[Role.CAMPAIGN, Role.POLICE]
        )
    ]
    notify_message(
        users=told,
        text=f"Một thân nhân của liệt sĩ {relative.martyr.full_name} đã rút lại đồng ý cho mẫu ADN. "
        + (" ".join(actions) or "Không còn lịch lấy mẫu."),
        actor=actor,
    )
    ward = donor.owner
    outcome = _tell_person(
        donor,
        identity["phone"],
        f"UBND {ward.name}: đã ghi nhận ông/bà rút lại đồng ý cho mẫu ADN; thông tin cá nhân đã được xóa"
        + ("; mẫu đã lấy được đề nghị hủy." if donor.destroy_requested_at else "."),
        "Đã nhắn tin xác nhận việc rút lại đồng ý.",
    )
    record.confirmation = {
        "sent": "Đã nhắn tin xác nhận",
        "not-sent": "Chưa nhắn được: gọi điện/gửi thư",
        "failed": "Nhắn tin lỗi: gọi điện/gửi thư",
    }[outcome]
    record.save(update_fields=["confirmation"])
    return record


# ------------------------------------------------------------------------------------------ reading


def donor_reveal(*, actor, donor: Donor) -> dict[str, str]:
    """Who a donor is and how to reach them, on request, audited (like a tip's reporter)."""
    access.require(access.can_reveal(actor, donor))
    with transaction.atomic():
        _audit(actor, "donor_viewed", donor)
    r = donor.relative
    return {
        "name": r.full_name,
        "phone": r.phone,
        "id_number": r.id_number,
        "residence": r.residence,
        "consent_witness": donor.consent_witness,
    }


def consent_form_open(*, actor, donor: Donor):
    """The signed consent form (it bears the person's name and signature): under the identity rule, each opening
    audited like a reveal. Returns an open file, or None when there is none (an oral consent, a withdrawal)."""
    access.require(access.can_reveal(actor, donor))
    if not donor.consent_form:
        return None
    try:
        handle = donor.consent_form.open("rb")
    except FileNotFoundError:  # the row outlived its file (a restore without media)
        return None
    with transaction.atomic():
        _audit(actor, "donor_viewed", donor, message="Mở phiếu đồng ý đã ký")
    return handle


def _person(donor: Donor | None, relative: Relative | None = None) -> pedigree.Person:
    relative = relative or donor.relative
    askable = donor is None or donor.step not in (Step.WITHDRAWN, Step.REFUSED)
    return pedigree.Person(
        key=relative.pk,
        kind=relative.relationship,
        alive=relative.alive,
        askable=askable,
        sampled=bool(donor and donor.sampled),
        offered=bool(donor and donor.step not in (Step.KNOWN,)),
        sex=relative.sex,
        group=donor.residential_group.name if donor and donor.residential_group_id else "",
        extra={"step_label": donor.get_step_display() if donor else "", "donor": donor, "relative": relative},
    )


@dataclass
class Pedigree:
    martyr: Martyr
    people: list[pedigree.Person]
    best: pedigree.Person | None
    coverage: str
    tree: pedigree.Tree
    flags: dict[int, list[pedigree.Person]]
    identities: dict[int, dict]

    @property
    def coverage_label(self) -> str:
        return pedigree.Coverage.LABELS[self.coverage]

    @property
    def best_sentence(self) -> str:
        if self.best is None:
            if self.coverage == pedigree.Coverage.COVERED:
                return "Đã có mẫu của người thân ưu tiên 1–3: không cần hỏi thêm."
            if self.coverage == pedigree.Coverage.PARTLY:
                return (
                    "Đã có mẫu ưu tiên thấp; chưa biết người thân ưu tiên cao hơn còn sống: hỏi gia đình, tổ dân phố "
                    "xem còn mẹ, bà ngoại, anh chị em cùng mẹ không."
                )
            return (
                "Chưa biết người thân dòng mẹ nào còn sống để hỏi: cần tìm thêm (qua gia đình, tổ dân phố)."
            )
        p = self.best
        donor = p.extra.get("donor")
        who = self.identities.get(donor.pk, {}).get("name") if donor else ""
        alive = {True: "còn sống", None: "chưa rõ còn sống"}[p.alive]
        parts = [
            f"Hỏi {who}" if who else "Hỏi người thân",
            pedigree.kind_words(p),
            f"ưu tiên {p.priority}",
            alive,
        ]
        if p.group:
            parts.append(f"ở {p.group}")
        return ", ".join(parts) + "."


def _pedigree_from(martyr: Martyr, relatives, identities: dict[int, dict]) -> Pedigree:
    people = [_person(getattr(r, "donor", None) if hasattr(r, "donor") else None, r) for r in relatives]
    best = pedigree.best_next(people)
    if best is not None:
        best.extra["best"] = True
    for p in people:
        donor = p.extra.get("donor")
        identity = identities.get(donor.pk, {}) if donor else {}
        p.label = pedigree.kind_words(p).capitalize()
        if identity.get("name"):
            p.extra["name"] = identity["name"]
        # how to reach them (after the audited reveal only)
        p.extra["phone"], p.extra["residence"] = identity.get("phone", ""), identity.get("residence", "")
    flags = {p.key: pedigree.higher_priority_living(p, people) for p in people if p.offered and p.askable}
    flags = {k: v for k, v in flags.items() if v}
    for p in people:
        p.extra["flags"] = flags.get(p.key, [])
    return Pedigree(
        martyr,
        pedigree.ordered(people),
        best,
        pedigree.coverage(people),
        pedigree.tree(people, martyr.full_name),
        flags,
        identities,
    )


def _relatives(user, martyr_ids) -> dict[int, list[Relative]]:
    from doantu.registry import access as registry_access

    donors = access.donors(user).select_related("residential_group")
    qs = (
        Relative.objects.filter(martyr_id__in=martyr_ids)
        .filter(donor__in=donors)
        .select_related("donor__residential_group")
    )
    # relatives recorded by the registry without a donor row (before this pipeline) count too, in the user's view
    plain = registry_access.people_scope(user, Relative.objects.filter(martyr_id__in=martyr_ids, donor=None))
    out: dict[int, list[Relative]] = {}
    for r in [*qs, *plain]:
        out.setdefault(r.martyr_id, []).append(r)
    return out


def pedigree_of(*, actor, martyr: Martyr, reveal: bool = False) -> Pedigree:
    """The maternal-line pedigree of one martyr as ``actor`` may see it; ``reveal``: with the identity and
    contact of every donor ``actor`` may know (each reading audited)."""
    access.require(access.can_view_pipeline(actor))
    access.require(access.martyrs(actor, Martyr.objects).filter(pk=martyr.pk).exists(), access.OUT_OF_SCOPE)
    relatives = _relatives(actor, [martyr.pk]).get(martyr.pk, [])
    identities = {}
    if reveal:
        for r in relatives:
            donor = getattr(r, "donor", None) if hasattr(r, "donor") else None
            if donor is not None and access.can_reveal(actor, donor):
                identities[donor.pk] = donor_reveal(actor=actor, donor=donor)
    return _pedigree_from(martyr, relatives, identities)


def pending_martyrs(user):
    """Martyrs whose remains are not found or whose grave is not identified (no grave linked, not identified)."""
    qs = Martyr.objects.filter(merged_into=None).exclude(status=MartyrStatus.IDENTIFIED).filter(graves=None)
    return access.martyrs(user, qs)


def ward_martyrs(user, qs=None):
    """The martyrs of the user's ward for the campaign: those with relatives the ward recorded."""
    qs = pending_martyrs(user) if qs is None else qs
    return qs.filter(relatives__donor__in=access.donors(user)).distinct()


def pedigrees(*, actor, martyrs) -> list[Pedigree]:
    access.require(access.can_view_pipeline(actor))
    martyrs = list(martyrs)
    rel = _relatives(actor, [m.pk for m in martyrs])
    return [_pedigree_from(m, rel.get(m.pk, []), {}) for m in martyrs]


def round_list(*, actor, collection_round: CollectionRound) -> list[dict]:
    """The round's list for the police: only the fields they need (``access.ROUND_FIELDS``), only for those who
    may export it; the identities it carries are a recorded reading."""
    access.require(access.can_export_round(actor, collection_round))
    entries = collection_round.entries.select_related(
        "donor__relative__martyr", "donor__residential_group"
    ).exclude(outcome=Attendance.CANCELLED)
    rows = []
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="round_exported",
            obj=collection_round,
            changes={"created": [None, entries.count()]},
        )
        for n, e in enumerate(entries, start=1):
            r = e.donor.relative
            rows.append(
                {
                    "stt": n,
                    "name": r.full_name,
                    "birth": r.birth,
                    "sex": r.sex,
                    "id_number": r.id_number,
                    "phone": r.phone,
                    "residential_group": e.donor.residential_group.name
                    if e.donor.residential_group_id
                    else "",
                    "martyr": r.martyr.full_name,
                    "relationship": r.get_relationship_display(),
                    "outcome": e.get_outcome_display() if e.outcome else "",
                    "sample": e.donor.sample_number,
                }
            )
    return rows


def donor_timeline(*, actor, donor: Donor) -> list:
    """The donor's steps as recorded on the audit trail, each with its words."""
    from doantu.audit.models import AuditEntry

    access.require_donor(actor, donor)
    entries = list(
        AuditEntry.objects.filter(object_type="dna.donor", object_id=str(donor.pk)).order_by("at", "pk")
    )
    for e in entries:
        e.label = labels.action_label(e.action)
    return entries


STEP_INDEX = {s: i for i, s in enumerate(FORWARD_STEPS)}


def open_tip_offers(*, actor) -> list[dict]:
    """DNA offers from tips (with the DNA consent) the actor may see, not yet recorded as donors, with the martyr
    the tip was confirmed to be about (if any)."""
    from doantu.registry.models import LinkDecision, TipLink
    from doantu.tips import access as tip_access

    access.require(access.can_manage(actor))
    tips = (
        tip_access.tips_visible_to(actor)
        .filter(dna_offer=True, consent_dna=True, consent_withdrawn_at=None)
        .exclude(relationship="")
        .exclude(
            pk__in=Relative.objects.filter(donor__isnull=False, from_tip__isnull=False).values("from_tip")
        )
        .order_by("-created_at")[:100]
    )
    links = {
        link.tip_id: link.martyr
        for link in TipLink.objects.filter(
            tip__in=tips, decision=LinkDecision.CONFIRMED, martyr__isnull=False
        ).select_related("martyr")
    }
    return [
        {
            "tip": t,
            "martyr": links.get(t.pk),
            "kind": pedigree.rule(t.relationship),
            "words": t.get_relationship_display(),
        }
        for t in tips
    ]
