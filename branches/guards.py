"""The refusals shared by the services: a meeting the caller may not see is
"not found", an action of the secretaries is refused to anybody else."""

from django.utils.translation import gettext as _

from . import roles
from .errors import BranchError, BranchErrorCode
from .models import MeetingState


def not_found():
    return BranchError(BranchErrorCode.NOT_FOUND, _("Not found."))


def may_see_meeting(member, meeting):
    """Secretaries see their branch's meetings, drafts included; the roll and
    the committee above see announced, held and cancelled ones."""
    if member is None:
        return False
    if roles.is_secretary(member, meeting.branch):
        return True
    if meeting.state == MeetingState.DRAFT:
        return False
    return roles.is_on_roll(member, meeting.branch) or roles.is_committee_above(
        member, meeting.branch
    )


def require_secretary(member, branch):
    """Refuse unless the member is the branch's secretary or deputy today."""
    if member is None or not roles.is_secretary(member, branch):
        raise BranchError(
            BranchErrorCode.ROLE_REQUIRED,
            _("Only the branch's secretary or deputy secretary may do this."),
        )


def require_secretary_of_meeting(member, meeting):
    """404 for whoever may not see the meeting, 403 for its other readers."""
    if not may_see_meeting(member, meeting):
        raise not_found()
    require_secretary(member, meeting.branch)


def require_state(meeting, *states):
    if meeting.state not in states:
        draft = meeting.state == MeetingState.DRAFT
        raise BranchError(
            BranchErrorCode.NOT_OPEN if draft else BranchErrorCode.CLOSED,
            _("This meeting is %(state)s: it cannot be changed that way.")
            % {"state": meeting.get_state_display().lower()},
        )
