"""Site-wide request glue."""

from django.conf import settings
from django.utils import translation


class AdminLanguageMiddleware:
    """The admin speaks the site's language (Vietnamese) whatever the browser says.

    Many office computers run an English browser; editors should still get a
    Vietnamese admin. Someone who wants English picks it in their Wagtail
    account settings, which Wagtail applies after this. Reader-facing paths
    keep Django's Accept-Language negotiation.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/admin/"

    def __call__(self, request):
        if request.path.startswith(self.prefix):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
