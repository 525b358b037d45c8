"""The admin is for the system administrator's configuration tables only (spec §1 #20: the sysadmin keeps the
holiday calendars, the rule table and the legal parameters, and reads no case data).

- Configuration tables use simple_history's admin: every change is recorded and the history is shown read-only.
  Reverting from a history entry is refused even on POST (SIMPLE_HISTORY_REVERT_DISABLED only hides the button).
- Historical models are never registered: history cannot be edited or deleted here.
- Cases and parties (Complaint, Person, ...) are not registered: they carry personal data and are handled through
  the application's own pages, which apply regional reach and masking.
"""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .access import Role, has_role
from .models import CalendarCoverage, DeadlineRule, Holiday, LegalParameter, Region, SystemAlert

__all__ = ["ConfigHistoryAdmin", "RegionAdmin", "HolidayAdmin", "CalendarCoverageAdmin", "DeadlineRuleAdmin",
           "LegalParameterAdmin", "SystemAlertAdmin"]


class ConfigHistoryAdmin(SimpleHistoryAdmin):
    """Base for configuration tables: history read-only, rows never deleted (a rule or rate that stopped
    applying is superseded by a newer effective-dated row, so the old value stays citable)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("history is read-only")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


def _recompute_after_commit():
    from .tasks import recompute_provisional_deadlines

    transaction.on_commit(recompute_provisional_deadlines)


@admin.register(Region)
class RegionAdmin(ConfigHistoryAdmin):
    list_display = ("code", "name_zh", "name_en", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name_zh", "name_en", "name_bo")
    ordering = ("code",)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)

    def get_readonly_fields(self, request, obj=None):
        # The code is the key every case, deadline and permission points to: fixed once created.
        return ("code",) if obj is not None else ()


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


class NationalLayerFilter(admin.SimpleListFilter):
    title = _("layer")
    parameter_name = "layer"

    def lookups(self, request, model_admin):
        return [("national", _("national")), ("regional", _("regional"))]

    def queryset(self, request, queryset):
        if self.value() == "national":
            return queryset.filter(region__isnull=True)
        if self.value() == "regional":
            return queryset.filter(region__isnull=False)
        return queryset


@admin.register(Holiday)
class HolidayAdmin(ConfigHistoryAdmin):
    list_display = ("date", "kind", "name", "region", "source_doc")
    list_filter = (YearListFilter, NationalLayerFilter, "kind", "region")
    search_fields = ("name", "source_doc", "region__name_zh", "region__code")
    date_hierarchy = "date"
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    actions = ["recompute_provisional"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recompute_after_commit()

    @admin.action(description=_("Recompute provisional deadlines now"))
    def recompute_provisional(self, request, queryset):
        from .tasks import recompute_provisional_deadlines

        n = recompute_provisional_deadlines()
        self.message_user(request, _("%(n)s provisional deadline(s) recomputed.") % {"n": n}, messages.SUCCESS)


@admin.register(CalendarCoverage)
class CalendarCoverageAdmin(ConfigHistoryAdmin):
    list_display = ("year", "region", "source_doc")
    list_filter = ("year", NationalLayerFilter)
    search_fields = ("source_doc",)
    list_select_related = ("region",)
    autocomplete_fields = ("region",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A year is now loaded: deadlines counted on plain weekdays into it are recounted.
        _recompute_after_commit()


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(ConfigHistoryAdmin):
    list_display = ("rule_id", "n", "unit", "anchor_event", "effective_from", "citation")
    list_filter = ("unit", "effective_from")
    search_fields = ("rule_id", "citation", "description", "anchor_event")


@admin.register(LegalParameter)
class LegalParameterAdmin(ConfigHistoryAdmin):
    list_display = ("key", "value", "region", "effective_from", "citation")
    list_filter = ("key", "effective_from", NationalLayerFilter)
    search_fields = ("key", "citation", "description")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)


@admin.register(SystemAlert)
class SystemAlertAdmin(admin.ModelAdmin):
    """What the administrator must act on (e.g. a missing calendar year). Written by the system; the only change
    allowed here is marking one resolved."""

    list_display = ("created_at", "code", "message", "resolved_at")
    list_filter = ("code", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("key", "message")
    readonly_fields = ("code", "key", "message", "created_at")
    fields = ("code", "key", "message", "created_at", "resolved_at")

    @staticmethod
    def _allowed(request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and (user.is_superuser or has_role(user, Role.SYSADMIN)))

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
