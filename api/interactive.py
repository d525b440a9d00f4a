"""Quizzes, study progress and members' questions for reader apps.

Thin views over the service layers (``content_types.quizzes``,
``content_types.study``, ``MemberQuestion``): the rules live there. The
services refuse with ``content_types.errors.ServiceError``; the views let it
through, and the API's exception handler (``api.exceptions``) answers with
its stable code (``not_member``, ``not_open``...) and the 4xx status mapped
to that code.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from content_types import quizzes, study
from content_types.errors import ErrorCode
from content_types.models import MemberQuestion, Quiz, QuizAttempt, StudyLesson, StudyModule
from content_types.models.audience import readable_for

from .exceptions import ApiError


def readable(model, user, pk):
    return get_object_or_404(model.objects.live().filter(readable_for(user)), pk=pk)


def attempt_json(attempt, *, with_questions=False):
    body = {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "number": attempt.number,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "server_time": timezone.now(),
        "submitted_at": attempt.submitted_at,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "passed": attempt.passed,
        "expired": attempt.expired,
    }
    if with_questions and attempt.submitted_at is None:
        body["questions"] = [
            {
                "id": question.id,
                "number": question.number,
                "text": question.text,
                "multiple": question.multiple,
                "choices": [{"id": c.id, "text": c.text} for c in question.choices],
                "chosen": question.chosen,
            }
            for question in quizzes.attempt_questions(attempt)
        ]
    return body


def corrections_json(attempt):
    return [
        {
            "id": item.id,
            "number": item.number,
            "text": item.text,
            "scored": item.scored,
            "explanation": item.explanation,
            "choices": [
                {"id": c.id, "text": c.text, "is_correct": c.is_correct, "chosen": c.chosen}
                for c in item.choices
            ],
        }
        for item in quizzes.corrections(attempt)
    ]


ATTEMPT_QUESTION = inline_serializer(
    "AttemptQuestion",
    {
        "id": serializers.IntegerField(),
        "number": serializers.IntegerField(),
        "text": serializers.CharField(),
        "multiple": serializers.BooleanField(
            help_text="Whether more than one choice is right (tick every right one) "
            "or exactly one; which ones is never said before the corrections."
        ),
        "choices": inline_serializer(
            "AttemptChoice",
            {"id": serializers.IntegerField(), "text": serializers.CharField()},
            many=True,
        ),
        "chosen": serializers.ListField(child=serializers.IntegerField()),
    },
    many=True,
    required=False,
    help_text="While the attempt is open: the drawn questions, in order.",
)
ATTEMPT_FIELDS = {
    "id": serializers.IntegerField(),
    "quiz": serializers.IntegerField(),
    "number": serializers.IntegerField(),
    "started_at": serializers.DateTimeField(),
    "deadline": serializers.DateTimeField(),
    "server_time": serializers.DateTimeField(),
    "submitted_at": serializers.DateTimeField(allow_null=True),
    "score": serializers.IntegerField(allow_null=True),
    "max_score": serializers.IntegerField(),
    "passed": serializers.BooleanField(allow_null=True),
    "expired": serializers.BooleanField(),
    "questions": ATTEMPT_QUESTION,
    "corrections": serializers.ListField(child=serializers.DictField(), required=False),
}
ATTEMPT_RESPONSE = inline_serializer("Attempt", ATTEMPT_FIELDS)
ATTEMPTS_RESPONSE = inline_serializer("AttemptList", ATTEMPT_FIELDS, many=True)


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()),
        required=False,
        help_text='{"<question id>": [<choice id>, ...]}',
    )


class SubmitSerializer(AnswersSerializer):
    key = serializers.CharField(
        max_length=64,
        required=False,
        help_text="Chosen by the app for this submission; sending it again is safe. "
        "May also be sent as the Idempotency-Key header.",
    )


MAX_KEY = SubmitSerializer().fields["key"].max_length


def usual_submission(body):
    """``(answers, key)`` of a well-formed submission: answers a dict of lists
    of integers, the key (if sent) plain printable text of 1 to MAX_KEY
    characters. None for anything else, which ``SubmitSerializer`` then
    checks, naming the field at fault. A whole contest submits at once: most
    bodies skip building the serializer."""
    if not isinstance(body, dict):
        return None
    answers = body.get("answers", {})
    if not isinstance(answers, dict) or not all(
        isinstance(chosen, list) and all(type(choice) is int for choice in chosen)
        for chosen in answers.values()
    ):
        return None
    key = body.get("key", "")
    if not isinstance(key, str) or not (key.isascii() and key.isprintable()):
        return None
    key = key.strip()
    if "key" in body and not 0 < len(key) <= MAX_KEY:
        return None
    return body.get("answers"), key


class MemberOnly(APIView):
    permission_classes = [IsAuthenticated]


#: A reader's standing with a quiz, by the refusal ``reader_status`` reports.
STANDING = {
    "": "open",
    ErrorCode.NOT_OPEN: "not_yet_open",
    ErrorCode.CLOSED: "closed",
    ErrorCode.NO_ATTEMPTS_LEFT: "no_attempts_left",
}
NOT_ELIGIBLE = "not_eligible"  # not a member, role missing, quiz not theirs


def standing_json(quiz, user):
    """The caller's own standing with ``quiz`` (``quizzes.reader_status``):
    per user, so never in the page detail, which is cached per audience."""
    standing = quizzes.reader_status(quiz, user)
    attempts = (
        QuizAttempt.objects.filter(quiz=quiz, member__user=user).order_by("number")
        if user.is_authenticated and standing.attempts_used
        else ()
    )
    return {
        "quiz": quiz.pk,
        "status": STANDING.get(standing.code, NOT_ELIGIBLE),
        "reason": standing.reason,
        "can_start": standing.can_start,
        "attempts_allowed": quiz.attempts_allowed,
        "attempts_used": standing.attempts_used,
        "attempts_left": standing.attempts_left,
        "open_attempt": standing.open_attempt.pk if standing.open_attempt else None,
        "best_attempt": standing.best_attempt.pk if standing.best_attempt else None,
        "server_time": timezone.now(),
        "items": [attempt_json(attempt) for attempt in attempts],
    }


STANDING_RESPONSE = inline_serializer(
    "QuizStanding",
    {
        "quiz": serializers.IntegerField(),
        "status": serializers.ChoiceField(choices=[*STANDING.values(), NOT_ELIGIBLE]),
        "reason": serializers.CharField(),
        "can_start": serializers.BooleanField(),
        "attempts_allowed": serializers.IntegerField(),
        "attempts_used": serializers.IntegerField(),
        "attempts_left": serializers.IntegerField(),
        "open_attempt": serializers.IntegerField(allow_null=True),
        "best_attempt": serializers.IntegerField(allow_null=True),
        "server_time": serializers.DateTimeField(),
        "items": inline_serializer("QuizStandingAttempt", ATTEMPT_FIELDS, many=True),
    },
)


class QuizAttemptsView(APIView):
    """POST: start (or resume) an attempt (members); GET: my standing with
    this quiz and my attempts of it (anyone who may read the quiz: an
    anonymous caller is not eligible and has used none)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=None, responses={201: ATTEMPT_RESPONSE})
    def post(self, request, quiz_id):
        quiz = readable(Quiz, request.user, quiz_id)
        attempt = quizzes.start_attempt(quiz, request.user)
        return Response(attempt_json(attempt, with_questions=True), status=status.HTTP_201_CREATED)

    @extend_schema(responses=STANDING_RESPONSE)
    def get(self, request, quiz_id):
        quiz = readable(Quiz, request.user, quiz_id)
        # Per user and per moment (opening hours): no shared or stored copy.
        return Response(
            standing_json(quiz, request.user), headers={"Cache-Control": "private, no-store"}
        )


class MyAttemptsView(MemberOnly):
    """Every attempt of mine, newest first."""

    @extend_schema(responses=ATTEMPTS_RESPONSE)
    def get(self, request):
        attempts = QuizAttempt.objects.filter(member__user=request.user).order_by("-started_at")[
            :200
        ]
        return Response([attempt_json(attempt) for attempt in attempts])


class AttemptView(MemberOnly):
    """GET: the attempt (questions while open, never their answers); PUT: save
    answers so far."""

    @extend_schema(responses=ATTEMPT_RESPONSE)
    def get(self, request, attempt_id):
        attempt = quizzes.attempt_for(request.user, attempt_id)
        return Response(attempt_json(attempt, with_questions=True))

    @extend_schema(request=AnswersSerializer, responses=ATTEMPT_RESPONSE)
    def put(self, request, attempt_id):
        attempt = quizzes.attempt_for(request.user, attempt_id)
        data = AnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = quizzes.save_answers(attempt, request.data.get("answers"))
        return Response(attempt_json(attempt, with_questions=True))


class SubmitView(MemberOnly):
    """Score and close the attempt; idempotent with the client's key."""

    @extend_schema(
        request=SubmitSerializer,
        responses=ATTEMPT_RESPONSE,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def post(self, request, attempt_id):
        attempt = quizzes.attempt_for(request.user, attempt_id)
        usual = usual_submission(request.data)
        if usual is None:
            data = SubmitSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            usual = request.data.get("answers"), data.validated_data.get("key")
        answers, key = usual
        key = key or request.headers.get("Idempotency-Key", "")
        attempt = quizzes.submit_attempt(attempt, answers, key=key)
        body = attempt_json(attempt)
        if quizzes.corrections_available(attempt):
            body["corrections"] = corrections_json(attempt)
        return Response(body)


class CorrectionsView(MemberOnly):
    @extend_schema(responses=inline_serializer("Corrections", {"items": serializers.ListField()}))
    def get(self, request, attempt_id):
        attempt = quizzes.attempt_for(request.user, attempt_id)
        return Response({"items": corrections_json(attempt)})


class RankingView(MemberOnly):
    """Members ranked by their best attempt (top 50): names and branches, so
    for signed-in readers only, even of a public quiz."""

    @extend_schema(
        responses=inline_serializer(
            "Ranking",
            {
                "items": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def get(self, request, quiz_id):
        quiz = readable(Quiz, request.user, quiz_id)
        entries = quizzes.quiz_ranking(quiz, limit=50)
        return Response(
            {
                "items": [
                    {
                        "rank": entry.rank,
                        "name": entry.member.full_name,
                        "branch": entry.member.branch.name,
                        "score": entry.attempt.score,
                        "max_score": entry.attempt.max_score,
                        "time_taken_seconds": int(entry.attempt.time_taken.total_seconds())
                        if entry.attempt.time_taken
                        else None,
                    }
                    for entry in entries
                ]
            }
        )


LESSON_RESPONSE = inline_serializer(
    "LessonProgress",
    {
        "lesson": serializers.IntegerField(),
        "opened_at": serializers.DateTimeField(),
        "completed_at": serializers.DateTimeField(allow_null=True),
    },
)


class LessonProgressView(MemberOnly):
    """POST .../open/ (the member started the lesson) or .../complete/ (they
    reached its end: the lesson counts as read); idempotent."""

    step = "open"

    @extend_schema(request=None, responses=LESSON_RESPONSE)
    def post(self, request, lesson_id):
        lesson = StudyLesson.objects.filter(pk=lesson_id).first()
        if lesson is None:
            raise ApiError("not_found", _("No such lesson."), 404)
        record = study.open_lesson if self.step == "open" else study.complete_lesson
        progress = record(request.user, lesson)
        progress.refresh_from_db()
        return Response(
            {
                "lesson": lesson.pk,
                "opened_at": progress.opened_at,
                "completed_at": progress.completed_at,
            }
        )


class ModuleProgressView(MemberOnly):
    """My progress in a module: lessons opened and read to the end, final
    quiz passed, and when I completed it (every lesson read, quiz passed)."""

    @extend_schema(
        responses=inline_serializer(
            "ModuleProgress",
            {
                "module": serializers.IntegerField(),
                "lessons_total": serializers.IntegerField(),
                "lessons_opened": serializers.IntegerField(),
                "lessons_completed": serializers.IntegerField(),
                "lessons": serializers.ListField(child=serializers.DictField()),
                "final_quiz": serializers.IntegerField(allow_null=True),
                "quiz_passed": serializers.BooleanField(allow_null=True),
                "completed_at": serializers.DateTimeField(allow_null=True),
                "opens_on": serializers.DateField(allow_null=True),
                "due_on": serializers.DateField(allow_null=True),
            },
        )
    )
    def get(self, request, module_id):
        module = StudyModule.objects.filter(pk=module_id).first()
        if module is None:
            raise ApiError("not_found", _("No such study module."), 404)
        progress = study.module_progress(request.user, module)
        return Response(
            {
                "module": progress.module_id,
                "lessons_total": progress.lessons_total,
                "lessons_opened": progress.lessons_opened,
                "lessons_completed": progress.lessons_completed,
                "lessons": [
                    {
                        "id": lesson.lesson_id,
                        "title": lesson.title,
                        "opened_at": lesson.opened_at,
                        "completed_at": lesson.completed_at,
                    }
                    for lesson in progress.lessons
                ],
                "final_quiz": progress.final_quiz_id,
                "quiz_passed": progress.quiz_passed,
                "completed_at": progress.completed_at,
                "opens_on": progress.opens_on,
                "due_on": progress.due_on,
            }
        )


class QuestionSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    key = serializers.CharField(
        max_length=64,
        required=False,
        help_text="Chosen by the app for this question; sending it again is safe. "
        "May also be sent as the Idempotency-Key header.",
    )


def question_json(question):
    return {
        "id": question.pk,
        "text": question.text,
        "status": question.status,
        "asked_at": question.created_at,
        "answer": question.answer or None,
        "answered_at": question.answered_at,
    }


QUESTION_FIELDS = {
    "id": serializers.IntegerField(),
    "text": serializers.CharField(),
    "status": serializers.CharField(),
    "asked_at": serializers.DateTimeField(),
    "answer": serializers.CharField(allow_null=True),
    "answered_at": serializers.DateTimeField(allow_null=True),
}
QUESTION_RESPONSE = inline_serializer("MemberQuestion", QUESTION_FIELDS)
QUESTIONS_RESPONSE = inline_serializer("MemberQuestionList", QUESTION_FIELDS, many=True)


class QuestionsView(MemberOnly):
    """POST: send a question to my unit's board (once per key); GET: my
    questions and their status."""

    @extend_schema(
        request=QuestionSerializer,
        responses={201: QUESTION_RESPONSE, 200: QUESTION_RESPONSE},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def post(self, request):
        data = QuestionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text = data.validated_data["text"]
        key = data.validated_data.get("key") or request.headers.get("Idempotency-Key", "")
        if not key:
            question = MemberQuestion.ask(request.user, text)
            return Response(question_json(question), status=status.HTTP_201_CREATED)
        question, created = MemberQuestion.ask_once(request.user, text, key)
        return Response(
            question_json(question),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(responses=QUESTIONS_RESPONSE)
    def get(self, request):
        questions = MemberQuestion.objects.filter(asker=request.user)[:200]
        return Response([question_json(question) for question in questions])


class QuestionView(MemberOnly):
    @extend_schema(responses=QUESTION_RESPONSE)
    def get(self, request, question_id):
        question = MemberQuestion.objects.filter(asker=request.user, pk=question_id).first()
        if question is None:
            raise ApiError("not_found", _("No such question."), 404)
        return Response(question_json(question))
