from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "quartiersnetz.events"
    verbose_name = _("Calendar")

    def ready(self):
        from quartiersnetz.events import signals  # noqa: F401 - connects the receivers
