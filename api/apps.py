from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Reader API")

    def ready(self):
        from . import schema  # noqa: F401
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
