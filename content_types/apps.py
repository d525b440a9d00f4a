from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentTypesConfig(AppConfig):
    name = "content_types"
    verbose_name = _("Content")

    def ready(self):
        from . import signal_handlers, study  # noqa: F401
        from .localization import replace_localize_create_hook

        replace_localize_create_hook()
