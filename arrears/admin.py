"""Admin for the money configuration tables only (minimum wages, criminal thresholds), for the system
administrator. Line items and payments are case data: they are handled through the application's pages, not here.
History is shown read-only and never editable (see casework.admin.ConfigHistoryAdmin)."""
from django.contrib import admin

from casework.admin import ConfigHistoryAdmin

from .models import CriminalThreshold, MinimumWageStandard

__all__ = ["MinimumWageStandardAdmin", "CriminalThresholdAdmin"]


@admin.register(MinimumWageStandard)
class MinimumWageStandardAdmin(ConfigHistoryAdmin):
    list_display = ("region_code", "monthly_yuan", "hourly_yuan", "effective_from", "source_doc")
    list_filter = ("region_code", "effective_from")
    search_fields = ("region_code", "source_doc")


@admin.register(CriminalThreshold)
class CriminalThresholdAdmin(ConfigHistoryAdmin):
    list_display = ("province_code", "per_worker_min_yuan", "min_months", "ten_plus_total_min_yuan", "min_workers",
                    "effective_from", "is_placeholder", "source_doc")
    list_filter = ("is_placeholder", "province_code", "effective_from")
    search_fields = ("province_code", "source_doc")
