"""Who may see and do what in the plan register: every decision is made here, and every service and selector
calls it (raising PermissionDenied), so a view that forgot a check still cannot read or change anything.

- the plan of a ward (its tasks, check-ins, duties, updates, evidence) is read by every staff account of that
  ward (the plan is sent to all its agencies, schools and residential groups: "Nơi nhận") and by the province
  (read only, across its wards); administrators read everything;
- an update is posted by a member of an agency the task names (lead or coordinating), for that agency, and is
  edited only by members of that same agency: "each agency edits only its own updates". Leadership and the
  province read, they do not report; an administrator has no agency and does not report either;
- a plan file is loaded (or loaded again) by the ward's campaign staff (the culture office owns the plan: plan
  VII, VIII.1) or an administrator.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from doantu.org.models import OrgUnit, Role, UnitKind

from .models import Plan, Task, Update

READ_ONLY_ROLES = {Role.LEADERSHIP, Role.PROVINCE}


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def plans_visible_to(user) -> QuerySet[Plan]:
    qs = Plan.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_admin:
        return qs
    if not (user.role and user.unit_id):
        return qs.none()
    if user.role == Role.PROVINCE:
        province = user.unit.nearest(UnitKind.PROVINCE)
        return qs.filter(ward__path__startswith=province.path + "/") if province else qs.none()
    ward = user.ward
    return qs.filter(ward=ward) if ward else qs.none()


def tasks_visible_to(user) -> QuerySet[Task]:
    return Task.objects.filter(plan__in=plans_visible_to(user))


def updates_visible_to(user) -> QuerySet[Update]:
    return Update.objects.filter(task__plan__in=plans_visible_to(user))


def can_view_plan(user, plan: Plan) -> bool:
    return plans_visible_to(user).filter(pk=plan.pk).exists()


def require_view_plan(user, plan: Plan) -> None:
    if not can_view_plan(user, plan):
        raise PermissionDenied("Bạn không được xem kế hoạch này.")


def may_report(user) -> bool:
    """Whether the account reports for an agency at all (not read-only, not an administrator without a unit)."""
    return _active(user) and bool(user.role and user.unit_id) and user.role not in READ_ONLY_ROLES


def can_report(user, task: Task) -> bool:
    return (
        may_report(user)
        and can_view_plan(user, task.plan)
        and task.agencies.filter(unit_id=user.unit_id).exists()
    )


def require_report(user, task: Task) -> OrgUnit:
    """The agency the user reports for on this task; PermissionDenied if they may not."""
    if not can_report(user, task):
        raise PermissionDenied("Chỉ cơ quan chủ trì hoặc phối hợp nhiệm vụ này được báo cáo tiến độ.")
    return user.unit


def can_edit_update(user, update: Update) -> bool:
    return may_report(user) and user.unit_id == update.unit_id and can_report(user, update.task)


def require_edit_update(user, update: Update) -> None:
    if not can_edit_update(user, update):
        raise PermissionDenied("Chỉ cơ quan đã gửi báo cáo này được sửa báo cáo.")


def can_import(user, ward: OrgUnit) -> bool:
    if not _active(user):
        return False
    if user.is_admin:
        return True
    return user.role == Role.CAMPAIGN and user.unit_id is not None and user.ward == ward


def require_import(user, ward: OrgUnit) -> None:
    if not can_import(user, ward):
        raise PermissionDenied("Chỉ Phòng Văn hóa - Xã hội của phường (hoặc quản trị) được nạp kế hoạch.")


def import_wards(user) -> QuerySet[OrgUnit]:
    """The wards whose plan this user may load."""
    qs = OrgUnit.objects.filter(kind=UnitKind.WARD, active=True)
    if not _active(user):
        return qs.none()
    if user.is_admin:
        return qs
    return qs.filter(pk=user.ward.pk) if user.role == Role.CAMPAIGN and user.ward else qs.none()
