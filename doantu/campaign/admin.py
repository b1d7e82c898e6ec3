from django.contrib import admin
from django.db import transaction

from doantu.org.admin import ServiceAdmin

from . import services
from .models import Campaign, PeakDate, Phase


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class PeakDateInline(admin.TabularInline):
    model = PeakDate
    extra = 0


def _save(*, actor, obj):
    return services.campaign_save(actor=actor, campaign=obj)


def _delete(*, actor, obj):
    return services.campaign_delete(actor=actor, campaign=obj)


@admin.register(Campaign)
class CampaignAdmin(ServiceAdmin):
    list_display = ["name", "unit", "plan_number", "starts", "ends"]
    inlines = [PhaseInline, PeakDateInline]
    save_service = _save
    delete_service = _delete

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            parts = formset.save(commit=False)
            for part in formset.deleted_objects:
                services.campaign_part_delete(actor=request.user, part=part)
            for part in parts:
                services.campaign_part_save(actor=request.user, part=part)
            formset.save_m2m()
