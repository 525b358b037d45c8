from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrearsConfig(AppConfig):
    name = "arrears"
    verbose_name = _("Arrears and payments")
    default_auto_field = "django.db.models.BigAutoField"
