"""Django's makemessages, also extracting ``_l(...)`` (our alias of gettext_lazy) so lazily translated texts such
as WORKER_STATUS and EVENT_TEXT reach the catalogs."""
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = makemessages.Command.xgettext_options + ["--keyword=_l"]
