"""Reads for staff pages and the API. Always start from ``access.tips_visible_to`` so scoping can't be skipped."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from doantu.audit.models import AuditEntry

from . import access
from .models import Forward, ForwardOutcome, ForwardStatus, Relationship, Source, Tip, TipKind, TipStatus


def inbox(
    user,
    *,
    q: str = "",
    status: str = "",
    kind: str = "",
    source=None,
    residential_group=None,
    date_from=None,
    date_to=None,
    overdue: bool = False,
    mine: bool = False,
) -> QuerySet[Tip]:
    overdue_forwards = Forward.objects.filter(
        tip=OuterRef("pk"), status=ForwardStatus.OPEN, due_date__lt=timezone.localdate()
    )
    qs = (
        access.tips_visible_to(user)
        .select_related("source", "residential_group", "assignee", "ward")
        .annotate(is_overdue=Exists(overdue_forwards), n_files=Count("attachments", distinct=True))
    )
    if q:
        q = q.strip()
        code = q.upper()
        qs = qs.filter(
            Q(receipt_code=code)
            | Q(receipt_code=f"{code[:4]}-{code[4:]}")
            | Q(martyr_name__icontains=q)
            | Q(martyr_alias__icontains=q)
            | Q(account__icontains=q)
            | Q(martyr_home_place__icontains=q)
        )
    if status == "open":
        qs = qs.filter(status__in=access.open_statuses())
    elif status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if source:
        qs = qs.filter(source=source)
    if residential_group:
        qs = qs.filter(residential_group=residential_group)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    if overdue:
        qs = qs.filter(is_overdue=True)
    if mine:
        qs = qs.filter(assignee=user)
    return qs.order_by("-is_overdue", "-created_at", "-id")


def timeline(tip: Tip) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.for_context(tip).select_related("actor")


# How the timeline names fields and values that are stored as codes.
_CHANGE_LABELS = {
    "status": ("Trạng thái", dict(TipStatus.choices)),
    "forward_status": ("Đề nghị xác minh", dict(ForwardStatus.choices)),
    "outcome": ("Kết quả", dict(ForwardOutcome.choices)),
    "kind": ("Loại thông tin", dict(TipKind.choices)),
    "relationship": ("Quan hệ với liệt sĩ", dict(Relationship.choices)),
    "agency": ("Cơ quan", {}),
    "due_date": ("Hạn trả lời", {}),
    "code": ("Mã", {}),
    "active": ("Đang dùng", {True: "có", False: "không"}),
}


def _field_label(field: str) -> str:
    if field in _CHANGE_LABELS:
        return _CHANGE_LABELS[field][0]
    try:
        return str(Tip._meta.get_field(field).verbose_name).capitalize()
    except Exception:  # a field of another record: show its name as stored
        return field


def timeline_rows(tip: Tip) -> list[dict]:
    """The tip's audit trail, in words."""
    from .services import ACTION_LABELS

    rows = []
    for entry in timeline(tip):
        changes = []
        for field, (before, after) in entry.changes.items():
            values = _CHANGE_LABELS.get(field, (None, {}))[1]
            changes.append((_field_label(field), values.get(before, before), values.get(after, after)))
        rows.append(
            {
                "at": entry.at,
                "actor": entry.actor_label,
                "action": ACTION_LABELS.get(entry.action, entry.action),
                "changes": changes,
                "message": entry.message,
            }
        )
    return rows


def sources_for(user, ward) -> QuerySet[Source]:
    return (
        Source.objects.filter(ward=ward)
        .select_related("owner_unit")
        .annotate(
            n_tips=Count("tips", distinct=True),
            n_verified=Count("tips", filter=Q(tips__status=TipStatus.VERIFIED), distinct=True),
        )
        .order_by("kind", "name")
    )


def status_counts(qs: QuerySet[Tip]) -> dict[str, int]:
    rows = qs.order_by().values("status").annotate(n=Count("id"))
    counts = {s.value: 0 for s in TipStatus}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
