"""Quizzes, study progress and members' questions over HTTP.

Reader apps rely on: a started attempt carrying its questions without their
answers and the server's deadline; a submission being safe to retry with the
same key; refusals keeping the service layer's stable codes.
"""

import datetime

from django.utils import timezone

from content_types.models import Audience, QuestionCategory, QuizAttempt
from tests.content_types.test_quizzes import make_question, publish_quiz
from tests.content_types.test_study import publish_module

from .conftest import bearer


def open_quiz(unit_tree, **fields):
    category = QuestionCategory.objects.create(name="Điều lệ Đảng")
    for n in range(3):
        make_question(unit_tree.grassroots, f"Câu hỏi {n}", category)
    now = timezone.now()
    return publish_quiz(
        unit_tree.grassroots,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
        **fields,
    )


def test_an_attempt_over_http(client, readers, unit_tree):
    quiz = open_quiz(unit_tree)
    headers = bearer(readers["branch"])

    started = client.post(f"/api/quizzes/{quiz.pk}/attempts/", **headers)
    assert started.status_code == 201
    attempt = started.json()
    assert len(attempt["questions"]) == 3
    assert (
        "is_correct" not in started.content.decode()
        and "explanation" not in started.content.decode()
    )
    deadline = datetime.datetime.fromisoformat(attempt["deadline"])
    assert deadline - datetime.datetime.fromisoformat(attempt["started_at"]) == datetime.timedelta(
        minutes=10
    )

    # No answers before submission.
    early = client.get(f"/api/attempts/{attempt['id']}/corrections/", **headers)
    assert (early.status_code, early.json()["code"]) == (409, "not_submitted")
    # Another member cannot see it.
    other = client.get(f"/api/attempts/{attempt['id']}/", **bearer(readers["sibling branch"]))
    assert (other.status_code, other.json()["code"]) == (404, "not_found")

    answers = {
        str(q["id"]): [next(c["id"] for c in q["choices"] if c["text"] == "Đúng")]
        for q in attempt["questions"]
    }
    submit = {"answers": answers, "key": "phone-1"}
    first = client.post(
        f"/api/attempts/{attempt['id']}/submit/",
        submit,
        content_type="application/json",
        **headers,
    )
    assert first.status_code == 200
    assert (first.json()["score"], first.json()["max_score"]) == (3, 3)
    assert len(first.json()["corrections"]) == 3
    # The same key again (a retry on a bad network) is the same result, nothing doubled.
    again = client.post(
        f"/api/attempts/{attempt['id']}/submit/",
        submit,
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 200 and again.json()["score"] == 3
    assert QuizAttempt.objects.filter(quiz=quiz).count() == 1
    # Another key is a second submission: refused.
    other_key = client.post(
        f"/api/attempts/{attempt['id']}/submit/",
        {"answers": {}, "key": "phone-2"},
        content_type="application/json",
        **headers,
    )
    assert (other_key.status_code, other_key.json()["code"]) == (409, "already_submitted")

    mine = client.get("/api/attempts/", **headers).json()
    assert [a["id"] for a in mine] == [attempt["id"]]
    ranking = client.get(f"/api/quizzes/{quiz.pk}/ranking/", **headers).json()["items"]
    assert ranking[0]["rank"] == 1 and ranking[0]["score"] == 3


def test_the_server_deadline_holds(client, readers, unit_tree):
    quiz = open_quiz(unit_tree)
    headers = bearer(readers["branch"])
    attempt = client.post(f"/api/quizzes/{quiz.pk}/attempts/", **headers).json()
    past = timezone.now() - datetime.timedelta(hours=1)
    QuizAttempt.objects.filter(pk=attempt["id"]).update(
        started_at=past, deadline=past + datetime.timedelta(minutes=10)
    )

    late = client.post(
        f"/api/attempts/{attempt['id']}/submit/",
        {"answers": {}, "key": "late"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )
    assert late.status_code == 409
    assert late.json()["code"] == "deadline_passed"
    assert late.json()["message"].startswith("The time for this attempt ran out")
    assert QuizAttempt.objects.get(pk=attempt["id"]).expired


def test_quiz_refusals_keep_their_codes(client, readers, unit_tree):
    quiz = open_quiz(unit_tree, audience=Audience.UNIT, attempts_allowed=1)
    outsider = client.post(
        f"/api/quizzes/{quiz.pk}/attempts/",
        **bearer(readers["anonymous"] or readers["sibling branch"]),
    )
    # A unit quiz of DT-X1 is readable by the sibling branch (same grassroots unit).
    assert outsider.status_code == 201
    anonymous = client.post(f"/api/quizzes/{quiz.pk}/attempts/")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    bad = client.put(
        f"/api/attempts/{outsider.json()['id']}/",
        {"answers": {"999999": [1]}},
        content_type="application/json",
        **bearer(readers["sibling branch"]),
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_answer")


def test_study_progress_and_questions(client, readers, unit_tree):
    module, lessons = publish_module(unit_tree.grassroots, "Học phần", lessons=2)
    headers = bearer(readers["branch"])
    opened = client.post(f"/api/study/lessons/{lessons[0].pk}/open/", **headers)
    assert opened.status_code == 200 and opened.json()["opened_at"]
    progress = client.get(f"/api/study/modules/{module.pk}/progress/", **headers).json()
    assert (progress["lessons_opened"], progress["lessons_total"]) == (1, 2)
    refused = client.post(
        f"/api/study/lessons/{lessons[0].pk}/open/", **bearer(readers["parent unit"])
    )
    assert refused.status_code == 200  # a member of the grassroots unit studies too

    sent = client.post(
        "/api/questions/",
        {"text": "Đảng phí đóng thế nào?"},
        content_type="application/json",
        **headers,
    )
    assert sent.status_code == 201 and sent.json()["status"]
    listed = client.get("/api/questions/", **headers).json()
    assert [q["id"] for q in listed] == [sent.json()["id"]]
    assert (
        client.get(
            f"/api/questions/{sent.json()['id']}/", **bearer(readers["sibling branch"])
        ).status_code
        == 404
    )
    empty = client.post(
        "/api/questions/", {"text": ""}, content_type="application/json", **headers
    )
    assert empty.status_code == 400 and "text" in empty.json()["fields"]
