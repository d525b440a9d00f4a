from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "CMS"

    def ready(self):
        from .spreadsheet_exports import escape_wagtail_exports

        escape_wagtail_exports()
