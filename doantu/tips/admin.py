"""Reference data only. Tips themselves are handled in the staff pages, where access and audit apply."""

import hashlib
import secrets

from django.contrib import admin, messages

from .models import ApiToken, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "ward", "owner_unit", "active"]
    list_filter = ["kind", "active", "ward"]
    search_fields = ["name", "code"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "created_at", "last_used_at", "revoked"]
    fields = ["user", "name", "revoked"]

    def save_model(self, request, obj, form, change):
        if not change:
            token = secrets.token_urlsafe(32)
            obj.digest = hashlib.sha256(token.encode()).hexdigest()
            messages.warning(request, f"Khóa API (chỉ hiện một lần, hãy lưu lại): {token}")
        super().save_model(request, obj, form, change)
