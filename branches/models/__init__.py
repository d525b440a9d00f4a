"""Branch life's records: meetings and their votes, tasks, residence-place
registrations, membership requests and members' notifications."""

from .meetings import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    MaterialPart,
    Meeting,
    MeetingKind,
    MeetingMaterial,
    MeetingRating,
    MeetingState,
    RatingGrade,
    Rsvp,
    RsvpAnswer,
)
from .members import (
    MembershipRequest,
    RequestKind,
    RequestState,
    ResidenceRegistration,
)
from .notifications import Notification, NotificationKind
from .tasks import Task, TaskAssignment, TaskStatus
from .votes import Ballot, Choice, Vote, VoteReceipt, VoteState

__all__ = [
    "AgendaItem",
    "Attendance",
    "AttendanceStatus",
    "Ballot",
    "Choice",
    "MaterialPart",
    "Meeting",
    "MeetingKind",
    "MeetingMaterial",
    "MeetingRating",
    "MeetingState",
    "MembershipRequest",
    "Notification",
    "NotificationKind",
    "RatingGrade",
    "RequestKind",
    "RequestState",
    "ResidenceRegistration",
    "Rsvp",
    "RsvpAnswer",
    "Task",
    "TaskAssignment",
    "TaskStatus",
    "Vote",
    "VoteReceipt",
    "VoteState",
]
