"""Who is calling, and how often they may try to sign in.

The caller's address is ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` proxies
stand in front of the app: then it is the ``X-Forwarded-For`` entry the
outermost of them wrote, and entries a client wrote itself are ignored. The
same rule feeds this throttle and the sign-in lockout (django-axes, through
``AXES_CLIENT_IP_CALLABLE``), so rotating the header buys nothing.

Sign-in attempts are limited here per address, whatever their outcome. Failed
attempts are limited per username *and* address, with a growing wait, by the
lockout (``editorial.auth.BackoffLockoutHandler``): a stranger guessing a
member's password from elsewhere cannot lock that member out.
"""

import ipaddress

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


def client_address(request):
    """The caller's IP address under the trusted-proxy rule (see the module docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",")]
    candidate = entries[-min(proxies, len(entries))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a proxy that does not write the header as expected
        return remote


class SignInRateThrottle(AnonRateThrottle):
    """Every sign-in attempt from one address counts, signed in or not."""

    scope = "sign_in"

    def get_ident(self, request):
        return client_address(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
