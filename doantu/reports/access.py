"""Who may do what with reports, the dashboard, the map and the province roll-up — decided here only.

- Campaign staff (culture office) of a ward draft the ward's reports, write their narrative, see every report
  of their ward, and send an approved report (with its number).
- Leadership of the ward reads the ward's reports and approves drafts (figures only elsewhere).
- The province reads the reports its wards have sent, sees its wards side by side, imports their signed figures.
- Administrators: everything. Other roles: no reports.
The dashboard's figures follow ``doantu.indicators.access``.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from doantu.indicators import access as figure_access
from doantu.org.models import Role, UnitKind

from .models import Report, ReportStatus


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def reports_visible_to(user) -> QuerySet[Report]:
    qs = Report.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_admin:
        return qs
    if user.unit_id is None:
        return qs.none()
    if user.role in (Role.CAMPAIGN, Role.LEADERSHIP):
        return qs.filter(ward=user.ward) if user.ward else qs.none()
    if user.role == Role.PROVINCE:
        province = user.unit.nearest(UnitKind.PROVINCE)
        if province is None:
            return qs.none()
        return qs.filter(ward__path__startswith=province.path + "/", status=ReportStatus.SENT)
    return qs.none()


def can_use_reports(user) -> bool:
    return _active(user) and (user.is_admin or user.role in (Role.CAMPAIGN, Role.LEADERSHIP, Role.PROVINCE))


def can_draft(user, ward) -> bool:
    if not _active(user) or ward is None or ward.kind != UnitKind.WARD:
        return False
    return user.is_admin or (user.role == Role.CAMPAIGN and user.ward is not None and user.ward.pk == ward.pk)


def can_edit(user, report: Report) -> bool:
    return report.status == ReportStatus.DRAFT and can_draft(user, report.ward)


def can_approve(user, report: Report) -> bool:
    if report.status != ReportStatus.DRAFT or not _active(user):
        return False
    return user.is_admin or (
        user.role == Role.LEADERSHIP and user.ward is not None and user.ward.pk == report.ward_id
    )


def can_send(user, report: Report) -> bool:
    return report.status == ReportStatus.APPROVED and can_draft(user, report.ward)


def can_view(user, report: Report) -> bool:
    return reports_visible_to(user).filter(pk=report.pk).exists()


def require(allowed: bool, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def province_of(user):
    if not _active(user) or user.unit_id is None:
        return None
    if user.is_admin or user.role == Role.PROVINCE:
        return user.unit.nearest(UnitKind.PROVINCE)
    return None


def can_see_rollup(user, province) -> bool:
    return (
        province is not None
        and figure_access.can_view_unit(user, province)
        and (user.is_admin or user.role == Role.PROVINCE)
    )


def can_import(user, province) -> bool:
    return can_see_rollup(user, province)


def can_export_figures(user, ward) -> bool:
    """A ward's signed export of its figures: its campaign staff and administrators."""
    return can_draft(user, ward)


def map_mode(user, ward) -> str | None:
    """ "exact" (each tip's point: those who handle the ward's tips and may read their location — campaign staff of
    the ward, administrators), "coarse" (counts per grid cell, never a point: every other role that sees the ward's
    figures) or None."""
    if ward is None or ward.kind != UnitKind.WARD or not figure_access.can_view_unit(user, ward):
        return None
    if user.is_admin or (user.role == Role.CAMPAIGN and user.ward is not None and user.ward.pk == ward.pk):
        return "exact"
    return "coarse"
