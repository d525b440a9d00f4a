"""Sign-in for reader apps: a token for a username and password (or a one-time
code from a board administrator), sign-out revoking it, and who I am.

A refused sign-in tells nothing about the account: an unknown username, a
wrong password and the right password of a member who may no longer sign in
get the same answer after the same work (one password hash). Failed attempts
count towards the lockout of that username from that address (django-axes,
as for the admin's sign-in page).
"""

import math

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from editorial.models import (
    BoardRole,
    CommitteeRole,
    CommitteeRoleKind,
    MemberStatus,
    Unit,
    UnitLevel,
)
from editorial.permissions import board_roles

from .authentication import user_may_sign_in
from .exceptions import ApiError
from .models import ReaderToken, SignInCode, token_digest
from .throttles import SignInRateThrottle


class SignInSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, required=False, trim_whitespace=False)
    code = serializers.CharField(
        max_length=64, required=False, help_text="A one-time sign-in code."
    )
    device = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs.get("password") and not attrs.get("code"):
            raise serializers.ValidationError(
                {"password": [_("Give a password or a one-time sign-in code.")]}
            )
        return attrs


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class LevelledUnitSerializer(UnitSerializer):
    level = serializers.ChoiceField(choices=UnitLevel.choices)


class CommitteeRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=CommitteeRoleKind.choices)
    unit = LevelledUnitSerializer()


class BoardRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=BoardRole.choices)
    unit = LevelledUnitSerializer()


class ProfileSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField(allow_null=True)
    branch = UnitSerializer(allow_null=True)
    is_member = serializers.BooleanField()
    status = serializers.ChoiceField(
        choices=MemberStatus.choices,
        allow_null=True,
        help_text="The member's status (official or probationary for whoever may sign in).",
    )
    units = LevelledUnitSerializer(
        many=True, help_text="The branch, then each unit above it up to the province."
    )
    committee_roles = CommitteeRoleSerializer(many=True, help_text="Offices held today.")
    board_roles = BoardRoleSerializer(
        many=True, help_text="Roles on editorial boards: the app may offer to open the admin."
    )
    can_open_admin = serializers.BooleanField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    user = ProfileSerializer()


def _unit(unit):
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "level": unit.level}


def profile(user):
    """Who the caller is in the party: their branch and the units above it,
    status, offices and board roles. Three queries after the member and
    branch (which token sign-in loads with the user), however deep the branch."""
    member = getattr(user, "member", None)
    branch = member.branch if member else None
    roles = board_roles(user)  # [(role, unit path, unit id)]; one query, cached on the user
    chain = branch.ancestor_paths() if branch else []
    units = {
        unit.pk: unit
        for unit in Unit.objects.filter(
            Q(path__in=chain) | Q(pk__in=[unit_id for _role, _path, unit_id in roles])
        )
    }
    above = sorted((u for u in units.values() if u.path in chain), key=lambda u: -u.depth)
    offices = (
        CommitteeRole.objects.current()
        .filter(member=member)
        .select_related("unit")
        .order_by("unit__depth", "role")
        if member
        else ()
    )
    return {
        "username": user.get_username(),
        "full_name": member.full_name if member else user.get_full_name() or None,
        "branch": {"id": branch.pk, "code": branch.code, "name": branch.name} if branch else None,
        "is_member": bool(member and member.is_active_member),
        "status": member.status if member else None,
        "units": [_unit(unit) for unit in above],
        "committee_roles": [
            {"role": office.role, "unit": _unit(office.unit)} for office in offices
        ],
        "board_roles": [
            {"role": role, "unit": _unit(units[unit_id])}
            for role, _path, unit_id in sorted(roles, key=lambda row: (row[1], row[0]))
        ],
        "can_open_admin": bool(roles) or user.is_superuser,
    }


def _bad_credentials():
    return ApiError(
        "invalid_credentials", _("The username or password is wrong."), status.HTTP_400_BAD_REQUEST
    )


def _bad_code():
    return ApiError(
        "invalid_code",
        _("The sign-in code is wrong, used or expired."),
        status.HTTP_400_BAD_REQUEST,
    )


def _locked_out(request, credentials):
    ends = AxesProxyHandler.get_implementation().lockout_ends(request, credentials)
    wait = max(1, math.ceil((ends - timezone.now()).total_seconds())) if ends else 60
    minutes = math.ceil(wait / 60)
    message = ngettext(
        "Too many failed sign-ins for this username from this address. "
        "Try again in %(minutes)d minute, or ask your unit's board for a sign-in code.",
        "Too many failed sign-ins for this username from this address. "
        "Try again in %(minutes)d minutes, or ask your unit's board for a sign-in code.",
        minutes,
    ) % {"minutes": minutes}
    error = ApiError("locked_out", message, status.HTTP_429_TOO_MANY_REQUESTS)
    error.wait = wait  # sent as Retry-After
    return error


class TokenView(APIView):
    """POST: sign in, answering ``{"token": ...}``; DELETE: sign out (revoke this token)."""

    throttle_classes = [SignInRateThrottle]

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    @extend_schema(request=SignInSerializer, responses={201: TokenSerializer}, auth=[])
    def post(self, request):
        data = SignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        credentials = {"username": username}
        if data.validated_data.get("code"):
            user = self._sign_in_with_code(request, username, data.validated_data["code"])
        else:
            # The lockout back end, then the member-status back end: one hash
            # whether the username exists or not, and None for a member who
            # may not sign in, as for a wrong password.
            user = authenticate(
                request, username=username, password=data.validated_data["password"]
            )
            if user is None:
                if getattr(request, "axes_locked_out", False):
                    raise _locked_out(request, credentials)
                raise _bad_credentials()
        # Clears this address's failures for the username, records last_login.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        _token, raw = ReaderToken.objects.issue(user, name=data.validated_data.get("device", ""))
        return Response({"token": raw, "user": profile(user)}, status=status.HTTP_201_CREATED)

    def _sign_in_with_code(self, request, username, code):
        credentials = {"username": username}
        if not AxesProxyHandler.is_allowed(request, credentials):
            raise _locked_out(request, credentials)
        user = self._user_for_code(username, code)
        if user is None:
            # Wrong codes count towards the lockout like wrong passwords.
            user_login_failed.send(sender=self.__class__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                raise _locked_out(request, credentials)
            raise _bad_code()
        return user

    @transaction.atomic
    def _user_for_code(self, username, code):
        """The user whose usable code this is, if they may sign in; None otherwise."""
        found = (
            SignInCode.objects.select_for_update()
            .select_related("user")
            .filter(user__username=username, digest=token_digest(code.strip()))
            .first()
        )
        if found is None or not found.is_usable or not user_may_sign_in(found.user):
            return None
        found.used_at = timezone.now()
        found.save(update_fields=["used_at"])
        return found.user

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if isinstance(request.auth, ReaderToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in caller: name, branch and the units above it (what decides
    what they may read), status, offices and board roles."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ProfileSerializer)
    def get(self, request):
        return Response(profile(request.user))
