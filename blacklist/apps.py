from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlacklistConfig(AppConfig):
    """Blacklist, disclosure and grading (issue #4). It picks up complaints flagged ``blacklist_candidate``."""

    name = "blacklist"
    verbose_name = _("Blacklist, disclosure and grading")
    default_auto_field = "django.db.models.BigAutoField"
