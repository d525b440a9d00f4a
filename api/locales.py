"""Which language a reader gets: ``?locale=``, else ``Accept-Language``, else Vietnamese.

Every locale's tree mirrors the Vietnamese one, so a listing in English has
every item: translated ones in English, the rest as aliases of the Vietnamese
page, marked ``fallback`` so an app can say so.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.coreutils import get_content_languages

from .exceptions import BadParameter


def reader_locale(request):
    """The content language code for ``request``; a bad ``locale`` is a 400 naming it."""
    languages = get_content_languages()
    code = request.GET.get("locale")
    if code is not None:
        if code not in languages:
            raise BadParameter(
                "locale",
                _("Unknown language “%(code)s”; use one of: %(codes)s.")
                % {"code": code, "codes": ", ".join(languages)},
            )
        return code
    # LocaleMiddleware has activated the Accept-Language choice (Vietnamese by default).
    active = translation.get_language() or settings.LANGUAGE_CODE
    active = active.split("-")[0]
    return active if active in languages else settings.LANGUAGE_CODE


def is_fallback(page, code):
    """A page shown in ``code`` that is the Vietnamese original mirrored, not a translation."""
    return bool(page.alias_of_id) and code != settings.LANGUAGE_CODE
