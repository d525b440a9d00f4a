from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Branch life")

    def ready(self):
        from .periodic import register_periodic_jobs

        register_periodic_jobs()
