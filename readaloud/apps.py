from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadAloudConfig(AppConfig):
    name = "readaloud"
    verbose_name = _("Read-aloud")

    def ready(self):
        from .periodic import register_periodic_jobs
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
        register_periodic_jobs()
