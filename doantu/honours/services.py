"""Every write of the commendations, in one transaction with its audit entry; keyword-only ``<entity>_<action>``
functions that check ``honours.access`` themselves and raise ``PermissionDenied`` or ``WorkflowError``."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from doantu.audit import labels
from doantu.audit.services import audit_record, diff
from doantu.org.models import OrgUnit, UnitKind
from doantu.tips.services import WorkflowError
from doantu.tips.uploads import prepare_uploads

from . import access, contributions
from .models import (
    CATEGORIES_OF,
    Achievement,
    AwardForm,
    Category,
    Evidence,
    Nomination,
    NomineeKind,
    Review,
    Status,
)

labels.register(
    "honours",
    actions={
        "nomination_created": "Lập đề nghị khen thưởng",
        "nomination_edited": "Sửa đề nghị khen thưởng",
        "nomination_proposed": "Trình lãnh đạo",
        "nomination_decided": "Lãnh đạo quyết định",
        "nomination_returned": "Trả lại để bổ sung",
        "achievement_added": "Thêm thành tích",
        "achievement_removed": "Bỏ thành tích",
        "evidence_added": "Thêm minh chứng",
        "honours_exported": "Xuất danh sách khen thưởng",
    },
    fields={
        "status": ("Trạng thái", dict(Status.choices)),
        "award": ("Hình thức", dict(AwardForm.choices)),
        "kind": ("Tập thể / cá nhân", dict(NomineeKind.choices)),
        "category": ("Đối tượng", dict(Category.choices)),
        "review": ("Đợt", dict(Review.choices)),
        "name": ("Tên", {}),
        "summary": ("Tóm tắt thành tích", {}),
        "decision_number": ("Số quyết định", {}),
        "decision_date": ("Ngày quyết định", {}),
    },
)

EDITABLE = ("kind", "category", "name", "unit", "position", "summary", "award", "review")
MAX_TEXT = 6000


def _text(value, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise WorkflowError(f"Hãy ghi {what}.")
    if len(value) > limit:
        raise WorkflowError(
            f"{what[0].upper()}{what[1:]} quá dài (tối đa {limit:,} ký tự).".replace(",", ".")
        )
    return value


def _check(values: dict[str, Any], ward: OrgUnit) -> dict[str, Any]:
    if values.get("kind") not in NomineeKind.values:
        raise WorkflowError("Hãy chọn tập thể hay cá nhân.")
    if values.get("category") not in CATEGORIES_OF[values["kind"]]:
        raise WorkflowError("Đối tượng không phù hợp với tập thể / cá nhân đã chọn.")
    if values.get("award") not in AwardForm.values:
        raise WorkflowError("Hãy chọn hình thức khen thưởng.")
    if values.get("review") not in Review.values:
        raise WorkflowError("Hãy chọn đợt khen thưởng.")
    values["name"] = _text(values.get("name"), "tên tập thể hoặc họ tên", limit=200)
    values["summary"] = _text(values.get("summary"), "tóm tắt thành tích")
    values["position"] = _text(values.get("position"), "chức vụ, địa chỉ", required=False, limit=300)
    unit = values.get("unit")
    if unit is not None:
        if values["kind"] != NomineeKind.COLLECTIVE:
            raise WorkflowError("Chỉ tập thể mới gắn với một đơn vị trong hệ thống.")
        if not (unit.pk == ward.pk or unit.path.startswith(ward.path + "/")):
            raise WorkflowError("Đơn vị phải thuộc phường.")
    return values


def nomination_create(*, actor, values: dict[str, Any]) -> Nomination:
    access.require(access.can_propose(actor))
    ward = actor.ward
    if ward is None:
        raise WorkflowError("Tài khoản này không thuộc phường nào.")
    values = _check({k: values.get(k) for k in EDITABLE}, ward)
    with transaction.atomic():
        nomination = Nomination.objects.create(ward=ward, created_by=actor, **values)
        audit_record(
            actor=actor,
            action="nomination_created",
            obj=nomination,
            changes=diff({}, {k: v for k, v in values.items() if v not in (None, "")}),
        )
        return nomination


def _locked(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_for_update().get(pk=nomination.pk)


def nomination_edit(*, nomination: Nomination, actor, changes: dict[str, Any]) -> Nomination:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise WorkflowError(f"Không sửa được các trường: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        nomination = _locked(nomination)
        access.require(access.can_edit(actor, nomination))
        merged = _check({k: getattr(nomination, k) for k in EDITABLE} | changes, nomination.ward)
        changed = {k: merged[k] for k in EDITABLE if getattr(nomination, k) != merged[k]}
        if not changed:
            return nomination
        before = {k: getattr(nomination, k) for k in changed}
        for k, v in changed.items():
            setattr(nomination, k, v)
        nomination.save(update_fields=list(changed))
        audit_record(actor=actor, action="nomination_edited", obj=nomination, changes=diff(before, changed))
        return nomination


def achievement_add(
    *,
    nomination: Nomination,
    actor,
    source: str,
    ref: str = "",
    summary: str = "",
    happened_on: dt.date | None = None,
    agreement: str = "",
) -> Achievement:
    """An achievement from a provider (``source``, ``ref``: checked by the provider under the actor's rights) or
    written by hand (``source="manual"``, ``summary``). A contribution that names a person (a tip) needs their
    agreement, recorded in words (how and when they agreed)."""
    agreement = _text(agreement, "sự đồng ý", required=False, limit=300)
    with transaction.atomic():
        nomination = _locked(nomination)
        access.require(access.can_edit(actor, nomination))
        if source == "manual":
            summary = _text(summary, "nội dung thành tích")
            ref = ""
        else:
            provider = contributions.PROVIDERS.get(source)
            if provider is None:
                raise WorkflowError("Nguồn thành tích không có trong hệ thống.")
            found = provider.get(actor=actor, ward=nomination.ward, ref=(ref or "").strip())
            if found is None:
                raise WorkflowError(
                    "Không dùng được đóng góp này: không tìm thấy, chưa được xác minh, hoặc người cung cấp giấu "
                    "tên hay đã rút lại sự đồng ý."
                )
            if found.needs_agreement and not agreement:
                raise WorkflowError(
                    "Hãy ghi rõ người cung cấp đã đồng ý được nêu trong hồ sơ khen thưởng (cách và ngày đồng ý)."
                )
            ref, summary, happened_on = (
                found.ref,
                _text(summary, "", required=False) or found.summary,
                found.happened_on,
            )
        try:
            with transaction.atomic():
                achievement = Achievement.objects.create(
                    nomination=nomination,
                    source=source,
                    ref=ref,
                    summary=summary,
                    happened_on=happened_on,
                    agreement=agreement,
                    added_by=actor,
                )
        except IntegrityError:
            raise WorkflowError("Thành tích này đã có trong hồ sơ.") from None
        audit_record(
            actor=actor,
            action="achievement_added",
            obj=achievement,
            context=nomination,
            message=summary + (f" (đồng ý: {agreement})" if agreement else ""),
        )
        return achievement


def achievement_remove(*, achievement: Achievement, actor) -> None:
    with transaction.atomic():
        nomination = _locked(achievement.nomination)
        access.require(access.can_edit(actor, nomination))
        audit_record(
            actor=actor,
            action="achievement_removed",
            obj=achievement,
            context=nomination,
            message=achievement.summary,
        )
        achievement.delete()


def evidence_add(*, nomination: Nomination, actor, uploads) -> list[Evidence]:
    access.require(access.can_edit(actor, nomination))
    prepared, errors = prepare_uploads(list(uploads or []))
    if errors:
        raise WorkflowError(" ".join(errors))
    if not prepared:
        raise WorkflowError("Hãy chọn ít nhất một tệp.")
    with transaction.atomic():
        nomination = _locked(nomination)
        access.require(access.can_edit(actor, nomination))
        stored = []
        for p in prepared:
            item = Evidence(
                nomination=nomination,
                kind=p.kind,
                content_type=p.content_type,
                size=p.size,
                original_name=p.original_name,
                sha256=p.sha256,
                uploaded_by=actor,
            )
            item.file.save(f"evidence{p.extension}", p.content, save=False)
            item.save()
            audit_record(
                actor=actor, action="evidence_added", obj=item, context=nomination, message=p.original_name
            )
            stored.append(item)
        return stored


def nomination_propose(*, nomination: Nomination, actor) -> Nomination:
    with transaction.atomic():
        nomination = _locked(nomination)
        access.require(access.can_submit(actor, nomination))
        if nomination.status != Status.DRAFT:
            raise WorkflowError("Chỉ trình được đề nghị đang lập.")
        nomination.status, nomination.proposed_at = Status.PROPOSED, timezone.now()
        nomination.save(update_fields=["status", "proposed_at"])
        audit_record(
            actor=actor,
            action="nomination_proposed",
            obj=nomination,
            changes={"status": [Status.DRAFT, Status.PROPOSED]},
        )
        return nomination


DECISIONS = {
    AwardForm.WARD_PRAISE: Status.APPROVED,
    AwardForm.HIGHER: Status.FORWARDED,
    "reject": Status.REJECTED,
    "return": Status.DRAFT,
}


def nomination_decide(
    *,
    nomination: Nomination,
    actor,
    decision: str,
    number: str = "",
    date: dt.date | None = None,
    note: str = "",
) -> Nomination:
    """Leadership decides a proposed nomination: ward-level praise (the decision's number and date), a proposal
    to a higher level (the submission's number and date), not to commend (a reason), or back to the culture
    office to complete (a reason)."""
    if decision not in DECISIONS:
        raise WorkflowError("Hãy chọn quyết định.")
    note = _text(note, "ý kiến", required=decision in ("reject", "return"))
    number = (number or "").strip()
    if decision in (AwardForm.WARD_PRAISE, AwardForm.HIGHER):
        if not number or len(number) > 40:
            raise WorkflowError("Hãy ghi số quyết định (hoặc số tờ trình), ví dụ 125/QĐ-UBND.")
        if date is None:
            raise WorkflowError("Hãy ghi ngày quyết định.")
        if date > timezone.localdate():
            raise WorkflowError("Ngày quyết định không được ở tương lai.")
    with transaction.atomic():
        nomination = _locked(nomination)
        access.require(access.can_decide(actor, nomination))
        if nomination.status != Status.PROPOSED:
            raise WorkflowError("Chỉ quyết định được đề nghị đã trình.")
        status = DECISIONS[decision]
        before = {
            "status": nomination.status,
            "decision_number": nomination.decision_number,
            "decision_date": nomination.decision_date,
        }
        nomination.status = status
        if status == Status.DRAFT:
            nomination.proposed_at = None
            action = "nomination_returned"
        else:
            nomination.decided_by, nomination.decided_at = actor, timezone.now()
            if decision in (AwardForm.WARD_PRAISE, AwardForm.HIGHER):
                nomination.award = decision
                nomination.decision_number, nomination.decision_date = number, date
            action = "nomination_decided"
        nomination.decision_note = note
        nomination.save()
        after = {
            "status": status,
            "decision_number": nomination.decision_number,
            "decision_date": nomination.decision_date,
        }
        audit_record(actor=actor, action=action, obj=nomination, changes=diff(before, after), message=note)
        return nomination


def collective_units(ward: OrgUnit):
    """Units of the ward that can be commended as collectives (groups, schools, agencies, associations)."""
    kinds = [UnitKind.RESIDENTIAL_GROUP, UnitKind.SCHOOL, UnitKind.AGENCY, UnitKind.ASSOCIATION]
    return OrgUnit.objects.filter(path__startswith=ward.path + "/", kind__in=kinds, active=True).order_by(
        "kind", "sort_order", "name"
    )
