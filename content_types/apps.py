from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentTypesConfig(AppConfig):
    name = "content_types"
    verbose_name = _("Content")

    def ready(self):
        from .localization import replace_localize_create_hook
        from .periodic import register_periodic_jobs
        from .permissions import register_permission_policies
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
        register_permission_policies()
        replace_localize_create_hook()
        register_periodic_jobs()
