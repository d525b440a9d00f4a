"""Branch life for reader apps: the base every branch view shares, members'
notifications, the secretary's own branch (its roll with sign-in status,
sign-in codes within the security rule, membership requests) and the
committee's decisions on requests. Meetings are in ``api.meetings``, tasks
in ``api.tasks``.

The rules live in ``branches``: the views read the caller's membership
(``branches.roles.member_of``) and let the services refuse. A refusal
(``branches.errors.BranchError``) answers with its stable code and the
status of ``BRANCH_ERROR_STATUS``; bad input names its field. A branch or
request the caller has nothing to do with answers 404, as one that does
not exist.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.log_actions import log

from branches import notifying, requests, roles
from branches.errors import BranchError, BranchErrorCode
from branches.models import (
    MembershipRequest,
    Notification,
    RequestKind,
    RequestState,
)
from editorial.models import Member, MemberStatus, Unit, UnitLevel
from editorial.permissions import can_reset_sign_in

from .admin_views import CODE_ISSUED, CODE_LIFETIME, issue_sign_in_code
from .exceptions import ApiError

BRANCH_ERROR_STATUS = {
    BranchErrorCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    BranchErrorCode.ROLE_REQUIRED: status.HTTP_403_FORBIDDEN,
    BranchErrorCode.NOT_ELIGIBLE: status.HTTP_403_FORBIDDEN,
    BranchErrorCode.ALREADY_VOTED: status.HTTP_409_CONFLICT,
    BranchErrorCode.NOT_OPEN: status.HTTP_409_CONFLICT,
    BranchErrorCode.CLOSED: status.HTTP_409_CONFLICT,
    BranchErrorCode.INVALID: status.HTTP_400_BAD_REQUEST,
}


def branch_refusal(error):
    """A ``BranchError`` as the API error: its code, status and field."""
    message = error.messages[0]
    fields = {error.field: [message]} if error.field else None
    return ApiError(
        str(error.code), message, BRANCH_ERROR_STATUS.get(error.code, 400), fields=fields
    )


def bad_input(field, message):
    return ApiError("invalid", message, status.HTTP_400_BAD_REQUEST, fields={field: [message]})


class BranchView(APIView):
    """Signed-in callers only; every answer is theirs alone (never stored)."""

    permission_classes = [IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.member = roles.member_of(request.user)

    def handle_exception(self, exc):
        if isinstance(exc, BranchError):
            exc = branch_refusal(exc)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    def valid(self, serializer_class, *, partial=False):
        data = serializer_class(data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return data.validated_data


def unit_json(unit):
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


UNIT = inline_serializer(
    "BranchUnit",
    {
        "id": serializers.IntegerField(),
        "code": serializers.CharField(),
        "name": serializers.CharField(),
    },
)


def secretary_branch(view, branch_id):
    """The branch ``branch_id`` if the caller is its secretary or deputy: its
    own members get 403, anybody else 404."""
    branch = get_object_or_404(Unit, pk=branch_id, level=UnitLevel.BRANCH)
    if roles.is_secretary(view.member, branch):
        return branch
    if view.member is not None and roles.is_on_roll(view.member, branch):
        raise branch_refusal(
            BranchError(
                BranchErrorCode.ROLE_REQUIRED,
                _("Only the branch's secretary or deputy secretary may do this."),
            )
        )
    raise branch_refusal(BranchError(BranchErrorCode.NOT_FOUND, _("Not found.")))


# Notifications

NOTIFICATION = inline_serializer(
    "Notification",
    {
        "id": serializers.IntegerField(),
        "kind": serializers.CharField(),
        "title": serializers.CharField(),
        "body": serializers.CharField(),
        "link": serializers.CharField(help_text="The API path of what it is about."),
        "created_at": serializers.DateTimeField(),
        "read_at": serializers.DateTimeField(allow_null=True),
    },
)
NOTIFICATIONS = inline_serializer(
    "NotificationList",
    {"unread": serializers.IntegerField(), "items": NOTIFICATION.__class__(many=True)},
)


def notification_json(item):
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "link": item.link,
        "created_at": item.created_at,
        "read_at": item.read_at,
    }


class NotificationsView(BranchView):
    """My notifications, newest first (the latest 100), and how many are unread."""

    @extend_schema(responses=NOTIFICATIONS)
    def get(self, request):
        mine = Notification.objects.filter(user=request.user)
        return Response(
            {
                "unread": mine.filter(read_at__isnull=True).count(),
                "items": [notification_json(item) for item in mine[:100]],
            }
        )


READ = inline_serializer("NotificationsRead", {"marked": serializers.IntegerField()})


class NotificationReadView(BranchView):
    """Mark one of my notifications read (another's is not found)."""

    @extend_schema(request=None, responses=NOTIFICATION)
    def post(self, request, notification_id):
        item = get_object_or_404(Notification, pk=notification_id, user=request.user)
        notifying.mark_read(request.user, item.pk, now=timezone.now())
        item.refresh_from_db()
        return Response(notification_json(item))


class NotificationsReadAllView(BranchView):
    @extend_schema(request=None, responses=READ)
    def post(self, request):
        return Response({"marked": notifying.mark_read(request.user, now=timezone.now())})


# The secretary's branch: its roll


ROLL_MEMBER = inline_serializer(
    "BranchRollMember",
    {
        "id": serializers.IntegerField(),
        "full_name": serializers.CharField(),
        "username": serializers.CharField(),
        "status": serializers.ChoiceField(choices=MemberStatus.choices),
        "card_number": serializers.CharField(allow_null=True),
        "residence": serializers.BooleanField(
            help_text="Registered here as their residence place; their record is their "
            "own branch's."
        ),
        "has_signed_in": serializers.BooleanField(),
        "last_sign_in": serializers.DateTimeField(allow_null=True),
    },
)


class BranchMembersView(BranchView):
    """The branch's roll for its secretary: own members and residence-place
    members, whether each has signed in and when last."""

    @extend_schema(responses=ROLL_MEMBER.__class__(many=True))
    def get(self, request, branch_id):
        branch = secretary_branch(self, branch_id)
        members = roles.roll(branch).select_related("user").order_by("full_name", "pk")
        return Response(
            [
                {
                    "id": member.pk,
                    "full_name": member.full_name,
                    "username": member.user.get_username(),
                    "status": member.status,
                    "card_number": member.card_number,
                    "residence": member.branch_id != branch.pk,
                    "has_signed_in": member.user.last_login is not None,
                    "last_sign_in": member.user.last_login,
                }
                for member in members
            ]
        )


CODE = inline_serializer(
    "SignInCodeIssued",
    {
        "code": serializers.CharField(),
        "expires_in_hours": serializers.IntegerField(),
    },
)


class BranchSignInCodeView(BranchView):
    """A one-time sign-in code for a member of the branch, under the security
    rule of the sign-in help (``editorial.permissions.can_reset_sign_in``):
    the secretary must also be allowed to take over that member's account."""

    @extend_schema(request=None, responses={201: CODE})
    def post(self, request, branch_id, member_id):
        branch = secretary_branch(self, branch_id)
        member = get_object_or_404(
            Member.objects.select_related("user"), pk=member_id, branch=branch
        )
        if not can_reset_sign_in(request.user, member):
            raise ApiError(
                "role_required",
                _("Only the board above this member may give them a sign-in code."),
                status.HTTP_403_FORBIDDEN,
            )
        code = issue_sign_in_code(member.user, request.user)
        log(member, CODE_ISSUED, user=request.user, data={"username": member.user.get_username()})
        hours = int(CODE_LIFETIME.total_seconds() // 3600)
        return Response({"code": code, "expires_in_hours": hours}, status=status.HTTP_201_CREATED)


# Membership requests


class RequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    full_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True)
    card_number = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="Left empty for a probationary member.",
    )
    member = serializers.IntegerField(
        required=False, min_value=1, help_text="For a status change."
    )
    new_status = serializers.ChoiceField(choices=MemberStatus.choices, required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


REQUEST = inline_serializer(
    "MembershipRequest",
    {
        "id": serializers.IntegerField(),
        "branch": UNIT,
        "kind": serializers.ChoiceField(choices=RequestKind.choices),
        "full_name": serializers.CharField(),
        "username": serializers.CharField(),
        "card_number": serializers.CharField(),
        "member": serializers.IntegerField(allow_null=True),
        "new_status": serializers.CharField(),
        "note": serializers.CharField(),
        "state": serializers.ChoiceField(choices=RequestState.choices),
        "requested_at": serializers.DateTimeField(),
        "decided_at": serializers.DateTimeField(allow_null=True),
        "created_member": serializers.IntegerField(allow_null=True),
    },
)


def request_json(item):
    return {
        "id": item.pk,
        "branch": unit_json(item.branch),
        "kind": item.kind,
        "full_name": item.full_name,
        "username": item.username,
        "card_number": item.card_number,
        "member": item.member_id,
        "new_status": item.new_status,
        "note": item.note,
        "state": item.state,
        "requested_at": item.requested_at,
        "decided_at": item.decided_at,
        "created_member": item.created_member_id,
    }


class BranchRequestsView(BranchView):
    """GET: the branch's requests; POST: a new member or a status change,
    awaiting the committee above."""

    @extend_schema(responses=REQUEST.__class__(many=True))
    def get(self, request, branch_id):
        branch = secretary_branch(self, branch_id)
        items = MembershipRequest.objects.filter(branch=branch).select_related("branch")[:200]
        return Response([request_json(item) for item in items])

    @extend_schema(request=RequestSerializer, responses={201: REQUEST})
    def post(self, request, branch_id):
        branch = secretary_branch(self, branch_id)
        data = self.valid(RequestSerializer)
        if data["kind"] == RequestKind.NEW_MEMBER:
            made = requests.request_new_member(
                self.member,
                branch,
                full_name=data.get("full_name", ""),
                username=data.get("username", ""),
                card_number=data.get("card_number", ""),
                note=data.get("note", ""),
            )
        else:
            if "member" not in data:
                raise bad_input("member", _("Choose the member whose status changes."))
            target = Member.objects.filter(pk=data["member"], branch=branch).first()
            made = requests.request_status_change(
                self.member,
                branch,
                target=target,
                new_status=data.get("new_status", ""),
                note=data.get("note", ""),
            )
        return Response(request_json(made), status=status.HTTP_201_CREATED)


class CommitteeRequestsView(BranchView):
    """The requests of the branches directly below the caller's committee
    (pending first); empty for anybody on no committee."""

    @extend_schema(responses=REQUEST.__class__(many=True))
    def get(self, request):
        branches = roles.branches_under_committee(self.member)
        items = (
            MembershipRequest.objects.filter(branch__in=branches)
            .select_related("branch")
            .order_by("-state", "-requested_at")[:200]
        )
        return Response([request_json(item) for item in items])


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()


class RequestDecisionView(BranchView):
    @extend_schema(request=DecisionSerializer, responses=REQUEST)
    def post(self, request, request_id):
        item = get_object_or_404(MembershipRequest.objects.select_related("branch"), pk=request_id)
        approve = self.valid(DecisionSerializer)["approve"]
        return Response(request_json(requests.decide(self.member, item, approve=approve)))
