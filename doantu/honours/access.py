"""Who may see and do what with commendations: every decision is made here and nowhere else.

The plan (VIII.1) makes the culture office propose ("tham mưu UBND phường biểu dương, đề nghị cấp có thẩm quyền
khen thưởng") and the ward's leadership decide (Law 06/2022/QH15: the chairman awards, or proposes upward):

- campaign staff (culture office) of the ward: read, draft, edit drafts, add achievements and evidence, propose;
- leadership of the ward: read, decide (ward-level praise, a proposal to a higher level, or not), export;
- administrators: everything. Nobody else sees nominations (they hold people's names and achievements).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from doantu.org.models import OrgUnit, Role

from .models import Nomination, Status

READERS = {Role.CAMPAIGN, Role.LEADERSHIP}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _ward(user) -> OrgUnit | None:
    return user.ward if user.unit_id else None


def can_use_honours(user) -> bool:
    return _active(user) and (user.is_admin or (user.role in READERS and _ward(user) is not None))


def can_propose(user) -> bool:
    return _active(user) and (user.is_admin or (user.role == Role.CAMPAIGN and _ward(user) is not None))


def nominations_visible_to(user) -> QuerySet[Nomination]:
    qs = Nomination.objects.select_related("ward", "unit")
    if not can_use_honours(user):
        return qs.none()
    return qs if user.is_admin else qs.filter(ward=_ward(user))


def _of_ward(user, nomination: Nomination, role: str) -> bool:
    if not _active(user):
        return False
    if user.is_admin:
        return True
    ward = _ward(user)
    return user.role == role and ward is not None and ward.pk == nomination.ward_id


def can_view(user, nomination: Nomination) -> bool:
    return nominations_visible_to(user).filter(pk=nomination.pk).exists()


def can_edit(user, nomination: Nomination) -> bool:
    """Change the nomination, its achievements and evidence: the culture office, while it is a draft."""
    return nomination.status == Status.DRAFT and _of_ward(user, nomination, Role.CAMPAIGN)


def can_submit(user, nomination: Nomination) -> bool:
    return _of_ward(user, nomination, Role.CAMPAIGN)


def can_decide(user, nomination: Nomination) -> bool:
    return _of_ward(user, nomination, Role.LEADERSHIP)


def can_export(user) -> bool:
    return can_use_honours(user)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
