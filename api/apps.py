from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Reader API")

    def ready(self):
        from . import schema, signal_handlers  # noqa: F401
