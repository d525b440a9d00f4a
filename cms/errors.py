"""The server-error page: JSON under /api/, the Vietnamese page elsewhere.

Django draws ``templates/500.html`` (no request context: nothing that could
fail again); the reader apps get the API's JSON shape (``api.exceptions``)
even from a view outside REST framework.
"""

from django.utils.translation import gettext as _
from django.views.defaults import server_error as page_server_error

from api.exceptions import json_error

API_PREFIX = "/api/"


def server_error(request, template_name="500.html"):
    """``handler500``: the error in the form the caller reads."""
    if request.path.startswith(API_PREFIX):
        return json_error("server_error", _("Something went wrong on the server."), 500)
    return page_server_error(request, template_name)
