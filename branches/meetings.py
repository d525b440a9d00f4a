"""A branch's meetings: prepare, announce, change, answer, record, close, rate.

Each function takes the acting member (``branches.roles.member_of(user)``)
and refuses with ``BranchError``, naming the field that was wrong. The
secretary (or deputy) of the branch prepares, announces, records and
closes; the branch's roll answers the notice; the committee of the unit
above rates a held meeting.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles
from .errors import BranchError, BranchErrorCode
from .guards import not_found, require_secretary, require_secretary_of_meeting, require_state
from .models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    MaterialPart,
    Meeting,
    MeetingMaterial,
    MeetingRating,
    MeetingState,
    NotificationKind,
    RatingGrade,
    Rsvp,
    RsvpAnswer,
    VoteState,
)
from .notifying import notify
from .voting import count_and_close

EDITABLE = ("kind", "title", "starts_at", "ends_at", "place", "guidance")
#: Changes members are told about once the notice is out.
NOTIFIED_CHANGES = ("starts_at", "ends_at", "place")


def meeting_link(meeting):
    return f"/api/meetings/{meeting.pk}/"


def _invalid(field, message):
    return BranchError(BranchErrorCode.INVALID, message, field=field)


def _check_times(starts_at, ends_at):
    if starts_at is None:
        raise _invalid("starts_at", _("Give the meeting's start time."))
    if ends_at is not None and ends_at < starts_at:
        raise _invalid("ends_at", _("The meeting cannot end before it starts."))


def _set_agenda(meeting, titles):
    meeting.agenda.all().delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, order=number, title=title)
        for number, title in enumerate(titles, start=1)
    )


@transaction.atomic
def create_meeting(member, branch, *, agenda=(), created_by=None, **fields):
    """A draft meeting of ``branch``, with its agenda (a list of titles)."""
    require_secretary(member, branch)
    _check_times(fields.get("starts_at"), fields.get("ends_at"))
    if not (fields.get("place") or "").strip():
        raise _invalid("place", _("Give the meeting's place."))
    meeting = Meeting.objects.create(
        branch=branch,
        created_by=created_by or member.user,
        **{name: value for name, value in fields.items() if name in EDITABLE},
    )
    _set_agenda(meeting, agenda)
    return meeting


@transaction.atomic
def update_meeting(member, meeting, *, agenda=None, **fields):
    """Change a draft or announced meeting. Once announced, a change of time
    or place goes to every member on the roll as "meeting changed"."""
    require_secretary_of_meeting(member, meeting)
    require_state(meeting, MeetingState.DRAFT, MeetingState.PUBLISHED)
    changes = {
        name: value
        for name, value in fields.items()
        if name in EDITABLE and getattr(meeting, name) != value
    }
    for name, value in changes.items():
        setattr(meeting, name, value)
    _check_times(meeting.starts_at, meeting.ends_at)
    if "place" in changes and not meeting.place.strip():
        raise _invalid("place", _("Give the meeting's place."))
    meeting.save()
    if agenda is not None:
        _set_agenda(meeting, agenda)
    if meeting.is_published and any(name in changes for name in NOTIFIED_CHANGES):
        _tell_roll(
            meeting,
            NotificationKind.MEETING_CHANGED,
            _("Meeting changed: %(title)s") % {"title": meeting.title},
        )
    return meeting


def _when_and_where(meeting):
    starts = timezone.localtime(meeting.starts_at)
    return _("%(time)s at %(place)s") % {
        "time": starts.strftime("%H:%M %d/%m/%Y"),
        "place": meeting.place,
    }


def _tell_roll(meeting, kind, title):
    members = roles.roll(meeting.branch).select_related("user")
    return notify(
        [member.user for member in members],
        kind,
        title,
        body=_when_and_where(meeting),
        link=meeting_link(meeting),
    )


@transaction.atomic
def publish_meeting(member, meeting):
    """Announce a draft: the notice goes to the branch's roll (its members
    and its residence-place members)."""
    require_secretary_of_meeting(member, meeting)
    require_state(meeting, MeetingState.DRAFT)
    meeting.state = MeetingState.PUBLISHED
    meeting.published_at = timezone.now()
    meeting.save(update_fields=["state", "published_at"])
    _tell_roll(
        meeting,
        NotificationKind.MEETING_NOTICE,
        _("Meeting notice: %(title)s") % {"title": meeting.title},
    )
    return meeting


@transaction.atomic
def cancel_meeting(member, meeting):
    require_secretary_of_meeting(member, meeting)
    require_state(meeting, MeetingState.DRAFT, MeetingState.PUBLISHED)
    was_published = meeting.is_published
    meeting.state = MeetingState.CANCELLED
    meeting.save(update_fields=["state"])
    if was_published:
        _tell_roll(
            meeting,
            NotificationKind.MEETING_CANCELLED,
            _("Meeting cancelled: %(title)s") % {"title": meeting.title},
        )
    return meeting


def add_material(member, meeting, *, page=None, document=None, title=""):
    """A published page (its reader check is the API's) or an uploaded file."""
    require_secretary_of_meeting(member, meeting)
    require_state(meeting, MeetingState.DRAFT, MeetingState.PUBLISHED)
    if (page is None) == (document is None):
        raise _invalid("page", _("Give either a published page or a file."))
    if page is not None and not page.live:
        raise _invalid("page", _("Only published pages can be meeting materials."))
    last = meeting.materials.order_by("-order").values_list("order", flat=True).first() or 0
    return MeetingMaterial.objects.create(
        meeting=meeting,
        page=page,
        document=document,
        title=title or (page.title if page is not None else document.title),
        order=last + 1,
    )


def add_minutes_photo(member, meeting, document, title=""):
    """A photo of the written minutes (an uploaded image), added by the
    secretary while the meeting is announced or once it is held."""
    require_secretary_of_meeting(member, meeting)
    require_state(meeting, MeetingState.PUBLISHED, MeetingState.HELD)
    last = meeting.materials.order_by("-order").values_list("order", flat=True).first() or 0
    return MeetingMaterial.objects.create(
        meeting=meeting,
        part=MaterialPart.MINUTES,
        document=document,
        title=title or document.title,
        order=last + 1,
    )


def answer_notice(member, meeting, answer, reason=""):
    """A member on the roll answers an announced meeting's notice."""
    if member is None or not roles.is_on_roll(member, meeting.branch):
        raise not_found()
    if meeting.state == MeetingState.DRAFT:
        raise not_found()
    require_state(meeting, MeetingState.PUBLISHED)
    if answer not in RsvpAnswer.values:
        raise _invalid("answer", _("Answer attending or absent."))
    reason = (reason or "").strip()
    if answer == RsvpAnswer.ABSENT and not reason:
        raise _invalid("reason", _("Give the reason you will be absent."))
    rsvp, _created = Rsvp.objects.update_or_create(
        meeting=meeting, member=member, defaults={"answer": answer, "reason": reason}
    )
    return rsvp


@transaction.atomic
def record_attendance(member, meeting, entries, *, recorded_by=None):
    """``entries``: ``{member id: status}`` for members on the branch's roll
    (residence-place members included). Recorded while the meeting is
    announced (before it is closed)."""
    require_secretary_of_meeting(member, meeting)
    require_state(meeting, MeetingState.PUBLISHED)
    on_roll = set(
        roles.roll(meeting.branch).filter(pk__in=list(entries)).values_list("pk", flat=True)
    )
    for member_id, status in entries.items():
        if member_id not in on_roll:
            raise _invalid(
                f"attendance.{member_id}", _("This member is not on the branch's roll.")
            )
        if status not in AttendanceStatus.values:
            raise _invalid(
                f"attendance.{member_id}", _("Attendance is present, excused or unexcused.")
            )
    for member_id, status in entries.items():
        Attendance.objects.update_or_create(
            meeting=meeting,
            member_id=member_id,
            defaults={"status": status, "recorded_by": recorded_by or member.user},
        )
    return meeting.attendance.all()


@transaction.atomic
def close_meeting(member, meeting, *, minutes="", resolution=""):
    """The meeting is held: its minutes and resolution are kept and its
    open votes closed and counted."""
    # Lock the meeting (a ballot or a second close waits), then read it afresh.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    meeting.refresh_from_db()
    require_secretary_of_meeting(member, meeting)
    require_state(meeting, MeetingState.PUBLISHED)
    if not (minutes or "").strip():
        raise _invalid("minutes", _("Write the minutes before closing the meeting."))
    for vote in meeting.votes.filter(state=VoteState.OPEN):
        count_and_close(vote)
    meeting.minutes, meeting.resolution = minutes.strip(), (resolution or "").strip()
    meeting.state = MeetingState.HELD
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["minutes", "resolution", "state", "closed_at"])
    return meeting


def rate_meeting(member, meeting, grade, comment=""):
    """The committee of the unit directly above the branch grades a held meeting."""
    if member is None or not roles.is_committee_above(member, meeting.branch):
        if member is not None and roles.is_on_roll(member, meeting.branch):
            raise BranchError(
                BranchErrorCode.ROLE_REQUIRED,
                _("Only the committee of the unit above the branch rates its meetings."),
            )
        raise not_found()
    if meeting.state != MeetingState.HELD:
        raise BranchError(BranchErrorCode.NOT_OPEN, _("Only a held meeting can be rated."))
    if grade not in RatingGrade.values:
        raise _invalid("grade", _("The grade is good, fairly good, average or poor."))
    rating, _created = MeetingRating.objects.update_or_create(
        meeting=meeting,
        defaults={
            "grade": grade,
            "comment": (comment or "").strip(),
            "rated_by": member.user,
            "unit": roles.committee_unit_above(meeting.branch),
        },
    )
    return rating
