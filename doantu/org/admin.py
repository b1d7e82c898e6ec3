"""Units and accounts in the admin site. Every create, change and delete goes through the services in
doantu/org/services.py (permission check, audit entry, one transaction), never straight to the database."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .models import OrgUnit, User

# Not edited by hand: roles, not Django groups, decide access (so a group would be a silent, unaudited grant);
# authenticators are enrolled by their holder and removed only by the audited reset (an administrator who could
# create or confirm one for another account could sign in as that account).
for _model in (Group, TOTPDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class ServiceAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes are made by services: ``save_service(actor=, obj=)`` and
    ``delete_service(actor=, obj=)``. Bulk deletion deletes one by one, through the same service."""

    save_service = None
    delete_service = None

    def save_model(self, request, obj, form, change):
        type(self).save_service(actor=request.user, obj=obj)

    def delete_model(self, request, obj):
        type(self).delete_service(actor=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


def _unit_save(*, actor, obj):
    return services.unit_save(actor=actor, unit=obj)


def _unit_delete(*, actor, obj):
    return services.unit_delete(actor=actor, unit=obj)


def _account_save(*, actor, obj):
    return services.account_save(actor=actor, account=obj)


def _account_delete(*, actor, obj):
    return services.account_delete(actor=actor, account=obj)


@admin.register(OrgUnit)
class OrgUnitAdmin(ServiceAdmin):
    list_display = ["name", "kind", "agency_type", "code", "parent", "receives_forwards", "active"]
    list_filter = ["kind", "agency_type", "receives_forwards", "active"]
    search_fields = ["name", "code", "path"]
    readonly_fields = ["path"]
    ordering = ["path"]
    save_service = _unit_save
    delete_service = _unit_delete


@admin.register(User)
class UserAdmin(ServiceAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "unit", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "unit"]
    search_fields = ["username", "full_name", "email"]
    change_form_template = "admin/org/user/change_form.html"
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Thông tin", {"fields": ["full_name", "email", "phone"]}),
        ("Đơn vị và vai trò", {"fields": ["unit", "role"]}),
        ("Quyền hệ thống", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Thời gian", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "unit", "role", "password1", "password2"],
            },
        ),
    ]
    save_service = _account_save
    delete_service = _account_delete

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<id>/reset-password/", view(self.reset_password_view), name="org_user_reset_password"),
            path("<id>/reset-2fa/", view(self.reset_twofactor_view), name="org_user_reset_twofactor"),
            *super().get_urls(),
        ]

    def user_change_password(self, request, id, form_url=""):
        # An administrator never chooses a staff member's password: the reset gives a one-time one, which its
        # holder must replace at the next sign-in.
        return redirect("admin:org_user_reset_password", id)

    def _account(self, request, id) -> User:
        account = self.get_object(request, unquote(id))
        if account is None:
            raise Http404("Không tìm thấy tài khoản.")
        if not self.has_change_permission(request, account):
            raise PermissionDenied
        return account

    def _page(self, request, account, template, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": account,
                "title": context.pop("title"),
                "change_url": reverse("admin:org_user_change", args=[account.pk]),
                **context,
            },
        )

    def reset_password_view(self, request, id):
        account = self._account(request, id)
        if request.method != "POST":
            return self._page(
                request,
                account,
                "admin/org/user/reset_confirm.html",
                title="Đặt lại mật khẩu",
                what="password",
            )
        password = services.account_reset_password(actor=request.user, account=account)
        response = self._page(
            request,
            account,
            "admin/org/user/reset_password_done.html",
            title="Mật khẩu dùng một lần",
            password=password,
        )
        return response  # not cached: admin views are never_cache

    def reset_twofactor_view(self, request, id):
        account = self._account(request, id)
        if request.method != "POST":
            return self._page(
                request,
                account,
                "admin/org/user/reset_confirm.html",
                title="Đặt lại đăng nhập hai bước",
                what="twofactor",
            )
        removed = services.account_reset_twofactor(actor=request.user, account=account)
        messages.success(
            request,
            f"Đã xóa {removed} thiết bị xác thực của {account}. Lần đăng nhập tới, người dùng sẽ bật lại "
            "đăng nhập hai bước bằng ứng dụng trên điện thoại mới.",
        )
        return redirect("admin:org_user_change", account.pk)
