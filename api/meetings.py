"""Meetings for reader apps: the member's list and detail, answering the
notice, voting; and the secretary's side (prepare, announce, change, take
attendance, add materials, open and close votes, close the meeting) and the
committee's rating. The rules are ``branches.meetings`` and
``branches.voting``; ``api.branches`` has the base view and error mapping.

A meeting the caller may not see (another branch's, a draft for anybody but
the branch's secretaries) answers 404 as if it did not exist. Page materials
are listed only to a reader who may read the page (the reader rule of every
channel, ``api.visibility.readable_pages``); uploaded files are served to
whoever may see the meeting.
"""

from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from branches import guards, meetings, roles, voting
from branches.errors import BranchError, BranchErrorCode
from branches.models import (
    AttendanceStatus,
    Choice,
    MaterialPart,
    Meeting,
    MeetingKind,
    MeetingMaterial,
    MeetingState,
    RatingGrade,
    Rsvp,
    RsvpAnswer,
    Vote,
    VoteReceipt,
)

from .branches import BranchView, secretary_branch
from .meeting_details import (
    MEETING,
    MEETING_SUMMARY,
    RATING,
    VOTE,
    MaterialSerializer,
    material_document,
    meeting_detail,
    meeting_summary,
    rating_json,
    vote_json,
)
from .visibility import readable_pages


def visible_meeting(view, meeting_id):
    meeting = get_object_or_404(Meeting.objects.select_related("branch"), pk=meeting_id)
    if not guards.may_see_meeting(view.member, meeting):
        raise guards.not_found()
    return meeting


class MeetingSerializer(serializers.Serializer):
    branch = serializers.IntegerField(min_value=1, help_text="The branch (on creation).")
    kind = serializers.ChoiceField(choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    title = serializers.CharField(max_length=255)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.CharField(max_length=255)
    guidance = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    agenda = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False, max_length=50
    )


class MeetingChangeSerializer(MeetingSerializer):
    branch = None


class MeetingsView(BranchView):
    """GET: my meetings (my branch's and my residence branch's announced,
    held and cancelled ones; drafts too of branches I am secretary of; for
    the committee above, its branches' announced, held and cancelled ones,
    which it rates), newest first; ``?state=`` filters. POST: a secretary
    prepares a draft."""

    @extend_schema(responses=MEETING_SUMMARY.__class__(many=True))
    def get(self, request):
        member = self.member
        if member is None:
            return Response([])
        below = roles.branches_under_committee(member).values("pk")
        seen = (Q(branch_id__in=roles.branch_ids_of(member)) | Q(branch_id__in=below)) & ~Q(
            state=MeetingState.DRAFT
        )
        found = Meeting.objects.filter(
            seen | Q(branch_id__in=roles.secretary_branch_ids(member))
        ).select_related("branch")
        state = request.query_params.get("state")
        if state in MeetingState.values:
            found = found.filter(state=state)
        found = list(found[:100])
        answers = dict(
            Rsvp.objects.filter(member=member, meeting__in=found).values_list(
                "meeting_id", "answer"
            )
        )
        return Response([meeting_summary(meeting, answers.get(meeting.pk)) for meeting in found])

    @extend_schema(request=MeetingSerializer, responses={201: MEETING})
    def post(self, request):
        data = self.valid(MeetingSerializer)
        branch = secretary_branch(self, data.pop("branch"))
        meeting = meetings.create_meeting(self.member, branch, created_by=request.user, **data)
        return Response(meeting_detail(meeting, self.member, request.user), status=201)


class MeetingView(BranchView):
    """GET: the meeting (agenda, materials, my answer and attendance, votes
    with results once closed, the rating; the roll for secretaries). PATCH:
    the secretary changes it; once announced, a change of time or place is
    sent to the roll."""

    @extend_schema(responses=MEETING)
    def get(self, request, meeting_id):
        meeting = visible_meeting(self, meeting_id)
        return Response(meeting_detail(meeting, self.member, request.user))

    @extend_schema(request=MeetingChangeSerializer, responses=MEETING)
    def patch(self, request, meeting_id):
        meeting = visible_meeting(self, meeting_id)
        data = self.valid(MeetingChangeSerializer, partial=True)
        meetings.update_meeting(self.member, meeting, **data)
        return Response(meeting_detail(meeting, self.member, request.user))


class MeetingStepView(BranchView):
    """POST: ``publish`` (the notice goes out) or ``cancel``."""

    step = None

    @extend_schema(request=None, responses=MEETING)
    def post(self, request, meeting_id):
        meeting = visible_meeting(self, meeting_id)
        action = {"publish": meetings.publish_meeting, "cancel": meetings.cancel_meeting}
        action[self.step](self.member, meeting)
        return Response(meeting_detail(meeting, self.member, request.user))


class CloseSerializer(serializers.Serializer):
    minutes = serializers.CharField(max_length=50000)
    resolution = serializers.CharField(max_length=50000, required=False, allow_blank=True)


class MeetingCloseView(BranchView):
    """The secretary closes the meeting: minutes, resolution; open votes are counted."""

    @extend_schema(request=CloseSerializer, responses=MEETING)
    def post(self, request, meeting_id):
        meeting = visible_meeting(self, meeting_id)
        data = self.valid(CloseSerializer)
        meeting = meetings.close_meeting(self.member, meeting, **data)
        return Response(meeting_detail(meeting, self.member, request.user))


class RsvpSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=RsvpAnswer.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


RSVP = inline_serializer(
    "MeetingRsvp",
    {
        "answer": serializers.ChoiceField(choices=RsvpAnswer.choices),
        "reason": serializers.CharField(),
    },
)


class RsvpView(BranchView):
    """A member on the roll answers the notice: attending, or absent with a reason."""

    @extend_schema(request=RsvpSerializer, responses=RSVP)
    def post(self, request, meeting_id):
        meeting = visible_meeting(self, meeting_id)
        data = self.valid(RsvpSerializer)
        rsvp = meetings.answer_notice(self.member, meeting, data["answer"], data.get("reason", ""))
        return Response({"answer": rsvp.answer, "reason": rsvp.reason})


class AttendanceSerializer(serializers.Serializer):
    attendance = serializers.DictField(
        child=serializers.ChoiceField(choices=AttendanceStatus.choices),
        help_text='{"<member id>": "present" | "excused" | "unexcused"}',
    )

    def validate_attendance(self, value):
        entries = {}
        for key, status_ in value.items():
            if not key.isdigit() or not 0 < int(key) < 2**31:
                raise serializers.ValidationError(f"{key}: not a member id.")
            entries[int(key)] = status_
        return entries


class AttendanceView(BranchView):
    """The secretary records who was present, excused or absent without leave."""

    @extend_schema(request=AttendanceSerializer, responses=MEETING)
    def post(self, request, meeting_id):
        meeting = visible_meeting(self, meeting_id)
        entries = self.valid(AttendanceSerializer)["attendance"]
        meetings.record_attendance(self.member, meeting, entries, recorded_by=request.user)
        return Response(meeting_detail(meeting, self.member, request.user))


class MaterialsView(BranchView):
    """The secretary adds a material: JSON ``{"page": id}`` (a published page
    the secretary may read) or a multipart upload ``file`` (PDF, DOCX, JPEG,
    PNG, WEBP, or HEIC converted to JPEG) with a ``title``; with ``part``
    "minutes", a photo of the written minutes (announced or held meeting)."""

    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(request=MaterialSerializer, responses={201: MEETING})
    def post(self, request, meeting_id):
        meeting = visible_meeting(self, meeting_id)
        guards.require_secretary(self.member, meeting.branch)
        data = self.valid(MaterialSerializer)
        page = document = None
        if data.get("page"):
            page = readable_pages(request.user).filter(pk=data["page"]).first()
            if page is None:
                raise BranchError(
                    BranchErrorCode.INVALID,
                    _("No published page with this id that you may read."),
                    field="page",
                )
        elif data["part"] == MaterialPart.MINUTES:
            guards.require_state(meeting, MeetingState.PUBLISHED, MeetingState.HELD)
            document = material_document(data["file"], "", meeting, request, data["part"])
            meetings.add_minutes_photo(self.member, meeting, document, data.get("title", ""))
            return Response(meeting_detail(meeting, self.member, request.user), status=201)
        elif data.get("file"):
            guards.require_state(meeting, MeetingState.DRAFT, MeetingState.PUBLISHED)
            document = material_document(data["file"], data.get("title", ""), meeting, request)
        meetings.add_material(
            self.member, meeting, page=page, document=document, title=data.get("title", "")
        )
        return Response(meeting_detail(meeting, self.member, request.user), status=201)


class MaterialFileView(BranchView):
    """An uploaded material's file, for whoever may see the meeting."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, meeting_id, material_id):
        meeting = visible_meeting(self, meeting_id)
        material = get_object_or_404(
            MeetingMaterial.objects.select_related("document"),
            pk=material_id,
            meeting=meeting,
            document__isnull=False,
        )
        document = material.document
        response = FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.filename
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class OpenVoteSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=500)
    agenda_item = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    secret = serializers.BooleanField(default=False)
    quorum_percent = serializers.IntegerField(required=False, min_value=0, max_value=99)
    threshold_percent = serializers.IntegerField(required=False, min_value=0, max_value=99)


class VotesView(BranchView):
    """The secretary opens a vote during the announced meeting."""

    @extend_schema(request=OpenVoteSerializer, responses={201: VOTE})
    def post(self, request, meeting_id):
        meeting = visible_meeting(self, meeting_id)
        vote = voting.open_vote(self.member, meeting, **self.valid(OpenVoteSerializer))
        return Response(vote_json(vote, self.member, 0, None), status=status.HTTP_201_CREATED)


def meeting_vote(view, meeting_id, vote_id):
    meeting = visible_meeting(view, meeting_id)
    vote = get_object_or_404(
        Vote.objects.annotate(voted=Count("receipts")), pk=vote_id, meeting=meeting
    )
    vote.meeting = meeting
    return vote


class BallotSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Choice.choices)


BALLOT = inline_serializer(
    "BallotCast",
    {
        "vote": serializers.IntegerField(),
        "voted": serializers.BooleanField(),
        "choice": serializers.CharField(allow_null=True, help_text="Open votes only."),
    },
)


class BallotView(BranchView):
    """An official member of the branch recorded present votes, once."""

    @extend_schema(request=BallotSerializer, responses={201: BALLOT})
    def post(self, request, meeting_id, vote_id):
        vote = meeting_vote(self, meeting_id, vote_id)
        receipt = voting.cast_ballot(self.member, vote, self.valid(BallotSerializer)["choice"])
        return Response(
            {"vote": vote.pk, "voted": True, "choice": receipt.choice or None},
            status=status.HTTP_201_CREATED,
        )


class VoteCloseView(BranchView):
    """The secretary closes the vote: it is counted."""

    @extend_schema(request=None, responses=VOTE)
    def post(self, request, meeting_id, vote_id):
        vote = voting.close_vote(self.member, meeting_vote(self, meeting_id, vote_id))
        receipt = VoteReceipt.objects.filter(vote=vote, member=self.member).first()
        return Response(vote_json(vote, self.member, vote.cast_count, receipt))


class RatingSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=RatingGrade.choices)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class RatingView(BranchView):
    """The committee of the unit above rates a held meeting."""

    @extend_schema(request=RatingSerializer, responses=RATING)
    def post(self, request, meeting_id):
        meeting = visible_meeting(self, meeting_id)
        data = self.valid(RatingSerializer)
        rating = meetings.rate_meeting(self.member, meeting, data["grade"], data.get("comment"))
        return Response(rating_json(rating))
