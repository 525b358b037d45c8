from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    """Mediation and arbitration tracks (issue #3). Until then the inspection track only checks, through
    ``casework.services.tracks``, whether a worker and employer already have an open dispute."""

    name = "disputes"
    verbose_name = _("Mediation and arbitration")
    default_auto_field = "django.db.models.BigAutoField"
