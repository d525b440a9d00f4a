"""Quizzes on a member's phone (issue 16, 7): open quizzes, an attempt with
the server's deadline as a countdown, answers autosaved through a reload, a
submission retried after a lost answer stored once, the score and the
corrections, and for a contest the ranking of members and by unit."""

import datetime
import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from content_types import quizzes
from content_types.factories import make_question, publish_quiz
from content_types.models import Audience, QuestionCategory, QuizAttempt, QuizChoice
from editorial.factories import MemberFactory

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = {
    "Đảng viên sinh hoạt chi bộ bao lâu một lần?": "Mỗi tháng một lần",
    "Đảng phí đóng ở đâu?": "Tại chi bộ nơi sinh hoạt",
    "Thời gian dự bị của đảng viên là bao lâu?": "Mười hai tháng",
}
WRONG = ["Không quy định", "Tùy ý"]


def open_quiz(province, **fields):
    """A members' quiz of the province, open now, drawing the three questions."""
    category = QuestionCategory.objects.create(name="Điều lệ Đảng")
    for text, right in QUESTIONS.items():
        make_question(
            province, text, category, choices=[(right, True)] + [(w, False) for w in WRONG]
        )
    now = timezone.now()
    return publish_quiz(
        province,
        [(category, "", 3)],
        title=fields.pop("title", "Kiểm tra hiểu biết Điều lệ Đảng"),
        audience=Audience.MEMBERS,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=2),
        time_limit_minutes=10,
        attempts_allowed=2,
        pass_mark=60,
        **fields,
    )


@pytest.fixture
def quiz(world):
    return open_quiz(world["units"].province)


def answer_rightly(page, text):
    question = page.locator(".question", has_text=text)
    question.get_by_label(QUESTIONS[text]).check()


def test_a_member_takes_a_quiz_with_a_countdown_and_autosaved_answers(
    world, quiz, phone, screenshot
):
    sign_in(phone, "dv-an", PASSWORD)
    phone.locator("nav").get_by_role("link", name="Học tập").click()
    phone.get_by_test_id("open-quizzes").get_by_text(quiz.title).click()
    phone.get_by_role("heading", name=quiz.title).wait_for()
    assert phone.get_by_text("Còn 2/2 lượt làm bài").is_visible()
    assert phone.get_by_text("Thời gian làm bài: 10 phút").is_visible()
    phone.get_by_test_id("start").click()

    countdown = phone.get_by_test_id("countdown")
    countdown.wait_for()
    assert re.fullmatch(r"Còn lại (10:00|09:[0-5]\d)", countdown.inner_text().strip())
    first = countdown.inner_text()
    phone.wait_for_timeout(2100)
    assert countdown.inner_text() != first  # it counts down
    screenshot(phone, "quiz-attempt")

    # One right choice each: radio buttons, and the hint says to choose one.
    first_question = phone.locator(".question").first
    assert "(Chọn một phương án đúng)" in first_question.locator("legend").inner_text()
    assert first_question.locator("input[type=radio]").count() == 3
    texts = list(QUESTIONS)
    answer_rightly(phone, texts[0])
    phone.get_by_test_id("save-state").get_by_text("Đã lưu câu trả lời").wait_for()
    attempt = QuizAttempt.objects.get(quiz=quiz)
    assert len([chosen for chosen in attempt.answers.values() if chosen]) == 1

    # A reload keeps the answers (the server's and the phone's) and the deadline.
    answer_rightly(phone, texts[1])
    phone.reload()
    phone.get_by_test_id("countdown").wait_for()
    for text in texts[:2]:
        box = phone.locator(".question", has_text=text).get_by_label(QUESTIONS[text])
        expect(box).to_be_checked()
    answer_rightly(phone, texts[2])
    phone.get_by_test_id("submit").click()

    result = phone.get_by_test_id("result")
    result.get_by_text("Điểm: 3/3 · Đạt").wait_for()
    corrections = phone.get_by_test_id("corrections")
    assert corrections.locator(".question").count() == 3
    assert corrections.get_by_text("Mười hai tháng").first.is_visible()
    assert "đáp án đúng" in corrections.inner_text()
    screenshot(phone, "quiz-result")
    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score, attempt.passed) == (3, 3, True)
    assert phone.get_by_text("Còn 1/2 lượt làm bài").is_visible()


def test_a_submission_whose_answer_was_lost_is_sent_again_with_its_key_and_stored_once(
    world, quiz, phone
):
    sign_in(phone, "dv-an", PASSWORD)
    phone.goto(f"/#/thi/{quiz.pk}")
    phone.get_by_test_id("start").click()
    phone.get_by_test_id("countdown").wait_for()
    for text in QUESTIONS:
        answer_rightly(phone, text)

    tries = []

    def lose_the_first_answer(route):
        tries.append(json.loads(route.request.post_data))
        if len(tries) == 1:
            # The server submits; the phone never hears back.
            reached = route.fetch()
            tries[0]["answered"] = reached.json()
            route.abort("connectionreset")
        else:
            route.continue_()

    phone.route("**/api/attempts/*/submit/", lose_the_first_answer)
    phone.get_by_test_id("submit").click()
    phone.get_by_test_id("result").get_by_text("Điểm: 3/3 · Đạt").wait_for()

    assert len(tries) == 2
    assert tries[0]["key"] == tries[1]["key"]
    attempt = QuizAttempt.objects.get(quiz=quiz)
    assert attempt.submission_key == tries[0]["key"]
    # The retry changed nothing: the first submission stands, once.
    first_submitted = datetime.datetime.fromisoformat(tries[0]["answered"]["submitted_at"])
    assert attempt.submitted_at == first_submitted
    assert QuizAttempt.objects.filter(quiz=quiz, submitted_at__isnull=False).count() == 1
    standing = quizzes.reader_status(quiz, world["member"])
    assert standing.attempts_used == 1


def test_a_contest_holds_its_corrections_back_and_ranks_members(world, phone, screenshot):
    units = world["units"]
    contest = open_quiz(units.province, title="Hội thi tìm hiểu lịch sử Đảng", is_contest=True)
    rival = MemberFactory(branch=units.branch_2, full_name="Trần Thị Bình").user
    started = quizzes.start_attempt(contest, rival)
    quizzes.submit_attempt(started, {}, key="rival-phone")

    sign_in(phone, "dv-an", PASSWORD)
    phone.goto(f"/#/thi/{contest.pk}")
    phone.get_by_role("heading", name=contest.title).wait_for()
    phone.get_by_test_id("start").click()
    phone.get_by_test_id("countdown").wait_for()
    for text in QUESTIONS:
        answer_rightly(phone, text)
    phone.get_by_test_id("submit").click()

    result = phone.get_by_test_id("result")
    result.get_by_text("Điểm: 3/3").wait_for()
    assert result.get_by_text("Đáp án được công bố khi cuộc thi kết thúc.").is_visible()
    assert phone.get_by_test_id("corrections").count() == 0
    ranking = phone.get_by_test_id("ranking")
    ranking.get_by_text("Trần Thị Bình").wait_for()
    rows = ranking.locator("li").all_inner_texts()
    assert rows[0].startswith("1. Nguyễn Văn An") and units.branch.name in rows[0]
    assert "Trần Thị Bình" in rows[1] and units.branch_2.name in rows[1]

    # By unit: the districts under the province, the member's own highlighted.
    by_unit = phone.get_by_test_id("unit-ranking")
    by_unit.get_by_text(f"Các đơn vị trực thuộc {units.province.name}").wait_for()
    mine = by_unit.locator("li.mine")
    assert mine.count() == 1
    assert mine.inner_text().startswith(f"1. {units.district.name} (đơn vị của đồng chí)")
    assert "2/" in mine.inner_text() and "điểm trung bình 1.5/3" in mine.inner_text()
    other = by_unit.locator("li", has_text=units.district_2.name)
    assert other.inner_text().startswith("– ") and "0/" in other.inner_text()
    screenshot(phone, "contest-ranking")
    # A unit opens the ranking below it, down to the branches.
    for unit in (units.district, units.grassroots):
        by_unit.get_by_role("button", name=unit.name).click()
        by_unit.get_by_text(f"Các đơn vị trực thuộc {unit.name}").wait_for()
    branches = by_unit.locator("li").all_inner_texts()
    assert branches[0].startswith(f"1. {units.branch.name} (đơn vị của đồng chí)")
    assert branches[1].startswith(f"2. {units.branch_2.name}")
    assert by_unit.locator("li.mine").count() == 1
    by_unit.get_by_role("button", name="↑ Về cấp trên").click()
    by_unit.get_by_text(f"Các đơn vị trực thuộc {units.district.name}").wait_for()


def test_answers_given_offline_reach_the_server_when_the_network_returns(world, quiz, phone):
    sign_in(phone, "dv-an", PASSWORD)
    phone.goto(f"/#/thi/{quiz.pk}")
    phone.get_by_test_id("start").click()
    phone.get_by_test_id("countdown").wait_for()
    phone.context.set_offline(True)
    text = next(iter(QUESTIONS))
    answer_rightly(phone, text)
    phone.get_by_test_id("save-state").get_by_text("Đã lưu, sẽ gửi khi có mạng").wait_for()
    attempt = QuizAttempt.objects.get(quiz=quiz)
    assert not any(attempt.answers.values())

    phone.context.set_offline(False)
    for _try in range(40):
        attempt.refresh_from_db()
        if any(attempt.answers.values()):
            break
        phone.wait_for_timeout(250)
    chosen = [choice for choices in attempt.answers.values() for choice in choices]
    assert [QuizChoice.objects.get(pk=pk).text for pk in chosen] == [QUESTIONS[text]]


def test_when_the_time_is_up_the_answers_are_handed_in(world, quiz, phone):
    sign_in(phone, "dv-an", PASSWORD)
    phone.goto(f"/#/thi/{quiz.pk}")
    phone.get_by_test_id("start").click()
    phone.get_by_test_id("countdown").wait_for()
    answer_rightly(phone, next(iter(QUESTIONS)))
    phone.get_by_test_id("save-state").get_by_text("Đã lưu câu trả lời").wait_for()
    # The server's deadline, a few seconds away: the app counts on it after a reload.
    QuizAttempt.objects.filter(quiz=quiz).update(
        deadline=timezone.now() + datetime.timedelta(seconds=4)
    )
    phone.reload()
    assert re.fullmatch(
        r"Còn lại 00:0[0-4]", phone.get_by_test_id("countdown").inner_text().strip()
    )
    phone.get_by_test_id("result").get_by_text("Điểm: 1/3 · Chưa đạt").wait_for()
    attempt = QuizAttempt.objects.get(quiz=quiz)
    assert attempt.submitted_at is not None and attempt.score == 1
