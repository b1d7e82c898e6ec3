"""What a notification says to one user: only what that user may read of the tip (``tips.access``).

Never the reporter's identity, the exact location, attachments, notes or the assignment, whoever reads it (a
notification also leaves the system by email or SMS); a forward's question and answer only to those who read
that forward (the ward's campaign staff and the agency asked). A user who may not see the tip gets nothing.
"""

from django.conf import settings

from doantu.tips import access
from doantu.tips.models import Forward, ForwardOutcome, Tip, TipStatus

from .models import Kind

EXCERPT = 300


def _cut(text: str, n: int = EXCERPT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def about(tip: Tip, view: access.TipView) -> str:
    words = f"thông tin {tip.receipt_code} ({tip.get_kinds_display().lower()})"
    names = tip.martyr_names
    if names and view.sees_field("martyr_name"):
        words += f", liệt sĩ {_cut(names, 80)}"
    return words


def text_for(user, kind: str, tip: Tip, forward: Forward | None = None) -> str | None:
    view = access.visible_fields(user, tip)
    if not view.classes:
        return None
    subject = about(tip, view)
    sees_forward = forward is not None and view.sees_forward(forward)
    if kind == Kind.FORWARDED:
        text = f"{tip.ward.name} đề nghị {forward.agency.label} xác minh {subject}"
        text += f"; hạn trả lời {forward.due_date:%d/%m/%Y}."
        if sees_forward:
            text += f" Nội dung đề nghị: {_cut(forward.question)}"
        return text
    if kind == Kind.ANSWERED:
        text = f"{forward.agency.label} đã trả lời đề nghị xác minh {subject}"
        if sees_forward:
            text += f": {ForwardOutcome(forward.outcome).label.lower()}. Trả lời: {_cut(forward.answer)}"
        else:
            text += "."
        return text + " Cần xem xét và kết luận."
    if kind == Kind.OVERDUE:
        return (
            f"Đề nghị xác minh {subject} gửi {forward.agency.label} đã quá hạn trả lời "
            f"(hạn {forward.due_date:%d/%m/%Y})."
        )
    if kind == Kind.STATUS:
        return f"{subject[0].upper()}{subject[1:]} chuyển sang trạng thái “{TipStatus(tip.status).label}”."
    raise ValueError(kind)


def link(notification) -> str:
    return settings.SITE_URL.rstrip("/") + notification.get_absolute_url()


def tipster_text(tip: Tip) -> str:
    """For the person who gave the tip: their receipt code and the public status words, nothing else (an SMS
    can be read by whoever holds the phone)."""
    return (
        f"UBND {tip.ward.name}: thông tin mã {tip.receipt_code} bạn cung cấp: {tip.public_status}. "
        f"Cảm ơn bạn. Tra cứu: {settings.SITE_URL.rstrip('/')}/tra-cuu/"
    )
