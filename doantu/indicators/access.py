"""Who may see which figures — decided here only, called inside ``compute``/``figures``/``drill_url``.

- Administrators: every unit, every figure, the lists behind them.
- Campaign staff (culture office): their ward's figures and the lists behind them (drill-down).
- Leadership of the ward: their ward's figures only (no lists: they read, they do not handle tips).
- The province: the figures of its wards and its own total, figures only (no personal data reaches it).
- Channel staff (service centre), the military command, the police and the Front: their ward's figures (counts,
  no lists; each list page keeps its own rules anyway).
- Residential-group leaders, schools and accounts without a unit: no dashboard.
An indicator can narrow this further with ``roles=`` (e.g. only campaign staff and leadership).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from doantu.org.models import Role, UnitKind

from .registry import SYSTEM, Indicator

WARD_FIGURE_ROLES = {Role.CAMPAIGN, Role.LEADERSHIP, Role.CHANNEL, Role.MILITARY, Role.POLICE, Role.FRONT}
DRILL_ROLES = {Role.CAMPAIGN}  # besides administrators; "leadership and the province see figures only"
FIGURES_ONLY_ROLES = {Role.LEADERSHIP, Role.PROVINCE}


def _is_admin(viewer) -> bool:
    return viewer is not SYSTEM and getattr(viewer, "is_admin", False)


def can_view_unit(viewer, unit) -> bool:
    if viewer is SYSTEM:
        return True
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return False
    if _is_admin(viewer):
        return True
    if unit is None or viewer.unit_id is None or unit.kind not in (UnitKind.WARD, UnitKind.PROVINCE):
        return False
    if viewer.role == Role.PROVINCE:
        province = viewer.unit.nearest(UnitKind.PROVINCE)
        return province is not None and (unit.pk == province.pk or unit.path.startswith(province.path + "/"))
    if viewer.role in WARD_FIGURE_ROLES:
        return unit.kind == UnitKind.WARD and viewer.ward is not None and viewer.ward.pk == unit.pk
    return False


def can_view_indicator(viewer, unit, ind: Indicator) -> bool:
    if not can_view_unit(viewer, unit):
        return False
    if unit.kind == UnitKind.PROVINCE and not ind.province:
        return False
    if ind.roles is None or viewer is SYSTEM or _is_admin(viewer):
        return True
    return viewer.role in ind.roles


def check(viewer, unit, ind: Indicator) -> None:
    if not can_view_indicator(viewer, unit, ind):
        raise PermissionDenied("Bạn không có quyền xem số liệu này.")


def can_drill(viewer, unit, ind: Indicator) -> bool:
    """Open the list behind a figure: administrators and the campaign staff of a ward, for a ward's figures."""
    if viewer is SYSTEM or not can_view_indicator(viewer, unit, ind) or unit.kind != UnitKind.WARD:
        return False
    return _is_admin(viewer) or viewer.role in DRILL_ROLES


def units_for(viewer):
    """The wards and provinces whose figures ``viewer`` may see (for pickers)."""
    from doantu.org.models import OrgUnit

    qs = OrgUnit.objects.filter(kind__in=[UnitKind.WARD, UnitKind.PROVINCE], active=True)
    if viewer is SYSTEM or _is_admin(viewer):
        return qs
    if viewer is None or not viewer.is_authenticated or viewer.unit_id is None:
        return qs.none()
    if viewer.role == Role.PROVINCE:
        province = viewer.unit.nearest(UnitKind.PROVINCE)
        if province is None:
            return qs.none()
        return qs.filter(path__startswith=province.path + "/", kind=UnitKind.WARD) | qs.filter(pk=province.pk)
    if viewer.role in WARD_FIGURE_ROLES and viewer.ward is not None:
        return qs.filter(pk=viewer.ward.pk)
    return qs.none()
