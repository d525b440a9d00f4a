from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadershipConfig(AppConfig):
    name = "readership"
    verbose_name = _("Reading figures")

    def ready(self):
        from .periodic import register_periodic_jobs
        from .recording import flush_at_exit
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
        register_periodic_jobs()
        flush_at_exit()
