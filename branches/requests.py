"""The secretary's requests for their branch's roll, and the decision.

A branch's secretary (or deputy) asks for a new member — with a party card
number, or without one for a probationary member — or for a status change
of one of the branch's own members (a residence branch cannot change a
member's record). The request waits for the committee of the unit directly
above the branch (its grassroots committee: the secretary or deputy
secretary holding the office today, ``branches.roles``), who approves or
rejects it. Approving a new member creates their user (with no password: a
sign-in code or a password is given through the sign-in help) and their
``Member``: official with a card number, probationary without.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import Member, MemberStatus

from . import roles
from .errors import BranchError, BranchErrorCode
from .guards import not_found, require_secretary
from .models import MembershipRequest, RequestKind, RequestState


def _invalid(field, message):
    return BranchError(BranchErrorCode.INVALID, message, field=field)


def _check_new_member(username, card_number):
    user_model = get_user_model()
    if user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).exists():
        raise _invalid("username", _("This username is already taken."))
    if card_number and Member.objects.filter(card_number=card_number).exists():
        raise _invalid("card_number", _("A member with this party card number already exists."))


def request_new_member(member, branch, *, full_name, username, card_number="", note=""):
    require_secretary(member, branch)
    full_name, username = (full_name or "").strip(), (username or "").strip()
    card_number = (card_number or "").strip()
    if not full_name:
        raise _invalid("full_name", _("Give the new member's full name."))
    if not username:
        raise _invalid("username", _("Give the new member a username."))
    _check_new_member(username, card_number)
    pending = MembershipRequest.objects.filter(state=RequestState.PENDING)
    if pending.filter(username=username).exists():
        raise _invalid("username", _("A request for this username is already waiting."))
    if card_number and pending.filter(card_number=card_number).exists():
        raise _invalid("card_number", _("A request for this card number is already waiting."))
    return MembershipRequest.objects.create(
        branch=branch,
        kind=RequestKind.NEW_MEMBER,
        full_name=full_name,
        username=username,
        card_number=card_number,
        note=note or "",
        requested_by=member.user,
    )


def request_status_change(member, branch, *, target, new_status, note=""):
    """A status change of ``target``, a member of the branch's own roll."""
    require_secretary(member, branch)
    if target is None or target.branch_id != branch.pk:
        raise _invalid("member", _("Only the branch's own members can be changed here."))
    if new_status not in MemberStatus.values or new_status == target.status:
        raise _invalid("new_status", _("Choose a status other than the member's current one."))
    if new_status == MemberStatus.OFFICIAL and not target.card_number:
        raise _invalid("new_status", _("An official member needs a party card number."))
    return MembershipRequest.objects.create(
        branch=branch,
        kind=RequestKind.STATUS_CHANGE,
        member=target,
        full_name=target.full_name,
        new_status=new_status,
        note=note or "",
        requested_by=member.user,
    )


def may_decide(member, request):
    return roles.is_committee_above(member, request.branch)


@transaction.atomic
def decide(member, request, *, approve):
    """The committee above approves or rejects a waiting request."""
    request = MembershipRequest.objects.select_for_update().get(pk=request.pk)
    if member is None or not may_decide(member, request):
        if member is not None and roles.is_secretary(member, request.branch):
            raise BranchError(
                BranchErrorCode.ROLE_REQUIRED,
                _("The committee of the unit above the branch decides this request."),
            )
        raise not_found()
    if request.state != RequestState.PENDING:
        raise BranchError(BranchErrorCode.CLOSED, _("This request has already been decided."))
    today = timezone.localdate()
    if approve and request.kind == RequestKind.NEW_MEMBER:
        _check_new_member(request.username, request.card_number)
        user = get_user_model()._default_manager.create_user(request.username, password=None)
        request.created_member = Member.objects.create(
            user=user,
            full_name=request.full_name,
            branch=request.branch,
            card_number=request.card_number or None,
            status=MemberStatus.OFFICIAL if request.card_number else MemberStatus.PROBATIONARY,
            status_since=today,
            joined_on=today,
        )
    elif approve:
        target = Member.objects.select_for_update().get(pk=request.member_id)
        target.status, target.status_since = request.new_status, today
        target.save(update_fields=["status", "status_since"])
    request.state = RequestState.APPROVED if approve else RequestState.REJECTED
    request.decided_by, request.decided_at = member.user, timezone.now()
    request.save()
    return request
