from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import OrgUnit, User


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "agency_type", "code", "parent", "receives_forwards", "active"]
    list_filter = ["kind", "agency_type", "receives_forwards", "active"]
    search_fields = ["name", "code", "path"]
    readonly_fields = ["path"]
    ordering = ["path"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "unit", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "unit"]
    search_fields = ["username", "full_name", "email"]
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
