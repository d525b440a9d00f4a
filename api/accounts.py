"""Sign-in for reader apps: a token for a username and password (or a one-time
code from a board administrator), sign-out revoking it, and who I am."""

from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .authentication import user_may_sign_in
from .exceptions import ApiError
from .models import ReaderToken, SignInCode, token_digest
from .throttles import SignInRateThrottle, SignInUsernameThrottle


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


class ProfileSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField(allow_null=True)
    branch = UnitSerializer(allow_null=True)
    is_member = serializers.BooleanField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    user = ProfileSerializer()


def profile(user):
    member = getattr(user, "member", None)
    branch = member.branch if member else None
    return {
        "username": user.get_username(),
        "full_name": member.full_name if member else user.get_full_name() or None,
        "branch": {"id": branch.pk, "code": branch.code, "name": branch.name} if branch else None,
        "is_member": bool(member and member.is_active_member),
    }


def _refused():
    return ApiError(
        "inactive_account",
        _("This account may no longer sign in. Ask your unit's board."),
        status.HTTP_403_FORBIDDEN,
    )


def _bad_credentials():
    return ApiError(
        "invalid_credentials", _("The username or password is wrong."), status.HTTP_400_BAD_REQUEST
    )


class TokenView(APIView):
    """POST: sign in, answering ``{"token": ...}``; DELETE: sign out (revoke this token)."""

    throttle_classes = [SignInRateThrottle, SignInUsernameThrottle]

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    @extend_schema(request=SignInSerializer, responses={201: TokenSerializer}, auth=[])
    def post(self, request):
        data = SignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        if data.validated_data.get("code"):
            user = self._user_for_code(username, data.validated_data["code"])
        else:
            user = authenticate(
                request, username=username, password=data.validated_data["password"]
            )
            if user is None:
                known = get_user_model().objects.filter(username=username).first()
                if known and known.check_password(data.validated_data["password"]):
                    raise _refused()
                raise _bad_credentials()
        _token, raw = ReaderToken.objects.issue(user, name=data.validated_data.get("device", ""))
        return Response({"token": raw, "user": profile(user)}, status=status.HTTP_201_CREATED)

    @transaction.atomic
    def _user_for_code(self, username, code):
        found = (
            SignInCode.objects.select_for_update()
            .select_related("user")
            .filter(user__username=username, digest=token_digest(code.strip()))
            .first()
        )
        if found is None or not found.is_usable:
            raise ApiError(
                "invalid_code",
                _("The sign-in code is wrong, used or expired."),
                status.HTTP_400_BAD_REQUEST,
            )
        if not user_may_sign_in(found.user):
            raise _refused()
        found.used_at = timezone.now()
        found.save(update_fields=["used_at"])
        return found.user

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if isinstance(request.auth, ReaderToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in caller: name and branch (what decides what they may read)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ProfileSerializer)
    def get(self, request):
        return Response(profile(request.user))
