"""Tasks inside a branch for reader apps (``branches.assignments``).

``GET /api/tasks/``: my assignments, or with ``?branch=<id>`` the branch's
tasks and every assignee's status and report (its secretaries only).
``POST /api/tasks/``: the branch committee assigns a task.
``GET|PATCH /api/tasks/<assignment id>/``: my assignment; I update its
status and report back with text or a photo (multipart ``report_photo``:
JPEG, PNG or WEBP, checked by content). Another member's assignment is not
found.
``GET /api/tasks/<assignment id>/photo/``: the report's photo, for the
assignee and the branch's secretaries (``report_photo_url``); anybody else
gets 404.
"""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from wagtail.images import get_image_model

from branches import assignments, roles
from branches.models import TaskAssignment, TaskStatus
from branches.uploads import media_collection
from content_types.extraction import FileKind, check_uploaded_file

from .branches import UNIT, BranchView, bad_input, secretary_branch, unit_json

ASSIGNMENT = inline_serializer(
    "TaskAssignment",
    {
        "id": serializers.IntegerField(),
        "task": serializers.IntegerField(),
        "branch": UNIT,
        "title": serializers.CharField(),
        "details": serializers.CharField(),
        "due_on": serializers.DateField(allow_null=True),
        "overdue": serializers.BooleanField(),
        "member": serializers.IntegerField(),
        "member_name": serializers.CharField(),
        "status": serializers.ChoiceField(choices=TaskStatus.choices),
        "report": serializers.CharField(),
        "report_photo": serializers.IntegerField(allow_null=True, help_text="A Wagtail image id."),
        "report_photo_url": serializers.CharField(
            allow_null=True,
            help_text="The photo itself, for the assignee and the branch's secretaries.",
        ),
        "updated_at": serializers.DateTimeField(),
    },
)


def assignment_json(assignment, today):
    task = assignment.task
    return {
        "id": assignment.pk,
        "task": task.pk,
        "branch": unit_json(task.branch),
        "title": task.title,
        "details": task.details,
        "due_on": task.due_on,
        "overdue": bool(
            task.due_on and task.due_on < today and assignment.status != TaskStatus.DONE
        ),
        "member": assignment.member_id,
        "member_name": assignment.member.full_name,
        "status": assignment.status,
        "report": assignment.report,
        "report_photo": assignment.report_photo_id,
        "report_photo_url": (
            reverse("api_task_photo", args=[assignment.pk]) if assignment.report_photo_id else None
        ),
        "updated_at": assignment.updated_at,
    }


class AssignSerializer(serializers.Serializer):
    branch = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    title = serializers.CharField(max_length=255)
    details = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    members = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        min_length=1,
        max_length=500,
    )


def _assignments():
    return TaskAssignment.objects.select_related("task__branch", "member")


class TasksView(BranchView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "branch", int, description="A branch I am secretary of: all its tasks."
            )
        ],
        responses=ASSIGNMENT.__class__(many=True),
    )
    def get(self, request):
        today = timezone.localdate()
        branch_id = request.query_params.get("branch")
        if branch_id is not None:
            if not branch_id.isdigit() or not 0 < int(branch_id) < 2**31:
                raise bad_input("branch", _("Give a branch id."))
            branch = secretary_branch(self, int(branch_id))
            found = _assignments().filter(task__branch=branch).order_by("-task_id", "pk")
        else:
            found = _assignments().filter(member=self.member).order_by("-task_id")
        return Response([assignment_json(item, today) for item in found[:500]])

    @extend_schema(request=AssignSerializer, responses={201: ASSIGNMENT.__class__(many=True)})
    def post(self, request):
        data = self.valid(AssignSerializer)
        branch = secretary_branch(self, data["branch"])
        task = assignments.assign_task(
            self.member,
            branch,
            title=data["title"],
            details=data.get("details", ""),
            due_on=data.get("due_on"),
            member_ids=data["members"],
        )
        made = _assignments().filter(task=task).order_by("pk")
        today = timezone.localdate()
        return Response(
            [assignment_json(item, today) for item in made], status=status.HTTP_201_CREATED
        )


class ReportSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    report = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    report_photo = serializers.ImageField(required=False)


def report_photo(uploaded, assignment, request):
    """A Wagtail image for the report's photo, checked by content."""
    try:
        check_uploaded_file(uploaded, uploaded.name, kinds=FileKind.IMAGES)
    except ValidationError as error:
        raise bad_input("report_photo", " ".join(error.messages)) from None
    image = get_image_model()(
        title=assignment.task.title[:255],
        file=uploaded,
        collection=media_collection(assignment.task.branch),
        uploaded_by_user=request.user,
    )
    image.save()
    return image


class AssignmentView(BranchView):
    parser_classes = [JSONParser, MultiPartParser]

    def mine(self, assignment_id):
        return get_object_or_404(_assignments(), pk=assignment_id, member=self.member)

    @extend_schema(responses=ASSIGNMENT)
    def get(self, request, assignment_id):
        return Response(assignment_json(self.mine(assignment_id), timezone.localdate()))

    @extend_schema(request=ReportSerializer, responses=ASSIGNMENT)
    def patch(self, request, assignment_id):
        assignment = self.mine(assignment_id)
        data = self.valid(ReportSerializer)
        photo = data.get("report_photo")
        assignments.update_assignment(
            self.member,
            assignment,
            status=data.get("status"),
            report=data.get("report"),
            report_photo=report_photo(photo, assignment, request) if photo else None,
        )
        return Response(assignment_json(assignment, timezone.localdate()))


class ReportPhotoView(BranchView):
    """A report's photo, for the assignee and the branch's secretaries."""

    @extend_schema(responses={(200, "image/*"): bytes})
    def get(self, request, assignment_id):
        assignment = get_object_or_404(
            TaskAssignment.objects.select_related("task__branch", "report_photo"),
            pk=assignment_id,
            report_photo__isnull=False,
        )
        mine = self.member is not None and assignment.member_id == self.member.pk
        if not (mine or roles.is_secretary(self.member, assignment.task.branch)):
            raise Http404
        photo = assignment.report_photo
        response = FileResponse(photo.file.open("rb"), filename=photo.filename)
        response["X-Content-Type-Options"] = "nosniff"
        return response
