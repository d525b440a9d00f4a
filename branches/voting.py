"""Online voting under the Charter.

The secretary opens a vote on an agenda item of an announced meeting. Only
official members of the branch recorded present vote: probationary members
attend but have no vote, residence-place members vote in their own branch,
absent members cannot vote, and nobody votes twice: the receipt is unique
per member and vote in the database, and ballots of one vote are cast one
at a time under a lock on the vote, so two ballots sent at once by the same
member cannot both count. A vote is closed by the secretary, or when the
meeting is closed; closing counts it (``Vote.quorum_met``, ``Vote.passed``)
and, for a secret vote, writes its ballots again in a shuffled order.
"""

import random

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import Member, MemberStatus

from .errors import BranchError, BranchErrorCode
from .guards import may_see_meeting, not_found, require_secretary_of_meeting, require_state
from .models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Ballot,
    Choice,
    MeetingState,
    Vote,
    VoteReceipt,
    VoteState,
)
from .models.votes import MORE_THAN_HALF


def _invalid(field, message):
    return BranchError(BranchErrorCode.INVALID, message, field=field)


def eligible_voters(meeting):
    """The branch's official members recorded present at the meeting."""
    present = Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).values(
        "member_id"
    )
    return Member.objects.filter(
        branch_id=meeting.branch_id, status=MemberStatus.OFFICIAL, pk__in=present
    )


def _percent(value, field):
    if value is None:
        return MORE_THAN_HALF
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 99:
        raise _invalid(field, _("Give a whole number from 0 to 99."))
    return value


@transaction.atomic
def open_vote(
    member,
    meeting,
    *,
    question,
    agenda_item=None,
    secret=False,
    quorum_percent=None,
    threshold_percent=None,
):
    """Put ``question`` to the vote during an announced meeting."""
    require_secretary_of_meeting(member, meeting)
    require_state(meeting, MeetingState.PUBLISHED)
    question = (question or "").strip()
    if not question:
        raise _invalid("question", _("Write the question put to the vote."))
    if agenda_item is not None:
        item_id = getattr(agenda_item, "pk", agenda_item)
        agenda_item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).first()
        if agenda_item is None:
            raise _invalid("agenda_item", _("This item is not on the meeting's agenda."))
    return Vote.objects.create(
        meeting=meeting,
        agenda_item=agenda_item,
        question=question,
        secret=bool(secret),
        quorum_percent=_percent(quorum_percent, "quorum_percent"),
        threshold_percent=_percent(threshold_percent, "threshold_percent"),
        opened_by=member.user,
    )


def _refuse(message):
    return BranchError(BranchErrorCode.NOT_ELIGIBLE, message)


@transaction.atomic
def cast_ballot(member, vote, choice):
    """The member's ballot; returns their receipt (its choice is empty for a secret vote)."""
    vote = Vote.objects.select_for_update().select_related("meeting__branch").get(pk=vote.pk)
    meeting = vote.meeting
    if not may_see_meeting(member, meeting):
        raise not_found()
    if vote.state != VoteState.OPEN:
        raise BranchError(BranchErrorCode.CLOSED, _("This vote is closed."))
    if choice not in Choice.values:
        raise _invalid("choice", _("Choose approve, reject or abstain."))
    if member.branch_id != meeting.branch_id:
        raise _refuse(_("Residence-place members attend this branch but vote in their own."))
    if member.status != MemberStatus.OFFICIAL:
        raise _refuse(_("Probationary members attend the meeting but have no vote."))
    if not Attendance.objects.filter(
        meeting=meeting, member=member, status=AttendanceStatus.PRESENT
    ).exists():
        raise _refuse(_("Only members recorded present at the meeting may vote."))
    try:
        with transaction.atomic():
            receipt = VoteReceipt.objects.create(
                vote=vote, member=member, choice="" if vote.secret else choice
            )
    except IntegrityError:
        raise BranchError(BranchErrorCode.ALREADY_VOTED, _("You have already voted.")) from None
    Ballot.objects.create(vote=vote, choice=choice)
    return receipt


def _shuffle_ballots(vote):
    """Write a secret vote's ballots again, in a random order, so that not
    even the table's physical order follows the order of the receipts."""
    choices = list(Ballot.objects.filter(vote=vote).values_list("choice", flat=True))
    random.SystemRandom().shuffle(choices)
    Ballot.objects.filter(vote=vote).delete()
    Ballot.objects.bulk_create(Ballot(vote=vote, choice=choice) for choice in choices)


@transaction.atomic
def count_and_close(vote):
    """Close the vote (if open) and count it; returns the vote."""
    vote = Vote.objects.select_for_update().select_related("meeting").get(pk=vote.pk)
    if vote.state == VoteState.CLOSED:
        return vote
    counts = dict(
        Ballot.objects.filter(vote=vote)
        .values("choice")
        .annotate(n=Count("id"))
        .values_list("choice", "n")
    )
    vote.approve_count = counts.get(Choice.APPROVE, 0)
    vote.reject_count = counts.get(Choice.REJECT, 0)
    vote.abstain_count = counts.get(Choice.ABSTAIN, 0)
    vote.eligible_count = eligible_voters(vote.meeting).count()
    vote.state = VoteState.CLOSED
    vote.closed_at = timezone.now()
    vote.save()
    if vote.secret:
        _shuffle_ballots(vote)
    return vote


def close_vote(member, vote):
    """The secretary closes the vote: it is counted."""
    require_secretary_of_meeting(member, vote.meeting)
    return count_and_close(vote)
