from django.contrib import admin

from .models import Channel, Target


class ReadOnly(admin.ModelAdmin):
    """Channels and targets change through the comms pages' audited services; the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Channel)
class ChannelAdmin(ReadOnly):
    list_display = ["name", "ward", "kind", "social", "responsible_unit", "active"]
    list_filter = ["ward", "kind", "social", "active"]


@admin.register(Target)
class TargetAdmin(ReadOnly):
    list_display = ["name", "ward", "period", "minimum", "maximum", "owner_unit", "active"]
    list_filter = ["ward", "period", "active"]
