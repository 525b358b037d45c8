from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reload_rules(sender, using="default", **kwargs):
    """After a flush (transactional tests) the rows migration 0002 loaded are gone: load them again, as
    casework.signals.ensure_role_groups does for casework's reference data. Idempotent."""
    from django.apps import apps

    DeadlineRule = apps.get_model("casework", "DeadlineRule")
    if not DeadlineRule.objects.using(using).filter(rule_id="ARB-AWARD").exists():
        from .reference_data import load_rules

        load_rules(apps.get_model)


class DisputesConfig(AppConfig):
    """Mediation and arbitration tracks (spec §5-6). Registers its flows with casework.workflow and its open-dispute
    checker and tracking lookup with casework.services.tracks."""

    name = "disputes"
    verbose_name = _("Mediation and arbitration")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_reload_rules, sender=self, dispatch_uid="disputes-reload-rules")
        from . import registration  # noqa: F401  (flows, tracking, open-dispute checker)
        from . import exports  # noqa: F401  (CSV / Excel of the staff list: docs/dashboards.md)
