from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reload_rules(sender, using="default", **kwargs):
    """After a flush (transactional tests) the rows migration 0002 loaded are gone: load them again, as
    casework.signals.ensure_role_groups does for casework's reference data. Idempotent."""
    from django.apps import apps

    DeadlineRule = apps.get_model("casework", "DeadlineRule")
    if not DeadlineRule.objects.using(using).filter(rule_id="BL-EARLY-DECISION").exists():
        from .reference_data import load_rules

        load_rules(apps.get_model)


class BlacklistConfig(AppConfig):
    """Blacklist, disclosure and grading (issue #4). It picks up complaints flagged ``blacklist_candidate``."""

    name = "blacklist"
    verbose_name = _("Blacklist, disclosure and grading")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_reload_rules, sender=self, dispatch_uid="blacklist-reload-rules")
        from .reference_data_grading import reload_after_flush
        post_migrate.connect(reload_after_flush, sender=self, dispatch_uid="blacklist-reload-grading-params")
        from .reference_data_disclosure import reload_after_flush as reload_disclosure
        post_migrate.connect(reload_disclosure, sender=self, dispatch_uid="blacklist-reload-disclosure")
        from . import registration_transfer  # noqa: F401  (criminal transfer: flow on the task engine, rules)
        from . import exports  # noqa: F401  (CSV / Excel of the staff tables: docs/dashboards.md)
        from . import jobs  # noqa: F401  (the grading run of a large region as a background job)
