from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArrearsConfig(AppConfig):
    name = "arrears"
    verbose_name = _("Arrears and payments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .reference_data_projects import reload_after_flush

        post_migrate.connect(reload_after_flush, sender=self, dispatch_uid="arrears-reload-project-reference")
        from .imports import register

        register()  # large roster/payroll imports run as background jobs
        from . import exports  # noqa: F401  (CSV / Excel of the inspectors' project table: docs/dashboards.md)
