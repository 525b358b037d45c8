from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  (audit context on history rows; append-only guard)
        from . import inspection_steps  # noqa: F401  (registers the inspection track with casework.workflow)
        from .services import dashboard, exports  # noqa: F401  (export tables and the export job: docs/dashboards.md)
        from . import exports_campaigns  # noqa: F401  (campaign targets and the inspection plan as CSV / Excel)
        from .services import config_imports  # noqa: F401  (the config.import job: docs/configuration.md)
