from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Moderation workflows")

    def ready(self):
        from . import signal_handlers  # noqa: F401
