"""Every write to units and accounts: from the admin site and from the sign-in pages. Each service checks that
its actor may do it (raising PermissionDenied with a Vietnamese message, changing nothing), and writes an audit
entry in the same transaction: who, when, what changed from → to. Passwords and authenticator keys never reach
the audit trail, only the fact that they changed."""

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django_otp import devices_for_user

from doantu.audit import labels
from doantu.audit.models import AuditEntry
from doantu.audit.services import audit_record, diff

from .models import OrgUnit, Role, UnitKind, User

labels.register(
    "org",
    actions={
        "unit_created": "Tạo đơn vị",
        "unit_updated": "Sửa đơn vị",
        "unit_deleted": "Xóa đơn vị",
        "account_created": "Tạo tài khoản",
        "account_updated": "Sửa tài khoản",
        "account_deleted": "Xóa tài khoản",
        "account_password_reset": "Quản trị đặt lại mật khẩu",
        "account_twofactor_reset": "Quản trị đặt lại đăng nhập hai bước",
        "password_changed": "Đổi mật khẩu",
    },
    fields={
        "username": ("Tên đăng nhập", {}),
        "full_name": ("Họ và tên", {}),
        "email": ("Thư điện tử", {}),
        "phone": ("Điện thoại", {}),
        "unit": ("Đơn vị", {}),
        "role": ("Vai trò", dict(Role.choices)),
        "is_active": ("Đang hoạt động", {True: "có", False: "không"}),
        "is_staff": ("Vào trang quản trị", {True: "có", False: "không"}),
        "is_superuser": ("Toàn quyền hệ thống", {True: "có", False: "không"}),
        "password": ("Mật khẩu", {}),
        "devices": ("Thiết bị xác thực", {}),
        "kind": ("Loại", dict(UnitKind.choices)),
        "agency_type": ("Chức năng", {}),
        "code": ("Mã", {}),
        "name": ("Tên", {}),
        "parent": ("Đơn vị cấp trên", {}),
        "receives_forwards": ("Nhận chuyển xác minh", {True: "có", False: "không"}),
        "active": ("Đang hoạt động", {True: "có", False: "không"}),
    },
)

PASSWORD_CHANGED = "(đã đặt mới)"
# Actions after which the account's holder must choose a new password at the next sign-in.
MUST_CHANGE_AFTER = {"account_password_reset", "account_created"}
PASSWORD_ACTIONS = MUST_CHANGE_AFTER | {"password_changed"}


# ------------------------------------------------------------------------------------------------ helpers


def require_admin(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active or not actor.is_admin:
        raise PermissionDenied("Chỉ quản trị hệ thống được làm việc này.")


def require_may_manage_account(actor, account: User, stored: User | None) -> None:
    """Only a superuser may create, change or reset a superuser, or make one."""
    require_admin(actor)
    touches_superuser = account.is_superuser or (stored is not None and stored.is_superuser)
    if touches_superuser and not actor.is_superuser:
        raise PermissionDenied(
            "Chỉ tài khoản toàn quyền mới được tạo, sửa hoặc đặt lại tài khoản toàn quyền."
        )


def _excluded(field: models.Field) -> bool:
    return (
        field.name in {"id", "password", "last_login", "date_joined", "digest", "path"} or not field.editable
    )


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The editable fields of ``obj`` as they read (a related record by its name)."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if _excluded(field):
            continue
        if field.is_relation:
            related_id = getattr(obj, field.attname)
            values[field.name] = (
                str(field.related_model._default_manager.get(pk=related_id))
                if related_id is not None
                else None
            )
        else:
            values[field.name] = field.value_from_object(obj)
    return values


def _stored(obj: models.Model):
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk) if obj.pk else None


def save_audited(
    *,
    actor,
    obj: models.Model,
    stored,
    prefix: str,
    extra: dict | None = None,
    context: models.Model | None = None,
) -> models.Model:
    """Save ``obj`` and record ``<prefix>_created`` or ``<prefix>_updated`` with what changed. For services
    that have already checked the actor, inside their transaction."""
    before = snapshot(stored) if stored is not None else {}
    obj.full_clean(exclude=[f.name for f in obj._meta.concrete_fields if not f.editable])
    obj.save()
    changes = diff(before, snapshot(obj))
    changes.update(extra or {})
    if stored is not None and not changes:
        return obj
    action = f"{prefix}_updated" if stored is not None else f"{prefix}_created"
    audit_record(actor=actor, action=action, obj=obj, context=context, changes=changes, message=str(obj))
    return obj


def delete_audited(*, actor, obj: models.Model, prefix: str, context: models.Model | None = None) -> None:
    before = snapshot(obj)
    label, pk = str(obj), obj.pk
    audit_record(
        actor=actor,
        action=f"{prefix}_deleted",
        obj=obj,
        context=context,
        changes={k: [v[1], None] for k, v in diff({}, before).items() if v[1] not in (None, "")},
        message=label,
    )
    obj.delete()
    obj.pk = pk


# ------------------------------------------------------------------------------------------------ units


def unit_save(*, actor, unit: OrgUnit) -> OrgUnit:
    """Create or change a unit (admin only)."""
    require_admin(actor)
    with transaction.atomic():
        return save_audited(actor=actor, obj=unit, stored=_stored(unit), prefix="unit")


def unit_delete(*, actor, unit: OrgUnit) -> None:
    require_admin(actor)
    with transaction.atomic():
        delete_audited(actor=actor, obj=unit, prefix="unit")


# ------------------------------------------------------------------------------------------------ accounts


def account_save(*, actor, account: User) -> User:
    """Create or change an account (admin only; superusers only by a superuser). A password set here (a new
    account) must be changed by its holder at the first sign-in."""
    with transaction.atomic():
        stored = _stored(account)
        require_may_manage_account(actor, account, stored)
        extra = {}
        if stored is None or stored.password != account.password:
            extra["password"] = ["", PASSWORD_CHANGED]
        return save_audited(actor=actor, obj=account, stored=stored, prefix="account", extra=extra)


def account_delete(*, actor, account: User) -> None:
    with transaction.atomic():
        require_may_manage_account(actor, account, _stored(account))
        if account.pk == actor.pk:
            raise PermissionDenied("Không thể tự xóa tài khoản đang dùng.")
        delete_audited(actor=actor, obj=account, prefix="account")


def _one_time_password() -> str:
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"  # no l/1/o/0 to misread when read out
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def _unlock(account: User) -> int:
    from axes.utils import reset

    return reset(username=account.username)


def account_reset_password(*, actor, account: User) -> str:
    """A new random one-time password for a staff member who forgot theirs (admin only). Returned once, to be
    handed over in person; the holder must choose a new one at the next sign-in. Lifts a sign-in lock-out.
    Sessions signed in with the old password end (Django checks the password's hash on every request)."""
    with transaction.atomic():
        stored = _stored(account)
        require_may_manage_account(actor, account, stored)
        password = _one_time_password()
        stored.set_password(password)
        stored.save(update_fields=["password"])
        account.password = stored.password
        unlocked = _unlock(stored)
        audit_record(
            actor=actor,
            action="account_password_reset",
            obj=stored,
            changes={"password": ["", PASSWORD_CHANGED]},
            message="Mật khẩu dùng một lần; phải đổi khi đăng nhập."
            + (" Đã mở khóa đăng nhập." if unlocked else ""),
        )
        return password


def account_reset_twofactor(*, actor, account: User) -> int:
    """Remove every authenticator of a staff member who lost theirs (admin only): at the next sign-in they
    enrol a new one. Returns how many devices were removed."""
    with transaction.atomic():
        stored = _stored(account)
        require_may_manage_account(actor, account, stored)
        devices = list(devices_for_user(stored, confirmed=None))
        for device in devices:
            device.delete()
        audit_record(
            actor=actor,
            action="account_twofactor_reset",
            obj=stored,
            changes={"devices": [len(devices), 0]},
            message="Phải bật lại đăng nhập hai bước khi đăng nhập.",
        )
        return len(devices)


def account_change_password(*, actor, account: User, new_password: str) -> User:
    """A staff member chooses a new password for their own account (the old one was checked by the form)."""
    if actor is None or not actor.is_authenticated or actor.pk != account.pk:
        raise PermissionDenied("Chỉ người dùng tài khoản được đổi mật khẩu của mình.")
    validate_password(new_password, account)
    with transaction.atomic():
        account.set_password(new_password)
        account.save(update_fields=["password"])
        audit_record(
            actor=actor, action="password_changed", obj=account, changes={"password": ["", PASSWORD_CHANGED]}
        )
        return account


def password_change_required(account: User) -> bool:
    """Whether the last password event of this account is one set by someone else (a reset, a new account)."""
    last = (
        AuditEntry.objects.filter(
            object_type=User._meta.label_lower, object_id=str(account.pk), action__in=PASSWORD_ACTIONS
        )
        .order_by("-at", "-id")
        .values_list("action", flat=True)
        .first()
    )
    return last in MUST_CHANGE_AFTER
