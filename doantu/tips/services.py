"""Every write to a tip goes through a function here, in one transaction with its audit entry.

Functions are keyword-only and named ``<entity>_<action>``. They check permissions themselves (via
``tips.access``) so that no view or API endpoint can forget to; they raise ``PermissionDenied`` or
``WorkflowError`` (with a Vietnamese message) and change nothing when they refuse.
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from doantu.audit import labels
from doantu.audit.services import audit_record, diff
from doantu.encryption import keyed_digest
from doantu.org.models import OrgUnit, UnitKind
from doantu.phones import normalise_phone
from doantu.registry.choices import Relationship

from . import access
from .models import (
    MARTYR_DETAIL_FIELDS,
    STAFF_CHANNELS,
    ApiToken,
    Attachment,
    AttachmentKind,
    ConsentMethod,
    Forward,
    ForwardOutcome,
    ForwardStatus,
    IntakeChannel,
    Note,
    Privacy,
    Source,
    Tip,
    TipKind,
    TipMartyr,
    TipStatus,
    plausible_years,
)
from .uploads import PreparedFile

log = logging.getLogger(__name__)

# 2026-11: one consent to process and forward (named tips shared with the agencies asked).
# 2026-11-30: the reporter chooses who may know who they are (Tip.privacy); the processing consent forwards the
# content only; a withdrawal can be asked for on the status page.
CONSENT_VERSION = "2026-11-30"
DEFAULT_FORWARD_DAYS = 14

ACTION_LABELS = {
    "submitted": "Tiếp nhận thông tin",
    "review_started": "Bắt đầu xem xét",
    "assigned": "Phân công xử lý",
    "edited": "Sửa thông tin",
    "forwarded": "Chuyển xác minh",
    "forward_withdrawn": "Rút lại đề nghị xác minh",
    "answered": "Trả lời xác minh",
    "concluded": "Kết luận",
    "closed": "Đóng",
    "reopened": "Mở lại",
    "note_added": "Ghi chú nội bộ",
    "reporter_viewed": "Xem thông tin người cung cấp",
    "public_note_set": "Cập nhật lời nhắn cho người gửi",
    "consent_withdrawn": "Người gửi rút lại sự đồng ý",
    "source_created": "Tạo nguồn (mã QR)",
    "source_updated": "Cập nhật nguồn (mã QR)",
    "martyr_named": "Thêm liệt sĩ được nêu",
    "martyr_edited": "Sửa thông tin liệt sĩ được nêu",
    "martyr_removed": "Bỏ liệt sĩ được nêu",
}

CONCLUSIONS = {TipStatus.VERIFIED, TipStatus.NOT_VERIFIABLE, TipStatus.DUPLICATE}
OPEN = {TipStatus.NEW, TipStatus.UNDER_REVIEW, TipStatus.FORWARDED, TipStatus.ANSWERED}

# Structured details staff may correct after reading the account (the account itself is never rewritten).
EDITABLE_FIELDS = (
    "kinds",
    "location_description",
    "residential_group",
    "relationship",
)

labels.register(
    "tips",
    actions=ACTION_LABELS,
    fields={
        "status": ("Trạng thái", dict(TipStatus.choices)),
        "forward_status": ("Đề nghị xác minh", dict(ForwardStatus.choices)),
        "outcome": ("Kết quả", dict(ForwardOutcome.choices)),
        "kinds": ("Loại thông tin", {}),  # recorded as the labels, joined (a list has no single word)
        **{
            f"martyr_{f}": (str(TipMartyr._meta.get_field(f).verbose_name).capitalize(), {})
            for f in MARTYR_DETAIL_FIELDS
        },
        "martyr_position": ("Liệt sĩ thứ", {}),
        "relationship": ("Quan hệ với liệt sĩ", dict(Relationship.choices)),
        "agency": ("Cơ quan", {}),
        "due_date": ("Hạn trả lời", {}),
        "code": ("Mã", {}),
        "active": ("Đang dùng", {True: "có", False: "không"}),
        "assignee": ("Người xử lý", {}),
        "duplicate_of": ("Trùng với", {}),
        "outcome_note": ("Kết luận", {}),
        "public_note": ("Lời nhắn cho người gửi", {}),
        "channel": ("Kênh gửi", dict(IntakeChannel.choices)),
        "consent_method": ("Cách đồng ý", dict(ConsentMethod.choices)),
        "privacy": ("Ai được biết danh tính", dict(Privacy.choices)),
        "consent_withdrawn_at": ("Rút lại đồng ý lúc", {}),
        **{
            f.name: (str(f.verbose_name).capitalize(), {})
            for f in Tip._meta.fields
            if f.name in EDITABLE_FIELDS and f.name not in ("kinds", "relationship")
        },
    },
)


class WorkflowError(Exception):
    """A request that makes no sense in the tip's current state. The message is for the user, in Vietnamese."""


# ---------------------------------------------------------------------------------------------- intake


@dataclass
class Submission:
    """What a person sent, already validated (by ``tips.forms.TipForm``, for both the web form and the API)."""

    kinds: list[str]
    account: str
    consent_processing: bool
    anonymous: bool = False
    # Who may know the reporter (``Privacy``); empty: anonymous if ``anonymous``, otherwise the ward only.
    privacy: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_address: str = ""
    residential_group: OrgUnit | None = None
    relationship: str = ""
    dna_offer: bool = False
    consent_contact: bool = False
    consent_dna: bool = False
    # Each martyr the tip names: a dict of ``MARTYR_DETAIL_FIELDS`` (as written; blank ones may be left out).
    martyrs: list[dict] = field(default_factory=list)
    latitude: Any = None
    longitude: Any = None
    location_accuracy_m: int | None = None
    location_source: str = ""
    location_description: str = ""
    # A tip entered by staff for someone else: how that person consented, and before whom (ConsentMethod).
    consent_method: str = ""
    consent_witness: str = ""


KEY_CONFLICT_MESSAGE = (
    "Mã chống gửi trùng này đã được dùng cho một nội dung khác. Nội dung mới chưa được lưu: "
    "hãy gửi lại (ứng dụng cần dùng một mã mới cho mỗi lần gửi khác nhau)."
)
# Parts of a request that are not the submission's content: the CSRF token changes per page load.
_NOT_CONTENT = {"csrfmiddlewaretoken", "submission_key"}


class SubmissionKeyConflict(WorkflowError):
    """The idempotency key names an earlier tip whose content differs from this request's."""

    def __init__(self, tip: Tip):
        super().__init__(KEY_CONFLICT_MESSAGE)
        self.tip = tip


def submission_fingerprint(fields: Mapping[str, list[str]], files: Iterable[tuple[str, Any]]) -> str:
    """A hash of what a request submits: every field as sent (but the CSRF token and the key) and every file's
    bytes, in order. A retry of the same request (double tap, lost answer) has the same fingerprint."""
    digest = hashlib.sha256()
    for name in sorted(fields):
        if name in _NOT_CONTENT:
            continue
        for value in fields[name]:
            digest.update(f"{len(name)}:{name}={len(value)}:{value};".encode())
    for name, upload in files:
        part = hashlib.sha256()
        for chunk in upload.chunks():
            part.update(chunk)
        upload.seek(0)
        digest.update(f"file:{name}:{upload.size}:{part.hexdigest()};".encode())
    return digest.hexdigest()


# A witness may name the comrades he buried together; beyond this a list is an attachment, not a form.
MAX_MARTYRS = 10


def clean_kinds(kinds) -> list[str]:
    """The kinds of a tip: known values only, each once, in TipKind's order; at least one."""
    chosen = set(kinds or [])
    if not chosen or not chosen <= set(TipKind.values):
        raise WorkflowError("Hãy chọn loại thông tin bạn cung cấp.")
    return [k for k in TipKind.values if k in chosen]


def clean_martyr(values: Mapping[str, Any]) -> dict[str, Any]:
    """One named martyr's details: known fields only, text stripped and cut to the column, the enlistment year a
    plausible year (``plausible_years``) or nothing. Raises ``WorkflowError`` for an implausible year."""
    unknown = set(values) - set(MARTYR_DETAIL_FIELDS)
    if unknown:
        raise WorkflowError(f"Không có mục: {', '.join(sorted(unknown))}.")
    out: dict[str, Any] = {}
    for name in MARTYR_DETAIL_FIELDS:
        value = values.get(name)
        if name == "enlistment_year":
            out[name] = check_enlistment_year(value, values.get("birth_year"))
            continue
        text = str(value or "").strip()
        limit = TipMartyr._meta.get_field(name).max_length
        if len(text) > limit:
            label = TipMartyr._meta.get_field(name).verbose_name
            raise WorkflowError(f"Mục “{label}” quá dài (tối đa {limit} ký tự).")
        out[name] = text
    return out


def check_enlistment_year(value, birth_year=None) -> int | None:
    """A martyr's enlistment year as a number, or None when not given; ``WorkflowError`` (in Vietnamese) when it
    cannot be one (outside ``plausible_years``, or not after the birth year when that is a plain year)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isdigit() or len(text) != 4:
        raise WorkflowError("Năm nhập ngũ phải là một năm gồm 4 chữ số, ví dụ 1968.")
    year = int(text)
    low, high = plausible_years()
    if not low <= year <= high:
        raise WorkflowError(f"Năm nhập ngũ phải trong khoảng {low}–{high}.")
    born = str(birth_year or "").strip()
    if born.isdigit() and len(born) == 4 and year <= int(born):
        raise WorkflowError("Năm nhập ngũ phải sau năm sinh.")
    return year


def tip_for_retry(*, source: Source, submission_key: str, payload_hash: str) -> Tip | None:
    """The tip an earlier request with this key made on this source, if this request is its retry; raises
    ``SubmissionKeyConflict`` if the key was used for other content."""
    tip = Tip.objects.filter(source=source, submission_key=submission_key).first()
    if tip is not None and tip.payload_hash and tip.payload_hash != payload_hash:
        raise SubmissionKeyConflict(tip)
    return tip


def phone_check_digest(receipt_code: str, phone: str) -> str:
    """The status check: a keyed hash of the receipt and the last four digits of the phone's canonical form
    (``doantu.phones``), so "+84 209 3871 234" and "0209.3871.234" give the same check."""
    digits = "".join(ch for ch in (normalise_phone(phone) or phone) if ch.isdigit())
    return keyed_digest("tip-status", receipt_code, digits[-4:])


def tip_submit(
    *,
    source: Source,
    submission: Submission,
    files: list[PreparedFile],
    submission_key: str,
    payload_hash: str = "",
    channel: str = IntakeChannel.WEB,
    actor=None,
    consent_slip: PreparedFile | None = None,
) -> tuple[Tip, bool]:
    """Save a tip and its files together, or nothing. Returns ``(tip, created)``.

    The public (web form, API) sends with no ``actor``. Staff entering a tip given on paper, by phone or in
    person for someone else pass themselves as ``actor`` (recorded as the tip's ``entered_by`` and as the audit
    entry's actor), a staff ``channel``, and how the person consented (``submission.consent_method``): a signed
    slip, whose photo is ``consent_slip`` (checked like every upload), or orally before a named witness. Who may
    enter for which source and group: ``access.can_enter_tip``.

    A retry with the same ``submission_key`` on the same source and the same ``payload_hash`` (see
    ``submission_fingerprint``) returns the first tip (``created`` False) and stores nothing: the key, unique
    per source, makes the second insert fail, whoever comes second (callers may look the key up first with
    ``tip_for_retry`` to skip the work, as the views do). The same key with another payload raises
    ``SubmissionKeyConflict`` and stores nothing.
    """

    data = vars(submission).copy()
    data["kinds"] = clean_kinds(data["kinds"])
    named = [clean_martyr(values) for values in data.pop("martyrs") or []]
    named = [values for values in named if any(v not in ("", None) for v in values.values())]
    if len(named) > MAX_MARTYRS:
        raise WorkflowError(f"Mỗi lần gửi nêu được tối đa {MAX_MARTYRS} liệt sĩ.")
    _check_entry(actor=actor, source=source, channel=channel, data=data, consent_slip=consent_slip)
    if consent_slip is not None:
        files = [*files, consent_slip]

    if data["anonymous"] or data["privacy"] == Privacy.ANONYMOUS:
        data["anonymous"], data["privacy"] = True, Privacy.ANONYMOUS
    elif data["privacy"] not in (Privacy.WARD, Privacy.AGENCIES):
        data["privacy"] = Privacy.WARD  # never wider than the person chose
    if data["anonymous"]:
        for key in ("reporter_name", "reporter_phone", "reporter_address"):
            data[key] = ""
        data["consent_contact"] = False
    stored: list[Attachment] = []
    for attempt in range(3):
        try:
            with transaction.atomic():
                tip = Tip(
                    source=source,
                    ward=source.ward,
                    channel=channel,
                    entered_by=actor,
                    submission_key=submission_key,
                    payload_hash=payload_hash,
                    consent_version=CONSENT_VERSION,
                    **data,
                )
                if tip.reporter_phone:
                    tip.status_check = phone_check_digest(tip.receipt_code, tip.reporter_phone)
                tip.save()
                if named:
                    TipMartyr.objects.bulk_create(
                        [TipMartyr(tip=tip, position=n, **values) for n, values in enumerate(named, start=1)]
                    )
                    tip.refresh_search_text()
                for prepared in files:
                    attachment = Attachment(
                        tip=tip,
                        kind=AttachmentKind.CONSENT_SLIP if prepared is consent_slip else prepared.kind,
                        content_type=prepared.content_type,
                        size=prepared.size,
                        sha256=prepared.sha256,
                        original_name=prepared.original_name,
                        width=prepared.width,
                        height=prepared.height,
                    )
                    prepared.content.seek(0)
                    attachment.file.save(f"upload{prepared.extension}", prepared.content, save=False)
                    stored.append(attachment)
                    attachment.save()
                changes: dict[str, list] = {
                    "status": [None, TipStatus.NEW],
                    "channel": [None, channel],
                    "kinds": [None, tip.get_kinds_display()],
                }
                message = f"Nguồn: {source.name}; {len(files)} tệp đính kèm"
                if len(named) > 1:
                    message += f"; nêu {len(named)} liệt sĩ"
                if actor is not None:
                    changes["consent_method"] = [None, tip.consent_method]
                    message = f"Nguồn: {source.name}; nhập hộ ({tip.get_channel_display().lower()}); " + (
                        f"{len(files)} tệp đính kèm"
                    )
                audit_record(actor=actor, action="submitted", obj=tip, changes=changes, message=message)
            return tip, True
        except IntegrityError:
            _delete_files(stored)
            stored.clear()
            if existing := tip_for_retry(
                source=source, submission_key=submission_key, payload_hash=payload_hash
            ):
                return existing, False  # a concurrent retry won the race: same receipt for both
            if attempt == 2:
                raise
            # otherwise a receipt-code collision (about 1 in 10^12): the next Tip() draws another code
        except BaseException:
            _delete_files(stored)
            raise
    raise AssertionError("unreachable")


def _check_entry(*, actor, source: Source, channel: str, data: dict, consent_slip) -> None:
    """A public submission has no actor and no consent method; a staff entry has both, a staff channel, and
    the proof of consent its method needs. Raises before anything is written."""
    method = data.get("consent_method") or ""
    if actor is None:
        if method or data.get("consent_witness") or consent_slip is not None or channel in STAFF_CHANNELS:
            raise PermissionDenied("Chỉ cán bộ đã đăng nhập mới nhập thông tin hộ người khác.")
        return
    _require(access.can_enter_tip(actor, source=source, group=data.get("residential_group")))
    if channel not in STAFF_CHANNELS:
        raise WorkflowError("Hãy chọn thông tin được nhận qua phiếu giấy, điện thoại hay trực tiếp.")
    data["consent_witness"] = (data.get("consent_witness") or "").strip()
    if method == ConsentMethod.SIGNED_SLIP:
        if consent_slip is None:
            raise WorkflowError("Hãy chụp và đính kèm ảnh phiếu có chữ ký đồng ý của người cung cấp.")
    elif method == ConsentMethod.ORAL:
        if not data["consent_witness"]:
            raise WorkflowError("Hãy ghi họ tên, chức vụ người chứng kiến việc đồng ý bằng lời.")
        if consent_slip is not None:
            raise WorkflowError("Ảnh phiếu đồng ý chỉ dùng khi người cung cấp ký vào phiếu.")
    else:
        raise WorkflowError("Hãy ghi người cung cấp đã đồng ý bằng cách nào (ký phiếu hay bằng lời).")
    if len(data["consent_witness"]) > 200:
        raise WorkflowError("Tên người chứng kiến quá dài (tối đa 200 ký tự).")


def _delete_files(attachments: list[Attachment]) -> None:
    for attachment in attachments:
        try:
            attachment.file.storage.delete(attachment.file.name)
        except OSError:  # pragma: no cover - best effort; an orphan file is harmless, a lost tip is not
            log.exception("could not delete orphaned attachment %s", attachment.file.name)


def tip_public_status(*, receipt_code: str, phone_digits: str = "") -> Tip | None:
    """The tip a receipt code names, if the phone check passes (tips given with no phone need none)."""
    code = receipt_code.strip().upper().replace(" ", "")
    if len(code) == 8 and "-" not in code:
        code = f"{code[:4]}-{code[4:]}"
    tip = Tip.objects.filter(receipt_code=code).first()
    if tip is None:
        return None
    if tip.status_check and tip.status_check != phone_check_digest(tip.receipt_code, phone_digits):
        return None
    return tip


# -------------------------------------------------------------------------------------------- workflow


def _locked(tip: Tip) -> Tip:
    return Tip.objects.select_for_update().get(pk=tip.pk)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")


def _set(tip: Tip, actor, action: str, fields: dict[str, Any], message: str = "", obj=None) -> Tip:
    before = {name: getattr(tip, name) for name in fields}
    for name, value in fields.items():
        setattr(tip, name, value)
    tip.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=actor, action=action, obj=obj or tip, context=tip, changes=diff(before, fields), message=message
    )
    return tip


def tip_start_review(*, tip: Tip, actor) -> Tip:
    with transaction.atomic():
        tip = _locked(tip)
        _require(access.can_triage(actor, tip))
        if tip.status != TipStatus.NEW:
            raise WorkflowError("Chỉ bắt đầu xem xét được thông tin mới.")
        return _set(tip, actor, "review_started", {"status": TipStatus.UNDER_REVIEW})


def tip_assign(*, tip: Tip, actor, assignee) -> Tip:
    with transaction.atomic():
        tip = _locked(tip)
        _require(access.can_triage(actor, tip))
        if tip.status not in OPEN:
            raise WorkflowError("Thông tin đã có kết luận; hãy mở lại trước khi phân công.")
        if assignee is not None and not access.assignable_users(actor, tip).filter(pk=assignee.pk).exists():
            raise WorkflowError("Người được phân công phải là cán bộ chiến dịch của phường.")
        fields: dict[str, Any] = {"assignee": assignee}
        if tip.status == TipStatus.NEW:
            fields["status"] = TipStatus.UNDER_REVIEW
        return _set(tip, actor, "assigned", fields)


def tip_edit(*, tip: Tip, actor, changes: dict[str, Any]) -> Tip:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise WorkflowError(f"Không sửa được các trường: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        tip = _locked(tip)
        _require(access.can_triage(actor, tip))
        group = changes.get("residential_group")
        if group is not None and not (
            group.parent_id == tip.ward_id and group.kind == UnitKind.RESIDENTIAL_GROUP
        ):
            # the group decides which group leader sees the tip: never one of another ward
            raise WorkflowError("Tổ dân phố phải thuộc phường của thông tin này.")
        if "kinds" in changes:
            changes = {**changes, "kinds": clean_kinds(changes["kinds"])}
        changed = {k: v for k, v in changes.items() if getattr(tip, k) != v}
        if not changed:
            return tip
        kinds_before = tip.get_kinds_display()
        before = {k: getattr(tip, k) for k in changed if k != "kinds"}
        for name, value in changed.items():
            setattr(tip, name, value)
        tip.save(update_fields=[*changed, "updated_at"])
        audit_changes = diff(before, {k: v for k, v in changed.items() if k != "kinds"})
        if "kinds" in changed:  # the labels, joined: what staff read on the timeline
            audit_changes["kinds"] = [kinds_before, tip.get_kinds_display()]
        audit_record(actor=actor, action="edited", obj=tip, context=tip, changes=audit_changes)
        return tip


def tip_martyr_save(
    *, tip: Tip, actor, values: Mapping[str, Any], named: TipMartyr | None = None
) -> TipMartyr:
    """Staff correct what a tip says about one martyr it names (``named``), or add one more it names. The
    account itself is never rewritten. Audited field by field on the tip's timeline."""
    with transaction.atomic():
        tip = _locked(tip)
        _require(access.can_triage(actor, tip))
        # a correction changes what it names and keeps the rest
        values = clean_martyr({**(named.values() if named is not None else {}), **values})
        if named is None:
            if tip.martyrs.count() >= MAX_MARTYRS:
                raise WorkflowError(f"Mỗi thông tin nêu được tối đa {MAX_MARTYRS} liệt sĩ.")
            if not any(v not in ("", None) for v in values.values()):
                raise WorkflowError("Hãy điền ít nhất một điều về liệt sĩ (họ tên, bí danh, quê quán…).")
            position = (tip.martyrs.order_by("-position").values_list("position", flat=True).first() or 0) + 1
            named = TipMartyr.objects.create(tip=tip, position=position, **values)
            action, before = "martyr_named", {}
        else:
            named = TipMartyr.objects.select_for_update().get(pk=named.pk, tip=tip)
            before = named.values()
            for name, value in values.items():
                setattr(named, name, value)
            named.save()
            action = "martyr_edited"
        changes = {
            f"martyr_{k}": [before.get(k), v]
            for k, v in values.items()
            if before.get(k) != v and (before or v)
        }
        if action == "martyr_edited" and not changes:
            return named
        tip.refresh_search_text()
        changes["martyr_position"] = [named.position, named.position]
        audit_record(actor=actor, action=action, obj=tip, context=tip, changes=changes)
        return named


def tip_forward(
    *, tip: Tip, actor, agency: OrgUnit, question: str, due_date: dt.date | None = None
) -> Forward:
    question = (question or "").strip()
    if not question:
        raise WorkflowError("Hãy ghi rõ nội dung đề nghị xác minh.")
    due_date = due_date or timezone.localdate() + dt.timedelta(days=DEFAULT_FORWARD_DAYS)
    if due_date < timezone.localdate():
        raise WorkflowError("Hạn trả lời không được ở trong quá khứ.")
    with transaction.atomic():
        tip = _locked(tip)
        _require(access.can_triage(actor, tip))
        if tip.status not in OPEN:
            raise WorkflowError("Thông tin đã có kết luận; hãy mở lại trước khi chuyển xác minh.")
        if not access.forward_targets(tip).filter(pk=agency.pk).exists():
            raise WorkflowError(
                f"Không chuyển được cho “{agency}”: đơn vị này không nhận xác minh của phường."
            )
        if tip.forwards.filter(agency=agency, status=ForwardStatus.OPEN).exists():
            raise WorkflowError(f"Đã chuyển cho “{agency}” và đang chờ trả lời.")
        forward = Forward.objects.create(
            tip=tip, agency=agency, question=question, due_date=due_date, created_by=actor
        )
        before = tip.status
        tip.status = TipStatus.FORWARDED
        tip.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="forwarded",
            obj=forward,
            context=tip,
            changes={
                "status": [before, TipStatus.FORWARDED],
                "agency": [None, str(agency)],
                "due_date": [None, due_date.isoformat()],
            },
            message=question,
        )
        return forward


def forward_withdraw(*, forward: Forward, actor, reason: str = "") -> Forward:
    reason = (reason or "").strip()
    if len(reason) > 4000:  # as the staff forms' reasons (forms.ReasonForm)
        raise WorkflowError("Lý do quá dài (tối đa 4.000 ký tự).")
    with transaction.atomic():
        tip = _locked(forward.tip)
        _require(access.can_triage(actor, tip))
        forward = Forward.objects.select_for_update().get(pk=forward.pk)
        if forward.status != ForwardStatus.OPEN:
            raise WorkflowError("Đề nghị xác minh này không còn chờ trả lời.")
        _withdraw(forward, actor, tip, reason)
        if tip.status == TipStatus.FORWARDED and not tip.forwards.filter(status=ForwardStatus.OPEN).exists():
            _set(tip, actor, "forward_withdrawn", {"status": TipStatus.UNDER_REVIEW})
        return forward


def _withdraw(forward: Forward, actor, tip: Tip, reason: str) -> None:
    forward.status = ForwardStatus.WITHDRAWN
    forward.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="forward_withdrawn",
        obj=forward,
        context=tip,
        changes={
            "forward_status": [ForwardStatus.OPEN, ForwardStatus.WITHDRAWN],
            "agency": [str(forward.agency)] * 2,
        },
        message=reason,
    )


def forward_answer(
    *, forward: Forward, actor, outcome: str, answer: str, duplicate_of: Tip | None = None
) -> Forward:
    """An agency's answer. It returns the tip to the ward's campaign staff ("answered", to review): the
    agency's outcome is a proposal they accept or not with ``tip_conclude``; nothing is concluded here, so
    the public status shows no verdict until staff have concluded."""
    answer = (answer or "").strip()
    if outcome not in ForwardOutcome.values:
        raise WorkflowError("Hãy chọn kết quả xác minh.")
    if not answer:
        raise WorkflowError("Hãy ghi nội dung trả lời.")
    with transaction.atomic():
        tip = _locked(forward.tip)
        forward = Forward.objects.select_for_update().get(pk=forward.pk)
        _require(access.can_answer(actor, forward))
        if outcome == ForwardOutcome.DUPLICATE:
            _check_duplicate_target(tip, duplicate_of)
        forward.status = ForwardStatus.ANSWERED
        forward.outcome = outcome
        forward.answer = answer
        forward.answered_by = actor
        forward.answered_at = timezone.now()
        forward.duplicate_of = duplicate_of if outcome == ForwardOutcome.DUPLICATE else None
        forward.save()
        changes = {
            "forward_status": [ForwardStatus.OPEN, ForwardStatus.ANSWERED],
            "outcome": [None, outcome],
            "agency": [str(forward.agency)] * 2,
        }
        if tip.status == TipStatus.FORWARDED:  # back to the ward's staff, even while another agency is asked
            changes["status"] = [tip.status, TipStatus.ANSWERED]
            tip.status = TipStatus.ANSWERED
            tip.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor, action="answered", obj=forward, context=tip, changes=changes, message=answer
        )
        return forward


def _check_duplicate_target(tip: Tip, duplicate_of: Tip | None) -> None:
    if duplicate_of is None:
        raise WorkflowError("Hãy chỉ ra thông tin bị trùng (mã biên nhận).")
    if duplicate_of.pk == tip.pk:
        raise WorkflowError("Một thông tin không thể trùng với chính nó.")
    if duplicate_of.ward_id != tip.ward_id:
        raise WorkflowError("Thông tin bị trùng phải thuộc cùng phường.")
    if duplicate_of.duplicate_of_id == tip.pk:
        raise WorkflowError("Thông tin kia đang được ghi là trùng với thông tin này.")


def tip_conclude(*, tip: Tip, actor, outcome: str, note: str, duplicate_of: Tip | None = None) -> Tip:
    """Staff record the conclusion themselves. Forwards still waiting are withdrawn (and recorded)."""
    note = (note or "").strip()
    if outcome not in CONCLUSIONS:
        raise WorkflowError("Kết luận phải là: đã xác minh, không xác minh được, hoặc trùng lặp.")
    if not note:
        raise WorkflowError("Hãy ghi nội dung kết luận.")
    with transaction.atomic():
        tip = _locked(tip)
        _require(access.can_triage(actor, tip))
        if tip.status not in OPEN:
            raise WorkflowError("Thông tin đã có kết luận; hãy mở lại nếu cần kết luận khác.")
        fields: dict[str, Any] = {"status": outcome, "outcome_note": note}
        if outcome == TipStatus.DUPLICATE:
            _check_duplicate_target(tip, duplicate_of)
            fields["duplicate_of"] = duplicate_of
        for forward in tip.forwards.filter(status=ForwardStatus.OPEN).select_related("agency"):
            _withdraw(forward, actor, tip, "Rút lại khi phường kết luận")
        return _set(tip, actor, "concluded", fields, message=note)


def tip_close(*, tip: Tip, actor, note: str = "") -> Tip:
    note = (note or "").strip()
    with transaction.atomic():
        tip = _locked(tip)
        _require(access.can_triage(actor, tip))
        if tip.status == TipStatus.CLOSED:
            raise WorkflowError("Thông tin đã được đóng.")
        if tip.status in OPEN and not note:
            raise WorkflowError("Thông tin chưa có kết luận: hãy ghi lý do đóng.")
        for forward in tip.forwards.filter(status=ForwardStatus.OPEN).select_related("agency"):
            _withdraw(forward, actor, tip, "Rút lại khi đóng thông tin")
        return _set(tip, actor, "closed", {"status": TipStatus.CLOSED}, message=note)


def tip_reopen(*, tip: Tip, actor, note: str) -> Tip:
    note = (note or "").strip()
    if not note:
        raise WorkflowError("Hãy ghi lý do mở lại.")
    with transaction.atomic():
        tip = _locked(tip)
        _require(access.can_triage(actor, tip))
        if tip.status in OPEN:
            raise WorkflowError("Thông tin đang được xử lý, không cần mở lại.")
        return _set(
            tip, actor, "reopened", {"status": TipStatus.UNDER_REVIEW, "duplicate_of": None}, message=note
        )


def tip_add_note(*, tip: Tip, actor, body: str) -> Note:
    body = (body or "").strip()
    if not body:
        raise WorkflowError("Ghi chú đang để trống.")
    with transaction.atomic():
        tip = _locked(tip)
        _require(access.can_add_note(actor, tip))
        note = Note.objects.create(tip=tip, author=actor, body=body)
        audit_record(actor=actor, action="note_added", obj=note, context=tip, message=body)
        return note


def tip_set_public_note(*, tip: Tip, actor, text: str) -> Tip:
    with transaction.atomic():
        tip = _locked(tip)
        _require(access.can_triage(actor, tip))
        return _set(tip, actor, "public_note_set", {"public_note": (text or "").strip()[:300]})


def tip_reveal_reporter(*, tip: Tip, actor) -> dict[str, str]:
    """The reporter's identity, for those who need it and whom the reporter allowed (``access.visible_fields``:
    an agency asked reads it only if the reporter chose to share it with agencies); the reading itself goes on
    the record."""
    _require(access.can_view_identity(actor, tip))
    with transaction.atomic():
        audit_record(actor=actor, action="reporter_viewed", obj=tip)
    return {
        "name": tip.reporter_name,
        "phone": tip.reporter_phone,
        "address": tip.reporter_address,
    }


def tip_reveal_entered_names(*, tips: Iterable[Tip], actor) -> dict[int, str]:
    """The reporters' names of tips ``actor`` entered for someone else, for his list of them (he typed them).
    The same rule as any reveal (``access.can_view_identity``) and each reading on the record."""
    names: dict[int, str] = {}
    with transaction.atomic():
        for tip in tips:
            if tip.entered_by_id != actor.pk or tip.anonymous or not access.can_view_identity(actor, tip):
                continue
            audit_record(
                actor=actor, action="reporter_viewed", obj=tip, message="Danh sách thông tin đã nhập hộ"
            )
            names[tip.pk] = tip.reporter_name
    return names


WITHDRAW_REFUSED = "Không tìm thấy. Hãy kiểm tra lại mã biên nhận và 4 số cuối số điện thoại."


def tip_withdraw_consent(*, receipt_code: str, phone_digits: str) -> Tip:
    """The reporter withdraws their consent (Law 91/2025: they may, at any time), proving it is theirs with the
    receipt code and the last four digits of the phone they gave.

    Their name, phone and address are erased at once (not merely hidden): nobody reads them again, and no copy
    waits in the database or its backups to be leaked. The audit trail keeps what it always kept (who read the
    identity, when), never the identity itself, so the record of past processing stays whole. The tip's content
    stays (it is about the martyr, not the person) and the status check keeps working (it is a keyed hash of
    the receipt and the four digits). The campaign staff see the withdrawal on the tip's timeline."""
    tip = tip_public_status(receipt_code=receipt_code, phone_digits=phone_digits)
    if tip is None or not tip.status_check or len(phone_digits) != 4:
        raise PermissionDenied(WITHDRAW_REFUSED)  # anonymous tips hold no identity to withdraw
    with transaction.atomic():
        tip = _locked(tip)
        if tip.identity_withdrawn:
            raise WorkflowError("Bạn đã rút lại sự đồng ý cho thông tin này; thông tin cá nhân đã được xóa.")
        _erase_identity(
            tip,
            actor=None,
            message="Người gửi rút lại sự đồng ý qua trang tra cứu: họ tên, số điện thoại, địa chỉ đã được xóa; "
            "không liên hệ lại người gửi.",
        )
        from .signals import consent_withdrawn

        consent_withdrawn.send(sender=Tip, tip=tip)
        return tip


def tip_erase_reporter(*, actor, tip: Tip, reason: str) -> Tip:
    """Erase the reporter's name, phone and address, and their contact and DNA consents, as a public withdrawal
    does, for a withdrawal the person made elsewhere (told to the ward's staff: a DNA donor who came from this
    tip). The caller has checked who may record it; here: the tip must be one ``actor`` may see."""
    if not access.tips_visible_to(actor).filter(pk=tip.pk).exists():
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
    with transaction.atomic():
        tip = _locked(tip)
        if tip.identity_withdrawn:
            return tip
        _erase_identity(tip, actor=actor, message=reason)
        return tip


def _erase_identity(tip: Tip, *, actor, message: str) -> None:
    """Inside the caller's transaction, on the locked tip: erase the reporter's name, phone and address and their
    contact and DNA consents (the contact hash goes with them, in ``Tip.save``), and record the withdrawal."""
    now = timezone.now()
    tip.reporter_name = tip.reporter_phone = tip.reporter_address = ""
    tip.consent_contact = tip.consent_dna = False
    tip.consent_withdrawn_at = now
    tip.save(
        update_fields=[
            "reporter_name",
            "reporter_phone",
            "reporter_address",
            "consent_contact",
            "consent_dna",
            "consent_withdrawn_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="consent_withdrawn",
        obj=tip,
        changes={"consent_withdrawn_at": [None, now.isoformat()]},
        message=message,
    )


RECEIPT_CHANNELS = {"sms": "tin nhắn SMS/Zalo"}


def tip_receipt_send(
    *, tip: Tip, url: str, channel_name: str, just_submitted: str | None, consent: bool
) -> str:
    """The person who has just sent ``tip`` asks for its receipt by ``channel_name``, agreeing to receive it
    (``consent``, the box they ticked). Only from the browser that sent it (``access.can_send_receipt``), only
    to the contact given on this tip; the message goes out from the task worker (``notify.tasks.send_receipt``),
    which records whether it went. Recorded here: the request and the consent, never the number. Returns the
    masked number it will go to, for the page."""
    from doantu.notify.channels import mask

    if not access.can_send_receipt(tip, just_submitted=just_submitted):
        raise PermissionDenied("Chỉ gửi được biên nhận từ máy vừa gửi thông tin, tới số đã để lại.")
    address = access.receipt_contacts(tip).get(channel_name)
    if channel_name not in RECEIPT_CHANNELS or address is None:
        raise WorkflowError("Không gửi được biên nhận theo cách này.")
    if not consent:
        raise WorkflowError("Hãy đánh dấu đồng ý nhận biên nhận qua tin nhắn.")
    from doantu.notify.tasks import send_receipt

    with transaction.atomic():
        audit_record(
            actor=None,
            action="receipt_requested",
            obj=tip,
            message=f"Người cung cấp đề nghị gửi biên nhận qua {RECEIPT_CHANNELS[channel_name]} tới số họ đã để "
            "lại và đồng ý nhận tin.",
        )
        transaction.on_commit(lambda: send_receipt.enqueue(tip.pk, url, channel_name))
    return mask(address)


labels.register("tips", actions={"receipt_requested": "Người cung cấp đề nghị gửi biên nhận"})


__all__ = [
    "ACTION_LABELS",
    "Submission",
    "WorkflowError",
    "forward_answer",
    "forward_withdraw",
    "tip_add_note",
    "tip_assign",
    "tip_close",
    "tip_conclude",
    "tip_edit",
    "tip_forward",
    "tip_martyr_save",
    "tip_public_status",
    "tip_receipt_send",
    "tip_reopen",
    "tip_reveal_entered_names",
    "tip_reveal_reporter",
    "tip_set_public_note",
    "tip_start_review",
    "tip_submit",
    "tip_withdraw_consent",
]


# ---------------------------------------------------------------------------------------------- sources


def source_create(
    *,
    ward: OrgUnit,
    actor,
    name: str,
    kind: str,
    code: str = "",
    placement: str = "",
    owner_unit: OrgUnit | None = None,
) -> Source:
    """A new QR source (a banner, a channel, a group). Codes are short and easy to type from a poster."""
    _require(access.can_manage_sources(actor, ward))
    code = (code or "").strip().lower()
    with transaction.atomic():
        if code and Source.objects.filter(code=code).exists():
            raise WorkflowError(f"Mã “{code}” đã được dùng; hãy chọn mã khác.")
        if not code:
            code = _free_source_code()
        source = Source.objects.create(
            ward=ward,
            name=name.strip(),
            kind=kind,
            code=code,
            placement=placement.strip(),
            owner_unit=owner_unit,
        )
        audit_record(
            actor=actor, action="source_created", obj=source, changes={"code": [None, code]}, message=name
        )
        return source


def _free_source_code() -> str:
    import secrets

    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(5))
        if not Source.objects.filter(code=code).exists():
            return code


def source_set_active(*, source: Source, actor, active: bool) -> Source:
    _require(access.can_manage_sources(actor, source.ward))
    with transaction.atomic():
        before = source.active
        source.active = active
        source.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="source_updated",
            obj=source,
            changes=diff({"active": before}, {"active": active}),
        )
        return source


# ------------------------------------------------------------------------- sources and API keys in the admin

labels.register(
    "tips",
    actions={
        "source_deleted": "Xóa nguồn (mã QR)",
        "api_token_created": "Tạo khóa API",
        "api_token_updated": "Sửa khóa API",
        "api_token_deleted": "Xóa khóa API",
    },
    fields={
        "name": ("Tên", {}),
        "ward": ("Phường", {}),
        "owner_unit": ("Đơn vị phụ trách", {}),
        "placement": ("Vị trí treo/đăng", {}),
        "user": ("Tài khoản", {}),
        "revoked": ("Đã thu hồi", {True: "có", False: "không"}),
    },
)


def source_save(*, actor, source: Source) -> Source:
    """Create or change a source from the admin site: whoever may manage the sources of its ward (before and
    after the change)."""
    from doantu.org.services import save_audited

    with transaction.atomic():
        stored = Source.objects.select_for_update().get(pk=source.pk) if source.pk else None
        _require(access.can_manage_sources(actor, source.ward))
        if stored is not None:
            _require(access.can_manage_sources(actor, stored.ward))
        return save_audited(actor=actor, obj=source, stored=stored, prefix="source")


def source_delete(*, actor, source: Source) -> None:
    from doantu.org.services import delete_audited

    _require(access.can_manage_sources(actor, source.ward))
    with transaction.atomic():
        delete_audited(actor=actor, obj=source, prefix="source")


def api_token_create(*, actor, user, name: str) -> tuple[ApiToken, str]:
    """A new API key acting as ``user`` (admin only; for a superuser's account, a superuser only). Returns the
    key once: only its SHA-256 digest is stored."""
    import hashlib
    import secrets

    from doantu.org.services import require_may_manage_account

    require_may_manage_account(actor, user, user)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        api_token = ApiToken.objects.create(
            user=user, name=name.strip(), digest=hashlib.sha256(token.encode()).hexdigest()
        )
        audit_record(
            actor=actor,
            action="api_token_created",
            obj=api_token,
            changes={"user": [None, str(user)], "name": [None, api_token.name]},
            message=str(api_token),
        )
    return api_token, token


def api_token_save(*, actor, api_token: ApiToken) -> ApiToken:
    """Rename or revoke an API key (admin only). Its account and digest do not change."""
    from doantu.org.services import require_may_manage_account, save_audited

    with transaction.atomic():
        stored = ApiToken.objects.select_for_update().select_related("user").get(pk=api_token.pk)
        require_may_manage_account(actor, stored.user, stored.user)
        if api_token.user_id != stored.user_id or api_token.digest != stored.digest:
            raise PermissionDenied("Không thể đổi tài khoản của khóa API; hãy tạo khóa mới.")
        return save_audited(actor=actor, obj=api_token, stored=stored, prefix="api_token")


def api_token_delete(*, actor, api_token: ApiToken) -> None:
    from doantu.org.services import delete_audited, require_may_manage_account

    require_may_manage_account(actor, api_token.user, api_token.user)
    with transaction.atomic():
        delete_audited(actor=actor, obj=api_token, prefix="api_token")
