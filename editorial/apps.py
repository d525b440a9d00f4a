from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("Organisation and editorial boards")

    def ready(self):
        from .permissions import register_permission_policies
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
        register_permission_policies()
