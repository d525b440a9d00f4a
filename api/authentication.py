"""Bearer-token authentication for reader apps.

``Authorization: Bearer <token>`` with a token from ``POST /api/auth/token/``.
It is the REST framework default (with the session), so every DRF view under
``/api/`` (search too) accepts it. A token of a member who is no longer active
(deceased, expelled, struck off, transferred) stops working at once.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from .models import ReaderToken, token_digest

KEYWORD = "bearer"


def user_may_sign_in(user):
    """The same rule as the admin's sign-in (``editorial.auth.MemberStatusBackend``)."""
    if not user.is_active:
        return False
    member = getattr(user, "member", None)
    return member is None or member.is_active_member


class BearerTokenAuthentication(BaseAuthentication):
    """Reads ``Authorization: Bearer <token>``; one indexed lookup per request."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        parts = header.split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must be: Bearer <token>."), code="invalid_token"
            )
        token = (
            ReaderToken.objects.select_related("user", "user__member", "user__member__branch")
            .filter(digest=token_digest(parts[1]))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("The token is not valid or has been revoked."), code="invalid_token"
            )
        if not user_may_sign_in(token.user):
            raise exceptions.AuthenticationFailed(
                _("This account may no longer sign in."), code="inactive_account"
            )
        today = timezone.localdate()
        if token.last_used_on != today:
            ReaderToken.objects.filter(pk=token.pk).update(last_used_on=today)
        return token.user, token

    def authenticate_header(self, request):
        return "Bearer"


class ApiSessionAuthentication(SessionAuthentication):
    """The admin's session, for the browsable docs; CSRF is still enforced."""
