from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail can be searched here, never changed."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "context_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id", "context_id", "message"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
