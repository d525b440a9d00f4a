"""Three more things the members' reader app (issue 16) needs from the API:

- a lesson counts as read when the member reached its end (``/complete/``),
  not when they opened it; a module is completed when every lesson is read
  (and its final quiz passed), and the committee's study report counts that;
- a question queued offline is sent once: ``POST /api/questions/`` with an
  ``Idempotency-Key`` stores one question however often it arrives;
- a contest's ranking by unit (``GET /api/quizzes/<id>/unit-ranking/``).

Who may not see or do these is in ``tests/security/test_reader_api_gaps.py``.
"""

import threading

import pytest
from django.db import connections
from django.test import Client

from content_types import quizzes
from content_types.models import MemberQuestion, MemberQuestionEvent, QuizChoice
from content_types.study import completion_report
from editorial.factories import MemberFactory
from tests.content_types.test_study import publish_module

from .conftest import bearer, member
from .test_interactive import open_quiz

# --- 1. a lesson counts as read when reached to the end ------------------------------


def progress(client, module, headers):
    response = client.get(f"/api/study/modules/{module.pk}/progress/", **headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_opened_lessons_complete_no_module_lessons_read_to_the_end_do(client, readers, unit_tree):
    module, lessons = publish_module(unit_tree.grassroots, "Đọc đến cuối bài", lessons=2)
    MemberFactory(branch=unit_tree.branch)  # another member of the branch, who has not started
    headers = bearer(readers["branch"])
    for lesson in lessons:
        opened = client.post(f"/api/study/lessons/{lesson.pk}/open/", **headers)
        assert opened.status_code == 200 and opened.json()["completed_at"] is None

    started = progress(client, module, headers)
    assert (started["lessons_opened"], started["lessons_completed"]) == (2, 0)
    assert started["completed_at"] is None
    report = completion_report(unit_tree.grassroots, modules=[module])
    assert report.total.figures[0].completed == 0

    first = client.post(f"/api/study/lessons/{lessons[0].pk}/complete/", **headers)
    assert first.status_code == 200 and first.json()["completed_at"]
    halfway = progress(client, module, headers)
    assert (halfway["lessons_completed"], halfway["completed_at"]) == (1, None)

    client.post(f"/api/study/lessons/{lessons[1].pk}/complete/", **headers)
    done = progress(client, module, headers)
    assert (done["lessons_opened"], done["lessons_completed"], done["lessons_total"]) == (2, 2, 2)
    assert (
        done["completed_at"]
        == client.post(f"/api/study/lessons/{lessons[1].pk}/complete/", **headers).json()[
            "completed_at"
        ]
    )  # sent again (an offline retry): the first time stands
    assert [lesson["completed_at"] is not None for lesson in done["lessons"]] == [True, True]

    report = completion_report(unit_tree.grassroots, modules=[module])
    row = next(row for row in report.rows if row.unit == unit_tree.branch)
    assert (row.figures[0].expected, row.figures[0].completed) == (2, 1)  # two members there
    assert report.total.figures[0].completed == 1


# --- 2. a question sent once --------------------------------------------------------


def ask(client, headers, text, key=None, **extra):
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        "/api/questions/", {"text": text}, content_type="application/json", **headers, **extra
    )


def test_the_same_key_stores_one_question(client, readers):
    headers = bearer(readers["branch"])
    first = ask(client, headers, "Đảng phí đóng theo tháng hay quý?", key="phone-q1")
    assert first.status_code == 201, first.content
    again = ask(client, headers, "Đảng phí đóng theo tháng hay quý?", key="phone-q1")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert MemberQuestion.objects.filter(asker=readers["branch"]).count() == 1
    question = MemberQuestion.objects.get(asker=readers["branch"])
    assert MemberQuestionEvent.objects.filter(question=question).count() == 1  # asked once

    # The key may come in the body, as for submitting an attempt.
    body = client.post(
        "/api/questions/",
        {"text": "Sinh hoạt chi bộ trực tuyến được không?", "key": "phone-q2"},
        content_type="application/json",
        **headers,
    )
    assert body.status_code == 201
    replay = ask(client, headers, "Sinh hoạt chi bộ trực tuyến được không?", key="phone-q2")
    assert (replay.status_code, replay.json()["id"]) == (200, body.json()["id"])
    # Another key, or no key at all, is another question.
    assert ask(client, headers, "Câu hỏi khác", key="phone-q3").status_code == 201
    assert ask(client, headers, "Câu hỏi khác").status_code == 201
    assert MemberQuestion.objects.filter(asker=readers["branch"]).count() == 4
    listed = client.get("/api/questions/", **headers).json()
    assert len(listed) == 4


def test_a_key_belongs_to_its_member(client, readers):
    mine = ask(client, bearer(readers["branch"]), "Của tôi", key="shared-key")
    theirs = ask(client, bearer(readers["sibling branch"]), "Của người khác", key="shared-key")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert theirs.json()["text"] == "Của người khác"


def test_a_bad_key_is_refused_and_names_the_field(client, readers):
    headers = bearer(readers["branch"])
    too_long = ask(client, headers, "Câu hỏi", key="k" * 65)
    assert too_long.status_code == 400
    assert too_long.json()["code"] == "invalid_key"
    in_body = client.post(
        "/api/questions/",
        {"text": "Câu hỏi", "key": "k" * 65},
        content_type="application/json",
        **headers,
    )
    assert in_body.status_code == 400 and "key" in in_body.json()["fields"]
    assert not MemberQuestion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_posts_with_one_key_at_once_store_one_question(unit_tree):
    asker = member(unit_tree.branch, "phone-owner")
    headers = bearer(asker)
    start = threading.Barrier(4)
    answers = []

    def send():
        try:
            start.wait()
            response = ask(Client(), headers, "Gửi bốn lần cùng lúc", key="offline-42")
            answers.append((response.status_code, response.json()["id"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    question = MemberQuestion.objects.get(asker=asker)
    assert sorted(answers) == [(200, question.pk)] * 3 + [(201, question.pk)]
    assert MemberQuestionEvent.objects.filter(question=question).count() == 1


# --- 3. a contest's ranking by unit -----------------------------------------------------


def take(quiz, user, *, right):
    """Start and submit an attempt, every answer right or none given."""
    attempt = quizzes.start_attempt(quiz, user)
    answers = {}
    if right:
        drawn = [item["question"] for item in attempt.drawn]
        for choice in QuizChoice.objects.filter(question_id__in=drawn, is_correct=True):
            answers.setdefault(str(choice.question_id), []).append(choice.pk)
    return quizzes.submit_attempt(attempt, answers, key=f"k-{user.pk}")


def test_the_units_below_the_quiz_unit_are_ranked(
    client, readers, unit_tree, django_assert_max_num_queries
):
    quiz = open_quiz(unit_tree, is_contest=True)
    take(quiz, readers["branch"], right=False)
    take(quiz, readers["sibling branch"], right=True)
    MemberFactory(branch=unit_tree.branch)  # expected, did not take part
    headers = bearer(readers["branch"])

    with django_assert_max_num_queries(14):
        response = client.get(f"/api/quizzes/{quiz.pk}/unit-ranking/", **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit"] == {"id": unit_tree.grassroots.pk, "name": unit_tree.grassroots.name}
    assert body["max_score"] == 3
    rows = [
        (
            row["rank"],
            row["unit"]["id"],
            row["direct"],
            row["members"],
            row["participants"],
            row["best_score"],
        )
        for row in body["items"]
    ]
    assert rows == [
        (1, unit_tree.branch_2.pk, False, 1, 1, 3),
        (2, unit_tree.branch.pk, False, 2, 1, 0),
        # The member attached to DT-X1 itself took no part: listed last, no rank.
        (None, unit_tree.grassroots.pk, True, 1, 0, None),
    ]
    assert body["items"][1]["participation_rate"] == 0.5
    assert body["items"][0]["average_time_seconds"] is not None
    assert (body["total"]["members"], body["total"]["participants"]) == (4, 2)
    assert body["total"]["average_score"] == 1.5

    # A unit below the quiz's unit: its branches (here, one branch ranks itself).
    branch = client.get(
        f"/api/quizzes/{quiz.pk}/unit-ranking/", {"unit": unit_tree.branch.pk}, **headers
    ).json()
    assert [(row["unit"]["id"], row["participants"]) for row in branch["items"]] == [
        (unit_tree.branch.pk, 1)
    ]


def test_a_bad_unit_parameter_names_it(client, readers, unit_tree):
    quiz = open_quiz(unit_tree)
    response = client.get(
        f"/api/quizzes/{quiz.pk}/unit-ranking/", {"unit": "x1"}, **bearer(readers["branch"])
    )
    assert response.status_code == 400
    assert "unit" in response.json()["fields"]
