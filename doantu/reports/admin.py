from django.contrib import admin

from .models import Report, Submission, WardKey


@admin.register(WardKey)
class WardKeyAdmin(admin.ModelAdmin):
    """Read-only: the province registers a ward's key on its roll-up page (``rollup.ward_key_add``, audited)."""

    list_display = ("ward", "public_key", "active", "created_at")
    list_filter = ("active",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are written through their pages (audited); a sent report never changes."""

    list_display = ("ward", "kind", "title", "status", "number", "issued_on")
    list_filter = ("status", "kind")
    # the fields with Vietnamese names; who drafted, approved and sent it is on the report's page and in the audit
    fields = ("ward", "kind", "title", "period_start", "period_end", "status", "number", "issued_on")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("ward", "period_key", "issued_at", "received_at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
