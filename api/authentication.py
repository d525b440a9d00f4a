"""Bearer-token authentication for reader apps.

``Authorization: Bearer <token>`` with a token from ``POST /api/auth/token/``.
It is the REST framework default (with the session), so every DRF view under
``/api/`` (search too) accepts it. A token of a member who is no longer active
(deceased, expelled, struck off, transferred) stops working at once, and a
token unused for ``API_TOKEN_IDLE_DAYS`` days has expired (each day of use
pushes that back). A token carries a stamp of the password and membership
status it was issued under, so a password or status changed by any path
(admin, import, ``set_password``) voids it; ``api.signal_handlers`` also
deletes the rows when a password or status changes through the models.
"""

import datetime
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from cms.prepared import Columns, prepared_cursor
from editorial.models import Member, Unit

from .models import ReaderToken, sign_in_stamp, token_digest

KEYWORD = "bearer"


def user_may_sign_in(user):
    """The same rule as the admin's sign-in (``editorial.auth.MemberStatusBackend``)."""
    if not user.is_active:
        return False
    member = getattr(user, "member", None)
    return member is None or member.is_active_member


def _stamp_matches(token, stamp):
    """The token's stamp is the user's current one, or one made under a key in
    SECRET_KEY_FALLBACKS (as Django checks sessions after a key rotation)."""
    fallbacks = (
        sign_in_stamp(token.user, session_hash)
        for session_hash in token.user.get_session_auth_fallback_hash()
    )
    return any(constant_time_compare(token.sign_in_stamp, s) for s in (stamp, *fallbacks))


def is_idle_expired(token, today):
    """Unused for more than API_TOKEN_IDLE_DAYS days (counted from its last use, or
    from its issue if it was never used)."""
    last_active = token.last_used_on or timezone.localdate(token.created_at)
    return today - last_active > datetime.timedelta(days=settings.API_TOKEN_IDLE_DAYS)


@cache
def _token_query():
    """The SQL reading a token with its user, member and branch (the member's
    status and branch decide what the user may read), and how to load each."""
    user_model = get_user_model()
    parts = (
        Columns(ReaderToken, "t"),
        Columns(user_model, "u"),
        Columns(Member, "m"),
        Columns(Unit, "b"),
    )
    sql = (
        f"SELECT {', '.join(part.sql for part in parts)}"
        f" FROM {ReaderToken._meta.db_table} t"
        f" JOIN {user_model._meta.db_table} u ON u.id = t.user_id"
        f" LEFT JOIN {Member._meta.db_table} m ON m.user_id = u.id"
        f" LEFT JOIN {Unit._meta.db_table} b ON b.id = m.branch_id"
        " WHERE t.digest = %s"
    )
    return sql, parts


def find_token(raw):
    """The token ``raw`` with its user, the user's member record and branch
    loaded, or None: one prepared query (run on every API request)."""
    sql, (tokens, users, members, branches) = _token_query()
    with prepared_cursor() as cursor:
        cursor.execute(sql, [token_digest(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    token, at = tokens.load(row)
    user, at = users.load(row, at)
    member, at = members.load(row, at)
    branch, _ = branches.load(row, at)
    ReaderToken.user.field.set_cached_value(token, user)
    type(user).member.related.set_cached_value(user, member)
    if member is not None:
        Member.user.field.set_cached_value(member, user)
        Member.branch.field.set_cached_value(member, branch)
    return token


class BearerTokenAuthentication(BaseAuthentication):
    """Reads ``Authorization: Bearer <token>``; one prepared lookup per request."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        parts = header.split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must be: Bearer <token>."), code="invalid_token"
            )
        token = find_token(parts[1])
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("The token is not valid or has been revoked."), code="invalid_token"
            )
        if not user_may_sign_in(token.user):
            raise exceptions.AuthenticationFailed(
                _("This account may no longer sign in."), code="inactive_account"
            )
        stamp = sign_in_stamp(token.user)
        if token.sign_in_stamp and not _stamp_matches(token, stamp):
            token.delete()  # the password or the status changed since it was issued
            raise exceptions.AuthenticationFailed(
                _("The token is not valid or has been revoked."), code="invalid_token"
            )
        today = timezone.localdate()
        if is_idle_expired(token, today):
            raise exceptions.AuthenticationFailed(
                _("You have not used the app for a long time: sign in again."),
                code="token_expired",
            )
        # At most one write a day per token: the last day of use, and the
        # stamp of a token issued before stamps (or under an old SECRET_KEY).
        changes = {"last_used_on": today} if token.last_used_on != today else {}
        if token.sign_in_stamp != stamp:
            changes["sign_in_stamp"] = stamp
        if changes:
            ReaderToken.objects.filter(pk=token.pk).update(**changes)
        return token.user, token

    def authenticate_header(self, request):
        return "Bearer"


class ApiSessionAuthentication(SessionAuthentication):
    """The admin's session, for the browsable docs; CSRF is still enforced."""


def request_user(request):
    """Who is asking, outside DRF's views (file downloads, ``/media/``): the
    session's user, or the reader app's (``Authorization: Bearer``)."""
    if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith(f"{KEYWORD} "):
        try:
            signed_in = BearerTokenAuthentication().authenticate(request)
        except Exception:  # a bad token downloads nothing more than no token
            signed_in = None
        if signed_in:
            return signed_in[0]
    return request.user
