"""What the meeting endpoints answer (``api.meetings``), and the upload of a
meeting's file material.

A meeting's detail costs a fixed number of queries, however many agenda
items, materials, votes and members it has. Page materials are listed only
to a reader who may read the page; a vote's counts are shown once it is
closed; the roll (answers and attendance) only to the branch's secretaries.
"""

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from branches import roles, uploads
from branches.models import (
    Attendance,
    AttendanceStatus,
    MaterialPart,
    MeetingKind,
    MeetingRating,
    MeetingState,
    RatingGrade,
    Rsvp,
    RsvpAnswer,
    VoteReceipt,
    VoteState,
)
from editorial.models import MemberStatus

from .branches import UNIT, bad_input, unit_json
from .visibility import readable_pages

# Shapes, for the schema

RESULT = inline_serializer(
    "VoteResult",
    {
        "eligible": serializers.IntegerField(help_text="Official members present."),
        "cast": serializers.IntegerField(),
        "approve": serializers.IntegerField(),
        "reject": serializers.IntegerField(),
        "abstain": serializers.IntegerField(),
        "quorum_met": serializers.BooleanField(),
        "passed": serializers.BooleanField(),
    },
    allow_null=True,
)
VOTE = inline_serializer(
    "MeetingVote",
    {
        "id": serializers.IntegerField(),
        "question": serializers.CharField(),
        "agenda_item": serializers.IntegerField(allow_null=True),
        "secret": serializers.BooleanField(),
        "state": serializers.ChoiceField(choices=VoteState.choices),
        "quorum_percent": serializers.IntegerField(),
        "threshold_percent": serializers.IntegerField(),
        "opened_at": serializers.DateTimeField(),
        "closed_at": serializers.DateTimeField(allow_null=True),
        "voted": serializers.IntegerField(help_text="How many have voted so far."),
        "i_voted": serializers.BooleanField(),
        "my_choice": serializers.CharField(allow_null=True, help_text="Open votes only."),
        "can_vote": serializers.BooleanField(),
        "result": RESULT,
    },
)
RATING = inline_serializer(
    "MeetingRating",
    {
        "grade": serializers.ChoiceField(choices=RatingGrade.choices),
        "comment": serializers.CharField(),
        "unit": UNIT,
        "rated_at": serializers.DateTimeField(),
    },
)
MEETING_FIELDS = {
    "id": serializers.IntegerField(),
    "branch": UNIT,
    "kind": serializers.ChoiceField(choices=MeetingKind.choices),
    "title": serializers.CharField(),
    "starts_at": serializers.DateTimeField(),
    "ends_at": serializers.DateTimeField(allow_null=True),
    "place": serializers.CharField(),
    "state": serializers.ChoiceField(choices=MeetingState.choices),
    "my_rsvp": serializers.ChoiceField(choices=RsvpAnswer.choices, allow_null=True),
}
MEETING_SUMMARY = inline_serializer("MeetingSummary", MEETING_FIELDS)
MEETING = inline_serializer(
    "Meeting",
    {
        **MEETING_FIELDS,
        "guidance": serializers.CharField(),
        "published_at": serializers.DateTimeField(allow_null=True),
        "closed_at": serializers.DateTimeField(allow_null=True),
        "minutes": serializers.CharField(),
        "resolution": serializers.CharField(),
        "my_reason": serializers.CharField(),
        "my_attendance": serializers.ChoiceField(
            choices=AttendanceStatus.choices, allow_null=True
        ),
        "is_secretary": serializers.BooleanField(),
        "can_rate": serializers.BooleanField(),
        "can_answer": serializers.BooleanField(
            help_text="Announced and I am on the branch's roll: I may answer the notice."
        ),
        "agenda": serializers.ListField(child=serializers.DictField()),
        "materials": serializers.ListField(child=serializers.DictField()),
        "votes": VOTE.__class__(many=True),
        "rating": RATING.__class__(allow_null=True),
        "roll": serializers.ListField(
            child=serializers.DictField(), allow_null=True, help_text="Secretaries only."
        ),
    },
)


def meeting_summary(meeting, my_answer):
    return {
        "id": meeting.pk,
        "branch": unit_json(meeting.branch),
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "state": meeting.state,
        "my_rsvp": my_answer,
    }


def rating_json(rating):
    return {
        "grade": rating.grade,
        "comment": rating.comment,
        "unit": unit_json(rating.unit),
        "rated_at": rating.rated_at,
    }


def vote_json(vote, member, voted, receipt, *, may_vote=False):
    closed = vote.state == VoteState.CLOSED
    return {
        "id": vote.pk,
        "question": vote.question,
        "agenda_item": vote.agenda_item_id,
        "secret": vote.secret,
        "state": vote.state,
        "quorum_percent": vote.quorum_percent,
        "threshold_percent": vote.threshold_percent,
        "opened_at": vote.opened_at,
        "closed_at": vote.closed_at,
        "voted": voted,
        "i_voted": receipt is not None,
        "my_choice": (receipt.choice or None) if receipt is not None else None,
        "can_vote": bool(may_vote and not closed and receipt is None),
        "result": {
            "eligible": vote.eligible_count,
            "cast": vote.cast_count,
            "approve": vote.approve_count,
            "reject": vote.reject_count,
            "abstain": vote.abstain_count,
            "quorum_met": vote.quorum_met,
            "passed": vote.passed,
        }
        if closed
        else None,
    }


def _materials(meeting, user):
    materials = list(meeting.materials.select_related("page", "document"))
    page_ids = [material.page_id for material in materials if material.page_id]
    readable = (
        set(readable_pages(user).filter(pk__in=page_ids).values_list("pk", flat=True))
        if page_ids
        else set()
    )
    shown = []
    for material in materials:
        if material.page_id and material.page_id in readable:
            shown.append(
                {
                    "id": material.pk,
                    "title": material.title,
                    "part": material.part,
                    "page": material.page_id,
                    "url": f"/api/v2/pages/{material.page_id}/",
                }
            )
        elif material.document_id:
            shown.append(
                {
                    "id": material.pk,
                    "title": material.title,
                    "part": material.part,
                    "file": material.document.filename,
                    "url": f"/api/meetings/{meeting.pk}/materials/{material.pk}/file/",
                }
            )
    return shown


def _roll(meeting):
    members = list(roles.roll(meeting.branch).order_by("full_name", "pk"))
    answers = {row.member_id: row for row in Rsvp.objects.filter(meeting=meeting)}
    present = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    return [
        {
            "id": member.pk,
            "full_name": member.full_name,
            "status": member.status,
            "residence": member.branch_id != meeting.branch_id,
            "rsvp": answers[member.pk].answer if member.pk in answers else None,
            "reason": answers[member.pk].reason if member.pk in answers else "",
            "attendance": present.get(member.pk),
        }
        for member in members
    ]


def meeting_detail(meeting, member, user):
    is_secretary = roles.is_secretary(member, meeting.branch)
    rsvp = Rsvp.objects.filter(meeting=meeting, member=member).first()
    attendance = (
        Attendance.objects.filter(meeting=meeting, member=member)
        .values_list("status", flat=True)
        .first()
    )
    votes = list(meeting.votes.annotate(voted=Count("receipts")))
    receipts = {
        receipt.vote_id: receipt
        for receipt in VoteReceipt.objects.filter(vote__in=votes, member=member)
    }
    may_vote = (
        member.branch_id == meeting.branch_id
        and member.status == MemberStatus.OFFICIAL
        and attendance == AttendanceStatus.PRESENT
    )
    rating = MeetingRating.objects.filter(meeting=meeting).select_related("unit").first()
    held = meeting.state == MeetingState.HELD
    return {
        **meeting_summary(meeting, rsvp.answer if rsvp else None),
        "guidance": meeting.guidance,
        "published_at": meeting.published_at,
        "closed_at": meeting.closed_at,
        "minutes": meeting.minutes,
        "resolution": meeting.resolution,
        "my_reason": rsvp.reason if rsvp else "",
        "my_attendance": attendance,
        "is_secretary": is_secretary,
        "can_rate": held and roles.is_committee_above(member, meeting.branch),
        "can_answer": meeting.state == MeetingState.PUBLISHED
        and (is_secretary or roles.is_on_roll(member, meeting.branch)),
        "agenda": [
            {"id": item.pk, "order": item.order, "title": item.title}
            for item in meeting.agenda.all()
        ],
        "materials": _materials(meeting, user),
        "votes": [
            vote_json(vote, member, vote.voted, receipts.get(vote.pk), may_vote=may_vote)
            for vote in votes
        ],
        "rating": rating_json(rating) if rating else None,
        "roll": _roll(meeting) if is_secretary else None,
    }


# Uploads


class MaterialSerializer(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    file = serializers.FileField(required=False)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    part = serializers.ChoiceField(
        choices=MaterialPart.choices,
        default=MaterialPart.MATERIAL,
        help_text="minutes: a photo of the written minutes (announced or held meeting).",
    )

    def validate(self, attrs):
        if bool(attrs.get("page")) == bool(attrs.get("file")):
            raise serializers.ValidationError(
                {"page": [_("Give either a published page or a file.")]}
            )
        if attrs["part"] == MaterialPart.MINUTES and not attrs.get("file"):
            raise serializers.ValidationError({"file": [_("Send a photo of the minutes.")]})
        return attrs


def material_document(uploaded, title, meeting, request, part=MaterialPart.MATERIAL):
    """A Wagtail document for an uploaded material (PDF, DOCX or a photo,
    HEIC converted to JPEG) or a photo of the minutes, checked by its
    content, in the branch's collection (``branches.uploads``, the path the
    admin shares)."""
    try:
        if part == MaterialPart.MINUTES:
            return uploads.minutes_photo_document(uploaded, meeting, request.user)
        return uploads.material_document(uploaded, title, meeting, request.user)
    except ValidationError as error:
        raise bad_input("file", " ".join(error.messages)) from None
