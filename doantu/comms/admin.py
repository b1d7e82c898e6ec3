from django.contrib import admin

from .models import Channel, Target


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "ward", "kind", "social", "responsible_unit", "active"]
    list_filter = ["ward", "kind", "social", "active"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "ward", "period", "minimum", "maximum", "owner_unit", "active"]
    list_filter = ["ward", "period", "active"]
