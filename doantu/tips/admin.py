"""Reference data only. Tips themselves are handled in the staff pages, where access and audit apply. Every
write here goes through a service (permission check and audit entry in one transaction)."""

from django.contrib import admin
from django.template.response import TemplateResponse

from doantu.org.admin import ServiceAdmin

from . import services
from .models import ApiToken, Source


def _source_save(*, actor, obj):
    return services.source_save(actor=actor, source=obj)


def _source_delete(*, actor, obj):
    return services.source_delete(actor=actor, source=obj)


def _token_save(*, actor, obj):
    if obj.pk is None:
        created, obj.plain_token = services.api_token_create(actor=actor, user=obj.user, name=obj.name)
        obj.pk, obj.digest, obj.created_at = created.pk, created.digest, created.created_at
        obj._state.adding = False
        return obj
    return services.api_token_save(actor=actor, api_token=obj)


def _token_delete(*, actor, obj):
    return services.api_token_delete(actor=actor, api_token=obj)


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    list_display = ["name", "code", "kind", "ward", "owner_unit", "active"]
    list_filter = ["kind", "active", "ward"]
    search_fields = ["name", "code"]
    save_service = _source_save
    delete_service = _source_delete


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceAdmin):
    # "tài khoản", not the field's default "user" (named here rather than in the model: no migration for a label)
    list_display = ["name", "account", "created_at", "last_used_at", "revoked"]
    fields = ["user", "name", "revoked"]
    save_service = _token_save
    delete_service = _token_delete

    @admin.display(description="Tài khoản", ordering="user")
    def account(self, obj):
        return obj.user

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "user" in form.base_fields:
            form.base_fields["user"].label = "Tài khoản"
        return form

    def get_readonly_fields(self, request, obj=None):
        return ["account"] if obj is not None else []

    def get_fields(self, request, obj=None):
        return ["user", "name"] if obj is None else ["account", "name", "revoked"]

    def response_add(self, request, obj, post_url_continue=None):
        # The key is shown here, once, in this response only: never in a message (kept in a cookie or the
        # session) nor anywhere in the database, which has only its digest.
        response = TemplateResponse(
            request,
            "admin/tips/apitoken/created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "token": obj,
                "key": obj.plain_token,
            },
        )
        return response  # not cached: admin views are never_cache
