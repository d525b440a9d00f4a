"""Two more things the members' reader app (issue 16) needs from the API:

- a question drawn into an attempt says whether one choice or several are
  right (``multiple``), so the app shows radio buttons or checkboxes, and
  says nothing more about which;
- a lesson's detail names its module and the next lesson, so a member who
  opened it from search or a link can go on to the next one.
"""

import datetime

from django.utils import timezone

from content_types.models import QuestionCategory
from tests.content_types.test_quizzes import make_question, publish_quiz
from tests.content_types.test_study import publish_lesson, publish_module

from .conftest import bearer


def test_a_drawn_question_says_whether_one_or_several_choices_are_right(
    client, readers, unit_tree
):
    category = QuestionCategory.objects.create(name="Điều lệ Đảng")
    make_question(
        unit_tree.grassroots,
        "Thời gian dự bị của đảng viên là bao lâu?",
        category,
        choices=[("Mười hai tháng", True), ("Sáu tháng", False), ("Hai năm", False)],
    )
    make_question(
        unit_tree.grassroots,
        "Những ai được giới thiệu người vào Đảng?",
        category,
        choices=[("Đảng viên chính thức", True), ("Đoàn cơ sở", True), ("Người thân", False)],
    )
    now = timezone.now()
    quiz = publish_quiz(
        unit_tree.grassroots,
        [(category, "", 2)],
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
    )
    headers = bearer(readers["branch"])

    started = client.post(f"/api/quizzes/{quiz.pk}/attempts/", **headers)
    assert started.status_code == 201, started.content
    questions = {q["text"]: q for q in started.json()["questions"]}
    assert questions["Thời gian dự bị của đảng viên là bao lâu?"]["multiple"] is False
    assert questions["Những ai được giới thiệu người vào Đảng?"]["multiple"] is True
    # How many, never which: a choice carries its id and text alone.
    for question in questions.values():
        assert all(set(choice) == {"id", "text"} for choice in question["choices"])
    # The open attempt read again says the same.
    again = client.get(f"/api/attempts/{started.json()['id']}/", **headers).json()
    assert [q["multiple"] for q in again["questions"]] == [
        q["multiple"] for q in started.json()["questions"]
    ]


def test_a_lesson_detail_names_its_module_and_the_next_lesson(client, unit_tree):
    module, (first, second) = publish_module(unit_tree.grassroots, "Nghị quyết Đại hội XIV")

    detail = client.get(f"/api/v2/pages/{first.pk}/").json()
    assert detail["module"] == {"id": module.pk, "title": "Nghị quyết Đại hội XIV"}
    assert detail["next_lesson"] == second.pk
    last = client.get(f"/api/v2/pages/{second.pk}/").json()
    assert (last["module"]["id"], last["next_lesson"]) == (module.pk, None)

    # A lesson published later after the last one is where the last one leads.
    third = publish_lesson(module, "Nghị quyết Đại hội XIV – bài 3")
    assert client.get(f"/api/v2/pages/{second.pk}/").json()["next_lesson"] == third.pk
