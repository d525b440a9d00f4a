"""The reader apps' API, mounted at /api/ (``/api/search/`` is the search app's)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail.api.v2.router import WagtailAPIRouter

from . import accounts, interactive, sync
from .exceptions import not_found
from .files import ReaderDocumentsAPIViewSet, ReaderImagesAPIViewSet
from .pages import ReaderPagesAPIViewSet

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
        "quizzes/<int:quiz_id>/attempts/",
        interactive.QuizAttemptsView.as_view(),
        name="api_quiz_attempts",
    ),
    path(
        "quizzes/<int:quiz_id>/ranking/",
        interactive.RankingView.as_view(),
        name="api_quiz_ranking",
    ),
    path("attempts/", interactive.MyAttemptsView.as_view(), name="api_my_attempts"),
    path("attempts/<int:attempt_id>/", interactive.AttemptView.as_view(), name="api_attempt"),
    path(
        "attempts/<int:attempt_id>/submit/",
        interactive.SubmitView.as_view(),
        name="api_attempt_submit",
    ),
    path(
        "attempts/<int:attempt_id>/corrections/",
        interactive.CorrectionsView.as_view(),
        name="api_attempt_corrections",
    ),
    path(
        "study/lessons/<int:lesson_id>/open/",
        interactive.LessonProgressView.as_view(step="open"),
        name="api_lesson_open",
    ),
    path(
        "study/lessons/<int:lesson_id>/complete/",
        interactive.LessonProgressView.as_view(step="complete"),
        name="api_lesson_complete",
    ),
    path(
        "study/modules/<int:module_id>/progress/",
        interactive.ModuleProgressView.as_view(),
        name="api_module_progress",
    ),
    path("questions/", interactive.QuestionsView.as_view(), name="api_questions"),
    path("questions/<int:question_id>/", interactive.QuestionView.as_view(), name="api_question"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    # Last: any other address under /api/ is a JSON 404, never the site's HTML page.
    re_path(r"^", not_found),
]
