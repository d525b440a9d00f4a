"""The reader apps' API, mounted at /api/ (``/api/search/`` is the search app's)."""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail.api.v2.router import WagtailAPIRouter

from . import (
    accounts,
    answers,
    branches,
    interactive,
    meetings,
    reading,
    residence,
    sync,
    tasks,
    unit_rankings,
)
from .exceptions import not_found
from .files import ReaderDocumentsAPIViewSet, ReaderImagesAPIViewSet
from .filters import MAX_ID
from .pages import ReaderPagesAPIViewSet


class IdConverter:
    """``<id:...>``: a row id, 1 to MAX_ID. Django's ``<int:>`` takes any number
    of digits, and a number no column holds is no object: the address does not
    match and the caller gets the JSON 404 below."""

    regex = "[0-9]{1,10}"

    def to_python(self, value):
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")

content = WagtailAPIRouter("api_v2")
content.register_endpoint("pages", ReaderPagesAPIViewSet)
content.register_endpoint("images", ReaderImagesAPIViewSet)
content.register_endpoint("documents", ReaderDocumentsAPIViewSet)

urlpatterns = [
    path("v2/", content.urls),
    path("auth/token/", accounts.TokenView.as_view(), name="api_token"),
    path("auth/me/", accounts.MeView.as_view(), name="api_me"),
    path("sync/", sync.SyncView.as_view(), name="api_sync"),
    path(
        "quizzes/<id:quiz_id>/attempts/",
        interactive.QuizAttemptsView.as_view(),
        name="api_quiz_attempts",
    ),
    path(
        "quizzes/<id:quiz_id>/ranking/",
        interactive.RankingView.as_view(),
        name="api_quiz_ranking",
    ),
    path(
        "quizzes/<id:quiz_id>/unit-ranking/",
        unit_rankings.UnitRankingView.as_view(),
        name="api_quiz_unit_ranking",
    ),
    path("attempts/", interactive.MyAttemptsView.as_view(), name="api_my_attempts"),
    path("attempts/<id:attempt_id>/", interactive.AttemptView.as_view(), name="api_attempt"),
    path(
        "attempts/<id:attempt_id>/submit/",
        interactive.SubmitView.as_view(),
        name="api_attempt_submit",
    ),
    path(
        "attempts/<id:attempt_id>/corrections/",
        interactive.CorrectionsView.as_view(),
        name="api_attempt_corrections",
    ),
    path(
        "study/lessons/<id:lesson_id>/open/",
        interactive.LessonProgressView.as_view(step="open"),
        name="api_lesson_open",
    ),
    path(
        "study/lessons/<id:lesson_id>/complete/",
        interactive.LessonProgressView.as_view(step="complete"),
        name="api_lesson_complete",
    ),
    path(
        "study/modules/<id:module_id>/progress/",
        interactive.ModuleProgressView.as_view(),
        name="api_module_progress",
    ),
    path("answers/<id:answer_id>/", answers.AnswerView.as_view(), name="api_answer"),
    path("questions/", interactive.QuestionsView.as_view(), name="api_questions"),
    path("questions/<id:question_id>/", interactive.QuestionView.as_view(), name="api_question"),
    path("reading/", reading.ReadingHistoryView.as_view(), name="api_reading"),
    # Branch life (api/meetings.py, api/tasks.py, api/branches.py).
    path("meetings/", meetings.MeetingsView.as_view(), name="api_meetings"),
    path("meetings/<id:meeting_id>/", meetings.MeetingView.as_view(), name="api_meeting"),
    path(
        "meetings/<id:meeting_id>/publish/",
        meetings.MeetingStepView.as_view(step="publish"),
        name="api_meeting_publish",
    ),
    path(
        "meetings/<id:meeting_id>/cancel/",
        meetings.MeetingStepView.as_view(step="cancel"),
        name="api_meeting_cancel",
    ),
    path(
        "meetings/<id:meeting_id>/close/",
        meetings.MeetingCloseView.as_view(),
        name="api_meeting_close",
    ),
    path("meetings/<id:meeting_id>/rsvp/", meetings.RsvpView.as_view(), name="api_meeting_rsvp"),
    path(
        "meetings/<id:meeting_id>/attendance/",
        meetings.AttendanceView.as_view(),
        name="api_meeting_attendance",
    ),
    path(
        "meetings/<id:meeting_id>/materials/",
        meetings.MaterialsView.as_view(),
        name="api_meeting_materials",
    ),
    path(
        "meetings/<id:meeting_id>/materials/<id:material_id>/file/",
        meetings.MaterialFileView.as_view(),
        name="api_meeting_material_file",
    ),
    path(
        "meetings/<id:meeting_id>/rating/",
        meetings.RatingView.as_view(),
        name="api_meeting_rating",
    ),
    path(
        "meetings/<id:meeting_id>/votes/",
        meetings.VotesView.as_view(),
        name="api_meeting_votes",
    ),
    path(
        "meetings/<id:meeting_id>/votes/<id:vote_id>/ballot/",
        meetings.BallotView.as_view(),
        name="api_vote_ballot",
    ),
    path(
        "meetings/<id:meeting_id>/votes/<id:vote_id>/close/",
        meetings.VoteCloseView.as_view(),
        name="api_vote_close",
    ),
    path("tasks/", tasks.TasksView.as_view(), name="api_tasks"),
    path("tasks/<id:assignment_id>/", tasks.AssignmentView.as_view(), name="api_task"),
    path(
        "tasks/<id:assignment_id>/photo/",
        tasks.ReportPhotoView.as_view(),
        name="api_task_photo",
    ),
    path("notifications/", branches.NotificationsView.as_view(), name="api_notifications"),
    path(
        "notifications/read-all/",
        branches.NotificationsReadAllView.as_view(),
        name="api_notifications_read_all",
    ),
    path(
        "notifications/<id:notification_id>/read/",
        branches.NotificationReadView.as_view(),
        name="api_notification_read",
    ),
    path(
        "branches/<id:branch_id>/members/",
        branches.BranchMembersView.as_view(),
        name="api_branch_members",
    ),
    path(
        "branches/<id:branch_id>/members/<id:member_id>/sign-in-code/",
        branches.BranchSignInCodeView.as_view(),
        name="api_branch_sign_in_code",
    ),
    path(
        "branches/<id:branch_id>/residence/",
        residence.ResidenceView.as_view(),
        name="api_branch_residence",
    ),
    path(
        "branches/<id:branch_id>/residence/<id:registration_id>/end/",
        residence.ResidenceEndView.as_view(),
        name="api_branch_residence_end",
    ),
    path(
        "branches/<id:branch_id>/requests/",
        branches.BranchRequestsView.as_view(),
        name="api_branch_requests",
    ),
    path(
        "membership-requests/",
        branches.CommitteeRequestsView.as_view(),
        name="api_membership_requests",
    ),
    path(
        "membership-requests/<id:request_id>/decision/",
        branches.RequestDecisionView.as_view(),
        name="api_membership_request_decision",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    # Last: any other address under /api/ is a JSON 404, never the site's HTML page.
    re_path(r"^", not_found),
]
