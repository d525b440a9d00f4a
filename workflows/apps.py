from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Moderation workflows")

    def ready(self):
        from .periodic import register_periodic_jobs
        from .permissions import register_permission_policies
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
        register_permission_policies()
        register_periodic_jobs()
