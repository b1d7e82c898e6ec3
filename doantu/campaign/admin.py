from django.contrib import admin

from .models import Campaign, PeakDate, Phase


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class PeakDateInline(admin.TabularInline):
    model = PeakDate
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "plan_number", "starts", "ends"]
    inlines = [PhaseInline, PeakDateInline]
