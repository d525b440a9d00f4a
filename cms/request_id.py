"""A request id on every request, its response and its log lines.

The id comes from the reverse proxy (nginx's ``$request_id`` in
``X-Request-ID``) when the site sits behind trusted proxies
(``TRUSTED_PROXY_COUNT`` > 0) and the value looks like an id: at most 64
letters, digits and hyphens. Anything else (no proxy, a client's own header,
an over-long value, control characters that would forge log lines) is
replaced with a fresh random id. The response carries it back in
``X-Request-ID``; ``cms.logging.RequestIdFilter`` writes it into every log
record made while the request runs.
"""

import re
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import request_finished

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
SANE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")

current_request_id = ContextVar("current_request_id", default=None)


def new_request_id():
    return uuid.uuid4().hex


def request_id_for(request):
    """The proxy's id when it is trusted and sane, a new one otherwise."""
    offered = request.META.get(META_KEY, "")
    if settings.TRUSTED_PROXY_COUNT > 0 and SANE_ID.fullmatch(offered):
        return offered
    return new_request_id()


def forget_request_id(**kwargs):
    """``request_finished``: lines logged after the response are no longer its."""
    current_request_id.set(None)


class RequestIdMiddleware:
    """Gives the request its id (``request.request_id``) until it is finished.

    The id stays current after this middleware returns, because Django logs
    4xx and 5xx responses ("Not Found: ...") after the whole middleware
    chain; it is forgotten when the server closes the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        request_finished.connect(forget_request_id, dispatch_uid="cms.request_id.forget")

    def __call__(self, request):
        request.request_id = request_id_for(request)
        current_request_id.set(request.request_id)
        response = self.get_response(request)
        response[HEADER] = request.request_id
        return response
