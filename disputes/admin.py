"""The sysadmin keeps the list of arbitration commissions and mediation bodies (configuration, with history).
Cases are never edited in the admin: every change to a case goes through disputes.services."""
from django.contrib import admin

from casework.admin import ConfigHistoryAdmin

from .models import ArbitrationCommission, MediationBody


@admin.register(ArbitrationCommission)
class ArbitrationCommissionAdmin(ConfigHistoryAdmin):
    list_display = ("name", "region", "docket_prefix", "court_name")
    search_fields = ("name", "docket_prefix")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)


@admin.register(MediationBody)
class MediationBodyAdmin(ConfigHistoryAdmin):
    list_display = ("name", "kind", "region", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
