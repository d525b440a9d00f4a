"""``{% reader_app %}``: what turns a plain page into the reader app's start.

It adds the manifest, the stylesheet and the script of the current build;
the page's own HTML stays in place until the script replaces it, so a
browser without JavaScript (or a search engine) reads the plain page. Without a build
(``npm run build`` not run) the plain page is served and the error logged.
"""

import logging

from django import template
from django.templatetags.static import static

from ..build import MissingBuild, current_build
from ..views import THEME_COLOUR

logger = logging.getLogger(__name__)
register = template.Library()


@register.inclusion_tag("reader/app_head.html")
def reader_app():
    try:
        build = current_build()
    except MissingBuild as error:
        # The plain page still serves its readers; the operator learns why there is no app.
        logger.error("%s", error)
        return {}
    return {
        "script": static(f"reader/{build['js']}"),
        "stylesheet": static(f"reader/{build['css']}"),
        "theme_colour": THEME_COLOUR,
        "icon": static("reader/icon-192.png"),
    }
