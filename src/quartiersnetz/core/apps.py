from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "quartiersnetz.core"
    verbose_name = _("Town and districts")
